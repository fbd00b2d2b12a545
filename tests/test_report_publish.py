"""The report an editor reads (issue 20): summary first and short, the sources' words, years, no codes.

Expectations come from the bundled dataset's datasheet (12 series, Jan 6-10, 2022) and from
small files written here, never from the report itself.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from kzfigures.cli import SECTIONS, main
from kzfigures.datasets import kazakhstan_2022

DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b(?!, \d{4})")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["report", *args]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def summary_of(out: str) -> list[str]:
    """The summary section's lines: from the top to the first blank line."""
    lines = out.splitlines()
    return lines[: lines.index("")] if "" in lines else lines


def test_the_report_opens_with_a_summary_of_one_sentence_per_series_within_30_lines(capsys) -> None:
    frame = kazakhstan_2022()
    n_series = len(frame.drop_duplicates(["metric", "group", "region"]))
    out = run(capsys)
    summary = summary_of(out)
    assert summary[0].startswith(f"SUMMARY: {n_series} series, Jan 6, 2022 to Jan 10, 2022")
    assert len(summary) <= 30
    assert sum(line.startswith("- ") for line in summary) == n_series
    assert max(len(line) for line in out.splitlines()) <= 80


def test_every_date_in_the_text_report_has_its_year(capsys) -> None:
    out = run(capsys)
    assert not DATE.search(" ".join(out.split())), DATE.search(" ".join(out.split()))


def test_no_ids_or_internal_words_unless_asked(capsys) -> None:
    ids = set(kazakhstan_2022()["id"])
    out = run(capsys)
    assert not any(identifier in out for identifier in ids)
    for internal in ("claim", "observation:", "outlet:", "kz22-", "<NA>", "None"):
        assert internal not in out, internal
    with_ids = " ".join(run(capsys, "--ids").split())
    # The ids behind each summary sentence, and both figures of the one disagreement.
    assert "[kz22-003-01, kz22-003-02, kz22-003-03, kz22-000-10, kz22-001-11]" in with_ids
    assert "kz22-004-05 and kz22-004-08" in with_ids


def test_sections_choose_and_order_the_parts(capsys) -> None:
    out = run(capsys, "--sections", "ranges,summary")
    headings = [line for i, line in enumerate(out.splitlines()[:-1]) if out.splitlines()[i + 1] == "=" * 80]
    assert [h.split(":")[0] for h in headings] == ["RANGES", "SUMMARY"]
    assert main(["report", "--sections", "summary,charts"]) == 2
    assert "charts" in capsys.readouterr().err


def test_a_figure_prints_in_the_words_it_was_stated_in(tmp_path, capsys) -> None:
    path = tmp_path / "over.csv"
    path.write_text(
        "metric,as_of,figure,authority\n"
        "killed,2024-05-01,over 40,Civil Defence\n"
        "killed,2024-05-02,About 8 Thousand,Health Ministry\n",
        encoding="utf-8",
    )
    summary = " ".join(" ".join(summary_of(run(capsys, str(path)))[2:]).split())
    # The best estimate is the later "about 8 thousand", read as 8,000 (no digits of it in the text,
    # so canonical words); the record starts with "over 40", which must not read "41 or more".
    assert summary.split()[:8] == ["-", "killed:", "about", "8,000", "by", "May", "2,", "2024"]
    assert "earlier figures from over 40 on May 1, 2024" in summary
    assert "41" not in summary


def test_a_running_totals_range_is_what_each_source_last_said(tmp_path, capsys) -> None:
    # A three-year running total: one source from 6 to 1,648,385, another ending at 1,600,000.
    rows = [("2020-03-01", 6, "Ministry"), ("2021-06-01", 900_000, "Ministry"), ("2023-03-01", 1_648_385, "Ministry")]
    rows += [("2020-04-01", 40, "Agency"), ("2023-02-01", 1_600_000, "Agency")]
    path = tmp_path / "archive.csv"
    path.write_text(
        "metric,as_of,stated,authority\n" + "".join(f"cases,{d},{n},{a}\n" for d, n, a in rows), encoding="utf-8"
    )
    ranges = " ".join(run(capsys, str(path), "--sections", "ranges").split())
    last = {}
    for _, number, source in sorted(rows):
        last[source] = number
    low, high = min(last.values()), max(last.values())
    assert f"reported: {low:,} to {high:,}" in ranges
    assert " 6 " not in ranges  # the first day's figure is no part of the latest range


