"""Conflict policies against plain-Python walks of their stated rules."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis._sorting import UNBOUNDED as HI_INF
from kzfigures.analysis.conflicts import (
    REASONS,
    settle_drop_minority,
    settle_latest,
    settle_latest_runs,
    stab_point,
)
from tests._profiles import examples

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


# --- drop-minority under issue 19's model: claims of one component never conflict -------------------


def _arrays(rows: list[tuple[int, int, int | None, float]]) -> tuple[Any, Any, Any, Any]:
    slot = np.array([r[0] for r in rows], dtype=np.int64)
    lo = np.array([r[1] for r in rows], dtype=np.int64)
    hi = np.array([HI_INF if r[2] is None else r[1] + r[2] for r in rows], dtype=np.int64)
    return slot, lo, hi, np.array([r[3] for r in rows], dtype=np.float64)


def _fits(slot: Any, lo: Any, hi: Any, keep: Any) -> bool:
    """The pairwise condition, every pair: lo_i <= hi_j whenever slot_i < slot_j."""
    return all(lo[i] <= hi[j] for i in keep for j in keep if slot[i] < slot[j])


def _contradicts(slot: Any, lo: Any, hi: Any, i: int, j: int) -> bool:
    return bool((slot[j] > slot[i] and hi[j] < lo[i]) or (slot[j] < slot[i] and lo[j] > hi[i]))


def _check_outvoted(got: Any, slot: Any, lo: Any, hi: Any) -> None:
    for i in range(len(slot)):
        if got.kept[i]:
            assert got.reason[i] == 0
            assert got.witness[i] == -1
        else:
            assert REASONS[got.reason[i]] == "outvoted"
            j = int(got.witness[i])
            assert got.kept[j], (i, j)
            assert _contradicts(slot, lo, hi, i, j), (i, j)


# Weights are small integers (as floats): every subset's sum is exact, so ties are real ties.
small_claims = st.lists(
    st.tuples(
        st.integers(0, 3),  # slot
        st.integers(0, 12),  # lo
        st.one_of(st.integers(0, 6), st.none()),  # width, None = unbounded
        st.sampled_from([1.0, 2.0, 3.0]),  # weight
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=examples(300), deadline=None)
@given(small_claims)
def test_drop_minority_is_the_brute_force_choice(rows: list[tuple[int, int, int | None, float]]) -> None:
    """Against every subset: the kept set is consistent, of the greatest weight, and the tie-break's
    choice: the most claims of the latest slot, then of the one before, and so on. The docstring
    says the rival sets' kept claims of each slot are nested, so that choice is unique: checked."""
    slot, lo, hi, weight = _arrays(rows)
    n, slots = len(rows), sorted(set(slot.tolist()), reverse=True)

    def rank(keep: tuple[int, ...]) -> tuple[float, ...]:
        return (sum(weight[i] for i in keep), *(sum(1 for i in keep if slot[i] == s) for s in slots))

    subsets = [k for size in range(n + 1) for k in itertools.combinations(range(n), size) if _fits(slot, lo, hi, k)]
    best = max(rank(k) for k in subsets)
    winners = [k for k in subsets if rank(k) == best]
    assert len(winners) == 1
    got = settle_drop_minority(slot, lo, hi, weight, cumulative=True)
    assert tuple(np.flatnonzero(got.kept).tolist()) == winners[0]
    _check_outvoted(got, slot, lo, hi)


def _staircase_weight(slot: Any, lo: Any, hi: Any, weight: Any) -> float:
    """The optimum by the level form, a plain O(S V^2 n) dynamic program: v_c runs over -inf and the
    distinct lo, and component c keeps the claims meeting [v_{c-1}, v_c]."""
    levels = [-math.inf, *sorted(set(lo.tolist()))]
    best = dict.fromkeys(levels, 0.0)  # v_{c-1} = u -> greatest weight so far
    for s in sorted(set(slot.tolist())):
        members = np.flatnonzero(slot == s)
        best = {
            v: max(best[u] + sum(weight[i] for i in members if lo[i] <= v and hi[i] >= u) for u in levels if u <= v)
            for v in levels
        }
    return max(best.values())


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 40), st.one_of(st.integers(0, 15), st.none()), st.integers(1, 4)),
        min_size=1,
        max_size=40,
    )
)
def test_drop_minority_weight_equals_the_staircase_program(rows: list[Any]) -> None:
    """Beyond brute force's reach: the weight kept is the optimum of the level form (levels
    v_0 <= ... <= v_{S-1}), and the kept set is consistent and loses nothing it could keep."""
    slot, lo, hi, weight = _arrays([(s, a, b, float(w)) for s, a, b, w in rows])
    got = settle_drop_minority(slot, lo, hi, weight, cumulative=True)
    assert float(weight[got.kept].sum()) == _staircase_weight(slot, lo, hi, weight)
    assert _fits(slot, lo, hi, np.flatnonzero(got.kept).tolist())
    _check_outvoted(got, slot, lo, hi)


