"""Observations as a tidy DataFrame: the schema, validation, CSV and JSON.

One row per observation. The canonical frame has exactly these columns, in
this order, with these dtypes (identical on pandas 2.2+ and 3.x); any further
columns of an input frame are kept, unchanged, after them, unless one looks
like a misspelling of a schema column (see ``extra_columns`` of
:func:`from_frame`). A column named twice is refused.

=====================  ===========================  ========================================
column                 dtype                        meaning (default when the input lacks it)
=====================  ===========================  ========================================
id                     string                       stable identifier (``row-<position>``)
metric                 string                       what is counted (**required**)
group                  string                       who was counted (``all``)
region                 string                       where (``all``)
low                    Int64                        smallest count the figure allows
high                   Int64                        largest count; ``<NA>`` = unbounded
stated                 Int64                        the number as written (``<NA>`` for
                                                    range and vague figures)
qualifier              string                       a :class:`~kzfigures.Qualifier` value
figure                 string                       the figure phrase as written (``<NA>``)
as_of                  datetime64[ns, tz]           start of the period described (**required**)
as_of_precision        string                       a :class:`~kzfigures.Precision` value
                                                    (inferred from ``as_of``)
published              datetime64[ns, tz]           when the report appeared (``NaT``)
published_precision    string                       precision of ``published`` (inferred)
outlet                 string                       who published it (``<NA>``)
outlet_kind            string                       an :class:`~kzfigures.OutletKind` (``other``)
authority              string                       to whom the figure is attributed (``<NA>``)
via                    string                       intermediary (``<NA>``)
cumulative             bool                         running total? (``True``)
quote                  string                       short phrase stating the figure (``<NA>``)
url                    string                       where the report is (``<NA>``)
note                   string                       anything else (``<NA>``)
=====================  ===========================  ========================================

Defaults fill a column that is absent, not a blank cell of a column that is
there: a blank ``group`` or ``region`` cell is refused rather than merged into
the series ``all`` (a blank ``outlet_kind`` or ``cumulative`` cell still takes
the default). Counts are read exactly, never through a float, up to
``LARGEST_COUNT`` (``2**62``, as for a :class:`~kzfigures.Figure`); ``docs/limits.md``
lists every limit.

The figure may be given in three ways: explicit ``low``/``high``/``stated``/
``qualifier`` columns; ``stated`` alone (qualifier ``exact`` unless given,
bounds derived from the qualifier by the conventions); or a ``figure`` text
column ("more than 3,000") parsed by :func:`kzfigures.parse_figure` where
``stated`` and ``low`` are missing. Where a row leaves ``qualifier`` out (it
is then filled in) its ``figure`` text, if given and readable, must agree with
its numbers.

Times: ``as_of`` and ``published`` are timezone-aware. Text times are ISO 8601
(``2022-01-07``, ``2022-01-07T14:00``); other forms are read only when the
caller says how: ``dayfirst=True`` reads ``22/01/2020`` (and ``22.01.20``) as
day/month/year, ``dayfirst=False`` reads ``1/22/20`` as month/day/year, and
``date_format`` gives a :func:`~datetime.datetime.strptime` format. Without
them such a date is refused by row, never guessed. Text times may carry
an offset (``2022-01-07T00:00+06:00``); if none in a column do, they are read
in the ``tz`` argument (default UTC); a column that mixes the two is an error.
A frame whose rows carry different offsets is stored in UTC (a column holds
one zone), which is refused (:class:`~kzfigures.TimezoneError`) when a time
would then no longer start its period: a day of +06:00 does not start at a
UTC midnight. A time's
precision is inferred from how it is written (a bare date is a ``day``) or,
for datetime input, from the coarsest unit it is aligned to in its own zone.

>>> import pandas as pd
>>> frame = from_frame(pd.DataFrame({
...     "metric": ["detained", "detained"],
...     "as_of": ["2022-01-07", "2022-01-08"],
...     "stated": [3000, 4404],
...     "qualifier": ["more_than", "exact"],
... }), tz="UTC+06:00")
>>> frame[["id", "low", "high", "stated", "as_of_precision"]]
      id   low  high  stated as_of_precision
0  row-0  3001  <NA>    3000             day
1  row-1  4404  4404    4404             day
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import difflib
import json
import os
import re
from collections.abc import Iterable, Mapping, Set
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from kzfigures import _strings
from kzfigures.errors import (
    FailureReason,
    FigureParseError,
    FrameTimezoneError,
    FrameValidationError,
    InputFormatError,
    InvalidArgumentError,
    ObservationTypeError,
    TimezoneError,
    ValidationError,
)
from kzfigures.model import (
    EARLIEST_TIME,
    END_OF_TIME,
    LARGEST_COUNT,
    Figure,
    Observation,
    OutletKind,
    Precision,
    Qualifier,
)

if TYPE_CHECKING:  # pragma: no cover
    from kzfigures.conventions import Conventions

__all__ = [
    "COLUMNS",
    "LARGEST_COUNT",
    "as_frame",
    "empty_frame",
    "from_frame",
    "read_csv",
    "read_json",
    "to_csv",
    "to_frame",
    "to_json",
    "to_observations",
]

#: The canonical columns and their dtypes (``"datetime"`` = ``datetime64[ns, tz]``).
COLUMNS: Mapping[str, str] = {
    "id": "string",
    "metric": "string",
    "group": "string",
    "region": "string",
    "low": "Int64",
    "high": "Int64",
    "stated": "Int64",
    "qualifier": "string",
    "figure": "string",
    "as_of": "datetime",
    "as_of_precision": "string",
    "published": "datetime",
    "published_precision": "string",
    "outlet": "string",
    "outlet_kind": "string",
    "authority": "string",
    "via": "string",
    "cumulative": "bool",
    "quote": "string",
    "url": "string",
    "note": "string",
}

_TEXT_DEFAULTS = {"group": "all", "region": "all", "outlet_kind": OutletKind.OTHER.value}
_OPTIONAL_TEXT = ("figure", "outlet", "authority", "via", "quote", "url", "note")
_LABEL_PATTERN = r"[a-z][a-z0-9_]*"
_QUALIFIERS = [q.value for q in Qualifier]
_PRECISIONS = [p.value for p in Precision]
_OUTLET_KINDS = [k.value for k in OutletKind]
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
# A UTC offset only ever follows a time of day: the "-07" of "2022-01-07" is the day, not an offset.
_OFFSET_PATTERN = r"^(?P<body>\d{4}-\d{2}-\d{2}[T ][0-9:.]+?)\s*(?P<offset>Z|z|[+-]\d{2}(?::?\d{2})?)$"
_OFFSET_RE = re.compile(_OFFSET_PATTERN)
# The same for ASCII text in RE2's syntax, which Arrow's kernels speak: its \d and \s are narrower
# than Python's even there (no \x0b, no \x1c-\x1f), and its $ is the very end (Python's may
# precede one final newline).
_OFFSET_PATTERN_ASCII = (
    r"^(?P<body>[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+?)[\t\n\x0b\x0c\r\x1c-\x1f ]*"
    r"(?P<offset>Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)\n?$"
)
_DATE_ONLY_PATTERN = r"\d{4}-\d{2}-\d{2}"
# A date of day, month and year in numbers, one separator twice (1/22/20, 22.01.2020, 22-01-2020),
# and what follows it (a time of day, an offset). The year comes last: 2022-01-07 is ISO 8601.
_NUMERIC_DATE = re.compile(
    r"(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?P<rest>(?:[T ].*)?)"
)
# A two-digit year is read as strptime's %y reads it (POSIX): 69-99 are 1969-1999, 00-68 are 2000-2068.
_CENTURY_PIVOT = 69
_ONE_DIGIT_HOUR = re.compile(r"^(\d):")  # 9:30 is 09:30 in ISO 8601
_NANOS_OF = {p.value: p.length.value for p in Precision}
_NAT_NANOS = np.iinfo(np.int64).min  # how numpy stores NaT
# The dtype of every column but the times (whose zone depends on the frame).
_CANONICAL_DTYPES = {name: pd.api.types.pandas_dtype(kind) for name, kind in COLUMNS.items() if kind != "datetime"}
#: The dtype of every cell :func:`read_csv` reads: the canonical text dtype, so that its text columns
#: need no conversion (read as pandas' ``str``, with NaN for missing, each took one).
_READ_TEXT = pd.StringDtype()


class _Failures:
    """Collects (row, column, value, reason) for every bad cell."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(
        self, mask: pd.Series | np.ndarray, column: str, values: pd.Series, reason: str, code: FailureReason
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        shown = values.iloc[rows].astype("object").map(_show)
        self.parts.append(
            pd.DataFrame(
                {
                    "row": pd.array(rows, dtype="Int64"),
                    "column": column,
                    "value": shown.to_numpy(dtype=object),
                    "reason": reason,
                    "code": code.value,
                }
            )
        )

    def add_frame_level(
        self, column: str, value: str, reason: str, code: FailureReason, *, row: int | None = None
    ) -> None:
        """One problem with the frame as a whole (or, given ``row``, with one row of it)."""
        self.parts.append(
            pd.DataFrame(
                {
                    "row": pd.array([row], dtype="Int64"),
                    "column": [column],
                    "value": [value],
                    "reason": [reason],
                    "code": [code.value],
                }
            )
        )

    def raise_if_any(self) -> None:
        if not self.parts:
            return
        cases = pd.concat(self.parts, ignore_index=True)
        cases = cases.sort_values(["row", "column"], na_position="first", kind="stable").reset_index(drop=True)
        cases["column"] = cases["column"].astype("string")
        cases["value"] = cases["value"].astype("string")
        cases["reason"] = cases["reason"].astype("string")
        cases["code"] = cases["code"].astype("string")
        if (cases["code"] == FailureReason.MIXED_OFFSETS.value).any():
            raise FrameTimezoneError(cases)
        raise FrameValidationError(cases)


