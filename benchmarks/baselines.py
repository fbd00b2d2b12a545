"""Two yardsticks for the analyses: the vectorized floor and a naive baseline.

Both compute, from a canonical frame, the same things as
``ranges(at=None)`` + ``violations`` + ``best_estimate(method="isotonic")``,
reduced to their arithmetic core:

- per series: observations, distinct claims, min/max stated, the hull
  ``[min low, max high]`` and the consensus ``[max low, min high]``;
- time slots (overlapping as-of periods merged, as :mod:`kzfigures.analysis.index`);
- definite violations of a cumulative series: ``high_j < max{low_i : slot_i < slot_j}``;
  conflicts: disjoint intervals within one slot;
- the envelope ``L`` (running max of lows), ``U`` (reverse running min of
  highs) and the isotonic fit of one point per claim (stated clipped into
  its interval, weight one per claim), clipped into ``[L, U]``.

:func:`floor` is the minimal vectorized implementation: one sort by series
and time, running maxima/minima by ``numpy.ufunc.accumulate`` (series kept
apart by adding ``series * 2**40`` to the values), per-slot reductions by
``reduceat``, and **one** ``scipy.optimize.isotonic_regression`` call over
every series at once (series offset so that pooling never crosses a
boundary). It skips validation, provenance, explanations and output
formatting, so the library cannot beat it by much; the target is "within 3x".

:func:`naive` is what a first version looks like: ``groupby().apply`` with a
per-series Python function that loops over rows and calls scipy per series.

>>> from benchmarks.workloads import generate
>>> work = generate(2_000, 20, seed=4)
>>> fast = floor(work.frame)
>>> slow = naive(work.frame)
>>> bool((np.flatnonzero(fast["definite"]) == work.planted).all())
True
>>> int(slow["definite"].sum()) == len(work.planted) == int(fast["definite"].sum())
True
>>> bool(np.allclose(np.sort(fast["best"]), np.sort(slow["best"].explode().to_numpy(dtype=float))))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import isotonic_regression

__all__ = ["floor", "naive"]

_DEFAULT_BY = ("metric", "group", "region")
_SHIFT = 2**40  # above any count; also "unbounded" for high
_PRECISION_NS = {"day": 86_400 * 10**9, "hour": 3_600 * 10**9, "minute": 60 * 10**9, "second": 10**9}


def floor(frame: pd.DataFrame, by: Sequence[str] = _DEFAULT_BY) -> dict[str, Any]:
    """The minimal vectorized computation (see the module docstring).

    Returns per-row ``definite`` and ``conflict`` masks (input order), the
    per-series statistics, and per-slot ``low``/``best``/``high``.
    """
    n = len(frame)
    series = np.zeros(n, dtype=np.int64)
    for column in by:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        series = series * len(uniques) + codes
    # Seconds since the first time: small enough to add series * 2**40 (precisions are >= 1 s).
    nanos = frame["as_of"].array.asi8
    start = (nanos - nanos.min(initial=0)) // 10**9
    precision_codes, precisions = pd.factorize(frame["as_of_precision"])
    end = start + np.array([_PRECISION_NS[p] // 10**9 for p in precisions], dtype=np.int64)[precision_codes]
    low = frame["low"].to_numpy(dtype=np.int64)
    high = frame["high"].to_numpy(dtype=np.int64, na_value=_SHIFT - 1)
    stated = frame["stated"].to_numpy(dtype=np.float64, na_value=np.nan)
    cumulative = frame["cumulative"].to_numpy(dtype=bool)

    # One sort by series and time; slots = runs of overlapping periods.
    order = np.lexsort((start, series))
    s_series, s_low, s_high = series[order], low[order], high[order]
    new_series = np.r_[True, s_series[1:] != s_series[:-1]]
    base = s_series * _SHIFT
    running_end = np.maximum.accumulate(base + end[order]) - base
    new_slot = new_series | np.r_[True, start[order][1:] >= running_end[:-1]]
    slot_starts = np.flatnonzero(new_slot)
    slot_of_row = np.cumsum(new_slot) - 1
    slot_series = s_series[slot_starts]
    slot_base = slot_series * _SHIFT

    # Ranges over the whole record, per series.
    series_starts = np.flatnonzero(new_series)
    s_stated = stated[order]
    ranges = {
        "observations": np.diff(np.r_[series_starts, n]),
        "hull_low": np.minimum.reduceat(s_low, series_starts),
        "hull_high": np.maximum.reduceat(s_high, series_starts),
        "consensus_low": np.maximum.reduceat(s_low, series_starts),
        "consensus_high": np.minimum.reduceat(s_high, series_starts),
        "stated_min": np.fmin.reduceat(s_stated, series_starts),
        "stated_max": np.fmax.reduceat(s_stated, series_starts),
    }

    # Envelope per slot: L inclusive running max of lows, U reverse running min of highs.
    slot_low = np.maximum.reduceat(s_low, slot_starts)
    slot_high = np.minimum.reduceat(s_high, slot_starts)
    upto = np.maximum.accumulate(slot_base + slot_low) - slot_base
    before = np.where(np.r_[False, slot_series[1:] == slot_series[:-1]], np.r_[0, upto[:-1]], -1)
    envelope_low = upto
    envelope_high = (np.minimum.accumulate((slot_base + slot_high)[::-1]) - slot_base[::-1])[::-1]

    # Violations (cumulative series only).
    s_cumulative = cumulative[order]
    definite = s_cumulative & (s_high < before[slot_of_row])
    conflict = s_cumulative & (slot_low > slot_high)[slot_of_row]

    # One point per claim (series, slot, speaker, interval), pooled per slot, one isotonic pass.
    speaker = frame["authority"].fillna(frame["outlet"])
    claim_key = pd.DataFrame({"slot": slot_of_row, "speaker": speaker.to_numpy()[order], "low": s_low, "high": s_high})
    first = ~claim_key.duplicated().to_numpy()
    point = np.clip(np.where(np.isnan(s_stated), s_low, s_stated), s_low, s_high)
    claims = np.bincount(slot_of_row[first], minlength=len(slot_starts)).astype(np.float64)
    mean = np.bincount(slot_of_row[first], weights=point[first], minlength=len(slot_starts)) / claims
    # Series are offset far apart so pooling never crosses from one to the next.
    spread = float(np.ptp(mean)) if len(mean) else 0.0
    offset = slot_series.astype(np.float64) * 2.0 ** np.ceil(np.log2(spread + 2.0) + 1.0)
    fit = isotonic_regression(mean + offset, weights=claims).x - offset
    monotone = cumulative[order][slot_starts]
    best = np.clip(np.where(monotone, fit, mean), envelope_low, envelope_high)

    row_definite = np.zeros(n, dtype=bool)
    row_definite[order] = definite
    row_conflict = np.zeros(n, dtype=bool)
    row_conflict[order] = conflict
    return {
        "definite": row_definite,
        "conflict": row_conflict,
        "ranges": ranges,
        "low": envelope_low,
        "best": best,
        "high": envelope_high,
    }


def naive(frame: pd.DataFrame, by: Sequence[str] = _DEFAULT_BY) -> pd.DataFrame:
    """The same computation as ``groupby().apply`` with per-series Python and scipy.

    Returns one row per series: its statistics, the number of definite
    violations and conflicts, and the list of per-slot best values.
    """
    work = frame.assign(
        _start=frame["as_of"].array.asi8,
        _length=frame["as_of_precision"].map(_PRECISION_NS).astype("int64"),
        _speaker=frame["authority"].fillna(frame["outlet"]),
    )
    return work.groupby(list(by), sort=True).apply(_naive_series)


def _naive_series(rows: pd.DataFrame) -> pd.Series:
    rows = rows.sort_values("_start", kind="stable")
    lows = rows["low"].astype("int64").tolist()
    highs = rows["high"].astype("float64").fillna(np.inf).tolist()
    stated = rows["stated"].astype("float64").tolist()
    starts, lengths, speakers = rows["_start"].tolist(), rows["_length"].tolist(), rows["_speaker"].tolist()

    # Slots, then per slot the claims, lows and highs.
    slot_rows: list[list[int]] = []
    reach = None
    for i, (begin, length) in enumerate(zip(starts, lengths, strict=True)):
        if reach is None or begin >= reach:
            slot_rows.append([])
            reach = begin + length
        reach = max(reach, begin + length)
        slot_rows[-1].append(i)

    definite = conflict = 0
    before = -1.0
    points, weights, slot_lows, slot_highs = [], [], [], []
    for members in slot_rows:
        slot_low = max(lows[i] for i in members)
        slot_high = min(highs[i] for i in members)
        definite += sum(highs[i] < before for i in members)
        conflict += len(members) if slot_low > slot_high else 0
        claims = {}
        for i in members:
            value = lows[i] if np.isnan(stated[i]) else stated[i]
            claims[(speakers[i], lows[i], highs[i])] = min(max(value, lows[i]), highs[i])
        points.append(sum(claims.values()) / len(claims))
        weights.append(float(len(claims)))
        slot_lows.append(slot_low)
        slot_highs.append(slot_high)
        before = max(before, slot_low)

    cumulative = bool(rows["cumulative"].iloc[0])
    fit = isotonic_regression(points, weights=weights).x if cumulative else np.asarray(points)
    best = []
    for j, value in enumerate(fit):
        envelope_low = max(slot_lows[: j + 1])
        envelope_high = min(slot_highs[j:])
        best.append(min(max(float(value), envelope_low), envelope_high))
    return pd.Series(
        {
            "observations": len(rows),
            "hull_low": min(lows),
            "hull_high": max(highs),
            "consensus_low": max(lows),
            "consensus_high": min(highs),
            "definite": definite if cumulative else 0,
            "conflict": conflict if cumulative else 0,
            "best": best,
        }
    )
