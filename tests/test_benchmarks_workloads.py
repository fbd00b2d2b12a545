"""The benchmark workload generator keeps its contract (small sizes, no timing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzfigures
from benchmarks.baselines import floor
from benchmarks.measured import OPTIONS, first_use
from benchmarks.workloads import (
    COUNTY_STATISTICS,
    QUALIFIER_MIX,
    SHAPES,
    TZ,
    county_counts,
    crossing_speakers,
    generate,
    shape,
    users_frame,
)
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


# --- the shapes of issue 22 ---------------------------------------------------------


@pytest.mark.parametrize("name", SHAPES)
def test_every_shape_is_canonical_seeded_and_sized(name: str) -> None:
    a, b = shape(name, 2_000, seed=4), shape(name, 2_000, seed=4)
    assert a.frame.equals(b.frame)
    assert len(a.frame) == 2_000
    assert a.frame["id"].is_unique
    pd.testing.assert_frame_equal(from_frame(a.frame), a.frame)
    expected_series = {"one-huge-series": 1, "many-tiny-series": 2_000}.get(name, 20)
    assert a.frame.groupby(BY).ngroups == expected_series


def test_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown shape"):
        shape("county", 100)


def test_county_counts_have_the_archives_statistics() -> None:
    """One source, exact cumulative counts, one row per series and day, plateaus and a few decreases."""
    work = county_counts(100_000, 1_000, seed=3)
    frame = work.frame
    assert frame["outlet"].nunique() == 1
    assert frame["authority"].isna().all()
    assert (frame["low"] == frame["high"]).all()
    assert (frame["low"] == frame["stated"]).all()
    assert frame["cumulative"].all()
    assert (frame["as_of_precision"] == "day").all()
    assert not frame.duplicated([*BY, "as_of"]).any()
    ordered = frame.assign(series=series_ids(frame), count=frame["low"].astype("int64"))
    ordered = ordered.sort_values(["series", "as_of"])
    change = ordered.groupby("series")["count"].diff().dropna()
    plateau, decrease = float((change == 0).mean()), float((change < 0).mean())
    assert plateau >= COUNTY_STATISTICS["plateau_share"]
    assert 0.5 * COUNTY_STATISTICS["decrease_share"] <= decrease <= 2 * COUNTY_STATISTICS["decrease_share"]
    # planted = the rows below the day before's count, each the later side of a definite violation.
    decreased = ordered.index[ordered.groupby("series")["count"].diff().lt(0).to_numpy()]
    assert sorted(decreased) == work.planted.tolist()
    definite = kzfigures.violations(frame)
    later = set(definite.frame.loc[definite.frame["kind"] == "definite", "id"])
    assert set(frame["id"].iloc[work.planted]) <= later


def test_crossing_speakers_contradict_each_other_on_most_days() -> None:
    frame = crossing_speakers(20_000, 200, seed=5).frame
    day = frame.groupby([*BY, "as_of"])
    assert (day.size() >= 3).mean() > 0.9
    assert (day["low"].nunique() > 1).mean() > 0.9  # exact figures that differ: a conflict
    assert set(frame["cumulative"]) == {True, False}
    assert (frame["qualifier"] == "exact").all()
    assert frame["authority"].notna().any()
    aside = kzfigures.best_estimate(frame).set_aside
    assert len(aside) > len(frame) / 4


def test_users_frame_has_no_ids_naive_times_and_object_strings_and_reads_back() -> None:
    canonical = generate(1_000, 10, seed=6).frame
    users = users_frame(canonical)
    assert "id" not in users.columns
    assert users["as_of"].dt.tz is None
    assert users["published"].dt.tz is None
    assert users["metric"].dtype == object
    assert users["high"].dtype == np.float64
    read = from_frame(users, tz=TZ)
    expected = canonical.assign(id=pd.array([f"row-{i}" for i in range(len(canonical))], dtype="string"))
    pd.testing.assert_frame_equal(read, expected)


def test_the_shape_runner_judges_issue_22s_targets() -> None:
    from benchmarks.run import shape_verdicts

    def record(n: int, scale: float, traced: int | None) -> dict[str, object]:
        time = {"csv": 3.0, "pandas_csv": 1.2, "prepared": 0.9, "floor": 0.5, "drop_minority": 2.6}
        return {"n": n, "time": {k: v * scale for k, v in time.items()}, "traced": traced, "input_bytes": 100}

    rows = shape_verdicts([record(10_000, 0.01, None), record(100_000, 0.1, None), record(1_000_000, 1.0, 250)])
    assert [row[2] for row in rows] == ["PASS", "PASS", "MISS", "PASS", "PASS", "PASS"]  # 2.5x, 1.8x, 5.2x
    rows = shape_verdicts([record(100_000, 0.05, None), record(1_000_000, 1.0, 310)])
    assert [row[2] for row in rows][3:] == ["MISS", "MISS", "MISS"]  # 20x for 10x rows; 3.1x memory


def test_first_use_copies_what_prepare_made_and_refuses_an_analysed_index() -> None:
    prepared = kzfigures.prepare(shape("conflict-mix", 300).frame)
    made = dict(prepared.index._cache)
    assert "series_keys" in made
    copy = first_use(prepared)
    assert copy.index is not prepared.index
    assert copy.frame is prepared.frame
    assert copy.index._cache.keys() == made.keys()
    assert all(copy.index._cache[k] is made[k] for k in made)
    kzfigures.ranges(copy)
    kzfigures.violations(copy)
    assert prepared.index._cache.keys() == made.keys()  # what the copy gathered stays in the copy
    prepared.index._cache["gathered"] = object()
    with pytest.raises(RuntimeError, match="gathered"):
        first_use(prepared)


def test_first_use_refuses_an_original_analysed_since_its_first_copy() -> None:
    # Keys of 45 columns of 3 values (3**45 codes, renumbered): prepare makes no key cells, so an
    # analysis of the original gathers them.
    frame = shape("conflict-mix", 300).frame
    extra = {f"key_{i:02d}": pd.Series(np.resize(["x", "y", "z"], len(frame)), dtype="string") for i in range(45)}
    frame = frame.assign(**extra)
    prepared = kzfigures.prepare(frame, by=["metric", *extra])
    assert first_use(prepared).index._cache == {}
    kzfigures.ranges(prepared, by=["metric", *extra])  # gathers its series' key cells
    assert "series_keys" in prepared.index._cache
    with pytest.raises(RuntimeError, match="series_keys"):
        first_use(prepared)