def test_key_values_may_hold_commas_and_the_key_may_be_repeated(tmp_path, capsys) -> None:
    path = tmp_path / "regions.csv"
    path.write_text(
        'metric,region,as_of,stated\nkilled,"Almaty, city",2022-01-07,10\nkilled,Almaty,2022-01-07,99\n',
        encoding="utf-8",
    )
    out = run(capsys, str(path), "--key", "region=Almaty, city", "--sections", "summary")
    assert "killed (Almaty, city): 10 by Jan 7, 2022" in out
    assert "99" not in out
    assert run(capsys, str(path), "--key", "metric=killed", "--key", "region=Almaty, city") == run(
        capsys, str(path), "--key", "metric=killed,region=Almaty, city"
    )
    assert main(["report", str(path), "--key", "metric=killed", "--key", "metric=injured"]) == 2
    assert "twice" in capsys.readouterr().err


def _archive(n_series: int, days: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "metric": "detained",
                "region": f"Region {r:03d}",
                "as_of": f"2022-01-{d + 1:02d}",
                "stated": 10 * (d + 1) + r,
            }
            for r in range(n_series)
            for d in range(days)
        ]
    )


def test_a_100_series_archive_gets_the_summary_and_the_way_to_the_details(tmp_path, capsys) -> None:
    path = tmp_path / "archive.csv"
    _archive(100, 5).to_csv(path, index=False)
    out = run(capsys, str(path))
    lines = out.splitlines()
    assert sum(line.startswith("- detained (Region ") for line in lines) == 100
    assert "BEST ESTIMATES" not in out
    assert lines[-1].startswith("100 series: the summary only. Every section: --full")
    full = run(capsys, str(path), "--full")
    assert all(f"\n{name}" in full for name in ("BEST ESTIMATES", "RANGES", "OBSERVATIONS"))
    assert full.count("  > detained (Region ") == 100


def test_the_report_is_made_a_section_at_a_time() -> None:
    # _render yields one part per section; main prints each before the next is made.
    from kzfigures import best_estimate, prepare
    from kzfigures.cli import _parser, _render

    args = _parser().parse_args(["report"])
    args.key, args.by = None, ("metric", "group", "region")
    prepared = prepare(kazakhstan_2022())
    parts = _render(prepared.frame, args, prepared, best_estimate(prepared))
    first = next(parts)
    assert first.startswith("SUMMARY")
    assert len([first, *parts]) == len(SECTIONS)


def test_by_reports_two_events_of_one_file_as_each_alone(tmp_path, capsys) -> None:
    rows = [
        ("northport", "2024-03-14", "more than 200", "Police"),
        ("northport", "2024-03-15", "340", "Interior Ministry"),
        ("eastvale", "2024-03-15", "dozens", ""),
        ("eastvale", "2024-03-16", "57", "Police"),
        ("eastvale", "2024-03-17", "45", "Police"),
    ]
    both = tmp_path / "both.csv"
    both.write_text(
        "event,metric,as_of,figure,authority\n" + "".join(f"{e},detained,{d},{f},{a}\n" for e, d, f, a in rows)
    )
    together = run(capsys, str(both), "--by", "event,metric,group,region", "--format", "csv")
    for event in ("northport", "eastvale"):
        alone = tmp_path / f"{event}.csv"
        alone.write_text(
            "metric,as_of,figure,authority\n" + "".join(f"detained,{d},{f},{a}\n" for e, d, f, a in rows if e == event)
        )
        mine = pd.read_csv(io.StringIO(run(capsys, str(alone), "--format", "csv")))
        theirs = pd.read_csv(io.StringIO(together)).query("event == @event").drop(columns="event")
        # The same numbers; only a column's dtype may differ (the other event's empty best makes it float).
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False)
    summary = " ".join(run(capsys, str(both), "--by", "event,metric", "--sections", "summary").split())
    assert "detained (eastvale): 45 by Mar 17, 2024 (Police)" in summary
    assert "detained (northport): 340 by Mar 15, 2024 (Interior Ministry)" in summary
    assert main(["report", str(both), "--by", "evnt"]) == 2
    assert "--by: unknown column 'evnt'" in capsys.readouterr().err


