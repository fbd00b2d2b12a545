"""``kzfigures report --as-known-at`` and ``kzfigures revisions``: what was known when, on the command line.

Facts by hand: the Sri Lanka 2019 Easter toll as police and the health ministry gave it
(research notes of issue 21; docs/revisions.md): 207 on Apr 21, 290 on Apr 22, 321 on Apr 23,
359 on Apr 24, then 253 on Apr 25 after double counting was found.
"""

from __future__ import annotations

import io
import itertools
import json

import pandas as pd
import pytest

from kzfigures.cli import main
from kzfigures.datasets import kazakhstan_2022

TOLL = [("2019-04-21", 207, "Police"), ("2019-04-22", 290, "Police"), ("2019-04-23", 321, "Police")]
TOLL += [("2019-04-24", 359, "Police"), ("2019-04-25", 253, "Health Ministry")]


@pytest.fixture
def toll(tmp_path):
    path = tmp_path / "sri-lanka.csv"
    lines = "".join(f"killed,{day},{n},{who}\n" for day, n, who in TOLL)
    path.write_text("metric,as_of,stated,authority\n" + lines, encoding="utf-8")
    return path


def run(capsys, *args):
    assert main(list(args)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_the_report_as_known_at_a_day_reads_only_what_was_published_by_its_end(capsys) -> None:
    frame = kazakhstan_2022()
    published_by_jan_8 = int((frame["published"] < pd.Timestamp("2022-01-09", tz="Asia/Almaty")).sum())
    out = run(capsys, "report", "--as-known-at", "2022-01-08", "--sections", "summary")
    first = out.splitlines()[0]
    assert (
        first
        == f"As known by the end of Jan 8, 2022: the {published_by_jan_8} of {len(frame)} figures published by then."
    )
    # By then the detention count was Asian Lite News's 4,404; the Jan 9 and 10 figures were not out.
    assert "- detained: 4,404 by Jan 8, 2022 (Asian Lite News)" in out
    assert "7,939" not in out
    assert "8,000" not in out


def test_nothing_published_by_then_is_an_error(capsys) -> None:
    assert main(["report", "--as-known-at", "2021-12-31"]) == 2
    assert "no figure was published by then" in capsys.readouterr().err


def test_revisions_in_words(toll, capsys) -> None:
    text = " ".join(run(capsys, "revisions", str(toll)).split())
    rises = sum(b > a for (_, a, _), (_, b, _) in itertools.pairwise(TOLL))
    falls = sum(b < a for (_, a, _), (_, b, _) in itertools.pairwise(TOLL))
    drop = 359 - 253
    assert (rises, falls) == (3, 1)
    assert (
        f"killed: first 207 (Police, Apr 21, 2019), latest 253 (Health Ministry, Apr 25, 2019); {rises} rises, "
        f"{falls} fall; largest fall {drop} ({drop / 359:.0%}, known by Apr 25, 2019)"
    ) in text
    # Every police figure after the first day's was above a later one: 290, 321, 359 against 253.
    assert f"Police: 3 of 4 figures, by up to {drop} ({drop / 359:.0%} of its figure" in text


def test_revisions_as_csv_json_and_markdown(toll, capsys) -> None:
    table = pd.read_csv(io.StringIO(run(capsys, "revisions", str(toll), "--format", "csv")))
    assert table[["first", "latest", "n_up", "n_down", "largest_drop"]].values.tolist() == [[207, 253, 3, 1, 106]]
    assert table["time_to_settle_days"].tolist() == [4.0]  # days from the first headline to the settled one
    document = json.loads(run(capsys, "revisions", str(toll), "--format", "json"))
    assert [s["speaker"] for s in document["speakers"]] == ["Health Ministry", "Police"]
    assert document["options"]["within"] == 0.10
    markdown = run(capsys, "revisions", str(toll), "--format", "markdown", "--ids")
    headers = [line for line in markdown.splitlines() if line.startswith("| ") and "---" not in line][:1]
    assert all(len(h.strip("|").split("|")) <= 7 for h in headers)


def test_revisions_as_known_before_the_correction_show_no_fall(toll, capsys) -> None:
    text = " ".join(run(capsys, "revisions", str(toll), "--as-known-at", "2019-04-24").split())
    assert "latest 359 (Police, Apr 24, 2019); 3 rises, no falls" in text


def test_revisions_plot_draws_the_vintage_chart_of_one_series(toll, tmp_path, capsys) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "toll.svg"
    run(capsys, "revisions", str(toll), "--plot", str(out), "--title", "Sri Lanka, Easter 2019")
    text = out.read_text(encoding="utf-8")
    assert "Sri Lanka, Easter 2019" in text
    assert "As known by Apr 25, 2019: 253" in text
    assert main(["revisions", "--plot", str(tmp_path / "all.png")]) == 2  # twelve series: choose one
    err = capsys.readouterr().err
    assert "--plot:" in err
    assert "12 series" in err
