"""The ``kzfigures`` command line: ``kzfigures report``, ``revisions`` and ``extract``.

Also runs as ``python -m kzfigures``. Exit status: 0 done, 2 bad input or
bad options (one line per problem on stderr, never a traceback).

>>> main(["--version"])  # doctest: +ELLIPSIS
kzfigures ...
0
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kzfigures._version import __version__
from kzfigures.analysis.estimate import METHODS, ON_CONFLICT, Estimate, best_estimate
from kzfigures.analysis.index import DEFAULT_BY, check_by
from kzfigures.analysis.inputs import Prepared, parse_key, prepare, select_key
from kzfigures.analysis.ranges import ranges
from kzfigures.analysis.revisions import revisions
from kzfigures.analysis.vintages import as_known_at
from kzfigures.analysis.violations import violations
from kzfigures.errors import (
    FrameValidationError,
    InconsistentObservationsError,
    InvalidArgumentError,
    KzFiguresError,
)
from kzfigures.extract import EXTRA_COLUMNS, LANGUAGES, extract_observations
from kzfigures.frame import COLUMNS, read_csv, read_json, to_csv
from kzfigures.present.markdown import markdown_sections, revisions_markdown
from kzfigures.present.report import (
    estimate_section,
    observations_section,
    observations_table,
    ranges_section,
    revisions_text,
    summary_lines,
    summary_section,
    violations_section,
    when,
)
from kzfigures.present.words import time_words

__all__ = ["main"]

FORMATS = ("text", "markdown", "csv", "json")

#: The sections of the text and markdown reports, in their default order.
SECTIONS = ("summary", "estimates", "violations", "ranges", "observations")

#: Above this many series the text and markdown reports hold only the summary unless asked
#: (``--full``, ``--sections``): a 100-series archive's details run to thousands of lines.
LARGE_SERIES = 20

_DESCRIPTION = """\
Report on casualty or detention figures: what was reported, the range, the
running totals that went down, and the best estimate.

