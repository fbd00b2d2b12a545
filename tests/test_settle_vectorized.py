"""The vectorized settling of slots that stand alone equals the walk it replaced, claim for claim.

``walk_settle_latest_runs`` is ``conflicts.settle_latest_runs`` as it was before issue 22 (commit
9518f79): a Python walk over the slots calling ``stab_point`` per slot. The vectorized code
must give the same ``kept``, ``reason`` and ``witness`` arrays on every input, including ties of
weight, unbounded claims, negligible weights and cumulative series mixed in.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kzfigures.analysis._runs import run_cumsum, run_numbers, run_tuples
from kzfigures.analysis._sorting import UNBOUNDED, lexsort_stable
from kzfigures.analysis.conflicts import (
    REASONS,
    Settlement,
    _heaviest_consistent,
    _same_slot_witness,
    settle_drop_minority,
    settle_latest_runs,
    stab_point,
)

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]


def walk_settle_latest_runs(
    run: _IntArray,
    slot: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    weight: _FloatArray,
    cumulative: npt.NDArray[np.bool_],
) -> Settlement:
    """The walk of commit 9518f79, verbatim."""
    n = len(slot)
    kept = np.zeros(n, dtype=bool)
    reason = np.zeros(n, dtype=np.int64)
    witness = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return Settlement(kept=kept, reason=reason, witness=witness)
    order = lexsort_stable((np.asarray(slot, dtype=np.int64), np.asarray(run, dtype=np.int64)))
    s_run, s_slot = run[order], slot[order]
    bounds = np.flatnonzero((s_slot[1:] != s_slot[:-1]) | (s_run[1:] != s_run[:-1])) + 1
    starts = np.r_[0, bounds]
    # Per-slot summaries, so that the walk does scalar work on the common slot whose claims all
    # share a point and none is above U; only the other slots run the general code below.
    s_lo, s_hi, s_weight = lo[order], hi[order], weight[order]
    max_lo = np.maximum.reduceat(s_lo, starts).tolist()
    min_hi = np.minimum.reduceat(s_hi, starts).tolist()
    simple = (np.minimum.reduceat(s_weight, starts) > 1e-12 * np.add.reduceat(s_weight, starts)).tolist()
    group = run_numbers(starts, n)
    by_hi = lexsort_stable((s_hi, group))  # stable: the first claim of a slot with its smallest hi
    lowest_of = order[by_hi[starts]].tolist()
    ends = np.r_[bounds, n].tolist()
    series_of = s_run[starts].tolist()
    cumulative_of = np.asarray(cumulative, dtype=bool)[s_run[starts]].tolist()
    all_kept = np.zeros(len(starts), dtype=bool)
    upper, upper_claim, walking = UNBOUNDED, -1, -1
    for g in range(len(starts) - 1, -1, -1):
        if series_of[g] != walking:  # the latest slot of the next series: nothing is known after it
            upper, upper_claim, walking = UNBOUNDED, -1, series_of[g]
        is_cumulative = cumulative_of[g]
        if max_lo[g] <= min_hi[g] and simple[g] and (not is_cumulative or max_lo[g] <= upper):
            # Every claim contains max lo and is kept (stab_point would return max lo).
            all_kept[g] = True
            if is_cumulative and min_hi[g] <= upper:
                upper, upper_claim = min_hi[g], lowest_of[g]
            continue
        members = order[starts[g] : ends[g]]
        if is_cumulative:
            superseded = members[lo[members] > upper]
            reason[superseded] = REASONS.index("superseded")
            witness[superseded] = upper_claim
            members = members[lo[members] <= upper]
            if len(members) == 0:
                continue
        m_lo, m_hi, m_weight = lo[members], hi[members], weight[members]
        if m_lo.max() <= m_hi.min() and m_weight.min() > 1e-12 * m_weight.sum():
            # All share [max lo, min hi], where every other point is covered by less weight (by more
            # than stab_point's tolerance), so the sweep would return max lo: skip it.
            point = int(m_lo.max())
        else:
            point = stab_point(m_lo, m_hi, m_weight)
        inside = (m_lo <= point) & (point <= m_hi)
        winners = members[inside]
        kept[winners] = True
        for loser in members[~inside]:
            reason[loser] = REASONS.index("outweighed")
            witness[loser] = _same_slot_witness(lo, hi, loser, winners, point)
        if is_cumulative:
            lowest = winners[np.argmin(hi[winners])]
            if hi[lowest] <= upper:
                upper, upper_claim = int(hi[lowest]), int(lowest)
    kept[order[all_kept[group]]] = True
    return Settlement(kept=kept, reason=reason, witness=witness)


def _same(a: Settlement, b: Settlement) -> None:
    np.testing.assert_array_equal(a.kept, b.kept)
    np.testing.assert_array_equal(a.reason, b.reason)
    np.testing.assert_array_equal(a.witness, b.witness)


def _random_claims(
    rng: np.random.Generator, n: int, runs: int, slots: int, spread: int, weights: str
) -> tuple[_IntArray, _IntArray, _IntArray, _IntArray, _FloatArray, npt.NDArray[np.bool_]]:
    run = rng.integers(0, runs, n)
    slot = rng.integers(0, slots, n)
    lo = rng.integers(0, spread, n)
    hi = lo + rng.integers(0, max(1, spread // 3), n)
    hi[rng.random(n) < 0.1] = UNBOUNDED
    if weights == "dyadic":
        weight = rng.choice([0.5, 1.0, 2.0], n)
    elif weights == "ones":
        weight = np.ones(n)
    elif weights == "tiny":
        weight = np.where(rng.random(n) < 0.2, 1e-14, rng.random(n) + 0.1)
    else:
        weight = rng.random(n) * 3 + 1e-3
    cumulative = rng.random(runs) < 0.3
    return run, slot, lo, hi, weight, cumulative


@pytest.mark.parametrize("weights", ["dyadic", "ones", "tiny", "random"])
@pytest.mark.parametrize(("n", "runs", "slots", "spread"), [(50, 3, 4, 10), (2_000, 40, 10, 30), (5_000, 5, 3, 1000)])
def test_vectorized_settling_equals_the_walk_on_seeded_claims(
    weights: str, n: int, runs: int, slots: int, spread: int
) -> None:
    for seed in range(5):
        claims = _random_claims(np.random.default_rng(seed), n, runs, slots, spread, weights)
        _same(settle_latest_runs(*claims), walk_settle_latest_runs(*claims))


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),  # run
            st.integers(0, 3),  # slot
            st.integers(0, 12),  # lo
            st.one_of(st.none(), st.integers(0, 6)),  # hi - lo, None = unbounded
            st.sampled_from([0.5, 1.0, 2.0, 1 / 3, 1e-13, 0.1]),
        ),
        max_size=40,
    ),
    st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_vectorized_settling_equals_the_walk(
    claims: list[tuple[int, int, int, int | None, float]], cumulative: list[bool]
) -> None:
    run = np.array([c[0] for c in claims], dtype=np.int64)
    slot = np.array([c[1] for c in claims], dtype=np.int64)
    lo = np.array([c[2] for c in claims], dtype=np.int64)
    hi = np.array([UNBOUNDED if c[3] is None else c[2] + c[3] for c in claims], dtype=np.int64)
    weight = np.array([c[4] for c in claims], dtype=np.float64)
    flags = np.array(cumulative)
    _same(
        settle_latest_runs(run, slot, lo, hi, weight, flags), walk_settle_latest_runs(run, slot, lo, hi, weight, flags)
    )


@given(st.lists(st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=64), min_size=1, max_size=40), max_size=12))
def test_run_cumsum_is_cumsum_of_each_run_alone(runs: list[list[float]]) -> None:
    values = np.array([v for r in runs for v in r], dtype=np.float64)
    starts = np.cumsum([0] + [len(r) for r in runs[:-1]]).astype(np.intp) if runs else np.zeros(0, dtype=np.intp)
    expected = np.concatenate([np.cumsum(r) for r in runs]) if runs else np.zeros(0)
    np.testing.assert_array_equal(run_cumsum(values, starts), expected)


# --- drop-minority in stretches ------------------------------------------------------


def _drop_minority_whole(slot: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray) -> npt.NDArray[np.bool_]:
    """The program on the whole series, as settle_drop_minority ran it before issue 22."""
    _, component = np.unique(slot, return_inverse=True)
    component = component.astype(np.int64).reshape(-1)
    return _heaviest_consistent(component, lo, hi, weight, int(component.max()) + 1 if len(slot) else 0)


@pytest.mark.parametrize("weights", ["dyadic", "ones", "tiny", "random"])
@pytest.mark.parametrize(("n", "slots", "spread"), [(40, 8, 10), (400, 60, 50), (3_000, 500, 2_000)])
def test_drop_minority_in_stretches_equals_the_whole_program_on_seeded_claims(
    weights: str, n: int, slots: int, spread: int
) -> None:
    for seed in range(5):
        rng = np.random.default_rng(seed)
        _, slot, lo, hi, weight, _ = _random_claims(rng, n, 1, slots, spread, weights)
        # A rising count with dips, as an archive's corrections make: lo mostly follows the slot.
        lo = np.where(rng.random(n) < 0.9, slot * (spread // slots + 1) + rng.integers(0, 3, n), lo)
        hi = np.where(rng.random(n) < 0.7, lo, np.maximum(hi, lo))
        settled = settle_drop_minority(slot, lo, hi, weight, cumulative=True)
        np.testing.assert_array_equal(settled.kept, _drop_minority_whole(slot, lo, hi, weight))


@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),  # slot
            st.integers(0, 15),  # lo
            st.one_of(st.none(), st.integers(0, 5)),  # hi - lo, None = unbounded
            st.sampled_from([0.5, 1.0, 2.0, 1 / 3, 1e-13, 0.1]),
        ),
        max_size=30,
    )
)
def test_drop_minority_in_stretches_equals_the_whole_program(claims: list[tuple[int, int, int | None, float]]) -> None:
    slot = np.array([c[0] for c in claims], dtype=np.int64)
    lo = np.array([c[1] for c in claims], dtype=np.int64)
    hi = np.array([UNBOUNDED if c[2] is None else c[1] + c[2] for c in claims], dtype=np.int64)
    weight = np.array([c[3] for c in claims], dtype=np.float64)
    settled = settle_drop_minority(slot, lo, hi, weight, cumulative=True)
    np.testing.assert_array_equal(settled.kept, _drop_minority_whole(slot, lo, hi, weight))


@given(st.lists(st.integers(0, 4), max_size=30), st.integers(0, 3))
@example([1, 1, 1], 0)  # a run per item: zipped where the items lie
@example([1, 1, 1], 2)  # ... after items that no run holds
def test_run_tuples_of_an_array_equals_the_slices_of_a_list(lengths: list[int], skipped: int) -> None:
    starts = np.cumsum([skipped, *lengths[:-1]]).astype(np.intp) if lengths else np.zeros(0, dtype=np.intp)
    items = [f"id-{i}" for i in range(skipped + sum(lengths))]
    from_array = run_tuples(np.array(items, dtype=object), starts)
    assert from_array.tolist() == run_tuples(items, starts).tolist()
    assert all(type(t) is tuple for t in from_array.tolist())


def _drop_minority_alone_loop(
    slot: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray
) -> npt.NDArray[np.bool_]:
    """settle_drop_minority's kept set of a non-cumulative series before issue 22: stab_point per component."""
    _, component = np.unique(slot, return_inverse=True)
    component = component.astype(np.int64).reshape(-1)
    kept = np.zeros(len(slot), dtype=bool)
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    for members in np.split(order, bounds) if len(slot) else []:
        point = stab_point(lo[members], hi[members], weight[members])
        kept[members[(lo[members] <= point) & (point <= hi[members])]] = True
    return kept


