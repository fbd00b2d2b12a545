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
- :func:`settle_drop_minority`: the maximum-weight consistent subset under
  issue 19's model (slots are components: claims of one component never
  conflict, the count may rise within it), by a dynamic program over
  components whose value functions are kept as jumps at the distinct ``lo``
  and rolled back for the traceback; ties go to the later components.
  ``O(n log n)`` time, ``O(n)`` memory.

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

import bisect

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis._runs import run_cumsum, run_numbers, run_prefix_max, run_starts, run_suffix_min
from kzfigures.analysis._sorting import UNBOUNDED, argsort_stable, lexsort_stable, order_codes

__all__ = [
    "REASONS",
    "Settlement",
    "consistent",
    "settle_drop_minority",
    "settle_drop_minority_runs",
    "settle_latest",
    "settle_latest_runs",
    "stab_point",
    "supersede",
]

#: The ``hi`` of an unbounded claim.

#: Reason codes of :class:`Settlement` (index 0 = kept).
REASONS: tuple[str, ...] = ("kept", "superseded", "outweighed", "outvoted")

#: Below every level: the ``v_{-1}`` of :func:`settle_drop_minority`.
_NO_LEVEL = int(np.iinfo(np.int64).min)

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
    series: _IntArray, start: _IntArray, end: _IntArray, lo: _IntArray, hi: _IntArray, rank: _IntArray | None = None
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
    start, then the smallest ``rank``, e.g. of the ids; else the first position) is kept, and it
    is the witness. What is left has no
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
    # Times as codes that order as they do, so that (series, time) packs into one int64.
    # Dense enough codes that (hi, time) and (series, time) each pack into an int64: at most 2n
    # time codes and n hi codes, so every product stays below 2 n^2 (order_codes falls back to
    # ranks when the shifted values would not fit).
    time_codes, width = order_codes(np.concatenate([start, end]), 2 * n + 1)
    codes = time_codes.reshape(2, n)
    key_start = series * width + codes[0]
    order = argsort_stable(key_start) if rank is None else lexsort_stable((rank, key_start))
    # Suffix minimum of (hi, start) within each series, as one packed code per claim.
    hi_code = order_codes(hi[order], n + 1)[0]
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
    max_lo_of = np.maximum.reduceat(s_lo, starts)
    min_hi_of = np.minimum.reduceat(s_hi, starts)
    simple_of = np.minimum.reduceat(s_weight, starts) > 1e-12 * np.add.reduceat(s_weight, starts)
    group = run_numbers(starts, n)
    cumulative_of_slot = np.asarray(cumulative, dtype=bool)[s_run[starts]]
    # A slot of a non-cumulative series stands alone (no U): all of them are settled at once.
    # Every claim of a slot whose claims share a point is kept (stab_point would return max lo);
    # the slots whose claims share none take the vectorized sweep. A slot that shares a point but
    # has a claim of negligible weight (below 1e-12 of the slot's) goes through the walk, whose
    # test of it rounds as it always has.
    alone = ~cumulative_of_slot
    overlap = max_lo_of <= min_hi_of
    all_kept = alone & overlap & simple_of
    swept = alone & ~overlap
    if swept.any():
        _settle_alone(swept, group, order, s_lo, s_hi, s_weight, kept, reason, witness)
    walked = np.flatnonzero(cumulative_of_slot | (alone & overlap & ~simple_of))
    max_lo, min_hi, simple = max_lo_of.tolist(), min_hi_of.tolist(), simple_of.tolist()
    by_hi = lexsort_stable((s_hi, group))  # stable: the first claim of a slot with its smallest hi
    lowest_of = order[by_hi[starts]].tolist()
    ends = np.r_[bounds, n].tolist()
    series_of = s_run[starts].tolist()
    cumulative_of = cumulative_of_slot.tolist()
    upper, upper_claim, walking = UNBOUNDED, -1, -1
    for g in walked[::-1].tolist():
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


