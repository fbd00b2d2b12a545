"""What was known when: ``as_known_at`` and ``replay`` against their definitions.

The reference for ``replay`` is the loop the issue describes, one ``best_estimate`` of
``as_known_at(observations, t)`` per knowledge time; the expected rows of the bundled dataset
are read off its rows (``docs/datasheet.md``) by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzfigures as kz
from kzfigures.analysis import vintages
from kzfigures.analysis.index import annotate
from kzfigures.datasets import kazakhstan_2022
from kzfigures.strategies import figures, observation_frames, observations, timelines

ASTANA = dt.timezone(dt.timedelta(hours=6))


def at_most(n: int) -> settings:
    """The active profile's number of examples, but at most ``n`` (each example runs many estimates)."""
    return settings(max_examples=min(n, settings.default.max_examples), deadline=None)


def loop(frame: pd.DataFrame, known_at: pd.DatetimeIndex, **options: Any) -> list[kz.Estimate]:
    """The brute-force reference: one best_estimate per knowledge time, of what was known then."""
    return [kz.best_estimate(kz.as_known_at(frame, t, precision="day"), **options) for t in known_at]


def rows_at(table: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    return table[table["known_at"] == t].drop(columns="known_at").reset_index(drop=True)


def assert_replay_is_the_loop(frame: pd.DataFrame, **options: Any) -> None:
    frame = kz.from_frame(frame)
    result = kz.replay(frame, **options)
    for t, expected in zip(result.known_at, loop(frame, result.known_at, **options), strict=True):
        pd.testing.assert_frame_equal(rows_at(result.series, t), expected.series.reset_index(drop=True))
        pd.testing.assert_frame_equal(rows_at(result.set_aside, t), expected.set_aside.reset_index(drop=True))


# --- as_known_at ---------------------------------------------------------------------


#: Published on January 8 (every row of the dataset has a publication date): the CNN article
#: (kz22-001-*) and the Asian Lite News article (kz22-002-*), read off the dataset's rows.
KNOWN_BY_JANUARY_8 = {
    *(f"kz22-001-{i:02d}" for i in range(1, 12)),
    *(f"kz22-002-{i:02d}" for i in range(1, 7)),
}


def test_what_was_known_by_january_8() -> None:
    known = kz.as_known_at(kazakhstan_2022(), "2022-01-08")
    assert set(known["id"]) == KNOWN_BY_JANUARY_8
    assert len(known) == 17
    # The detained count then: "more than 3,000" as of Jan 7, 4,404 and "thousands" as of Jan 8.
    detained = known.query("metric == 'detained' and group == 'all'")
    assert sorted(detained["id"]) == ["kz22-001-04", "kz22-001-11", "kz22-002-05"]
    assert detained.set_index("id").loc["kz22-002-05", "stated"] == 4404


def test_a_day_publication_is_known_by_the_end_of_its_day() -> None:
    frame = kazakhstan_2022()
    assert len(kz.as_known_at(frame, "2022-01-07")) == 0
    assert len(kz.as_known_at(frame, "2022-01-08T22:00")) == 0  # that hour ends before the day does
    assert len(kz.as_known_at(frame, "2022-01-08T22:00", precision="day")) == 17
    assert len(kz.as_known_at(frame, "2022-01-08T23:00")) == 17  # the day's last hour ends with it
    assert len(kz.as_known_at(frame, pd.Timestamp("2022-01-09", tz="UTC+06:00"))) == 17 + 20
    assert len(kz.as_known_at(frame, dt.date(2022, 1, 10))) == 43
    # A time in another zone is the same instant: the end of Jan 8 in Almaty is 18:00 UTC.
    assert len(kz.as_known_at(frame, "2022-01-08T18:00Z", precision="second")) == 17
    assert len(kz.as_known_at(frame, "2022-01-08T17:59:58Z", precision="second")) == 0


def test_a_figure_with_no_publication_counts_from_the_end_of_its_as_of() -> None:
    frame = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [18, 16, 19],
            "as_of": ["2022-01-07", "2022-01-09T10:00", "2022-01-15"],
            "published": [None, None, "2022-01-15T12:00"],
            "as_of_precision": ["day", "hour", "day"],
        }
    )
    assert kz.as_known_at(frame, "2022-01-07")["stated"].tolist() == [18]
    assert kz.as_known_at(frame, "2022-01-09T10:00")["stated"].tolist() == [18, 16]
    assert kz.as_known_at(frame, "2022-01-09T10:59:58")["stated"].tolist() == [18]  # that second ends at :59
    assert kz.as_known_at(frame, "2022-01-15T12:00")["stated"].tolist() == [18, 16, 19]


