"""Brute-force O(n^2) references for the monotonic-growth checks, straight from the definitions.

For a cumulative series, each row ``i`` has a period ``[s_i, e_i)`` from
:func:`kzfigures.analysis.index.period_bounds`; ``i`` is strictly before ``j`` when
``e_i <= s_j``; overlapping periods are unordered. ``high = <NA>`` reads as unbounded.

- a *definite* pair ``(i, j)``: ``i`` strictly before ``j`` and ``low_i > high_j``;
- a *soft* pair ``(i, j)``: ``i`` strictly before ``j``, both state a number, ``point_i > point_j``,
  and ``j`` is in no definite pair;
- a *disagreement* pair ``(i, j)``: overlapping periods, different speakers, ``low_i > high_j``.

Pairs are returned as (witness side ``i``, offending side ``j``). :func:`violation_rows` gives
the rows of :func:`kzfigures.violations` (violations and disagreements), every pair checked;
:func:`consistent` decides consistency by searching the linear extensions of the order.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from kzfigures.analysis.index import period_bounds, series_ids, speakers
from kzfigures.model import Figure


def _table(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """The cumulative rows as columns of Python values: id, series, start, end, low, high, stated, point, speaker."""
    rows = frame[frame["cumulative"].to_numpy(dtype=bool)].reset_index(drop=True)
    if len(rows) == 0:
        return {k: [] for k in ("id", "series", "start", "end", "low", "high", "stated", "point", "speaker", "slot")}
    start, end = (list(map(int, bound)) for bound in period_bounds(rows))
    series = [int(s) for s in series_ids(rows)]
    return {
        "id": [str(i) for i in rows["id"]],
        "series": series,
        "start": start,
        "end": end,
        "low": [int(v) for v in rows["low"]],
        "high": [math.inf if pd.isna(v) else int(v) for v in rows["high"]],
        "stated": [not pd.isna(v) for v in rows["stated"]],
        "point": [
            Figure(
                int(r.low),
                None if pd.isna(r.high) else int(r.high),
                None if pd.isna(r.stated) else int(r.stated),
                r.qualifier,
            ).point
            for r in rows.itertuples()
        ],
        "speaker": speakers(rows).tolist(),
        "slot": slots_of(start, end, series),
    }


def _before(t: dict[str, list[Any]], i: int, j: int) -> bool:
    return bool(t["series"][i] == t["series"][j] and t["end"][i] <= t["start"][j])


def _overlap(t: dict[str, list[Any]], i: int, j: int) -> bool:
    return bool(t["series"][i] == t["series"][j] and t["start"][i] < t["end"][j] and t["start"][j] < t["end"][i])


def definite_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    t = _table(frame)
    n = len(t["id"])
    return {
        (t["id"][i], t["id"][j]) for i in range(n) for j in range(n) if _before(t, i, j) and t["low"][i] > t["high"][j]
    }


def soft_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    t = _table(frame)
    n = len(t["id"])
    definite = {j for _, j in definite_pairs(frame)}
    return {
        (t["id"][i], t["id"][j])
        for i in range(n)
        for j in range(n)
        if _before(t, i, j)
        and t["stated"][i]
        and t["stated"][j]
        and t["point"][i] > t["point"][j]
        and t["id"][j] not in definite
    }


def disagreement_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    t = _table(frame)
    n = len(t["id"])
    return {
        (t["id"][i], t["id"][j])
        for i in range(n)
        for j in range(n)
        if _overlap(t, i, j) and t["speaker"][i] != t["speaker"][j] and t["low"][i] > t["high"][j]
    }


def consistent(frame: pd.DataFrame) -> bool:
    """Whether some non-decreasing count meets every cumulative figure at some moment of its period.

    Searched directly, for small frames (``n <= 7`` per series): the figures are met in some
    order that respects "strictly before" (a linear extension; any of them is realisable by
    moments ``tau = max(starts so far) + epsilon``), and a non-decreasing count meets them in
    that order iff the running maximum of the lows never exceeds the next high.
    """
    t = _table(frame)
    n = len(t["id"])
    for s in set(t["series"]):
        mine = [i for i in range(n) if t["series"][i] == s]
        if not any(_realisable(t, order) for order in itertools.permutations(mine)):
            return False
    return True


def _realisable(t: dict[str, list[Any]], order: tuple[int, ...]) -> bool:
    # A linear extension: no later figure in the order is strictly before an earlier one.
    if any(_before(t, order[b], order[a]) for a in range(len(order)) for b in range(a + 1, len(order))):
        return False
    # Moments along the order: the k-th is the latest start so far plus k * epsilon (distinct,
    # increasing); it lies in the k-th period iff that start is before the period's end.
    latest = -math.inf
    for i in order:
        latest = max(latest, t["start"][i])
        if not latest < t["end"][i]:
            return False
    running = 0
    for i in order:
        running = max(running, t["low"][i])
        if running > t["high"][i]:
            return False
    return True


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


def violation_rows(frame: pd.DataFrame) -> set[tuple[Any, ...]]:
    """``(kind, id, witness_id, relation, drop, time_gap, n_conflicting_earlier, slot, witness_slot)``
    of every row of :func:`kzfigures.violations` (``.frame`` and ``.disagreements``), by the definitions,
    checking every pair: ``O(n^2)``. Every arg max breaks ties to the smallest id."""
    t = _table(frame)
    n = len(t["id"])
    ids, low, high, point = t["id"], t["low"], t["high"], t["point"]
    found = set()

    def argmax(candidates: list[int], value: list[int]) -> int:
        return min(candidates, key=lambda j: (-value[j], ids[j]))

    def row(kind: str, j: int, w: int, drop: int, count: int) -> tuple[Any, ...]:
        relation = "revision" if t["speaker"][j] == t["speaker"][w] else "disagreement"
        gap = t["start"][j] - t["start"][w]
        return (kind, ids[j], ids[w], relation, int(drop), gap, count, t["slot"][j], t["slot"][w])

    for j in range(n):
        earlier = [i for i in range(n) if _before(t, i, j)]
        above = sum(1 for i in earlier if low[i] > high[j])
        if above:
            w = argmax(earlier, low)
            found.add(row("definite", j, w, low[w] - high[j], above))
        stated = [i for i in earlier if t["stated"][i]]
        if not above and t["stated"][j] and stated:
            w = argmax(stated, point)
            if point[w] > point[j]:
                found.add(row("soft", j, w, point[w] - point[j], 0))
        others = [i for i in range(n) if _overlap(t, i, j) and t["speaker"][i] != t["speaker"][j]]
        over = sum(1 for i in others if low[i] > high[j])
        if over:
            w = argmax(others, low)
            found.add(row("disagreement", j, w, low[w] - high[j], over))
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
