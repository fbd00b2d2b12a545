"""Who is out of line: one row per figure that later figures contradict, not one per pair.

A running total's violations come in pairs, and one outlier can make many of them: a channel's
"150" above twelve later official figures from 137 to 144 is twelve definite violations, each
naming a correct figure as the one that fell. The *offender* is the figure that the ``latest``
policy sets aside: one whose low exceeds the high of a strictly later figure of its series
(:func:`~kzfigures.analysis.conflicts.supersede`),

.. math:: \\\\mathrm{offender}(i) \\\\iff lo_i > \\\\min\\\\{hi_j : start_j \\\\ge end_i\\\\},

listed once, with how many later figures it is above (``n_contradicted`` = #{j : start_j >=
end_i, hi_j < lo_i}), when the first and last of them are as of, and the range of their highs.
A plateau below an earlier peak makes one offender, the peak, not one per day of the plateau.

>>> import pandas as pd
>>> from kzfigures.analysis.index import annotate
>>> from kzfigures.frame import from_frame
>>> frame = from_frame(pd.DataFrame({
...     "metric": "killed", "stated": [60, 150, 137, 140, 144],
...     "as_of": ["2024-03-22", "2024-03-23", "2024-03-24", "2024-03-25", "2024-03-26"],
...     "outlet": ["Agency", "Channel", "Agency", "Agency", "Agency"]}))
>>> table = offender_table(frame, annotate(frame))
>>> table[["id", "speaker", "n_contradicted", "contradicted_low", "contradicted_high"]].values.tolist()
[['row-1', 'outlet: Channel', 3, 137, 144]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis._sorting import PACK_LIMIT, UNBOUNDED, lexsort_stable, order_codes
from kzfigures.analysis.conflicts import supersede
from kzfigures.analysis.index import ClaimIndex
from kzfigures.analysis.tables import OFFENDER_COLUMNS, dtypes, empty_table

__all__ = ["empty_offenders", "offender_table"]


def offender_table(frame: pd.DataFrame, index: ClaimIndex) -> pd.DataFrame:
    """One row per cumulative figure a later one contradicts (see the module docstring).

    Columns: ``id``, the key columns ``index.by``, then :data:`~kzfigures.analysis.tables.OFFENDER_COLUMNS`,
    sorted by key, ``as_of`` and ``id``. Cost: one sort for the offenders, then for each
    offender a comparison with the later figures of its series, in batches of flat arrays.
    """
    columns = list(index.by)
    cumulative = frame["cumulative"].to_numpy(dtype=bool)
    rows = np.flatnonzero(cumulative)
    if not len(rows):
        return empty_offenders(frame, columns)
    series, start, end = index.series[rows], index.start[rows], index.end[rows]
    low = frame["low"].to_numpy(dtype=np.int64)[rows]
    high = frame["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)[rows]
    capped, _ = supersede(series, start, end, low, high)
    if not capped.any():
        return empty_offenders(frame, columns)
    # Each series' figures by start, so that "starts at or after end_i" is a suffix.
    order = lexsort_stable((start, series))
    s_series, s_start, s_high = series[order], start[order], high[order]
    offenders = np.flatnonzero(capped)
    # Each offender's later figures: the rows of its series from the first that starts at or
    # after its end.
    series_end = np.asarray(np.searchsorted(s_series, series[offenders], side="right"), dtype=np.intp)
    begin = _first_at_or_after(s_series, s_start, series[offenders], end[offenders])
    count, first, last, lowest, highest = _later_below(begin, series_end, low[offenders], s_start, s_high)
    chosen = rows[offenders]
    table = frame[["id", *columns, "as_of", "low", "high"]].take(chosen).reset_index(drop=True)
    table["speaker"] = index.speaker_names[index.speaker[chosen]]
    zone = frame["as_of"].dt.tz
    table["n_contradicted"] = count
    table["first_contradicted_as_of"] = pd.to_datetime(first, unit="ns", utc=True).tz_convert(zone)
    table["last_contradicted_as_of"] = pd.to_datetime(last, unit="ns", utc=True).tz_convert(zone)
    table["contradicted_low"] = lowest
    table["contradicted_high"] = highest
    table = table.astype(dtypes(OFFENDER_COLUMNS, frame))
    return table.sort_values([*columns, "as_of", "id"], kind="stable", na_position="last").reset_index(drop=True)


def _first_at_or_after(
    s_series: npt.NDArray[np.int64],
    s_start: npt.NDArray[np.int64],
    series: npt.NDArray[np.int64],
    at: npt.NDArray[np.int64],
) -> npt.NDArray[np.intp]:
    """Per query, the first position (rows sorted by series, then start) of its series that starts at or after
    ``at``: one search of (series, time) packed into an int64 as (series, time code)."""
    codes, width = order_codes(np.concatenate([s_start, at]), PACK_LIMIT // (int(s_series.max()) + 1))
    keys = s_series * width + codes[: len(s_start)]
    return np.asarray(np.searchsorted(keys, series * width + codes[len(s_start) :], side="left"), dtype=np.intp)


#: Most (offender, later figure) pairs compared in one batch: bounds the memory of the comparison.
_PAIRS_PER_BATCH = 4_000_000


def _later_below(
    begin: npt.NDArray[np.intp],
    stop: npt.NDArray[np.intp],
    low: npt.NDArray[np.int64],
    s_start: npt.NDArray[np.int64],
    s_high: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], ...]:
    """Per offender k: how many rows in ``[begin_k, stop_k)`` have a high below ``low_k``, the first and last
    of their starts, and their lowest and highest high. Every offender has at least one such row.

    The pairs are compared in batches of whole offenders, as flat arrays: ``O(sum of the ranges)``.
    """
    n = len(begin)
    count = np.zeros(n, dtype=np.int64)
    first, last, lowest, highest = (np.zeros(n, dtype=np.int64) for _ in range(4))
    lengths = (stop - begin).astype(np.int64)
    ends = np.cumsum(lengths)
    batch_start = 0
    while batch_start < n:
        reach = ends[batch_start] - lengths[batch_start] + _PAIRS_PER_BATCH
        batch_stop = max(int(np.searchsorted(ends, reach, side="right")), batch_start + 1)
        part = np.arange(batch_start, batch_stop)
        size = lengths[part]
        group = np.repeat(np.arange(len(part)), size)
        group_start = np.r_[0, np.cumsum(size)[:-1]]
        pos = begin[part][group] + (np.arange(int(size.sum())) - group_start[group])
        below = s_high[pos] < low[part][group]
        big, small = np.iinfo(np.int64).max, np.iinfo(np.int64).min
        count[part] = np.bincount(group[below], minlength=len(part))
        first[part] = np.minimum.reduceat(np.where(below, s_start[pos], big), group_start)
        last[part] = np.maximum.reduceat(np.where(below, s_start[pos], small), group_start)
        lowest[part] = np.minimum.reduceat(np.where(below, s_high[pos], big), group_start)
        highest[part] = np.maximum.reduceat(np.where(below, s_high[pos], small), group_start)
        batch_start = batch_stop
    return count, first, last, lowest, highest


def empty_offenders(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The offender table with no rows, its key columns typed as ``frame``'s."""
    table = empty_table(frame, columns, OFFENDER_COLUMNS)
    table.insert(0, "id", pd.Series([], dtype="string"))
    return table