def test_an_empty_frame_knows_nothing() -> None:
    empty = kz.as_known_at([], "2022-01-08")
    assert len(empty) == 0
    assert list(empty.columns) == list(kz.COLUMNS)
    result = kz.replay([])
    assert len(result.series) == 0
    assert len(result.known_at) == 0
    assert list(result.series.columns) == [
        "known_at",
        "metric",
        "group",
        "region",
        *kz.best_estimate([]).series.columns[3:],
    ]
    assert list(result.set_aside.columns) == ["known_at", *kz.best_estimate([]).set_aside.columns]


BAD_ARGUMENTS = [
    (kz.as_known_at, {"when": None}, "when must be a time"),
    (kz.as_known_at, {"when": 20220108}, "when must be a time"),
    (kz.as_known_at, {"when": True}, "when must be a time"),
    (kz.as_known_at, {"when": "the eighth"}, "when must be a time"),
    (kz.as_known_at, {"when": "NaT"}, "not missing"),
    (kz.as_known_at, {"when": "2022-01-08", "precision": "week"}, "precision must be one of"),
    (kz.as_known_at, {"when": "2022-01-08", "validate": "yes"}, "validate must be True or False"),
    (kz.replay, {"freq": "fortnightly"}, "freq must be a pandas offset"),
    (kz.replay, {"freq": 1}, "freq must be a pandas offset"),
    (kz.replay, {"freq": "-1D"}, "freq must be a positive offset"),
    (kz.replay, {"freq": "s"}, "knowledge times"),
    (kz.replay, {"method": "mean"}, "method must be one of"),
    (kz.replay, {"on_conflict": "first"}, "on_conflict must be one of"),
    (kz.replay, {"weights": "heavy"}, "weights must be"),
    (kz.replay, {"by": ()}, "by must name at least one column"),
]


@pytest.mark.parametrize(("function", "options", "message"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused(function: Any, options: dict[str, Any], message: str) -> None:
    frame = kazakhstan_2022()
    with pytest.raises(kz.InvalidArgumentError, match=message):
        function(frame, **options)


def test_a_key_column_that_is_not_one_is_refused() -> None:
    with pytest.raises(kz.UnknownColumnError):
        kz.replay(kazakhstan_2022(), by=("metric", "colour"))


# --- replay: the bundled dataset --------------------------------------------------------


def test_replay_of_the_dataset_is_the_loop() -> None:
    assert_replay_is_the_loop(kazakhstan_2022())


def test_replay_at_the_last_knowledge_time_is_the_estimate_of_everything() -> None:
    frame = kazakhstan_2022()
    result = kz.replay(frame)
    assert [str(t.date()) for t in result.known_at] == ["2022-01-08", "2022-01-09", "2022-01-10"]
    last = rows_at(result.series, result.known_at[-1])
    pd.testing.assert_frame_equal(last, kz.best_estimate(frame).series)


def test_the_detained_count_as_known_each_day() -> None:
    # By hand from the rows: by the end of Jan 8, "more than 3,000" (Jan 7) and 4,404 (Jan 8);
    # by the end of Jan 9, also 6,044 and "almost 6,000" (Jan 9), which bounds Jan 8 at 5,999;
    # by the end of Jan 10, 7,939 and "about 8,000" (Jan 10).
    detained = kazakhstan_2022().query("metric == 'detained' and group == 'all'")
    series = kz.replay(detained).series
    by_day = {
        str(t.date()): rows[["low", "best", "high"]].astype("object").values.tolist()
        for t, rows in series.groupby("known_at")
    }
    na = pd.NA
    assert by_day == {
        "2022-01-08": [[3001, 3001.0, 4404], [4404, 4404.0, na]],
        "2022-01-09": [[3001, 3001.0, 4404], [4404, 4404.0, 5999], [6044, 6044.0, na]],
        "2022-01-10": [[3001, 3001.0, 4404], [4404, 4404.0, 5999], [6044, 6044.0, 7939], [7939, 8000.0, na]],
    }


def test_a_series_unchanged_on_a_day_is_carried_to_it() -> None:
    # killed/law_enforcement is first known on Jan 8 and has no new figure on Jan 10: its rows
    # that day are those of Jan 9, copied.
    series = kz.replay(kazakhstan_2022()).series
    police = series.query("metric == 'killed' and group == 'law_enforcement'")
    assert police["known_at"].dt.strftime("%d").tolist() == ["08", "09", "10"]
    assert police["best"].tolist() == [18.0, 18.0, 18.0]
    assert police["n_observations"].tolist() == [1, 3, 3]


def test_what_was_set_aside_at_each_knowledge_time() -> None:
    days = [(21, 207), (22, 290), (23, 321), (24, 359), (25, 253)]
    toll = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [v for _, v in days],
            "as_of": [f"2019-04-{d}" for d, _ in days],
            "published": [f"2019-04-{d}" for d, _ in days],
            "authority": ["Police"] * 4 + ["Health Ministry"],
        }
    )
    result = kz.replay(toll)
    assert result.set_aside["known_at"].dt.day.unique().tolist() == [25]
    assert result.set_aside["id"].tolist() == ["row-1", "row-2", "row-3"]
    assert set(result.set_aside["superseded_by"]) == {"row-4"}
    for on_conflict in ("latest", "drop-minority"):
        assert_replay_is_the_loop(toll, on_conflict=on_conflict)