def _stab_points(slot_of: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, n_slots: int) -> _IntArray:
    """:func:`stab_point` of the claims of each slot ``0 .. n_slots-1`` at once (0 for a slot with none).

    ``slot_of[i]`` is claim ``i``'s slot; within a slot the claims come in the order
    :func:`stab_point` would be given them. One sort of every endpoint: per slot and distinct
    endpoint the weights that start or end there are added in the order :func:`stab_point` adds
    them (every ``lo`` in claim order, then every bounded ``hi + 1``; ``ufunc.at`` adds in index
    order), the covering weight is each slot's running sum
    (:func:`~kzfigures.analysis._runs.run_cumsum`, the same floats as ``np.cumsum`` of the slot
    alone), and the point is the highest endpoint within the relative tolerance of the slot's
    peak: exactly what :func:`stab_point` returns. ``O(n log n)``.

    >>> import numpy as np
    >>> lo, hi = np.array([5400, 2000, 6044, 1, 3]), np.array([5999, 9999, 6044, 2, 4])
    >>> _stab_points(np.array([0, 0, 0, 1, 1]), lo, hi, np.ones(5), 2).tolist()
    [6044, 3]
    >>> stab_point(lo[:3], hi[:3], np.ones(3)), stab_point(lo[3:], hi[3:], np.ones(2))
    (6044, 3)
    """
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


def _settle_alone(
    swept: npt.NDArray[np.bool_],
    group: npt.NDArray[np.intp],
    order: npt.NDArray[np.intp],
    s_lo: _IntArray,
    s_hi: _IntArray,
    s_weight: _FloatArray,
    kept: npt.NDArray[np.bool_],
    reason: _IntArray,
    witness: _IntArray,
) -> None:
    """:func:`stab_point` and the same-slot witnesses of many slots at once, into ``kept``/``reason``/``witness``.

    ``swept`` marks the slots (numbered by ``group``, the claims sorted by slot as ``order``
    sorts them, ``s_*`` in that order) to settle; their points come from :func:`_stab_points`,
    exactly those :func:`stab_point` gives. A loser's witness is the kept claim of its slot with
    the largest ``lo`` (below the point) or the smallest ``hi`` (above it), the earliest claim
    on a tie, as :func:`_same_slot_witness` picks. ``O(n log n)``.
    """
    rows = np.flatnonzero(swept[group])
    slot_of = group[rows]
    r_lo, r_hi, r_weight = s_lo[rows], s_hi[rows], s_weight[rows]
    point = _stab_points(slot_of, r_lo, r_hi, r_weight, int(group[-1]) + 1)
    r_point = point[slot_of]
    inside = (r_lo <= r_point) & (r_point <= r_hi)
    kept[order[rows[inside]]] = True
    # Per slot, the kept claim with the largest lo and the one with the smallest hi (earliest on a tie).
    winner = order[rows[inside]].astype(np.int64)
    winner_slot = slot_of[inside].astype(np.int64)
    largest_lo = np.full(len(point), -1, dtype=np.int64)
    smallest_hi = np.full(len(point), -1, dtype=np.int64)
    for claim_of, target in ((-r_lo[inside], largest_lo), (r_hi[inside], smallest_hi)):
        ranked = lexsort_stable((winner, claim_of, winner_slot))
        firsts = ranked[run_starts(winner_slot[ranked])]
        target[winner_slot[firsts]] = winner[firsts]
    lost = ~inside
    lost_slot = slot_of[lost]
    reason[order[rows[lost]]] = REASONS.index("outweighed")
    witness[order[rows[lost]]] = np.where(r_hi[lost] < r_point[lost], largest_lo[lost_slot], smallest_hi[lost_slot])


