"""The ``kzfigures`` command line: ``kzfigures report [PATH]``.

Also runs as ``python -m kzfigures``. Exit status: 0 done, 2 bad input or
bad options (one line per problem on stderr, never a traceback).

>>> main(["--version"])  # doctest: +ELLIPSIS
kzfigures ...
0
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kzfigures._version import __version__
from kzfigures.errors import FrameValidationError, KzFiguresError
from kzfigures.frame import read_csv, read_json
from kzfigures.report import (
    filter_key,
    markdown_table,
    observations_section,
    observations_table,
    parse_key,
    select_series,
)

__all__ = ["main"]

FORMATS = ("text", "markdown", "csv", "json")

_DESCRIPTION = """\
Report on casualty or detention figures: what was reported, the range, the
running totals that went down, and the best estimate.

PATH is a CSV or JSON file of observations in the kzfigures schema (one row
per reported figure; see the documentation's tutorial and datasheet). A .json
suffix is read as JSON records, anything else as CSV. Without PATH, the
bundled Kazakhstan January 2022 dataset is used.
"""

_EPILOG = """\
sections (text and markdown):
  observations  every figure per series (metric, group, region), oldest
                first: as-of date, words as reported, interval, source
  summary       one line per series that a journalist can quote

formats:
  text      for an 80-column terminal; thousands separators; open-ended
            figures read "more than 3,000"
  markdown  headings and pipe tables to paste into a CMS
  csv       one flat table for Datawrapper: the observations, one row each
            (metric, group, region, as_of, figure, low, high, authority,
            via, outlet, id); an empty high means no upper bound
  json      one object: {"kzfigures", "source", "key", "observations"},
            with the same columns as records; null high means unbounded

exit status:
  0  the report was written
  2  bad options, or a file that is missing, unreadable or has bad rows
     (one line per bad row on stderr: row, line, column, value, reason)

examples:
  kzfigures report
  kzfigures report --key metric=detained,group=all --format markdown
  kzfigures report my_figures.csv --tz Asia/Almaty --format csv > chart.csv
  kzfigures report --key metric=killed,group=all --plot killed.png
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzfigures",
        description="Reconcile conflicting casualty and detention figures.",
        epilog="Run 'kzfigures report --help' for the report's options.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="report on a set of observations (default: the bundled dataset)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="CSV or JSON observations (default: the bundled Kazakhstan 2022 dataset)",
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text)",
    )
    report.add_argument(
        "--key",
        metavar="COLUMN=VALUE,...",
        help="only the series matching these values, e.g. metric=detained,group=all",
    )
    report.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="also draw the timeline chart of the series --key selects (needs the plot extra) and save it to FILE",
    )
    report.add_argument(
        "--tz",
        default="UTC",
        metavar="ZONE",
        help="time zone for times in PATH written without an offset, e.g. Asia/Almaty (default: UTC)",
    )
    return parser


class _BadInputError(Exception):
    """Lines for stderr; the command exits with status 2."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _load(path: Path | None, tz: str) -> pd.DataFrame:
    if path is None:
        from kzfigures.datasets import kazakhstan_2022

        return kazakhstan_2022()
    name = str(path)
    if not path.exists():
        raise _BadInputError([f"kzfigures: cannot read {name}: no such file"])
    try:
        if path.suffix.lower() == ".json":
            return read_json(path, tz=tz)
        return read_csv(path, tz=tz)
    except FrameValidationError as error:
        raise _BadInputError(_failure_lines(name, error.failure_cases, csv=path.suffix.lower() != ".json")) from None
    except (OSError, UnicodeDecodeError, ValueError, KzFiguresError) as error:
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0] or type(error).__name__
        raise _BadInputError([f"kzfigures: cannot read {name}: {reason}"]) from None


def _failure_lines(name: str, cases: pd.DataFrame, *, csv: bool) -> list[str]:
    """One line per bad cell: where (row, and the file's line for CSV), column, value, reason."""
    lines = []
    case: Any
    for case in cases.itertuples(index=False):
        if pd.isna(case.row):
            where = "whole file"
        elif csv:
            # Rows are 0-based data rows; line 1 of the file is the header.
            where = f"row {int(case.row)} (line {int(case.row) + 2})"
        else:
            where = f"record {int(case.row)}"
        lines.append(f"kzfigures: {name}: {where}, column {case.column}: value {case.value!r}: {case.reason}")
    return lines


def _json_records(table: pd.DataFrame) -> Any:
    return json.loads(table.to_json(orient="records", force_ascii=False))


def _render(frame: pd.DataFrame, args: argparse.Namespace) -> str:
    table = observations_table(frame)
    if args.format == "text":
        return observations_section(frame)
    if args.format == "markdown":
        return "\n".join(["# Observations", "", markdown_table(table)])
    if args.format == "csv":
        out = io.StringIO()
        table.to_csv(out, index=False, lineterminator="\n")
        return out.getvalue().rstrip("\n")
    document = {
        "kzfigures": __version__,
        "source": "kazakhstan_2022 (bundled)" if args.path is None else str(args.path),
        "key": parse_key(args.key),
        "observations": _json_records(table),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _report(args: argparse.Namespace) -> str:
    frame = _load(args.path, args.tz)
    try:
        frame = filter_key(frame, args.key)
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: --key: {error}"]) from None
    if args.plot is not None:
        _plot(frame, args)
    return _render(frame, args)


def _plot(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    try:
        select_series(frame, args.key)
        from kzfigures.plot import timeline

        figure = timeline(frame, key=args.key)
        figure.savefig(args.plot, dpi=150)
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: --plot draws one series: {error}"]) from None
    except ImportError as error:
        raise _BadInputError([f"kzfigures: --plot: {error}"]) from None
    except (OSError, ValueError) as error:
        raise _BadInputError([f"kzfigures: --plot: cannot write {args.plot}: {error}"]) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 done, 2 bad input or options).

    >>> main(["report", "--key", "metric=detained,group=officials"])  # doctest: +NORMALIZE_WHITESPACE
    OBSERVATIONS
    ================================================================================
    <BLANKLINE>
    detained - officials  (1 observations)
      Jan 08  several            [3, 9]           National Security Committee via
                                                  Khabar 24 in CNN
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"kzfigures {__version__}")
        return 0
    if args.command != "report":
        parser.print_help(sys.stderr)
        return 2
    try:
        output = _report(args)
    except _BadInputError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        return 2
    print(output)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
