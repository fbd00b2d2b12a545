"""Tests of the command line, ``kzfigures report``."""

from __future__ import annotations

import re

import pytest

from kzfigures.cli import main
from kzfigures.datasets import kazakhstan_2022

# An observation line starts with two spaces and its as-of date; continuation lines are indented further.
OBSERVATION_LINE = re.compile(r"^  ([A-Z][a-z]{2} \d{1,2}, \d{4}|\d{4}-\d\d-\d\d)")


def observations_section(out: str) -> list[str]:
    """The lines of the report's observations section, from its heading to the next all-capitals heading."""
    lines = out.splitlines()
    start = lines.index("OBSERVATIONS")
    end = next(
        (i for i, line in enumerate(lines[start + 1 :], start + 1) if re.fullmatch(r"[A-Z][A-Z ,:-]+.*", line)),
        len(lines),
    )
    return lines[start:end]


def test_report_prints_every_observation_of_the_dataset(capsys):
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    section = observations_section(out)
    assert sum(bool(OBSERVATION_LINE.match(line)) for line in section) == len(kazakhstan_2022()) == 43
    assert max(len(line) for line in lines) <= 80
    # Numbers are grouped in thousands, and the detained series shows the figures read from the articles.
    for words in ("4,404", "6,044", "7,939", "[5,400, 5,999]", "[7,200, 8,800]", "[3,001, ...]"):
        assert words in out, words
    assert not re.search(r"\b(inf|nan|NaN|<NA>|NaT|None)\b", out)


def test_report_reads_a_user_csv(tmp_path, capsys):
    path = tmp_path / "obs.csv"
    path.write_text("metric,as_of,stated,qualifier\ndetained,2022-01-07,3000,more_than\ndetained,2022-01-10,7939,\n")
    assert main(["report", str(path)]) == 0
    out = capsys.readouterr().out
    assert sum(bool(OBSERVATION_LINE.match(line)) for line in observations_section(out)) == 2
    assert "more than 3,000" in out
    assert "[3,001, ...]" in out
    assert "7,939" in out


def test_bad_csv_exits_2_with_one_line_per_bad_row(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("metric,as_of,stated\nKilled,2022-01-07,3\nkilled,2022-01-07,3\nkilled,someday,-1\n")
    assert main(["report", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 3
    assert "row 0 (line 2), column metric" in lines[0]
    assert "'Killed'" in lines[0]
    assert "row 2 (line 4), column as_of" in lines[1]
    assert "row 2 (line 4), column stated" in lines[2]
    assert "Traceback" not in captured.err


def test_missing_column_exits_2(tmp_path, capsys):
    path = tmp_path / "nocol.csv"
    path.write_text("metric,stated\nkilled,3\n")
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"kzfigures: {path}: file, column as_of: the column 'as_of' is required (got '<missing column>')"
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.csv", None),
        ("binary.csv", bytes(range(256)) * 4),
        ("empty.csv", b""),
        ("ragged.csv", b'metric,as_of\n"unclosed\n'),
        ("garbage.json", b"{not json"),
    ],
)
def test_unreadable_files_exit_2_with_one_clear_line(tmp_path, capsys, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["report", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"kzfigures: cannot read {path}: ")
    assert "Traceback" not in captured.err


def test_help_exits_0(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0
    assert "report" in capsys.readouterr().out


def test_no_command_exits_2(capsys):
    assert main([]) == 2