def test_the_readme_shows_the_summary_the_report_prints(capsys) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```text\n", 1)[1].split("\n...\n", 1)[0].splitlines()
    assert shown[0].startswith("SUMMARY")
    assert run(capsys).splitlines()[: len(shown)] == shown


def test_a_summary_prints_no_number_no_figure_states(tmp_path, capsys) -> None:
    # 500 on day 1 is superseded by 300 on day 2 (later information wins): day 1 keeps no figure,
    # its low is the default 0, which nobody stated, so the sentence names no "earlier figure";
    # it names the correction instead.
    path = tmp_path / "revised.csv"
    path.write_text("metric,as_of,stated,authority\nkilled,2024-01-01,500,A\nkilled,2024-01-02,300,A\n")
    summary = " ".join(summary_of(run(capsys, str(path)))[2:])
    assert summary == "- killed: 300 by Jan 2, 2024 (A); revised down from 500 (A, Jan 1, 2024)"


def test_a_pooled_estimate_says_so_and_an_older_figure_keeps_its_date(tmp_path, capsys) -> None:
    path = tmp_path / "pooled.csv"
    path.write_text(
        "metric,as_of,figure,authority\n"
        "killed,2024-03-16,about 20,Police\n"  # [15, 25]: no conflict with the 18 that follows
        "killed,2024-03-18,18,Governor's office\n"
        "injured,2024-03-16,40,Police\n"
        "injured,2024-03-18,dozens,Police\n",  # later, but states no number: 40 stays the estimate
        encoding="utf-8",
    )
    summary = " ".join(" ".join(summary_of(run(capsys, str(path)))[2:]).split())
    # The isotonic fit pools 20 (weight 2 x 2) and 18 (2 x 3) into one value, which nobody stated.
    pooled = round((20 * 4 + 18 * 6) / 10)
    assert (
        f"killed: an estimate of {pooled} by Mar 18, 2024, pooling about 20 (Police, Mar 16, 2024) "
        "and 18 (Governor's office, Mar 18, 2024)"
    ) in summary
    assert "injured: 40 by Mar 16, 2024 (Police), still the estimate on Mar 18, 2024" in summary


def test_a_column_of_the_files_own_outside_the_key_gets_a_note(tmp_path, capsys) -> None:
    path = tmp_path / "events.csv"
    path.write_text("event,metric,as_of,stated\na,killed,2024-01-01,5\nb,killed,2024-01-01,50\n", encoding="utf-8")
    out = run(capsys, str(path), "--sections", "summary")
    assert out.startswith("Note: event (a column of the file's own) is not part of the series key")
    assert "--by event,metric,group,region" in " ".join(out.split())
    assert not run(capsys, str(path), "--by", "event,metric,group,region").startswith("Note")


def test_an_open_figure_alone_is_quoted_in_its_words_not_as_its_point(tmp_path, capsys) -> None:
    # "over 40" is [41, no upper bound): its point, 41, is the best estimate, and nobody said 41.
    path = tmp_path / "over.csv"
    path.write_text("metric,as_of,figure,authority\nkilled,2024-03-15,over 40,Civil Defence\n", encoding="utf-8")
    summary = " ".join(summary_of(run(capsys, str(path)))[2:])
    assert summary == "- killed: over 40 by Mar 15, 2024 (Civil Defence)"
