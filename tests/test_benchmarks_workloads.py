"""The benchmark workload generator keeps its contract (small sizes, no timing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzfigures
from benchmarks.baselines import floor
from benchmarks.measured import OPTIONS
from benchmarks.workloads import QUALIFIER_MIX, generate
from kzfigures.analysis.index import claim_ids, series_ids, time_slots
from kzfigures.frame import COLUMNS, from_frame

BY = ["metric", "group", "region"]


def definite_rows_brute_force(frame: pd.DataFrame) -> list[int]:
    """Rows j of cumulative series with some i: same series, slot_i < slot_j, low_i > high_j. O(n^2)."""
    series = series_ids(frame)
    slot = time_slots(frame)
    low = frame["low"].to_numpy(dtype=np.int64)
    high = frame["high"].to_numpy(dtype=np.float64, na_value=np.inf)
    cumulative = frame["cumulative"].to_numpy(dtype=bool)
    found = []
    for j in range(len(frame)):
        if not cumulative[j]:
            continue
        for i in range(len(frame)):
            if series[i] == series[j] and slot[i] < slot[j] and low[i] > high[j]:
                found.append(j)
                break
    return found


@pytest.mark.parametrize(("n", "keys"), [(1, 1), (50, 50), (1_000, 1), (1_000, 10), (3_000, 300), (300_000, 1)])
def test_sizes_and_key_counts_are_as_requested(n: int, keys: int) -> None:
    frame = generate(n, keys, seed=7).frame
    assert len(frame) == n
    assert frame.groupby(BY).ngroups == keys
    assert frame["id"].is_unique


def test_same_seed_same_workload_other_seed_other_workload() -> None:
    a, b, c = generate(500, 20, seed=11), generate(500, 20, seed=11), generate(500, 20, seed=12)
    assert a.frame.equals(b.frame)
    np.testing.assert_array_equal(a.planted, b.planted)
    assert not a.frame.equals(c.frame)


def test_frame_is_canonical_and_validates_unchanged() -> None:
    frame = generate(2_000, 40, seed=3).frame
    assert list(frame.columns) == list(COLUMNS)
    for name, kind in COLUMNS.items():
        expected = "datetime64[ns, UTC+06:00]" if kind == "datetime" else kind
        assert str(frame[name].dtype) == expected, name
    pd.testing.assert_frame_equal(from_frame(frame), frame)


def test_planted_rows_are_exactly_the_later_sides_of_definite_violations() -> None:
    work = generate(1_500, 15, seed=5, planted_share=0.05)
    assert len(work.planted) > 10
    assert definite_rows_brute_force(work.frame) == work.planted.tolist()
    planted = work.frame.iloc[work.planted]
    assert planted["cumulative"].all()
    assert (planted["qualifier"] == "exact").all()


def test_floor_finds_the_planted_violations() -> None:
    work = generate(3_000, 30, seed=9, planted_share=0.02)
    np.testing.assert_array_equal(np.flatnonzero(floor(work.frame)["definite"]), work.planted)


def test_mix_has_every_qualifier_echoes_hours_and_both_series_kinds() -> None:
    frame = generate(5_000, 50, seed=1).frame
    assert set(frame["qualifier"]) == set(QUALIFIER_MIX)
    assert set(frame["as_of_precision"]) == {"day", "hour"}
    assert set(frame["cumulative"]) == {True, False}
    # An echo: one claim carried by several outlets.
    claims = pd.Series(claim_ids(frame))
    outlets_per_claim = frame["outlet"].groupby(claims.to_numpy()).nunique()
    assert (outlets_per_claim >= 2).mean() > 0.1
    assert frame["authority"].isna().any()


def test_every_figure_interval_is_well_formed() -> None:
    frame = generate(5_000, 50, seed=2).frame
    bounded = frame["high"].notna()
    assert (frame.loc[bounded, "low"] <= frame.loc[bounded, "high"]).all()
    exact = frame["qualifier"] == "exact"
    assert (frame.loc[exact, "low"] == frame.loc[exact, "stated"]).all()
    assert frame.loc[frame["qualifier"].isin(["range", "vague"]), "stated"].isna().all()


@pytest.mark.parametrize(
    ("n", "keys", "options"),
    [
        (10, 0, {}),
        (10, 11, {}),
        (0, 1, {}),
        (100, 5, {"echo_share": 1.5}),
        (100, 5, {"planted_share": -0.1}),
        (100, 5, {"hour_share": 2.0}),
    ],
)
def test_bad_arguments_raise(n: int, keys: int, options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"keys|share"):
        generate(n, keys, **options)


def test_the_prepared_column_times_the_same_analyses_as_the_others() -> None:
    """The benchmark's ``prepared`` (prepare untimed) returns what ``analyses`` returns."""
    from benchmarks.measured import callables

    frame = generate(2_000, 20, seed=1).frame
    functions = callables()
    direct, prepared = functions["analyses"](frame), functions["prepared"](frame)
    pd.testing.assert_frame_equal(prepared[0], direct[0])
    pd.testing.assert_frame_equal(prepared[1].frame, direct[1].frame)
    pd.testing.assert_frame_equal(prepared[2].series, direct[2].series)


def test_each_timed_option_of_a_prepared_frame_gives_what_the_frame_gives() -> None:
    """The options table times real calls: each equals the same call on the plain frame."""
    frame = generate(2_000, 20, seed=2).frame
    prepared = kzfigures.prepare(frame)
    for label, call in OPTIONS.items():
        on_prepared, on_frame = call(prepared, frame), call(frame, frame)  # type: ignore[arg-type]  # the analyses take a frame too
        for attribute in ("series", "set_aside", "frame"):
            if hasattr(on_frame, attribute):
                pd.testing.assert_frame_equal(getattr(on_prepared, attribute), getattr(on_frame, attribute))
        if isinstance(on_frame, pd.DataFrame):
            pd.testing.assert_frame_equal(on_prepared, on_frame, obj=label)


@pytest.mark.parametrize(
    ("prepared", "analyses", "floor_s", "expected"),
    [
        (0.9, 3.0, 0.4, ["PASS", "PASS", "MISS", "MISS"]),  # 0.9 / 0.4 = 2.25 <= 3; 3.0 / 0.4 = 7.5
        (1.1, 0.95, 0.4, ["MISS", "PASS", "PASS", "PASS"]),  # 1.1 / 0.4 = 2.75 <= 3; 0.95 / 0.4 = 2.4
        (0.99, 1.3, 0.3, ["PASS", "MISS", "MISS", "MISS"]),  # 0.99 / 0.3 = 3.3 > 3
    ],
)
def test_the_runner_judges_both_readings_of_the_three_together(
    prepared: float, analyses: float, floor_s: float, expected: list[str]
) -> None:
    from benchmarks.run import targets

    time = {"analyses": analyses, "prepared": prepared, "analyses_once": 1.5, "floor": floor_s, "from_frame": 0.3}
    record = {"n": 1_000_000, "keys": 10_000, "time": time, "traced": {}, "input_bytes": 1}
    rows = targets([record])
    assert [row[0].split(",")[0] for row in rows[:4]] == [
        "ranges + violations + best_estimate of a prepared frame (validated input",
        "... within 3x of the floor",
        "ranges + violations + best_estimate each validating its frame",
        "... within 3x of the floor",
    ]
    assert [row[2] for row in rows[:4]] == expected
