"""best_estimate: invariants against independent references, and the Kazakhstan series derived by hand."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kzfigures.analysis import estimate as estimate_module
from kzfigures.analysis._sorting import UNBOUNDED as HI_INF
from kzfigures.analysis.estimate import METHODS, _lower_median_by, best_estimate, isotonic_by_series
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import (
    InconsistentObservationsError,
    InvalidArgumentError,
    TimezoneError,
    UnknownColumnError,
    UnknownKeyError,
)
from kzfigures.frame import from_frame
from tests._profiles import examples

# --- building frames ------------------------------------------------------------


def frame_of(rows: list[tuple[int, int, int | None, str]], *, cumulative: bool = True) -> pd.DataFrame:
    """Observations (day, low, high or None, speaker), one series, ids o0, o1, ..."""
    low = [r[1] for r in rows]
    high = [r[2] for r in rows]
    qualifier = ["exact" if h == lo else "at_least" if h is None else "range" for lo, h in zip(low, high, strict=True)]
    stated = [lo if q != "range" else None for lo, q in zip(low, qualifier, strict=True)]
    return from_frame(
        pd.DataFrame(
            {
                "id": [f"o{i}" for i in range(len(rows))],
                "metric": ["killed"] * len(rows),
                "low": low,
                "high": pd.array(high, dtype="Int64"),
                "stated": pd.array(stated, dtype="Int64"),
                "qualifier": qualifier,
                "as_of": [f"2022-01-{10 + r[0]:02d}T00:00+06:00" for r in rows],
                "authority": [r[3] for r in rows],
                "cumulative": [cumulative] * len(rows),
            }
        )
    )


@st.composite
def observation_rows(draw: Any, max_size: int = 12) -> list[tuple[int, int, int | None, str]]:
    n = draw(st.integers(1, max_size))
    rows = []
    for _ in range(n):
        day = draw(st.integers(0, 5))
        low = draw(st.integers(0, 60))
        kind = draw(st.sampled_from(["exact", "range", "open"]))
        high = low if kind == "exact" else None if kind == "open" else low + draw(st.integers(1, 30))
        rows.append((day, low, high, draw(st.sampled_from("ABCDEFGH"))))
    return rows


def hi_of(frame: pd.DataFrame) -> np.ndarray:
    return frame["high"].fillna(HI_INF).to_numpy(dtype=np.int64)


def day_of(frame: pd.DataFrame) -> np.ndarray:
    return frame["as_of"].dt.day.to_numpy()


def pairwise_consistent(day: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> bool:
    """The theorem's condition, brute force: lo_i <= hi_j whenever day_i < day_j (strictly earlier).

    Figures of one day describe moments of that day in no known order: they never contradict.
    """
    return bool(np.all((day[:, None] >= day[None, :]) | (lo[:, None] <= hi[None, :])))


def feasible(day: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> bool:
    """Independent check: some non-decreasing count meets every figure at a moment of its day.

    Greedy, the smallest count: entering day d at ``count``, each figure of the day is met if its
    high is at least ``count`` (the count can then rise through every low of the day).
    """
    count = 0
    for d in np.unique(day):
        at = day == d
        if hi[at].min() < count:
            return False
        count = max(count, int(lo[at].max()))
    return True


# --- invariants -------------------------------------------------------------------


@settings(deadline=None)
@given(observation_rows(), st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]))
def test_best_is_monotone_inside_the_envelope_and_covers_every_kept_observation(rows, method, policy):
    frame = frame_of(rows)
    result = best_estimate(frame, method=method, on_conflict=policy)
    series = result.series
    best = series["best"].to_numpy()
    low = series["low"].to_numpy(dtype=np.float64)
    high = series["high"].to_numpy(dtype=np.float64, na_value=np.inf)
    present = ~np.isnan(best)
    # best is missing only before the first figure that states a number, then present throughout.
    assert np.all(present[1:] >= present[:-1])
    assert np.all(np.diff(best[present]) >= -1e-9)
    assert np.all(low[present] <= best[present] + 1e-9)
    assert np.all(best[present] <= high[present] + 1e-9)
    assert np.all(np.diff(low) >= 0)
    assert np.all(high[1:] >= high[:-1])
    kept = frame[~frame["id"].isin(result.set_aside["id"])]
    assert pairwise_consistent(day_of(kept), kept["low"].to_numpy(), hi_of(kept))
    row_of_day = dict(zip(series["time"].dt.day, range(len(series)), strict=True))
    for day, lo, hi in zip(day_of(kept), kept["low"], hi_of(kept), strict=True):
        row = row_of_day[day]
        assert lo <= low[row]  # by the end of its day, the count reached every kept low
        assert row == 0 or low[row - 1] <= hi  # and before its day it was not above its high
    # Every set-aside observation is still accounted for: set aside + kept = all.
    assert len(kept) + len(result.set_aside) == len(frame)


@settings(deadline=None)
@given(observation_rows(), st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]), st.randoms())
def test_row_order_does_not_matter(rows, method, policy, random):
    frame = frame_of(rows)
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    a = best_estimate(frame, method=method, on_conflict=policy)
    b = best_estimate(shuffled, method=method, on_conflict=policy)
    pd.testing.assert_frame_equal(a.series, b.series)
    pd.testing.assert_frame_equal(a.set_aside, b.set_aside)


def envelope_ids_walk(kept: pd.DataFrame, days: list[int]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """low_ids and high_ids of a cumulative series by the end of each day, by a plain walk of the rule.

    ``L`` by the end of day ``d`` is set by the latest day at or before ``d`` whose largest kept
    low equals it; ``U`` by the earliest day after ``d`` whose smallest kept high equals it; the
    ids are the kept observations of that day with that bound, sorted.
    """
    rows = list(zip(day_of(kept).tolist(), kept["low"].tolist(), hi_of(kept).tolist(), kept["id"], strict=True))
    low_ids, high_ids = [], []
    for s in days:
        before = [r for r in rows if r[0] <= s]
        low = max((r[1] for r in before), default=0)
        at = max((r[0] for r in before if r[1] == low), default=None)
        low_ids.append(tuple(sorted(r[3] for r in before if r[0] == at and r[1] == low)))
        after = [r for r in rows if r[0] > s]
        high = min((r[2] for r in after), default=HI_INF)
        at = min((r[0] for r in after if r[2] == high), default=None) if high < HI_INF else None
        high_ids.append(tuple(sorted(r[3] for r in after if r[0] == at and r[2] == high)))
    return low_ids, high_ids


@settings(deadline=None)
@given(observation_rows(), st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]))
def test_low_and_high_ids_name_the_observations_that_set_the_envelope(rows, method, policy):
    frame = frame_of(rows)
    result = best_estimate(frame, method=method, on_conflict=policy)
    kept = frame[~frame["id"].isin(result.set_aside["id"])]
    low_ids, high_ids = envelope_ids_walk(kept, result.series["time"].dt.day.tolist())
    assert result.series["low_ids"].tolist() == low_ids
    assert result.series["high_ids"].tolist() == high_ids
    if method == "conservative":
        present = result.series["best"].notna().tolist()
        assert result.series["best_ids"].tolist() == [ids if p else () for ids, p in zip(low_ids, present, strict=True)]


@settings(deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=6), st.sampled_from(METHODS))
def test_a_consistent_set_of_exact_figures_is_reproduced_exactly(steps, method):
    values = np.cumsum(steps)
    rows = [(day, int(v), int(v), speaker) for day, v in enumerate(values) for speaker in "AB"]
    series = best_estimate(frame_of(rows), method=method).series
    assert series["best"].tolist() == values.astype(float).tolist()
    assert series["low"].tolist() == values.tolist()
    # By the end of a day the count is bounded by the next day's figure; after the last, by nothing.
    assert series["high"].tolist()[:-1] == values.tolist()[1:]
    assert series["high"].isna().tolist() == [False] * (len(values) - 1) + [True]


@settings(deadline=None)
@given(observation_rows())
def test_latest_sets_aside_exactly_what_a_later_figure_caps(rows):
    frame = frame_of(rows)
    result = best_estimate(frame, on_conflict="latest")
    day, lo, hi = day_of(frame), frame["low"].to_numpy(), hi_of(frame)
    capped = {
        frame["id"].iloc[i]
        for i in range(len(frame))
        if any(day[j] > day[i] and hi[j] < lo[i] for j in range(len(frame)))
    }
    assert set(result.set_aside["id"]) == capped
    assert (len(capped) > 0) == (not pairwise_consistent(day, lo, hi))
    by_id = frame.set_index("id")
    for row in result.set_aside.itertuples():
        witness = by_id.loc[row.superseded_by]
        assert row.reason == "superseded"
        assert row.superseded_by not in capped
        assert witness["as_of"] > by_id.loc[row.id, "as_of"]
        assert by_id.loc[row.id, "low"] > (HI_INF if pd.isna(witness["high"]) else witness["high"])


def brute_force_min_dropped_weight(day: np.ndarray, lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> float:
    n = len(day)
    best = np.inf
    for size in range(n + 1):
        for kept in itertools.combinations(range(n), size):
            index = list(kept)
            if feasible(day[index], lo[index], hi[index]):
                best = min(best, float(w.sum() - w[index].sum()))
    return best


@settings(deadline=None)
@given(observation_rows(max_size=8), st.lists(st.sampled_from([1.0, 2.0, 3.5]), min_size=8, max_size=8))
def test_drop_minority_drops_a_minimum_weight_set(rows, weight_list):
    # Every observation its own speaker, so each is its own claim and weighs its own weight.
    rows = [(d, lo, hi, f"S{i}") for i, (d, lo, hi, _) in enumerate(rows)]
    frame = frame_of(rows)
    weights = np.array(weight_list[: len(rows)])
    result = best_estimate(frame, on_conflict="drop-minority", weights=lambda f: weights)
    dropped = weights[frame["id"].isin(result.set_aside["id"]).to_numpy()].sum()
    expected = brute_force_min_dropped_weight(day_of(frame), frame["low"].to_numpy(), hi_of(frame), weights)
    assert dropped == pytest.approx(expected)
    kept = ~frame["id"].isin(result.set_aside["id"]).to_numpy()
    assert feasible(day_of(frame)[kept], frame["low"].to_numpy()[kept], hi_of(frame)[kept])


@settings(deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 100), st.integers(1, 5)), min_size=1, max_size=10), min_size=1, max_size=6
    )
)
def test_isotonic_fit_equals_scikit_learn(groups):
    from sklearn.isotonic import IsotonicRegression

    series = np.concatenate([[k] * len(g) for k, g in enumerate(groups)])
    y = np.array([v for g in groups for v, _ in g], dtype=float)
    w = np.array([w for g in groups for _, w in g], dtype=float)
    fit = isotonic_by_series(series, y, w)
    for k in range(len(groups)):
        at = series == k
        x = np.arange(at.sum())
        expected = IsotonicRegression().fit(x, y[at], sample_weight=w[at]).predict(x)
        np.testing.assert_allclose(fit[at], expected, rtol=1e-12, atol=1e-9)


def test_isotonic_best_is_the_weighted_fit_of_the_claims_clipped_into_the_envelope():
    # Open-ended claims only, so the envelope is [L, inf) and clipping only raises:
    # points 50 (day 0), 20 (day 1), 40 (day 2) -> PAVA pools 50 and 20 to 35, then 40.
    rows = [(0, 50, None, "A"), (1, 20, None, "B"), (2, 40, None, "C")]
    series = best_estimate(frame_of(rows)).series
    assert series["low"].tolist() == [50, 50, 50]
    # Fit 35, 35, 40 clipped up to L = 50 everywhere.
    assert series["best"].tolist() == [50.0, 50.0, 50.0]
    assert series["best_ids"].tolist() == [("o0",), ("o0",), ("o0",)]
    rows = [(0, 10, None, "A"), (1, 30, 30, "B"), (1, 20, 40, "C"), (2, 40, None, "D")]
    series = best_estimate(frame_of(rows)).series
    # The range [20, 40] states no number: it bounds the envelope but takes no part in the fit.
    # Fit 10, 30, 40; by the end of day 0 the count is at most day 1's smallest high, 30.
    assert series["best"].tolist() == [10.0, 30.0, 40.0]
    assert series["best_ids"].tolist() == [("o0",), ("o1",), ("o3",)]
    assert series["high"].isna().tolist() == [False, True, True]
    assert series["high_ids"].tolist() == [("o1",), (), ()]


def test_best_cites_its_own_block_where_an_earlier_observation_sets_the_low():
    # Day 0: "more than 48", [49, unbounded), point 49. Day 1: about 50, [45, 55], point 50.
    # Day 1's low, 49, is day 0's (o0); its fit, 50, lies inside [49, 55], so its best cites its
    # own fit block, o1 alone, not low's o0. Day 0's fit, 49, is its own block and its low: o0.
    frame = from_frame(
        pd.DataFrame(
            {
                "id": ["o0", "o1"],
                "metric": "killed",
                "low": [49, 45],
                "high": pd.array([None, 55], dtype="Int64"),
                "stated": [48, 50],
                "qualifier": ["more_than", "about"],
                "as_of": ["2022-01-10T00:00+06:00", "2022-01-11T00:00+06:00"],
                "cumulative": True,
            }
        )
    )
    series = best_estimate(frame).series
    assert series["low"].tolist() == [49, 49]
    assert series["best"].tolist() == [49.0, 50.0]
    assert series["low_ids"].tolist() == [("o0",), ("o0",)]
    assert series["best_ids"].tolist() == [("o0",), ("o1",)]


Banded = tuple[str, int, int | None, int, str, int, str]  # metric, low, high, stated, qualifier, day, speaker


@st.composite
def banded_rows(draw: Any) -> list[Banded]:
    """Observations of one or two series whose stated numbers lie anywhere in their bands, so a
    point can stand above an earlier low that is above its own."""
    rows = []
    for _ in range(draw(st.integers(1, 10))):
        low = draw(st.integers(0, 40))
        kind = draw(st.sampled_from(["exact", "at_least", "about"]))
        high = low if kind == "exact" else None if kind == "at_least" else low + draw(st.integers(1, 20))
        stated = draw(st.integers(low, high)) if high is not None and kind == "about" else low
        rows.append(
            (
                draw(st.sampled_from("kd")),
                low,
                high,
                stated,
                kind,
                draw(st.integers(0, 3)),
                draw(st.sampled_from("ABC")),
            )
        )
    return rows


def banded_frame(rows: list[Banded]) -> pd.DataFrame:
    columns = ["metric", "low", "high", "stated", "qualifier", "day", "authority"]
    frame = pd.DataFrame(rows, columns=columns).astype({"high": "Int64"})
    as_of = [f"2022-01-{10 + day}T00:00+06:00" for day in frame.pop("day")]
    return from_frame(frame.assign(id=[f"o{i}" for i in range(len(rows))], as_of=as_of, cumulative=True))


# One slot, one speaker: exact 1 and about 3 in [1, 4] both set the low; the best is the second's alone.
@example(rows=[("k", 1, 1, 1, "exact", 0, "C"), ("k", 1, 4, 3, "about", 0, "C")], method="isotonic", policy="latest")
@settings(deadline=None, max_examples=examples(200))
@given(banded_rows(), st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]))
def test_a_one_row_block_shares_lows_tuple_only_where_it_cites_the_same(
    rows: list[Banded], method: str, policy: str
) -> None:
    """best_ids takes low's tuple for a fit block of one observation that alone sets its slot's
    low; with every block's tuple built from the block instead, every id column is the same."""
    frame = banded_frame(rows)
    shared = best_estimate(frame, method=method, on_conflict=policy).series
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(estimate_module, "_sole_row", lambda group, row, n: np.full(n, -1, dtype=np.intp))
        built = best_estimate(frame, method=method, on_conflict=policy).series
    pd.testing.assert_frame_equal(shared, built)


