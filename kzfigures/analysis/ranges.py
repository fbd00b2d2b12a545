r"""The spread of reported figures: what range was reported, and by whom.

>>> from kzfigures.datasets import kazakhstan_2022
>>> detained = ranges(kazakhstan_2022(), key={"metric": "detained", "group": "all"})
>>> detained[["hull_low", "hull_high", "consensus_low", "consensus_high", "consensus_empty"]]
   hull_low  hull_high  consensus_low  consensus_high  consensus_empty
0      2000       <NA>           7939            4404             True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures import _strings
from kzfigures.analysis._runs import run_numbers, run_starts, run_tuples
from kzfigures.analysis._sorting import UNBOUNDED, lexsort_stable
from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, first_rows, take_rows
from kzfigures.analysis.inputs import Inputs, Prepared
from kzfigures.analysis.tables import RANGE_COLUMNS, RANGE_EACH_COLUMNS, empty_table
from kzfigures.errors import InvalidArgumentError, TimezoneError
from kzfigures.model import Observation

__all__ = ["Range", "range_records", "ranges"]

_EACH = "each"

# Fill values for missing numbers: above (below) every int64 a figure can hold.
_BOTTOM = int(np.iinfo(np.int64).min)


def ranges(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    by: str | Sequence[str] = DEFAULT_BY,
    at: dt.datetime | str | None = None,
    *,
    key: Mapping[str, Any] | None = None,
    validate: bool = True,
) -> pd.DataFrame:
    r"""The range of figures reported for each series key.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts, or a
        :class:`~kzfigures.Prepared` (:func:`~kzfigures.prepare`) to validate and index once.
    by : str or sequence of str
        The series key columns (default ``("metric", "group", "region")``).
    at : None, "each", or a timezone-aware time
        ``None``: one row per key over the whole record. A time (``datetime``,
        ``Timestamp`` or ISO text with an offset): one row per key for the
        claims *current at* that time (see Notes). ``"each"``: one row per key
        and time slot, over the observations of that slot.
    key : mapping, optional
        Keep only rows whose columns equal these values, e.g.
        ``{"metric": "detained"}``.
    validate : bool, keyword-only
        ``False`` skips validating ``observations`` for a frame that is
        canonical already (from :func:`~kzfigures.from_frame`,
        :func:`~kzfigures.read_csv` or :func:`~kzfigures.to_frame`, or rows
        selected from one, and not modified since); see
        :func:`kzfigures.frame.as_frame`. Validate once, analyse many times.

    Returns
    -------
    DataFrame
        One row per key (per key and slot for ``at="each"``), sorted by key
        (and slot), with a fresh ``RangeIndex``:

        ====================  ==================  ===========================================
        column                dtype               meaning
        ====================  ==================  ===========================================
        *by columns*          as in the input     the series key
        slot                  int64               time slot (``at="each"`` only; 0 = earliest)
        slot_start            datetime64[ns, tz]  earliest ``as_of`` in the slot (``"each"`` only)
        min_stated            Int64               smallest stated number (``<NA>``: none stated)
        max_stated            Int64               largest stated number
        hull_low              Int64               :math:`\min_i l_i`
        hull_high             Int64               :math:`\max_i h_i`; ``<NA>`` if any is unbounded
        consensus_low         Int64               :math:`\max_i l_i`
        consensus_high        Int64               :math:`\min_i h_i` over bounded highs;
                                                  ``<NA>`` if all are unbounded
        consensus_empty       bool                consensus_low > consensus_high: sources disagree
        n_observations        int64               rows (echoes counted)
        n_claims              int64               distinct claims (see :mod:`kzfigures.analysis.index`)
        n_speakers            int64               distinct speakers (authority, else outlet)
        hull_low_ids          object (tuple)      ids with :math:`l_i` = hull_low, sorted
        hull_high_ids         object (tuple)      ids with :math:`h_i` = hull_high, or the
                                                  unbounded ones when hull_high is ``<NA>``
        consensus_low_ids     object (tuple)      ids with :math:`l_i` = consensus_low
        consensus_high_ids    object (tuple)      ids with :math:`h_i` = consensus_high
                                                  (empty when all are unbounded)
        ====================  ==================  ===========================================

        The id columns hold tuples of ``str`` (ids are free text, so a joined
        string could be ambiguous). :func:`range_records` turns rows into
        :class:`Range` objects.

    Raises
    ------
    UnknownColumnError
        ``by`` or ``key`` names a column that cannot key a series.
    UnknownKeyError
        ``key`` matches no observation.
    TimezoneError
        ``at`` is a naive time (or the input mixes naive and aware times).
    InvalidArgumentError
        ``at`` is neither None, ``"each"`` nor a time.

    Notes
    -----
    For the observations :math:`i \in S` selected (per key; per key and slot
    for ``"each"``) with intervals :math:`[l_i, h_i]`, :math:`h_i = \infty`
    when unbounded:

    .. math::

        \text{hull} = [\min_{i \in S} l_i,\ \max_{i \in S} h_i], \qquad
        \text{consensus} = [\max_{i \in S} l_i,\ \min_{i \in S} h_i].

    The hull contains every interval; the consensus is the set of counts
    every interval allows, empty when two intervals are disjoint.

    *Current claims* (``at`` a time :math:`t`). Observation :math:`i` is
    *known at* :math:`t` when its as-of period has started:
    :math:`\text{start}_i \le t` (a figure "as of January 9" is known at any
    time on January 9). For each speaker :math:`a` of a key, let
    :math:`s_a` be the latest time slot among its known observations; then
    :math:`S = \{i \text{ known at } t : \text{slot}_i = s_{a(i)}\}`: each
    speaker's most recent figure, all of it if it said two things in that
    slot. Keys with nothing known at :math:`t` have no row.

    Complexity: ``O(n log n)`` (the sorts of time slots and of rows by result row and id).

    Examples
    --------
    On January 9 the consensus of the detention count is empty: the
    Presidential Office's "almost 6,000" ``[5400, 5999]`` and the Police's
    6,044 cannot both hold.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> slots = ranges(frame, at="each", key={"metric": "detained", "group": "all"})
    >>> jan9 = slots.iloc[2]
    >>> str(jan9["slot_start"].date()), int(jan9["consensus_low"]), int(jan9["consensus_high"])
    ('2022-01-09', 6044, 5999)
    >>> bool(jan9["consensus_empty"]), jan9["consensus_low_ids"], jan9["consensus_high_ids"]
    (True, ('kz22-004-08',), ('kz22-004-05',))

    At noon on January 9 the current claims still include Asian Lite News's
    4,404 of January 8 (it published nothing later):

    >>> noon = ranges(frame, at="2022-01-09T12:00+06:00", key={"metric": "detained", "group": "all"})
    >>> int(noon.loc[0, "consensus_high"]), noon.loc[0, "consensus_high_ids"]
    (4404, ('kz22-002-05',))

    Every interval lies inside its key's hull:
    >>> table = ranges(frame)
    >>> merged = frame.merge(table, on=["metric", "group", "region"])
    >>> bool((merged["low"] >= merged["hull_low"]).all())
    True
    """
    inputs = Inputs.of(observations, by, key=key, validate=validate)
    frame, columns = inputs.frame, list(inputs.by)
    at_ns = _check_at(at)
    each = isinstance(at, str) and at == _EACH
    if len(frame) == 0:
        return _empty(frame, columns, each)
    index = inputs.index()
    rows = _annotate(frame, index, each)
    group_columns = [*columns, "slot"] if each else columns
    if at_ns is not None:
        known = rows[rows["start"] <= at_ns]
        latest = known.groupby([*columns, "speaker"], sort=False, dropna=False)["slot"].transform("max")
        rows = known[known["slot"] == latest]
        if len(rows) == 0:
            return _empty(frame, columns, each)
    if each or at_ns is not None:  # a group's first row among the rows kept shows its key, as in groupby
        result = _statistics(rows, lambda first: take_rows(rows[group_columns], first))
    else:  # every row kept, a group a series: its first row is the series' first, which the index keeps
        result = _statistics(rows, lambda first: index.series_keys(frame, index.series[first]))
    if each:
        starts = rows.groupby(level=0, sort=True)["as_of"].min()
        result.insert(len(columns) + 1, "slot_start", starts.array)  # positional, tz kept
    for column in columns:
        result[column] = result[column].astype(frame[column].dtype)
    return result


def _check_at(at: object) -> int | None:
    """``at`` as UTC nanoseconds, or None for ``None`` and ``"each"``."""
    if at is None or (isinstance(at, str) and at == _EACH):
        return None
    if isinstance(at, str):
        try:
            moment = pd.Timestamp(at)
        except ValueError:
            raise InvalidArgumentError(f"at must be None, 'each' or a timezone-aware time (got {at!r})") from None
    elif isinstance(at, dt.datetime):
        moment = pd.Timestamp(at)
    else:
        raise InvalidArgumentError(
            f"at must be None, 'each' or a timezone-aware time (got {at!r} of type {type(at).__name__})"
        )
    if moment.tzinfo is None:
        raise TimezoneError(f"at must be timezone-aware (got the naive time {at!r}); give an offset such as +06:00")
    return int(moment.tz_convert("UTC").as_unit("ns").value)


def _annotate(frame: pd.DataFrame, index: ClaimIndex, each: bool) -> pd.DataFrame:
    """The columns the statistics need, one row per observation, indexed by result row."""
    columns = list(index.by)
    rows = frame[[*columns, "id", "low", "high", "stated", "as_of"]].copy()
    rows["slot"] = index.slot
    rows["speaker"] = index.speaker  # codes: grouped and counted like the texts, cheaper
    rows["claim"] = index.claim
    rows["id_rank"] = index.id_rank
    rows["start"] = index.start
    # The index numbers the result rows (series, or (series, slot) for "each"), in key order.
    rows.index = pd.Index(index.series_slot if each else index.series, name=None)
    return rows


def _statistics(rows: pd.DataFrame, keys_at: Callable[[npt.NDArray[np.intp]], pd.DataFrame]) -> pd.DataFrame:
    """The statistics of each result row (the integer index of ``rows``), in index order.

    ``keys_at(first)`` gives the key cells of the result rows whose first rows (in row order)
    are at positions ``first`` of ``rows``.

    The rows are sorted once by (result row, id): every result row's observations are then one
    run, its statistics one ``reduceat`` each, and the ids of any subset of a run come out in id
    order, so each id column is a tuple per run of a mask (no sort, no groupby per column).
    """
    group_value = rows.index.to_numpy(dtype=np.int64)
    order = lexsort_stable((rows["id_rank"].to_numpy(dtype=np.int64), group_value))
    group = group_value[order]
    starts = run_starts(group)
    sizes = np.diff(np.r_[starts, len(group)])
    low = rows["low"].to_numpy(dtype=np.int64)[order]
    unbounded = rows["high"].isna().to_numpy()[order]
    high = rows["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)[order]  # unbounded: above every high
    stated_missing = rows["stated"].isna().to_numpy()[order]
    stated = rows["stated"].to_numpy(dtype=np.int64, na_value=0)[order]

    any_unbounded = np.logical_or.reduceat(unbounded, starts)
    all_unbounded = np.logical_and.reduceat(unbounded, starts)
    no_stated = np.logical_and.reduceat(stated_missing, starts)
    hull_low = np.minimum.reduceat(low, starts)
    consensus_low = np.maximum.reduceat(low, starts)
    hull_high = np.maximum.reduceat(np.where(unbounded, _BOTTOM, high), starts)
    consensus_high = np.minimum.reduceat(high, starts)  # UNBOUNDED only where every high is unbounded
    out = pd.DataFrame(
        {
            "min_stated": pd.arrays.IntegerArray(
                np.minimum.reduceat(np.where(stated_missing, UNBOUNDED, stated), starts), no_stated
            ),
            "max_stated": pd.arrays.IntegerArray(
                np.maximum.reduceat(np.where(stated_missing, _BOTTOM, stated), starts), no_stated
            ),
            "hull_low": pd.array(hull_low, dtype="Int64"),
            "hull_high": pd.arrays.IntegerArray(hull_high, any_unbounded),
            "consensus_low": pd.array(consensus_low, dtype="Int64"),
            "consensus_high": pd.arrays.IntegerArray(consensus_high, all_unbounded),
            "consensus_empty": ~all_unbounded & (consensus_low > consensus_high),
            "n_observations": sizes.astype(np.int64),
        },
        index=pd.Index(group[starts]),
    )
    if len(starts) == len(group):  # a row a result row (a series a row): one claim and one speaker each
        out["n_claims"], out["n_speakers"] = np.ones(len(starts), dtype=np.int64), np.ones(len(starts), dtype=np.int64)
    else:
        out["n_claims"] = _distinct_per_group(group_value, rows["claim"].to_numpy(dtype=np.int64))[out.index]
        out["n_speakers"] = _distinct_per_group(group_value, rows["speaker"].to_numpy(dtype=np.int64))[out.index]

    # Each row's group statistic, repeated over its run; a row is cited where it attains it.
    position = run_numbers(starts, len(group))
    cites = {
        "hull_low_ids": low == hull_low[position],
        # With an unbounded high in the group, the hull's high is unbounded and cites those rows.
        "hull_high_ids": np.where(any_unbounded[position], unbounded, high == hull_high[position]),
        "consensus_low_ids": low == consensus_low[position],
        "consensus_high_ids": ~unbounded & (high == consensus_high[position]),
    }
    # Only the ids some column cites become Python strings, and Arrow ids are made in the order
    # the tuples read them (a cache miss per string read out of order): ids[id_at[i]] is the id
    # of the i-th sorted row wherever it is cited.
    cited = np.flatnonzero(np.logical_or.reduce(list(cites.values())))
    made = _strings.made_in_order(rows["id"], order[cited])
    if made is not None:
        ids, id_at = made, np.zeros(len(order), dtype=np.intp)
        id_at[cited] = np.arange(len(cited))
    else:
        ids, id_at = rows["id"].to_numpy(dtype=object), order
    # A mask often takes a whole run (every observation of a slot agrees): that tuple is built
    # once and shared by every column that cites the whole run.
    whole_ids = np.empty(len(starts), dtype=object)
    have_whole = np.zeros(len(starts), dtype=bool)

    def tuples(rows_wanted: npt.NDArray[np.bool_], into: npt.NDArray[np.object_]) -> None:
        chosen = np.flatnonzero(rows_wanted)
        at = position[chosen]
        runs = run_starts(at)
        into[at[runs]] = run_tuples(ids[id_at[chosen]], runs)  # an array, so short runs are zipped in C

    def ids_where(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        taken = np.add.reduceat(mask, starts, dtype=np.int64)
        whole = taken == sizes
        unbuilt = whole & ~have_whole
        tuples(unbuilt[position], whole_ids)
        have_whole[unbuilt] = True
        if whole.all():  # every result row cites all its rows (always, with a row a result row)
            return whole_ids.copy()
        values = np.empty(len(starts), dtype=object)
        values.fill(())  # one shared empty tuple, not a Python call per row
        values[whole] = whole_ids[whole]
        tuples(mask & ~whole[position], values)
        return values

    for column, mask in cites.items():
        out[column] = ids_where(mask)
    out = out.astype(dict(RANGE_COLUMNS))
    keys = keys_at(first_rows(group_value)[out.index])
    keys.index = out.index
    return pd.concat([keys, out], axis=1).reset_index(drop=True)


def _distinct_per_group(group: npt.NDArray[np.int64], value: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per group number ``g`` (``0 <= g <= max(group)``), how many distinct values its rows hold.

    ``groupby().nunique()`` without the grouping. Groups and values are non-negative codes below
    the row count (series, slots, claims, speakers), so ``value * n_groups + group`` fits int64;
    the distinct pairs are found the cheapest way that applies:

    - values that nest in groups (each value in one group only, as a claim lies in one series
      and slot) are themselves the distinct pairs: a scatter, no hashing;
    - few possible pairs (speakers by series): a table of flags;
    - otherwise by hashing the packed pairs.

    >>> _distinct_per_group(np.array([0, 0, 2, 0, 2]), np.array([5, 5, 1, 7, 1])).tolist()
    [2, 0, 1]
    """
    n_groups, width = int(group.max()) + 1, int(value.max()) + 1
    owner = np.zeros(width, dtype=np.int64)
    owner[value] = group
    if (owner[value] == group).all():
        present = np.zeros(width, dtype=bool)
        present[value] = True
        return np.bincount(owner[present], minlength=n_groups).astype(np.int64)
    pairs_code = value * n_groups + group
    if width * n_groups <= max(4 * len(group), 1 << 20):
        flags = np.zeros(width * n_groups, dtype=bool)
        flags[pairs_code] = True
        pairs = np.flatnonzero(flags)
    else:
        pairs = pd.unique(pairs_code)
    return np.bincount(pairs % n_groups, minlength=n_groups).astype(np.int64)


