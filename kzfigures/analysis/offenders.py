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
import pandas as pd

from kzfigures.analysis._sorting import UNBOUNDED, lexsort_stable
from kzfigures.analysis.conflicts import supersede
from kzfigures.analysis.index import ClaimIndex
from kzfigures.analysis.tables import OFFENDER_COLUMNS, dtypes, empty_table

__all__ = ["empty_offenders", "offender_table"]


def offender_table(frame: pd.DataFrame, index: ClaimIndex) -> pd.DataFrame:
    """One row per cumulative figure a later one contradicts (see the module docstring).

    Columns: ``id``, the key columns ``index.by``, then :data:`~kzfigures.analysis.tables.OFFENDER_COLUMNS`,
    sorted by key, ``as_of`` and ``id``. Cost: one sort for the offenders, then for each
    offender a pass over the later figures of its series.
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
    count = np.zeros(len(offenders), dtype=np.int64)
    first = np.zeros(len(offenders), dtype=np.int64)  # as_of instants, UTC nanoseconds
    last = np.zeros(len(offenders), dtype=np.int64)
    lowest = np.zeros(len(offenders), dtype=np.int64)
    highest = np.zeros(len(offenders), dtype=np.int64)
    series_end = np.searchsorted(s_series, series[offenders], side="right")
    series_begin = np.searchsorted(s_series, series[offenders], side="left")
    for k, i in enumerate(offenders.tolist()):
        begin = series_begin[k] + np.searchsorted(s_start[series_begin[k] : series_end[k]], end[i], side="left")
        below = np.flatnonzero(s_high[begin : series_end[k]] < low[i]) + begin
        count[k] = len(below)
        first[k], last[k] = s_start[below].min(), s_start[below].max()
        lowest[k], highest[k] = s_high[below].min(), s_high[below].max()
    chosen = rows[offenders]
    table = frame[["id", *columns, "as_of", "low", "high"]].take(chosen).reset_index(drop=True)
    table["speaker"] = index.speaker_texts()[chosen]
    zone = frame["as_of"].dt.tz
    table["n_contradicted"] = count
    table["first_contradicted_as_of"] = pd.to_datetime(first, unit="ns", utc=True).tz_convert(zone)
    table["last_contradicted_as_of"] = pd.to_datetime(last, unit="ns", utc=True).tz_convert(zone)
    table["contradicted_low"] = lowest
    table["contradicted_high"] = highest
    table = table.astype(dtypes(OFFENDER_COLUMNS, frame))
    return table.sort_values([*columns, "as_of", "id"], kind="stable", na_position="last").reset_index(drop=True)


def empty_offenders(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The offender table with no rows, its key columns typed as ``frame``'s."""
    table = empty_table(frame, columns, OFFENDER_COLUMNS)
    table.insert(0, "id", pd.Series([], dtype="string"))
    return table
