"""Time and identity, stated once and used by every analysis.

**Series.** Observations are split into series by key columns ``by``
(default ``("metric", "group", "region")``).

**Time slots.** An observation's time is the period
``[as_of, as_of + length(as_of_precision))``: a date-only "as of January 7"
is the whole of January 7 in its own zone, not its midnight. Within a series,
two times that overlap describe the same moment of the count, and "earlier"
means strictly earlier at that precision. Overlap is not transitive (two
hours of one day both overlap the day), so kzfigures takes its transitive
closure: sort the periods by start and merge every period that starts before
the running maximum of the ends so far. Each merged run is a *time slot*;
slots are totally ordered, and within a series slot ``s`` is earlier than
slot ``s + 1``. For data of one precision the slots are just the distinct
times. Cost: one sort, ``O(n log n)``.

**Speakers and claims.** The *speaker* of an observation is its
``authority``, or, when it has none, its ``outlet`` (the outlet's own
claim), or, when it has neither, the observation itself. A *claim* is what a
speaker said: observations of one series, one time slot and one speaker
with the same interval ``[low, high]`` are one claim, however many outlets
carried it. Results count observations, claims and speakers separately.

>>> import pandas as pd
>>> from kzfigures.frame import from_frame
>>> frame = from_frame(pd.DataFrame({
...     "metric": ["killed"] * 4,
...     "group": ["law_enforcement"] * 4,
...     "stated": [18, 18, 18, 16],
...     "as_of": ["2022-01-07T00:00+06:00", "2022-01-07T00:00+06:00", "2022-01-07T15:00+06:00",
...               "2022-01-09T00:00+06:00"],
...     "outlet": ["CNN", "Khabar 24", "a paraphrase", "hamslivenews.com"],
...     "authority": ["Interior Ministry"] * 3 + [None],
... }))
>>> time_slots(frame).tolist()
[0, 0, 0, 1]
>>> claim_ids(frame).tolist()
[0, 0, 0, 1]
>>> speakers(frame).tolist()
['Interior Ministry', 'Interior Ministry', 'Interior Ministry', 'outlet: hamslivenews.com']

An analysis needs all of these at once: :func:`annotate` computes them in
one pass (one sort by series and time, one by claim) and the functions
above are views of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures import _strings
from kzfigures.analysis._sorting import UNBOUNDED, argsort_stable, lexsort_stable, text_order
from kzfigures.analysis.tables import RESULT_COLUMNS
from kzfigures.errors import InvalidArgumentError, UnknownColumnError
from kzfigures.frame import COLUMNS
from kzfigures.model import Precision

__all__ = [
    "DEFAULT_BY",
    "ClaimIndex",
    "annotate",
    "check_by",
    "claim_ids",
    "first_rows",
    "key_cells",
    "period_bounds",
    "point_values",
    "precision_lengths",
    "restrict",
    "series_ids",
    "speakers",
    "take_rows",
    "time_slots",
    "utc_nanoseconds",
]

#: The default series key.
DEFAULT_BY: tuple[str, ...] = ("metric", "group", "region")


# Columns that can define a series: labels, not numbers or times.
_KEYABLE = ("metric", "group", "region", "outlet", "outlet_kind", "authority", "via", "cumulative", "qualifier")


def check_by(by: str | Sequence[str], frame: pd.DataFrame | None = None) -> list[str]:
    """Validate a ``by`` option and return it as a list of column names.

    A series can be keyed by the label columns (``metric``, ``group``, ``region``, ``outlet``,
    ``outlet_kind``, ``authority``, ``via``, ``cumulative``, ``qualifier``) and by the frame's
    own extra columns, except one named like a result column (:data:`~kzfigures.analysis.tables.RESULT_COLUMNS`), which
    the result's column would overwrite.

    >>> check_by("metric")
    ['metric']
    >>> import pandas as pd
    >>> check_by(["metric", "time"], pd.DataFrame(columns=["metric", "time"]))
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: by names the frame's column 'time', which the results use ...
    >>> check_by(("metric", "colour"))
    Traceback (most recent call last):
    ...
    kzfigures.errors.UnknownColumnError: unknown column 'colour' in by=('metric', 'colour'); ...
    """
    if not isinstance(by, str | Sequence) or isinstance(by, bytes):
        raise InvalidArgumentError(
            f"by must be a column name or a sequence of them, e.g. ('metric', 'group') (got {by!r})"
        )
    columns = [by] if isinstance(by, str) else list(by)
    if not columns:
        raise InvalidArgumentError("by must name at least one column (got an empty sequence)")
    extra = [] if frame is None else [c for c in frame.columns if c not in COLUMNS]
    for column in columns:
        if not isinstance(column, str):
            raise InvalidArgumentError(f"by must hold column names (got {column!r})")
        if column not in _KEYABLE and column not in extra:
            raise UnknownColumnError(
                f"unknown column {column!r} in by={by!r}; a series can be keyed by {', '.join(_KEYABLE)}"
                + (f" or the frame's own columns {', '.join(extra)}" if extra else "")
            )
    if len(set(columns)) != len(columns):
        raise InvalidArgumentError(f"by names a column twice (got {by!r})")
    repeated = [] if frame is None else [c for c in columns if isinstance(frame.get(c), pd.DataFrame)]
    if repeated:
        raise InvalidArgumentError(
            f"the frame has more than one column named {repeated[0]!r}, which by names; "
            "a key must be one column (rename or drop the others)"
        )
    clashing = [c for c in columns if c in RESULT_COLUMNS]  # only extra columns can: COLUMNS has none of them
    if clashing:
        raise InvalidArgumentError(
            f"by names the frame's column {clashing[0]!r}, which the results use for a column of their own; "
            "rename it (e.g. frame.rename(columns=...)) to key by it"
        )
    return columns


def series_ids(frame: pd.DataFrame, by: str | Sequence[str] = DEFAULT_BY) -> npt.NDArray[np.int64]:
    """The series of each row: an integer per distinct key, in key order.

    Missing values in a key column form their own series.

    >>> import pandas as pd
    >>> series_ids(pd.DataFrame({"metric": ["b", "a", "b"], "group": ["all"] * 3, "region": ["all"] * 3})).tolist()
    [1, 0, 1]
    """
    return _series_numbers(frame, check_by(by, frame))[0]


def _series_numbers(
    frame: pd.DataFrame, columns: list[str], *, keys: bool = False
) -> tuple[npt.NDArray[np.int64], pd.DataFrame | None]:
    """:func:`series_ids`, and with ``keys`` the key cells of each series (:meth:`ClaimIndex.series_keys`).

    The key cells come from the distinct codes themselves: a text column's cells are its sorted
    distinct texts taken by code (equal texts are one cell, so any row of a series shows the
    same), read in key order from a few distinct values instead of at a random row per series.
    Other columns show each series' first row, as ``groupby`` does. None where the combined
    codes had to be renumbered (keys of very many columns), or without ``keys``.
    """
    n = len(frame)
    if n == 0:
        return np.zeros(0, dtype=np.int64), None
    # groupby(columns, sort=True, dropna=False, observed=True).ngroup() codes each column as
    # this factorize does (in order, missing last; a categorical in category order) and then
    # hashes the combined codes; numbering the combined codes by a table of those present (or
    # one sort) takes half the time on a million series.
    key, width = np.zeros(n, dtype=np.int64), 1
    uniques: list[Any] = []
    for column in columns:
        codes, distinct = pd.factorize(frame[column], sort=True, use_na_sentinel=False)
        if width * len(distinct) >= 1 << 62:  # Python integers: renumber before int64 overflows
            key, numbered = _dense_ranks(key, width)
            width = len(numbered)  # now width <= n, and n * n < 2**62 below 2**31 rows
            uniques = []  # the codes before no longer decode: no key cells from them
            keys = False
        key, width = key * len(distinct) + np.asarray(codes, dtype=np.int64), width * len(distinct)
        uniques.append(distinct)
    ids, combined = _dense_ranks(key, width)  # combined: each series' codes, packed
    if not keys:
        return ids, None
    cells: dict[str, Any] = {}
    first: npt.NDArray[np.intp] | None = None
    for column, distinct in zip(reversed(columns), reversed(uniques), strict=True):
        combined, code = np.divmod(combined, len(distinct))
        if frame[column].dtype == "string":
            cells[column] = pd.Index(distinct).array.take(code)
        else:
            first = first_rows(ids) if first is None else first
            cells[column] = frame[column].array.take(first)
    # As Series of the columns' own dtypes: a frame built from object arrays would infer text.
    return ids, pd.DataFrame({column: pd.Series(cells[column], dtype=frame[column].dtype) for column in columns})


def _dense_ranks(key: npt.NDArray[np.int64], width: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each value of ``key`` (``0 <= key < width``) numbered by its rank among the distinct ones; those, in order.

    >>> ranks, distinct = _dense_ranks(np.array([7, 2, 7, 40]), 50)
    >>> ranks.tolist(), distinct.tolist()
    ([1, 0, 1, 2], [2, 7, 40])
    """
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if width <= 4 * n:  # a table of the values present: O(n + width), no sort
        present = np.zeros(width, dtype=bool)
        present[key] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return rank[key], np.flatnonzero(present).astype(np.int64)
    order = argsort_stable(key)
    ordered = key[order]
    new_value = np.r_[True, ordered[1:] != ordered[:-1]]
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.cumsum(new_value, dtype=np.int64) - 1
    return ranks, ordered[new_value]


