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

from kzfigures.analysis._runs import run_numbers, run_starts
from kzfigures.analysis._sorting import PACK_LIMIT, UNBOUNDED, lexsort_stable, order_codes
from kzfigures.analysis.conflicts import supersede
from kzfigures.analysis.index import ClaimIndex
from kzfigures.analysis.tables import OFFENDER_COLUMNS, dtypes, empty_table

__all__ = ["empty_offenders", "offender_table"]


def offender_table(frame: pd.DataFrame, index: ClaimIndex) -> pd.DataFrame:
    """One row per cumulative figure a later one contradicts (see the module docstring).

    Columns: ``id``, the key columns ``index.by``, then :data:`~kzfigures.analysis.tables.OFFENDER_COLUMNS`,
    sorted by key, ``as_of`` and ``id``. Cost: ``O(n log^2 n)`` for ``n`` cumulative rows
    (each offender's later figures are counted by halves of its series, not pair by pair).
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
    # In the table's order: key (series are numbered in key order, missing last, as sort_values
    # puts them), as_of (a period starts at it), id (id_rank is the ids' order).
    offenders = offenders[lexsort_stable((index.id_rank[rows[offenders]], start[offenders], series[offenders]))]
    # Each offender's later figures: the rows of its series from the first that starts at or
    # after its end.
    begin = _first_at_or_after(s_series, s_start, series[offenders], end[offenders])
    count, first, last, lowest, highest = _later_below(s_series, s_start, s_high, begin, low[offenders])
    chosen = rows[offenders]
    table = frame[["id", *columns, "as_of", "low", "high"]].take(chosen).reset_index(drop=True)
    table["speaker"] = index.speaker_names[index.speaker[chosen]]
    zone = frame["as_of"].dt.tz
    table["n_contradicted"] = count
    table["first_contradicted_as_of"] = pd.to_datetime(first, unit="ns", utc=True).tz_convert(zone)
    table["last_contradicted_as_of"] = pd.to_datetime(last, unit="ns", utc=True).tz_convert(zone)
    table["contradicted_low"] = lowest
    table["contradicted_high"] = highest
    return table.astype(dtypes(OFFENDER_COLUMNS, frame))


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
    return _search_in_order(keys, series * width + codes[len(s_start) :])


def _search_in_order(keys: npt.NDArray[np.int64], needles: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """``np.searchsorted(keys, needles)``, the needles searched in sorted order (each search
    starts near the last one's place, cache-friendly) and answered in their own.

    >>> _search_in_order(np.array([1, 3, 5]), np.array([4, 0, 5])).tolist()
    [2, 0, 2]
    """
    by_needle = np.argsort(needles, kind="stable")
    found = np.empty(len(needles), dtype=np.intp)
    found[by_needle] = np.searchsorted(keys, needles[by_needle])
    return found


def _later_below(
    s_series: npt.NDArray[np.int64],
    s_start: npt.NDArray[np.int64],
    s_high: npt.NDArray[np.int64],
    begin: npt.NDArray[np.intp],
    low: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], ...]:
    """Per offender k, of the rows from ``begin_k`` to the end of its series whose high is below ``low_k``:
    how many, the first and last of their starts, and their lowest and highest high.

    Rows are sorted by series, then start; every offender has at least one such row. Divide and
    conquer on places within a series: a row at place ``p`` sits at ``2p + 1`` and an offender
    at ``2 begin_k``, so a row counts for an offender iff it sits above it in the same series,
    and then the two share a block at exactly one level, the highest bit where their seats
    differ, the offender in the block's left half and the row in its right. Per level, the
    right halves' rows sorted by (block, high) make each answer a search: the rows below
    ``low_k`` are a run from the block's first row, whose length is the count, whose ends hold
    the lowest and highest high, and whose smallest and largest row give the first and last
    start. ``O(n log^2 n)`` for ``n`` rows: checking every (offender, later row) pair cost
    their number, quadratic where most figures are offenders.

    >>> s_series, s_start = np.zeros(4, dtype=np.int64), np.array([1, 2, 3, 4])
    >>> found = _later_below(s_series, s_start, np.array([9, 5, 7, 4]), np.array([1, 2]), np.array([8, 6]))
    >>> [a.tolist() for a in found]  # rows 1-3 below 8: highs 5, 7, 4; rows 2-3 below 6: high 4
    [[3, 1], [2, 4], [4, 4], [4, 4], [7, 4]]
    """
    n, m = len(s_series), len(begin)
    count = np.zeros(m, dtype=np.int64)
    first_row, last_row = np.full(m, n, dtype=np.int64), np.full(m, -1, dtype=np.int64)
    lowest = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    highest = np.full(m, np.iinfo(np.int64).min, dtype=np.int64)
    if m == 0:
        return count, first_row, last_row, lowest, highest
    # Offenders in order of begin: each level's blocks and searches then run in order.
    by_begin = np.argsort(begin, kind="stable")
    begin, low = begin[by_begin], low[by_begin]
    codes, width = order_codes(np.concatenate([s_high, low]), PACK_LIMIT // (n + 1))
    high_code, low_code = codes[:n], codes[n:]
    starts = run_starts(s_series)
    group = run_numbers(starts, n).astype(np.int64)  # dense series numbers
    row = np.arange(n, dtype=np.int64)
    seat = 2 * (row - starts[group]) + 1
    q_group = group[begin]
    q_seat = 2 * (begin - starts[q_group])
    for level in range(int(seat.max()).bit_length()):
        points = np.flatnonzero((seat >> level) & 1)  # right halves, in row order: blocks ascending
        asking = np.flatnonzero(((q_seat >> level) & 1) == 0)  # left halves
        if not len(points) or not len(asking):
            continue
        span = (int(seat.max()) >> (level + 1)) + 1
        p_block = group[points] * span + (seat[points] >> (level + 1))
        block_start = run_starts(p_block)
        dense = run_numbers(block_start, len(points)).astype(np.int64)
        # Each asking offender's block among the points' (sorted, distinct): absent if no point is there.
        q_block = q_group[asking] * span + (q_seat[asking] >> (level + 1))
        found = np.minimum(np.searchsorted(p_block[block_start], q_block), len(block_start) - 1)
        hit = p_block[block_start][found] == q_block
        asking, found = asking[hit], found[hit]
        keys = dense * width + high_code[points]
        order = np.argsort(keys)  # ties need no order: a run below low_k is taken whole
        keys, sorted_row, sorted_block = keys[order], row[points][order], dense[order]
        # Within each block, in order of high: the smallest and largest row so far.
        latest = np.maximum.accumulate(sorted_block * n + sorted_row) - sorted_block * n
        earliest = (n - 1) - (np.maximum.accumulate(sorted_block * n + (n - 1 - sorted_row)) - sorted_block * n)
        lo = np.r_[0, np.cumsum(np.bincount(dense))][found]  # each block's first sorted point
        hi = _search_in_order(keys, found * width + low_code[asking])
        some = hi > lo
        k, lo, hi = asking[some], lo[some], hi[some] - 1
        count[k] += hi - lo + 1
        first_row[k] = np.minimum(first_row[k], earliest[hi])
        last_row[k] = np.maximum(last_row[k], latest[hi])
        lowest[k] = np.minimum(lowest[k], s_high[sorted_row[lo]])
        highest[k] = np.maximum(highest[k], s_high[sorted_row[hi]])
    unsorted = np.empty_like(by_begin)
    unsorted[by_begin] = np.arange(m)
    return tuple(a[unsorted] for a in (count, s_start[first_row], s_start[last_row], lowest, highest))


def empty_offenders(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The offender table with no rows, its key columns typed as ``frame``'s."""
    table = empty_table(frame, columns, OFFENDER_COLUMNS)
    table.insert(0, "id", pd.Series([], dtype="string"))
    return table