def settle_drop_minority(
    slot: _IntArray, lo: _IntArray, hi: _IntArray, weight: _FloatArray, *, cumulative: bool
) -> Settlement:
    """Keep the maximum-weight consistent subset of the claims (issue 19's interval-order model).

    ``slot[i]`` is claim ``i``'s *component* (a maximal run of overlapping periods). Components are
    totally ordered; inside one component every claim is treated as unordered with every other (the
    model: exact for figures of one precision, an approximation when precisions mix), so the count
    may rise within it and same-component claims never conflict.

    Notes
    -----
    With ``c_i`` the component of claim ``i`` (renumbered ``0 .. S-1``), a set ``K`` of claims of a
    cumulative series is *consistent* iff

    .. math:: lo_i \\le hi_j \\quad \\text{for all } i, j \\in K \\text{ with } c_i < c_j,

    iff there are levels :math:`v_0 \\le \\dots \\le v_{S-1}` (:math:`v_{-1} = -\\infty`) with
    :math:`lo_i \\le v_{c_i}` and :math:`hi_i \\ge v_{c_i - 1}` for every :math:`i \\in K` (the
    count rises from :math:`v_{c-1}` to :math:`v_c` during component ``c``; take :math:`v_c` the
    largest ``lo`` kept up to ``c``). The function solves

    .. math:: \\max_{K \\text{ consistent}} \\sum_{i \\in K} w_i, \\qquad w_i > 0.

    *Recurrence.* Let :math:`F_c(v)` be the greatest weight kept in components ``0 .. c`` with
    :math:`v_c = v`. The claims of ``c`` kept between :math:`u = v_{c-1} \\le v` are those whose
    interval meets :math:`[u, v]`: all but those wholly below ``u`` or wholly above ``v``, two
    disjoint sets. With :math:`W_c` the weight of component ``c``,
    :math:`B_c(u) = \\sum_{c_i = c,\\, hi_i < u} w_i` and
    :math:`A_c(v) = \\sum_{c_i = c,\\, lo_i > v} w_i`,

    .. math:: F_c(v) = W_c - A_c(v) + \\max_{u \\le v} \\big(F_{c-1}(u) - B_c(u)\\big),
              \\qquad F_{-1} \\equiv 0,

    and the optimum is :math:`F_{S-1}(+\\infty)`. Each :math:`F_c` is a non-decreasing step
    function with :math:`F_c(-\\infty) = 0`, stored as its jumps (a mass at each distinct ``lo``).
    Subtracting :math:`B_c` puts a negative jump :math:`-w_j` at :math:`hi_j + 1`; the prefix
    maximum of the result has the same positive jumps, except that each negative jump cancels
    (*consumes*) mass :math:`w_j` from the nearest remaining positive jumps at or after it.
    Adding :math:`W_c - A_c` puts :math:`+w_i` at :math:`lo_i`. Masses live in an array over the
    distinct ``lo``; a Fenwick tree counting the non-empty ones finds the next (or previous)
    non-empty level in :math:`O(\\log n)`. Every consumption empties a mass (at most one per
    addition, ``n`` in all) or ends a claim's demand (one per claim), so the forward pass makes
    :math:`O(n)` tree operations: :math:`O(n \\log n)` time.

    *Traceback and tie-break.* Among the consistent sets of greatest weight the function keeps the
    one that keeps the most of the latest component, then, among those, the most of the one before,
    and so on: later figures are the corrections and the fuller counts, so when the evidence is
    evenly split the newer figures stand. "Most" is by inclusion: at each step the candidates'
    kept claims of that component are nested, so the chosen set is a superset of each rival's (so
    also the most claims and the most weight). Tracing back with :math:`v_{S-1} = +\\infty`: given
    :math:`v_c`, let :math:`q_c` be the highest level :math:`\\le v_c` still holding mass after
    component ``c``'s consumption (:math:`-\\infty` if none). :math:`q_c` is the *smallest*
    :math:`u \\le v_c` maximising :math:`F_{c-1}(u) - B_c(u)` (below it the prefix maximum is lower;
    at it every earlier negative jump was met, so the maximum is attained). The smallest ``u``
    keeps the most of component ``c``: :math:`K_c = \\{i : c_i = c,\\ lo_i \\le v_c,\\ hi_i \\ge
    q_c\\}`, a superset of the ``K_c`` of every optimal set that agrees on the later components
    (their :math:`v_{c-1}` is a maximiser, hence :math:`\\ge q_c`, and their levels up to ``c`` are
    :math:`\\le v_c`). Then :math:`v_{c-1} = \\min(v_c, \\min_{i \\in K_c} hi_i)`, the *largest*
    maximiser that keeps the same :math:`K_c` (no jump of either sign lies in between), which
    leaves the earlier components every option any rival has. To read :math:`q_c` the traceback
    undoes the forward pass component by component from a log of the overwritten masses
    (:math:`O(n)` entries, so :math:`O(n)` memory).

    Ties are exact comparisons of float sums, except that a mass or a demand below ``1e-12`` of the
    series' total weight counts as zero (rounding). Non-cumulative series take, per component, the
    claims containing :func:`stab_point`. Every set-aside claim is *outvoted*; its witness is a
    kept claim that contradicts it (one exists: else adding the claim would give a heavier
    consistent set): the kept claim with the smallest ``hi`` in a later component if that is below
    its ``lo`` (the nearest component on a tie), else the kept claim with the largest ``lo`` in an
    earlier component (the nearest on a tie); non-cumulative series look at the claim's own
    component. ``O(n log n)`` time, ``O(n)`` memory.

    Examples
    --------
    Three outlets at 410 over two days, then one correction to 300: the majority stands.

    >>> import numpy as np
    >>> s = settle_drop_minority(np.array([0, 1, 2]), np.array([410, 410, 300]), np.array([410, 410, 300]),
    ...                          np.ones(3), cumulative=True)
    >>> s.kept.tolist(), s.witness.tolist()
    ([True, True, False], [-1, -1, 1])

    Same-component claims may differ (a rising count); an even split goes to the later figure:

    >>> s = settle_drop_minority(np.array([0, 0, 1]), np.array([60, 133, 90]), np.array([60, 133, 90]),
    ...                          np.ones(3), cumulative=True)
    >>> s.kept.tolist(), [REASONS[r] for r in s.reason], s.witness.tolist()
    ([True, False, True], ['kept', 'outvoted', 'kept'], [-1, 2, -1])

    The weight kept equals a search over every subset:

    >>> from itertools import combinations
    >>> c, lo, hi, w = np.array([0, 0, 1, 2]), np.array([5, 9, 6, 7]), np.array([5, 9, 8, 7]), np.array([1.0, 2, 1, 1])
    >>> fits = lambda k: all(lo[i] <= hi[j] for i in k for j in k if c[i] < c[j])
    >>> best = max(float(w[list(k)].sum()) for r in range(5) for k in combinations(range(4), r) if fits(k))
    >>> s = settle_drop_minority(c, lo, hi, w, cumulative=True)
    >>> float(w[s.kept].sum()) == best, s.kept.tolist()
    (True, [True, False, True, True])
    """
    run = np.zeros(len(slot), dtype=np.int64)
    return settle_drop_minority_runs(run, slot, lo, hi, weight, np.array([cumulative]))


