"""The library's property suite: named invariants, each stated in its test's docstring.

The invariants of figures and the parser, the frame and its files, claims and time slots,
ranges, violations and the best estimate. Data comes from :mod:`kzfigures.strategies`, the
strategies the library ships: the library tests itself with what it gives its users. Expected
values come from the definitions (``tests/brute_force.py`` checks every pair), never from the
function under test.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis.estimate import METHODS, ON_CONFLICT, best_estimate
from kzfigures.analysis.index import (
    DEFAULT_BY,
    _speaker_codes,
    annotate,
    claim_ids,
    period_bounds,
    series_ids,
    speakers,
    time_slots,
)
from kzfigures.analysis.ranges import ranges
from kzfigures.analysis.violations import violations
from kzfigures.errors import InconsistentObservationsError
from kzfigures.frame import from_frame, read_csv, read_json, to_csv, to_frame, to_json, to_observations
from kzfigures.model import Figure
from kzfigures.parse import parse_figure
from kzfigures.strategies import Timeline, figure_phrases, figures, observation_frames, observations, timelines
from tests import brute_force

KEY = list(DEFAULT_BY)
ASTANA = dt.timezone(dt.timedelta(hours=6))


def at_most(n: int) -> settings:
    """The active profile's number of examples, but at most ``n``.

    For properties that run whole analyses several times per example: with the ``ci`` profile's
    examples for every one of them, this file alone would take minutes. The caps keep it near
    a minute under ``ci``; ``ci`` still derandomizes them.
    """
    return settings(max_examples=min(n, settings.default.max_examples))


FRAMES = observation_frames(max_size=8)

#: Small frames full of ties: two series over three days, numbers up to 30 (equal lows, equal
#: points, overlapping times of every precision), unbounded highs, some rows not cumulative.
TIED_FRAMES = observation_frames(
    elements=observations(
        keys=st.sampled_from([("detained", "all", "all"), ("killed", "all", "all")]),
        figures=figures(max_value=30),
        tz=st.just(ASTANA),
        min_date=dt.date(2022, 1, 7),
        max_date=dt.date(2022, 1, 9),
    ),
    max_size=10,
)

#: Timelines small enough to keep each example fast: two series, up to four days, 0-2 plants.
CONSISTENT = timelines(n_keys=2, max_days=4)
SOME_PLANTED = st.integers(0, 2).flatmap(lambda k: timelines(n_keys=2, max_days=4, violations=k))


@given(figures())
def test_point_lies_in_the_interval(figure: Figure) -> None:
    """A figure's point value lies in its own interval: low <= point <= high (or unbounded)."""
    assert figure.low <= figure.point
    assert figure.high is None or figure.point <= figure.high


@at_most(60)
@given(FRAMES)
def test_from_frame_is_the_identity_on_canonical_frames(frame: pd.DataFrame) -> None:
    """Validation is idempotent: from_frame(f) == f for a canonical frame f."""
    assert from_frame(frame).equals(frame)


@at_most(60)
@given(FRAMES)
def test_objects_round_trip(frame: pd.DataFrame) -> None:
    """to_frame(to_observations(f)) == f: objects and frames carry the same information."""
    assert to_frame(to_observations(frame)).equals(frame)


@at_most(60)
@given(st.lists(observations(tz=st.just(dt.timezone(dt.timedelta(hours=6)))), max_size=6, unique_by=lambda o: o.id))
def test_observations_round_trip(items: list) -> None:  # type: ignore[type-arg]
    """to_observations(to_frame(obs)) == obs for observations of one zone."""
    assert to_observations(to_frame(items)) == items


@at_most(40)
@given(FRAMES)
def test_csv_round_trip_keeps_every_value(frame: pd.DataFrame) -> None:
    """read_csv(to_csv(f)) has the same values as f, row for row, at the same instants."""
    back = read_csv(io.StringIO(to_csv(frame) or ""))
    _assert_same_values(back, frame)