def test_other_grids_and_options() -> None:
    frame = kazakhstan_2022()
    by_hour = kz.replay(frame, freq="6h")
    assert by_hour.freq == "6h"
    assert len(by_hour.known_at) == 12
    day_rows = rows_at(kz.replay(frame).series, pd.Timestamp("2022-01-09", tz="UTC+06:00"))
    pd.testing.assert_frame_equal(rows_at(by_hour.series, pd.Timestamp("2022-01-09T18:00", tz="UTC+06:00")), day_rows)
    weekly = kz.replay(frame, freq="W")  # anchored: the grid starts at the Sunday before, Jan 2
    assert [str(t.date()) for t in weekly.known_at] == ["2022-01-02", "2022-01-09"]
    prepared = kz.prepare(frame, by=("metric", "group"))
    equal = kz.replay(prepared, by=("metric", "group"), method="median", weights="equal")
    assert equal.by == ("metric", "group")
    assert equal.method == "median"
    assert "Replay(freq='D', known_at=3 times" in repr(kz.replay(frame))


def test_weights_given_as_a_function_are_computed_once_on_everything() -> None:
    frame = kazakhstan_2022()
    calls: list[int] = []

    def weigh(rows: pd.DataFrame) -> np.ndarray:
        calls.append(len(rows))
        return np.ones(len(rows))

    kz.replay(frame, weights=weigh)
    assert calls == [43]


def test_a_grid_time_in_a_daylight_saving_change_is_refused() -> None:
    # Chile moved its clocks from 00:00 to 01:00 on 2022-09-11: that day has no midnight.
    frame = pd.DataFrame(
        {"metric": "killed", "stated": [1, 2, 3], "as_of": ["2022-09-10T12:00", "2022-09-11T12:00", "2022-09-12T12:00"]}
    )
    chile = kz.from_frame(frame, tz="America/Santiago")
    with pytest.raises(kz.TimezoneError, match="daylight-saving"):
        kz.replay(chile)
    assert len(kz.replay(chile, freq="h").known_at) == 2 * 24 + 12  # hours that all exist
    assert len(kz.replay(chile.assign(as_of=chile["as_of"].dt.tz_convert("UTC"))).known_at) == 3


def test_on_conflict_raise_raises_if_what_was_known_was_inconsistent() -> None:
    toll = pd.DataFrame({"metric": "killed", "stated": [359, 253], "as_of": ["2019-04-24", "2019-04-25"]})
    with pytest.raises(kz.InconsistentObservationsError):
        kz.replay(toll, on_conflict="raise")


# --- replay: properties ------------------------------------------------------------------

#: Small frames of two series over a few days, published up to a week later (or not at all),
#: every precision, with ties and rows that are not cumulative.
FRAMES = observation_frames(
    elements=observations(
        keys=st.sampled_from([("detained", "all", "all"), ("killed", "all", "all")]),
        figures=figures(max_value=40),
        tz=st.just(ASTANA),
        min_date=dt.date(2022, 1, 7),
        max_date=dt.date(2022, 1, 10),
    ),
    max_size=9,
)


