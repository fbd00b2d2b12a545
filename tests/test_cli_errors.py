"""The command line's answers to bad input and early readers: exit 2 with one line per problem, or quiet."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kzfigures.cli import main


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path) -> None:
    # Enough rows that the report outgrows the pipe's buffer, so the write really fails.
    rows = "".join(f"killed,2022-01-{1 + i % 28:02d},{i},Region {i}\n" for i in range(3000))
    path = tmp_path / "many.csv"
    path.write_text("metric,as_of,stated,region\n" + rows)
    # Standard error goes to a file: a pipe nobody reads could fill and stall the command.
    with (tmp_path / "err.txt").open("wb") as err_file:
        report = subprocess.Popen(
            [sys.executable, "-m", "kzfigures", "report", str(path)], stdout=subprocess.PIPE, stderr=err_file
        )
        assert report.stdout is not None
        first = report.stdout.readline()
        report.stdout.close()  # as `| head -1` does
        report.wait(timeout=120)
    err = (tmp_path / "err.txt").read_bytes()
    assert first.startswith(b"OBSERVATIONS"), err[:500]
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err
    assert report.returncode == 0


@pytest.mark.parametrize(
    ("target", "says"),
    [("", "is a directory"), ("chart", "must end in .png, .svg, .pdf"), ("nofolder/chart.png", "no folder")],
)
def test_plot_refuses_a_target_it_cannot_write_before_any_work(tmp_path, capsys, target, says) -> None:
    path = tmp_path / target if target else tmp_path
    assert main(["report", "--key", "metric=detained,group=all", "--plot", str(path)]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.png"))  # nothing written beside the directory (was: tmp_path.png)
    assert not tmp_path.with_suffix(".png").exists()


def test_errors_name_the_files_real_lines_after_blank_lines_and_quoted_line_breaks(tmp_path, capsys) -> None:
    lines = [
        "metric,as_of,stated,note",  # line 1
        "killed,2022-01-07,5,fine",  # 2: row 0
        "",  # 3: blank, skipped
        'killed,2022-01-08,6,"a note',  # 4: row 1 starts here ...
        'over two lines"',  # 5: ... and ends here
        "killed,2022-01-09,-3,bad",  # 6: row 2, negative count
    ]
    path = tmp_path / "obs.csv"
    path.write_text("\n".join(lines) + "\n")
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    bad = [line for line in err.splitlines() if "row 2" in line]
    assert bad, err
    # The line is counted from the file itself: the sixth line holds "-3".
    assert "(line 6)" in bad[0]
    assert lines[6 - 1].split(",")[2] == "-3"