def test_same_day_figures_are_a_rising_count_and_echoes_add_no_weight():
    def about(day: int, stated: int, authority: str) -> dict[str, Any]:
        return {"metric": "killed", "figure": f"about {stated}", "as_of": f"2022-01-{10 + day}", "authority": authority}

    # Police: about 100 on day 0, carried by three outlets (one claim); Ministry: about 80 on day 1.
    frame = from_frame(pd.DataFrame([about(0, 100, "Police")] * 3 + [about(1, 80, "Ministry")]))
    # [50, 150] then [40, 120]: consistent, so nothing is set aside; the points 100 then 80 fall,
    # and the fit pools them with one weight per claim: (100 + 80) / 2.
    # By the end of day 0 the count is at most day 1's high, 88: the pooled 90 is clipped there.
    result = best_estimate(frame)
    assert result.set_aside.empty
    assert frame["high"].tolist()[-1] == 88
    assert result.series["best"].tolist() == [88.0, 90.0]
    heavier = np.array([1.0, 1.0, 1.0, 2.0])  # a claim weighs its heaviest observation, echoes add nothing
    pooled = (100 + 2 * 80) / 3
    assert best_estimate(frame, weights=lambda f: heavier).series["best"].tolist() == [pooled, pooled]
    # Four figures of one day, by four outlets, all exact and different: no conflict, a count that rose.
    rows = [(0, v, v, s) for v, s in ((60, "A"), (93, "B"), (115, "C"), (133, "D"))]
    same_day = best_estimate(frame_of(rows))
    assert same_day.set_aside.empty
    assert same_day.series["best"].tolist() == [133.0]
    assert same_day.series["low"].tolist() == [133]


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.booleans(), st.integers(0, 3), st.integers(0, 30), st.integers(0, 8)),
        min_size=1,
        max_size=14,
    )
)
def test_raise_raises_exactly_when_some_series_contradicts_itself(
    drawn: list[tuple[int, bool, int, int, int]],
) -> None:
    """Series of one row and of many, running totals and daily counts side by side: on_conflict="raise"
    raises iff a daily count's day holds a low above another of its highs, or a running total has a
    low above the high of a figure of a later day (every figure here is a day's)."""
    # (series, cumulative, day, low, width); a series' kind is that of its first row.
    kind: dict[int, bool] = {}
    for series, cumulative, *_ in drawn:
        kind.setdefault(series, cumulative)
    rows = [(series, kind[series], day, low, low + width) for series, _, day, low, width in drawn]
    frame = from_frame(
        pd.DataFrame(
            {
                "id": [f"o{i}" for i in range(len(rows))],
                "metric": ["killed"] * len(rows),
                "region": [f"Region {r[0]}" for r in rows],
                "low": [r[3] for r in rows],
                "high": [r[4] for r in rows],
                "qualifier": ["range"] * len(rows),
                "as_of": [f"2022-01-{10 + r[2]:02d}T00:00+06:00" for r in rows],
                "authority": [f"Speaker {i % 3}" for i in range(len(rows))],
                "cumulative": [r[1] for r in rows],
            }
        )
    )
    contradicted = any(
        a[0] == b[0] and a[3] > b[4] and (a[2] < b[2] if a[1] else a[2] == b[2]) for a in rows for b in rows
    )
    if contradicted:
        with pytest.raises(InconsistentObservationsError):
            best_estimate(frame, on_conflict="raise")
    else:
        best_estimate(frame, on_conflict="raise")