@at_most(20)
@given(FRAMES, st.sampled_from(["isotonic", "latest", "conservative", "median"]))
def test_replay_is_the_estimate_of_what_was_known_at_each_time(frame: pd.DataFrame, method: str) -> None:
    assert_replay_is_the_loop(frame, method=method)


@at_most(12)
@given(
    st.integers(0, 2).flatmap(lambda k: timelines(n_keys=2, max_days=4, violations=k)),
    st.sampled_from(["latest", "drop-minority"]),
)
def test_replay_of_timelines_with_violations_is_the_loop(timeline: kz.strategies.Timeline, on_conflict: str) -> None:
    assert_replay_is_the_loop(timeline.frame, on_conflict=on_conflict)


@at_most(15)
@given(
    st.integers(0, 2).flatmap(lambda k: timelines(n_keys=3, max_days=4, violations=k)),
    st.sampled_from(["latest", "drop-minority", "raise"]),
    st.integers(1, 8),
)
def test_a_replay_in_batches_of_changes_is_the_loop(
    timeline: kz.strategies.Timeline, on_conflict: str, batch: int
) -> None:
    """Batches of a few stacked rows cut between changes, and the result does not show where."""
    frame = kz.from_frame(timeline.frame)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vintages, "_STACK_BATCH", batch)
        if on_conflict != "raise":
            assert_replay_is_the_loop(frame, on_conflict=on_conflict)
            return
        try:
            kz.replay(frame, on_conflict="raise")
        except kz.InconsistentObservationsError as error:
            in_batches: pd.DataFrame | None = error.violations
        else:
            in_batches = None
    try:
        kz.replay(frame, on_conflict="raise")
    except kz.InconsistentObservationsError as error:
        assert in_batches is not None
        pd.testing.assert_frame_equal(in_batches, error.violations)
    else:
        assert in_batches is None


@at_most(15)
@given(FRAMES)
def test_the_last_knowledge_time_knows_everything(frame: pd.DataFrame) -> None:
    result = kz.replay(frame)
    if len(frame) == 0:
        assert len(result.series) == 0
        return
    pd.testing.assert_frame_equal(
        rows_at(result.series, result.known_at[-1]),
        kz.best_estimate(frame).series,
    )
    assert len(kz.as_known_at(frame, result.known_at[-1], precision="day")) == len(frame)
    if len(result.known_at) > 1:  # and the step before it does not
        assert len(kz.as_known_at(frame, result.known_at[-2], precision="day")) < len(frame)


@at_most(30)
@given(FRAMES, st.integers(0, 5 * 24), st.sampled_from(["day", "hour", "minute", "second"]))
def test_as_known_at_is_its_definition(frame: pd.DataFrame, hours: int, precision: str) -> None:
    when = pd.Timestamp("2022-01-07", tz=ASTANA) + pd.Timedelta(hours=hours)
    end = when + kz.Precision(precision).length
    expected = [
        row.id
        for row in frame.itertuples()
        if (
            row.published + kz.Precision(row.published_precision).length
            if not pd.isna(row.published)
            else row.as_of + kz.Precision(row.as_of_precision).length
        )
        <= end
    ]
    assert kz.as_known_at(frame, when, precision=precision)["id"].tolist() == expected


# --- a bug of best_estimate that replay found ---------------------------------------------


def test_best_estimate_best_ids_do_not_leak_between_series() -> None:
    # Four speakers' different figures of one day: four fit blocks (0-3) in one slot; a second,
    # non-cumulative series, first in key order, with one slot, its block numbered 2 + 0 = 2:
    # the block of the killed series' third claim, whose id it then cites.
    frame = pd.DataFrame(
        {
            "metric": ["killed"] * 4 + ["honoured"],
            "stated": [10, 20, 30, 40, 5],
            "as_of": "2022-01-07",
            "authority": ["A", "B", "C", "D", "E"],
            "cumulative": [True] * 4 + [False],
            "id": [f"obs-{i}" for i in range(5)],  # kept when the series are estimated apart
        }
    )
    together = kz.best_estimate(frame).series.set_index("metric")["best_ids"].to_dict()
    alone = {metric: kz.best_estimate(rows).series["best_ids"].iloc[0] for metric, rows in frame.groupby("metric")}
    assert together == alone  # honoured: ('obs-4',) alone; it was ('obs-2', 'obs-4') together