def _empty(frame: pd.DataFrame, columns: list[str], each: bool) -> pd.DataFrame:
    return empty_table(frame, columns, *([RANGE_EACH_COLUMNS] if each else []), RANGE_COLUMNS)


def _optional_int(value: Any) -> int | None:
    return None if value is None or value is pd.NA else int(value)


def _optional_time(value: Any) -> pd.Timestamp | None:
    return None if value is None or value is pd.NaT else pd.Timestamp(value)


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _values(value: Any) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class Range:
    """One row of :func:`ranges` as a value object (see :func:`ranges` for each field).

    ``key`` holds the values of the ``by`` columns, in order; ``slot`` and
    ``slot_start`` are None except for ``at="each"``.

    >>> r = Range(by=("metric",), key=("killed",), hull_low=18, hull_high=18, consensus_low=18,
    ...           consensus_high=18, n_observations=4, n_claims=1, n_speakers=1)
    >>> r.consensus_empty, r.hull_low_ids
    (False, ())
    """

    by: tuple[str, ...] = attrs.field(converter=_ids)
    key: tuple[Any, ...] = attrs.field(converter=_values)
    hull_low: int = attrs.field(converter=int)
    hull_high: int | None = attrs.field(converter=_optional_int)
    consensus_low: int = attrs.field(converter=int)
    consensus_high: int | None = attrs.field(converter=_optional_int)
    n_observations: int = attrs.field(converter=int)
    n_claims: int = attrs.field(converter=int)
    n_speakers: int = attrs.field(converter=int)
    min_stated: int | None = attrs.field(default=None, converter=_optional_int)
    max_stated: int | None = attrs.field(default=None, converter=_optional_int)
    consensus_empty: bool = attrs.field(default=False, converter=bool)
    hull_low_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    hull_high_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    consensus_low_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    consensus_high_ids: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    slot: int | None = attrs.field(default=None, converter=_optional_int)
    slot_start: pd.Timestamp | None = attrs.field(default=None, converter=_optional_time)

    @by.validator
    def _check_key_length(self, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        if len(value) != len(self.key):
            raise InvalidArgumentError(f"'key' must have one value per 'by' column {value!r} (got {self.key!r})")


def range_records(frame: pd.DataFrame) -> list[Range]:
    """The rows of a :func:`ranges` frame as :class:`Range` objects, in order.

    The key columns are the columns that are not statistics.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> [r] = range_records(ranges(kazakhstan_2022(), key={"metric": "killed", "group": "law_enforcement"}))
    >>> r.key, r.n_observations, r.n_claims
    (('killed', 'law_enforcement', 'all'), 3, 1)
    """
    missing = [c for c in RANGE_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidArgumentError(f"not a ranges() frame: it lacks the columns {missing}")
    by = tuple(c for c in frame.columns if c not in RANGE_COLUMNS and c not in RANGE_EACH_COLUMNS)
    records = []
    for row in frame.astype("object").to_dict(orient="records"):
        values: dict[str, Any] = {str(name): (None if v is pd.NA or v is pd.NaT else v) for name, v in row.items()}
        records.append(
            Range(
                by=by,
                key=tuple(values[c] for c in by),
                **{name: values[name] for name in RANGE_COLUMNS},
                slot=values.get("slot"),
                slot_start=values.get("slot_start"),
            )
        )
    return records