@at_most(40)
@given(FRAMES)
def test_json_round_trip_keeps_every_value(frame: pd.DataFrame) -> None:
    """read_json(to_json(f)) has the same values as f, row for row, at the same instants."""
    back = read_json(io.StringIO(to_json(frame) or ""))
    _assert_same_values(back, frame)


def _assert_same_values(back: pd.DataFrame, frame: pd.DataFrame) -> None:
    assert list(back.columns) == list(frame.columns)
    for name in frame.columns:
        if name in ("as_of", "published"):
            pd.testing.assert_series_equal(back[name].dt.tz_convert("UTC"), frame[name].dt.tz_convert("UTC"))
        else:
            pd.testing.assert_series_equal(back[name], frame[name])


@at_most(60)
@given(FRAMES, st.randoms(use_true_random=False))
def test_slots_and_claims_ignore_row_order(frame: pd.DataFrame, random: object) -> None:
    """Time slots, speakers and claim identity of a row do not depend on the order of the rows."""
    order = list(range(len(frame)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = frame.iloc[order].reset_index(drop=True)
    assert (time_slots(shuffled) == time_slots(frame)[order]).all()
    assert (speakers(shuffled).to_numpy() == speakers(frame).to_numpy()[order]).all()
    # Claim numbers are ranks of sorted keys, so equal up to the permutation.
    assert (claim_ids(shuffled) == claim_ids(frame)[order]).all()


@at_most(60)
@given(
    TIED_FRAMES | FRAMES,
    st.sampled_from([DEFAULT_BY, ("metric", "authority"), ("outlet",), ("metric", "cumulative")]),
    st.sampled_from([None, "D"]),
)
def test_the_estimate_is_sorted_by_key_then_time(frame: pd.DataFrame, by: tuple[str, ...], freq: str | None) -> None:
    """The rows come out in key order (missing keys last) and time order, as sort_values puts them.

    So do the set-aside rows, by key, as_of and id.
    """
    estimate = best_estimate(frame, by=by, freq=freq)
    series = estimate.series
    expected = series.sort_values([*by, "time"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(series, expected)
    aside = estimate.set_aside
    pd.testing.assert_frame_equal(aside, aside.sort_values([*by, "as_of", "id"]).reset_index(drop=True))


@at_most(60)
@given(
    TIED_FRAMES | FRAMES,
    st.sampled_from([DEFAULT_BY, ("metric", "authority"), ("outlet",)]),
    st.sampled_from(["latest", "drop-minority"]),
)
def test_the_set_aside_rows_are_the_frames_own_cells(frame: pd.DataFrame, by: tuple[str, ...], policy: str) -> None:
    """Each set-aside row shows its observation's id, key, as_of, low and high as the frame holds them.

    Looked up by id in the input (ids are unique), not gathered as the library gathers them: a
    key cell taken from the wrong series, or a row taken twice, shows here.
    """
    aside = best_estimate(frame, by=by, on_conflict=policy).set_aside
    shown = ["id", *by, "as_of", "low", "high"]
    canonical = from_frame(frame)
    expected = canonical.set_index("id", drop=False).loc[aside["id"].tolist(), shown].reset_index(drop=True)
    pd.testing.assert_frame_equal(aside[shown], expected)
    assert aside["reason"].isin(["superseded", "outweighed", "outvoted"]).all()


def _on_days(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every as_of moved to its local midnight, at day precision.

    A daily grid from a slot that starts at 02:30 would put a time in the hour Berlin's clocks
    skip, which best_estimate refuses (tested on its own); at midnight every grid time exists.
    """
    return from_frame(frame.assign(as_of=frame["as_of"].dt.floor("D"), as_of_precision="day"))


#: Frames over the change to summer time in Berlin (27 March 2022): a day there is 23 hours.
DST_FRAMES = observation_frames(
    elements=observations(
        tz=st.just(ZoneInfo("Europe/Berlin")), min_date=dt.date(2022, 3, 25), max_date=dt.date(2022, 3, 29)
    ),
    max_size=8,
).map(_on_days)


def grid_walk(per_slot: pd.DataFrame, by: list[str], freq: str) -> pd.DataFrame:
    """The rows of ``best_estimate(freq=freq)``, walked key by key and grid time by grid time.

    Made from the estimate's rows per slot by the documented rule: a grid time takes the row of the
    slot at or before it (the count by the end of that slot, whose high already comes from later
    slots); between slots no claim, observation or set-aside one is counted.
    """
    rows = []
    for _, slots in per_slot.groupby(by, sort=False, dropna=False):
        slots = slots.reset_index(drop=True)
        for time in pd.date_range(slots["slot_start"].iloc[0], slots["slot_start"].iloc[-1], freq=freq):
            i = max(k for k in range(len(slots)) if slots.loc[k, "slot_start"] <= time)
            row = slots.iloc[i].copy()
            if time >= slots.loc[i, "slot_end"]:
                row["n_claims"] = row["n_observations"] = row["n_set_aside"] = 0
            row["time"] = time
            rows.append(row)
    return pd.DataFrame(rows, columns=per_slot.columns).reset_index(drop=True)


@at_most(60)
@given(
    TIED_FRAMES | FRAMES | DST_FRAMES,
    st.sampled_from([DEFAULT_BY, ("metric", "authority")]),
    st.sampled_from(["D", "12h", "W", "2D"]),
)
def test_the_grid_is_the_slot_rows_walked_key_by_key(frame: pd.DataFrame, by: tuple[str, ...], freq: str) -> None:
    per_slot = best_estimate(frame, by=by).series
    grid = best_estimate(frame, by=by, freq=freq).series
    expected = grid_walk(per_slot, list(by), freq)
    assert list(grid.columns) == list(expected.columns)
    for column in grid.columns:
        assert cells(grid[column]) == cells(expected[column]), column


def cells(column: pd.Series) -> list[Any]:
    """The column's values with every missing marker (NA, NaN, None) as None."""
    return [None if not isinstance(v, tuple) and pd.isna(v) else v for v in column.tolist()]


@at_most(100)
@given(FRAMES)
def test_the_index_codes_the_speakers_by_their_sorted_texts(frame: pd.DataFrame) -> None:
    """annotate's speaker codes are pd.factorize(speakers(frame), sort=True), made without a text per row."""
    index = annotate(frame)
    codes, names = pd.factorize(speakers(frame).to_numpy(dtype=object), sort=True)
    assert index.speaker.tolist() == codes.tolist()
    assert index.speaker_names.tolist() == list(names)


def test_an_authority_that_reads_like_a_fallback_is_one_speaker_with_it() -> None:
    frame = pd.DataFrame(
        {"authority": ["outlet: CNN", None, None], "outlet": ["X", "CNN", None], "id": ["a", "b", "c"]}, dtype="string"
    )
    index_codes, names = _speaker_codes(frame)
    assert index_codes.tolist() == [1, 1, 0]
    assert names.tolist() == ["observation: c", "outlet: CNN"]


@at_most(100)
@given(FRAMES)
def test_earlier_slots_end_before_later_slots_start(frame: pd.DataFrame) -> None:
    """Slots are totally ordered: every period in slot s ends no later than any period of slot s+1 starts."""
    slots = time_slots(frame)
    series = series_ids(frame)
    start, end = period_bounds(frame)
    for i in range(len(frame)):
        for j in range(len(frame)):
            if series[i] == series[j] and slots[i] < slots[j]:
                assert end[i] <= start[j]
            if series[i] == series[j] and start[i] < end[j] and start[j] < end[i]:
                assert slots[i] == slots[j]


@at_most(60)
@given(timelines(max_echoes=1), st.integers(1, 4))
def test_echoing_a_claim_adds_no_claim(timeline: object, copies: int) -> None:
    """Carrying an authority's claim through more outlets adds observations, not claims."""
    frame = timeline.frame  # type: ignore[attr-defined]
    row = frame.iloc[[0]]
    echoes = pd.concat([row] * copies, ignore_index=True)
    echoes["id"] = [f"echo-{i}" for i in range(copies)]
    echoes["outlet"] = [f"Outlet {i}" for i in range(copies)]
    echoes["authority"] = echoes["authority"].fillna("Some Ministry")
    base = frame.assign(authority=frame["authority"].where(frame.index != 0, echoes["authority"].iloc[0]))
    more = from_frame(pd.concat([base, echoes], ignore_index=True))
    assert len(set(claim_ids(more))) == len(set(claim_ids(base)))


@given(figure_phrases())
def test_parse_reads_the_figure_a_phrase_means(pair: tuple[str, Figure]) -> None:
    """parse_figure(phrase) == figure for every phrase reporters write."""
    phrase, figure = pair
    assert parse_figure(phrase) == figure


@given(figures())
def test_parse_inverts_to_text(figure: Figure) -> None:
    """parse_figure(f.to_text()) has f's interval and qualifier: the canonical words read back."""
    back = parse_figure(figure.to_text() if figure.qualifier.value != "vague" else figure.text or "")
    assert (back.low, back.high, back.qualifier) == (figure.low, figure.high, figure.qualifier)


# --- helpers ---------------------------------------------------------------------------


def _shuffled(frame: pd.DataFrame, random: Any) -> pd.DataFrame:
    order = list(range(len(frame)))
    random.shuffle(order)
    return frame.iloc[order].reset_index(drop=True)


def _echo(frame: pd.DataFrame, position: int, copies: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(base, more): ``frame`` with the row at ``position`` attributed to an authority (if it was
    not), and ``base`` plus ``copies`` more outlets carrying that same claim."""
    base = frame.copy()
    if pd.isna(base.loc[position, "authority"]):
        base.loc[position, "authority"] = "Some Ministry"
    base = from_frame(base)
    echoes = pd.concat([base.iloc[[position]]] * copies, ignore_index=True)
    echoes["id"] = [f"echo-{i}" for i in range(copies)]
    echoes["outlet"] = [f"Echo Outlet {i}" for i in range(copies)]
    return base, from_frame(pd.concat([base, echoes], ignore_index=True))


def _optional(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


# --- ranges ----------------------------------------------------------------------------


@at_most(40)
@given(st.one_of(TIED_FRAMES.filter(lambda f: len(f) > 0), SOME_PLANTED.map(lambda t: t.frame)))
def test_ranges_contain_every_stated_value(frame: pd.DataFrame) -> None:
    """Per key, hull_low <= low_i and high_i <= hull_high for every observation i (<NA> high:
    unbounded, and then hull_high is <NA>); min_stated and max_stated are the smallest and largest
    stated numbers (<NA> if none); consensus is [max low_i, min bounded high_i]."""
    table = ranges(frame).set_index(KEY)
    for key, rows in frame.groupby(KEY):
        row = table.loc[key]
        highs = [_optional(h) for h in rows["high"]]
        stated = [int(s) for s in rows["stated"].dropna()]
        assert all(row["hull_low"] <= low for low in rows["low"])
        if None in highs:
            assert pd.isna(row["hull_high"])
        else:
            assert all(high <= row["hull_high"] for high in highs)
        assert row["hull_low"] == min(rows["low"])
        assert _optional(row["min_stated"]) == (min(stated) if stated else None)
        assert _optional(row["max_stated"]) == (max(stated) if stated else None)
        bounded = [h for h in highs if h is not None]
        assert row["consensus_low"] == max(rows["low"])
        assert _optional(row["consensus_high"]) == (min(bounded) if bounded else None)


@at_most(25)
@given(SOME_PLANTED, st.randoms(use_true_random=False))
def test_ranges_ignore_row_order(timeline: Timeline, random: Any) -> None:
    """ranges(f) == ranges(shuffle(f)), for the whole record and for each time slot."""
    frame = timeline.frame
    shuffled = _shuffled(frame, random)
    for at in (None, "each"):
        pd.testing.assert_frame_equal(ranges(shuffled, at=at), ranges(frame, at=at))


@at_most(25)
@given(SOME_PLANTED, st.data())
def test_echoing_a_claim_changes_only_the_observation_count_of_ranges(timeline: Timeline, data: st.DataObject) -> None:
    """Carrying a claim through k more outlets leaves n_claims, n_speakers, hull and consensus of
    every key unchanged, and adds k to the echoed key's n_observations."""
    position = data.draw(st.integers(0, len(timeline.frame) - 1), label="position")
    copies = data.draw(st.integers(1, 3), label="copies")
    base, more = _echo(timeline.frame, position, copies)
    before, after = ranges(base).set_index(KEY), ranges(more).set_index(KEY)
    unchanged = ["n_claims", "n_speakers", "hull_low", "hull_high", "consensus_low", "consensus_high"]
    pd.testing.assert_frame_equal(after[unchanged], before[unchanged])
    grown = before["n_observations"].copy()
    grown[tuple(base.loc[position, KEY])] += copies
    pd.testing.assert_series_equal(after["n_observations"], grown)


@at_most(40)
@given(st.one_of(TIED_FRAMES.filter(lambda f: len(f) > 0), SOME_PLANTED.map(lambda t: t.frame)))
def test_ranges_each_has_one_row_per_time_slot(frame: pd.DataFrame) -> None:
    """ranges(at="each") has, per key, one row per time slot (counted by brute force over
    overlapping periods), numbered 0, 1, ...; the slot's n_observations are its rows and
    slot_start is its earliest as_of."""
    table = ranges(frame, at="each")
    slots = brute_force.slots(frame)
    expected = frame.assign(slot=slots).groupby([*KEY, "slot"])
    assert len(table) == expected.ngroups
    got = table.set_index([*KEY, "slot"])
    for (*key, slot), rows in expected:
        row = got.loc[(*key, slot)]
        assert row["n_observations"] == len(rows)
        assert row["slot_start"] == rows["as_of"].min()


# --- violations ----------------------------------------------------------------------------


@at_most(100)
@given(st.integers(1, 4).flatmap(lambda k: timelines(n_keys=2, max_days=4, violations=k)))
def test_planted_violations_are_always_found(timeline: Timeline) -> None:
    """Every plant is found: a planted definite one as (definite, id, witness) with the planted
    witness; a planted disagreement as one disagreement row on its lower observation with the
    other as witness; a planted soft fall as soft against an earlier observation whose point is
    at least the planted witness's. And nothing else is definite or a disagreement."""
    report = violations(timeline.frame)
    found = report.frame
    rows = {(r.kind, r.id, r.witness_id) for r in pd.concat([found, report.disagreements]).itertuples()}
    by_id = timeline.frame.set_index("id")
    point = {
        i: Figure(int(r.low), _optional(r.high), _optional(r.stated), r.qualifier).point for i, r in by_id.iterrows()
    }
    expected_hard = set()
    for plant in timeline.planted.itertuples():
        if plant.kind == "definite":
            expected_hard.add(("definite", plant.id, plant.witness_id))
        elif plant.kind == "disagreement":
            assert by_id.loc[plant.id, "high"] < by_id.loc[plant.witness_id, "low"]
            expected_hard.add(("disagreement", plant.id, plant.witness_id))
        else:
            soft = found[(found["kind"] == "soft") & (found["id"] == plant.id)]
            assert len(soft) == 1
            assert point[soft["witness_id"].iloc[0]] >= point[plant.witness_id]
    assert {r for r in rows if r[0] != "soft"} == expected_hard


@at_most(100)
@given(CONSISTENT)
def test_consistent_timelines_are_never_flagged(timeline: Timeline) -> None:
    """A consistent timeline (violations=0) has no definite violation and no disagreement."""
    report = violations(timeline.frame)
    assert not (report.frame["kind"] == "definite").any()
    assert report.disagreements.empty


@at_most(100)
@given(st.one_of(TIED_FRAMES, SOME_PLANTED.map(lambda t: t.frame)))
def test_violations_agree_with_the_brute_force_reference(frame: pd.DataFrame) -> None:
    """violations(f) lists exactly the (kind, id, witness) that checking every pair by the
    definitions finds, with ties, unbounded highs and mixed precisions."""
    report = violations(frame)
    found = pd.concat([report.frame, report.disagreements])
    expected = {row[:3] for row in brute_force.violation_rows(frame)}
    assert {(r.kind, r.id, r.witness_id) for r in found.itertuples()} == expected


@at_most(40)
@given(SOME_PLANTED, st.randoms(use_true_random=False))
def test_violations_ignore_row_order(timeline: Timeline, random: Any) -> None:
    """violations(f).frame == violations(shuffle(f)).frame."""
    frame = timeline.frame
    before, after = violations(frame), violations(_shuffled(frame, random))
    pd.testing.assert_frame_equal(after.frame, before.frame)
    pd.testing.assert_frame_equal(after.disagreements, before.disagreements)


# --- the best estimate -----------------------------------------------------------------


def _slot_rows(series: pd.DataFrame, frame: pd.DataFrame) -> npt.NDArray[np.intp]:
    """For each observation, the series row (freq=None) whose slot period contains its as_of."""
    positions = np.full(len(frame), -1, dtype=np.intp)
    for row in series.itertuples():
        inside = (frame[KEY] == [row.metric, row.group, row.region]).all(axis=1)
        inside &= (frame["as_of"] >= row.slot_start) & (frame["as_of"] < row.slot_end)
        assert (positions[inside.to_numpy()] == -1).all()
        positions[inside.to_numpy()] = row.Index
    assert (positions >= 0).all()
    return positions


@at_most(40)
@given(SOME_PLANTED, st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]))
def test_best_is_non_decreasing_and_inside_every_kept_observation(timeline: Timeline, method: str, policy: str) -> None:
    """Per cumulative key, best is non-decreasing where present, and missing only before the first
    stated figure; low <= best <= high; and for every kept observation i of slot k, low_i <= L(k)
    (reached by the end of its slot), low_i <= U(k) (no later kept figure below it) and
    L(k - 1) <= high_i (the count was not above it before its slot)."""
    frame = timeline.frame
    result = best_estimate(frame, method=method, on_conflict=policy)
    series = result.series
    low = series["low"].to_numpy(dtype=np.float64)
    high = series["high"].to_numpy(dtype=np.float64, na_value=np.inf)
    best = series["best"].to_numpy()
    present = ~np.isnan(best)
    assert (low[present] <= best[present]).all()
    assert (best[present] <= high[present]).all()
    previous_low = np.zeros(len(series))
    for _, key_rows in series.groupby(KEY):
        assert key_rows["time"].is_monotonic_increasing
        values = key_rows["best"].to_numpy()
        there = ~np.isnan(values)
        assert (there[1:] >= there[:-1]).all()
        assert (np.diff(values[there]) >= 0).all()
        rows = key_rows.index.to_numpy()
        previous_low[rows[1:]] = low[rows[:-1]]
    kept = ~frame["id"].isin(result.set_aside["id"]).to_numpy()
    at = _slot_rows(series, frame)[kept]
    lows = frame["low"].to_numpy(dtype=np.float64)[kept]
    assert (lows <= low[at]).all()
    assert (lows <= high[at]).all()
    assert (previous_low[at] <= frame["high"].to_numpy(dtype=np.float64, na_value=np.inf)[kept]).all()


@at_most(40)
@given(SOME_PLANTED, st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]))
def test_the_best_series_fed_back_as_exact_figures_is_its_own_estimate(
    timeline: Timeline, method: str, policy: str
) -> None:
    """Feed the series back as one exact figure per row where best is present: stated round(best),
    as of the slot start, to the second. That is a non-decreasing run of exact figures: the estimate
    of it sets nothing aside and reproduces it."""
    series = best_estimate(timeline.frame, method=method, on_conflict=policy).series
    series = series[series["best"].notna()].reset_index(drop=True)
    if series.empty:
        return
    rounded = np.floor(series["best"].to_numpy() + 0.5).astype(np.int64)
    fed_back = from_frame(
        pd.DataFrame(
            {
                "id": [f"estimate-{i}" for i in range(len(series))],
                **{c: series[c] for c in KEY},
                "stated": pd.array(rounded, dtype="Int64"),
                "as_of": series["slot_start"],
                "as_of_precision": "second",
                "authority": "kzfigures",
                "cumulative": True,
            }
        )
    )
    again = best_estimate(fed_back, method=method, on_conflict=policy)
    assert again.set_aside.empty
    pd.testing.assert_series_equal(again.series["time"], series["time"])
    assert again.series["best"].tolist() == rounded.astype(np.float64).tolist()
    assert again.series["low"].tolist() == rounded.tolist()


@at_most(40)
@given(SOME_PLANTED, st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]), st.randoms())
def test_the_estimate_ignores_row_order(timeline: Timeline, method: str, policy: str, random: Any) -> None:
    """best_estimate(f) == best_estimate(shuffle(f)): the same series and the same set aside."""
    frame = timeline.frame
    a = best_estimate(frame, method=method, on_conflict=policy)
    b = best_estimate(_shuffled(frame, random), method=method, on_conflict=policy)
    pd.testing.assert_frame_equal(b.series, a.series)
    pd.testing.assert_frame_equal(b.set_aside, a.set_aside)