PATH is a CSV or JSON file of observations in the kzfigures schema (one row
per reported figure; see the documentation's tutorial and datasheet). A .json
suffix is read as JSON records, anything else as CSV. Without PATH, the
bundled Kazakhstan January 2022 dataset is used.
"""

_REVISIONS_DESCRIPTION = """\
How each running total was revised, and which sources were later
contradicted downwards (see the documentation's page "What was known when").

Per series: the first and the latest headline (the most recent figure about
the most recent day, stated numbers only), the rises and falls between them,
the largest fall, and from when every headline stayed within --within of the
latest. Per source: how many of its figures a later figure about the same or
a later day put lower, and by how much.

formats: text (default), markdown, csv (the series table), json (both tables).
"""

_EXTRACT_DESCRIPTION = """\
Find the tolls in article text and write them to standard output as CSV, one
candidate row per toll for a person to review before 'kzfigures report' reads
them: each figure bound to a metric word (killed, injured, detained,
hospitalized, missing, displaced, evacuated), with who was counted, who said
it, through whom, and the day it describes. The columns are the kzfigures
schema, then start and end (where the figure is in the text), parent (the id
of the total a subgroup belongs to) and confidence (0-1).

Russian text needs --language ru. With several articles, the note column
names each row's file. Ids are the article's content hash and a number, so
they are stable. The measured precision and recall are in the
documentation's page "From article text to observations".

examples:
  kzfigures extract article.txt --published 2022-01-10 --outlet Reuters > rows.csv
  kzfigures extract statya.txt --published 2022-01-10 --language ru --tz Asia/Almaty
  kzfigures report rows.csv
"""

_EPILOG = """\
sections (text and markdown), in this order unless --sections says otherwise:
  summary         one sentence per series a journalist can quote, each
                  number in its source's words, with its date and year
  estimates       low, best and high by the end of each day, what was set
                  aside
  violations      where a running total falls: definite, soft; then the
                  same day's different figures from different sources
                  (disagreements: listed apart, not a fall)
  ranges          for a running total what each source last said, else the
                  whole record: its ends in words, the numbers stated, and
                  the count every figure allows
  observations    every figure, oldest first: as-of date, words as
                  reported, interval, who said it through whom
  More than 20 series: only the summary, unless --full or --sections.

formats:
  text      for an 80-column terminal; thousands separators; figures in
            their sources' words ("more than 3,000", "dozens")
  markdown  headings, bullet points and pipe tables to paste into a CMS
  csv       the best-estimate series for Datawrapper, one row per series
            and date: metric, group, region, date, low, best, high,
            n_claims, n_observations (best rounded to a whole count; an
            empty high means no upper bound). With --key selecting one
            series, the date, low, best and high columns chart directly
            as a line or range chart.
  json      one object: kzfigures, source, key, options, and the tables
            observations, ranges, violations, disagreements, estimate,
            set_aside, and the summary lines (null high means no upper
            bound)

exit status:
  0  the report was written
  2  bad options, or a file that is missing, unreadable or has bad rows
     (one line per bad cell on stderr: row, column, reason, value), or,
     with --on-conflict raise, observations that cannot all be true

examples:
  kzfigures report
  kzfigures report --key metric=detained,group=all --format markdown
  kzfigures report --key metric=detained,group=all --format csv > chart.csv
  kzfigures report my_figures.csv --tz Asia/Almaty --freq D
  kzfigures report --key metric=killed,group=all --plot killed.png
"""


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    # Keep --help within 80 columns even in a wide terminal, like the report.
    width = min(80, shutil.get_terminal_size().columns)
    return argparse.RawDescriptionHelpFormatter(prog, width=width, max_help_position=24)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzfigures",
        formatter_class=_help_formatter,
        description="Reconcile conflicting casualty and detention figures.",
        epilog="Run 'kzfigures report --help', 'kzfigures revisions --help' or 'kzfigures extract --help' "
        "for their options.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="report on a set of observations (default: the bundled dataset)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=_help_formatter,
    )
    _input_arguments(report)
    report.add_argument(
        "--sections",
        metavar="NAME,...",
        help=f"the sections to write, in this order, from {', '.join(SECTIONS)} "
        f"(default: all of them; only the summary for more than {LARGE_SERIES} series)",
    )
    report.add_argument(
        "--full",
        action="store_true",
        help=f"write every section even for more than {LARGE_SERIES} series",
    )
    report.add_argument(
        "--ids",
        action="store_true",
        help="name the observation ids behind each figure (text and markdown)",
    )
    report.add_argument(
        "--method",
        choices=METHODS,
        default="isotonic",
        help="how the best estimate is chosen inside the feasible range (default: isotonic)",
    )
    report.add_argument(
        "--on-conflict",
        choices=ON_CONFLICT,
        default="latest",
        help="what to do with figures that cannot all be true (default: latest: later information wins)",
    )
    report.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="SOURCE=W",
        help="weigh a source's figures by W instead of the evidence default, e.g. authority:Police=3, "
        "outlet:CNN=0.5 or outlet_kind:official=3 (repeatable)",
    )
    report.add_argument(
        "--freq",
        metavar="OFFSET",
        help="best estimate on a regular grid, e.g. D for daily (default: at each reported time)",
    )
    report.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="also draw the chart of every series --key selects (small multiples when several; needs the plot "
        "extra) and save it to FILE; the suffix chooses PNG, SVG or PDF",
    )
    report.add_argument(
        "--same-scale",
        action="store_true",
        help="small multiples on one y scale (default: each panel its own, so small series stay readable)",
    )
    report.add_argument(
        "--title",
        metavar="TEXT",
        help="the chart's title, e.g. the message it carries (default: the metrics drawn)",
    )
    revisions = commands.add_parser(
        "revisions",
        help="how each series' figures were revised, and which sources were later contradicted downwards",
        description=_REVISIONS_DESCRIPTION,
        formatter_class=_help_formatter,
    )
    _input_arguments(revisions)
    revisions.add_argument(
        "--within",
        type=float,
        default=0.10,
        metavar="SHARE",
        help="a series has settled once every later headline stays within this share of the latest (default: 0.10)",
    )
    revisions.add_argument(
        "--ids",
        action="store_true",
        help="name the observation ids behind each figure (text and markdown)",
    )
    revisions.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="also draw the vintage chart of the one series --key selects: the estimate as known at the end "
        "of each day (needs the plot extra); the suffix chooses PNG, SVG or PDF",
    )
    revisions.add_argument("--title", metavar="TEXT", help="the chart's title (default: the series' name)")
    extract = commands.add_parser(
        "extract",
        help="find the tolls in article text and write them as candidate rows (CSV) for a desk to review",
        description=_EXTRACT_DESCRIPTION,
        formatter_class=_help_formatter,
    )
    extract.add_argument("articles", nargs="+", type=Path, metavar="ARTICLE", help="a text file ('-' reads stdin)")
    extract.add_argument(
        "--published",
        required=True,
        metavar="DATE",
        help="when the articles appeared, e.g. 2022-01-10 or 2022-01-10T14:00; weekdays, 'yesterday' and dates "
        "without a year are read against it",
    )
    extract.add_argument("--outlet", metavar="NAME", help="the outlet that published the articles")
    extract.add_argument("--url", metavar="URL", help="where the article is")
    extract.add_argument("--language", choices=LANGUAGES, default="en", help="the articles' language (default: en)")
    extract.add_argument(
        "--tz",
        default="UTC",
        metavar="ZONE",
        help="time zone of --published when it has no offset, e.g. Asia/Almaty (default: UTC)",
    )
    return parser


def _input_arguments(command: argparse.ArgumentParser) -> None:
    """The options every command shares: the input, its reading, the series and the format."""
    command.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="CSV or JSON observations (default: the bundled Kazakhstan 2022 dataset)",
    )
    command.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text)",
    )
    command.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="only the series matching these values, e.g. --key metric=detained --key group=all, or "
        "metric=detained,group=all; a value may hold commas (--key 'region=Almaty, city') (repeatable)",
    )
    command.add_argument(
        "--by",
        default=",".join(DEFAULT_BY),
        metavar="COLUMN,...",
        help="the columns that make a series (default: metric,group,region); a file with an event "
        "column of its own: --by event,metric,group,region",
    )
    command.add_argument(
        "--tz",
        default="UTC",
        metavar="ZONE",
        help="time zone for times in PATH written without an offset, e.g. Asia/Almaty (default: UTC)",
    )
    # Dates that are not ISO 8601 are read only in an order the user gives; never guessed.
    dates = command.add_mutually_exclusive_group()
    dates.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        help="read dates such as 22/01/2020 or 22.01.20 in PATH as day/month/year",
    )
    dates.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help="read dates such as 1/22/20 in PATH as month/day/year",
    )
    dates.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="read times in PATH that are not ISO 8601 with this strptime format, e.g. '%%d %%B %%Y'",
    )
    command.add_argument(
        "--as-known-at",
        metavar="WHEN",
        help="only the figures published by the end of WHEN (a day such as 2022-01-08, or a time): "
        "what a reader could have known then",
    )


class _BadInputError(Exception):
    """Lines for stderr; the command exits with status 2."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _load(path: Path | None, tz: str, dayfirst: bool | None = None, date_format: str | None = None) -> pd.DataFrame:
    if path is None:
        from kzfigures.datasets import kazakhstan_2022

        return kazakhstan_2022()
    name = str(path)
    if not path.exists():
        raise _BadInputError([f"kzfigures: cannot read {name}: no such file"])
    try:
        if path.suffix.lower() == ".json":
            return read_json(path, tz=tz, dayfirst=dayfirst, date_format=date_format)
        return read_csv(path, tz=tz, dayfirst=dayfirst, date_format=date_format)
    except FrameValidationError as error:
        lines = None if path.suffix.lower() == ".json" else _record_lines(path)
        raise _BadInputError(_failure_lines(name, error.failure_cases, lines)) from None
    except (OSError, UnicodeDecodeError, ValueError, KzFiguresError) as error:
        # One line: pandas' parser messages span several.
        reason = getattr(error, "strerror", None) or " ".join(str(error).split()) or type(error).__name__
        reason = reason.replace("'tz' names no time zone", "--tz names no time zone")
        raise _BadInputError([f"kzfigures: cannot read {name}: {reason}"]) from None


def _record_lines(path: Path) -> list[int]:
    """The line of the file on which each data record of a CSV starts (blank lines skipped, as read_csv does).

    A record may span lines (a quoted cell with a line break), so the line is counted by the
    ``csv`` module, not from the row number.
    """
    starts: list[int] = []
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        previous = 0
        for record in reader:
            if record and (len(record) > 1 or record[0].strip()):  # read_csv skips blank and all-space lines
                starts.append(previous + 1)
            previous = reader.line_num
    return starts[1:]  # the first record is the header


#: Bad cells shown for one problem (a column and a reason); the rest are counted in one line.
SHOWN_PER_PROBLEM = 5


def _failure_lines(name: str, cases: pd.DataFrame, record_lines: list[int] | None) -> list[str]:
    """One line per bad cell: where (row, and the file's line for CSV), column, value, reason.

    A problem shared by many cells (a whole column of dates in another order) is shown for its
    first :data:`SHOWN_PER_PROBLEM` cells, then counted: a million-row file gets a readable error.
    """
    lines = []
    seen: dict[tuple[str, str], int] = {}
    case: Any
    for case in cases.itertuples(index=False):
        problem = (str(case.column), str(case.reason))
        seen[problem] = seen.get(problem, 0) + 1
        if seen[problem] > SHOWN_PER_PROBLEM:
            continue
        if pd.isna(case.row):
            where = "file"
        elif record_lines is not None:
            row = int(case.row)
            line = record_lines[row] if row < len(record_lines) else row + 2
            where = f"row {row} (line {line})"
        else:
            where = f"row {int(case.row)} (record {int(case.row) + 1})"
        lines.append(f"kzfigures: {name}: {where}, column {case.column}: {case.reason} (got {case.value!r})")
    for (column, _), n in seen.items():
        if n > SHOWN_PER_PROBLEM:
            more = n - SHOWN_PER_PROBLEM
            rows = f"{more:,} more row{'s' if more != 1 else ''}"
            lines.append(f"kzfigures: {name}: and {rows} with that problem in column {column}")
    return lines


def _records(table: pd.DataFrame) -> Any:
    return json.loads(table.to_json(orient="records", date_format="iso", force_ascii=False))


def _whole_best(series: pd.DataFrame) -> pd.Series:
    """``best`` rounded to a whole count, kept inside ``[low, high]`` (which are exact integers where
    float64 ``best`` is not, above 2**53); empty where no figure states a number."""
    best = series["best"].round().astype("Int64")
    low, high = series["low"].astype("Int64"), series["high"].astype("Int64")
    best = best.where(best.isna() | (best >= low), low)
    return best.where(best.isna() | high.isna() | (best <= high), high)


def _weights(args: argparse.Namespace) -> dict[str, float] | None:
    """The ``--weight SOURCE=W`` options as the mapping ``best_estimate(weights=...)`` takes; None for none."""
    weights: dict[str, float] = {}
    for text in args.weight:
        source, sep, value = text.rpartition("=")
        try:
            weights[source] = float(value)
        except ValueError:
            sep = ""
        if not sep or not source:
            raise _BadInputError([f"kzfigures: --weight must be SOURCE=W, e.g. authority:Police=3 (got {text!r})"])
    return weights or None


def _estimate_table(result: Estimate) -> pd.DataFrame:
    """The best-estimate series as the flat table of the CSV and markdown outputs."""
    series = result.series
    by = list(result.by)
    dates = [when(t, "day" if (t == t.normalize()) else "minute") for t in series["time"]]
    return pd.DataFrame(
        {
            **{c: series[c].astype("string") for c in by},
            "date": pd.array(dates, dtype="string"),
            "low": series["low"].astype("Int64"),
            "best": _whole_best(series),
            "high": series["high"].astype("Int64"),
            "n_claims": series["n_claims"].astype("int64"),
            "n_observations": series["n_observations"].astype("int64"),
        }
    ).reset_index(drop=True)


def _ranges_table(prepared: Prepared) -> pd.DataFrame:
    table = ranges(prepared, prepared.by)
    columns = [*prepared.by, "hull_low", "hull_high", "consensus_low", "consensus_high"]
    counts = ["n_observations", "n_claims", "n_speakers"]
    return table[[*columns, "consensus_empty", *counts]].reset_index(drop=True)


def _violation_tables(prepared: Prepared) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The violations and the disagreements, as the markdown and JSON reports show them."""
    report = violations(prepared, prepared.by)
    return _violations_table(report.frame, prepared.by), _violations_table(report.disagreements, prepared.by)


def _violations_table(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    dates = table["as_of"].dt.strftime("%Y-%m-%d").astype("string")
    witness_dates = table["witness_as_of"].dt.strftime("%Y-%m-%d").astype("string")
    return pd.DataFrame(
        {
            "kind": table["kind"],
            **{c: table[c] for c in by},
            "id": table["id"],
            "as_of": dates,
            "low": table["low"],
            "high": table["high"],
            "speaker": table["speaker"],
            "witness_id": table["witness_id"],
            "witness_as_of": witness_dates,
            "witness_low": table["witness_low"],
            "witness_high": table["witness_high"],
            "witness_speaker": table["witness_speaker"],
            "relation": table["relation"],
            "drop": table["drop"],
        }
    ).reset_index(drop=True)


def _set_aside_table(result: Estimate) -> pd.DataFrame:
    aside = result.set_aside
    return pd.DataFrame(
        {
            "id": aside["id"],
            **{c: aside[c] for c in result.by},
            "as_of": aside["as_of"].dt.strftime("%Y-%m-%d").astype("string"),
            "low": aside["low"],
            "high": aside["high"],
            "reason": aside["reason"],
            "superseded_by": aside["superseded_by"],
        }
    ).reset_index(drop=True)


def _sections(args: argparse.Namespace, n_series: int) -> list[str]:
    """The sections to write: ``--sections``, else all, or only the summary for a large input."""
    if args.sections is not None:
        names = [name.strip() for name in args.sections.split(",") if name.strip()]
        unknown = [name for name in names if name not in SECTIONS]
        if unknown or not names:
            raise _BadInputError(
                [f"kzfigures: --sections: {', '.join(unknown) or 'none given'}: choose from {', '.join(SECTIONS)}"]
            )
        return list(dict.fromkeys(names))
    if n_series > LARGE_SERIES and not args.full:
        return ["summary"]
    return list(SECTIONS)


def _render(frame: pd.DataFrame, args: argparse.Namespace, prepared: Prepared, result: Estimate) -> Iterator[str]:
    """The report, one part at a time: print each as it comes, so one section is in memory at a time."""
    if args.format in ("text", "markdown"):
        n_series = len(frame.drop_duplicates(list(prepared.by))) if len(frame) else 0
        sections = _sections(args, n_series)
        # The columns extraction adds say where a figure was found, not which series it is in.
        own = [
            c
            for c in frame.columns
            if c not in COLUMNS and c not in EXTRA_COLUMNS and c not in prepared.by and frame[c].nunique() > 1
        ]
        if own:  # e.g. an event column: its values would be one series unless keyed
            note = (
                f"Note: {', '.join(own)} (a column of the file's own) is not part of the series key, so its "
                f"values' figures are reported together; to keep them apart: --by {','.join([*own, *prepared.by])}"
            )
            yield textwrap.fill(note, 80) if args.format == "text" else note
        if args.as_known_at is not None:
            moment = pd.Timestamp(args.as_known_at)
            when = time_words(moment)
            yield f"As known by the end of {when}: the {len(frame):,} of {args.n_read:,} figures published by then."
        if args.format == "markdown":
            yield "# kzfigures report"
            yield from markdown_sections(prepared, result, sections, ids=args.ids)
        else:
            makers = {
                "summary": lambda: summary_section(result, ids=args.ids),
                "estimates": lambda: estimate_section(result, ids=args.ids),
                "violations": lambda: violations_section(prepared, ids=args.ids),
                "ranges": lambda: ranges_section(prepared, ids=args.ids),
                "observations": lambda: observations_section(frame, prepared.by),
            }
            for name in sections:
                yield makers[name]()
        if sections != list(SECTIONS) and args.sections is None:
            yield (
                f"{n_series:,} series: the summary only. Every section: --full; "
                f"some: --sections {','.join(SECTIONS[1:3])}."
            )
        return
    if args.format == "csv":
        out = io.StringIO()
        _estimate_table(result).to_csv(out, index=False, lineterminator="\n")
        yield out.getvalue().rstrip("\n")
        return
    found, split = _violation_tables(prepared)
    document = {
        "kzfigures": __version__,
        "source": "kazakhstan_2022 (bundled)" if args.path is None else str(args.path),
        "key": args.key,
        "options": {
            "method": args.method,
            "on_conflict": args.on_conflict,
            "freq": args.freq,
            "weights": _weights(args) or {},
            "as_known_at": args.as_known_at,
        },
        "summary": summary_lines(result, ids=args.ids),
        "observations": _records(observations_table(frame, args.by)),
        "ranges": _records(_ranges_table(prepared)),
        "violations": _records(found),
        "disagreements": _records(split),
        "estimate": _records(_estimate_table(result)),
        "set_aside": _records(_set_aside_table(result)),
    }
    yield json.dumps(document, ensure_ascii=False, indent=2)


def _key(texts: list[str]) -> dict[str, Any]:
    """The ``--key`` options as one mapping: each is ``COLUMN=VALUE`` or several, comma-separated."""
    key: dict[str, Any] = {}
    for text in texts:
        for column, value in parse_key(text).items():
            if column in key and key[column] != value:
                raise InvalidArgumentError(f"--key gives column {column!r} twice: {key[column]!r} and {value!r}")
            key[column] = value
    return key


def _inputs(args: argparse.Namespace) -> pd.DataFrame:
    """The observations the options select: read, as known at a time, keyed (``args.key``, ``args.by`` parsed).

    A ``--plot`` target is checked first, before any work is done.
    """
    if args.plot is not None:
        _check_plot_path(args.plot)
    if getattr(args, "freq", None) is not None:
        try:
            pd.tseries.frequencies.to_offset(args.freq)
        except ValueError:
            raise _BadInputError(
                [f"kzfigures: --freq: {args.freq!r} is no pandas offset alias; e.g. D (daily), W (weekly), h (hourly)"]
            ) from None
    if args.as_known_at is not None:
        try:
            pd.Timestamp(args.as_known_at)
        except ValueError:
            raise _BadInputError(
                [f"kzfigures: --as-known-at: {args.as_known_at!r} is no date; write 2022-01-08 or 2022-01-08T18:00"]
            ) from None
    try:
        args.key = _key(args.key) or None
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: --key: {error}"]) from None
    frame = _load(args.path, args.tz, args.dayfirst, args.date_format)
    try:
        args.by = tuple(check_by([c.strip() for c in args.by.split(",") if c.strip()], frame))
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: --by: {' '.join(str(error).split())}"]) from None
    args.n_read = len(frame)
    if args.as_known_at is not None:
        try:
            frame = as_known_at(frame, args.as_known_at, validate=False)
        except KzFiguresError as error:
            raise _BadInputError([f"kzfigures: --as-known-at: {' '.join(str(error).split())}"]) from None
        if len(frame) == 0:
            raise _BadInputError([f"kzfigures: --as-known-at {args.as_known_at}: no figure was published by then"])
    try:
        return select_key(frame, args.key)
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: --key: {error}"]) from None


def _revisions(args: argparse.Namespace) -> Iterator[str]:
    """``kzfigures revisions``: the revision tables in the chosen format (and the vintage chart)."""
    frame = _inputs(args)
    if args.plot is not None:
        _vintage_plot(frame, args)
    try:
        result = revisions(frame, by=args.by, within=args.within, validate=False)
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: {' '.join(str(error).split())}"]) from None
    if args.format == "text":
        yield revisions_text(result, frame, ids=args.ids)
    elif args.format == "markdown":
        yield revisions_markdown(result, frame, ids=args.ids)
    elif args.format == "csv":
        out = io.StringIO()
        _iso_times(result.series).to_csv(out, index=False, lineterminator="\n")
        yield out.getvalue().rstrip("\n")
    else:
        document = {
            "kzfigures": __version__,
            "source": "kazakhstan_2022 (bundled)" if args.path is None else str(args.path),
            "key": args.key,
            "options": {"by": list(args.by), "within": args.within, "as_known_at": args.as_known_at},
            "series": _records(_iso_times(result.series)),
            "speakers": _records(result.speakers),
        }
        yield json.dumps(document, ensure_ascii=False, indent=2)


def _extract(args: argparse.Namespace) -> Iterator[str]:
    """Candidate rows of every article, as one CSV text; with several articles, ``note`` names each row's file."""
    frames = []
    for path in args.articles:
        name = str(path)
        try:
            text = sys.stdin.read() if name == "-" else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise _BadInputError([f"kzfigures: cannot read {name}: {reason}"]) from None
        try:
            rows = extract_observations(
                text, published=args.published, outlet=args.outlet, url=args.url, language=args.language, tz=args.tz
            )
        except KzFiguresError as error:
            message = str(error).replace("'published'", "--published").replace("'tz'", "--tz")
            raise _BadInputError([f"kzfigures: {message}"]) from None
        if len(args.articles) > 1:
            rows["note"] = pd.array([f"from {name}"] * len(rows), dtype="string")
        if rows.empty:
            hint = ""
            if args.language == "en" and len(_CYRILLIC.findall(text)) > len(text) / 4:
                hint = "; the text is in Cyrillic: for Russian, add --language ru"
            print(f"kzfigures: no tolls found in {name}{hint}", file=sys.stderr)
        frames.append(rows)
    text = to_csv(pd.concat(frames, ignore_index=True))
    assert text is not None
    # The same cells, with the columns a reviewer checks first; readers of the schema take any order.
    cells = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    order = [*REVIEW_COLUMNS, *(c for c in cells.columns if c not in REVIEW_COLUMNS)]
    yield cells[order].to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\n").rstrip("\n")


_CYRILLIC = re.compile("[\u0400-\u04ff]")

#: The columns ``kzfigures extract`` writes first, in the order a desk checks them.
REVIEW_COLUMNS = ("id", "confidence", "figure", "metric", "group", "authority", "via", "as_of", "quote", "parent")


def _iso_times(table: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO 8601 text with their offset, durations in days: what a CSV or JSON reader parses."""
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].map(lambda t: "" if pd.isna(t) else t.isoformat()).astype("string")
        elif pd.api.types.is_timedelta64_dtype(out[column].dtype):
            out[f"{column}_days"] = out.pop(column).dt.total_seconds() / 86_400
    return out


def _report(args: argparse.Namespace) -> Iterator[str]:
    """Check the options and the input, then yield the report's parts (the chart is drawn first)."""
    frame = _inputs(args)
    try:
        # read_csv or the dataset validated the frame; the sections and the chart share one
        # claim index and one estimate.
        prepared = prepare(frame, args.by, validate=False)
        result = best_estimate(
            prepared,
            by=prepared.by,
            method=args.method,
            freq=args.freq,
            on_conflict=args.on_conflict,
            weights=_weights(args),
        )
    except InconsistentObservationsError as error:
        n = len(error.violations)
        lines = [f"kzfigures: --on-conflict raise: {n} violation{'s' if n != 1 else ''} of a non-decreasing count"]
        lines += [
            f"kzfigures: {row.kind}: {row.id} against {row.witness_id}"
            for row in error.violations.itertuples(index=False)
        ]
        raise _BadInputError(lines) from None
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: {' '.join(str(error).split())}"]) from None
    if args.plot is not None:
        _plot(frame, args, prepared, result)
    yield from _render(frame, args, prepared, result)


#: The chart formats ``--plot`` writes, by the file's suffix.
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _check_plot_path(path: Path) -> None:
    """Refuse a ``--plot`` target that is no file name of a chart format, before any work is done."""
    if path.is_dir():
        raise _BadInputError(
            [f"kzfigures: --plot: {path} is a directory; give a file name such as {path / 'chart.png'}"]
        )
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise _BadInputError(
            [f"kzfigures: --plot: {path} must end in {', '.join(PLOT_SUFFIXES)} (the suffix chooses the format)"]
        )
    if not path.parent.exists():
        raise _BadInputError([f"kzfigures: --plot: cannot write {path}: no folder {path.parent}"])


@contextlib.contextmanager
def _drawing(path: Path) -> Iterator[None]:
    """Turn what drawing and writing a chart can raise into one line for stderr, naming --plot."""
    try:
        yield
    except KzFiguresError as error:
        raise _BadInputError([f"kzfigures: --plot: {' '.join(str(error).split())}"]) from None
    except ImportError as error:
        raise _BadInputError([f"kzfigures: --plot: {error}"]) from None
    except (OSError, ValueError) as error:
        raise _BadInputError([f"kzfigures: --plot: cannot write {path}: {error}"]) from None


def _plot(frame: pd.DataFrame, args: argparse.Namespace, prepared: Prepared, result: Estimate) -> None:
    """Draw every series --key selects (small multiples when several) and write the chart by its suffix."""
    with _drawing(args.plot):
        from kzfigures.present.plot import save, timeline

        figure = timeline(
            frame,
            result,
            key=args.key,
            violations=violations(prepared, prepared.by),
            by=args.by,
            title=args.title,
            sharey=args.same_scale,
        )
        save(figure, args.plot)


def _vintage_plot(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """Draw the one series --key selects as known day by day and write the chart by its suffix."""
    with _drawing(args.plot):
        from kzfigures.present.plot import save, vintages

        save(vintages(frame, by=args.by, title=args.title), args.plot)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 done, 2 bad input or options).

    "several" officials detained is the interval [3, 9]: it states no number,
    so there is no best estimate (an empty cell), only the range from 3, with
    no later figure to bound it.

    >>> main(["report", "--key", "metric=detained,group=officials", "--format", "csv"])
    metric,group,region,date,low,best,high,n_claims,n_observations
    detained,officials,all,2022-01-08,3,,,1,1
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"kzfigures {__version__}")
        return 0
    if args.command not in ("report", "revisions", "extract"):
        parser.print_help(sys.stderr)
        return 2
    commands = {"report": _report, "revisions": _revisions, "extract": _extract}
    parts = commands[args.command](args)
    try:
        first = next(parts)
    except _BadInputError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        return 2
    try:
        print(first)
        for part in parts:  # a section at a time: the whole report is never held as one text
            print()
            print(part)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (``| head``): end quietly. Python would report the
        # failed flush at exit, so point stdout at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