def settle_drop_minority_runs(
    run: _IntArray,
    slot: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    weight: _FloatArray,
    cumulative: npt.NDArray[np.bool_],
) -> Settlement:
    """:func:`settle_drop_minority` of several series at once, each settled on its own.

    ``run[i]`` numbers claim ``i``'s series (``0 .. R-1``) and ``cumulative[r]`` says whether
    series ``r`` is cumulative; witnesses are positions in these arrays, and never in another
    series. The components of every series, their stretches, the daily counts' stab points and
    the witnesses are found once for all the series; only the program
    (``_heaviest_consistent``) runs per stretch, as it does for one series. Every result is
    the one :func:`settle_drop_minority` gives each series alone.

    >>> import numpy as np
    >>> s = settle_drop_minority_runs(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 1, 2, 0, 0, 1]),
    ...                               np.array([410, 410, 300, 5, 9, 7]), np.array([410, 410, 300, 6, 9, 7]),
    ...                               np.ones(6), np.array([True, False]))
    >>> s.kept.tolist(), s.witness.tolist()
    ([True, True, False, False, True, True], [-1, -1, 1, 4, -1, -1])
    """
    n = len(slot)
    kept = np.ones(n, dtype=bool)
    if n == 0:
        return Settlement(kept=kept, reason=np.zeros(0, dtype=np.int64), witness=np.zeros(0, dtype=np.int64))
    run = np.asarray(run, dtype=np.int64)
    # Components numbered 0 .. S-1 across the series, in (series, slot) order.
    order = lexsort_stable((np.asarray(slot, dtype=np.int64), run))
    s_run, s_slot = run[order], slot[order]
    new = np.r_[True, (s_run[1:] != s_run[:-1]) | (s_slot[1:] != s_slot[:-1])]
    component = np.empty(n, dtype=np.int64)
    component[order] = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    component_run = s_run[starts]
    is_cumulative = np.asarray(cumulative, dtype=bool)
    component_cumulative = is_cumulative[component_run]
    alone = ~is_cumulative[run]
    if alone.any():
        # Each component alone: the claims containing its stab point, every component at once.
        rows = np.flatnonzero(alone)
        point = _stab_points(component[rows], lo[rows], hi[rows], weight[rows], len(starts))[component[rows]]
        kept[rows] = (lo[rows] <= point) & (point <= hi[rows])
    if not alone.all():
        _heaviest_consistent_in_parts(run, component, order, starts, component_run, lo, hi, weight, kept, ~alone)
    reason = np.where(kept, 0, REASONS.index("outvoted")).astype(np.int64)
    witness = _witness(component, lo, hi, kept, component_run, component_cumulative)
    return Settlement(kept=kept, reason=reason, witness=witness)