@at_most(25)
@given(SOME_PLANTED, st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]), st.data())
def test_echoing_a_claim_leaves_the_estimate_unchanged(
    timeline: Timeline, method: str, policy: str, data: st.DataObject
) -> None:
    """With one weight per claim, carrying a claim through k more outlets changes no low, best,
    high, fit or n_claims; its slot counts k more observations, kept or set aside with the claim."""
    position = data.draw(st.integers(0, len(timeline.frame) - 1), label="position")
    copies = data.draw(st.integers(1, 3), label="copies")
    base, more = _echo(timeline.frame, position, copies)
    before = best_estimate(base, method=method, on_conflict=policy)
    after = best_estimate(more, method=method, on_conflict=policy)
    same = [*KEY, "time", "slot", "low", "best", "high", "fit", "n_claims"]
    pd.testing.assert_frame_equal(after.series[same], before.series[same])
    echoed_aside = base.loc[position, "id"] in set(before.set_aside["id"])
    counted = "n_set_aside" if echoed_aside else "n_observations"
    grown = before.series[counted].to_numpy().copy()
    grown[_slot_rows(before.series, base.iloc[[position]])[0]] += copies
    assert after.series[counted].tolist() == grown.tolist()
    echo_ids = {f"echo-{i}" for i in range(copies)} if echoed_aside else set()
    assert set(after.set_aside["id"]) == set(before.set_aside["id"]) | echo_ids