def test_non_cumulative_keys_skip_the_monotone_constraint():
    rows = [(0, 100, 100, "A"), (1, 40, 40, "A"), (1, 50, 70, "B")]
    frame = frame_of(rows, cumulative=False)
    # Day 1: 40 and [50, 70] describe one period of a count that need not rise: they conflict.
    # By the evidence, A's exact 40 (2 x 3) outweighs B's range (2 x 2). Day 0's 100 is not
    # pulled down: no monotone constraint.
    result = best_estimate(frame)
    assert result.series["best"].tolist() == [100.0, 40.0]
    assert result.set_aside["id"].tolist() == ["o2"]
    assert result.series["cumulative"].tolist() == [False, False]
    # Weighed equally, a 1-1 tie goes to the higher point: [50, 70] stays. It states no number,
    # so day 1 has no best (and none is carried from day 0).
    equal = best_estimate(frame, weights="equal")
    assert equal.set_aside["id"].tolist() == ["o1"]
    assert equal.series["best"].iloc[0] == 100.0
    assert np.isnan(equal.series["best"].iloc[1])
    assert equal.series["low"].tolist() == [100, 50]


def test_grid_rows_hold_the_count_by_the_end_of_the_slot_until_the_next_one():
    rows = [(0, 10, 10, "A"), (3, 40, 40, "A")]
    series = best_estimate(frame_of(rows), freq="D").series
    assert series["time"].dt.day.tolist() == [10, 11, 12, 13]
    assert series["low"].tolist() == [10, 10, 10, 40]
    assert series["best"].tolist() == [10.0, 10.0, 10.0, 40.0]
    assert series["high"].tolist()[:3] == [40, 40, 40]
    assert series["high"].isna().tolist() == [False, False, False, True]
    assert series["n_claims"].tolist() == [1, 0, 0, 1]
    assert series["high_ids"].tolist() == [("o1",), ("o1",), ("o1",), ()]


