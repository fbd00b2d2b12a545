"""``kzfigures report``: outputs against the dataset read by hand, widths, formats, exit codes.

Hand-read facts (docs/datasheet.md, the articles): 43 observations; the
detained national series (metric detained, group all) has 11, as of Jan 7
"more than 3,000" twice (CNN and a paraphrase of it), Jan 8 "thousands"
twice and 4,404, Jan 9 "Almost 6,000", "Thousands" and 6,044, Jan 10
"About 8 Thousand", "about 8,000" and 7,939.

The estimate of that series, by hand (docs/methodology.md): the running
minimum L is 3,001, 4,404, 6,044, 7,939 on Jan 7-10; "almost 6,000" (at most
5,999) cannot stand beside the police's 6,044 on Jan 9 and is set aside (both
are one claim; the police figure is consistent with the later 7,939 and
with the Jan 8 4,404 just as "almost 6,000" is, and the tie is settled for the
larger count); then every day but Jan 7 is pinned by an exact figure, and Jan
7's "more than 3,000" is bounded above by Jan 8's 4,404. The isotonic fit of
the claims' point values (3,001; then 5,999, 5,999, 4,404; ...) is
increasing, and clipped into the envelope gives 3,001, 4,404, 6,044, 7,939.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kzfigures.cli import main
from kzfigures.datasets import kazakhstan_2022

ROOT = Path(__file__).resolve().parent.parent
DETAINED = "metric=detained,group=all"
# (as_of, low, high) of the detained series, oldest first, from the articles;
# None = no upper bound.
# (date, low, best, high, n_claims, n_observations) of the detained estimate.
# By the end of each day: high is the next day's smallest high (none after Jan 10), and best the
# largest stated figure of the day (Jan 9: "almost 6,000" and 6,044 are both kept; Jan 10:
# "about 8,000" above 7,939); docs/estimate.md derives it.
ESTIMATE_BY_HAND = [
    ("2022-01-07", 3001, 3001, 4404, 1, 2),
    ("2022-01-08", 4404, 4404, 5999, 3, 3),
    ("2022-01-09", 6044, 6044, 7939, 3, 3),
    ("2022-01-10", 7939, 8000, None, 2, 3),
]
# The text report's sections in their default order: the summary first (its heading says how many
# series and days it covers), the details after.
SECTIONS = ["SUMMARY", "BEST ESTIMATES", "VIOLATIONS OF A NON-DECREASING COUNT", "RANGES", "OBSERVATIONS"]
DETAINED_BY_HAND = [
    ("2022-01-07", 3001, None),
    ("2022-01-07", 3001, None),
    ("2022-01-08", 2000, 9999),
    ("2022-01-08", 2000, 9999),
    ("2022-01-08", 4404, 4404),
    ("2022-01-09", 5400, 5999),
    ("2022-01-09", 2000, 9999),
    ("2022-01-09", 6044, 6044),
    ("2022-01-10", 7200, 8800),
    ("2022-01-10", 7200, 8800),
    ("2022-01-10", 7939, 7939),
]


def headings(text):
    """{section name: line number of its heading}: a heading is a line above a rule of '='."""
    lines = text.splitlines()
    found = {}
    for i, line in enumerate(lines[:-1]):
        if lines[i + 1] == "=" * 80:
            found[next(name for name in SECTIONS if line.split(":")[0] == name)] = i
    return found


def section(text, title):
    """The lines of one text section, without its heading and rule."""
    lines = text.splitlines()
    where = headings(text)
    start = where[title] + 2
    ends = [i for i in where.values() if i > where[title]]
    return lines[start : min(ends) if ends else len(lines)]


def run(capsys, *args):
    status = main(["report", *args])
    out, err = capsys.readouterr()
    return status, out, err


# -- text ------------------------------------------------------------------------


def test_text_fits_80_columns_with_separators_and_no_inf(capsys):
    status, out, err = run(capsys)
    assert status == 0
    assert err == ""
    assert max(len(line) for line in out.splitlines()) <= 80
    for figure in ("more than 3,000", "4,404", "6,044", "7,939", "about 8,000"):
        assert figure in out.lower()
    assert "inf" not in out.lower().replace("information", "")
    assert "nan" not in out.lower()
    assert "3000" not in out  # always with a separator


def test_text_has_every_section_in_order(capsys):
    _, out, _ = run(capsys)
    where = headings(out)
    assert list(where) == SECTIONS
    assert out.splitlines()[0] == "SUMMARY: 12 series, Jan 6, 2022 to Jan 10, 2022"  # the datasheet's span


def test_text_summary_line_a_journalist_can_quote(capsys):
    _, out, _ = run(capsys, "--key", DETAINED)
    summary = " ".join(line.strip() for line in section(out, "SUMMARY")).strip()
    # The best estimate is the Kazakh authorities' "about 8,000" in their words; the Interior
    # Ministry's 7,939, the floor, in its own; the record starts with "more than 3,000" on Jan 7. No ids.
    assert summary == (
        "- detained: about 8,000 by Jan 10, 2022 (Kazakh authorities); Interior Ministry: 7,939; "
        "earlier figures from more than 3,000 on Jan 7, 2022"
    )
    _, with_ids, _ = run(capsys, "--key", DETAINED, "--ids", "--sections", "summary")
    assert "[kz22-003-01, kz22-003-02, kz22-003-03, kz22-000-10, kz22-001-11]" in " ".join(with_ids.split())


def test_text_estimate_and_violation_of_the_detained_series(capsys):
    _, out, _ = run(capsys, "--key", DETAINED)
    estimate = [line.split() for line in section(out, "BEST ESTIMATES") if line.startswith("  Jan ")]
    assert [(f"{row[2]}-01-{int(row[1].rstrip(',')):02d}", row[3]) for row in estimate] == [
        (date, f"{best:,}") for date, _, best, *_ in ESTIMATE_BY_HAND
    ]
    assert "set aside" not in out  # one day's two figures are no conflict: nothing is set aside
    violations = " ".join(" ".join(section(out, "VIOLATIONS OF A NON-DECREASING COUNT")).split())
    # Two speakers' figures of Jan 9 are listed apart, in words, and not as a violation.
    assert "none found Same day, different figures (not a fall):" in violations
    assert "almost 6,000 (Presidential Office, Jan 9, 2022) and 6,044 (Police, Jan 9, 2022): 45 apart" in violations
    assert "kz22-004-05" not in violations  # ids only with --ids
    _, with_ids, _ = run(capsys, "--key", DETAINED, "--ids", "--sections", "violations")
    assert "kz22-004-05 and kz22-004-08" in " ".join(with_ids.split())
    assert "against" not in violations
    assert "conflict" not in violations


def test_text_key_selects_one_series(capsys):
    status, out, _ = run(capsys, "--key", DETAINED)
    assert status == 0
    dated = [line for line in section(out, "OBSERVATIONS") if line.startswith("  Jan ")]
    assert [int(line.split()[1].rstrip(",")) for line in dated] == [int(d[-2:]) for d, _, _ in DETAINED_BY_HAND]
    assert "detained (officials)" not in out
    assert "(11 reports)" in out


# -- markdown --------------------------------------------------------------------


def _markdown_tables(text):
    """{heading: (header cells, rows of cells)} for every pipe table under a '##'/'###' heading."""
    tables, heading, rows = {}, None, []
    for line in [*text.splitlines(), ""]:
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("|"):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip()[1:-1])])
        elif rows:
            tables[heading] = (rows[0], rows[1], rows[2:])
            rows = []
    return tables


def test_markdown_is_a_pipe_table_per_section(capsys):
    status, out, _ = run(capsys, "--key", DETAINED, "--format", "markdown")
    assert status == 0
    assert out.startswith("# ")
    assert out.index("## Summary") < out.index("## Best estimates") < out.index("## Observations")
    tables = _markdown_tables(out)
    assert {"Observations", "Ranges", "Best estimates", "Same day, different figures (not a fall)"} <= set(tables)
    assert "Violations of a non-decreasing count" not in tables  # "None found.": the disagreement has its own
    for header, rule, rows in tables.values():
        assert all(len(row) == len(header) for row in [rule, *rows])
        assert {cell.strip(":") for cell in rule} == {"---"}
    header, _, rows = tables["Observations"]
    assert len(rows) == 11
    figure, low, high = header.index("figure"), header.index("low"), header.index("high")
    assert [rows[0][figure], rows[0][low], rows[0][high]] == ["More than 3,000", "3,001", "no upper bound"]
    header, _, rows = tables["Best estimates"]
    got = [(r[header.index("by the end of")], r[header.index("best")]) for r in rows]
    by_hand = [(pd.Timestamp(date), best) for date, _, best, *_ in ESTIMATE_BY_HAND]
    assert got == [(f"{d:%b} {d.day}, {d.year}", f"{best:,}") for d, best in by_hand]
    header, _, rows = tables["Same day, different figures (not a fall)"]
    assert [r[header.index("apart")] for r in rows] == [str(6044 - 5999)]
    assert "## Violations of a non-decreasing count\n\nNone found." in out
    assert "- detained: about 8,000 by Jan 10, 2022 (Kazakh authorities)" in out
    assert not re.search(r"kz22-\d{3}-\d\d", out)  # ids only with --ids


def test_markdown_tables_fit_a_cms_even_with_ids(capsys):
    _, out, _ = run(capsys, "--format", "markdown", "--ids")
    tables = _markdown_tables(out)
    assert len(tables) >= 4
    assert max(len(header) for header, _, _ in tables.values()) <= 7
    header, _, rows = tables["Observations"]
    assert sorted(r[header.index("id")] for r in rows) == sorted(kazakhstan_2022()["id"])


# -- csv -------------------------------------------------------------------------


def test_csv_is_the_estimate_series_and_parses_back_with_pandas(capsys):
    status, out, _ = run(capsys, "--key", DETAINED, "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out), dtype={"date": str})
    assert list(table.columns) == [
        "metric",
        "group",
        "region",
        "date",
        "low",
        "best",
        "high",
        "n_claims",
        "n_observations",
    ]
    got = [
        tuple(None if pd.isna(cell) else cell for cell in row)
        for row in table[["date", "low", "best", "high", "n_claims", "n_observations"]].itertuples(index=False)
    ]
    assert got == ESTIMATE_BY_HAND


def test_csv_of_the_whole_dataset_has_one_row_per_series_and_day(capsys):
    _, out, _ = run(capsys, "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    # Days per series, from the datasheet: detained 4 (Jan 7-10), killed 3 (Jan 8-10), and one day
    # for each of the ten other series.
    assert len(table) == 4 + 3 + 10
    killed = table.query("metric == 'killed' and group == 'all'")
    # By the end of Jan 8 the count is at most Jan 9's 164; after that no figure bounds it
    # ("a large number" on Jan 10 has no upper bound).
    assert killed["high"].isna().tolist() == [False, True, True]


def test_conservative_method_reports_the_running_minimum(capsys):
    # The deaths: "dozens" [24, 99] on Jan 8, 164 on Jan 9, "a large number" [2, inf) on Jan 10.
    _, out, _ = run(capsys, "--key", "metric=killed,group=all", "--format", "csv", "--method", "conservative")
    table = pd.read_csv(io.StringIO(out))
    assert table["best"].tolist() == table["low"].tolist() == [24, 164, 164]


def test_freq_gives_a_daily_grid(tmp_path, capsys):
    path = tmp_path / "gap.csv"
    path.write_text("metric,as_of,stated\ndetained,2022-01-07,3000\ndetained,2022-01-10,7939\n", encoding="utf-8")
    _, out, _ = run(capsys, str(path), "--format", "csv", "--freq", "D")
    table = pd.read_csv(io.StringIO(out))
    assert table["date"].tolist() == ["2022-01-07", "2022-01-08", "2022-01-09", "2022-01-10"]
    assert table["low"].tolist() == [3000, 3000, 3000, 7939]


# -- json ------------------------------------------------------------------------


def test_json_parses_back(capsys):
    status, out, _ = run(capsys, "--key", DETAINED, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["key"] == {"metric": "detained", "group": "all"}
    assert document["source"] == "kazakhstan_2022 (bundled)"
    rows = document["observations"]
    assert [(r["as_of"], r["low"], r["high"]) for r in rows] == DETAINED_BY_HAND
    estimate = [
        (r["date"], r["low"], r["best"], r["high"], r["n_claims"], r["n_observations"]) for r in document["estimate"]
    ]
    assert estimate == ESTIMATE_BY_HAND
    assert document["violations"] == []
    assert [(r["kind"], r["id"], r["witness_id"]) for r in document["disagreements"]] == [
        ("disagreement", "kz22-004-05", "kz22-004-08")
    ]
    assert document["set_aside"] == []  # a disagreement sets nothing aside
    (detained_range,) = document["ranges"]
    assert (detained_range["hull_low"], detained_range["hull_high"]) == (2000, None)
    assert detained_range["consensus_empty"] is True
    assert document["options"] == {
        "method": "isotonic",
        "on_conflict": "latest",
        "freq": None,
        "weights": {},
        "as_known_at": None,
    }
    assert document["summary"][0].startswith("detained: about 8,000 by Jan 10, 2022 (Kazakh authorities)")


# -- a user's file -------------------------------------------------------------------


def test_reads_a_users_csv_and_json(tmp_path, capsys):
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("metric,as_of,figure\nkilled,2022-01-09,164\n", encoding="utf-8")
    status, out, _ = run(capsys, str(csv_path), "--format", "json", "--tz", "Asia/Almaty")
    assert status == 0
    (row,) = json.loads(out)["observations"]
    assert (row["metric"], row["as_of"], row["low"], row["high"]) == ("killed", "2022-01-09", 164, 164)
    json_path = tmp_path / "mine.json"
    json_path.write_text(json.dumps([{"metric": "detained", "as_of": "2022-01-08", "stated": 4404}]), encoding="utf-8")
    status, out, _ = run(capsys, str(json_path))
    assert status == 0
    assert "4,404" in out


# -- the chart -------------------------------------------------------------------


def test_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out_path = tmp_path / "detained.png"
    status, _, err = run(capsys, "--key", DETAINED, "--plot", str(out_path))
    assert status == 0, err
    assert out_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- bad input: exit 2, one line per problem, no traceback -----------------------


def test_bad_rows_one_line_each(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "metric,as_of,stated\n"
        "detained,2022-01-07,3000\n"  # fine
        "detained,2022-01-08,lots\n"  # row 1, line 3: not a number
        "detained,2022-01-09,-4\n",  # row 2, line 4: negative
        encoding="utf-8",
    )
    status, out, err = run(capsys, str(path))
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    stated = [line for line in lines if "column stated" in line]
    assert len(stated) == 2
    assert "row 1 (line 3)" in stated[0]
    assert "'lots'" in stated[0]
    assert "row 2 (line 4)" in stated[1]
    assert "'-4'" in stated[1]
    assert all(line.startswith(f"kzfigures: {path}: ") for line in lines)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "cannot read"),
        ("binary.csv", bytes(range(128, 256)), "cannot read"),
        ("object.json", b'{"metric": "killed"}', "list of objects"),
        ("broken.json", b"[{", "cannot read"),
        ("folder", "dir", "cannot read"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path, capsys, name, content, reason):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    status, out, err = run(capsys, str(path))
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert str(path) in err
    assert reason in err


@pytest.mark.parametrize(
    "args",
    [
        ["--key", "metric=arrested"],
        ["--key", "detained"],
        ["--key", "colour=red"],
        ["--freq", "fortnightly"],
    ],
)
def test_bad_options_exit_2_with_one_line(capsys, args):
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("kzfigures: ")


def test_on_conflict_raise_names_the_violation(tmp_path, capsys):
    path = tmp_path / "fall.csv"  # the Police's own count falls from 6,044 to 5,000 a day later
    path.write_text(
        "id,metric,as_of,stated,authority\na,detained,2022-01-09,6044,Police\nb,detained,2022-01-10,5000,Police\n",
        encoding="utf-8",
    )
    status, out, err = run(capsys, str(path), "--on-conflict", "raise")
    assert status == 2
    assert out == ""
    assert err.splitlines()[1:] == ["kzfigures: definite: b against a"]


@pytest.mark.parametrize(
    "args", [["--format", "pdf"], ["--bogus"], ["report", "--key"], ["--method", "mean"], ["--on-conflict", "ignore"]]
)
def test_argparse_errors_exit_2(capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", *args] if args[0] != "report" else args)
    assert exit_info.value.code == 2


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "report" in capsys.readouterr().err


def test_help_documents_every_option(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal must not widen --help past 80 columns
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "PATH",
        "--format",
        "--key",
        "--method",
        "--on-conflict",
        "--freq",
        "--plot",
        "--tz",
        "markdown",
        "csv",
        "json",
        "Datawrapper",
        "exit status",
        "summary",
    ):
        assert option in out
    assert max(len(line) for line in out.splitlines()) <= 80


# -- the console entry points ------------------------------------------------------


def test_python_dash_m_runs_the_same_report():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "kzfigures", "report", "--key", DETAINED, "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(io.StringIO(done.stdout))) == len(ESTIMATE_BY_HAND)
    bad = subprocess.run(
        [sys.executable, "-m", "kzfigures", "report", "no/such/file.csv"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