@at_most(25)
@given(CONSISTENT, st.sampled_from(METHODS))
def test_a_consistent_timeline_sets_nothing_aside(timeline: Timeline, method: str) -> None:
    """On a consistent timeline no policy sets anything aside, on_conflict="raise" does not raise,
    and every policy gives the same series."""
    results = [best_estimate(timeline.frame, method=method, on_conflict=policy) for policy in ON_CONFLICT]
    for result in results:
        assert result.set_aside.empty
        pd.testing.assert_frame_equal(result.series, results[0].series)


@at_most(40)
@given(st.integers(1, 3).flatmap(lambda k: timelines(max_days=4, violations=k, violation_kinds=["definite"])))
def test_raise_names_every_planted_inconsistency(timeline: Timeline) -> None:
    """With planted definite violations, on_conflict="raise" raises InconsistentObservationsError
    whose .violations frame has each planted definite id as definite, and no soft row.
    (Disagreements are consistent: a count can rise within the period.)"""
    with pytest.raises(InconsistentObservationsError) as error:
        best_estimate(timeline.frame, on_conflict="raise")
    found = error.value.violations
    assert "soft" not in set(found["kind"])
    definite_ids = set(found.loc[found["kind"] == "definite", "id"])
    for plant in timeline.planted.itertuples():
        assert plant.kind == "definite"
        assert plant.id in definite_ids
    assert set(found["kind"]) == {"definite"}