def test_replay_of_the_benchmark_workload_is_the_loop() -> None:
    # The archive-shaped workload of benchmarks/bench_replay.py: echoes, hour figures, planted
    # falls, non-cumulative series, publication 1-48 hours after the figure's time.
    from benchmarks.bench_replay import check, workload

    check(workload(1_500, 15, 10))


@at_most(40)
@given(FRAMES)
def test_the_rows_counted_before_stacking_are_at_most_the_replays(frame: pd.DataFrame) -> None:
    """The up-front count (the frame's own slots holding a known row, per change) bounds the result."""
    if len(frame) == 0:
        return
    index, known = annotate(frame), vintages.known_by(frame)
    labels, ends = vintages._grid(frame, known, pd.tseries.frequencies.to_offset("D"))
    vintage = np.searchsorted(ends, known, side="left").astype(np.int64)
    pairs = vintages._change_pairs(index.series, vintage, len(labels))
    assert vintages._result_rows_at_least(index.series, index.series_slot, vintage, pairs) <= len(
        kz.replay(frame).series
    )


def test_a_replay_too_large_is_refused_before_anything_is_estimated(monkeypatch: pytest.MonkeyPatch) -> None:
    # One series reported every day for 200 days: about 200 * 201 / 2 = 20,100 rows, over a limit of 10,000.
    days = pd.date_range("2024-01-01", periods=200, freq="D", tz="UTC")
    frame = kz.from_frame(
        pd.DataFrame({"metric": "killed", "stated": np.arange(200) + 10, "as_of": days, "outlet": "Agency"})
    )
    monkeypatch.setattr(vintages, "MAX_GRID_POINTS", 10_000)

    def no_estimate(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("estimated before refusing")

    monkeypatch.setattr(vintages, "best_estimate", no_estimate)
    with pytest.raises(kz.InvalidArgumentError, match=r"at least 20,100 rows \(at most 10,000\)"):
        kz.replay(frame)


def test_set_aside_rows_over_the_limit_are_refused_before_the_last_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # 60 days: each day the agency's figure and three channels' figures above it, which the next
    # day's agency figure caps. The series table has 60 * 61 / 2 = 1,830 rows; the channels'
    # figures are set aside from the next day on, 3 * 59 * 60 / 2 = 5,310 set-aside rows.
    days = pd.date_range("2024-01-01", periods=60, freq="D", tz="UTC")
    agency = np.arange(60) * 10 + 100
    frame = kz.from_frame(
        pd.DataFrame(
            {
                "metric": "killed",
                "stated": np.r_[agency, agency + 15, agency + 16, agency + 17],
                "as_of": np.tile(days, 4),
                "outlet": np.repeat(["Agency", "Channel 1", "Channel 2", "Channel 3"], 60),
            }
        )
    )
    full = kz.replay(frame)
    assert (len(full.series), len(full.set_aside)) == (1_830, 5_310)
    calls = []
    estimate = vintages.best_estimate

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return estimate(*args, **kwargs)

    monkeypatch.setattr(vintages, "best_estimate", counted)
    monkeypatch.setattr(vintages, "_STACK_BATCH", 200)
    pd.testing.assert_frame_equal(kz.replay(frame).set_aside, full.set_aside)
    batches = len(calls)
    calls.clear()
    monkeypatch.setattr(vintages, "MAX_GRID_POINTS", 2_500)
    with pytest.raises(
        kz.InvalidArgumentError, match=r"set_aside would have at least 2,[5-9]\d\d rows \(at most 2,500\)"
    ):
        kz.replay(frame)
    assert 1 < len(calls) < batches


def _raised(frame: pd.DataFrame, **options: Any) -> pd.DataFrame | str:
    """The violations ``replay(on_conflict="raise")`` raises, or the other error's message."""
    try:
        kz.replay(frame, on_conflict="raise", **options)
    except kz.InconsistentObservationsError as error:
        return error.violations
    except kz.InvalidArgumentError as error:
        return str(error)
    raise AssertionError("nothing raised")


def test_raise_in_batches_lists_the_pairs_of_consistent_changes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # One series with cumulative and daily figures (a review found it): the change of January 9
    # is consistent, but one call over every change listed its pairs with January 10's.
    frame = pd.DataFrame(
        {
            "metric": "detained",
            "stated": [0, 1, 0, 0, 1],
            "as_of": ["2022-01-07", "2022-01-08", "2022-01-09", "2022-01-10", "2022-01-10"],
            "cumulative": [False, True, True, False, False],
        }
    )
    in_one_call = _raised(frame)
    assert isinstance(in_one_call, pd.DataFrame)
    assert in_one_call["known_at"].nunique() == 2
    for batch in (1, 3):
        monkeypatch.setattr(vintages, "_STACK_BATCH", batch)
        in_batches = _raised(frame)
        assert isinstance(in_batches, pd.DataFrame)
        pd.testing.assert_frame_equal(in_batches, in_one_call)


def test_raise_reports_an_inconsistency_before_a_refusal_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Killed: ten hour figures of January 1, and a day figure of that day published on January 10,
    # which merges their slots only then (more rows than the up-front bound counts). Detained:
    # 100, then 50, a fall. One call raised the inconsistency; so do batches.
    hours = [
        {
            "metric": "killed",
            "stated": 10 + i,
            "as_of": f"2024-01-01T{10 + i}:00",
            "published": f"2024-01-01T{10 + i}:00",
        }
        for i in range(10)
    ]
    late = [{"metric": "killed", "stated": 15, "as_of": "2024-01-01", "published": "2024-01-10"}]
    fall = [
        {"metric": "detained", "stated": 100, "as_of": "2024-01-01", "published": "2024-01-01"},
        {"metric": "detained", "stated": 50, "as_of": "2024-01-05", "published": "2024-01-05"},
    ]
    frame = kz.from_frame(pd.DataFrame(hours + late + fall), tz="UTC")
    rows = len(kz.replay(frame).series)
    index, known = annotate(frame), vintages.known_by(frame)
    labels, ends = vintages._grid(frame, known, pd.tseries.frequencies.to_offset("D"))
    vintage = np.searchsorted(ends, known, side="left").astype(np.int64)
    pairs = vintages._change_pairs(index.series, vintage, len(labels))
    bound = vintages._result_rows_at_least(index.series, index.series_slot, vintage, pairs)
    assert bound < rows  # the late day figure merges slots the bound counts once
    outcomes = []
    # Over the limit up front, after some batches, or not at all (about ten limits: each replay in
    # batches of one change is a hundred calls).
    for limit in sorted({bound - 1, *range(bound, rows, 9), rows - 1, rows}):
        monkeypatch.setattr(vintages, "MAX_GRID_POINTS", limit)
        monkeypatch.setattr(vintages, "_STACK_BATCH", 10**9)
        in_one_call = _raised(frame)
        monkeypatch.setattr(vintages, "_STACK_BATCH", 1)
        in_batches = _raised(frame)
        if isinstance(in_one_call, str):
            assert in_batches == in_one_call
        else:
            assert isinstance(in_batches, pd.DataFrame)
            pd.testing.assert_frame_equal(in_batches, in_one_call)
        outcomes.append(isinstance(in_one_call, str))
    assert True in outcomes  # refusals were compared,
    assert False in outcomes  # and inconsistencies


def test_raise_names_each_pair_by_its_knowledge_time_and_key() -> None:
    # The police figures of Sri Lanka's Easter 2019 toll, then the health ministry's lower one:
    # from April 25 on, what was known was inconsistent. The error lists, at each knowledge time
    # at which the series changed, the pairs violations() finds in what was known then, under the
    # user's key columns.
    days = [(21, 207), (22, 290), (23, 321), (24, 359), (25, 253), (26, 258)]
    toll = kz.from_frame(
        pd.DataFrame(
            {
                "metric": "killed",
                "stated": [v for _, v in days],
                "as_of": [f"2019-04-{d}" for d, _ in days],
                "authority": ["Police"] * 4 + ["Health Ministry"] * 2,
            }
        )
    )
    raised = _raised(toll)
    assert isinstance(raised, pd.DataFrame)
    assert not {vintages._VINTAGE, vintages._SERIES} & set(raised.columns)
    assert list(raised.columns[:5]) == ["kind", "known_at", "metric", "group", "region"]
    times = sorted(set(raised["known_at"]))
    assert [t.day for t in times] == [25, 26]
    for t in times:
        known = kz.as_known_at(toll, t, precision="day")
        expected = kz.violations(known).frame
        expected = expected[expected["kind"] != "soft"].reset_index(drop=True)
        got = raised[raised["known_at"] == t].drop(columns="known_at").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
