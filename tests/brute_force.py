"""Brute-force O(n^2) references for the monotonic-growth checks, straight from the definitions.

For a cumulative series, with time slots from :func:`kzfigures.analysis.index.time_slots`
("earlier" = smaller slot) and ``high = <NA>`` read as unbounded:

- a *definite* pair ``(i, j)``: ``i`` earlier than ``j`` and ``low_i > high_j``;
- a *conflict* pair ``{i, j}``: same slot and disjoint intervals;
- a *soft* pair ``(i, j)``: ``i`` earlier than ``j``, ``stated_i > stated_j``, the
  intervals overlap and the pair is not definite.

Pairs are returned as (earlier or first id, later or second id); conflict pairs sorted.
:func:`slots` recomputes time slots from overlapping periods, and :func:`violation_rows` the
``(kind, id, witness_id)`` rows of :func:`kzfigures.violations` from those slots, every pair checked.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kzfigures.analysis.index import period_bounds, series_ids, time_slots
from kzfigures.model import Figure


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


def slots(frame: pd.DataFrame) -> list[int]:
    """Time slots straight from their definition, ``O(n^2)`` (see :func:`slots_of`)."""
    start, end = (list(map(int, bound)) for bound in period_bounds(frame))
    return slots_of(start, end, list(series_ids(frame)))


def slots_of(start: list[int], end: list[int], series: list[Any]) -> list[int]:
    """Connected components of overlapping periods ``[start, end)`` within a series, numbered
    0, 1, ... by their earliest start, ``O(n^2)``."""
    n = len(start)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(n):
        for j in range(n):
            if series[i] == series[j] and start[i] < end[j] and start[j] < end[i]:
                parent[root(i)] = root(j)
    first: dict[int, int] = {}
    for i in range(n):
        first[root(i)] = min(first.get(root(i), start[i]), start[i])
    return [
        len({root(j) for j in range(n) if series[j] == series[i] and first[root(j)] < first[root(i)]}) for i in range(n)
    ]


def violation_rows(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    """``(kind, id, witness_id)`` of every violation, by the definitions in :func:`kzfigures.violations`,
    checking every pair: ``O(n^2)``. Slots come from :func:`slots`, points from :attr:`Figure.point`,
    and every arg max breaks ties to the smallest id."""
    rows = frame[frame["cumulative"].to_numpy(dtype=bool)].reset_index(drop=True)
    series = series_ids(rows)
    slot = slots(rows)
    ids = [str(i) for i in rows["id"]]
    low = [int(v) for v in rows["low"]]
    high = [math.inf if pd.isna(v) else int(v) for v in rows["high"]]
    point = [
        Figure(
            int(r.low),
            None if pd.isna(r.high) else int(r.high),
            None if pd.isna(r.stated) else int(r.stated),
            r.qualifier,
        ).point
        for r in rows.itertuples()
    ]
    found = set()

    def argmax(candidates: list[int], value: list[int]) -> int:
        return min(candidates, key=lambda j: (-value[j], ids[j]))

    for i in range(len(rows)):
        earlier = [j for j in range(len(rows)) if series[j] == series[i] and slot[j] < slot[i]]
        same = [j for j in range(len(rows)) if series[j] == series[i] and slot[j] == slot[i]]
        definite = any(low[j] > high[i] for j in earlier)
        if definite:
            found.add(("definite", ids[i], ids[argmax(earlier, low)]))
        w = argmax(same, low)
        if low[w] > high[i]:
            found.add(("conflict", ids[i], ids[w]))
        if earlier and not definite and point[i] < max(point[j] for j in earlier):
            found.add(("soft", ids[i], ids[argmax(earlier, point)]))
    return found


def settle_latest_walk(
    slot: list[int], lo: list[int], hi: list[float], weight: list[float], *, cumulative: bool
) -> tuple[list[bool], list[str], list[int]]:
    """:func:`kzfigures.analysis.conflicts.settle_latest` as its docstring states it, one claim at a time.

    ``hi`` uses ``math.inf`` for unbounded. The stab point is found by trying
    every ``lo`` as a candidate (the heaviest covered point is always some
    ``lo``), heaviest first, then highest; weights within a relative ``1e-12``
    count as equal, as in the library. Returns kept, reason and witness per claim.
    """
    n = len(slot)
    kept, reason, witness = [False] * n, ["kept"] * n, [-1] * n
    upper, upper_claim = math.inf, -1
    for s in sorted(set(slot), reverse=True):
        members = [i for i in range(n) if slot[i] == s]
        if cumulative:
            for i in members:
                if lo[i] > upper:
                    reason[i], witness[i] = "superseded", upper_claim
            members = [i for i in members if lo[i] <= upper]
            if not members:
                continue

        def cover(point: int, members: list[int] = members) -> float:
            return sum(weight[i] for i in members if lo[i] <= point <= hi[i])

        heaviest = max(cover(lo[i]) for i in members)
        point = max(lo[i] for i in members if abs(cover(lo[i]) - heaviest) <= 1e-12 * abs(heaviest))
        winners = [i for i in members if lo[i] <= point <= hi[i]]
        for i in winners:
            kept[i] = True
        for i in members:
            if i in winners:
                continue
            reason[i] = "outweighed"
            if hi[i] < point:  # below: the first winner with the largest lo contradicts it
                witness[i] = max(winners, key=lambda k: (lo[k], -winners.index(k)))
            else:  # above: the first winner with the smallest hi
                witness[i] = min(winners, key=lambda k: (hi[k], winners.index(k)))
        if cumulative:
            lowest = min(winners, key=lambda k: (hi[k], winners.index(k)))
            if hi[lowest] <= upper:
                upper, upper_claim = hi[lowest], lowest
    return kept, reason, witness
