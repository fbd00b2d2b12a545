"""Consistency of interval claims with a non-decreasing count, and the conflict policies.

A claim ``i`` of a series says ``lo_i <= C(s_i) <= hi_i`` about the count ``C``
at time slot ``s_i`` (``hi_i = +inf`` when unbounded). For a cumulative series
``C`` is non-decreasing in the slot; for a non-cumulative one each slot stands
alone.

**Pairwise condition.** A set ``K`` of claims of a cumulative series is
*consistent* (some non-decreasing ``C`` satisfies every claim) iff

.. math:: lo_i \\le hi_j \\quad \\text{for all } i, j \\in K \\text{ with } s_i \\le s_j,

equivalently iff ``L(s_j) <= hi_j`` for every ``j``, where
``L(s) = max{lo_i : s_i <= s}``. *Necessity:* ``lo_i <= C(s_i) <= C(s_j) <= hi_j``.
*Sufficiency:* ``C = L`` is non-decreasing; ``L(s_j) >= lo_j`` by definition, and
``L(s_j) = lo_k`` for some ``k`` with ``s_k <= s_j``, so ``L(s_j) <= hi_j`` by the
condition. (Same-slot pairs, taken both ways round, say the intervals meet.) A
non-cumulative series is consistent iff the claims of each slot pairwise meet,
which for intervals (Helly's theorem in one dimension) means they share a point.

**Policies** (see ``docs/estimate.md`` for the full statements):

- :func:`settle_latest`: walk the slots from the latest to the earliest; drop
  every claim whose ``lo`` exceeds ``U``, the smallest ``hi`` kept at later
  slots (later information supersedes it); of the rest keep the heaviest set
  with a common point (ties: the highest such point); lower ``U`` by their
  ``hi``. ``O(n log n)``.
- :func:`settle_drop_minority`: the maximum-weight consistent subset, by
  dynamic programming over (slot, level) with levels the distinct ``lo``
  values. ``O(S * V)`` time and memory for ``S`` slots and ``V`` levels,
  vectorized over levels.

Both return, per claim, whether it is kept, the reason it was set aside and a
*witness*: a kept claim that contradicts it.

>>> import numpy as np
>>> slot, lo, hi, w = np.array([0, 0, 1]), np.array([410, 410, 300]), np.array([410, 410, 300]), np.ones(3)
>>> consistent(slot, lo, hi, cumulative=True)
False
>>> settle_latest(slot, lo, hi, w, cumulative=True).kept.tolist()
[False, False, True]
>>> settle_drop_minority(slot, lo, hi, w, cumulative=True).kept.tolist()
[True, True, False]
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis._runs import run_numbers
from kzfigures.analysis._sorting import PACK_LIMIT, UNBOUNDED, lexsort_stable, order_codes

__all__ = [
    "REASONS",
    "Settlement",
    "consistent",
    "settle_drop_minority",
    "settle_latest",
    "settle_latest_runs",
    "stab_point",
    "supersede",
]

#: The ``hi`` of an unbounded claim.

#: Reason codes of :class:`Settlement` (index 0 = kept).
REASONS: tuple[str, ...] = ("kept", "superseded", "outweighed", "outvoted")

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class Settlement:
    """What a policy decided for each claim of one series.

    ``kept[i]`` says whether claim ``i`` is kept; ``reason[i]`` indexes
    :data:`REASONS`; ``witness[i]`` is the index of a kept claim that
    contradicts a set-aside claim (``-1`` for kept claims).
    """

    kept: npt.NDArray[np.bool_]
    reason: _IntArray
    witness: _IntArray


def supersede(
    series: _IntArray, start: _IntArray, end: _IntArray, lo: _IntArray, hi: _IntArray
) -> tuple[npt.NDArray[np.bool_], _IntArray]:
    """The claims a later claim caps, and for each the claim that caps it (-1 for none).

    Claim ``i`` of a cumulative series describes the count at some moment of its period
    ``[start_i, end_i)``. It is *superseded* when a claim that is strictly later (its period
    starts at or after ``end_i``) has a bound below ``lo_i``:

    .. math:: lo_i > U(end_i), \\qquad U(t) = \\min\\{hi_j : start_j \\ge t\\}.

    Taking ``U`` over all claims gives the same set as over the claims kept: if ``lo_i >
    hi_j`` for a later ``j`` that is itself superseded by a later ``k``, then ``hi_k < lo_j
    <= hi_j < lo_i`` and ``k`` comes after ``i`` too; following such ``k`` ends at a kept claim
    below ``lo_i``. So the minimiser of ``U(end_i)`` (the smallest ``hi``, then the earliest
    start, then the first position) is kept, and it is the witness. What is left has no
    strictly ordered pair with ``lo_i > hi_j``: it is consistent. ``O(n log n)``: one sort by
    (series, start), a suffix minimum, one search.

    >>> import numpy as np
    >>> day = 86_400
    >>> capped, by = supersede(np.zeros(3, dtype=np.int64), np.array([0, day, 2 * day]),
    ...                        np.array([day, 2 * day, 3 * day]), np.array([207, 359, 253]),
    ...                        np.array([207, 359, 253]))
    >>> capped.tolist(), by.tolist()
    ([False, True, False], [-1, 2, -1])
    """
    n = len(series)
    if n == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    # Times as dense codes, so that (series, time) packs into one int64 to sort and search.
    codes = np.unique(np.concatenate([start, end]), return_inverse=True)[1].reshape(2, n)
    width = int(codes.max()) + 1
    key_start = series * width + codes[0]
    order = np.argsort(key_start, kind="stable")
    # Suffix minimum of (hi, start) within each series, as one packed code per claim.
    hi_code = order_codes(hi[order], PACK_LIMIT // width)[0]
    code = hi_code * width + codes[0][order]
    s_series = series[order]
    suffix = pd.Series(code[::-1]).groupby(s_series[::-1]).cummin().to_numpy()[::-1]
    # Where the suffix minimum is this claim's own code (the first of equal codes wins), and
    # from each position the nearest such claim at or after it: the one that attains the minimum.
    last_of_series = np.r_[s_series[1:] != s_series[:-1], True]
    attains = last_of_series | (code <= np.r_[suffix[1:], 0])
    at = np.where(attains, np.arange(n), n)
    nearest = pd.Series(at[::-1]).groupby(s_series[::-1]).cummin().to_numpy()[::-1]
    # The first claim (in start order) of i's series that starts at or after end_i.
    first_after = np.searchsorted(key_start[order], series * width + codes[1], side="left")
    in_series = first_after < n
    in_series[in_series] &= s_series[first_after[in_series]] == series[in_series]
    witness = np.full(n, -1, dtype=np.int64)
    witness[in_series] = order[nearest[first_after[in_series]]]
    capped = np.zeros(n, dtype=bool)
    capped[in_series] = lo[in_series] > hi[witness[in_series]]
    witness[~capped] = -1
    return capped, witness


def consistent(slot: _IntArray, lo: _IntArray, hi: _IntArray, *, cumulative: bool) -> bool:
    """Whether the claims of one series fit one count (the pairwise condition).

    ``O(n log n)``: one sort and a running maximum.

    >>> import numpy as np
    >>> consistent(np.array([0, 1]), np.array([5, 3]), np.array([9, 4]), cumulative=True)
    False
    >>> consistent(np.array([0, 1]), np.array([5, 3]), np.array([9, 4]), cumulative=False)
    True
    """
    if len(slot) == 0:
        return True
    _, inverse = np.unique(slot, return_inverse=True)
    slot_max_lo = np.full(inverse.max() + 1, -1, dtype=np.int64)
    np.maximum.at(slot_max_lo, inverse, lo)
    level = np.maximum.accumulate(slot_max_lo) if cumulative else slot_max_lo
    return bool(np.all(hi >= level[inverse]))


def stab_point(lo: _IntArray, hi: _IntArray, weight: _FloatArray) -> int:
    """Where a maximum-weight set of intervals overlaps: the highest point where the covering weight peaks.

    The intervals that contain the returned point are the heaviest set with
    a common point (ties, within a relative 1e-12, go to the highest such
    point). The point is where that stretch of greatest weight begins: the
    largest ``lo`` among those intervals, or, when a tie within the
    tolerance follows an end, that ``hi + 1``. A sweep over the sorted
    endpoints, ``O(n log n)``.

    >>> import numpy as np
    >>> stab_point(np.array([5400, 2000, 6044]), np.array([5999, 9999, 6044]), np.ones(3))
    6044
    """
    bounded = hi < UNBOUNDED
    positions = np.concatenate([lo, hi[bounded] + 1])
    deltas = np.concatenate([weight, -weight[bounded]])
    unique, inverse = np.unique(positions, return_inverse=True)
    step = np.zeros(len(unique))
    np.add.at(step, inverse, deltas)
    covered = np.cumsum(step)
    best = np.flatnonzero(np.isclose(covered, covered.max(), rtol=1e-12, atol=0.0))
    return int(unique[best[-1]])


def _same_slot_witness(lo: _IntArray, hi: _IntArray, loser: int, kept: _IntArray, point: int) -> int:
    # Every kept claim contains ``point``; a loser below it is contradicted by
    # the kept claim with the largest lo, a loser above it by the smallest hi.
    if hi[loser] < point:
        return int(kept[np.argmax(lo[kept])])
    return int(kept[np.argmin(hi[kept])])


def settle_latest(
    slot: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, *, cumulative: bool
) -> Settlement:
    """Later information supersedes earlier information it contradicts.

    Slots are walked from the latest to the earliest, keeping ``U``, the
    smallest ``hi`` among claims kept at later slots (``+inf`` at first). At
    slot ``s``: every claim with ``lo > U`` is set aside as *superseded*
    (its witness is the later kept claim that set ``U``, the nearest one on a
    tie); of the others, the claims containing :func:`stab_point` are kept
    and the rest are set aside as *outweighed* by a same-slot kept claim
    disjoint from them; then ``U`` becomes the minimum of ``U`` and the kept
    claims' ``hi``. Non-cumulative series skip ``U``. ``O(n log n)``.

    >>> import numpy as np
    >>> s = settle_latest(np.array([0, 0, 1]), np.array([5400, 6044, 7939]), np.array([5999, 6044, 7939]),
    ...                   np.ones(3), cumulative=True)
    >>> s.kept.tolist(), [REASONS[r] for r in s.reason], s.witness.tolist()
    ([False, True, True], ['outweighed', 'kept', 'kept'], [1, -1, -1])
    """
    run = np.zeros(len(slot), dtype=np.int64)
    return settle_latest_runs(run, slot, lo, hi, weight, np.array([cumulative]))


def settle_latest_runs(
    run: _IntArray,
    slot: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    weight: _FloatArray,
    cumulative: npt.NDArray[np.bool_],
) -> Settlement:
    """:func:`settle_latest` of several series at once, each walked on its own.

    ``run[i]`` numbers claim ``i``'s series (``0 .. R-1``) and
    ``cumulative[r]`` says whether series ``r`` is cumulative; witnesses are
    positions in these arrays, and never in another series. The numpy set-up
    (sorting, per-slot summaries) is paid once for all the series rather than
    once per series, which at 10^6 rows meant about a thousand calls.

    >>> import numpy as np
    >>> s = settle_latest_runs(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.array([410, 300, 410, 300]),
    ...                        np.array([410, 300, 410, 300]), np.ones(4), np.array([True, False]))
    >>> s.kept.tolist(), s.witness.tolist()
    ([False, True, True, True], [1, -1, -1, -1])
    """
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


def settle_drop_minority(
    slot: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, *, cumulative: bool
) -> Settlement:
    """Keep the maximum-weight consistent subset of the claims.

    A consistent set is fitted by ``C = L`` (see the module docstring), whose
    values are ``lo`` values; so it suffices to search non-decreasing
    staircases over the *levels* ``v_0 < ... < v_{V-1}`` (the distinct
    ``lo``). With ``g_s(v)`` the weight of the claims at slot ``s`` that
    contain ``v``:

    .. math:: P_s(v) = \\max_{v' \\le v} \\big(P_{s-1}(v') + g_s(v')\\big), \\quad P_{-1} = 0,

    and the optimum is ``P_{S-1}(v_{V-1})``. Tracing back from the latest
    slot, each slot takes the *highest* level at which the optimum is
    attained (the deterministic tie-break), and keeps every claim that
    contains it. Non-cumulative series take, per slot, the claims containing
    :func:`stab_point`. Every set-aside claim is *outvoted*; its witness is
    the kept claim with the smallest ``hi`` at its slot or later if that is
    below its ``lo``, else the kept claim with the largest ``lo`` at its slot
    or earlier. ``O(S * V)`` time and memory (``S`` slots, ``V`` levels),
    vectorized over levels.

    >>> import numpy as np
    >>> s = settle_drop_minority(np.array([0, 1, 2]), np.array([410, 410, 300]), np.array([410, 410, 300]),
    ...                          np.ones(3), cumulative=True)
    >>> s.kept.tolist(), s.witness.tolist()
    ([True, True, False], [-1, -1, 1])
    """
    n = len(slot)
    kept = np.zeros(n, dtype=bool)
    slots, slot_index = np.unique(slot, return_inverse=True)
    if not cumulative:
        for s in range(len(slots)):
            members = np.flatnonzero(slot_index == s)
            point = stab_point(lo[members], hi[members], weight[members])
            kept[members[(lo[members] <= point) & (point <= hi[members])]] = True
    else:
        levels = np.unique(lo)
        n_slots, n_levels = len(slots), len(levels)
        gain = np.zeros((n_slots, n_levels + 1))
        np.add.at(gain, (slot_index, np.searchsorted(levels, lo)), weight)
        np.add.at(gain, (slot_index, np.searchsorted(levels, hi, side="right")), -weight)
        gain = np.cumsum(gain, axis=1)[:, :n_levels]
        totals = np.empty_like(gain)
        best_so_far = np.zeros(n_levels)
        for s in range(n_slots):
            totals[s] = best_so_far + gain[s]
            best_so_far = np.maximum.accumulate(totals[s])
        cap = n_levels - 1
        for s in range(n_slots - 1, -1, -1):
            candidates = totals[s, : cap + 1]
            cap = int(np.flatnonzero(candidates == candidates.max())[-1])
            level = levels[cap]
            kept |= (slot_index == s) & (lo <= level) & (level <= hi)
    reason = np.where(kept, 0, REASONS.index("outvoted")).astype(np.int64)
    witness = _witness(slot_index, lo, hi, kept, len(slots), cumulative=cumulative)
    return Settlement(kept=kept, reason=reason, witness=witness)


def _witness(
    slot_index: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    kept: npt.NDArray[np.bool_],
    n_slots: int,
    *,
    cumulative: bool,
) -> _IntArray:
    """A kept claim contradicting each set-aside claim (``-1`` for kept ones).

    First the kept claim with the smallest ``hi`` at the claim's slot or later
    (the nearest on a tie), if that ``hi`` is below the claim's ``lo``; else
    the kept claim with the largest ``lo`` at its slot or earlier (the
    nearest on a tie). Non-cumulative series look at the claim's own slot.
    """
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
    lost = np.flatnonzero(~kept)
    where = slot_index[lost]
    witness[lost] = np.where(min_hi[where] < lo[lost], slot_min_claim[where], slot_max_claim[where])
    return witness
