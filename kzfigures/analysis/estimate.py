"""The best-estimate series: feasible envelope, conflict policies, isotonic best, provenance.

A figure ``i`` of a cumulative count ``C`` says ``lo_i <= C(tau_i) <= hi_i`` for some
unknown moment ``tau_i`` of its period ``[start_i, end_i)`` (:func:`~kzfigures.analysis.index.period_bounds`).
Figures whose periods overlap are unordered: one day's figures may be a count rising through
the day. :func:`best_estimate` returns, per series and slot (a run of overlapping periods), the
count *by the end of the slot*: the feasible envelope ``[L, U]`` of the figures it keeps and a
best value inside it, with the ids of the observations behind each number. See
``docs/estimate.md`` for the mathematics and the policies as algorithms.

>>> from kzfigures.datasets import kazakhstan_2022
>>> result = best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))
>>> result.series[["time", "low", "best", "high"]]
                       time   low    best  high
0 2022-01-07 00:00:00+06:00  3001  3001.0  4404
1 2022-01-08 00:00:00+06:00  4404  4404.0  5999
2 2022-01-09 00:00:00+06:00  6044  6044.0  7939
3 2022-01-10 00:00:00+06:00  7939  8000.0  <NA>
>>> len(result.set_aside)  # "almost 6,000" and 6,044 of Jan 9 are one day's figures, not a fall
0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import isotonic_regression

from kzfigures import _strings
from kzfigures.analysis._runs import run_numbers, run_starts, run_tuples
from kzfigures.analysis._sorting import UNBOUNDED, argsort_stable, lexsort_stable
from kzfigures.analysis.conflicts import REASONS, settle_drop_minority_runs, settle_latest_runs, supersede
from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, key_cells, point_values
from kzfigures.analysis.inputs import Inputs, Prepared
from kzfigures.analysis.tables import ESTIMATE_COLUMNS, SET_ASIDE_COLUMNS, empty_table
from kzfigures.analysis.violations import violation_pairs
from kzfigures.analysis.weights import Weights, observation_weights
from kzfigures.errors import InconsistentObservationsError, InvalidArgumentError, TimezoneError
from kzfigures.model import Observation

__all__ = ["MAX_GRID_POINTS", "METHODS", "ON_CONFLICT", "Estimate", "best_estimate", "isotonic_by_series"]

#: The values ``method`` accepts.
METHODS: tuple[str, ...] = ("isotonic", "latest", "conservative", "median")
#: The values ``on_conflict`` accepts.
ON_CONFLICT: tuple[str, ...] = ("latest", "drop-minority", "raise")


_FloatArray = npt.NDArray[np.float64]
_IntArray = npt.NDArray[np.int64]


@attrs.frozen(eq=False, repr=False)
class Estimate:
    """What :func:`best_estimate` returns: the series, what was set aside, and how.

    Attributes
    ----------
    series : pandas.DataFrame
        One row per series key and time (see :func:`best_estimate` for the
        columns). This is the tidy frame; :meth:`to_frame` returns a copy.
    set_aside : pandas.DataFrame
        One row per observation that the conflict policy set aside: ``id``,
        the key columns, ``as_of``, ``low``, ``high`` (``<NA>`` = unbounded),
        ``reason`` (``superseded``: its low exceeds the high of a strictly later claim;
        ``outweighed``, non-cumulative series only: a heavier claim of the same period
        contradicts it; ``outvoted``: it is outside the maximum-weight consistent subset) and
        ``superseded_by`` (the id of an observation of a kept claim that
        contradicts it).
    method, on_conflict : str
        The options used.
    freq : str or None
        The grid frequency, or ``None`` for one row per time slot.
    by : tuple of str
        The key columns.
    observations : pandas.DataFrame
        The canonical observation frame the estimate was computed from (for
        :func:`kzfigures.explain`).
    """

    series: pd.DataFrame
    set_aside: pd.DataFrame
    method: str
    on_conflict: str
    freq: str | None
    by: tuple[str, ...]
    observations: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`series`, the tidy best-estimate frame."""
        return self.series.copy()

    def __repr__(self) -> str:
        keys = self.series[list(self.by)].drop_duplicates().shape[0] if len(self.series) else 0
        return (
            f"Estimate(method={self.method!r}, on_conflict={self.on_conflict!r}, freq={self.freq!r}, "
            f"by={self.by!r}, series={keys} keys x {len(self.series)} rows, set_aside={len(self.set_aside)})"
        )


# --- options -------------------------------------------------------------------


def inconsistencies(frame: pd.DataFrame, index: ClaimIndex) -> pd.DataFrame:
    """The violation pairs ``on_conflict="raise"`` lists once a series is inconsistent: every pair
    of every series but the soft ones (falling stated values are not inconsistencies)."""
    pairs = violation_pairs(frame, index)
    return pairs[pairs["kind"] != "soft"].reset_index(drop=True)


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(map(repr, allowed))} (got {value!r})")
    return value


def _check_freq(freq: object) -> pd.offsets.BaseOffset | None:
    if freq is None:
        return None
    if not isinstance(freq, str | pd.DateOffset | pd.Timedelta):
        raise InvalidArgumentError(f"freq must be a pandas offset alias such as 'D' or None (got {freq!r})")
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError):
        raise InvalidArgumentError(f"freq must be a pandas offset alias such as 'D' or None (got {freq!r})") from None
    if offset is None or offset.n <= 0:
        raise InvalidArgumentError(f"freq must be a positive offset (got {freq!r})")
    return offset


# --- claims --------------------------------------------------------------------


def _isotonic_by_series(series: _IntArray, y: _FloatArray, w: _FloatArray) -> tuple[_FloatArray, _IntArray]:
    """Weighted isotonic fits of many series, with their block numbers; each series on its own.

    ``series`` must be sorted. A series that never falls (``y_i <= y_{i+1}``) is its own fit, its
    blocks the runs of equal values (the pool-adjacent-violators algorithm pools ties too); only
    the others are fitted, one :func:`scipy.optimize.isotonic_regression` call each. So no series'
    result depends on another's values (shifting series apart into one call rounded small values
    next to huge ones).
    """
    n = len(y)
    if n == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    same_series = series[1:] == series[:-1]
    falling = np.unique(series[1:][same_series & (y[1:] < y[:-1])])
    # Block starts where a series starts or the value rises; the fitted series add their own.
    new_block = np.r_[True, ~same_series | (y[1:] != y[:-1])]
    if len(falling):
        starts = np.searchsorted(series, falling, side="left")
        stops = np.searchsorted(series, falling, side="right")
        for first, stop in zip(starts.tolist(), stops.tolist(), strict=True):
            fitted = isotonic_regression(y[first:stop], weights=w[first:stop], increasing=True)
            new_block[first:stop] = False
            new_block[first + np.asarray(fitted.blocks[:-1])] = True
    blocks = np.cumsum(new_block) - 1
    # Each block's weighted mean from the values themselves, as the fit defines it.
    fit = (np.bincount(blocks, weights=w * y) / np.bincount(blocks, weights=w))[blocks]
    return fit, blocks.astype(np.int64)