def berlin_frame(times: list[tuple[str, str]]) -> pd.DataFrame:
    """One cumulative series in Europe/Berlin: (local as_of with offset, precision) per row, counts 1, 2, ..."""
    return from_frame(
        pd.DataFrame(
            {
                "metric": ["killed"] * len(times),
                "stated": list(range(1, len(times) + 1)),
                "as_of": [pd.Timestamp(t).tz_convert("Europe/Berlin") for t, _ in times],
                "as_of_precision": [p for _, p in times],
            }
        )
    )


def test_a_grid_may_end_in_the_hour_a_clock_change_repeats():
    # The last slot starts at 02:21:10 the second time Berlin's clocks show it (30 October 2022);
    # the daily grid is the local midnights up to it.
    frame = berlin_frame([("2022-10-28T00:00+02:00", "day"), ("2022-10-30T02:21:10+01:00", "second")])
    series = best_estimate(frame, freq="D").series
    assert [str(t) for t in series["time"]] == [
        "2022-10-28 00:00:00+02:00",
        "2022-10-29 00:00:00+02:00",
        "2022-10-30 00:00:00+02:00",
    ]


@pytest.mark.parametrize(
    "first",
    [
        "2022-10-28T02:00+02:00",  # 02:00 on 30 October occurs twice
        "2022-03-25T02:00+01:00",  # 02:00 on 27 March does not occur
    ],
)
def test_a_grid_time_in_a_clock_change_is_a_timezone_error(first):
    last = "2022-11-01T00:00+01:00" if first.startswith("2022-10") else "2022-03-29T00:00+02:00"
    frame = berlin_frame([(first, "hour"), (last, "day")])
    with pytest.raises(TimezoneError, match="daylight-saving"):
        best_estimate(frame, freq="D")


