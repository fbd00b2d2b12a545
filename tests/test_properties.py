"""The library's property suite: named invariants, each stated in its test's docstring.

Started with the invariants of the frame, claims and figures; ranges, violations and the
estimate add theirs as they land. Data comes from :mod:`kzfigures.strategies`.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kzfigures.claims import claim_ids, period_bounds, series_ids, speakers, time_slots
from kzfigures.frame import from_frame, read_csv, read_json, to_csv, to_frame, to_json, to_observations
from kzfigures.model import Figure
from kzfigures.parse import parse_figure
from kzfigures.strategies import figure_phrases, figures, observation_frames, observations, timelines

FRAMES = observation_frames(max_size=8)


@given(figures())
def test_point_lies_in_the_interval(figure: Figure) -> None:
    """A figure's point value lies in its own interval: low <= point <= high (or unbounded)."""
    assert figure.low <= figure.point
    assert figure.high is None or figure.point <= figure.high


@given(FRAMES)
def test_from_frame_is_the_identity_on_canonical_frames(frame: pd.DataFrame) -> None:
    """Validation is idempotent: from_frame(f) == f for a canonical frame f."""
    assert from_frame(frame).equals(frame)


@given(FRAMES)
def test_objects_round_trip(frame: pd.DataFrame) -> None:
    """to_frame(to_observations(f)) == f: objects and frames carry the same information."""
    assert to_frame(to_observations(frame)).equals(frame)


@given(st.lists(observations(tz=st.just(dt.timezone(dt.timedelta(hours=6)))), max_size=6, unique_by=lambda o: o.id))
def test_observations_round_trip(items: list) -> None:  # type: ignore[type-arg]
    """to_observations(to_frame(obs)) == obs for observations of one zone."""
    assert to_observations(to_frame(items)) == items


@given(FRAMES)
def test_csv_round_trip_keeps_every_value(frame: pd.DataFrame) -> None:
    """read_csv(to_csv(f)) has the same values as f, row for row, at the same instants."""
    back = read_csv(io.StringIO(to_csv(frame) or ""))
    _assert_same_values(back, frame)


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