def _heaviest_consistent_in_parts(
    run: _IntArray,
    component: _IntArray,
    order: npt.NDArray[np.intp],
    starts: npt.NDArray[np.intp],
    component_run: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    weight: _FloatArray,
    kept: npt.NDArray[np.bool_],
    running: npt.NDArray[np.bool_],
) -> None:
    """``_heaviest_consistent``, run only on the stretches of components that hold a contradiction.

    Into ``kept``, for the claims marked ``running`` (of cumulative series); ``component``
    numbers the components of every series together, ``order`` sorts the claims by component,
    ``starts`` is where each component begins in that order, ``component_run`` its series.

    A *cut* after component ``b`` is a boundary no contradiction crosses: the largest ``lo`` up
    to ``b`` is at most the smallest ``hi`` after it. Cuts split the components into stretches;
    a stretch of one component is consistent (its claims never contradict each other) and is
    kept whole, and every stretch of several contains a contradiction, both of whose claims lie
    in it (one on either side of a boundary that is not a cut, and not across a cut). The
    program on the whole series gives, stretch by stretch, what it gives on the stretch alone
    with the series' tolerance: the masses of earlier stretches sit at levels at most their
    largest ``lo``, which is at most every later ``hi``, so no later claim consumes them, and a
    level among them read as :math:`q_c` keeps the same claims as none (every later ``hi`` is
    above it); later stretches add nothing before they are reached and are undone before the
    traceback comes back. An archive whose series dip on a few days settles a few short
    stretches instead of every claim. The cuts of every series are found at once; the program
    runs per stretch, on its claims in their given order.
    """
    n_components = len(starts)
    most_lo = run_prefix_max(np.maximum.reduceat(lo[order], starts), component_run)
    least_hi = run_suffix_min(np.minimum.reduceat(hi[order], starts), component_run)
    same_series = component_run[1:] == component_run[:-1]
    cut = ~same_series | (most_lo[:-1] <= least_hi[1:])
    first = np.flatnonzero(np.r_[True, cut])  # each stretch's first component
    width = np.diff(np.r_[first, n_components])
    chosen = np.flatnonzero((width > 1) & running[order[starts[first]]])
    if len(chosen) == 0:
        return
    stretch = np.cumsum(np.r_[True, cut]) - 1  # of each component
    by_stretch = argsort_stable(stretch[component])  # stable: claims keep their order within a stretch
    bounds = np.searchsorted(stretch[component][by_stretch], np.arange(len(first) + 1))
    # Each series' tolerance: 1e-12 of its weight, summed as np.sum sums the series alone.
    by_run = argsort_stable(run)
    run_bounds = np.searchsorted(run[by_run], np.arange(int(run.max()) + 2))
    tolerance: dict[int, float] = {}
    for s_index in chosen.tolist():
        begin, components = int(first[s_index]), int(width[s_index])
        series = int(component_run[begin])
        if series not in tolerance:
            tolerance[series] = 1e-12 * float(np.sum(weight[by_run[run_bounds[series] : run_bounds[series + 1]]]))
        members = by_stretch[bounds[s_index] : bounds[s_index + 1]]
        kept[members] = _heaviest_consistent(
            component[members] - begin, lo[members], hi[members], weight[members], components, tolerance[series]
        )