@at_most(40)
@given(SOME_PLANTED, st.sampled_from(METHODS), st.sampled_from(["latest", "drop-minority"]))
def test_every_observation_is_kept_or_set_aside(timeline: Timeline, method: str, policy: str) -> None:
    """Each input observation is either set aside (once) or kept: the set-aside ids are distinct
    input ids, the series counts every kept one in n_observations and every set-aside one in
    n_set_aside, every id the envelope or set_aside cites (low_ids, high_ids, superseded_by) is
    a kept observation, and best_ids cite input observations (a set-aside one too: capped at its
    correction, it still informs the fit)."""
    frame = timeline.frame
    result = best_estimate(frame, method=method, on_conflict=policy)
    aside = result.set_aside["id"].tolist()
    assert len(set(aside)) == len(aside)
    assert set(aside) <= set(frame["id"])
    kept = set(frame["id"]) - set(aside)
    assert result.series["n_observations"].sum() == len(kept)
    assert result.series["n_set_aside"].sum() == len(aside)
    cited = {i for column in ("low_ids", "high_ids") for ids in result.series[column] for i in ids}
    assert cited <= kept
    assert {i for ids in result.series["best_ids"] for i in ids} <= set(frame["id"])
    assert set(result.set_aside["superseded_by"]) <= kept


