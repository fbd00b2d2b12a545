"""The ``kzfigures`` command line: ``kzfigures report [PATH]``.

>>> main(["--version"])  # doctest: +ELLIPSIS
kzfigures ...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kzfigures._version import __version__
from kzfigures.errors import FrameValidationError, KzFiguresError
from kzfigures.frame import read_csv, read_json
from kzfigures.report import estimate_section, observations_section, ranges_section, violations_section

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzfigures",
        description="Reconcile conflicting casualty and detention figures.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    report = commands.add_parser(
        "report",
        help="report on a set of observations",
        description="Report on observations: by default the bundled Kazakhstan 2022 dataset.",
    )
    report.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a CSV or JSON file of observations in the kzfigures schema (default: the bundled dataset)",
    )
    return parser


def _load(path: Path | None) -> pd.DataFrame:
    if path is None:
        from kzfigures.datasets import kazakhstan_2022

        return kazakhstan_2022()
    if path.suffix.lower() == ".json":
        return read_json(path)
    return read_csv(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    if args.version:
        print(f"kzfigures {__version__}")
        return 0
    if args.command != "report":
        _parser().print_help()
        return 2
    try:
        frame = _load(args.path)
    except FrameValidationError as error:
        case: Any
        for case in error.failure_cases.itertuples(index=False):
            where = "file" if pd.isna(case.row) else f"row {case.row}"
            print(
                f"kzfigures: {args.path}: {where}, column {case.column}: {case.reason} (got {case.value!r})",
                file=sys.stderr,
            )
        return 2
    except (OSError, UnicodeDecodeError, ValueError, KzFiguresError) as error:
        # One line: pandas' parser messages end in a newline.
        reason = " ".join(str(error).split())
        print(f"kzfigures: cannot read {args.path}: {reason}", file=sys.stderr)
        return 2
    print(observations_section(frame))
    print()
    print(ranges_section(frame))
    print()
    print(violations_section(frame))
    print()
    print(estimate_section(frame))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