@pytest.mark.parametrize("weights", ["dyadic", "ones", "tiny", "random"])
def test_drop_minority_of_daily_counts_equals_stab_point_per_component(weights: str) -> None:
    for seed in range(10):
        rng = np.random.default_rng(seed)
        _, slot, lo, hi, weight, _ = _random_claims(rng, 1_000, 1, 80, 40, weights)
        settled = settle_drop_minority(slot, lo, hi, weight, cumulative=False)
        np.testing.assert_array_equal(settled.kept, _drop_minority_alone_loop(slot, lo, hi, weight))


@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.integers(0, 12),
            st.one_of(st.none(), st.integers(0, 6)),
            st.sampled_from([0.5, 1.0, 2.0, 1 / 3, 1e-13, 0.1]),
        ),
        max_size=30,
    )
)
def test_drop_minority_of_daily_counts_equals_the_loop(claims: list[tuple[int, int, int | None, float]]) -> None:
    slot = np.array([c[0] for c in claims], dtype=np.int64)
    lo = np.array([c[1] for c in claims], dtype=np.int64)
    hi = np.array([UNBOUNDED if c[2] is None else c[1] + c[2] for c in claims], dtype=np.int64)
    weight = np.array([c[3] for c in claims], dtype=np.float64)
    settled = settle_drop_minority(slot, lo, hi, weight, cumulative=False)
    np.testing.assert_array_equal(settled.kept, _drop_minority_alone_loop(slot, lo, hi, weight))