# --- the health ministry correction --------------------------------------------------


def test_a_later_correction_caps_any_number_of_repetitions():
    # Police say 410 dead on days 0-2, carried by four outlets each day; on day 3 the
    # health ministry revises the toll to 300. No non-decreasing count fits 410 then 300.
    rows = [(d, 410, 410, "Police") for d in range(3) for _ in range(4)] + [(3, 300, 300, "Ministry of Health")]
    frame = frame_of(rows)
    result = best_estimate(frame)
    assert sorted(result.set_aside["id"]) == sorted(f"o{i}" for i in range(12))
    assert set(result.set_aside["reason"]) == {"superseded"}
    assert set(result.set_aside["superseded_by"]) == {"o12"}
    # The police figures stay in the fit, capped at the correction: 300 from day 0, not 0.
    assert result.series["best"].tolist() == [300.0] * 4
    assert result.series["high"].tolist()[:3] == [300] * 3
    # drop-minority counts claims: three police claims (one per day) outvote one, whose point is
    # then capped into the police range.
    outvoted = best_estimate(frame, on_conflict="drop-minority")
    assert outvoted.set_aside["id"].tolist() == ["o12"]
    assert outvoted.series["best"].tolist() == [410.0] * 4


def test_the_cap_rule_on_the_sri_lanka_2019_toll():
    # Police figures for the Easter bombings (exact, one per day; two on Apr 23), then the
    # health ministry's correction to 253 on Apr 25 (double counting). Facts from public reporting,
    # see tests/test_real_timelines.py for the sources.
    days = [(21, 207), (22, 290), (23, 310), (23, 321), (24, 359), (25, 253)]
    frame = from_frame(
        pd.DataFrame(
            {
                "metric": "killed",
                "stated": [v for _, v in days],
                "as_of": [f"2019-04-{d}" for d, _ in days],
                "authority": ["Police"] * 5 + ["Health Ministry"],
            }
        )
    )
    result = best_estimate(frame)
    assert sorted(result.set_aside["id"]) == ["row-1", "row-2", "row-3", "row-4"]
    # Capped at 253 rather than erased: the estimate does not fall back to 207 until the correction.
    assert result.series["best"].tolist() == [207.0, 253.0, 253.0, 253.0, 253.0]
    assert result.series["low"].tolist() == [207, 207, 207, 207, 253]


# --- Kazakhstan, detained, derived by hand from the articles ----------------------------