def period_bounds(frame: pd.DataFrame) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and end (exclusive) of each row's period, in UTC nanoseconds.

    The period of a figure is the time its count may describe: ``[as_of, as_of +
    length(as_of_precision))``, its end pulled in to the end of the publication's own period
    when that falls inside it, since a figure cannot describe a moment after it was
    published. ("As of Jan 9", published at 15:00 that day, describes a moment before 16:00.)
    A publication dated before the period starts leaves the period as it is.

    >>> import pandas as pd
    >>> from kzfigures.frame import from_frame
    >>> f = from_frame(pd.DataFrame({"metric": ["killed"] * 2, "stated": [1, 2],
    ...                              "as_of": ["2022-01-09T00:00+06:00"] * 2,
    ...                              "published": [None, "2022-01-09T15:00+06:00"]}))
    >>> start, end = period_bounds(f)
    >>> [(e - s) / 3_600e9 for s, e in zip(start.tolist(), end.tolist())]  # hours: the day; to 16:00
    [24.0, 16.0]
    """
    start = utc_nanoseconds(frame["as_of"])
    end = start + precision_lengths(frame["as_of_precision"])
    published = frame["published"].notna().to_numpy(dtype=bool)
    if published.any():
        known_by = utc_nanoseconds(frame["published"][published]) + precision_lengths(
            frame["published_precision"][published]
        )
        inside = (known_by > start[published]) & (known_by < end[published])
        end[np.flatnonzero(published)[inside]] = known_by[inside]
    return start, end


def utc_nanoseconds(times: pd.Series) -> npt.NDArray[np.int64]:
    """Tz-aware times (none missing) as UTC nanoseconds since the epoch.

    >>> utc_nanoseconds(pd.Series(pd.to_datetime(["1970-01-01T06:00+06:00"]))).tolist()
    [0]
    """
    return np.asarray(times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64))


def precision_lengths(precision: pd.Series) -> npt.NDArray[np.int64]:
    """Each precision's length in nanoseconds, looked up once per distinct precision.

    >>> precision_lengths(pd.Series(["hour", "day", "hour"], name="as_of_precision")).tolist()
    [3600000000000, 86400000000000, 3600000000000]
    """
    codes, distinct = _strings.factorize(precision)
    if (codes < 0).any():
        raise ValueError(f"{precision.name} is missing; pass a frame from kzfigures.frame.from_frame")
    return np.array([Precision(p).length.value for p in distinct], dtype=np.int64)[codes]


def point_values(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Each row's point value (:attr:`kzfigures.Figure.point`), vectorized, in exact integers.

    ``stated`` clipped into ``[low, high]``; a row with no stated number (a
    range or a vague figure) takes the midpoint of its interval rounded down,
    ``low + (high - low) // 2``, or ``low`` when ``high`` is unbounded.

    >>> import pandas as pd
    >>> point_values(pd.DataFrame({"low": [3001, 5400, 24, 2], "high": [None, 5999, 99, None],
    ...                            "stated": [3000, 6000, None, None]}, dtype="Int64")).tolist()
    [3001, 5999, 61, 2]
    """
    low = frame["low"].to_numpy(dtype=np.int64)
    high = frame["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)
    stated = frame["stated"]
    midpoint = np.where(high != UNBOUNDED, low + (high - low) // 2, low)
    clipped = np.minimum(np.maximum(stated.to_numpy(dtype=np.int64, na_value=0), low), high)
    return np.asarray(np.where(stated.notna().to_numpy(dtype=bool), clipped, midpoint), dtype=np.int64)


def time_slots(frame: pd.DataFrame, by: str | Sequence[str] = DEFAULT_BY) -> npt.NDArray[np.int64]:
    """The time slot of each row within its series (0 = earliest).

    Periods that overlap, directly or through a chain of overlaps, share a
    slot (see the module docstring). ``O(n log n)``.
    """
    return _slots(frame, check_by(by, frame)).slot


@attrs.frozen(eq=False)
class _Slots:
    series: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    series_slot: npt.NDArray[np.int64]
    keys: pd.DataFrame | None = None  # the key cells of each series, where _series_numbers gives them


def _slots(frame: pd.DataFrame, columns: list[str], *, keys: bool = False) -> _Slots:
    """Series, slot, period bounds and the (series, slot) number of each row: one sort by (series, start).

    ``keys``: also the key cells of each series, where :func:`_series_numbers` gives them.
    """
    n = len(frame)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Slots(empty, empty, empty, empty, empty)
    series, key_cells = _series_numbers(frame, columns, keys=keys)
    start, end = period_bounds(frame)
    order = lexsort_stable((start, series))
    s_series, s_start, s_end = series[order], start[order], end[order]
    new_series = np.ones(n, dtype=bool)
    new_series[1:] = s_series[1:] != s_series[:-1]
    running_end = pd.Series(s_end).groupby(s_series).cummax().to_numpy()
    new_slot = new_series.copy()
    new_slot[1:] |= s_start[1:] >= running_end[:-1]
    global_slot = np.cumsum(new_slot) - 1
    first_slot_of_series = np.maximum.accumulate(np.where(new_series, global_slot, 0))
    slots = np.empty(n, dtype=np.int64)
    slots[order] = global_slot - first_slot_of_series
    series_slot = np.empty(n, dtype=np.int64)
    series_slot[order] = global_slot
    return _Slots(series, slots, start, end, series_slot, key_cells)


def speakers(frame: pd.DataFrame) -> pd.Series:
    """Who makes each claim: the authority, else ``outlet: <outlet>``, else ``observation: <id>``.

    >>> import pandas as pd
    >>> speakers(pd.DataFrame({"authority": ["Police", None, None], "outlet": ["CNN", "CNN", None],
    ...                        "id": ["a", "b", "c"]}, dtype="string")).tolist()
    ['Police', 'outlet: CNN', 'observation: c']
    """
    result: pd.Series = frame["authority"].astype("string").copy()
    missing = result.isna().to_numpy(dtype=bool)
    if missing.any():  # build the fallback texts only for the rows that need them
        by_outlet = "outlet: " + frame["outlet"].astype("string")[missing]
        by_id = "observation: " + frame["id"].astype("string")[missing]
        result[missing] = by_outlet.fillna(by_id).to_numpy()
    return result


def first_rows(group: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Per group number ``g`` (``0 <= g <= max(group)``), the position of its first row (``len(group)`` if none).

    "First" in row order: the row whose cells stand for the group's key, as ``groupby`` takes the
    first value it meets (``None`` and ``NaN`` group together; so do ``0.0`` and ``-0.0``).

    >>> first_rows(np.array([2, 0, 2, 0])).tolist()
    [1, 4, 0]
    """
    first = np.full(int(group.max()) + 1, len(group), dtype=np.intp)
    np.minimum.at(first, group, np.arange(len(group), dtype=np.intp))
    return first


def take_rows(frame: pd.DataFrame, positions: npt.NDArray[np.integer[Any]]) -> pd.DataFrame:
    """``frame.iloc[positions]`` with a fresh ``RangeIndex``, a frame of its own to write to.

    By ``take`` rather than ``iloc``, which pandas 2 marks as a slice of ``frame`` (and warns
    when it is written to), and without ``reset_index``, which would copy it again there.

    >>> frame = pd.DataFrame({"metric": ["killed", "detained"]}, index=[5, 7])
    >>> take_rows(frame, np.array([1, 1]))
         metric
    0  detained
    1  detained
    """
    rows = frame.take(positions)
    rows.index = pd.RangeIndex(len(rows))
    return rows


def key_cells(
    frame: pd.DataFrame, columns: Sequence[str], series: npt.NDArray[np.int64], positions: Any
) -> dict[str, Any]:
    """The cells of the key ``columns`` of ``frame`` at ``positions``, a column's array each.

    ``series`` numbers the frame's rows by key. A string key column holds one value per series:
    it is gathered from one row of each series named, so the result's cells point at a few
    thousand strings instead of copying one scattered string per row. Other columns are
    gathered row by row (``0.0`` and ``-0.0`` are one key, but each row keeps its own cell).

    >>> frame = pd.DataFrame({"metric": pd.array(["a", "b", "a"], dtype="string")})
    >>> key_cells(frame, ["metric"], np.array([0, 1, 0]), np.array([2, 1]))["metric"].tolist()
    ['a', 'b']
    >>> len(key_cells(frame.iloc[:0], ["metric"], np.zeros(0, dtype=np.int64), [])["metric"])
    0
    """
    positions = np.asarray(positions, dtype=np.intp)
    cited = np.zeros(int(series.max()) + 1 if len(series) else 0, dtype=bool)
    cited[series[positions]] = True
    one_row = first_rows(series)[cited] if len(series) else np.zeros(0, dtype=np.intp)  # named only: few of 10^6
    cited_rank = np.cumsum(cited) - 1  # each named series' place among them
    return {
        column: frame[column].array.take(one_row).take(cited_rank[series[positions]])
        if frame[column].dtype == "string"
        else frame[column].array.take(positions)
        for column in columns
    }


def _speaker_codes(frame: pd.DataFrame) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """:func:`speakers` as codes into their sorted distinct texts: ``pd.factorize(speakers(frame), sort=True)``.

    Built from the distinct authorities, outlets and ids instead of a text per row (and a hash
    of each): the fallback texts are made for the distinct values that need them.

    >>> frame = pd.DataFrame({"authority": ["Police", None, "Police", None], "outlet": ["CNN", "CNN", None, None],
    ...                       "id": ["a", "b", "c", "d"]}, dtype="string")
    >>> codes, names = _speaker_codes(frame)
    >>> codes.tolist(), names.tolist()
    ([0, 2, 0, 1], ['Police', 'observation: d', 'outlet: CNN'])
    """
    codes, distinct = _strings.factorize(frame["authority"])
    codes = codes.astype(np.int64)
    names = [str(name) for name in distinct]
    missing = np.flatnonzero(codes < 0)
    if len(missing):  # speak for the outlet, else for the observation itself
        outlet_codes, outlets = _strings.factorize(frame["outlet"].iloc[missing])
        codes[missing] = np.where(outlet_codes >= 0, outlet_codes + len(names), -1)
        names += [f"outlet: {outlet}" for outlet in outlets]
        neither = missing[outlet_codes < 0]
        codes[neither] = len(names) + np.arange(len(neither))  # ids are unique: one speaker each
        names += [f"observation: {i}" for i in frame["id"].iloc[neither].to_numpy(dtype=object)]
    # An authority may read like a fallback text ("outlet: CNN"): one sorted list, duplicates merged.
    texts, position = np.unique(np.array(names, dtype=object), return_inverse=True)
    return np.asarray(position, dtype=np.int64).reshape(-1)[codes], texts


def claim_ids(frame: pd.DataFrame, by: str | Sequence[str] = DEFAULT_BY) -> npt.NDArray[np.int64]:
    """The claim of each row: one integer per (series, time slot, speaker, low, high).

    Numbered in order of series, then slot, then speaker, then interval.
    """
    return annotate(frame, by).claim.copy()


_Array = TypeVar("_Array", bound=np.ndarray)


def _readonly(values: _Array) -> _Array:
    values.flags.writeable = False
    return values


@attrs.frozen(eq=False)
class ClaimIndex:
    """Time and identity of every row of a frame, from :func:`annotate`.

    Every array has one entry per row of the frame, in row order, except
    ``speaker_names`` (one per distinct speaker, sorted) and ``order`` (a
    permutation of the rows). The arrays are read-only.

    Attributes
    ----------
    by : tuple of str
        The series key columns.
    series : ndarray of int64
        :func:`series_ids`: the series, numbered in key order.
    slot : ndarray of int64
        :func:`time_slots`: the time slot within the series (0 = earliest).
    start, end : ndarray of int64
        :func:`period_bounds`: the as-of period, UTC nanoseconds, end exclusive.
    series_slot : ndarray of int64
        The (series, slot) pair, numbered 0, 1, ... in order of series, then slot.
    speaker : ndarray of int64
        The speaker (:func:`speakers`) as a position in ``speaker_names``.
    speaker_names : ndarray of object
        The distinct speakers, sorted, so that speaker codes compare as the texts do.
    claim : ndarray of int64
        :func:`claim_ids`: the claim, numbered in order of series, slot, speaker, low, high.
    order : ndarray of intp
        The rows sorted by (series, slot), rows of one slot in row order (a stable sort).
    id_rank : ndarray of int64
        Each row's position when the rows are sorted by ``id`` (a permutation of ``0..n-1``):
        results list ids in this order, and integers sort faster than texts.
    """

    by: tuple[str, ...]
    series: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    series_slot: npt.NDArray[np.int64]
    speaker: npt.NDArray[np.int64]
    speaker_names: npt.NDArray[np.object_]
    claim: npt.NDArray[np.int64]
    order: npt.NDArray[np.intp]
    id_rank: npt.NDArray[np.int64]
    # What series_keys gathered, kept for the next analysis of the same frame.
    _cache: dict[str, pd.DataFrame] = attrs.field(factory=dict, init=False, repr=False)

    def speaker_texts(self) -> npt.NDArray[np.object_]:
        """The speaker of each row as text (the values of :func:`speakers`)."""
        return np.asarray(self.speaker_names[self.speaker], dtype=object)

    def series_keys(self, frame: pd.DataFrame, series: npt.NDArray[np.integer[Any]] | None = None) -> pd.DataFrame:
        """The ``by`` cells of each of ``series`` (series numbers), a row each, as ``groupby`` shows them.

        ``series`` defaults to every series, in order. ``frame`` is the frame this index
        describes. Each series shows the cells of its first row. :func:`annotate` makes them
        from the key codes it numbers the series by (a text column's sorted distinct texts,
        taken in key order); otherwise (keys of very many columns) they are gathered from
        ``frame`` on the first call, reading text at random rows where series are many, and
        kept with the index, so the analyses of one :class:`~kzfigures.Prepared` gather them
        once. The result is a fresh frame (:func:`take_rows`): writing to it changes nothing
        kept.

        >>> from kzfigures.datasets import kazakhstan_2022
        >>> frame = kazakhstan_2022()
        >>> index = annotate(frame, "metric")
        >>> index.series_keys(frame, np.array([1, 0]))["metric"].tolist()
        ['injured', 'detained']
        >>> len(index.series_keys(frame)) == int(index.series.max()) + 1
        True
        """
        keys = self._cache.get("series_keys")
        if keys is None:
            keys = take_rows(frame[list(self.by)], first_rows(self.series) if len(self.series) else self.series)
            self._cache["series_keys"] = keys
        return take_rows(keys, np.arange(len(keys)) if series is None else series)


def annotate(frame: pd.DataFrame, by: str | Sequence[str] = DEFAULT_BY) -> ClaimIndex:
    """Series, time slot, speaker and claim of every row, computed together.

    The same values as :func:`series_ids`, :func:`time_slots`,
    :func:`period_bounds`, :func:`speakers` and :func:`claim_ids`, for the
    price of one sort by (series, time) and one by claim key, instead of
    one per function. ``O(n log n)``.

    >>> import pandas as pd
    >>> from kzfigures.frame import from_frame
    >>> frame = from_frame(pd.DataFrame({
    ...     "metric": ["killed"] * 3, "stated": [18, 18, 16],
    ...     "as_of": ["2022-01-08T00:00+06:00", "2022-01-07T00:00+06:00", "2022-01-07T15:00+06:00"],
    ...     "authority": ["Police", "Police", "Health Ministry"],
    ... }))
    >>> index = annotate(frame)
    >>> index.slot.tolist(), index.claim.tolist(), index.speaker_texts().tolist()
    ([1, 0, 0], [2, 1, 0], ['Police', 'Police', 'Health Ministry'])
    >>> index.order.tolist()  # by (series, slot); rows of one slot in row order
    [1, 2, 0]
    >>> bool((index.claim == claim_ids(frame)).all() and (index.slot == time_slots(frame)).all())
    True
    """
    columns = check_by(by, frame)
    times = _slots(frame, columns, keys=True)
    n = len(frame)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        names = np.zeros(0, dtype=object)
        return ClaimIndex(
            tuple(columns), empty, empty, empty, empty, empty, empty, names, empty, empty.astype(np.intp), empty
        )
    # Sorted codes compare as the speaker texts do, so the claim numbering is that of the texts.
    speaker, names = _speaker_codes(frame)
    low = frame["low"].to_numpy(dtype=np.int64)
    high = frame["high"].fillna(-1).to_numpy(dtype=np.int64)
    # One sort by the claim key (series_slot orders series, then slot); number the runs.
    # (series_slot, speaker) as one integer (< n**2, no overflow): one key fewer to sort by.
    by_claim = lexsort_stable((high, low, times.series_slot * len(names) + speaker))
    key = (times.series_slot[by_claim], speaker[by_claim], low[by_claim], high[by_claim])
    new_claim = np.ones(n, dtype=bool)
    new_claim[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in key])
    claim = np.empty(n, dtype=np.int64)
    claim[by_claim] = np.cumsum(new_claim) - 1
    order = argsort_stable(times.series_slot)
    by_id = _strings.sorted_order(frame["id"])
    if by_id is None:  # Python strings
        by_id = text_order(frame["id"].to_numpy(dtype=object))
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[by_id] = np.arange(n)
    index = ClaimIndex(
        by=tuple(columns),
        series=_readonly(times.series),
        slot=_readonly(times.slot),
        start=_readonly(times.start),
        end=_readonly(times.end),
        series_slot=_readonly(times.series_slot),
        speaker=_readonly(speaker),
        speaker_names=_readonly(np.asarray(names, dtype=object)),
        claim=_readonly(claim),
        order=_readonly(np.asarray(order, dtype=np.intp)),
        id_rank=_readonly(id_rank),
    )
    if times.keys is not None:  # made from the key codes already: series_keys gathers nothing
        index._cache["series_keys"] = times.keys
    return index


def restrict(index: ClaimIndex, keep: npt.NDArray[np.bool_]) -> ClaimIndex:
    """The index of the rows ``keep`` selects, when it selects whole series.

    Equal to ``annotate(frame[keep].reset_index(drop=True), index.by)``
    without a sort: time slots are numbered within a series, so dropping
    whole series changes no slot, and the remaining series, slots,
    speakers and claims keep their order, so they are only numbered again.
    ``O(n)``.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> keep = (frame["metric"] == "detained").to_numpy()
    >>> part = restrict(annotate(frame), keep)
    >>> direct = annotate(frame[keep].reset_index(drop=True))
    >>> fields = ("series", "slot", "claim", "order", "speaker", "id_rank")
    >>> all((getattr(part, f) == getattr(direct, f)).all() for f in fields)
    True

    Raises
    ------
    InvalidArgumentError
        ``keep`` is not one boolean per row, or selects part of a series.
    """
    keep = np.asarray(keep)
    if keep.dtype != np.bool_ or keep.shape != index.series.shape:
        raise InvalidArgumentError(
            f"keep must be one bool per row ({len(index.series)} rows); got {keep.dtype} of shape {keep.shape}"
        )
    n_series = int(index.series.max()) + 1 if len(index.series) else 0
    kept_per_series = np.bincount(index.series[keep], minlength=n_series)
    if (kept_per_series % np.maximum(np.bincount(index.series, minlength=n_series), 1)).any():
        raise InvalidArgumentError("keep must select whole series: time slots are numbered across a whole series")
    if keep.all():  # every row: the index itself (its arrays are read-only), not a copy
        return index
    n_names = len(index.speaker_names)
    speaker = index.speaker[keep]
    used_names = np.zeros(n_names, dtype=bool)
    used_names[speaker] = True
    row = np.cumsum(keep) - 1  # each kept row's position among the kept rows
    by_slot = index.order[keep[index.order]]
    return ClaimIndex(
        by=index.by,
        series=_readonly(_dense_ranks(index.series[keep], n_series)[0]),
        slot=_readonly(index.slot[keep]),
        start=_readonly(index.start[keep]),
        end=_readonly(index.end[keep]),
        series_slot=_readonly(_dense_ranks(index.series_slot[keep], int(index.series_slot.max()) + 1)[0]),
        speaker=_readonly(_dense_ranks(speaker, n_names)[0]),
        speaker_names=_readonly(index.speaker_names[used_names]),
        claim=_readonly(_dense_ranks(index.claim[keep], int(index.claim.max()) + 1)[0]),
        order=_readonly(np.asarray(row[by_slot], dtype=np.intp)),
        id_rank=_readonly(_dense_ranks(index.id_rank[keep], len(keep))[0]),
    )
