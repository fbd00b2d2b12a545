"""Conflict policies against plain-Python walks of their stated rules."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kzfigures.analysis._sorting import UNBOUNDED as HI_INF
from kzfigures.analysis.conflicts import REASONS, settle_latest, settle_latest_runs, stab_point

from .brute_force import settle_latest_walk

claims = st.lists(
    st.tuples(
        st.integers(0, 4),  # slot
        st.integers(0, 12),  # lo
        st.one_of(st.integers(0, 6), st.none()),  # width, None = unbounded
        st.sampled_from([1.0, 2.0, 0.5, 3.0]),  # weight
    ),
    min_size=1,
    max_size=14,
)


@given(claims, st.booleans())
def test_settle_latest_follows_the_walk(rows: list[tuple[int, int, int | None, float]], cumulative: bool) -> None:
    slot = [r[0] for r in rows]
    lo = [r[1] for r in rows]
    hi = [math.inf if r[2] is None else r[1] + r[2] for r in rows]
    weight = [r[3] for r in rows]
    expected = settle_latest_walk(slot, lo, hi, weight, cumulative=cumulative)
    got = settle_latest(
        np.array(slot, dtype=np.int64),
        np.array(lo, dtype=np.int64),
        np.array([HI_INF if h == math.inf else h for h in hi], dtype=np.int64),
        np.array(weight),
        cumulative=cumulative,
    )
    assert got.kept.tolist() == expected[0]
    assert [REASONS[r] for r in got.reason] == expected[1]
    assert got.witness.tolist() == expected[2]


@given(st.lists(st.tuples(claims, st.booleans()), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_settling_series_together_is_settling_each_alone(series: list[tuple[list[Any], bool]], random: Any) -> None:
    """settle_latest_runs on shuffled rows of several series equals settle_latest on each series.

    settle_latest is settle_latest_runs of one series (checked against the walk above), so this
    holds that series do not reach each other: U starts afresh, witnesses stay in their series.
    """
    rows = [(k, *row) for k, (part, _) in enumerate(series) for row in part]
    order = list(range(len(rows)))
    random.shuffle(order)
    run, slot, lo, width, weight = (np.array([rows[i][c] for i in order]) for c in range(5))
    hi = np.array([HI_INF if w is None else low + w for low, w in zip(lo, width, strict=True)], dtype=np.int64)
    lo = lo.astype(np.int64)
    together = settle_latest_runs(run, slot, lo, hi, weight.astype(float), np.array([c for _, c in series]))
    for k, (_, cumulative) in enumerate(series):
        mine = np.flatnonzero(run == k)
        alone = settle_latest(slot[mine], lo[mine], hi[mine], weight[mine].astype(float), cumulative=cumulative)
        assert together.kept[mine].tolist() == alone.kept.tolist()
        assert together.reason[mine].tolist() == alone.reason.tolist()
        expected = [int(mine[w]) if w >= 0 else -1 for w in alone.witness]
        assert together.witness[mine].tolist() == expected


def test_a_claim_whose_lo_equals_the_later_bound_is_not_superseded() -> None:
    """U = 10 from slot 1; at slot 0 the claim [10, 10] meets it (lo <= U) and [12, 12] is above it."""
    got = settle_latest(
        np.array([0, 0, 1]), np.array([10, 12, 10]), np.array([10, 12, 10]), np.ones(3), cumulative=True
    )
    assert got.kept.tolist() == [True, False, True]
    assert [REASONS[r] for r in got.reason] == ["kept", "superseded", "kept"]
    assert got.witness.tolist() == [-1, 2, -1]


def test_settle_latest_of_nothing() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert settle_latest(empty, empty, empty, np.zeros(0), cumulative=True).kept.tolist() == []


_INTERVALS = st.lists(
    st.tuples(st.integers(0, 30), st.one_of(st.integers(0, 20), st.none())), min_size=1, max_size=12
).map(lambda pairs: ([lo for lo, _ in pairs], [HI_INF if span is None else lo + span for lo, span in pairs]))


@given(_INTERVALS, st.data())
def test_stab_point_is_the_highest_point_of_greatest_covering_weight(intervals, data):
    """The largest lo where the covering weight is greatest, against every lo with integer weights
    (exact sums)."""
    lo, hi = intervals
    weight = data.draw(st.lists(st.integers(1, 4), min_size=len(lo), max_size=len(lo)))
    arrays = np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64), np.array(weight, dtype=np.float64)

    def cover(p: int) -> int:
        return sum(w for a, b, w in zip(lo, hi, weight, strict=True) if a <= p <= b)

    candidates = set(lo)  # the covering weight only rises at a lo
    best = max(cover(p) for p in candidates)
    expected = max(p for p in candidates if cover(p) == best)
    assert stab_point(*arrays) == expected