def test_kazakhstan_detained_series():
    # The articles give, for the count of detained people (all groups, all regions):
    #   Jan 7   "more than 3,000"  Interior Ministry (via Khabar 24; echoed by CNN) -> [3001, inf), point 3001
    #   Jan 8   "thousands" twice (CNN's own, and a quote with no outlet) -> [2000, 9999], no number;
    #           4,404 (Asian Lite News, citing Xinhua) -> [4404, 4404]
    #   Jan 9   "almost 6,000" Presidential Office -> [5400, 5999], point 5999; 6,044 Police;
    #           "thousands" (hamslivenews.com) -> [2000, 9999], no number
    #   Jan 10  7,939 Interior Ministry; "about 8,000" Kazakh authorities, reported twice -> [7200, 8800]
    # No figure's low exceeds the high of a figure of a LATER day: consistent, nothing set aside.
    # ("almost 6,000" and 6,044 are one day's figures: a disagreement, not a fall.)
    # By the end of each day: L = 3001, 4404, 6044, 7939; U = the next day's smallest high:
    # 4404 (Jan 8), 5999 (Jan 9), 7939 (Jan 10), none after Jan 10.
    # Fit over the stated figures, each day's sorted by value: 3001 | 4404 | 5999, 6044 |
    # 7939, 8000 already rises; each day's last value: 3001, 4404, 6044, 8000, all inside [L, U].
    frame = kazakhstan_2022().query("metric == 'detained' and group == 'all'")
    for policy in ("latest", "drop-minority"):
        result = best_estimate(frame, on_conflict=policy)
        series = result.series
        assert [t.strftime("%b %d") for t in series["time"]] == ["Jan 07", "Jan 08", "Jan 09", "Jan 10"]
        assert series["low"].tolist() == [3001, 4404, 6044, 7939]
        assert series["high"].tolist()[:3] == [4404, 5999, 7939]
        assert pd.isna(series["high"].iloc[3])
        assert series["best"].tolist() == [3001.0, 4404.0, 6044.0, 8000.0]
        assert result.set_aside.empty
        jan10 = series.iloc[3]
        assert jan10["low_ids"] == ("kz22-003-03",)
        assert jan10["high_ids"] == ()
        assert jan10["n_claims"] == 2
        assert jan10["n_observations"] == 3
        assert series.iloc[2]["low_ids"] == ("kz22-004-08",)
        assert series.iloc[2]["best_ids"] == ("kz22-004-08",)
    conservative = best_estimate(frame, method="conservative").series
    assert conservative["best"].tolist() == [3001.0, 4404.0, 6044.0, 7939.0]


def test_raise_carries_the_violations():
    rows = [(0, 410, 410, "Police"), (1, 300, 300, "Ministry")]
    with pytest.raises(InconsistentObservationsError) as error:
        best_estimate(frame_of(rows), on_conflict="raise")
    assert error.value.violations["kind"].tolist() == ["definite"]
    # One day's disagreeing figures are no inconsistency.
    assert best_estimate(kazakhstan_2022(), on_conflict="raise").set_aside.empty


def test_raise_is_silent_for_a_consistent_record():
    frame = frame_of([(0, 10, 10, "A"), (1, 20, None, "B")])
    assert best_estimate(frame, on_conflict="raise").set_aside.empty


def test_empty_input_gives_empty_frames():
    result = best_estimate(frame_of([(0, 1, 1, "A")]).iloc[:0])
    assert result.series.empty
    assert result.set_aside.empty
    assert str(result.series["low"].dtype) == "Int64"


# --- bad arguments ---------------------------------------------------------------------

BAD_ARGUMENTS = [
    ({"method": "mean"}, InvalidArgumentError),
    ({"method": None}, InvalidArgumentError),
    ({"on_conflict": "ignore"}, InvalidArgumentError),
    ({"freq": "fortnightly-ish"}, InvalidArgumentError),
    ({"freq": 3}, InvalidArgumentError),
    ({"freq": "-1D"}, InvalidArgumentError),
    ({"weights": {"independent_media": -1.0}}, InvalidArgumentError),
    ({"weights": {"independent_media": 0}}, InvalidArgumentError),
    ({"weights": {"tabloid": 2.0}}, InvalidArgumentError),
    ({"weights": lambda f: -np.ones(len(f))}, InvalidArgumentError),
    ({"weights": lambda f: np.ones(len(f) + 1)}, InvalidArgumentError),
    ({"weights": lambda f: np.full(len(f), np.nan)}, InvalidArgumentError),
    ({"weights": 2.0}, InvalidArgumentError),
    ({"weights": "heavy"}, InvalidArgumentError),
    ({"weights": {"newspaper:CNN": 2.0}}, InvalidArgumentError),
    ({"weights": {"outlet_kind:tabloid": 2.0}}, InvalidArgumentError),
    ({"weights": {"authority:": 2.0}}, InvalidArgumentError),
    ({"by": ("metric", "colour")}, UnknownColumnError),
    ({"by": ()}, InvalidArgumentError),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD_ARGUMENTS)
def test_bad_arguments_raise(kwargs, error):
    with pytest.raises(error):
        best_estimate(kazakhstan_2022(), **kwargs)


# --- explain, report, command line ---------------------------------------------------------