def _consistent(frame: pd.DataFrame, kept: npt.NDArray[np.bool_]) -> bool:
    """The theorem's condition by brute force: low_i <= high_j for kept i, j of a series with i
    strictly before j (its period ends by the time j's begins)."""
    series = series_ids(frame)
    start, end = period_bounds(frame)
    low = frame["low"].tolist()
    high = [math.inf if pd.isna(h) else int(h) for h in frame["high"]]
    chosen = np.flatnonzero(kept)
    return all(low[i] <= high[j] for i in chosen for j in chosen if series[i] == series[j] and end[i] <= start[j])


@at_most(100)
@given(SOME_PLANTED, st.sampled_from(["latest", "drop-minority"]))
def test_what_is_kept_is_consistent(timeline: Timeline, policy: str) -> None:
    """The kept observations fit one non-decreasing count: low_i <= high_j whenever i is no later
    than j (brute force over every pair)."""
    frame = timeline.frame
    kept = ~frame["id"].isin(best_estimate(frame, on_conflict=policy).set_aside["id"]).to_numpy()
    assert _consistent(frame, kept)


@at_most(40)
@given(SOME_PLANTED)
def test_drop_minority_keeps_at_least_as_many_claims_as_latest(timeline: Timeline) -> None:
    """With every figure weighing 1, drop-minority keeps a largest consistent set of claims, so it
    never keeps fewer claims than latest does.

    Not so by the default weights: a named authority's range (weight 4) outweighs two outlets'
    later open-ended figures (1 each) that contradict it, so drop-minority sets those two aside
    where latest sets aside the one range (a case Hypothesis found).
    """
    frame = timeline.frame
    claims = claim_ids(frame)

    def kept_claims(policy: str) -> int:
        estimate = best_estimate(frame, on_conflict=policy, weights="equal")
        aside = frame["id"].isin(estimate.set_aside["id"]).to_numpy()
        return len(set(claims[~aside]))

    assert kept_claims("drop-minority") >= kept_claims("latest")
