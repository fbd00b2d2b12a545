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
            [sys.executable, "-m", "kzfigures", "report", str(path), "--full"], stdout=subprocess.PIPE, stderr=err_file
        )
        assert report.stdout is not None
        first = report.stdout.readline()
        report.stdout.close()  # as `| head -1` does
        report.wait(timeout=120)
    err = (tmp_path / "err.txt").read_bytes()
    assert first.startswith(b"SUMMARY: 3,000 series"), err[:500]
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


def test_weight_options_change_the_pooled_fit_as_the_table_says(tmp_path, capsys) -> None:
    import io

    import pandas as pd

    path = tmp_path / "two.csv"
    path.write_text(
        "metric,as_of,figure,authority,outlet\nkilled,2022-01-10,about 100,Police,\nkilled,2022-01-11,about 80,,CNN\n"
    )

    def bests(*options: str) -> list[float]:
        assert main(["report", str(path), "--format", "csv", *options]) == 0
        return pd.read_csv(io.StringIO(capsys.readouterr().out))["best"].tolist()

    # Points 100 then 80 fall, so the fit pools them, weighted: an authority's approximate
    # figure 2 x 2, an outlet's own 1 x 2; day 0 is then clipped to day 1's high, 88.
    pooled = (100 * 4 + 80 * 2) / 6
    assert bests() == [88, round(pooled)]
    heavier = (100 * 4 + 80 * 4 * 2) / (4 + 8)  # --weight outlet:CNN=4 sets CNN's source factor
    assert bests("--weight", "outlet:CNN=4") == [round(heavier), round(heavier)]


@pytest.mark.parametrize("weight", ["x", "tabloid=2", "outlet:CNN=heavy", "authority:Police=-1"])
def test_a_bad_weight_exits_2_with_one_line(capsys, weight) -> None:
    assert main(["report", "--weight", weight]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "weight" in err


def test_a_line_of_spaces_is_skipped_when_lines_are_counted(tmp_path, capsys) -> None:
    lines = ["metric,as_of,stated", "killed,2022-01-07,5", "   ", "killed,2022-01-09,-3"]
    path = tmp_path / "obs.csv"
    path.write_text("\n".join(lines) + "\n")
    assert main(["report", str(path)]) == 2
    bad = [line for line in capsys.readouterr().err.splitlines() if "row 1" in line]
    assert bad
    assert "(line 4)" in bad[0]  # read_csv skips the line of spaces, and so does the count


def test_the_csv_best_is_a_whole_count_inside_the_range_above_2_53(tmp_path, capsys) -> None:
    import io

    import pandas as pd

    big = 2**53 + 1  # float64 cannot hold it: best is computed as 2**53
    path = tmp_path / "big.csv"
    path.write_text(f"metric,stated,as_of\nkilled,{big},2022-01-07\nkilled,{big},2022-01-08\n")
    assert main(["report", str(path), "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"best": "Int64", "low": "Int64"})
    assert table["best"].tolist() == [big, big]
    assert table["low"].tolist() == [big, big]


def test_a_problem_of_many_rows_is_shown_five_times_then_counted(tmp_path, capsys) -> None:
    from kzfigures.cli import SHOWN_PER_PROBLEM, main

    n = 20
    path = tmp_path / "us.csv"
    path.write_text("metric,as_of,stated\n" + "".join(f"killed,1/{i + 1}/20,{i}\n" for i in range(n)))
    assert main(["report", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == SHOWN_PER_PROBLEM + 1
    assert [f"row {i} (line {i + 2})" in line for i, line in enumerate(lines[:-1])] == [True] * SHOWN_PER_PROBLEM
    assert lines[-1].endswith(f"and {n - SHOWN_PER_PROBLEM} more rows with that problem in column as_of")


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--freq", "X"], "kzfigures: --freq: 'X' is no pandas offset alias"),
        (["--as-known-at", "yesterday"], "kzfigures: --as-known-at: 'yesterday' is no date"),
    ],
)
def test_bad_option_values_are_named_by_their_option(capsys, options, says) -> None:
    from kzfigures.cli import main

    assert main(["report", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith(says)
    assert len(err.strip().splitlines()) == 1