def test_explain_says_where_each_number_comes_from():
    from kzfigures.present.explain import explain

    result = best_estimate(kazakhstan_2022())
    text = explain(result, "2022-01-11", key={"metric": "detained", "group": "all", "region": "all"})
    # Jan 11 has no report: the Jan 10 row (7,939 from the Interior Ministry) is the latest.
    assert text.splitlines()[0] == "detained (all, all) by the end of Jan 10, 2022:"
    assert "low 7,939 from Interior Ministry (kz22-003-03)" in text
    with pytest.raises(UnknownKeyError):
        explain(result, "2022-01-10", key=("detained", "nobody", "all"))
    with pytest.raises(InvalidArgumentError):
        explain(result, "2022-01-06", key=("detained", "all", "all"))
    with pytest.raises(InvalidArgumentError):
        explain(result, "2022-01-10")


def test_report_prints_the_quotable_summary_line(capsys):
    from kzfigures.cli import main

    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "BEST ESTIMATES" in out
    assert "detained: about 8,000 by Jan 10, 2022 (Kazakh authorities)" in " ".join(out.split())


def test_conservative_best_is_missing_where_no_kept_claim_sets_the_low():
    # 2 on day 0, then 1 on day 1: latest sets the 2 aside, so day 0 keeps no claim and L(0) = 0,
    # the default, which no figure states: conservative prints no number there.
    series = best_estimate(frame_of([(0, 2, 2, "A"), (1, 1, 1, "B")]), method="conservative").series
    assert series["low"].tolist() == [0, 1]
    assert np.isnan(series["best"].iloc[0])
    assert series["best"].iloc[1] == 1.0
    assert series["best_ids"].tolist() == [(), ("o1",)]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-3, 10**6)), min_size=1, max_size=40))
def test_lower_median_by_group_is_pandas_lower_quantile(rows: list[tuple[int, int]]) -> None:
    group = np.array([g for g, _ in rows], dtype=np.int64)
    value = np.array([v for _, v in rows], dtype=np.int64)
    size = int(group.max()) + 1
    expected = pd.Series(value).groupby(group).quantile(0.5, interpolation="lower")
    result = _lower_median_by(group, value, size)
    assert result[expected.index.to_numpy()].tolist() == expected.astype(np.int64).tolist()


def test_set_aside_rows_come_by_key_then_as_of_then_id() -> None:
    """Falling counts settled by the latest claim; ids run against time, and keys against row order."""
    rows = []
    for metric in ("killed", "detained"):
        p = metric[0]
        rows += [
            (f"{p}-c", metric, 100, "2022-01-07"),
            (f"{p}-a7", metric, 100, "2022-01-07"),  # same day: by id
            (f"{p}-b", metric, 90, "2022-01-08"),
            (f"{p}-a", metric, 80, "2022-01-09"),  # the latest, kept
        ]
    frame = pd.DataFrame(rows, columns=["id", "metric", "stated", "as_of"])
    aside = best_estimate(frame).set_aside
    assert aside["id"].tolist() == ["d-a7", "d-c", "d-b", "k-a7", "k-c", "k-b"]
    assert aside["superseded_by"].tolist() == ["d-a"] * 3 + ["k-a"] * 3


def test_set_aside_ids_that_differ_in_a_trailing_nul_come_in_pythons_order() -> None:
    """numpy's strings drop trailing NULs, so "x" and "x\x00" tie there; the row order must not decide."""
    frame = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [10, 10, 1],
            "as_of": ["2022-01-01", "2022-01-01", "2022-01-02"],
            "authority": ["A", "B", "C"],
            "id": ["x\x00", "x", "z"],
        }
    )
    for rows in ([0, 1, 2], [1, 0, 2]):
        aside = best_estimate(frame.iloc[rows].reset_index(drop=True)).set_aside
        assert aside["id"].tolist() == ["x", "x\x00"]


_SERIES_VALUES = st.lists(
    st.lists(st.one_of(st.integers(0, 50).map(float), st.floats(0, 2.0**62)), min_size=1, max_size=6),
    min_size=1,
    max_size=5,
)


@given(_SERIES_VALUES, st.data())
def test_isotonic_by_series_fits_each_series_as_scipy_fits_it_alone(values, data) -> None:
    """Issue 18 item 6: one series' huge counts changed another's fit (the shift into one call)."""
    from scipy.optimize import isotonic_regression

    series = np.repeat(np.arange(len(values)), [len(v) for v in values])
    y = np.concatenate([np.array(v, dtype=np.float64) for v in values])
    w = np.array(data.draw(st.lists(st.integers(1, 3), min_size=len(y), max_size=len(y))), dtype=np.float64)
    fit = isotonic_by_series(series, y, w)
    for k in range(len(values)):
        mine = series == k
        alone = isotonic_regression(y[mine], weights=w[mine], increasing=True)
        # The same blocks, and each block's weighted mean (the definition of the fit).
        blocks = np.repeat(np.arange(len(alone.blocks) - 1), np.diff(alone.blocks))
        expected = (np.bincount(blocks, weights=w[mine] * y[mine]) / np.bincount(blocks, weights=w[mine]))[blocks]
        np.testing.assert_array_equal(fit[mine], expected)