@settings(deadline=None)
@given(small_claims, st.randoms(use_true_random=False), st.lists(st.integers(1, 50), min_size=4, max_size=4))
def test_drop_minority_follows_the_claims_not_their_rows_or_slot_numbers(
    rows: list[tuple[int, int, int | None, float]], random: Any, gaps: list[int]
) -> None:
    """Shuffling the rows, renumbering the slots in the same order, or doubling every weight
    decides the same claims (the tie-break depends on slots and claims, not on row positions)."""
    slot, lo, hi, weight = _arrays(rows)
    got = settle_drop_minority(slot, lo, hi, weight, cumulative=True)
    order = np.arange(len(rows))
    random.shuffle(order)
    renumbered = np.cumsum(gaps)[slot]
    shuffled = settle_drop_minority(renumbered[order], lo[order], hi[order], 2 * weight[order], cumulative=True)
    assert shuffled.kept.tolist() == got.kept[order].tolist()
    assert shuffled.reason.tolist() == got.reason[order].tolist()


def test_same_slot_figures_are_a_rising_count_not_a_conflict() -> None:
    """60, 93, 115, 133 as of one day: all kept (the old model, one moment per slot, kept only one)."""
    slot, lo = np.zeros(4, dtype=np.int64), np.array([60, 93, 115, 133])
    got = settle_drop_minority(slot, lo, lo.copy(), np.ones(4), cumulative=True)
    assert got.kept.all()


def test_an_even_split_goes_to_the_later_figure() -> None:
    """410 on day 0 and a correction to 300 on day 1, equal weights: the correction stands; with the
    410 heavier, it stands instead."""
    slot, lo = np.array([0, 1]), np.array([410, 300])
    got = settle_drop_minority(slot, lo, lo.copy(), np.ones(2), cumulative=True)
    assert got.kept.tolist() == [False, True]
    assert got.witness.tolist() == [1, -1]
    got = settle_drop_minority(slot, lo, lo.copy(), np.array([2.0, 1.0]), cumulative=True)
    assert got.kept.tolist() == [True, False]
    assert got.witness.tolist() == [-1, 0]


def test_drop_minority_keeps_the_claims_meeting_the_rise_through_a_slot() -> None:
    """Slot 1 holds [5, 5] and [9, 9] (the count rose from 5 to 9 that day); slot 0 says 7 and
    slot 2 says 8. Keeping 7 and 8 (weight 5) forces the rise through slot 1 to lie in [7, 8],
    which neither claim of slot 1 meets; keeping both slot-1 claims (weight 2) would drop 7 (above
    the 5 after it) and 8 (below the 9 before it); 5 and 8 (weight 4) are not enough."""
    slot, lo = np.array([0, 1, 1, 2]), np.array([7, 5, 9, 8])
    got = settle_drop_minority(slot, lo, lo.copy(), np.array([2.0, 1.0, 1.0, 3.0]), cumulative=True)
    assert got.kept.tolist() == [True, False, False, True]
    assert got.witness.tolist() == [-1, 0, 3, -1]


@given(small_claims)
def test_drop_minority_of_a_non_cumulative_series_stabs_each_slot(
    rows: list[tuple[int, int, int | None, float]],
) -> None:
    slot, lo, hi, weight = _arrays(rows)
    got = settle_drop_minority(slot, lo, hi, weight, cumulative=False)
    for s in set(slot.tolist()):
        members = np.flatnonzero(slot == s)
        point = stab_point(lo[members], hi[members], weight[members])
        assert got.kept[members].tolist() == ((lo[members] <= point) & (point <= hi[members])).tolist()


def test_drop_minority_of_nothing() -> None:
    empty = np.zeros(0, dtype=np.int64)
    for cumulative in (True, False):
        got = settle_drop_minority(empty, empty, empty, np.zeros(0), cumulative=cumulative)
        assert got.kept.tolist() == got.witness.tolist() == []


def test_drop_minority_settles_100_000_claims() -> None:
    """100,000 claims in 2,000 slots of a rising count with noise, many contradictions (the old
    O(S * V) program asked for 25.8 GiB here, issue 18). The result is consistent, each
    set-aside claim has a kept witness that contradicts it, and it keeps more than the noise-free
    core (no timing assertion: docs/performance.md has the times)."""
    rng = np.random.default_rng(19)
    n, n_slots = 100_000, 2_000
    slot = np.sort(rng.integers(0, n_slots, n))
    truth = np.cumsum(rng.integers(0, 50, n_slots))[slot]
    noisy = rng.random(n) < 0.2
    lo = np.where(noisy, rng.integers(0, int(truth.max()) + 1, n), truth - rng.integers(0, 30, n)).clip(0)
    hi = np.where(rng.random(n) < 0.1, HI_INF, lo + rng.integers(0, 60, n))
    weight = rng.choice([0.5, 1.0, 2.0], n)
    got = settle_drop_minority(slot, lo, hi, weight, cumulative=True)
    kept = got.kept
    # Consistent: per slot, the largest lo kept at earlier slots is at most every hi kept at it.
    slot_max_lo = np.full(n_slots, -1)
    np.maximum.at(slot_max_lo, slot[kept], lo[kept])
    earlier = np.r_[-1, np.maximum.accumulate(slot_max_lo)[:-1]]
    assert np.all(hi[kept] >= earlier[slot[kept]])
    lost = np.flatnonzero(~kept)
    assert len(lost) > 0
    witness = got.witness[lost]
    assert np.all(kept[witness])
    later = (slot[witness] > slot[lost]) & (hi[witness] < lo[lost])
    before = (slot[witness] < slot[lost]) & (lo[witness] > hi[lost])
    assert np.all(later | before)
    core = ~noisy & (lo <= truth) & (truth <= hi)  # consistent: every one contains the true count
    assert weight[kept].sum() >= weight[core].sum()