def _heaviest_consistent(
    component: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    weight: _FloatArray,
    n_components: int,
    tolerance: float | None = None,
) -> npt.NDArray[np.bool_]:
    """The kept set of :func:`settle_drop_minority` for a cumulative series (its *Notes* say how).

    ``tolerance`` (a mass or demand below it counts as zero) is ``1e-12`` of the weights' sum
    unless given: a stretch of a series (:func:`_heaviest_consistent_in_parts`) takes the series'.
    """
    n = len(component)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = argsort_stable(component)
    first = np.searchsorted(component[order], np.arange(n_components + 1)).tolist()
    levels = np.unique(lo)
    n_levels = len(levels)
    at = np.searchsorted(levels, lo)[order].tolist()  # where claim's +w jump sits
    start = np.searchsorted(levels, hi, side="right")[order].tolist()  # first level above its hi
    w = weight[order].astype(float).tolist()
    s_lo, s_hi = lo[order].tolist(), hi[order].tolist()
    if tolerance is None:
        tolerance = 1e-12 * float(np.sum(weight))
    mass = [0.0] * n_levels
    tree = [0] * (n_levels + 1)  # Fenwick tree: how many levels hold mass
    top = 1 << (n_levels.bit_length() - 1)

    def toggle(k: int, delta: int) -> None:
        k += 1
        while k <= n_levels:
            tree[k] += delta
            k += k & -k

    def count_below(k: int) -> int:  # non-empty levels among 0 .. k-1
        total = 0
        while k > 0:
            total += tree[k]
            k &= k - 1
        return total

    def rank(r: int) -> int:  # the r-th non-empty level (r >= 1), 0-based
        position, step = 0, top
        while step:
            probe = position + step
            if probe <= n_levels and tree[probe] < r:
                position = probe
                r -= tree[probe]
            step >>= 1
        return position

    log_level: list[int] = []  # the level each step overwrote ...
    log_mass: list[float] = []  # ... and the mass it held before
    consumed_from = [0] * n_components
    added_from = [0] * n_components
    non_empty = 0
    for c in range(n_components):
        consumed_from[c] = len(log_level)
        for j in range(first[c], first[c + 1]):
            need = w[j]
            k = start[j]
            while need > tolerance and k < n_levels:
                below = count_below(k)
                if below == non_empty:
                    break
                k = rank(below + 1)
                held = mass[k]
                log_level.append(k)
                log_mass.append(held)
                if held - need > tolerance:
                    mass[k] = held - need
                    break
                mass[k] = 0.0
                toggle(k, -1)
                non_empty -= 1
                need -= held
                k += 1
        added_from[c] = len(log_level)
        for j in range(first[c], first[c + 1]):
            k = at[j]
            held = mass[k]
            log_level.append(k)
            log_mass.append(held)
            if held == 0.0:
                toggle(k, 1)
                non_empty += 1
            mass[k] = held + w[j]

    def undo(begin: int, end: int) -> int:
        change = 0
        for e in range(end - 1, begin - 1, -1):
            k, held = log_level[e], log_mass[e]
            if (mass[k] > 0.0) != (held > 0.0):
                toggle(k, 1 if held > 0.0 else -1)
                change += 1 if held > 0.0 else -1
            mass[k] = held
        return change

    kept = np.zeros(n, dtype=bool)
    upper = UNBOUNDED  # v_c
    level_list = levels.tolist()
    end = len(log_level)
    for c in range(n_components - 1, -1, -1):
        non_empty += undo(added_from[c], end)
        below = count_below(bisect.bisect_right(level_list, upper))
        lowest = level_list[rank(below)] if below else _NO_LEVEL  # q_c
        non_empty += undo(consumed_from[c], added_from[c])
        end = consumed_from[c]
        previous = upper
        for j in range(first[c], first[c + 1]):
            if s_lo[j] <= upper and s_hi[j] >= lowest:
                kept[order[j]] = True
                previous = min(previous, s_hi[j])
        upper = previous
    return kept