def _show(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "<missing>"
    return str(value)


def empty_frame(tz: str | dt.tzinfo = "UTC") -> pd.DataFrame:
    """Return an observation frame with no rows and the canonical dtypes.

    >>> list(empty_frame().columns)[:4]
    ['id', 'metric', 'group', 'region']
    """
    return pd.DataFrame({name: pd.Series([], dtype=_dtype(kind, tz)) for name, kind in COLUMNS.items()})


def _dtype(kind: str, tz: str | dt.tzinfo) -> Any:
    if kind == "datetime":
        return pd.DatetimeTZDtype(unit="ns", tz=tz)
    return kind


# --- objects <-> frame ---------------------------------------------------------


def to_frame(observations: Iterable[Observation]) -> pd.DataFrame:
    """Return the canonical frame of ``observations``, one row each, in order.

    Times keep their zone when all observations share one, else are stored
    in UTC (the same instants). ``to_observations(to_frame(obs)) == obs``.

    >>> from kzfigures import Figure, Observation
    >>> obs = [Observation(metric="killed", figure=Figure.exact(164),
    ...                    as_of="2022-01-09T00:00+06:00", id="a")]
    >>> row = to_frame(obs).iloc[0]
    >>> row["id"], int(row["low"]), row["as_of_precision"], str(row["as_of"])
    ('a', 164, 'day', '2022-01-09 00:00:00+06:00')
    """
    items = list(observations)
    for position, item in enumerate(items):
        if not isinstance(item, Observation):
            raise ObservationTypeError(f"item {position} is not an Observation (got {type(item).__name__})")
    if not items:
        return empty_frame()
    zones = {str(o.as_of.tzinfo) for o in items} | {str(o.published.tzinfo) for o in items if o.published is not None}
    tz: Any = items[0].as_of.tzinfo if len(zones) == 1 else "UTC"

    def times(values: list[pd.Timestamp | None]) -> pd.Series:
        # Timestamp.value is nanoseconds since the epoch in UTC, whatever the zone or unit.
        nanos = np.array([_NAT_NANOS if v is None else v.value for v in values], dtype=np.int64)
        return pd.Series(pd.DatetimeIndex(nanos.view("datetime64[ns]")).tz_localize("UTC").tz_convert(tz))

    columns: dict[str, Any] = {
        "id": [o.id for o in items],
        "metric": [o.metric for o in items],
        "group": [o.group for o in items],
        "region": [o.region for o in items],
        "low": [o.figure.low for o in items],
        "high": [o.figure.high for o in items],
        "stated": [o.figure.stated for o in items],
        "qualifier": [o.figure.qualifier.value for o in items],
        "figure": [o.figure.text for o in items],
        "as_of": times([o.as_of for o in items]),
        "as_of_precision": [o.as_of_precision.value for o in items],
        "published": times([o.published for o in items]),
        "published_precision": [None if o.published_precision is None else o.published_precision.value for o in items],
        "outlet": [o.outlet for o in items],
        "outlet_kind": [o.outlet_kind.value for o in items],
        "authority": [o.authority for o in items],
        "via": [o.via for o in items],
        "cumulative": [o.cumulative for o in items],
        "quote": [o.quote for o in items],
        "url": [o.url for o in items],
        "note": [o.note for o in items],
    }
    # Each column is built in its dtype: one DataFrame.astype over the whole frame costs
    # more than the rest of this function on the small frames that strategies build.
    frame = pd.DataFrame(
        {
            name: pd.array(values, dtype=_CANONICAL_DTYPES[name]) if name in _CANONICAL_DTYPES else values
            for name, values in columns.items()
        }
    )
    _check_one_zone(frame["as_of"], frame["as_of_precision"], "as_of", frame["id"])
    _check_one_zone(frame["published"], frame["published_precision"], "published", frame["id"])
    return frame


def to_observations(frame: pd.DataFrame) -> list[Observation]:
    """Return one :class:`Observation` per row of a frame, in order.

    The frame is validated first (see :func:`from_frame`). This builds Python
    objects row by row; analyses work on the frame directly and never need it.

    >>> import pandas as pd
    >>> [o] = to_observations(pd.DataFrame({"metric": ["injured"], "as_of": ["2022-01-07T00:00+06:00"],
    ...                                     "stated": [748]}))
    >>> o.figure, o.as_of_precision.value
    (Figure(low=748, high=748, stated=748, qualifier='exact'), 'day')
    """
    canonical = from_frame(frame)

    def optional(value: Any) -> Any:
        return None if value is pd.NA or value is pd.NaT or value is None else value

    observations = []
    row: Any
    for row in canonical[list(COLUMNS)].itertuples(index=False):
        figure = Figure(
            int(row.low),
            optional(row.high),
            optional(row.stated),
            row.qualifier,
            text=optional(row.figure),
        )
        observations.append(
            Observation(
                id=row.id,
                metric=row.metric,
                group=row.group,
                region=row.region,
                figure=figure,
                as_of=row.as_of,
                as_of_precision=row.as_of_precision,
                published=optional(row.published),
                published_precision=optional(row.published_precision),
                outlet=optional(row.outlet),
                outlet_kind=row.outlet_kind,
                authority=optional(row.authority),
                via=optional(row.via),
                cumulative=bool(row.cumulative),
                quote=optional(row.quote),
                url=optional(row.url),
                note=optional(row.note),
            )
        )
    return observations


def as_frame(observations: pd.DataFrame | Iterable[Observation], *, validate: bool = True) -> pd.DataFrame:
    """Return the canonical frame for a frame or an iterable of observations.

    The analyses call this on their input, so they accept either form.

    Parameters
    ----------
    observations : DataFrame or iterable of Observation
        A frame is validated with :func:`from_frame`; observations are
        converted with :func:`to_frame`.
    validate : bool, keyword-only
        ``False`` skips :func:`from_frame` for a frame that is canonical
        already: returned by :func:`from_frame`, :func:`read_csv`,
        :func:`read_json` or :func:`to_frame` (or rows selected from one)
        and not modified since. Only its columns and their dtypes are
        checked (``O(1)``), so values that break the schema's rules give
        wrong results, not an error. The index is reset to ``0..n-1``.

    Raises
    ------
    FrameValidationError
        ``validate=False`` and a canonical column is missing, out of order
        or of another dtype.
    InvalidArgumentError
        ``validate`` is not a bool.

    Examples
    --------
    >>> as_frame([]).shape[0]
    0
    >>> frame = from_frame(pd.DataFrame({"metric": ["killed"], "stated": [18], "as_of": ["2022-01-07"]}))
    >>> as_frame(frame, validate=False).equals(frame)
    True
    >>> as_frame(frame.astype({"low": "float64"}), validate=False)
    Traceback (most recent call last):
    ...
    kzfigures.errors.FrameValidationError: ...
    ...low...float64...
    """
    if not isinstance(validate, bool):
        raise InvalidArgumentError(f"validate must be True or False (got {validate!r})")
    if isinstance(observations, pd.DataFrame):
        return from_frame(observations) if validate else _trusted(observations)
    if isinstance(observations, str | bytes):
        raise ObservationTypeError(
            "expected a DataFrame or an iterable of Observations, got text; use read_csv() for a file"
        )
    return to_frame(observations)


_TRUSTED = "validate=False needs a canonical frame (from from_frame, read_csv, read_json or to_frame)"


def _trusted(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame declared canonical: its columns and dtypes checked, nothing else."""
    failures = _Failures()
    leading = list(frame.columns[: len(COLUMNS)])
    for position, (name, kind) in enumerate(COLUMNS.items()):
        expected = "datetime64[ns, <zone>]" if kind == "datetime" else kind
        if name not in frame.columns:
            failures.add_frame_level(
                name, "<missing column>", f"{_TRUSTED}; expected a {expected} column", FailureReason.MISSING_COLUMN
            )
            continue
        dtype = frame[name].dtype
        wanted = _CANONICAL_DTYPES.get(name)  # None for the times, whose zone is the frame's
        ok = isinstance(dtype, pd.DatetimeTZDtype) and dtype.unit == "ns" if wanted is None else dtype == wanted
        if not ok:
            shown = str(dtype)
            if isinstance(dtype, pd.StringDtype) and isinstance(wanted, pd.StringDtype):
                # Both print as "string": say which strings each holds (pyarrow's or Python's).
                shown = f"{dtype} ({dtype.storage} storage)"
                expected = f"{kind} ({wanted.storage} storage, as from_frame makes it here)"
            failures.add_frame_level(name, shown, f"{_TRUSTED}; expected dtype {expected}", FailureReason.WRONG_DTYPE)
        elif position >= len(leading) or leading[position] != name:
            failures.add_frame_level(
                name, "<out of order>", f"{_TRUSTED}; expected the order of COLUMNS", FailureReason.WRONG_DTYPE
            )
    failures.raise_if_any()
    # A shallow copy: on pandas 3 (copy-on-write) later edits of the caller's frame do not show through.
    return frame.reset_index(drop=True) if not _default_index(frame) else frame.copy(deep=False)


def _default_index(frame: pd.DataFrame) -> bool:
    index = frame.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


# --- validation ----------------------------------------------------------------

_SCHEMA = frozenset(COLUMNS)
_EMPTY_KEY = (
    "is empty; a key cell must name its series (leave the whole column out for the default 'all', or write 'all')"
)
# How close (difflib's ratio) a column's name must be to a schema column's to read as its misspelling:
# "qualifer", "Stated", "notes" (for note) are; "event", "desk", "time", "reason" are not.
_MISSPELLING_CUTOFF = 0.8


def _zone(tz: Any) -> str | dt.tzinfo:
    """The ``tz`` option, checked: a tzinfo or the name of a zone pandas knows."""
    if isinstance(tz, dt.tzinfo):
        return tz
    if not isinstance(tz, str) or not tz.strip():
        raise InvalidArgumentError(
            f"'tz' must be a time zone name such as 'Asia/Almaty' or 'UTC+06:00', or a tzinfo (got {tz!r})"
        )
    try:
        pd.DatetimeTZDtype(unit="ns", tz=tz)
    except (LookupError, ValueError, TypeError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise InvalidArgumentError(f"'tz' names no time zone that pandas knows (got {tz!r})") from error
    return tz


def _declared(extra_columns: Any) -> frozenset[str] | None:
    """The ``extra_columns`` option, checked: None, or names that are not schema columns."""
    if extra_columns is None:
        return None
    if isinstance(extra_columns, str) or not isinstance(extra_columns, Iterable):
        raise InvalidArgumentError(
            f"'extra_columns' must be a list of column names or None (got {extra_columns!r}); "
            "for one column write extra_columns=[name]"
        )
    names = list(extra_columns)
    for name in names:
        if not isinstance(name, str):
            raise InvalidArgumentError(f"'extra_columns' must hold column names (got {name!r})")
        if name in _SCHEMA:
            raise InvalidArgumentError(f"'extra_columns' names the schema column {name!r}; list only other columns")
    return frozenset(names)


def _misspelling_of(name: str, present: Set[str]) -> str | None:
    """The schema column that ``name`` is probably a misspelling of, or None.

    A name that is a schema column but for case, spaces, hyphens or dots
    ("Stated", "as of") always is; a merely similar one ("qualifer") is when
    the frame lacks that column, so that ignoring it would change the row.

    >>> _misspelling_of("qualifer", {"stated"}), _misspelling_of("Region", {"region"})
    ('qualifier', 'region')
    >>> _misspelling_of("notes", {"note"}), _misspelling_of("event", set())
    (None, None)
    """
    folded = re.sub(r"[\s.\-]+", "_", name.strip().lower()).strip("_")
    if folded in _SCHEMA and folded != name:
        return folded
    close = difflib.get_close_matches(folded, [c for c in COLUMNS if c not in present], n=1, cutoff=_MISSPELLING_CUTOFF)
    return close[0] if close else None


def _check_names(columns: pd.Index, declared: frozenset[str] | None, failures: _Failures) -> None:
    """Refuse duplicated column names, and extra columns that are misspellings or were not declared."""
    names = [str(c) for c in columns]
    counts = pd.Series(names, dtype=object).value_counts(sort=False)
    for name, count in counts[counts > 1].items():
        failures.add_frame_level(
            str(name),
            f"<{count} columns>",
            f"the column name appears {count} times; give each column once",
            FailureReason.DUPLICATE_COLUMN,
        )
    present = {name for name in names if name in _SCHEMA}
    for name in dict.fromkeys(names):
        if name in _SCHEMA or (declared is not None and name in declared):
            continue
        meant = _misspelling_of(name, present)
        if meant is not None:
            failures.add_frame_level(
                name,
                "<column>",
                f"unknown column, probably a misspelling of {meant!r}; rename it, "
                f"or declare it with extra_columns=[{name!r}] to keep it as a column of your own",
                FailureReason.UNKNOWN_COLUMN,
            )
        elif declared is not None:
            failures.add_frame_level(
                name,
                "<column>",
                f"unknown column: not in the schema and not in extra_columns={sorted(declared)!r}",
                FailureReason.UNKNOWN_COLUMN,
            )


def from_frame(
    frame: pd.DataFrame,
    *,
    tz: str | dt.tzinfo = "UTC",
    conventions: Conventions | None = None,
    extra_columns: Iterable[str] | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Validate a frame of observations and return it in the canonical schema.

    Every row is checked and every problem reported at once in a
    :class:`~kzfigures.FrameValidationError` whose ``failure_cases`` frame
    lists (row, column, value, reason); no row is dropped. Validation is
    vectorized: ``O(n)`` column operations plus one parse per distinct
    ``figure`` text. A canonical frame passes through unchanged, so
    ``from_frame(to_frame(obs))`` equals ``to_frame(obs)``.

    Parameters
    ----------
    frame : DataFrame
        Needs ``metric``, ``as_of`` and a figure (``stated``, ``low`` or a
        ``figure`` text column); every other column has a default (see the
        module docstring).
    tz : str or tzinfo
        Zone for times written without an offset (default UTC): a zone name
        pandas knows ("Asia/Almaty", "UTC+06:00") or a tzinfo. A time that
        the zone's clock skips or repeats (a daylight-saving change) is
        refused by row; give it with its UTC offset.
    conventions : Conventions, optional
        How to read ``figure`` texts and derive bounds from ``stated`` and
        ``qualifier``; default :data:`kzfigures.conventions.DEFAULT_CONVENTIONS`.
    extra_columns : iterable of str, optional
        Columns of your own, carried through unchanged after the canonical
        ones. By default (None) a column outside the schema is carried
        through unless it looks like a misspelling of a schema column: a
        schema name written in another case or with spaces ("Stated",
        "as of"), or a name close to a schema column the frame lacks
        ("qualifer"), is refused, since ignoring it would change the figure.
        Name it here to keep it. Given a list, every column outside the
        schema and the list is refused.
    dayfirst : bool, optional
        How to read text dates written in numbers that are not ISO 8601
        (``1/22/20``, ``22.01.2020``, ``22-01-2020``): ``True`` reads
        day/month/year, ``False`` month/day/year. A two-digit year is read
        as strptime's ``%y`` reads it: ``69``-``99`` are 1969-1999, ``00``-``68``
        2000-2068. A time of day may follow (``1/22/20 14:30``). By default
        (None) such a date is refused by row, never guessed. ISO 8601 text is
        always read, whatever this option says.
    date_format : str, optional
        A :func:`~datetime.datetime.strptime` format for text times that are
        not ISO 8601, e.g. ``"%d %B %Y"`` for "22 January 2020" (month names
        in English); it must give the year, the month and the day; ``%z``
        reads a UTC offset. A time that matches neither ISO 8601 nor the format
        is refused by row. Give ``dayfirst`` or ``date_format``, not both.

    Raises
    ------
    FrameValidationError
        Listing every bad cell and column in ``failure_cases``, with a
        ``code`` (a :class:`~kzfigures.errors.FailureReason`) for each. See
        :doc:`/limits` for what each kind of bad input gives.
    TimezoneError
        Times of several UTC offsets that cannot share one zone (see the
        module notes).
    InvalidArgumentError
        ``tz``, ``extra_columns``, ``dayfirst`` or ``date_format`` is not valid.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"metric": ["killed", "Killed"], "as_of": ["2022-01-09", "not a date"],
    ...                     "stated": [164, -3]})
    >>> try:
    ...     from_frame(bad)
    ... except FrameValidationError as error:
    ...     print(error.failure_cases[["row", "column", "value", "code"]])
       row  column       value             code
    0    1   as_of  not a date  unreadable_time
    1    1  metric      Killed      not_a_label
    2    1  stated          -3         negative

    A misspelt column is refused with the name it was probably meant to be;
    a column of your own is carried through:

    >>> typo = pd.DataFrame({"metric": ["detained"], "as_of": ["2022-01-07"], "stated": [3000],
    ...                      "qualifer": ["more_than"], "event": ["Almaty"]})
    >>> from_frame(typo)
    Traceback (most recent call last):
    ...
    kzfigures.errors.FrameValidationError: 1 problem in the observation frame:
      frame, column 'qualifer': unknown column, probably a misspelling of 'qualifier'; ...
    >>> list(from_frame(typo.rename(columns={"qualifer": "qualifier"})).columns[-2:])
    ['note', 'event']
    >>> list(from_frame(typo, extra_columns=["qualifer", "event"]).columns[-2:])
    ['qualifer', 'event']

    A date that is not ISO 8601 is read only in the order the caller gives:

    >>> us = pd.DataFrame({"metric": ["killed"], "as_of": ["1/22/20"], "stated": [5]})
    >>> str(from_frame(us, dayfirst=False).loc[0, "as_of"])
    '2020-01-22 00:00:00+00:00'
    >>> from_frame(us)
    Traceback (most recent call last):
    ...
    kzfigures.errors.FrameValidationError: 1 problem in the observation frame:
      row 0, column 'as_of': is not an ISO 8601 date ..., and kzfigures does not guess ...
    """
    return _validated(frame, tz, conventions, extra_columns, dayfirst, date_format, copy=True)


def _validated(
    frame: pd.DataFrame,
    tz: str | dt.tzinfo,
    conventions: Conventions | None,
    extra_columns: Iterable[str] | None,
    dayfirst: bool | None,
    date_format: str | None,
    *,
    copy: bool,
) -> pd.DataFrame:
    """:func:`from_frame`. ``copy=False`` for a frame that no caller holds, the cells :func:`read_csv`
    and :func:`read_json` read: its columns need no copy to keep the result apart from it."""
    if not isinstance(frame, pd.DataFrame):
        raise ObservationTypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    tz = _zone(tz)
    declared = _declared(extra_columns)
    dayfirst, date_format = _date_options(dayfirst, date_format)
    failures = _Failures()
    n = len(frame)
    _check_names(frame.columns, declared, failures)
    failures.raise_if_any()  # a duplicated or misspelt column makes every cell of it doubtful
    source = frame.reset_index(drop=True)

    for required in ("metric", "as_of"):
        if required not in source.columns:
            failures.add_frame_level(
                required, "<missing column>", f"the column {required!r} is required", FailureReason.MISSING_COLUMN
            )
    if not ({"stated", "low", "figure"} & set(source.columns)):
        failures.add_frame_level(
            "stated",
            "<missing column>",
            "a figure is required: give 'stated', 'low'/'high' or a 'figure' text column",
            FailureReason.MISSING_COLUMN,
        )
    failures.raise_if_any()

    out: dict[str, Any] = {}

    # Identifiers, labels and free text.
    if "id" in source.columns:
        ids = _text(source["id"])
        missing_id = ids.isna()
        if missing_id.any():  # build the default ids only when some are needed
            ids = ids.mask(missing_id, _strings.row_ids(n))
    else:
        ids = _strings.row_ids(n)
    # Ids all made here ("row-<i>") are unique; given ones are hashed in C, and the rows that
    # repeat one are found only when some do.
    if "id" in source.columns and _strings.count_distinct(ids) < n:
        failures.add(
            ids.duplicated(keep=False).to_numpy(),
            "id",
            ids,
            "ids must be unique; this id appears more than once",
            FailureReason.DUPLICATE_ID,
        )
    out["id"] = ids

    for name in ("metric", "group"):
        values, known = _text_column(source, name, n, _TEXT_DEFAULTS.get(name))
        if name == "group" and name in source.columns and known is None:
            # A blank key cell is not the default: it would merge the row into the series "all".
            empty = values.isna().to_numpy(dtype=bool)
            failures.add(empty, name, source[name], _EMPTY_KEY, FailureReason.EMPTY_KEY)
            values = values.fillna(_TEXT_DEFAULTS[name])
        bad = ~_fullmatch_distinct(values, _LABEL_PATTERN, known)
        if name == "metric" and known is None:  # (known: the column's texts, none missing)
            missing = values.isna().to_numpy(dtype=bool)
            failures.add(missing, name, values, "is required", FailureReason.REQUIRED)
            bad &= ~missing
        if bad.any():
            _label_failures(values, bad, name, failures)
        out[name] = values

    region, known = _text_column(source, "region", n, "all")
    if known is None and "region" in source.columns:  # blank cells were made missing
        empty = region.isna().to_numpy(dtype=bool)
        failures.add(empty, "region", source["region"], _EMPTY_KEY, FailureReason.EMPTY_KEY)
    out["region"] = region if known is not None else region.fillna("all")

    # The figure.
    _figure_columns(source, out, failures, n, conventions)

    # Times.
    as_of, as_of_precision = _times(
        source, "as_of", tz, failures, required=True, dayfirst=dayfirst, date_format=date_format
    )
    published, published_precision = _times(
        source, "published", tz, failures, required=False, dayfirst=dayfirst, date_format=date_format
    )
    zones = {str(as_of.dt.tz)} | ({str(published.dt.tz)} if published.notna().any() else set())
    if len(zones) > 1:
        published = published.dt.tz_convert("UTC")
        as_of = as_of.dt.tz_convert("UTC")
    published = published.dt.tz_convert(as_of.dt.tz)
    out["as_of"] = as_of
    out["as_of_precision"] = as_of_precision
    out["published"] = published
    out["published_precision"] = published_precision

    # Provenance.
    for name in ("outlet", "authority", "via"):
        out[name] = _text_column(source, name, n)[0]
    kind, known = _text_column(source, "outlet_kind", n)
    if known is None:  # some missing
        kind = kind.fillna(OutletKind.OTHER.value)
    failures.add(
        _outside(kind, _OUTLET_KINDS, known),
        "outlet_kind",
        kind,
        f"must be one of {', '.join(_OUTLET_KINDS)}",
        FailureReason.NOT_ALLOWED,
    )
    out["outlet_kind"] = kind

    out["cumulative"] = _booleans(source, "cumulative", failures, n)
    for name in ("quote", "url", "note"):
        out[name] = _text_column(source, name, n)[0]

    failures.raise_if_any()
    _check_one_zone(as_of, as_of_precision, "as_of", out["id"])
    _check_one_zone(published, published_precision, "published", out["id"])
    # Copied where the caller holds the frame, although copying the text columns touches every
    # string (docs/performance.md): copy-on-write does not cover writes into a column's ``.array``,
    # which would otherwise reach the result from the caller's frame and the caller's frame from
    # the result. Cells read from a file are held by no one else.
    canonical = pd.DataFrame({name: _in_dtype(out[name], name) for name in COLUMNS}, copy=copy)
    extras = [c for c in source.columns if c not in _SCHEMA]
    if extras:
        canonical = pd.concat([canonical, source[extras]], axis=1)
    return canonical


_NOT_A_LABEL = "must be lower-case letters, digits and _ starting with a letter"
# Bad labels given their own hint ("write 'detained'"); the rest get the rule alone.
_LABEL_HINTS = 50


def _label_failures(values: pd.Series, bad: np.ndarray, name: str, failures: _Failures) -> None:
    """Refuse the cells of a label column that are not labels, saying what to write where it is clear.

    A label is compared exactly, and kzfigures does not fold case or spelling: ``Detained``
    beside ``detained`` would otherwise be two series, or one that nobody asked for. A cell
    that is a label once lower-cased, with ``_`` for spaces and hyphens, names that label.

    >>> failures = _Failures()
    >>> _label_failures(pd.Series(["Detained", "killed", "?"], dtype="string"), np.array([True, False, True]),
    ...                 "metric", failures)
    >>> [(part["value"].iloc[0], part["reason"].iloc[0].endswith("write 'detained'")) for part in failures.parts]
    [('Detained', True), ('?', False)]
    """
    cells = values.to_numpy(dtype=object)
    written_as: dict[str, list[str]] = {}
    for cell in set(cells[bad]):
        if isinstance(cell, str):
            label = re.sub(r"[\s\-]+", "_", cell.strip()).lower()
            if re.fullmatch(_LABEL_PATTERN, label):
                written_as.setdefault(label, []).append(cell)
    hinted = np.zeros(len(values), dtype=bool)
    for label, cells_of_label in sorted(written_as.items())[:_LABEL_HINTS]:
        where = bad & values.isin(cells_of_label).to_numpy(dtype=bool, na_value=False)
        failures.add(
            where,
            name,
            values,
            f"{_NOT_A_LABEL}; labels are compared exactly and kzfigures does not change their case: write {label!r}",
            FailureReason.NOT_A_LABEL,
        )
        hinted |= where
    failures.add(bad & ~hinted, name, values, _NOT_A_LABEL, FailureReason.NOT_A_LABEL)


def _in_dtype(values: pd.Series, name: str) -> pd.Series:
    """``values`` in the canonical dtype of column ``name`` (times are converted by ``_times``)."""
    wanted = _CANONICAL_DTYPES.get(name)
    return values if wanted is None or values.dtype == wanted else values.astype(wanted)


def _text(values: pd.Series) -> pd.Series:
    """Text column as pandas ``string``; blank cells count as missing."""
    return _text_and_distinct(values)[0]


def _text_column(
    source: pd.DataFrame, name: str, n: int, default: str | None = None
) -> tuple[pd.Series, frozenset[str] | None]:
    """Column ``name`` as text (:func:`_text_and_distinct`), or ``default`` everywhere if it is absent."""
    if name in source.columns:
        return _text_and_distinct(source[name])
    return _constant_text(default, n), None


def _text_and_distinct(values: pd.Series) -> tuple[pd.Series, frozenset[str] | None]:
    """:func:`_text`, and the column's distinct texts when the blank check found them and none is missing.

    Label and enumeration checks then test those instead of hashing the column again.
    """
    if values.dtype == "string":
        text = values
    elif values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # Python strings and missing cells only (a column read or built as plain objects): one
        # C-level scan tells, and the cast does what the per-cell conversion below would.
        text = values.astype("string")
    else:
        text = values.astype("object").where(values.notna(), None)
        text = text.map(lambda v: v if v is None or isinstance(v, str) else str(v)).astype("string")
    blank, distinct = _blank_check(text)
    if not blank:
        return text, None if distinct is None else frozenset(distinct)
    cells = text.to_numpy(dtype=object)
    return text.mask(np.array([isinstance(v, str) and (not v or v.isspace()) for v in cells])), None


def _blank_check(text: pd.Series) -> tuple[bool, set[str] | None]:
    """Whether a ``string`` column has an empty or all-whitespace cell; its distinct texts if found and none is missing.

    ``s.strip() == ""`` exactly when ``s`` is empty or ``s.isspace()``, which builds no new
    string. A column of few distinct texts (metric, outlet) is checked once per distinct
    text: ``set()`` hashes the cells in C, a fifth of the cost of a Python call per cell.
    A column of mostly distinct texts (id, url) is cheaper to scan than to hash, and a
    sample tells the two apart. The sample also tells whether cells are missing: hashing
    the missing marker is a Python call per cell (a mostly empty column, such as a quote,
    costs tens of milliseconds at 10^6 rows), so then only the present cells are hashed.
    Arrow strings are counted, scanned and hashed by Arrow (:mod:`kzfigures._strings`).
    """
    head = _strings.distinct(text.iloc[:_SAMPLE])
    if len(head) * 2 > min(len(text), _SAMPLE):
        return _strings.has_blank(text), None
    complete = all(isinstance(v, str) for v in head)
    if complete or _strings.arrow(text) is not None:
        distinct = _strings.distinct(text)  # with the missing marker if a cell is missing
        complete = all(isinstance(v, str) for v in distinct)  # a cell may be missing after the sample
    else:
        distinct = set(text.to_numpy(dtype=object)[~text.isna().to_numpy(dtype=bool)])
    blank = any(not v or v.isspace() for v in distinct if isinstance(v, str))
    return blank, cast("set[str]", distinct) if complete else None


# Cells sampled to tell a column of few distinct texts from one of mostly distinct texts.
_SAMPLE = 4096


def _fullmatch_distinct(values: pd.Series, pattern: str, distinct: Set[object] | None = None) -> np.ndarray:
    """``values.str.fullmatch(pattern)`` as a bool array (missing = False), once per distinct value.

    ``distinct``: the column's distinct cells, if known already.
    """
    compiled = re.compile(pattern)
    cells = _strings.distinct(values) if distinct is None else distinct
    return ~_where_in(values, {v for v in cells if not _text_matches(compiled, v)})


def _text_matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _outside(values: pd.Series, allowed: Iterable[str], distinct: Set[object] | None = None) -> np.ndarray:
    """True where a present value is not one of ``allowed``, checked once per distinct value.

    ``distinct``: the column's distinct cells, if known already.
    """
    cells = _strings.distinct(values) if distinct is None else distinct
    return _where_in(values, {v for v in cells if isinstance(v, str)} - set(allowed))


def _where_in(values: pd.Series, chosen: Set[object]) -> np.ndarray:
    """Where a cell of a ``string`` column is one of ``chosen`` (missing: if it holds NA); O(1) if empty.

    ``set()`` of a column hashes its cells in C (its strings cache their hash), so finding
    the distinct values and testing them costs a fraction of ``isin`` over every cell,
    which only runs when some value was chosen (a column with a bad value).
    """
    if not chosen:
        return np.zeros(len(values), dtype=bool)
    texts = [v for v in chosen if isinstance(v, str)]
    where = values.isin(texts).to_numpy(dtype=bool, na_value=False)
    return where | values.isna().to_numpy(dtype=bool) if len(texts) < len(chosen) else where


def _per_row(codes: np.ndarray, values: Any, fill: Any) -> np.ndarray:
    """``values[codes]``, with ``fill`` where a code is -1: a result per distinct value, per row.

    >>> _per_row(np.array([1, -1, 0]), np.array([10, 20]), 0).tolist()
    [20, 0, 10]
    """
    array = np.asarray(values)
    return np.asarray(np.append(array, np.asarray([fill], dtype=array.dtype))[codes])


def _constant_text(value: str | None, n: int) -> pd.Series:
    return pd.Series([value] * n, dtype="string")


def _integers(source: pd.DataFrame, name: str, failures: _Failures, n: int) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers in ``[0, LARGEST_COUNT]`` as Int64, exactly, and a mask of the cells that were invalid.

    Nothing passes through float64 on the way: integer columns are taken as
    they are and text is read as a decimal. A float cell above ``2**53`` is
    refused, since the float no longer says which whole number was meant.
    """
    if name not in source.columns:
        return pd.Series(pd.array([None] * n, dtype="Int64")), np.zeros(n, dtype=bool)
    raw = source[name]
    dtype = raw.dtype
    if pd.api.types.is_bool_dtype(dtype):
        kinds = np.where(raw.isna().to_numpy(dtype=bool), _MISSING, _NOT_A_COUNT)
        numbers = pd.Series(pd.array([None] * n, dtype="Int64"))
    elif pd.api.types.is_signed_integer_dtype(dtype):
        numbers = raw.astype("Int64").reset_index(drop=True)
        if n == 0 or (not raw.hasnans and numbers.min() >= 0 and numbers.max() <= LARGEST_COUNT):
            return numbers, np.zeros(n, dtype=bool)  # the usual case: every cell a count, one pass each way
        kinds = np.select(
            [
                numbers.isna().to_numpy(dtype=bool),
                (numbers < 0).to_numpy(dtype=bool, na_value=False),
                (numbers > LARGEST_COUNT).to_numpy(dtype=bool, na_value=False),
            ],
            [_MISSING, _NEGATIVE, _TOO_LARGE],
            _WHOLE,
        ).astype(np.int8)
    else:
        # Each distinct cell is read once (codes: -1 for a missing cell), then spread over the rows.
        if isinstance(dtype, pd.StringDtype):
            codes, distinct = _strings.factorize(raw)  # text: no booleans among the cells
        else:
            cells = raw.astype(object)
            if pd.api.types.infer_dtype(cells, skipna=True) not in _NO_BOOLEANS:
                # True == 1 and hashes alike, so factorize would read a True as the count 1: tell them apart first.
                flags = np.fromiter((isinstance(v, bool | np.bool_) for v in cells), dtype=bool, count=n)
                cells = cells.where(~flags, cells.map(lambda v: _BOOLEAN_CELL if isinstance(v, bool | np.bool_) else v))
            object_codes, found = pd.factorize(cells)
            codes, distinct = np.asarray(object_codes, dtype=np.intp), np.asarray(found, dtype=object)
        values, distinct_kinds = _read_counts(distinct)
        numbers = pd.Series(values.take(codes, allow_fill=True))
        kinds = _per_row(codes, distinct_kinds, _MISSING)
    too_large = kinds == _TOO_LARGE
    negative = kinds == _NEGATIVE
    failures.add(
        too_large,
        name,
        raw,
        f"is too large to be a count (the largest is 2**62 = {LARGEST_COUNT:,}; a float cell above 2**53 "
        "is not exact: give it as an integer or as text)",
        FailureReason.TOO_LARGE,
    )
    not_a_count = kinds == _NOT_A_COUNT
    failures.add(not_a_count, name, raw, "must be a whole number", FailureReason.NOT_A_COUNT)
    failures.add(negative, name, raw, "must be >= 0", FailureReason.NEGATIVE)
    bad = too_large | not_a_count | negative
    return numbers.mask(bad).reset_index(drop=True), bad


# What _count found in a cell.
_WHOLE, _MISSING, _NOT_A_COUNT, _TOO_LARGE, _NEGATIVE = 0, 1, 2, 3, 4
# What infer_dtype says of an object column that holds no booleans.
_NO_BOOLEANS = frozenset({"string", "empty", "integer", "floating", "mixed-integer-float", "decimal"})


class _BooleanCell:
    """Stands in for True or False among a column's cells, so that they do not pass for 1 and 0."""


_BOOLEAN_CELL = _BooleanCell()
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# A float is exact for every whole number up to 2**53; above, neighbours share one float.
_EXACT_FLOAT = 2.0**53


def _read_counts(cells: np.ndarray) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    """:func:`_count` of each cell: the counts (Int64) and what each cell is.

    Plain digit strings of up to 18 digits (below ``10**18 < LARGEST_COUNT``, the
    usual cells of a CSV), bare or followed by a point and zeros (``"801.0"``, as
    pandas writes a float column), are read at once by pandas, exactly, as int64;
    every other cell by :func:`_count`, which reads those alike.
    """
    kinds = np.full(len(cells), _MISSING, dtype=np.int8)
    numbers = np.zeros(len(cells), dtype=np.int64)
    rest = np.ones(len(cells), dtype=bool)
    if len(cells) and pd.api.types.infer_dtype(cells, skipna=False) == "string":
        stripped = pd.Series(cells, dtype=object).str.strip()
        plain = stripped.str.fullmatch(r"[0-9]{1,18}(?:\.0*)?").to_numpy(dtype=bool)
        digits = stripped[plain].str.replace(r"\.0*$", "", regex=True)
        numbers[plain] = pd.to_numeric(digits).to_numpy(dtype=np.int64)
        kinds[plain] = _WHOLE
        rest = ~plain
    for position in np.flatnonzero(rest):
        value, kinds[position] = _count(cells[position])
        if value is not None:
            numbers[position] = value
    return _masked(numbers, kinds != _WHOLE), kinds


def _masked(numbers: np.ndarray, missing: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``numbers`` as Int64, with ``<NA>`` where ``missing``."""
    return pd.arrays.IntegerArray(numbers, missing.copy())


def _count(cell: Any) -> tuple[int | None, int]:
    """Read one cell as a count: (value, what it is); the value is None unless a count in ``[0, LARGEST_COUNT]``.

    >>> _count("100000000000000003"), _count(" 4e3 "), _count("7.0")
    ((100000000000000003, 0), (4000, 0), (7, 0))
    >>> _count(True)[1] == _NOT_A_COUNT, _count(2.5)[1] == _NOT_A_COUNT, _count(1e17)[1] == _TOO_LARGE
    (True, True, True)
    """
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return None, _MISSING
    if isinstance(cell, bool | np.bool_ | _BooleanCell):
        return None, _NOT_A_COUNT  # True is not the count 1
    if isinstance(cell, int | np.integer):
        return _bounded(int(cell))
    if isinstance(cell, float | np.floating):
        number = float(cell)
        if np.isnan(number):
            return None, _MISSING
        if not np.isfinite(number) or not number.is_integer():
            return None, _NOT_A_COUNT
        return (None, _TOO_LARGE) if abs(number) > _EXACT_FLOAT else _bounded(int(number))
    text = cell.strip() if isinstance(cell, str) else str(cell).strip()
    if not text:
        return None, _MISSING
    if not _DECIMAL_TEXT.fullmatch(text):
        return None, _NOT_A_COUNT
    written = decimal.Decimal(text)
    if written.adjusted() > 30:  # far beyond any count: do not build the integer
        return None, (_NEGATIVE if written < 0 else _TOO_LARGE)
    if written != written.to_integral_value():
        return None, _NOT_A_COUNT
    return _bounded(int(written))


def _bounded(value: int) -> tuple[int | None, int]:
    if value < 0:
        return None, _NEGATIVE
    return (value, _WHOLE) if value <= LARGEST_COUNT else (None, _TOO_LARGE)


def _figure_columns(
    source: pd.DataFrame,
    out: dict[str, Any],
    failures: _Failures,
    n: int,
    conventions: Conventions | None,
) -> None:
    low, bad_low = _integers(source, "low", failures, n)
    high, bad_high = _integers(source, "high", failures, n)
    stated, bad_stated = _integers(source, "stated", failures, n)
    text = _text_column(source, "figure", n)[0]
    qualifier, known = _text_column(source, "qualifier", n)
    qualifier_given = np.ones(n, dtype=bool) if known is not None else qualifier.notna().to_numpy(dtype=bool)
    bad_qualifier = _outside(qualifier, _QUALIFIERS, known)
    failures.add(
        bad_qualifier, "qualifier", qualifier, f"must be one of {', '.join(_QUALIFIERS)}", FailureReason.NOT_ALLOWED
    )

    # Rows with no numbers but a figure text: parse each distinct text once.
    to_parse = (stated.isna() & low.isna() & text.notna()).to_numpy()
    parse_failed = np.zeros(n, dtype=bool)
    if to_parse.any():
        texts = text[to_parse]
        parsed = _parse_distinct(texts.unique(), conventions)
        errors = texts.map({t: r for t, r in parsed.items() if isinstance(r, str)})
        good = {t: r for t, r in parsed.items() if isinstance(r, Figure)}
        low[to_parse] = texts.map({t: f.low for t, f in good.items()}).astype("Int64").to_numpy()
        high[to_parse] = texts.map({t: f.high for t, f in good.items()}).astype("Int64").to_numpy()
        stated[to_parse] = texts.map({t: f.stated for t, f in good.items()}).astype("Int64").to_numpy()
        read_as = texts.map({t: f.qualifier.value for t, f in good.items()}).astype("string")
        given = qualifier[to_parse]
        clash = (given.notna() & read_as.notna() & (given != read_as)).fillna(False).to_numpy()
        failures.add(
            _spread(clash, to_parse),
            "qualifier",
            qualifier,
            "disagrees with how the 'figure' text reads",
            FailureReason.CONFLICTING_FIGURE,
        )
        qualifier[to_parse] = given.fillna(read_as).to_numpy()
        parse_failed = _spread(errors.notna().to_numpy(), to_parse)
        for reason in sorted(set(errors.dropna())):
            failures.add(
                _spread((errors == reason).fillna(False).to_numpy(), to_parse),
                "figure",
                text,
                reason,
                FailureReason.UNREADABLE_FIGURE,
            )

    no_figure = (stated.isna() & low.isna()).to_numpy() & ~to_parse & ~bad_low & ~bad_stated
    failures.add(
        no_figure,
        "stated",
        stated,
        "a figure is required: give 'stated', 'low' or a 'figure' text",
        FailureReason.REQUIRED,
    )

    # Rows with a stated number and no bounds: derive the bounds from the qualifier.
    # A stated number without a qualifier is exact (the exactness check below
    # then insists its bounds, if given, agree).
    # (``known``: the qualifier column's texts, none missing; then neither fill below changes a cell.)
    if known is None:
        qualifier = qualifier.mask(qualifier.isna() & stated.notna(), Qualifier.EXACT.value)
    derive = (stated.notna() & low.isna()).to_numpy()
    if derive.any():
        d_low, d_high, problem = _bounds_from_stated(stated[derive], qualifier[derive], conventions)
        positions = np.flatnonzero(derive)
        # Int64 arrays throughout: a round trip through numpy would pass counts above 2**53 through float64.
        low.iloc[positions] = d_low.array
        given_high = high.iloc[positions].reset_index(drop=True)
        high.iloc[positions] = given_high.where(given_high.notna(), d_high).array
        mask = np.zeros(n, dtype=bool)
        mask[np.flatnonzero(derive)] = problem
        mask &= ~(bad_low | bad_high | bad_stated | bad_qualifier)
        failures.add(
            mask,
            "qualifier",
            qualifier,
            "bounds cannot be derived for this qualifier: give 'low' and 'high'",
            FailureReason.INVALID_FIGURE,
        )
    # A figure given only as bounds is a range.
    if known is None:
        qualifier = qualifier.fillna(Qualifier.RANGE.value)

    # Cross-field rules, stated as in Figure, for rows whose numbers are valid.
    valid = ~(bad_low | bad_high | bad_stated | parse_failed)
    low_missing = low.isna().to_numpy() & ~no_figure & valid
    failures.add(low_missing, "low", low, "'low' is required when 'stated' is missing", FailureReason.REQUIRED)
    high_below = (high < low).fillna(False).to_numpy()
    failures.add(
        high_below & valid, "high", high, "'high' must be >= 'low' or empty (unbounded)", FailureReason.INVALID_FIGURE
    )
    # The qualifier rules by codes: one hash of each cell instead of a string comparison per rule.
    kind, kinds = _strings.factorize(qualifier)
    code_of = {value: code for code, value in enumerate(kinds.tolist())}
    open_ended = np.isin(kind, [code_of.get(Qualifier.RANGE.value, -2), code_of.get(Qualifier.VAGUE.value, -2)])
    stateless = stated.isna().to_numpy() & ~open_ended
    failures.add(
        stateless & ~no_figure & valid,
        "stated",
        stated,
        "may be empty only for 'range' or 'vague' figures",
        FailureReason.INVALID_FIGURE,
    )
    is_exact = kind == code_of.get(Qualifier.EXACT.value, -2)
    inexact = is_exact & ~((low == high) & (low == stated)).fillna(False).to_numpy()
    failures.add(
        inexact & valid,
        "qualifier",
        qualifier,
        "an 'exact' figure must have low == high == stated",
        FailureReason.INVALID_FIGURE,
    )

    # Bounds beyond the largest count (derived from a stated number near it, as "more than N" is).
    beyond = np.zeros(n, dtype=bool)
    if max(_largest(low), _largest(high)) > LARGEST_COUNT:
        beyond = ((low > LARGEST_COUNT) | (high > LARGEST_COUNT)).fillna(False).to_numpy(dtype=bool) & valid
    failures.add(
        beyond,
        "stated",
        stated,
        f"gives bounds beyond the largest count (2**62 = {LARGEST_COUNT:,})",
        FailureReason.TOO_LARGE,
    )
    # A row that gives its qualifier states its figure in full, and its text is kept as written; a row
    # that leaves it out has it filled in ("exact", or "range" for bounds alone), which its text must not deny.
    checked = ~qualifier_given
    if checked.any():
        checked &= valid & ~to_parse & ~beyond & text.notna().to_numpy(dtype=bool)
    if checked.any():
        _check_text_agrees(text, low, high, stated, qualifier, checked, failures, conventions)

    out["low"] = low
    out["high"] = high
    out["stated"] = stated
    out["qualifier"] = qualifier
    out["figure"] = text


def _largest(counts: pd.Series) -> int:
    """The largest count of an Int64 column, -1 if it has none."""
    largest = counts.max(skipna=True)
    return -1 if largest is pd.NA or pd.isna(largest) else int(largest)


def _check_text_agrees(
    text: pd.Series,
    low: pd.Series,
    high: pd.Series,
    stated: pd.Series,
    qualifier: pd.Series,
    checked: np.ndarray,
    failures: _Failures,
    conventions: Conventions | None,
) -> None:
    """Refuse rows whose ``figure`` text reads as another figure than their numbers state.

    Called for rows that leave their qualifier out, which kzfigures fills in.
    Only what does not depend on the conventions is compared: the stated
    number and the qualifier, or a range's two numbers. A text that cannot
    be read is a note of how the figure was written and is not compared.
    """
    rows = np.flatnonzero(checked)
    texts = text.iloc[rows]
    parsed = {t: f for t, f in _parse_distinct(texts.unique(), conventions).items() if isinstance(f, Figure)}
    if not parsed:
        return
    read_stated = texts.map({t: f.stated for t, f in parsed.items()}).astype("Int64").reset_index(drop=True)
    read_qualifier = texts.map({t: f.qualifier.value for t, f in parsed.items()}).astype("string")
    read_qualifier = read_qualifier.reset_index(drop=True)
    read_low = texts.map({t: f.low for t, f in parsed.items()}).astype("Int64").reset_index(drop=True)
    read_high = texts.map({t: f.high for t, f in parsed.items()}).astype("Int64").reset_index(drop=True)
    given_stated = stated.iloc[rows].reset_index(drop=True)
    given_qualifier = qualifier.iloc[rows].reset_index(drop=True)
    is_range = (read_qualifier == Qualifier.RANGE.value).fillna(False)
    is_vague = (read_qualifier == Qualifier.VAGUE.value).fillna(False)
    compared = read_qualifier.notna() & ~is_vague
    other_number = compared & ~is_range & (given_stated != read_stated).fillna(given_stated.notna())
    other_kind = compared & (given_qualifier != read_qualifier).fillna(False)
    other_bounds = is_range & (
        (low.iloc[rows].reset_index(drop=True) != read_low).fillna(True)
        | (high.iloc[rows].reset_index(drop=True) != read_high).fillna(True)
    )
    for mask, column, values, what in (
        (other_number, "stated", stated, "'stated'"),
        (other_kind & ~other_number, "qualifier", qualifier, "'qualifier'"),
        (other_bounds & ~other_kind, "low", low, "'low' and 'high'"),
    ):
        where = _spread(mask.to_numpy(dtype=bool), checked)
        reason = (
            f"disagrees with the row's 'figure' text, which reads as another figure; make {what} and 'figure' agree"
        )
        failures.add(where, column, values, reason, FailureReason.CONFLICTING_FIGURE)
        failures.add(
            where,
            "figure",
            text,
            f"reads as another figure than the row's {what}; make them agree",
            FailureReason.CONFLICTING_FIGURE,
        )


def _spread(mask: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Expand a mask over the rows selected by ``where`` to all rows."""
    full = np.zeros(len(where), dtype=bool)
    full[np.flatnonzero(where)] = mask
    return full


def _parse_distinct(texts: Iterable[str], conventions: Conventions | None) -> dict[str, Figure | str]:
    """Parse each distinct text once; a failure comes back as its reason."""
    from kzfigures.parse import parse_figure

    results: dict[str, Figure | str] = {}
    for value in texts:
        try:
            results[value] = parse_figure(value, conventions)
        except FigureParseError as error:
            results[value] = f"cannot be read as a figure: {error.reason} (at position {error.position})"
    return results


# How Figure refuses a count above LARGEST_COUNT.
_PAST_LARGEST = "must be <= 2**62"


def _bounds_from_stated(
    stated: pd.Series, qualifier: pd.Series, conventions: Conventions | None
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Bounds for ``stated`` under ``qualifier``, one call per distinct pair.

    Returns (low, high, problem); ``problem`` marks pairs whose bounds the
    conventions cannot derive (range and vague figures state no single
    number; "fewer than 0" is empty). ``high`` is NA when unbounded.
    """
    from kzfigures.conventions import DEFAULT_CONVENTIONS

    rules = conventions or DEFAULT_CONVENTIONS
    pairs = pd.DataFrame({"qualifier": qualifier.to_numpy(dtype=object), "stated": stated.to_numpy(dtype=object)})
    distinct = pairs.drop_duplicates().reset_index(drop=True)
    lows: list[Any] = []
    highs: list[Any] = []
    for q, n in distinct.itertuples(index=False):
        try:
            figure = rules.figure(q, int(n))
        except (InvalidArgumentError, ValidationError) as error:
            # A bound past the largest count ("more than 2**62") is kept past it, for the check that names it.
            beyond = _PAST_LARGEST in str(error)
            lows.append(LARGEST_COUNT + 1 if beyond else pd.NA)
            highs.append(-1 if beyond else pd.NA)
        else:
            lows.append(figure.low)
            highs.append(-1 if figure.high is None else figure.high)
    distinct["low"] = pd.array(lows, dtype="Int64")
    distinct["high"] = pd.array(highs, dtype="Int64")
    merged = pairs.merge(distinct, on=["qualifier", "stated"], how="left", validate="many_to_one")
    low = merged["low"].reset_index(drop=True)
    high = merged["high"].reset_index(drop=True)
    problem = low.isna().to_numpy()
    return low.fillna(0), high.mask(high < 0), problem


def _date_options(dayfirst: Any, date_format: Any) -> tuple[bool | None, str | None]:
    """The ``dayfirst`` and ``date_format`` options, checked.

    A format must name the year, the month and the day: a format of the time of day
    alone would put every time on strptime's default day, 1900-01-01.

    >>> _date_options(None, "%d/%m/%Y")
    (None, '%d/%m/%Y')
    >>> _date_options(None, "%H:%M")
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: 'date_format' must give the year (%Y or %y), the month ...
    """
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise InvalidArgumentError(f"'dayfirst' must be True, False or None (got {dayfirst!r})")
    if date_format is None:
        return dayfirst, None
    if not isinstance(date_format, str) or "%" not in date_format:
        raise InvalidArgumentError(
            f"'date_format' must be a strptime format such as '%m/%d/%y' or '%d.%m.%Y' (got {date_format!r})"
        )
    if dayfirst is not None:
        raise InvalidArgumentError(
            "give 'dayfirst' or 'date_format', not both: the format already says where the day is"
        )
    try:
        dt.datetime.strptime("", date_format)
    except ValueError as error:
        if "does not match format" not in str(error):  # a bad directive, a stray %
            raise InvalidArgumentError(f"'date_format' {date_format!r} is not a strptime format: {error}") from None
    directives = set(re.findall(r"%(.)", date_format.replace("%%", "")))
    if "Z" in directives:
        raise InvalidArgumentError(
            f"'date_format' may not use %Z (got {date_format!r}): strptime reads a zone name and then "
            "ignores it; use %z for a UTC offset, or tz= for the zone of times without one"
        )
    fields = (("year", "Yy"), ("month", "mbB"), ("day", "d"))
    lacking = [what for what, letters in fields if not directives & set(letters)]
    if lacking:
        raise InvalidArgumentError(
            f"'date_format' must give the year (%Y or %y), the month (%m, %b or %B) and the day (%d); "
            f"{date_format!r} has no {' and no '.join(lacking)}"
        )
    return None, date_format


_NOT_ISO = (
    "is not an ISO 8601 date (such as 2020-01-22), and kzfigures does not guess whether a day or a "
    "month comes first: pass dayfirst=True (--dayfirst) to read day/month/year, dayfirst=False "
    "(--monthfirst) to read month/day/year, or a date_format such as '%m/%d/%y' (--date-format)"
)
_NOT_A_DATE_IN_ORDER = {
    True: "is not a date read as day/month/year (dayfirst=True, --dayfirst); is the file's order month/day/year?",
    False: "is not a date read as month/day/year (dayfirst=False, --monthfirst); is the file's order day/month/year?",
}


def _as_iso(text: pd.Series, dayfirst: bool | None, date_format: str | None) -> tuple[pd.Series, np.ndarray]:
    """Distinct time texts with the dates of other forms rewritten in ISO 8601, and why a text was refused.

    An ISO 8601 text passes unchanged, whatever the options. Returns the texts
    (NA where refused) and a reason per text (``None`` where there is none).
    A text that is no date in numbers is left for the ISO 8601 reader to refuse.

    >>> texts, reasons = _as_iso(pd.Series(["2022-01-07", "1/22/20", "22/01/20"], dtype="string"), False, None)
    >>> texts.tolist(), [r is None for r in reasons]
    (['2022-01-07', '2020-01-22', <NA>], [True, True, False])
    """
    reasons = np.full(len(text), None, dtype=object)
    iso = text.str.match(_DATE_ONLY_PATTERN).to_numpy(dtype=bool, na_value=True)
    if iso.all():  # the usual case: nothing to rewrite
        return text, reasons
    cells = text.to_numpy(dtype=object).copy()
    for position in np.flatnonzero(~iso):
        cells[position], reasons[position] = _iso_text(str(cells[position]), dayfirst, date_format)
    return pd.Series(cells, dtype="string"), reasons


def _iso_text(cell: str, dayfirst: bool | None, date_format: str | None) -> tuple[str | None, str | None]:
    """One time text that is not ISO 8601, as ISO 8601 text, or ``None`` and the reason it is refused.

    >>> _iso_text("1/22/20 9:30", False, None), _iso_text("22.01.2020", True, None)
    (('2020-01-22T09:30', None), ('2020-01-22', None))
    >>> _iso_text("22 January 2020", None, "%d %B %Y")
    ('2020-01-22', None)
    """
    if date_format is not None:
        try:
            read = dt.datetime.strptime(cell, date_format)
        except ValueError:
            return None, f"does not match date_format {date_format!r}"
        if read.tzinfo is None and read.time() == dt.time():
            return read.date().isoformat(), None
        return read.isoformat(), None
    match = _NUMERIC_DATE.fullmatch(cell)
    if match is None:
        return cell, None
    if dayfirst is None:
        return None, _NOT_ISO
    first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
    if len(match["year"]) == 2:
        year += 1900 if year >= _CENTURY_PIVOT else 2000
    day, month = (first, second) if dayfirst else (second, first)
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None, _NOT_A_DATE_IN_ORDER[dayfirst]
    rest = match["rest"].lstrip("T ").strip()
    if not rest:
        return date.isoformat(), None
    return date.isoformat() + "T" + _ONE_DIGIT_HOUR.sub(r"0\g<1>:", rest), None


def _times(
    source: pd.DataFrame,
    name: str,
    tz: str | dt.tzinfo,
    failures: _Failures,
    *,
    required: bool,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Parse a time column and its precision column, vectorized.

    Returns the times (tz-aware, one zone) and the precisions (string; NA
    where the time is missing). ``dayfirst`` and ``date_format`` say how to
    read text dates that are not ISO 8601 (:func:`_as_iso`).
    """
    n = len(source)
    precision_name = f"{name}_precision"
    given_precision, known = _text_column(source, precision_name, n)
    failures.add(
        _outside(given_precision, _PRECISIONS, known),
        precision_name,
        given_precision,
        f"must be one of {', '.join(_PRECISIONS)}",
        FailureReason.NOT_ALLOWED,
    )
    if name not in source.columns:
        empty = pd.Series(pd.NaT, index=range(n), dtype=pd.DatetimeTZDtype(unit="ns", tz="UTC"))
        return empty, _constant_text(None, n)

    raw = source[name]
    date_only = np.zeros(n, dtype=bool)
    # Rows refused here for a reason of their own: none of them is also "required" or unreadable.
    flagged = np.zeros(n, dtype=bool)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        outside = _outside_range_aware(raw)
        failures.add(outside, name, raw, _OUT_OF_RANGE, FailureReason.TIME_OUT_OF_RANGE)
        flagged |= outside
        aware = raw.mask(outside).dt.as_unit("ns")
        wall = aware.dt.tz_localize(None)
        zone: Any = aware.dt.tz
        missing = aware.isna().to_numpy()
    elif pd.api.types.is_datetime64_dtype(raw.dtype):
        outside = _outside_range(raw)
        failures.add(outside, name, raw, _OUT_OF_RANGE, FailureReason.TIME_OUT_OF_RANGE)
        flagged |= outside
        wall = raw.mask(outside).astype("datetime64[ns]").reset_index(drop=True)
        zone = tz
        aware, skipped = _localize(wall, tz, name, raw, failures)
        flagged |= skipped
        missing = aware.isna().to_numpy()
    else:
        # Parse each distinct text once: an archive states a few thousand distinct times on
        # millions of rows. codes number the distinct texts (-1: missing); _per_row() spreads a
        # result over the rows.
        codes, distinct = pd.factorize(_text(raw))
        missing = codes < 0

        text, refusals = _as_iso(pd.Series(distinct, dtype="string").str.strip(), dayfirst, date_format)
        for reason in sorted({r for r in refusals if r is not None}):
            refused = _per_row(codes, refusals == reason, False)
            failures.add(refused, name, raw, reason, FailureReason.UNREADABLE_TIME)
            flagged |= refused
        split_body, offsets = _split_offset(text)
        has_offset = _per_row(codes, offsets.notna().to_numpy(dtype=bool), False)
        looks_like_time = _per_row(
            codes, text.str.match(_DATE_ONLY_PATTERN).to_numpy(dtype=bool, na_value=False), False
        )
        naive = ~has_offset & ~missing & looks_like_time
        if (has_offset & ~missing).any() and naive.any():
            # Reported with every other problem; these rows are then left out of the zone.
            failures.add(
                naive,
                name,
                raw,
                f"has no UTC offset, but other times of column {name!r} have one; give every time an offset or none",
                FailureReason.MIXED_OFFSETS,
            )
            flagged |= naive
        body = split_body.fillna(text).str.strip()
        date_only = _per_row(codes, body.str.fullmatch(_DATE_ONLY_PATTERN).to_numpy(dtype=bool, na_value=False), False)
        parsed = pd.to_datetime(body, format="ISO8601", errors="coerce")
        # pandas 3 reads any year (in a coarser unit); pandas 2 coerces years it cannot hold in ns to NaT.
        distinct_outside = _outside_range(parsed).copy()
        unparsed = parsed.isna().to_numpy(dtype=bool)
        if unparsed.any():
            # A date Python reads but pandas could not store (pandas 2.2 coerces 1677-09-21 to NaT).
            far = body[unparsed].str.match(_FAR_YEAR_PATTERN).fillna(False).to_numpy(bool)
            distinct_outside[unparsed] = far | np.array([_a_date(b) for b in body[unparsed].tolist()], dtype=bool)
        outside = _per_row(codes, distinct_outside, False)
        failures.add(outside & ~flagged, name, raw, _OUT_OF_RANGE, FailureReason.TIME_OUT_OF_RANGE)
        flagged |= outside
        distinct_minutes, past_59 = _offset_minutes(offsets)
        minutes = _per_row(codes, distinct_minutes, np.nan)
        bad_offset = np.abs(minutes) >= 24 * 60  # NaN (no offset) compares False
        bad_offset |= _per_row(codes, past_59, False)
        failures.add(
            bad_offset & ~flagged,
            name,
            raw,
            "has an impossible UTC offset: it must lie strictly between -24:00 and +24:00, with minutes 00 to 59",
            FailureReason.INVALID_OFFSET,
        )
        flagged |= bad_offset
        parsed = parsed.mask(pd.Series(distinct_outside)).astype("datetime64[ns]")
        wall = pd.Series(_per_row(codes, parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns")))
        unreadable = wall.isna().to_numpy() & ~missing & ~flagged
        failures.add(
            unreadable,
            name,
            raw,
            "must be an ISO 8601 date or time, e.g. 2022-01-07 or 2022-01-07T14:00+06:00 "
            "(a date in another form needs dayfirst= or date_format=, on the command line --dayfirst, "
            "--monthfirst or --date-format)",
            FailureReason.UNREADABLE_TIME,
        )
        flagged |= unreadable
        wall = wall.mask(flagged)
        if has_offset.any():
            minutes = np.where(flagged, np.nan, minutes)
            utc = (wall - pd.to_timedelta(minutes, unit="min")).dt.tz_localize("UTC")
            offsets_used = np.unique(minutes[~np.isnan(minutes)])
            zone = dt.timezone(dt.timedelta(minutes=float(offsets_used[0]))) if len(offsets_used) == 1 else "UTC"
            if zone != "UTC" and offsets_used[0] == 0:
                zone = "UTC"
            aware = utc.dt.tz_convert(zone)
        else:
            zone = tz
            aware, skipped = _localize(wall, tz, name, raw, failures)
            flagged |= skipped
        missing = missing | flagged
    if required:
        failures.add(missing & ~flagged, name, raw, "is required", FailureReason.REQUIRED)
    wall = wall.mask(flagged) if flagged.any() else wall

    precision = given_precision
    # Infer only when some precision is not given (``known``: the column's texts, none missing).
    if known is None and precision.isna().any():
        precision = precision.where(precision.notna(), _infer_precisions(wall, date_only))
    any_missing = bool(missing.any())
    if any_missing:
        precision = precision.where(~missing)
    misaligned = ~missing & ~flagged & ~_aligned(wall, precision, known if precision is given_precision else None)
    failures.add(
        misaligned,
        name,
        raw,
        f"is not aligned to its {precision_name} (a day starts at local midnight, an hour at :00, ...)",
        FailureReason.MISALIGNED_TIME,
    )
    if any_missing:
        orphan = missing & given_precision.notna().to_numpy()
        failures.add(
            orphan,
            precision_name,
            given_precision,
            f"must be empty when {name!r} is empty",
            FailureReason.ORPHAN_PRECISION,
        )
    return aware.dt.as_unit("ns"), precision.astype("string")


_OUT_OF_RANGE = (
    f"is outside the times kzfigures stores: from {EARLIEST_TIME.date()} up to (not including) {END_OF_TIME.date()}"
)
_FAR_YEAR_PATTERN = r"^\s*(?:[+-]?\d{5,}|0\d{3}|1[0-5]\d{2}|16[0-6]\d|167[0-6]|22[7-9]\d|2[3-9]\d{2}|[3-9]\d{3})-"


def _outside_range_aware(times: pd.Series) -> np.ndarray:
    """:func:`_outside_range` of aware times' wall times; one min and max when all are a day inside."""
    day = pd.Timedelta(days=1)
    first, last = times.min(), times.max()
    if first is pd.NaT or (
        first.tz_convert("UTC").tz_localize(None) >= EARLIEST_TIME + day
        and last.tz_convert("UTC").tz_localize(None) < END_OF_TIME - day
    ):
        return np.zeros(len(times), dtype=bool)  # every offset is less than a day
    return _outside_range(times.dt.tz_localize(None))


def _outside_range(wall: pd.Series) -> np.ndarray:
    """Where a naive wall time (any unit) lies outside ``[EARLIEST_TIME, END_OF_TIME)``."""
    return ((wall < EARLIEST_TIME) | (wall >= END_OF_TIME)).to_numpy(dtype=bool, na_value=False)


def _localize(
    wall: pd.Series, tz: str | dt.tzinfo, name: str, raw: pd.Series, failures: _Failures
) -> tuple[pd.Series, np.ndarray]:
    """Wall times read in zone ``tz``; a time a clock change skips or repeats is refused by row, never NaT.

    Returns the aware times and where they were refused.
    """
    aware = wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    lost = (aware.isna() & wall.notna()).to_numpy(dtype=bool)
    if not lost.any():
        return aware, lost
    # Read as summer time, a repeated hour exists; a skipped one still does not.
    summer = wall.dt.tz_localize(tz, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="NaT")
    skipped = lost & summer.isna().to_numpy(dtype=bool)
    failures.add(
        skipped,
        name,
        raw,
        f"does not exist in {tz}: a daylight-saving change skips it (a gap in the clock); "
        "give the time with its UTC offset",
        FailureReason.NONEXISTENT_TIME,
    )
    failures.add(
        lost & ~skipped,
        name,
        raw,
        f"happens twice in {tz}: a daylight-saving change repeats it (an overlap of the clock); "
        "give the time with its UTC offset to say which",
        FailureReason.AMBIGUOUS_TIME,
    )
    return aware, lost


def _split_offset(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each time text's body and UTC offset by :data:`_OFFSET_PATTERN` (both NA where it does not match).

    ``str.extract`` of the same pattern, without its Python call and list per text (a frame of
    hourly figures over years has hundreds of thousands of distinct times).

    Arrow strings that are all ASCII are split by Arrow's regular expressions
    (:data:`_OFFSET_PATTERN_ASCII`, which matches what :data:`_OFFSET_PATTERN` matches there).

    >>> body, offset = _split_offset(pd.Series(["2022-01-07T14:00+06:00", "2022-01-07", pd.NA], dtype="string"))
    >>> body.tolist(), offset.tolist()
    (['2022-01-07T14:00', <NA>, <NA>], ['+06:00', <NA>, <NA>])
    """
    groups = _strings.extract_ascii(text, _OFFSET_PATTERN_ASCII)
    if groups is not None:
        return groups["body"], groups["offset"]
    found = [m.groups() if m else (None, None) for m in map(_OFFSET_RE.search, text.fillna("").tolist())]
    body, offset = zip(*found, strict=True) if found else ((), ())
    return pd.Series(body, dtype="string", index=text.index), pd.Series(offset, dtype="string", index=text.index)


def _offset_minutes(offsets: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each offset text's minutes east of UTC (NaN where missing) and whether its minutes are 60 or more (``+05:75``).

    Each distinct offset is read once: a frame has a few.

    >>> minutes, past_59 = _offset_minutes(pd.Series(["+06:00", "-0530", "Z", pd.NA, "+05:75"], dtype="string"))
    >>> minutes.tolist()[:3], past_59.tolist()
    ([360.0, -330.0, 0.0], [False, False, False, False, True])
    """
    codes, distinct = _strings.factorize(offsets)
    text = pd.Series(distinct, dtype="string").str.replace(":", "", regex=False)
    zulu = (text.str.upper() == "Z").to_numpy(dtype=bool)
    sign = np.where(text.str.startswith("-").to_numpy(dtype=bool), -1.0, 1.0)
    hours = pd.to_numeric(text.str.slice(1, 3), errors="coerce").fillna(0).to_numpy(dtype=float)
    mins = pd.to_numeric(text.str.slice(3, 5), errors="coerce").fillna(0).to_numpy(dtype=float)
    # Code -1 (missing) reads the last entry: NaN minutes, not past 59.
    minutes = np.r_[np.where(zulu, 0.0, sign * (hours * 60 + mins)), np.nan]
    past_59 = np.r_[~zulu & (mins >= 60), False]
    return minutes[codes], past_59[codes]


def _infer_precisions(wall: pd.Series, date_only: np.ndarray) -> pd.Series:
    nanos, missing = _wall_nanos(wall)
    nanos = np.where(missing, 0, nanos)
    finest = np.select(
        [nanos % _NANOS_OF["minute"] != 0, nanos % _NANOS_OF["hour"] != 0, nanos % _NANOS_OF["day"] != 0], [0, 1, 2], 3
    )
    finest[date_only] = 3
    # Gather from an object pool: no per-row conversion of numpy unicode to str.
    names = np.array([p.value for p in (Precision.SECOND, Precision.MINUTE, Precision.HOUR, Precision.DAY)], object)
    return pd.Series(pd.array(names[finest], dtype="string"))


def _check_one_zone(times: pd.Series, precision: pd.Series, name: str, ids: pd.Series | None) -> None:
    """Refuse times that cannot keep their period in the frame's one zone.

    A pandas column holds one time zone, so a frame whose times carry several
    UTC offsets is stored in UTC. A period that starts at a local midnight of
    +06:00 does not start at a UTC midnight, so it cannot be stored there
    without losing what "as of January 7" means; such a frame is refused
    rather than stored in a form that would not validate again.
    """
    if str(times.dt.tz) != "UTC" or len(times) == 0:
        return
    wall = times.dt.tz_localize(None)
    bad = np.flatnonzero(~_aligned(wall, precision.astype("string")) & times.notna().to_numpy())
    if len(bad) == 0:
        return
    shown = ", ".join(f"row {r}" + ("" if ids is None else f" ({ids.iloc[r]})") for r in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    raise TimezoneError(
        f"the {name!r} times carry different UTC offsets, so the frame must store them in UTC, where "
        f"{shown}{more} no longer start at the beginning of their {name}_precision period; "
        "give every time of one frame the same offset (the zone in which its dates are meant)"
    )


def _aligned(wall: pd.Series, precision: pd.Series, distinct: Set[str] | None = None) -> np.ndarray:
    """True where a wall time starts a period of its precision (or is missing).

    Periods are whole divisors of a day and days start at multiples of
    86,400 s since the epoch, so "aligned" is ``wall_ns mod unit_ns == 0``.
    ``distinct``: the precisions, if known already and none is missing.
    """
    # Look up each distinct precision once; an unknown one (reported elsewhere) is checked to the second.
    second = _NANOS_OF["second"]
    unit_nanos: np.ndarray | int
    if distinct is not None and len(distinct) <= 2:
        # One or two precisions (the usual case): no hashing of every cell, one comparison at most.
        values = sorted(distinct)
        unit_nanos = _NANOS_OF.get(values[-1], second) if values else second
        if len(values) == 2:
            first = _strings.equal_to(precision, values[0])
            unit_nanos = np.where(first, _NANOS_OF.get(values[0], second), unit_nanos)
    else:
        codes, found = _strings.factorize(precision)
        unit_nanos = np.array([_NANOS_OF.get(p, second) for p in found] + [second], dtype=np.int64)[codes]
    nanos, missing = _wall_nanos(wall)
    return np.asarray((nanos % unit_nanos == 0) | missing, dtype=bool)


def _wall_nanos(wall: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Nanoseconds since the epoch of naive wall times, and where they are missing."""
    values = wall.to_numpy(dtype="datetime64[ns]")
    return values.view(np.int64), np.isnat(values)


def _booleans(source: pd.DataFrame, name: str, failures: _Failures, n: int) -> pd.Series:
    if name not in source.columns:
        return pd.Series(np.ones(n, dtype=bool))
    raw = source[name]
    if pd.api.types.is_bool_dtype(raw.dtype) and not raw.isna().any():
        return raw.astype(bool)
    codes, distinct = pd.factorize(_text(raw))  # each distinct word read once; -1: blank
    words = pd.Series(distinct, dtype="string").str.strip().str.lower()
    truthy = _per_row(codes, words.isin(_TRUE).to_numpy(dtype=bool), False)
    falsy = _per_row(codes, words.isin(_FALSE).to_numpy(dtype=bool), False)
    blank = codes < 0
    failures.add(
        ~(truthy | falsy | blank),
        name,
        raw,
        "must be true or false (or empty for the default, true)",
        FailureReason.NOT_A_BOOLEAN,
    )
    return pd.Series(truthy | blank)


# --- files -----------------------------------------------------------------------


def read_csv(
    path_or_buffer: str | os.PathLike[str] | IO[str],
    *,
    tz: str | dt.tzinfo = "UTC",
    conventions: Conventions | None = None,
    extra_columns: Iterable[str] | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read observations from CSV and return the validated canonical frame.

    All cells are read as text and validated by :func:`from_frame`, so a
    user's CSV needs only ``metric``, ``as_of`` and a figure. Row numbers in
    errors are 0-based data rows (the header is not a row). A header that
    names a column twice is refused (pandas would rename the second
    ``stated.1``); so is a row with more cells than the header has names.

    With pyarrow installed, a file given by path is read by pyarrow's CSV
    reader (in C, into Arrow strings, several times faster at archive scale)
    when it reads the file exactly as pandas would; otherwise, and for
    buffers, by ``pandas.read_csv``. The frame, and every error, is the same
    either way.

    Parameters
    ----------
    path_or_buffer : str, path or text buffer
        The CSV, UTF-8 encoded, with a header row.
    tz, conventions, extra_columns, dayfirst, date_format
        As for :func:`from_frame`.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    kzfigures.errors.InputFormatError
        The input is empty, not UTF-8, or not CSV (an unclosed quote, a row
        with too many cells); the reader's error is the ``__cause__``.
    FrameValidationError
        As for :func:`from_frame`.

    Examples
    --------
    >>> import io
    >>> frame = read_csv(io.StringIO("metric,as_of,figure\\ndetained,2022-01-10,\\"7,939\\"\\n"))
    >>> int(frame.loc[0, "stated"])
    7939
    >>> read_csv(io.StringIO("metric,as_of,stated\\nkilled,2022-01-09,\\"164\\n"))
    Traceback (most recent call last):
    ...
    kzfigures.errors.InputFormatError: cannot read the CSV in <buffer>: ...

    Dates in another form need the order of their fields:

    >>> str(read_csv(io.StringIO("metric,as_of,stated\\nkilled,22/01/2020,5\\n"), dayfirst=True).loc[0, "as_of"])
    '2020-01-22 00:00:00+00:00'
    """
    tz = _zone(tz)
    _declared(extra_columns)
    _date_options(dayfirst, date_format)
    where = _describe(path_or_buffer)
    cells = _read_with_arrow(path_or_buffer)
    try:
        # header=None: pandas renames a repeated header name ("stated.1"), which would hide it.
        if cells is None:
            cells = pd.read_csv(
                path_or_buffer, dtype=_READ_TEXT, keep_default_na=False, na_values=[""], header=None, encoding="utf-8"
            )
    except FileNotFoundError:
        raise
    except pd.errors.EmptyDataError as error:
        raise InputFormatError(f"cannot read the CSV in {where}: it is empty (a header row is required)") from error
    except pd.errors.ParserError as error:
        raise InputFormatError(f"cannot read the CSV in {where}: {error}") from error
    except UnicodeDecodeError as error:
        raise InputFormatError(
            f"cannot read the CSV in {where}: it is not UTF-8 text (byte {error.start}: {error.reason})"
        ) from error
    header = [f"Unnamed: {i}" if pd.isna(name) else str(name) for i, name in enumerate(cells.iloc[0])]
    raw = cells.iloc[1:].reset_index(drop=True)
    raw.columns = pd.Index(header, dtype=object)
    return _validated(raw, tz, conventions, extra_columns, dayfirst, date_format, copy=False)  # cells of our own


def _read_with_arrow(path_or_buffer: Any) -> pd.DataFrame | None:
    """A CSV file's cells as Arrow-backed ``string``, header row first, read by pyarrow; None: pandas reads it.

    pandas' own parser builds a Python string per cell and pandas 3 then copies
    them into Arrow strings; pyarrow's reader writes the cells into Arrow buffers
    at once, a fifth of the CPU at 10^6 rows (``docs/performance.md``). It reads
    only what it reads exactly as pandas does, which is tested, not assumed
    (``tests/test_strings.py`` compares the two on drawn CSV text and on the
    cases a review found):

    - a regular file (not a pipe, which cannot be read twice), uncompressed,
      where the ``string`` dtype is Arrow-backed (pandas 3 with pyarrow);
    - no quote left open at the end of the file: pyarrow would close it there,
      pandas refuses the file. An odd number of quote characters could be one;
      so could an even number when a quote inside an unquoted cell is one of
      them, which shows as a last cell that runs from a quote to the end of
      the file;
    - no carriage return but in CRLF line ends (the readers split a lone one
      differently); at least two columns (pandas skips a line of spaces as
      blank, pyarrow reads a one-column one as a cell; with two or more it is
      too short for pyarrow, which then declines); every column read as text
      (the header is the first row, so only numbers under an empty header
      cell are inferred otherwise);
    - no error from pyarrow, which covers rows of other widths, invalid UTF-8
      and empty files.

    A file without a quote character cannot hold a cell across lines: pyarrow
    reads it without ``newlines_in_values``, cutting it into blocks at any line
    end (its faster reader). A file with quotes is cut by rows
    (``newlines_in_values``): cut at a line end inside a quoted cell, pyarrow
    can drop the row or split the cell without an error.
    ``tests/test_strings.py`` places cells across lines at and around its cuts.

    Anything else goes to pandas, whose reader and error messages are the
    reference.
    """
    if not isinstance(path_or_buffer, str | os.PathLike):
        return None
    path = os.path.expanduser(os.fspath(path_or_buffer))  # as pandas expands it
    arrow_text = _READ_TEXT.storage in ("pyarrow", "pyarrow_numpy")
    if not arrow_text or path.lower().endswith(_COMPRESSED) or not os.path.isfile(path):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:
        return None
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return None  # pandas raises what it would
    quotes = _count_byte(data, b'"')
    if quotes % 2 or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None

    # Only a quoted cell can hold a line end. Without quotes every line end ends a row, so
    # pyarrow may cut the file into blocks at any of them (without newlines_in_values, its
    # faster reader). With quotes it must cut by rows: cut inside a quoted cell, it has been
    # seen to drop the row or split the cell without an error.
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=quotes > 0),
            convert_options=pa_csv.ConvertOptions(
                strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""]
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_columns < 2 or any(column.type != pa.string() for column in table.columns):
        return None
    last = table.column(table.num_columns - 1)[-1].as_py() if table.num_rows else None
    if data.endswith(b'"' + (last or "").replace('"', '""').encode("utf-8")):
        return None  # the last cell may run from a quote left open to the end of the file
    cells: pd.DataFrame = table.to_pandas(types_mapper=lambda _: _READ_TEXT)
    return cells


def _count_byte(data: bytes, byte: bytes, chunk: int = 1 << 24) -> int:
    """How many times ``byte`` occurs in ``data``: ``data.count(byte)``, compared by numpy a chunk at a time.

    ``bytes.count`` compares one byte per step; numpy compares a vector at a time, without a
    copy of the file in memory at once.

    >>> _count_byte(b'a,"b",c', b'"', chunk=2)
    2
    """
    view = np.frombuffer(data, dtype=np.uint8)
    code = byte[0]
    return sum(int(np.count_nonzero(view[i : i + chunk] == code)) for i in range(0, len(view), chunk))


# The suffixes pandas reads as compressed (compression="infer"); pyarrow would not read all of them.
_COMPRESSED = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar", ".tar.gz", ".tar.xz", ".tar.bz2")


def _describe(path_or_buffer: Any) -> str:
    """How an error names the input: the path, or ``<buffer>``."""
    if isinstance(path_or_buffer, str | os.PathLike):
        return repr(os.fspath(path_or_buffer))
    return "<buffer>"


def _serializable(canonical: pd.DataFrame) -> pd.DataFrame:
    """A canonical frame (from ``as_frame``, validated once) with its times and booleans as text."""
    text = canonical.copy()
    for name in ("as_of", "published"):
        text[name] = canonical[name].dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype("string")
    text["cumulative"] = canonical["cumulative"].map({True: "true", False: "false"}).astype("string")
    return text


def to_csv(
    observations: pd.DataFrame | Iterable[Observation], path_or_buffer: str | os.PathLike[str] | IO[str] | None = None
) -> str | None:
    """Write observations as CSV in the canonical schema; ``read_csv`` reads it back exactly.

    Returns the text when ``path_or_buffer`` is None.

    >>> import io
    >>> frame = read_csv(io.StringIO("metric,as_of,stated\\nkilled,2022-01-09T00:00+06:00,164\\n"))
    >>> read_csv(io.StringIO(to_csv(frame))).equals(frame)
    True
    """
    text = _serializable(as_frame(observations))
    # Quote every cell so that line breaks of any kind (\r, \x85, \u2028) inside a text stay inside it.
    return text.to_csv(path_or_buffer, index=False, quoting=csv.QUOTE_ALL)


def to_json(
    observations: pd.DataFrame | Iterable[Observation], path_or_buffer: str | os.PathLike[str] | IO[str] | None = None
) -> str | None:
    """Write observations as JSON records (a list of objects, one per row).

    Times keep their UTC offset; missing values are ``null``. Returns the
    text when ``path_or_buffer`` is None.

    >>> import io
    >>> frame = read_csv(io.StringIO("metric,as_of,stated\\nkilled,2022-01-09T00:00+06:00,164\\n"))
    >>> read_json(io.StringIO(to_json(frame))).equals(frame)
    True
    """
    text = _serializable(as_frame(observations))
    records = [
        {key: (None if value is pd.NA or value is None else value) for key, value in record.items()}
        for record in text.astype(object).to_dict(orient="records")
    ]
    encoded = json.dumps(records, ensure_ascii=False, indent=1, default=_json_default)
    if path_or_buffer is None:
        return encoded
    if isinstance(path_or_buffer, str | os.PathLike):
        with open(path_or_buffer, "w", encoding="utf-8") as handle:
            handle.write(encoded)
    else:
        path_or_buffer.write(encoded)
    return None


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"cannot write {value!r} as JSON")


def read_json(
    path_or_buffer: str | os.PathLike[str] | IO[str],
    *,
    tz: str | dt.tzinfo = "UTC",
    conventions: Conventions | None = None,
    extra_columns: Iterable[str] | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read observations from JSON records and return the canonical frame.

    Numbers are read exactly (a JSON number is never rounded through a
    float), and a record that names a key twice is refused, by row.

    Parameters
    ----------
    path_or_buffer : str, path or text buffer
        A JSON list of objects, one per observation, UTF-8 encoded.
    tz, conventions, extra_columns, dayfirst, date_format
        As for :func:`from_frame`.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    kzfigures.errors.InputFormatError
        The input is not JSON or not UTF-8; the decoder's error is the ``__cause__``.
    ObservationTypeError
        The JSON is not a list of objects.
    FrameValidationError
        As for :func:`from_frame`.

    Examples
    --------
    >>> import io
    >>> frame = read_json(io.StringIO('[{"metric": "detained", "as_of": "2022-01-08", "stated": 4404}]'))
    >>> frame.loc[0, "as_of_precision"]
    'day'
    >>> int(read_json(io.StringIO('[{"metric": "k", "as_of": "2022-01-08", "stated": 100000000000000003}]'))
    ...     .loc[0, "stated"])
    100000000000000003
    """
    tz = _zone(tz)
    _declared(extra_columns)
    _date_options(dayfirst, date_format)
    where = _describe(path_or_buffer)
    options: dict[str, Any] = {"parse_float": decimal.Decimal, "object_pairs_hook": _Record}
    try:
        if isinstance(path_or_buffer, str | os.PathLike):
            with open(path_or_buffer, encoding="utf-8") as handle:
                records = json.load(handle, **options)
        else:
            records = json.load(path_or_buffer, **options)
    except json.JSONDecodeError as error:
        raise InputFormatError(
            f"cannot read the JSON in {where}: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error
    except UnicodeDecodeError as error:
        raise InputFormatError(
            f"cannot read the JSON in {where}: it is not UTF-8 text (byte {error.start}: {error.reason})"
        ) from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ObservationTypeError("JSON observations must be a list of objects, one per observation")
    failures = _Failures()
    for row, record in enumerate(records):
        for key in record.repeated:
            failures.add_frame_level(
                key,
                "<key given twice>",
                "the record names this key more than once",
                FailureReason.DUPLICATE_COLUMN,
                row=row,
            )
    failures.raise_if_any()
    # Convert cells before pandas sees them: a null in a text column would otherwise become NaN, read as "nan".
    cells = [{key: _json_cell(value) for key, value in record.items()} for record in records]
    raw = pd.DataFrame.from_records(cells, columns=None if cells else list(COLUMNS)).astype(object)
    return _validated(raw, tz, conventions, extra_columns, dayfirst, date_format, copy=False)  # cells of our own


class _Record(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once (``json`` keeps the last)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.repeated = sorted({key for key, count in _counts(key for key, _ in pairs).items() if count > 1})


def _counts(keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def _json_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if not isinstance(value, str) else value


def _a_date(text: object) -> bool:
    """Whether Python's ISO 8601 reader reads ``text`` as a date or time (of any year 1-9999)."""
    try:
        dt.datetime.fromisoformat(str(text))
    except ValueError:
        return False
    return True
