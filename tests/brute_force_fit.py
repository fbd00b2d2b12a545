r"""A plain-Python reference for the issue-19 estimate of ONE cumulative series, straight from the spec.

Everything here is recomputed from the canonical frame's cells (``as_of``, ``as_of_precision``,
``published``, ``published_precision``, ``low``, ``high``, ``stated``, ``id``); nothing is
imported from :mod:`kzfigures.analysis`, so the library's estimate can be checked against it.
Small inputs only: pairs are checked one by one, ``O(n^2)``, and :func:`brute_fit` tries every
permutation of the stated figures, ``O(n! n^2)`` (at most :data:`MAX_BRUTE` of them).

Definitions (``/work/research/spec19.md``):

- *Period* ``P_i = [s_i, e_i)``: ``s_i = as_of``, ``e_i = as_of + length(as_of_precision)``, pulled
  in to ``published + length(published_precision)`` when that lies strictly inside.
- *Order*: ``i < j`` iff ``e_i <= s_j``; overlapping periods are unordered (an interval order).
- *Components*: the classes of the transitive closure of "periods overlap", numbered by start;
  ``T_k`` is the end of component ``k`` (the largest ``e_i`` in it).
- *Superseded* (``on_conflict="latest"``): ``i`` such that some ``j`` with ``s_j >= e_i`` has
  ``low_i > high_j`` (checked over every pair); its witness is the ``j`` of smallest ``high_j``
  among those with ``s_j >= e_i`` (ties: the earliest start, then the smallest id).
- *Envelope* of the kept figures at ``T_k``: ``L_k = max{low_i : e_i <= T_k}`` (0 if none),
  ``U_k = min{high_i : s_i >= T_k}`` (``inf`` if none).
- *Fit values*: a figure that states a number has ``point_i = clip(stated_i, low_i, high_i)``;
  a kept one enters the fit with ``y_i = point_i``, a superseded one with
  ``y_i = clip(point_i, L_kept(e_i), U_kept(e_i))`` (the cap rule). Figures with no stated
  number have no ``y`` and no weight.
- *Fit* (:func:`sorted_fit`): components in order, inside each the stated figures sorted by
  ``(y, start, id)``; weighted isotonic regression over that sequence;
  ``g_k`` = the fitted value of the last figure of component ``k``, carried forward over
  components with no stated figure (NaN before the first); ``best_k = clip(g_k, L_k, U_k)``.
- *Violations* (:func:`violation_rows`): ``definite``, ``soft`` and ``disagreement`` rows as the
  spec defines them, every pair checked.
- *Brute force* (:func:`brute_fit`): the weighted isotonic regression under the interval order
  itself, found as the least-squares fit over every linear extension (every permutation of the
  stated figures in which no ``j`` comes before an ``i < j``); ``g_k`` is the largest fitted
  value in component ``k``.

Why sorting is exact when a component's figures all overlap (so the spec's algorithm and the
brute force agree; :mod:`tests.test_fit_order` checks it). Such figures are *twins*: each has
exactly the figures of earlier components below it and those of later ones above it. Let ``x``
be the (unique: the objective is strictly convex) optimum under the order and ``a``, ``b``
twins with ``y_a < y_b`` but ``x_a > x_b``. Lowering ``x_a`` to ``x_b`` or raising ``x_b`` to
``x_a`` keeps every constraint (twins share their bounds), and one of them lowers the error:
``y_a`` lies below the midpoint ``m = (x_a + x_b) / 2`` or ``y_b > y_a >= m``. For ``y_a = y_b``,
moving both to their weighted mean is feasible and, by convexity, no worse. So ``x`` is
monotone in ``y`` inside the component, hence feasible for the sequence sorted by ``y``; that
sequence is a linear extension, so its isotonic fit is ``x``. With mixed precisions a component
holds ordered pairs (an hour inside a day before a later hour): sorting by value drops those
constraints, so :func:`sorted_fit` solves a *relaxation* (its error is at most the brute
force's) and is a heuristic there.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import isotonic_regression

__all__ = [
    "MAX_BRUTE",
    "Component",
    "Figure",
    "Reference",
    "brute_fit",
    "components_of",
    "figures_of",
    "pava",
    "reference",
    "reference_of",
    "sorted_fit",
    "violation_rows",
]

#: The most stated figures :func:`brute_fit` permutes (7! = 5040 orders).
MAX_BRUTE = 7

_NANOS = {"day": 86_400 * 10**9, "hour": 3_600 * 10**9, "minute": 60 * 10**9, "second": 10**9}


class Figure(NamedTuple):
    """One row of the series, as the reference sees it."""

    id: str
    start: int  # UTC ns
    end: int  # UTC ns, exclusive
    low: int
    high: float  # math.inf for unbounded
    stated: int | None
    weight: float

    @property
    def point(self) -> int | None:
        """``stated`` clipped into ``[low, high]``; ``None`` for a figure that states no number."""
        if self.stated is None:
            return None
        return int(min(max(self.stated, self.low), self.high))

    def before(self, other: Figure) -> bool:
        """Strictly before: ``e_i <= s_j``."""
        return self.end <= other.start

    def overlaps(self, other: Figure) -> bool:
        return self.start < other.end and other.start < self.end


class Component(NamedTuple):
    """One component (time slot) of the series and its estimate."""

    members: tuple[int, ...]  # positions into Reference.figures
    start: int
    end: int  # T_k
    low: int  # L_k
    high: float  # U_k (math.inf = unbounded)
    g_sorted: float  # the spec's fit (NaN: no stated figure yet)
    best_sorted: float
    g_brute: float  # the partial-order optimum (NaN if not computed)
    best_brute: float


class Reference(NamedTuple):
    figures: tuple[Figure, ...]
    components: tuple[Component, ...]
    superseded: tuple[bool, ...]
    witness: tuple[str | None, ...]  # id of the figure that supersedes, per figure
    y: tuple[float | None, ...]  # fit value (capped for superseded), None for no stated number
    sse_sorted: float  # weighted squared error of the spec's fit
    sse_brute: float  # ... of the partial-order optimum (NaN if not computed)
    sorted_is_extension: bool  # the spec's sequence respects the interval order


def _ns(moment: pd.Timestamp) -> int:
    return int(pd.Timestamp(moment).tz_convert("UTC").value)


def figures_of(frame: pd.DataFrame, weights: Mapping[str, float] | None = None) -> tuple[Figure, ...]:
    """The rows of a canonical frame of one cumulative series, with their periods worked out here."""
    keys = frame[["metric", "group", "region"]].drop_duplicates()
    if len(keys) > 1:
        raise ValueError(f"one series only (got {len(keys)})")
    if not frame["cumulative"].all():
        raise ValueError("cumulative rows only")
    out = []
    for row in frame.itertuples(index=False):
        start = _ns(row.as_of)
        end = start + _NANOS[str(row.as_of_precision)]
        if not pd.isna(row.published):
            known_by = _ns(row.published) + _NANOS[str(row.published_precision)]
            if start < known_by < end:
                end = known_by
        high = math.inf if pd.isna(row.high) else int(row.high)
        stated = None if pd.isna(row.stated) else int(row.stated)
        weight = 1.0 if weights is None else float(weights[str(row.id)])
        out.append(Figure(str(row.id), start, end, int(row.low), high, stated, weight))
    return tuple(out)


def components_of(figures: Sequence[Figure]) -> list[list[int]]:
    """Classes of the transitive closure of overlap, ordered by start (union-find over all pairs)."""
    parent = list(range(len(figures)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(figures)), 2):
        if figures[i].overlaps(figures[j]):
            parent[root(i)] = root(j)
    classes: dict[int, list[int]] = {}
    for i in range(len(figures)):
        classes.setdefault(root(i), []).append(i)
    ordered = sorted(classes.values(), key=lambda members: min(figures[i].start for i in members))
    for earlier, later in itertools.pairwise(ordered):  # the claim: components are totally ordered
        assert all(figures[i].before(figures[j]) for i in earlier for j in later)
    return ordered


def pava(y: Sequence[float], w: Sequence[float]) -> list[float]:
    """Weighted pool-adjacent-violators, plain Python: the isotonic fit of ``y`` in the given order."""
    blocks: list[list[float]] = []  # [sum w*y, sum w, count]
    for value, weight in zip(y, w, strict=True):
        blocks.append([weight * value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            wy, ws, count = blocks.pop()
            blocks[-1][0] += wy
            blocks[-1][1] += ws
            blocks[-1][2] += count
    fit: list[float] = []
    for wy, ws, count in blocks:
        fit.extend([wy / ws] * int(count))
    return fit


def _sse(y: Sequence[float], w: Sequence[float], x: Sequence[float]) -> float:
    return sum(wi * (yi - xi) ** 2 for yi, wi, xi in zip(y, w, x, strict=True))


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def sorted_fit(
    figures: Sequence[Figure], components: Sequence[Sequence[int]], y: Sequence[float | None]
) -> tuple[list[float], float, bool]:
    """The spec's fit: ``g_k`` per component (carried forward), its error, and whether its sequence
    is a linear extension of the interval order."""
    sequence: list[int] = []
    last_of: list[int | None] = []
    for members in components:
        stated = sorted((i for i in members if y[i] is not None), key=lambda i: (y[i], figures[i].start, figures[i].id))
        sequence.extend(stated)
        last_of.append(len(sequence) - 1 if stated else None)
    values = np.array([y[i] for i in sequence], dtype=np.float64)
    weights = np.array([figures[i].weight for i in sequence], dtype=np.float64)
    fitted = isotonic_regression(values, weights=weights).x if len(sequence) else np.zeros(0)
    g, carried = [], math.nan
    for last in last_of:
        if last is not None:
            carried = float(fitted[last])
        g.append(carried)
    extension = not any(figures[b].before(figures[a]) for a, b in itertools.combinations(sequence, 2))
    return g, _sse(values.tolist(), weights.tolist(), fitted.tolist()), extension


def brute_fit(
    figures: Sequence[Figure], components: Sequence[Sequence[int]], y: Sequence[float | None]
) -> tuple[list[float], float]:
    """The isotonic fit under the interval order: the least error over every linear extension.

    Returns ``g_k`` per component (the largest fitted value in it, carried forward) and the error.
    """
    stated = [i for i in range(len(figures)) if y[i] is not None]
    if len(stated) > MAX_BRUTE:
        raise ValueError(f"brute_fit permutes at most {MAX_BRUTE} stated figures (got {len(stated)})")
    best_error, best_x = math.inf, {}
    for order in itertools.permutations(stated):
        if any(figures[b].before(figures[a]) for a, b in itertools.combinations(order, 2)):
            continue  # not a linear extension
        values = [float(y[i]) for i in order]  # type: ignore[arg-type]
        weights = [figures[i].weight for i in order]
        x = pava(values, weights)
        error = _sse(values, weights, x)
        if error < best_error:
            best_error, best_x = error, dict(zip(order, x, strict=True))
    g, carried = [], math.nan
    for members in components:
        fitted = [best_x[i] for i in members if i in best_x]
        if fitted:
            carried = max(fitted)
        g.append(carried)
    return g, (best_error if stated else 0.0)


def reference(frame: pd.DataFrame, weights: Mapping[str, float] | None = None, *, brute: bool = True) -> Reference:
    """The spec's estimate of one cumulative series, ``on_conflict="latest"``, ``method="isotonic"``.

    ``weights`` maps id to weight (default 1 each). ``brute=False`` skips :func:`brute_fit`.
    """
    return reference_of(figures_of(frame, weights), brute=brute)


def reference_of(figures: Sequence[Figure], *, brute: bool = True) -> Reference:
    """:func:`reference` of figures given directly (no frame, no library code at all)."""
    figures = tuple(figures)
    n = len(figures)
    components = components_of(figures)
    # Superseded, by the definition over pairs.
    superseded, witness = [], []
    for fig in figures:
        later = [j for j in range(n) if figures[j].start >= fig.end]
        superseded.append(any(fig.low > figures[j].high for j in later))
        if superseded[-1]:
            j = min(later, key=lambda j: (figures[j].high, figures[j].start, figures[j].id))
            witness.append(figures[j].id)
        else:
            witness.append(None)
    kept = [i for i in range(n) if not superseded[i]]

    def kept_low(t: int) -> int:
        return max((figures[j].low for j in kept if figures[j].end <= t), default=0)

    def kept_high(t: int) -> float:
        return min((figures[j].high for j in kept if figures[j].start >= t), default=math.inf)

    y: list[float | None] = []
    for i, fig in enumerate(figures):
        if fig.point is None:
            y.append(None)
        elif superseded[i]:
            y.append(_clip(fig.point, kept_low(fig.end), kept_high(fig.end)))
        else:
            y.append(fig.point)
    g_sorted, sse_sorted, extension = sorted_fit(figures, components, y)
    g_brute, sse_brute = brute_fit(figures, components, y) if brute else ([math.nan] * len(components), math.nan)
    out = []
    for k, members in enumerate(components):
        end = max(figures[i].end for i in members)
        low, high = kept_low(end), kept_high(end)

        def best(g: float, low: int = low, high: float = high) -> float:
            return math.nan if math.isnan(g) else _clip(g, low, high)

        out.append(
            Component(
                members=tuple(members),
                start=min(figures[i].start for i in members),
                end=end,
                low=low,
                high=high,
                g_sorted=g_sorted[k],
                best_sorted=best(g_sorted[k]),
                g_brute=g_brute[k],
                best_brute=best(g_brute[k]),
            )
        )
    return Reference(
        figures=figures,
        components=tuple(out),
        superseded=tuple(superseded),
        witness=tuple(witness),
        y=tuple(y),
        sse_sorted=sse_sorted,
        sse_brute=sse_brute,
        sorted_is_extension=extension,
    )


def violation_rows(frame: pd.DataFrame) -> set[tuple[str, str, str, int, int]]:
    """``(kind, id, witness_id, drop, n_conflicting_earlier)`` of every row the spec reports, every pair checked.

    ``definite``: some ``i < j`` has ``low_i > high_j``; witness the largest low among ``i < j``.
    ``soft``: ``j`` states a number, is not definite, and some ``i < j`` that states a number has
    a larger point; witness the largest such point. ``disagreement``: some ``i`` of another
    speaker (authority, else outlet, else the row itself) whose period overlaps ``j``'s has
    ``low_i > high_j``; witness the largest low among them. Ties go to the smallest id;
    ``n_conflicting_earlier`` is counted for definite rows (0 otherwise).
    """
    figures = figures_of(frame)
    speaker = [
        a if not pd.isna(a) else f"outlet: {o}" if not pd.isna(o) else f"observation: {i}"
        for a, o, i in zip(frame["authority"], frame["outlet"], frame["id"], strict=True)
    ]
    found = set()
    for j, fig in enumerate(figures):
        earlier = [i for i, other in enumerate(figures) if other.before(fig)]
        above = [i for i in earlier if figures[i].low > fig.high]
        if above:
            w = min(earlier, key=lambda i: (-figures[i].low, figures[i].id))
            found.add(("definite", fig.id, figures[w].id, int(figures[w].low - fig.high), len(above)))
        elif fig.point is not None:
            stated = [i for i in earlier if figures[i].point is not None]
            w = min(stated, key=lambda i: (-(figures[i].point or 0), figures[i].id), default=None)
            if w is not None and (figures[w].point or 0) > fig.point:
                found.add(("soft", fig.id, figures[w].id, int((figures[w].point or 0) - fig.point), 0))
        others = [i for i, other in enumerate(figures) if speaker[i] != speaker[j] and other.overlaps(fig)]
        if any(figures[i].low > fig.high for i in others):
            w = min(others, key=lambda i: (-figures[i].low, figures[i].id))
            found.add(("disagreement", fig.id, figures[w].id, int(figures[w].low - fig.high), 0))
    return found