def _witness(
    component: _IntArray,
    lo: _IntArray,
    hi: _IntArray,
    kept: npt.NDArray[np.bool_],
    component_run: _IntArray,
    component_cumulative: npt.NDArray[np.bool_],
) -> _IntArray:
    """A kept claim contradicting each set-aside claim (``-1`` for kept ones).

    First the kept claim with the smallest ``hi`` at a later component of its series (the
    nearest on a tie), if that ``hi`` is below the claim's ``lo``; else the kept claim with the
    largest ``lo`` at an earlier component of its series (the nearest on a tie). Components,
    numbered across the series with ``component_run`` the series of each, are slots whose
    claims never contradict each other. Components of non-cumulative series look at their own.
    """
    n_components = len(component_run)
    witness = np.full(len(lo), -1, dtype=np.int64)
    kept_idx = np.flatnonzero(kept)
    if len(kept_idx) == 0:
        return witness
    # Per component: the kept claim with the smallest hi and the one with the largest lo.
    by_hi = kept_idx[np.lexsort((hi[kept_idx], component[kept_idx]))]
    first = np.r_[True, np.diff(component[by_hi]) != 0]
    slot_min_claim = np.full(n_components, -1, dtype=np.int64)
    slot_min_claim[component[by_hi[first]]] = by_hi[first]
    by_lo = kept_idx[np.lexsort((-lo[kept_idx], component[kept_idx]))]
    first = np.r_[True, np.diff(component[by_lo]) != 0]
    slot_max_claim = np.full(n_components, -1, dtype=np.int64)
    slot_max_claim[component[by_lo[first]]] = by_lo[first]
    min_hi = np.where(slot_min_claim >= 0, hi[slot_min_claim], UNBOUNDED)
    max_lo = np.where(slot_max_claim >= 0, lo[slot_max_claim], -1)
    if component_cumulative.any():
        positions = np.arange(n_components)
        suffix_min = run_suffix_min(min_hi, component_run)
        # The nearest component of the series at or after c that attains the suffix minimum.
        attains = np.where((min_hi == suffix_min) & (slot_min_claim >= 0), positions, n_components)
        nearest = run_suffix_min(attains, component_run)
        later_claim = np.where(nearest < n_components, slot_min_claim[np.minimum(nearest, n_components - 1)], -1)
        prefix_max = run_prefix_max(max_lo, component_run)
        attains = np.where((max_lo == prefix_max) & (slot_max_claim >= 0), positions, -1)
        nearest = run_prefix_max(attains, component_run)
        earlier_claim = np.where(nearest >= 0, slot_max_claim[np.maximum(nearest, 0)], -1)
        # Claims of one component never contradict each other: look strictly later and strictly earlier.
        same_series = component_run[1:] == component_run[:-1]
        next_ok, previous_ok = np.r_[same_series, False], np.r_[False, same_series]
        later_hi = np.where(next_ok, np.r_[suffix_min[1:], UNBOUNDED], UNBOUNDED)
        later_claim = np.where(next_ok, np.r_[later_claim[1:], -1], -1)
        earlier_lo = np.where(previous_ok, np.r_[-1, prefix_max[:-1]], -1)
        earlier_claim = np.where(previous_ok, np.r_[-1, earlier_claim[:-1]], -1)
        min_hi = np.where(component_cumulative, later_hi, min_hi)
        slot_min_claim = np.where(component_cumulative, later_claim, slot_min_claim)
        max_lo = np.where(component_cumulative, earlier_lo, max_lo)
        slot_max_claim = np.where(component_cumulative, earlier_claim, slot_max_claim)
    lost = np.flatnonzero(~kept)
    where = component[lost]
    witness[lost] = np.where(min_hi[where] < lo[lost], slot_min_claim[where], slot_max_claim[where])
    return witness
