"""``kzfigures report``: outputs against the dataset read by hand, widths, formats, exit codes.

Hand-read facts (docs/datasheet.md, the articles): 43 observations; the
detained national series (metric detained, group all) has 11, as of Jan 7
"more than 3,000" twice (CNN and a paraphrase of it), Jan 8 "thousands"
twice and 4,404, Jan 9 "Almost 6,000", "Thousands" and 6,044, Jan 10
"About 8 Thousand", "about 8,000" and 7,939.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kzfigures.cli import main

ROOT = Path(__file__).resolve().parent.parent
DETAINED = "metric=detained,group=all"
# (as_of, low, high) of the detained series, oldest first, from the articles;
# None = no upper bound.
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


def test_text_key_selects_one_series(capsys):
    status, out, _ = run(capsys, "--key", DETAINED)
    assert status == 0
    dated = [line for line in out.splitlines() if line.startswith("  Jan ")]
    assert [line.split()[1] for line in dated] == ["07", "07", "08", "08", "08", "09", "09", "09", "10", "10", "10"]
    assert "detained - officials" not in out
    assert "(11 observations)" in out


# -- markdown --------------------------------------------------------------------


def test_markdown_is_a_pipe_table_per_section(capsys):
    status, out, _ = run(capsys, "--key", DETAINED, "--format", "markdown")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("# ")
    table = [line for line in lines if line.startswith("|")]
    header, rule, rows = table[0], table[1], table[2:]
    width = header.count("|")
    assert all(line.count("|") - line.count("\\|") == width for line in table)
    assert set(rule.replace("|", "").replace(":", "")) == {"-"}
    assert len(rows) == 11
    assert "| more than 3,000 | 3,001 | no upper bound |" in out
    assert "| 7,939 | 7,939 | 7,939 |" in out


# -- csv -------------------------------------------------------------------------


def test_csv_parses_back_with_pandas(capsys):
    status, out, _ = run(capsys, "--key", DETAINED, "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out), dtype={"as_of": str})
    assert len(table) == 11
    got = [
        (row.as_of, int(row.low), None if pd.isna(row.high) else int(row.high)) for row in table.itertuples(index=False)
    ]
    assert got == DETAINED_BY_HAND
    assert {"metric", "group", "region", "as_of", "figure", "low", "high", "authority", "id"} <= set(table.columns)


def test_csv_of_the_whole_dataset_has_every_observation(capsys):
    _, out, _ = run(capsys, "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 43
    assert table["id"].is_unique


# -- json ------------------------------------------------------------------------


def test_json_parses_back(capsys):
    status, out, _ = run(capsys, "--key", DETAINED, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["key"] == {"metric": "detained", "group": "all"}
    assert document["source"] == "kazakhstan_2022 (bundled)"
    rows = document["observations"]
    assert [(r["as_of"], r["low"], r["high"]) for r in rows] == DETAINED_BY_HAND


# -- a user's file -------------------------------------------------------------------


def test_reads_a_users_csv_and_json(tmp_path, capsys):
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("metric,as_of,figure\nkilled,2022-01-09T00:00,164\n", encoding="utf-8")
    status, out, _ = run(capsys, str(csv_path), "--format", "json", "--tz", "Asia/Almaty")
    assert status == 0
    (row,) = json.loads(out)["observations"]
    assert (row["metric"], row["as_of"], row["low"], row["high"]) == ("killed", "2022-01-09", 164, 164)
    json_path = tmp_path / "mine.json"
    json_path.write_text(
        json.dumps([{"metric": "detained", "as_of": "2022-01-08T00:00+06:00", "stated": 4404}]), encoding="utf-8"
    )
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
        ["--key", "metric=detained", "--plot", "x.png"],  # two series: all and officials
    ],
)
def test_bad_options_exit_2_with_one_line(capsys, args):
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("kzfigures: ")


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--bogus"], ["report", "--key"]])
def test_argparse_errors_exit_2(capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", *args] if args[0] != "report" else args)
    assert exit_info.value.code == 2


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "report" in capsys.readouterr().err


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("PATH", "--format", "--key", "--plot", "--tz", "markdown", "csv", "json", "exit status"):
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
    assert len(pd.read_csv(io.StringIO(done.stdout))) == 11
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