def isotonic_by_series(series: Sequence[int] | _IntArray, y: Sequence[float], w: Sequence[float]) -> _FloatArray:
    """Weighted isotonic regression of each series, vectorized across series.

    Solves, for each series ``k`` independently,

    .. math:: \\min_x \\sum_{i \\in k} w_i (y_i - x_i)^2 \\quad \\text{s.t. } x_i \\le x_{i+1},

    with :func:`scipy.optimize.isotonic_regression` for each series that falls
    somewhere (a series that never falls is its own fit). ``O(N)`` after the
    sort for ``N`` values in all. Rows must be sorted by series and, within a
    series, by time. No series' fit depends on another's values.

    Examples
    --------
    >>> isotonic_by_series([0, 0, 0, 1, 1], [3.0, 1.0, 2.0, 5.0, 4.0], [1, 1, 1, 1, 1]).tolist()
    [2.0, 2.0, 2.0, 4.5, 4.5]

    The same as fitting each series alone, whatever the others hold:

    >>> isotonic_by_series([0, 0, 1, 1], [0.0, 2.0**62, 1000.0, 990.0], [1, 1, 1, 1]).tolist()[2:]
    [995.0, 995.0]
    """
    keys = np.asarray(series, dtype=np.int64)
    if np.any(np.diff(keys) < 0):
        raise InvalidArgumentError("isotonic_by_series needs rows sorted by series")
    fit, _ = _isotonic_by_series(keys, np.asarray(y, dtype=np.float64), np.asarray(w, dtype=np.float64))
    return fit


# --- the estimate ----------------------------------------------------------------


def best_estimate(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    by: str | Sequence[str] = DEFAULT_BY,
    method: str = "isotonic",
    freq: str | pd.DateOffset | None = None,
    weights: Weights = None,
    on_conflict: str = "latest",
    *,
    validate: bool = True,
) -> Estimate:
    """The best-estimate series of each key: envelope, best value and provenance.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts, or a
        :class:`~kzfigures.Prepared` (:func:`~kzfigures.prepare`) to validate and index once.
    by : str or sequence of str
        The series key (default ``("metric", "group", "region")``).
    method : {"isotonic", "latest", "conservative", "median"}
        How ``best`` is chosen inside the envelope (see Notes).
    freq : str, DateOffset or None
        ``None``: one row per time slot. A pandas offset alias (``"D"``): a
        regular grid from the first to the last slot start of each key.
    weights : None, "equal", mapping or callable
        ``None``: the evidence table of :mod:`kzfigures.analysis.weights` (who stated a figure
        times how precisely: a named authority's exact figure weighs 6, an unattributed
        open-ended headline 0.5). ``"equal"``: every figure weighs 1. A mapping sets the source
        factor by ``"authority:NAME"``, ``"outlet:NAME"`` or ``"outlet_kind:KIND"`` (the most
        specific key that applies wins); a callable ``f(frame)`` returns one weight per
        observation. Weights must be finite and ``> 0``. A claim weighs the *maximum* of its
        observations' weights: echoing a claim never adds weight.
    on_conflict : {"latest", "drop-minority", "raise"}
        What to do with observations no non-decreasing count can fit (see
        Notes and :mod:`kzfigures.analysis.conflicts`).
    validate : bool, keyword-only
        ``False`` skips validating ``observations`` for a frame that is
        canonical already (from :func:`~kzfigures.from_frame`,
        :func:`~kzfigures.read_csv` or :func:`~kzfigures.to_frame`, or rows
        selected from one, and not modified since); see
        :func:`kzfigures.frame.as_frame`. Validate once, analyse many times.

    Returns
    -------
    Estimate
        ``.series`` is the tidy frame, one row per key and time, with
        columns: the ``by`` columns; ``time`` (slot start, or grid time;
        tz-aware in the frame's zone); ``slot`` (int64: the slot at or before
        ``time``); ``slot_start``, ``slot_end`` (that slot's period); ``low``
        (Int64), ``best`` (float64), ``high`` (Int64, ``<NA>`` = unbounded);
        ``n_claims``, ``n_observations`` (kept, in the slot containing
        ``time``; 0 between slots), ``n_set_aside`` (observations set aside
        there); ``cumulative`` (bool); ``fit`` (float64: the
        method's value before clipping into the envelope); ``low_ids``, ``best_ids``,
        ``high_ids`` (object: sorted tuples of observation ids that set
        ``low``, ``best``, ``high``; empty when ``low`` is 0 by default or
        ``high`` is unbounded). ``.set_aside`` lists what was set aside and why.

    Raises
    ------
    InvalidArgumentError
        An unknown ``method``, ``on_conflict`` or ``freq``, or bad weights.
    UnknownColumnError
        ``by`` names a column that cannot key a series.
    InconsistentObservationsError
        ``on_conflict="raise"`` and some key is inconsistent; carries the
        violations frame.
    TimezoneError
        A ``freq`` grid time falls in a daylight-saving change of the
        frame's zone (a local time that occurs twice or not at all).

    Notes
    -----
    Figure ``i`` says ``lo_i <= C(tau_i) <= hi_i`` for a moment ``tau_i`` in
    ``[start_i, end_i)``; ``i`` is strictly before ``j`` when ``end_i <= start_j``. The
    figures are consistent iff no strictly ordered pair has ``lo_i > hi_j``
    (``docs/methodology.md`` proves it). At the end ``T`` of a slot, a cumulative key has the
    envelope of the kept figures

    .. math:: L(T) = \\max\\{lo_i : end_i \\le T\\} \\;(0 \\text{ if none}), \\qquad
              U(T) = \\min\\{hi_i : start_i \\ge T\\} \\;(+\\infty \\text{ if none}),

    so a slot's own figures raise its ``low`` but do not bound its ``high``: the count may have
    risen after their moments. Every count that fits the kept figures lies in the envelope.

    Only a figure that states a number has a point (its stated number clipped into its
    interval); a vague word ("dozens") or an open-ended one without a number bounds the
    envelope but never pulls the fit, and ``best`` is missing (NaN) where no stated figure
    informs it. ``best = median(L, g, U)`` with ``g`` by method: ``isotonic``, the weighted
    isotonic fit over the stated claims in a linear extension of the order (slots in order;
    inside a slot sorted by point, optimal for squared loss when the slot's periods all overlap,
    by the rearrangement inequality), taking each slot's last (largest) value; ``median``, the
    isotonic fit of each slot's weighted lower median; ``latest``, each slot's weighted lower
    median, then a running maximum (a headline figure that never falls); ``conservative``,
    ``L`` where a kept figure sets it. ``g`` carries forward to slots no stated figure informs,
    never backward. Non-cumulative keys skip the monotone constraint: ``L``/``U`` are the
    slot's own largest ``lo`` and smallest ``hi``, and ``g`` its own mean or median.

    ``on_conflict="latest"`` sets aside every figure whose ``lo`` exceeds the ``hi`` of a
    strictly later one (:func:`~kzfigures.analysis.conflicts.supersede`): a correction. The
    figures it sets aside leave the envelope but stay in the fit, capped at the correction (a
    correction caps earlier figures; it does not erase them), and so do those
    ``drop-minority`` outvotes, capped into the kept range around them.

    With ``freq``, a grid time inside a slot, or after it and before the next, takes that slot's
    row; between slots no claims are counted.

    Complexity: ``O(n log n)`` for ``n`` observations plus the conflict policy (``latest``
    ``O(n log n)``; ``drop-minority`` as :func:`~kzfigures.analysis.conflicts.settle_drop_minority`).

    Examples
    --------
    A police toll repeated twice, then revised down by the health ministry:
    ``latest`` keeps the revision and caps the police figures at it (the best does not fall
    back to 0 before the correction), ``drop-minority`` keeps the majority.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"metric": ["killed"] * 3, "stated": [410, 410, 300],
    ...                       "as_of": ["2022-01-07T00:00+06:00", "2022-01-08T00:00+06:00", "2022-01-09T00:00+06:00"],
    ...                       "authority": ["Police", "Police", "Ministry of Health"]})
    >>> best_estimate(frame).series[["time", "low", "best", "high"]]
                           time  low   best  high
    0 2022-01-07 00:00:00+06:00    0  300.0   300
    1 2022-01-08 00:00:00+06:00    0  300.0   300
    2 2022-01-09 00:00:00+06:00  300  300.0  <NA>
    >>> best_estimate(frame, on_conflict="drop-minority").set_aside[["id", "reason", "superseded_by"]]
          id    reason superseded_by
    0  row-2  outvoted         row-1
    """
    method = _check_choice("method", method, METHODS)
    on_conflict = _check_choice("on_conflict", on_conflict, ON_CONFLICT)
    offset = _check_freq(freq)
    inputs = Inputs.of(observations, by, validate=validate)
    frame, columns = inputs.frame, list(inputs.by)
    observation_weight = observation_weights(frame, weights)
    freq_label = None if offset is None else (freq if isinstance(freq, str) else offset.freqstr)
    tz = frame["as_of"].dt.tz
    if len(frame) == 0:
        return Estimate(
            series=empty_table(frame, columns, ESTIMATE_COLUMNS),
            set_aside=_set_aside_frame(frame, columns, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.intp), [], []),
            method=method,
            on_conflict=on_conflict,
            freq=freq_label,
            by=tuple(columns),
            observations=frame,
        )
    index = inputs.index()
    claims = _claims(frame, index, observation_weight)
    kept, reason, witness = _settle(claims, on_conflict, frame, index)
    obs_kept = kept[index.claim]
    slots = _slots(index, obs_kept, claims.cumulative)
    envelope = _envelope(claims, kept, slots)
    fitted = _fit(claims, kept, witness, slots, envelope, method)
    # The set-aside rows by key, as_of, id, from integers: series numbers follow the keys' order
    # (missing last, as sort_values puts them), start is as_of's instant, id_rank the ids' order.
    aside = np.flatnonzero(~obs_kept)
    aside = aside[lexsort_stable((index.id_rank[aside], index.start[aside], index.series[aside]))]
    aside_claim = index.claim[aside]  # only the set-aside rows' witnesses become text
    aside_reason = reason[aside_claim]
    witness_ids = frame["id"].array.take(claims.witness_row[witness[aside_claim]])
    del claims, kept, reason, witness  # a row each: freed before the provenance tuples, the peak
    per_slot = _provenance(frame, index, slots, envelope, fitted, obs_kept, method)
    rows = per_slot if offset is None else _on_grid(per_slot, offset, tz)
    return Estimate(
        series=_series_frame(rows, index.series_keys(frame, rows["series"].to_numpy()), columns, tz),
        set_aside=_set_aside_frame(frame, columns, index.series, aside, aside_reason, witness_ids),
        method=method,
        on_conflict=on_conflict,
        freq=freq_label,
        by=tuple(columns),
        observations=frame,
    )


