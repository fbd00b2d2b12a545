"""Brute-force O(n^2) references for the monotonic-growth checks, straight from the definitions.

For a cumulative series, with time slots from :func:`kzfigures.claims.time_slots`
("earlier" = smaller slot) and ``high = <NA>`` read as unbounded:

- a *definite* pair ``(i, j)``: ``i`` earlier than ``j`` and ``low_i > high_j``;
- a *conflict* pair ``{i, j}``: same slot and disjoint intervals;
- a *soft* pair ``(i, j)``: ``i`` earlier than ``j``, ``stated_i > stated_j``, the
  intervals overlap and the pair is not definite.

Pairs are returned as (earlier or first id, later or second id); conflict pairs sorted.
"""

from __future__ import annotations

import math

import pandas as pd

from kzfigures.claims import series_ids, time_slots


def _rows(frame: pd.DataFrame) -> list[tuple[str, int, int, int, float, float]]:
    series = series_ids(frame)
    slots = time_slots(frame)
    out = []
    for position, row in enumerate(frame.itertuples(index=False)):
        if not row.cumulative:
            continue
        high = math.inf if pd.isna(row.high) else int(row.high)
        stated = math.nan if pd.isna(row.stated) else int(row.stated)
        out.append((row.id, int(series[position]), int(slots[position]), int(row.low), high, stated))
    return out


def definite_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    rows = _rows(frame)
    return {(a[0], b[0]) for a in rows for b in rows if a[1] == b[1] and a[2] < b[2] and a[3] > b[4]}


def conflict_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    rows = _rows(frame)
    return {
        (a[0], b[0])
        for a in rows
        for b in rows
        if a[0] < b[0] and a[1] == b[1] and a[2] == b[2] and (a[3] > b[4] or b[3] > a[4])
    }


def soft_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    rows = _rows(frame)
    return {
        (a[0], b[0])
        for a in rows
        for b in rows
        if a[1] == b[1] and a[2] < b[2] and a[5] > b[5] and max(a[3], b[3]) <= min(a[4], b[4])
    }
