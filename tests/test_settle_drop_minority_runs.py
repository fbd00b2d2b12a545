"""Drop-minority settled for every series at once equals the per-series code it replaced, result for result.

``old_settle_drop_minority`` and its helpers are ``conflicts.settle_drop_minority`` as it was
at commit cc3e4a3 (one call per series, with its own stretches, stab points and witnesses),
kept here as the oracle; the program itself (``_heaviest_consistent``) is unchanged and
imported. ``settle_drop_minority_runs`` must give the same ``kept``, ``reason`` and
``witness`` arrays as that oracle called series by series, and ``best_estimate`` the same
frames as with the oracle in its place, on generated inputs (ties of weight, unbounded claims,
negligible weights, cumulative and daily series mixed) and on every benchmark shape.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzfigures
from benchmarks.workloads import SHAPES, shape
from kzfigures.analysis import estimate
from kzfigures.analysis._runs import run_cumsum, run_starts
from kzfigures.analysis._sorting import UNBOUNDED, argsort_stable, lexsort_stable
from kzfigures.analysis.conflicts import (
    REASONS,
    Settlement,
    _heaviest_consistent,
    settle_drop_minority,
    settle_drop_minority_runs,
)
from tests._profiles import examples

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]


def old_settle_drop_minority(
    slot: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, *, cumulative: bool
) -> Settlement:
    """settle_drop_minority of one series as it was at commit cc3e4a3, verbatim but for names."""
    n = len(slot)
    _, component = np.unique(slot, return_inverse=True)
    component = component.astype(np.int64).reshape(-1)
    n_components = int(component.max()) + 1 if n else 0
    if cumulative:
        kept = _old_heaviest_consistent_in_parts(component, lo, hi, weight, n_components)
    else:
        # Each component alone: the claims containing its stab point, every component at once.
        point = _old_stab_points(component, lo, hi, weight, n_components)[component] if n else np.zeros(0, np.int64)
        kept = (lo <= point) & (point <= hi)
    reason = np.where(kept, 0, REASONS.index("outvoted")).astype(np.int64)
    witness = _old_witness(component, lo, hi, kept, n_components, cumulative=cumulative)
    return Settlement(kept=kept, reason=reason, witness=witness)


def _old_heaviest_consistent_in_parts(
    component: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, n_components: int
) -> npt.NDArray[np.bool_]:
    """The stretches of one series, each through the program, as at cc3e4a3."""
    n = len(component)
    kept = np.ones(n, dtype=bool)
    if n == 0:
        return kept
    tolerance = 1e-12 * float(np.sum(weight))
    most_lo = np.full(n_components, np.iinfo(np.int64).min, dtype=np.int64)
    least_hi = np.full(n_components, UNBOUNDED, dtype=np.int64)
    np.maximum.at(most_lo, component, lo)
    np.minimum.at(least_hi, component, hi)
    cut = np.maximum.accumulate(most_lo)[:-1] <= np.minimum.accumulate(least_hi[::-1])[::-1][1:]
    stretch = np.r_[0, np.cumsum(cut)]  # of each component
    first = np.flatnonzero(np.r_[True, cut])  # each stretch's first component
    width = np.diff(np.r_[first, n_components])
    by_stretch = argsort_stable(stretch[component])  # stable: claims keep their order within a stretch
    bounds = np.searchsorted(stretch[component][by_stretch], np.arange(len(first) + 1))
    for s_index in np.flatnonzero(width > 1).tolist():
        begin, components = int(first[s_index]), int(width[s_index])
        members = by_stretch[bounds[s_index] : bounds[s_index + 1]]
        kept[members] = _heaviest_consistent(
            component[members] - begin, lo[members], hi[members], weight[members], components, tolerance
        )
    return kept


def _old_witness(
    slot_index: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    kept: npt.NDArray[np.bool_],
    n_slots: int,
    *,
    cumulative: bool,
) -> _IntArray:
    """The witnesses of one series, as at cc3e4a3."""
    witness = np.full(len(lo), -1, dtype=np.int64)
    kept_idx = np.flatnonzero(kept)
    if len(kept_idx) == 0:
        return witness
    # Per slot: the kept claim with the smallest hi and the one with the largest lo.
    by_hi = kept_idx[np.lexsort((hi[kept_idx], slot_index[kept_idx]))]
    first = np.r_[True, np.diff(slot_index[by_hi]) != 0]
    slot_min_claim = np.full(n_slots, -1, dtype=np.int64)
    slot_min_claim[slot_index[by_hi[first]]] = by_hi[first]
    by_lo = kept_idx[np.lexsort((-lo[kept_idx], slot_index[kept_idx]))]
    first = np.r_[True, np.diff(slot_index[by_lo]) != 0]
    slot_max_claim = np.full(n_slots, -1, dtype=np.int64)
    slot_max_claim[slot_index[by_lo[first]]] = by_lo[first]
    min_hi = np.where(slot_min_claim >= 0, hi[slot_min_claim], UNBOUNDED)
    max_lo = np.where(slot_max_claim >= 0, lo[slot_max_claim], -1)
    if cumulative:
        positions = np.arange(n_slots)
        suffix_min = np.minimum.accumulate(min_hi[::-1])[::-1]
        # The nearest slot at or after s that attains the suffix minimum.
        attains = np.where((min_hi == suffix_min) & (slot_min_claim >= 0), positions, n_slots)
        nearest = np.minimum.accumulate(attains[::-1])[::-1]
        slot_min_claim = np.where(nearest < n_slots, slot_min_claim[np.minimum(nearest, n_slots - 1)], -1)
        min_hi = suffix_min
        prefix_max = np.maximum.accumulate(max_lo)
        attains = np.where((max_lo == prefix_max) & (slot_max_claim >= 0), positions, -1)
        nearest = np.maximum.accumulate(attains)
        slot_max_claim = np.where(nearest >= 0, slot_max_claim[np.maximum(nearest, 0)], -1)
        max_lo = prefix_max
        # Claims of one component never contradict each other: look strictly later and strictly earlier.
        min_hi, slot_min_claim = np.r_[min_hi[1:], UNBOUNDED], np.r_[slot_min_claim[1:], -1]
        max_lo, slot_max_claim = np.r_[-1, max_lo[:-1]], np.r_[-1, slot_max_claim[:-1]]
    lost = np.flatnonzero(~kept)
    where = slot_index[lost]
    witness[lost] = np.where(min_hi[where] < lo[lost], slot_min_claim[where], slot_max_claim[where])
    return witness


def _old_stab_points(slot_of: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, n_slots: int) -> _IntArray:
    """The stab point of each slot of one series, as at cc3e4a3."""
    bounded = hi < UNBOUNDED
    event_slot = np.concatenate([slot_of, slot_of[bounded]]).astype(np.int64)
    event_at = np.concatenate([lo, hi[bounded] + 1])
    event_weight = np.concatenate([weight, -weight[bounded]])
    by_place = lexsort_stable((event_at, event_slot))
    placed_slot, placed_at = event_slot[by_place], event_at[by_place]
    new_cell = np.r_[True, (placed_slot[1:] != placed_slot[:-1]) | (placed_at[1:] != placed_at[:-1])]
    cell = np.empty(len(by_place), dtype=np.intp)
    cell[by_place] = np.cumsum(new_cell) - 1
    step = np.zeros(int(new_cell.sum()))
    np.add.at(step, cell, event_weight)
    cell_slot, cell_at = placed_slot[new_cell], placed_at[new_cell]
    cell_starts = run_starts(cell_slot)
    covered = run_cumsum(step, cell_starts)
    peak = np.repeat(np.maximum.reduceat(covered, cell_starts), np.diff(np.r_[cell_starts, len(covered)]))
    close = np.abs(covered - peak) <= 1e-12 * np.abs(peak)
    last_close = np.maximum.reduceat(np.where(close, np.arange(len(covered)), -1), cell_starts)
    point = np.zeros(n_slots, dtype=np.int64)
    point[cell_slot[cell_starts]] = cell_at[last_close]
    return point


def old_settle_runs(
    run: _IntArray,
    slot: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    weight: _FloatArray,
    cumulative: npt.NDArray[np.bool_],
) -> Settlement:
    """The oracle series by series, as ``estimate._settle`` called it at cc3e4a3."""
    n = len(slot)
    kept = np.ones(n, dtype=bool)
    reason = np.zeros(n, dtype=np.int64)
    witness = np.full(n, -1, dtype=np.int64)
    for r in np.unique(run).tolist():
        piece = np.flatnonzero(run == r)
        settled = old_settle_drop_minority(
            slot[piece], lo[piece], hi[piece], weight[piece], cumulative=bool(cumulative[r])
        )
        kept[piece] = settled.kept
        reason[piece] = settled.reason
        witness[piece] = np.where(settled.witness >= 0, piece[settled.witness], -1)
    return Settlement(kept=kept, reason=reason, witness=witness)


def _assert_same(got: Settlement, want: Settlement) -> None:
    assert got.kept.tolist() == want.kept.tolist()
    assert got.reason.tolist() == want.reason.tolist()
    assert got.witness.tolist() == want.witness.tolist()


@st.composite
def _runs(draw: st.DrawFn) -> tuple[_IntArray, _IntArray, _IntArray, _IntArray, _FloatArray, npt.NDArray[np.bool_]]:
    n_runs = draw(st.integers(1, 5))
    sizes = draw(st.lists(st.integers(1, 14), min_size=n_runs, max_size=n_runs))
    n = sum(sizes)
    run = np.repeat(np.arange(n_runs), sizes).astype(np.int64)
    if draw(st.booleans()):  # series need not be contiguous
        run = np.array(draw(st.permutations(run.tolist())), dtype=np.int64)
    slot = np.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), dtype=np.int64)
    lo = np.array(draw(st.lists(st.integers(0, 12), min_size=n, max_size=n)), dtype=np.int64)
    span = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    unbounded = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    hi = np.array([UNBOUNDED if u and d == 6 else int(a) + d for a, d, u in zip(lo, span, unbounded, strict=True)])
    weight = np.array(
        draw(st.lists(st.sampled_from([1.0, 2.0, 0.5, 1e-14, 0.1, 0.2, 0.3, 3.0]), min_size=n, max_size=n))
    )
    cumulative = np.array(draw(st.lists(st.booleans(), min_size=n_runs, max_size=n_runs)))
    return run, slot, lo, hi.astype(np.int64), weight, cumulative


@settings(max_examples=examples(400), deadline=None)
@given(_runs())
def test_runs_equal_the_per_series_code(case: tuple[_IntArray, ...]) -> None:
    run, slot, lo, hi, weight, cumulative = case
    _assert_same(
        settle_drop_minority_runs(run, slot, lo, hi, weight, cumulative),  # type: ignore[arg-type]
        old_settle_runs(run, slot, lo, hi, weight, cumulative),  # type: ignore[arg-type]
    )


@settings(max_examples=examples(200), deadline=None)
@given(_runs())
def test_one_series_equals_the_old_function(case: tuple[_IntArray, ...]) -> None:
    run, slot, lo, hi, weight, _ = case
    piece = run == run[0]
    for flag in (True, False):
        _assert_same(
            settle_drop_minority(slot[piece], lo[piece], hi[piece], weight[piece], cumulative=flag),  # type: ignore[arg-type]
            old_settle_drop_minority(slot[piece], lo[piece], hi[piece], weight[piece], cumulative=flag),  # type: ignore[arg-type]
        )


def test_empty() -> None:
    empty = np.zeros(0, dtype=np.int64)
    got = settle_drop_minority_runs(empty, empty, empty, empty, np.zeros(0), np.zeros(0, dtype=bool))
    assert (len(got.kept), len(got.reason), len(got.witness)) == (0, 0, 0)


def _frames(result: kzfigures.Estimate) -> list[pd.DataFrame]:
    return [result.series, result.set_aside]


@pytest.mark.parametrize("name", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_best_estimate_frames_are_identical_on_every_shape(
    name: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = shape(name, 3_000, seed=seed).frame
    prepared = kzfigures.prepare(frame)
    got = kzfigures.best_estimate(prepared, on_conflict="drop-minority")
    monkeypatch.setattr(estimate, "settle_drop_minority_runs", old_settle_runs)
    want = kzfigures.best_estimate(prepared, on_conflict="drop-minority")
    if name in ("conflict-mix", "crossing-speakers", "one-huge-series"):
        assert len(want.set_aside) > 0  # the comparison covers claims set aside
    for g, w in zip(_frames(got), _frames(want), strict=True):
        pd.testing.assert_frame_equal(g, w, check_exact=True)