@attrs.frozen(eq=False)
class _Claims:
    """Step 1: one row per claim (numbered as the index numbers them), and each claim's witness row.

    ``table`` has ``series``, ``slot``, ``start``/``end`` (the hull of its observations' periods),
    ``lo``, ``hi`` (``UNBOUNDED`` for none), ``weight`` (the largest of its observations'),
    ``point`` (the lower median of its observations' points) and ``stated`` (whether it states a
    number: only those carry weight in the fit);
    ``witness_row`` is the row of its smallest id, which names it where it set another aside;
    ``cumulative`` says per series whether every row of it is a running total.
    """

    table: pd.DataFrame
    witness_row: _IntArray
    cumulative: npt.NDArray[np.bool_]


def _claims(frame: pd.DataFrame, index: ClaimIndex, observation_weight: _FloatArray) -> _Claims:
    """Step 1: the claims of the index, each with its interval, weight, point value and witness."""
    series, claim = index.series, index.claim
    obs_hi = frame["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)
    # A series is cumulative if all its rows are (series are numbered 0 .. S-1, none missing).
    not_cumulative = np.zeros(int(series.max()) + 1, dtype=bool)
    not_cumulative[series[~frame["cumulative"].to_numpy(dtype=bool)]] = True
    cumulative = ~not_cumulative
    # Claims are numbered 0 .. C-1 with none missing, so per-claim reductions are ufunc.at into
    # arrays of C (no groupby, which sorts the keys first).
    n_claims = int(claim.max()) + 1
    first_row = np.full(n_claims, len(frame), dtype=np.int64)
    np.minimum.at(first_row, claim, np.arange(len(frame)))
    weight = np.zeros(n_claims)
    np.maximum.at(weight, claim, observation_weight)
    # A claim's period is the hull of its observations' periods; it states a number if one does.
    start = np.full(n_claims, np.iinfo(np.int64).max, dtype=np.int64)
    end = np.full(n_claims, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(start, claim, index.start)
    np.maximum.at(end, claim, index.end)
    stated = np.zeros(n_claims, dtype=bool)
    stated[claim[frame["stated"].notna().to_numpy(dtype=bool)]] = True
    table = pd.DataFrame(
        {
            "series": series[first_row],
            "slot": index.slot[first_row],
            "start": start,
            "end": end,
            "lo": frame["low"].to_numpy(dtype=np.int64)[first_row],
            "hi": obs_hi[first_row],
            "weight": weight,
            "point": _lower_median_by(claim, point_values(frame), n_claims),
            "stated": stated,
        },
        index=pd.RangeIndex(n_claims, name="claim"),
        copy=False,
    )
    # The smallest id per claim, via integer ranks (a groupby min of texts runs in Python per group).
    smallest = np.full(n_claims, len(frame), dtype=np.int64)
    np.minimum.at(smallest, claim, index.id_rank)
    return _Claims(table, _rows_by_id(index)[smallest], cumulative)


def _rows_by_id(index: ClaimIndex) -> npt.NDArray[np.intp]:
    """The rows in id order: the inverse of ``index.id_rank``."""
    by_id = np.empty(len(index.id_rank), dtype=np.intp)
    by_id[index.id_rank] = np.arange(len(index.id_rank))
    return by_id


@attrs.frozen(eq=False)
class _Slots:
    """Step 3: the (series, slot) pairs of all series laid out in one array, 0 .. n_slots-1.

    ``position`` is each observation's slot in that array; ``series`` each slot's series;
    ``offset`` each series' first slot; ``start``/``end`` each slot's period (UTC ns);
    ``cumulative`` each slot's series' flag; ``n_kept``/``n_aside`` its observations kept and set aside.
    """

    position: _IntArray
    series: _IntArray
    offset: _IntArray
    start: _IntArray
    end: _IntArray
    cumulative: npt.NDArray[np.bool_]
    n_kept: _IntArray
    n_aside: _IntArray

    @property
    def n(self) -> int:
        return len(self.series)


def _slots(index: ClaimIndex, obs_kept: npt.NDArray[np.bool_], series_cumulative: npt.NDArray[np.bool_]) -> _Slots:
    """Step 3: the slots of every series, with their periods and what they hold."""
    series, slot = index.series, index.slot
    slots_per_series = np.zeros(int(series.max()) + 1, dtype=np.int64)
    np.maximum.at(slots_per_series, series, slot + 1)
    offset = np.r_[0, np.cumsum(slots_per_series)[:-1]]
    n_slots = int(slots_per_series.sum())
    position = offset[series] + slot
    start = np.full(n_slots, np.iinfo(np.int64).max, dtype=np.int64)
    end = np.full(n_slots, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(start, position, index.start)
    np.maximum.at(end, position, index.end)
    slot_series = np.repeat(np.arange(len(slots_per_series)), slots_per_series)
    return _Slots(
        position=position,
        series=slot_series,
        cumulative=series_cumulative[slot_series],
        offset=offset,
        start=start,
        end=end,
        n_kept=np.bincount(position[obs_kept], minlength=n_slots),
        n_aside=np.bincount(position[~obs_kept], minlength=n_slots),
    )


def _settle(
    found: _Claims, on_conflict: str, frame: pd.DataFrame, index: ClaimIndex
) -> tuple[npt.NDArray[np.bool_], _IntArray, _IntArray]:
    """Step 2: apply the conflict policy to each inconsistent series; keep all of a consistent one.

    A cumulative series is inconsistent when a claim's ``lo`` exceeds the ``hi`` of a strictly
    later one (:func:`~kzfigures.analysis.conflicts.supersede`); claims of overlapping periods
    never contradict each other, since the count may rise within a period. A non-cumulative
    series is inconsistent when the claims of one period share no point. Returns per claim
    whether it is kept, the reason code (:data:`REASONS`) of one set aside, and the claim that
    witnesses it (-1 for none).
    """
    claims, series_cumulative = found.table, found.cumulative
    n = len(claims)
    kept = np.ones(n, dtype=bool)
    reason = np.zeros(n, dtype=np.int64)
    witness = np.full(n, -1, dtype=np.int64)
    series = claims["series"].to_numpy()
    slot, lo, hi, start, end = (claims[c].to_numpy(dtype=np.int64) for c in ("slot", "lo", "hi", "start", "end"))
    cumulative = series_cumulative[series]
    # Only a series of two claims or more can contradict itself (a series a row has none).
    shared = np.bincount(series)[series] > 1
    running = np.flatnonzero(cumulative & shared)
    # Ties between witnesses go to the smallest id, as everywhere in the results.
    rank = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(rank, index.claim, index.id_rank)
    capped, by = supersede(series[running], start[running], end[running], lo[running], hi[running], rank[running])
    own = np.zeros(n, dtype=bool)
    daily_rows = np.flatnonzero(~cumulative & shared)
    if len(daily_rows):
        one_period = claims.iloc[daily_rows].groupby(["series", "slot"])["lo"].transform("max").to_numpy()
        own[daily_rows] = one_period > hi[daily_rows]
    bad_series = np.unique(np.r_[series[running[capped]], series[own]])
    if len(bad_series) and on_conflict == "raise":
        raise InconsistentObservationsError(inconsistencies(frame, index))
    if not len(bad_series):
        return kept, reason, witness
    weight = claims["weight"].to_numpy()
    if on_conflict == "latest":
        kept[running[capped]] = False
        reason[running[capped]] = REASONS.index("superseded")
        witness[running[capped]] = running[by[capped]]
        daily = np.unique(series[own])  # each period alone: settled by weight at a common point
        if len(daily):
            part = np.flatnonzero(np.isin(series, daily))
            run = np.searchsorted(daily, series[part])
            decided = settle_latest_runs(
                run, slot[part], lo[part], hi[part], weight[part], np.zeros(len(daily), dtype=bool)
            )
            kept[part] = decided.kept
            reason[part] = decided.reason
            witness[part] = np.where(decided.witness >= 0, part[decided.witness], -1)
        return kept, reason, witness
    part = np.flatnonzero(np.isin(series, bad_series))
    settled = settle_drop_minority_runs(
        np.searchsorted(bad_series, series[part]),
        slot[part],
        lo[part],
        hi[part],
        weight[part],
        series_cumulative[bad_series],
    )
    kept[part] = settled.kept
    reason[part] = settled.reason
    witness[part] = np.where(settled.witness >= 0, part[settled.witness], -1)
    return kept, reason, witness


def _lower_median_by(group: _IntArray, value: _IntArray, size: int) -> _IntArray:
    """Per group ``0 .. size-1``: the lower median of its values, the ``floor((k - 1) / 2)``-th smallest of ``k``.

    Equal to ``groupby(group).quantile(0.5, interpolation="lower")``; a group with no rows gets
    the largest int64. Most groups (a claim's echoes) hold one value: only the others are sorted.

    >>> _lower_median_by(np.array([0, 1, 1, 1, 0]), np.array([5, 3, 1, 2, 5]), 2).tolist()
    [5, 2]
    """
    smallest = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    largest = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(smallest, group, value)
    np.maximum.at(largest, group, value)
    result = smallest.copy()
    rows = np.flatnonzero((smallest != largest)[group])
    if len(rows):
        order = rows[lexsort_stable((value[rows], group[rows]))]
        sorted_group = group[order]
        starts = run_starts(sorted_group)
        sizes = np.diff(np.r_[starts, len(order)])
        result[sorted_group[starts]] = value[order[starts + (sizes - 1) // 2]]
    return result


def _weighted_lower_median(position: _IntArray, value: _IntArray, weight: _FloatArray, size: int) -> _FloatArray:
    """Per position: the smallest value whose cumulative weight reaches half the total."""
    result = np.full(size, np.nan)
    if len(position) == 0:
        return result
    order = np.lexsort((value, position))
    pos, val, w = position[order], value[order], weight[order]
    cum = pd.Series(w).groupby(pos).cumsum().to_numpy()
    total = np.bincount(pos, weights=w, minlength=size)[pos]
    reached = cum >= total / 2 * (1 - 1e-12)
    first = reached & ~np.r_[False, reached[:-1] & (pos[1:] == pos[:-1])]
    result[pos[first]] = val[first]
    return result


@attrs.frozen(eq=False)
class _Envelope:
    """Step 4: per slot, ``low`` = L and ``high`` = U by the end of the slot, with where they come from.

    ``high`` is ``UNBOUNDED`` where no later claim bounds the count. ``low_pos``/``high_pos``
    are the slots (float, NaN for none) whose kept claims set them; ``ceiling`` is the smallest
    ``hi`` kept at the slot or later (what caps a figure set aside there); ``n_claims`` counts
    the kept claims of each slot.
    """

    low: _IntArray
    high: _IntArray
    low_pos: _FloatArray
    high_pos: _FloatArray
    ceiling: _IntArray
    n_claims: _IntArray


def _envelope(claims: _Claims, kept: npt.NDArray[np.bool_], slots: _Slots) -> _Envelope:
    """Step 4: the feasible envelope of the kept claims by the end of each slot.

    For a cumulative series, at the end ``T_k`` of slot ``k``:
    ``L = max{lo_i : end_i <= T_k}`` (the kept claims of slots ``<= k``; 0 if none) and
    ``U = min{hi_i : start_i >= T_k}`` (those of slots ``> k``). A claim of slot ``k`` does not
    bound the count at ``T_k`` from above: the count may have risen after its moment. A
    non-cumulative series takes each slot's own claims.
    """
    n_slots, slot_series, cumulative = slots.n, slots.series, slots.cumulative
    table = claims.table[kept]
    pos = slots.offset[table["series"].to_numpy()] + table["slot"].to_numpy()
    max_lo = np.full(n_slots, -1, dtype=np.int64)
    min_hi = np.full(n_slots, UNBOUNDED, dtype=np.int64)
    np.maximum.at(max_lo, pos, table["lo"].to_numpy(dtype=np.int64))
    np.minimum.at(min_hi, pos, table["hi"].to_numpy(dtype=np.int64))
    n_claims = np.bincount(pos, minlength=n_slots)
    has = n_claims > 0
    positions = pd.Series(np.arange(n_slots, dtype=np.float64))
    low = np.maximum(np.where(cumulative, pd.Series(max_lo).groupby(slot_series).cummax().to_numpy(), max_lo), 0)
    low_from = positions.where((max_lo == low) & has).groupby(slot_series).ffill().to_numpy()
    # The smallest hi at this slot or later, and the nearest slot that holds it.
    ceiling = pd.Series(min_hi[::-1]).groupby(slot_series[::-1]).cummin().to_numpy()[::-1]
    ceiling_from = positions.where((min_hi == ceiling) & (min_hi < UNBOUNDED)).groupby(slot_series).bfill().to_numpy()
    # U by the end of a slot is the next slot's ceiling.
    next_same = np.r_[slot_series[1:] == slot_series[:-1], False]
    after = np.minimum(np.arange(n_slots) + 1, n_slots - 1)
    later_high = np.where(next_same, ceiling[after], UNBOUNDED)
    later_from = np.where(next_same, ceiling_from[after], np.nan)
    own_from = positions.where(has).to_numpy()
    high = np.where(cumulative, later_high, min_hi)
    return _Envelope(
        low=low,
        high=high,
        low_pos=np.where(cumulative, low_from, own_from),
        high_pos=np.where(cumulative, later_from, np.where(min_hi < UNBOUNDED, own_from, np.nan)),
        ceiling=np.where(cumulative, ceiling, min_hi),
        n_claims=n_claims,
    )


@attrs.frozen(eq=False)
class _Fit:
    """Step 5: per slot the method's value ``g`` (NaN where no stated number informs it), ``best`` =
    g clipped into the envelope (NaN likewise), the fit block of each slot, the slot ``best_pos``
    whose value ``best`` is (itself except for ``latest``), and per claim its fit block (-1 for a
    claim outside the fit).
    """

    g: _FloatArray
    best: _FloatArray
    block: _IntArray
    best_pos: _IntArray
    claim_block: _IntArray


def _fit_values(
    claims: _Claims, kept: npt.NDArray[np.bool_], witness: _IntArray, envelope: _Envelope, slots: _Slots
) -> tuple[npt.NDArray[np.bool_], _IntArray]:
    """Which claims the fit uses, and the value each enters with.

    Only a claim that states a number carries weight: a vague word or an open-ended one without a
    number bounds the envelope but does not pull the fit. A kept claim enters with its point. A
    claim set aside keeps its point, capped (the correction caps it, it does not erase it): a
    superseded claim at the ``hi`` of the later claim that supersedes it, another at the range
    ``[L, ceiling]`` kept around its slot.
    """
    table = claims.table
    # A non-cumulative series has no later claim to cap with: what its policy set aside stays out.
    used = table["stated"].to_numpy(dtype=bool) & (kept | claims.cumulative[table["series"].to_numpy()])
    point = table["point"].to_numpy(dtype=np.int64)
    pos = slots.offset[table["series"].to_numpy()] + table["slot"].to_numpy()
    hi = table["hi"].to_numpy(dtype=np.int64)
    superseded = ~kept & (witness >= 0) & (point > hi[np.maximum(witness, 0)])
    cap_high = np.where(superseded, hi[np.maximum(witness, 0)], np.maximum(envelope.ceiling, envelope.low)[pos])
    capped = np.minimum(np.maximum(point, envelope.low[pos]), cap_high)
    return used, np.where(kept, point, capped)


def _fit(
    claims: _Claims,
    kept: npt.NDArray[np.bool_],
    witness: _IntArray,
    slots: _Slots,
    envelope: _Envelope,
    method: str,
) -> _Fit:
    """Step 5: the method's value at each slot, carried forward (never back), clipped into [L, U].

    ``isotonic``: the weighted isotonic fit over the claims in a linear extension of the
    interval order (slots in order; inside a slot, sorted by value: optimal for squared loss when
    the slot's periods all overlap, by the rearrangement inequality); a slot's value is the fit of
    its last (largest) claim, the count by the end of the slot. ``median``: the isotonic fit of
    each slot's weighted lower median. ``latest``: each slot's weighted lower median, then a
    running maximum. ``conservative``: L. Non-cumulative series take each slot's own weighted mean
    (``isotonic``) or lower median.
    """
    n_slots, slot_series, cumulative = slots.n, slots.series, slots.cumulative
    table = claims.table
    used, y = _fit_values(claims, kept, witness, envelope, slots)
    series_of = table["series"].to_numpy()
    pos = slots.offset[series_of] + table["slot"].to_numpy()
    weight = table["weight"].to_numpy(dtype=np.float64)
    claim_block = np.full(len(table), -1, dtype=np.int64)
    g = np.full(n_slots, np.nan)
    block = np.full(n_slots, np.nan)
    in_fit = np.flatnonzero(used)
    by_claims = method == "isotonic"
    if by_claims:
        fitted = in_fit[cumulative[pos[in_fit]]]
        order = fitted[lexsort_stable((table["start"].to_numpy()[fitted], y[fitted], pos[fitted]))]
        fit, fit_block = _isotonic_by_series(series_of[order], y[order].astype(np.float64), weight[order])
        claim_block[order] = fit_block
        ordered_pos = pos[order]
        last = np.r_[ordered_pos[1:] != ordered_pos[:-1], True][: len(order)]  # each slot's last claim
        g[pos[order][last]] = fit[last]
        block[pos[order][last]] = fit_block[last]
        alone = in_fit[~cumulative[pos[in_fit]]]  # non-cumulative: each slot's weighted mean
        totals = np.bincount(pos[alone], weights=weight[alone], minlength=n_slots)
        means = np.bincount(pos[alone], weights=weight[alone] * y[alone], minlength=n_slots)
        own = totals > 0
        g[own] = means[own] / totals[own]
        # Numbers distinct from the fit's blocks, which count up to one per fitted claim: offset by
        # the number of claims, not of slots (a series with more blocks than slots reached them).
        block[own] = len(table) + np.flatnonzero(own)
        claim_block[alone] = (len(table) + pos[alone]).astype(np.int64)
    elif method != "conservative":
        medians = _weighted_lower_median(pos[in_fit], y[in_fit], weight[in_fit], n_slots)
        totals = np.bincount(pos[in_fit], weights=weight[in_fit], minlength=n_slots)
        has = totals > 0
        fitted = has & cumulative if method == "median" else np.zeros(n_slots, dtype=bool)
        fit, fit_block = _isotonic_by_series(
            slot_series[fitted], medians[fitted], np.asarray(totals[fitted], dtype=np.float64)
        )
        g[fitted] = fit
        block[fitted] = fit_block
        alone = has & ~fitted
        g[alone] = medians[alone]
        block[alone] = n_slots + np.flatnonzero(alone)
        claim_block[in_fit] = np.nan_to_num(block[pos[in_fit]], nan=-1).astype(np.int64)
    # Carry forward into slots no stated claim informs, never backward: a number before the first
    # stated figure would be invented. Conservative's g = L needs a kept claim's bound.
    # A non-cumulative series' count of one period says nothing of the next: no carrying there.
    if method == "conservative":
        informed = ~np.isnan(envelope.low_pos)  # L is a kept claim's bound, not the default 0
        g = np.where(informed, envelope.low.astype(np.float64), np.nan)
        block = np.where(informed, n_slots + np.arange(n_slots), np.nan)
    else:
        carried = pd.DataFrame({"g": g, "block": block}).groupby(slot_series)
        g = np.where(cumulative, carried["g"].ffill().to_numpy(), g)
        block = np.where(cumulative, carried["block"].ffill().to_numpy(), block)
    low, high = envelope.low, envelope.high
    upper = np.where(high == UNBOUNDED, np.inf, high.astype(np.float64))
    best = np.minimum(np.maximum(g, low), upper)  # NaN stays NaN
    best_pos = np.arange(n_slots)
    if method == "latest":
        positions = pd.Series(np.arange(n_slots, dtype=np.float64))
        headline = pd.Series(best).groupby(slot_series).cummax().to_numpy()
        source = positions.where((best == headline) | ~cumulative).groupby(slot_series).ffill()
        best = np.where(cumulative & ~np.isnan(best), headline, best)
        best_pos = source.fillna(pd.Series(np.arange(n_slots, dtype=np.float64))).to_numpy().astype(np.int64)
    return _Fit(
        g=g,
        best=best,
        block=np.nan_to_num(block, nan=-1).astype(np.int64),
        best_pos=best_pos,
        claim_block=claim_block,
    )


def _provenance(
    frame: pd.DataFrame,
    index: ClaimIndex,
    slots: _Slots,
    envelope: _Envelope,
    fitted: _Fit,
    obs_kept: npt.NDArray[np.bool_],
    method: str,
) -> pd.DataFrame:
    """Step 6: one row per slot with its numbers and the sorted ids of the observations behind each.

    ``low`` cites the kept observations that set L, ``high`` those that set U; ``best`` cites
    the observations of the claims in its fit block (set-aside ones included: their capped
    values inform it), or low's (high's) where the fit is clipped to L (U); nothing where it is
    missing.
    """
    n_slots, obs_pos = slots.n, slots.position
    obs_lo = frame["low"].to_numpy(dtype=np.int64)
    obs_hi = frame["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)
    g, best, block = fitted.g, fitted.best, fitted.block
    present = ~np.isnan(g)
    clipped_low = present & (g < envelope.low)
    clipped_high = present & (g > envelope.high.astype(np.float64))
    cites_block = present & ~(clipped_low | clipped_high) & (method != "conservative")
    by_id = _rows_by_id(index)
    # By slot, ids in order within each slot: one stable sort serves both bounds.
    kept_rows = by_id[obs_kept[by_id]]
    kept_rows = kept_rows[argsort_stable(obs_pos[kept_rows])]
    # Where a slot holds about one observation, Arrow ids become Python strings in the order the
    # tuples read them (kept rows by slot, then the others): ids[id_at[row]] is a row's id.
    # Elsewhere they are made in row order (id_at None): ids[row].
    made, listed, id_at = None, kept_rows, None
    if 2 * n_slots > len(frame):
        listed = np.r_[kept_rows, np.flatnonzero(~obs_kept)]
        made = _strings.made_in_order(frame["id"], listed)
    if made is None:
        ids, kept_at = frame["id"].to_numpy(dtype=object), kept_rows
    else:
        ids, kept_at = made, np.arange(len(kept_rows))
        id_at = np.empty(len(listed), dtype=np.intp)
        id_at[listed] = np.arange(len(listed))
    (low_ids, high_ids), low_row = _ids_by_slot(
        obs_pos[kept_rows],
        kept_rows,
        (ids, kept_at),
        n_slots,
        [
            (obs_lo[kept_rows], envelope.low_pos, envelope.low),
            (obs_hi[kept_rows], envelope.high_pos, envelope.high),
        ],
    )
    obs_block = fitted.claim_block[index.claim]
    n_blocks = max(int(obs_block.max()), int(block.max()), 0) + 1
    # One figure a slot (most slots): its block's tuple is low's, not built again.
    in_block = np.flatnonzero(obs_block >= 0)
    block_row = _sole_row(obs_block[in_block], in_block, n_blocks)[np.maximum(block, 0)]
    same_as_low = cites_block & (block >= 0) & (block_row >= 0) & (block_row == low_row)
    # Ids are gathered only for the blocks some slot cites (touching a string is a cache miss).
    wanted = np.where(cites_block & ~same_as_low, block, -1)
    cited = np.zeros(n_blocks, dtype=bool)
    cited[wanted[wanted >= 0]] = True
    cited_rows = by_id[(obs_block[by_id] >= 0) & cited[np.maximum(obs_block[by_id], 0)]]
    block_ids = _lookup_ids((obs_block[cited_rows], wanted), ids, cited_rows if id_at is None else id_at[cited_rows])
    block_ids[same_as_low] = low_ids[same_as_low]
    # block_ids is () where no block is cited, the fit missing included; the clipped slots (few)
    # are overwritten in place rather than the whole column built again by np.where.
    own = block_ids
    own[clipped_high] = high_ids[clipped_high]
    own[clipped_low] = low_ids[clipped_low]  # both clipped (an empty envelope): low's, as before
    if method == "conservative":
        none = np.empty(n_slots, dtype=object)
        none.fill(())
        best_ids = np.where(present, low_ids, none)
    elif method == "latest":
        best_ids = own[fitted.best_pos]
    else:
        best_ids = own
    return pd.DataFrame(
        {
            "series": slots.series,
            "slot": np.arange(n_slots) - slots.offset[slots.series],
            "start": slots.start,
            "end": slots.end,
            "low": envelope.low,
            "best": best,
            "fit": g,
            "high": envelope.high,
            "n_claims": envelope.n_claims,
            "n_observations": slots.n_kept,
            "n_set_aside": slots.n_aside,
            "cumulative": slots.cumulative,
            "low_ids": low_ids,
            "best_ids": best_ids,
            "high_ids": high_ids,
        },
        copy=False,  # fresh arrays: not copied into blocks, for a frame that is read once
    )


def _sole_row(group: _IntArray, row: _IntArray, n_groups: int) -> _IntArray:
    """Per group number ``0 <= g < n_groups``, its row if exactly one of ``row`` is in it, else -1.

    A slot whose fit block is one observation that alone sets its low cites the same ids for both.

    >>> _sole_row(np.array([0, 1, 1]), np.array([7, 8, 9]), 3).tolist()
    [7, -1, -1]
    """
    sole = np.full(n_groups, -1, dtype=np.intp)
    sole[group] = row
    sole[np.bincount(group, minlength=n_groups) != 1] = -1
    return sole


def _ids_by_slot(
    pos: _IntArray,
    rows: _IntArray,
    texts: tuple[npt.NDArray[np.object_], _IntArray],
    n_slots: int,
    bounds: Sequence[tuple[_IntArray, _FloatArray, _IntArray]],
) -> tuple[list[npt.NDArray[np.object_]], _IntArray]:
    """Per bound and row, the ids of the kept observations in slot ``wanted_pos`` with ``wanted_value``;
    and per row, for the first bound, the row of that observation if it is the only one (-1 otherwise).

    ``pos`` and ``rows`` are the kept observations' slots and rows, sorted by slot, ids sorted
    within a slot; ``texts`` is (ids, id_at): ``ids[id_at[i]]`` is the id of ``rows[i]`` (only those
    cited are gathered: touching a string object is a cache miss);
    each bound is (each observation's value, each row's slot or NaN, each row's wanted value),
    and a row with no slot gets ``()``. Every row that names slot ``p`` wants the same value there
    (the slot's own largest ``lo`` or smallest ``hi``), so the observations wanted are a mask, and
    those of one slot are already together and in id order: no sort, no search. Where a slot's
    mask equals the previous bound's (an exact figure sets both low and high: 90 % of slots at
    10^6), its tuple is shared rather than built again.
    """
    ids, id_at = texts
    results: list[npt.NDArray[np.object_]] = []
    sole_row = np.zeros(0, dtype=np.intp)
    previous: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.object_]] | None = None
    for value, wanted_pos, wanted_value in bounds:
        where = np.asarray(wanted_pos, dtype=np.float64)
        present = ~np.isnan(where)
        at = where[present].astype(np.int64)
        wanted = np.asarray(wanted_value, dtype=np.int64)[present]
        target = np.zeros(n_slots, dtype=np.int64)
        target[at] = wanted
        if (target[at] != wanted).any():  # _slot_values breaks its own rule: fail loudly, not cite wrongly
            raise RuntimeError("kzfigures internal error: a slot is cited for two different bounds")
        named = np.zeros(n_slots, dtype=bool)
        named[at] = True
        match = named[pos] & (target[pos] == value)
        # One slot more, holding the () of the rows that name none: each row's tuple is one gather.
        per_slot = np.empty(n_slots + 1, dtype=object)
        per_slot.fill(())  # one shared empty tuple, not a Python call per slot
        build = match
        if previous is not None:
            previous_match, previous_named, previous_per_slot = previous
            differs = np.zeros(n_slots, dtype=bool)
            differs[pos[match != previous_match]] = True
            same = named & previous_named & ~differs
            per_slot[:n_slots][same] = previous_per_slot[:n_slots][same]
            build = match & ~same[pos]
        build_pos = pos[build]
        if len(build_pos):
            starts = run_starts(build_pos)
            per_slot[build_pos[starts]] = run_tuples(ids[id_at[build]], starts)
        result = per_slot[np.where(present, where, n_slots).astype(np.intp)]
        if previous is None:  # the first bound's only: a fit block of one observation shares low's tuple
            sole_row = np.full(len(where), -1, dtype=np.intp)
            sole_row[present] = _sole_row(pos[match], rows[match], n_slots)[at]
        results.append(result)
        previous = (match, named, per_slot)
    return results, sole_row


def _lookup_ids(
    keys: tuple[_IntArray, _IntArray], ids: npt.NDArray[np.object_], rows: _IntArray
) -> npt.NDArray[np.object_]:
    """Per wanted key, the sorted tuple of the ids of the observations with that key (``()`` if none).

    ``keys`` is (each observation's key, each wanted row's key or -1); the observations' ids are
    ``ids[rows]``, listed in id order, so one stable sort by key keeps them sorted within
    each key. A tuple is built only for the runs some row wants, and only their ids are gathered
    (touching a string object is a cache miss): no Python call per group through groupby().agg.
    """
    kept_key, wanted_key = keys
    order = argsort_stable(kept_key)
    sorted_key = kept_key[order]
    starts = run_starts(sorted_key)
    ends = np.r_[starts[1:], len(order)].astype(np.intp)
    run_key = sorted_key[starts]
    run = np.minimum(np.searchsorted(run_key, wanted_key), max(len(run_key) - 1, 0))
    hit = (wanted_key >= 0) & (run_key[run] == wanted_key) if len(run_key) else np.zeros(len(wanted_key), bool)
    wanted_run = np.zeros(len(run_key), dtype=bool)
    wanted_run[run[hit]] = True
    needed = np.flatnonzero(wanted_run)  # sorted and distinct, like np.unique, without its sort
    # Only the ids of the runs some row wants become Python objects.
    first, last = starts[needed], ends[needed]
    lengths = last - first
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]  # each wanted run's start among the taken rows
    taken = np.repeat(first - offsets, lengths) + np.arange(int(lengths.sum()))
    tuples = np.empty(len(run_key), dtype=object)
    tuples[needed] = run_tuples(ids[rows[order[taken]]], offsets)
    result = np.empty(len(wanted_key), dtype=object)
    result.fill(())  # one shared empty tuple, not a Python call per row
    result[hit] = tuples[run[hit]]
    return result


def _on_grid(per_slot: pd.DataFrame, offset: pd.offsets.BaseOffset, tz: Any) -> pd.DataFrame:
    """Rows at a regular grid from each key's first to last slot start (carry semantics in the docstring).

    ``per_slot`` is sorted by series, then start. Each grid point takes the row of the slot at or
    before it; past that slot's end, a cumulative key takes ``high`` from the next slot and every
    key counts no claims or observations there.
    """
    series = per_slot["series"].to_numpy()
    starts = per_slot["start"].to_numpy(dtype=np.int64)
    step, later = np.diff(series), np.diff(starts)
    if not ((step > 0) | ((step == 0) & (later > 0))).all():  # fail loudly rather than carry the wrong rows
        raise RuntimeError("kzfigures internal error: the slot rows are not in key and time order")
    first_row = run_starts(series)
    last_row = np.r_[first_row[1:], len(series)] - 1
    _check_grid_size(starts[first_row], starts[last_row], offset, tz)
    grid = _grid_times(starts[first_row], starts[last_row], offset, tz)
    which = np.repeat(np.arange(len(first_row)), [len(g) for g in grid])  # each point's series
    times = np.concatenate(grid) if len(grid) else np.zeros(0, dtype=np.int64)
    # The slot at or before each point: sorted together with the slot starts (a start before a
    # point at the same time), the slot starts counted before a point are its row + 1. Every point
    # is at or after its series' first start, so that row lies in its own series.
    events = np.r_[run_numbers(first_row, len(series)), which]
    is_point = np.r_[np.zeros(len(series), dtype=np.int64), np.ones(len(times), dtype=np.int64)]
    by_time = lexsort_stable((is_point, np.r_[starts, times], events))
    slots_before = np.cumsum(is_point[by_time] == 0)
    at = np.empty(len(times), dtype=np.intp)
    at[by_time[is_point[by_time] == 1] - len(series)] = slots_before[is_point[by_time] == 1] - 1
    inside = times < per_slot["end"].to_numpy(dtype=np.int64)[at]
    # By the end of a slot, and until the next one starts, the count is bounded as by the slot's
    # own row: its high already comes from the later slots.
    rows = per_slot.iloc[at].reset_index(drop=True)
    for column in ("n_claims", "n_observations", "n_set_aside"):
        rows[column] = np.where(inside, rows[column].to_numpy(), 0)
    rows["time"] = times
    return rows


#: The most rows a ``freq`` grid may have, over all series: past it, ``best_estimate`` refuses
#: the grid up front rather than fill the memory (``freq="ns"`` over a week is 6 * 10^14 rows).
MAX_GRID_POINTS = 10_000_000


def _check_grid_size(first: _IntArray, last: _IntArray, offset: pd.offsets.BaseOffset, tz: Any) -> None:
    """Refuse a grid of more than :data:`MAX_GRID_POINTS` rows, estimated from one step of ``offset``.

    A calendar step (a month) varies by a few days, so the estimate is within a few per cent.
    """
    start = _moment(int(first.min()), tz)
    step = max(int(((start + offset) - start).value), 1)
    points = int(((last - first) // step + 1).sum())
    if points > MAX_GRID_POINTS:
        raise InvalidArgumentError(
            f"freq={offset.freqstr!r} makes a grid of about {points:,} rows over {len(first):,} series "
            f"(at most {MAX_GRID_POINTS:,}); choose a coarser freq"
        )


def _grid_times(first: _IntArray, last: _IntArray, offset: pd.offsets.BaseOffset, tz: Any) -> list[_IntArray]:
    """Per series, ``pd.date_range(first, last, freq=offset)`` in the frame's zone, as UTC nanoseconds.

    A range's points do not depend on where it ends, so series that start together share one
    ``date_range`` (to the latest of their ends), each cut at its own end: one call per distinct
    first start rather than per series.
    """
    distinct, which = np.unique(first, return_inverse=True)
    reach = np.full(len(distinct), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(reach, which, last)
    shared = [_date_range(a, b, offset, tz) for a, b in zip(distinct.tolist(), reach.tolist(), strict=True)]
    return [
        shared[j][: shared[j].searchsorted(end, side="right")]
        for j, end in zip(which.tolist(), last.tolist(), strict=True)
    ]


def _date_range(first: int, last: int, offset: pd.offsets.BaseOffset, tz: Any) -> _IntArray:
    """The points of ``pd.date_range(first, last, freq=offset)`` in zone ``tz``, as UTC nanoseconds.

    pandas places calendar steps (days, weeks, months) on the local clock and reads the range's
    end there too, which fails when ``last`` falls in the hour a daylight-saving change repeats,
    though no point needs it: the range then runs to the first local time after it that occurs
    once, and the points after ``last`` are cut.

    Raises
    ------
    TimezoneError
        A point of the grid falls in a daylight-saving change: a local time that occurs twice
        or not at all.
    """
    start, end = _moment(first, tz), _moment(last, tz)
    try:
        points = pd.date_range(start, _end_that_occurs_once(end), freq=offset)
    except Exception as error:  # the zone's rules reject a point (pytz's errors on pandas 2.2, ValueError on 3)
        raise TimezoneError(
            f"the freq={offset.freqstr!r} grid from {start} puts a time in a daylight-saving change of {tz} "
            f"(a local time that occurs twice or not at all): {error}. Choose a freq whose times avoid "
            "the change, or convert the observations' times to UTC"
        ) from error
    ns = np.asarray(points.tz_convert("UTC").as_unit("ns").asi8, dtype=np.int64)
    return ns[: ns.searchsorted(last, side="right")]


def _end_that_occurs_once(end: pd.Timestamp) -> pd.Timestamp:
    """``end``, or if its local time occurs twice (a daylight-saving overlap) the first one after it that does not."""
    wall = end.tz_localize(None)
    for _ in range(24 * 60):  # an overlap lasts an hour or so: a day of minutes is more than enough
        try:
            return wall.tz_localize(end.tz)
        except Exception:  # pytz's AmbiguousTimeError on pandas 2.2, ValueError on 3
            wall = wall.floor("min") + pd.Timedelta(minutes=1)
    return end


def _moment(ns: int, tz: Any) -> pd.Timestamp:
    return pd.Timestamp(ns, unit="ns", tz="UTC").tz_convert(tz)


def _times(ns: Any, tz: Any) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(ns, dtype=np.int64), unit="ns", utc=True)).dt.tz_convert(tz)


def _series_frame(rows: pd.DataFrame, keys: pd.DataFrame, columns: list[str], tz: Any) -> pd.DataFrame:
    time = rows["time"] if "time" in rows else rows["start"]
    high = pd.array(rows["high"].to_numpy(dtype=np.int64), dtype="Int64")
    high[rows["high"].to_numpy() == UNBOUNDED] = pd.NA
    result = pd.DataFrame(
        {
            **{c: keys[c] for c in columns},
            "time": _times(time, tz),
            "slot": rows["slot"].to_numpy(dtype=np.int64),
            "slot_start": _times(rows["start"], tz),
            "slot_end": _times(rows["end"], tz),
            "low": pd.array(rows["low"].to_numpy(dtype=np.int64), dtype="Int64"),
            "best": rows["best"].to_numpy(dtype=np.float64),
            "high": high,
            "fit": rows["fit"].to_numpy(dtype=np.float64),
            "n_claims": rows["n_claims"].to_numpy(dtype=np.int64),
            "n_observations": rows["n_observations"].to_numpy(dtype=np.int64),
            "n_set_aside": rows["n_set_aside"].to_numpy(dtype=np.int64),
            "cumulative": rows["cumulative"].to_numpy(dtype=bool),
            "low_ids": rows["low_ids"].to_numpy(dtype=object),
            "best_ids": rows["best_ids"].to_numpy(dtype=object),
            "high_ids": rows["high_ids"].to_numpy(dtype=object),
        },
        copy=False,  # arrays made for this frame: not copied again into blocks
    )
    # The rows come in order of series, numbered in key order (missing keys last, as sort_values
    # puts them), then of time: sorted by key and time already, with no sort of the key texts.
    return result


def _set_aside_frame(
    frame: pd.DataFrame,
    columns: list[str],
    series: _IntArray,
    aside: npt.NDArray[np.intp],
    reason: Any,
    witness_id: Any,
) -> pd.DataFrame:
    """The set-aside rows (positions ``aside``, in key, as_of, id order) with their ``reason`` codes and witnesses' ids.

    ``series`` numbers the frame's rows by key; ``reason`` and ``witness_id`` are given for the
    set-aside rows only, in the same order.
    """
    observed = [c for c in SET_ASIDE_COLUMNS if c in frame.columns]  # as_of, low, high
    cells = {"id": frame["id"].array.take(aside), **key_cells(frame, columns, series, aside)}
    rows = pd.DataFrame(cells | {column: frame[column].array.take(aside) for column in observed}, copy=False)
    # Four reasons: a string array of them, gathered, rather than a string checked per row.
    rows["reason"] = pd.array(list(REASONS), dtype="string").take(np.asarray(reason, dtype=np.intp))
    rows["superseded_by"] = pd.array(witness_id, dtype="string")
    return rows