def test_a_series_with_a_huge_count_does_not_move_another_series() -> None:
    # "about 1,000" then "about 990": consistent, so the fit pools the two points to 995.
    small = pd.DataFrame(
        {"metric": ["killed"] * 2, "figure": ["about 1,000", "about 990"], "as_of": ["2022-01-07", "2022-01-08"]}
    )
    huge = pd.DataFrame({"metric": ["injured"] * 2, "stated": [0, 2**62], "as_of": ["2022-01-07", "2022-01-08"]})
    alone = best_estimate(small).series
    both = pd.concat([small, huge], ignore_index=True).assign(
        id=lambda f: [f"r{i}" for i in range(4)], stated=pd.array([None, None, 0, 2**62], dtype="Int64")
    )
    together = best_estimate(both).series
    killed = together[together["metric"] == "killed"].reset_index(drop=True)
    pd.testing.assert_series_equal(killed["best"], alone["best"])
    assert killed["best"].tolist() == [995.0, 995.0]  # (1000 + 990) / 2, inside both intervals


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"by": 3}, "by must be a column name"),
        ({"weights": lambda frame: ["heavy"] * len(frame)}, "weights\\(frame\\) must return numbers"),
        ({"freq": "ns"}, "makes a grid of about"),
    ],
)
def test_bad_options_get_a_library_error_naming_the_option(options: dict[str, Any], says: str) -> None:
    # Issue 18: TypeError, ValueError and a misleading TimezoneError before.
    with pytest.raises(InvalidArgumentError, match=says):
        best_estimate(kazakhstan_2022(), **options)


def test_the_grid_limit_counts_rows_over_all_series() -> None:
    from kzfigures.analysis.estimate import MAX_GRID_POINTS

    frame = kazakhstan_2022()
    days = (frame["as_of"].max() - frame["as_of"].min()).total_seconds()
    fine = best_estimate(frame, freq="s").series  # 12 series, a few days of seconds: under the limit
    assert len(fine) < MAX_GRID_POINTS
    assert len(fine) <= 12 * (days + 1)


def test_default_weights_follow_the_evidence_table() -> None:
    from kzfigures.analysis.weights import PRECISION_WEIGHTS, SOURCE_WEIGHTS, observation_weights

    frame = kazakhstan_2022()
    weights = observation_weights(frame, None)
    # Every row against the two tables, read cell by cell.
    for w, authority, outlet, qualifier in zip(
        weights, frame["authority"], frame["outlet"], frame["qualifier"], strict=True
    ):
        source = "authority" if not pd.isna(authority) else "outlet" if not pd.isna(outlet) else "unattributed"
        assert w == SOURCE_WEIGHTS[source] * PRECISION_WEIGHTS[qualifier]
    # A named authority's exact figure outweighs an outlet's own approximate one, which
    # outweighs an unattributed open-ended headline.
    assert (
        SOURCE_WEIGHTS["authority"] * PRECISION_WEIGHTS["exact"]
        > SOURCE_WEIGHTS["outlet"] * PRECISION_WEIGHTS["about"]
        > SOURCE_WEIGHTS["unattributed"] * PRECISION_WEIGHTS["more_than"]
    )


def test_a_weights_mapping_names_authorities_outlets_and_outlet_kinds() -> None:
    from kzfigures.analysis.weights import PRECISION_WEIGHTS, observation_weights

    frame = kazakhstan_2022()
    mapped = observation_weights(frame, {"authority:Police": 5, "outlet:CNN": 0.5, "official": 4})
    precision = frame["qualifier"].map(PRECISION_WEIGHTS).to_numpy()
    cells = (frame[c].astype(object).where(frame[c].notna(), None) for c in ("authority", "outlet", "outlet_kind"))
    for w, p, authority, outlet, kind in zip(mapped, precision, *cells, strict=True):
        if authority == "Police":
            assert w == 5 * p
        elif outlet == "CNN":
            assert w == 0.5 * p
        elif kind == "official":
            assert w == 4 * p
    assert (observation_weights(frame, "equal") == 1).all()


def test_a_long_record_with_many_distinct_counts_is_settled_right() -> None:
    # Found in review: (hi code, time code) overflowed int64 when times spanned years and the
    # counts took more than about 128 values, and the outlier was never set aside.
    n = 700
    values = list(range(1000, 1000 + 10 * n, 10))
    values[0] = 1500  # above the 50 figures that follow it
    frame = pd.DataFrame(
        {
            "metric": "killed",
            "stated": values,
            "as_of": [d.strftime("%Y-%m-%d") for d in pd.date_range("2020-01-01", periods=n, freq="D")],
        }
    )
    result = best_estimate(frame)
    assert result.set_aside["id"].tolist() == ["row-0"]
    assert result.set_aside["superseded_by"].tolist() == ["row-1"]  # the smallest later figure, 1010
    series = result.series
    assert (series["low"] <= series["high"].fillna(np.iinfo(np.int64).max)).all()
    from kzfigures.analysis.conflicts import supersede

    far = np.array([0, 10**18, 10**18 + 1, 10**18 + 2], dtype=np.int64)  # 1970 and 2001, in ns
    capped, by = supersede(
        np.zeros(4, dtype=np.int64), far, far + 1, np.array([250, 100, 200, 300]), np.array([250, 100, 200, 300])
    )
    assert capped.tolist() == [True, False, False, False]
    assert by.tolist() == [1, -1, -1, -1]
