"""Tests of kzfigures.strategies: each strategy generates what its docstring promises.

Expectations are computed independently: intervals from the conventions written out by hand,
violations by the brute-force references in ``brute_force.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import sys

import pandas as pd
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from kzfigures.analysis.index import claim_ids, speakers, time_slots
from kzfigures.analysis.violations import violations
from kzfigures.errors import InvalidArgumentError
from kzfigures.frame import COLUMNS, from_frame, to_frame, to_observations
from kzfigures.model import Figure, Observation, Qualifier
from kzfigures.parse import parse_figure
from kzfigures.strategies import (
    VIOLATION_KINDS,
    Timeline,
    figure_phrases,
    figures,
    observation_frames,
    observations,
    timelines,
)
from tests.brute_force import definite_pairs, disagreement_pairs, soft_pairs

# --- the optional extra ----------------------------------------------------------


def test_import_without_hypothesis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "kzfigures.strategies")
    with pytest.raises(ImportError, match=r'pip install "kzfigures\[hypothesis\]"'):
        importlib.import_module("kzfigures.strategies")


# --- bad arguments raise at definition time ----------------------------------------

BAD_ARGUMENTS = [
    (figures, {"min_value": -1}),
    (figures, {"max_value": 1.5}),
    (figures, {"max_value": True}),
    (figures, {"min_value": 10, "max_value": 5}),
    (figures, {"qualifiers": []}),
    (figures, {"qualifiers": "exact"}),
    (figures, {"qualifiers": ["roughly"]}),
    (figures, {"qualifiers": 3}),
    (figures, {"qualifiers": ["vague"], "max_value": 1}),
    (figures, {"qualifiers": ["range"], "min_value": 5, "max_value": 5}),
    (figures, {"qualifiers": ["fewer_than"], "max_value": 0}),
    (figures, {"qualifiers": ["almost"], "max_value": 0}),
    (figure_phrases, {"min_value": 3, "max_value": 2}),
    (figure_phrases, {"qualifiers": ["nope"]}),
    (observations, {"keys": ("detained", "all", "all")}),
    (observations, {"cumulative": True}),
    (observations, {"tz": dt.UTC}),
    (observations, {"figures": Figure.exact(1)}),
    (observations, {"min_date": "2022-01-01"}),
    (observations, {"max_date": dt.datetime(2022, 1, 1)}),
    (observations, {"min_date": dt.date(2022, 2, 1), "max_date": dt.date(2022, 1, 1)}),
    (observation_frames, {"elements": Observation}),
    (observation_frames, {"min_size": -1}),
    (observation_frames, {"min_size": 3, "max_size": 2}),
    (timelines, {"n_keys": 0}),
    (timelines, {"n_keys": 7}),
    (timelines, {"max_days": 0}),
    (timelines, {"max_claims_per_day": 0}),
    (timelines, {"n_authorities": -1}),
    (timelines, {"n_authorities": 6}),
    (timelines, {"max_echoes": 0}),
    (timelines, {"max_echoes": 9}),
    (timelines, {"min_value": 5, "max_value": 4}),
    (timelines, {"qualifiers": ["sort_of"]}),
    (timelines, {"tz": "UTC"}),
    (timelines, {"violations": -1}),
    (timelines, {"violations": 11}),
    (timelines, {"violations": 1.0}),
    (timelines, {"violation_kinds": []}),
    (timelines, {"violation_kinds": "definite"}),
    (timelines, {"violation_kinds": ["definite", "definite"]}),
    (timelines, {"violation_kinds": ["decrease"]}),
    (timelines, {"violations": 1, "max_value": 0}),
]


@pytest.mark.parametrize(("strategy", "kwargs"), BAD_ARGUMENTS, ids=lambda v: getattr(v, "__name__", repr(v)))
def test_bad_argument_raises_at_definition(strategy, kwargs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgumentError):
        strategy(**kwargs)


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        figures(["exact"])  # type: ignore[misc]


# --- figures ---------------------------------------------------------------------


def expected_interval(q: Qualifier, n: int) -> tuple[int, int | None]:
    """The default conventions, written out by hand from the issue."""
    if q is Qualifier.EXACT:
        return n, n
    if q is Qualifier.MORE_THAN:
        return n + 1, None
    if q is Qualifier.AT_LEAST:
        return n, None
    if q is Qualifier.FEWER_THAN:
        return 0, n - 1
    if q is Qualifier.AT_MOST:
        return 0, n
    if q is Qualifier.ABOUT:
        trailing = len(str(n)) - len(str(n).rstrip("0")) if n else 0
        h = max(n / 10, 10**trailing / 2)
        return max(0, math.ceil(n - h - 1e-9)), math.floor(n + h + 1e-9)
    assert q is Qualifier.ALMOST
    return min(math.ceil(0.9 * n - 1e-9), n - 1), n - 1


VAGUE = {
    "a few": (2, 5),
    "several": (3, 9),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "tens of thousands": (20000, 99999),
    "hundreds of thousands": (200000, 999999),
    "multiple": (2, None),
    "many": (2, None),
}


@given(figures(min_value=0, max_value=10**6))
def test_figures_follow_the_default_conventions(figure: Figure) -> None:
    if figure.qualifier is Qualifier.VAGUE:
        assert VAGUE[figure.text or ""] == (figure.low, figure.high)
    elif figure.qualifier is Qualifier.RANGE:
        assert figure.stated is None
        assert figure.high is not None
        assert figure.low < figure.high
    else:
        assert figure.stated is not None
        assert (figure.low, figure.high) == expected_interval(figure.qualifier, figure.stated)


@pytest.mark.parametrize(
    ("qualifier", "n", "interval"),
    [
        ("more_than", 3000, (3001, None)),
        ("about", 8000, (7200, 8800)),
        ("about", 164, (148, 180)),
        ("about", 150, (135, 165)),
        ("about", 5, (5, 5)),
        ("almost", 6000, (5400, 5999)),
        ("almost", 1, (0, 0)),
        ("fewer_than", 100, (0, 99)),
        ("at_most", 100, (0, 100)),
    ],
)
def test_figures_match_hand_worked_intervals(qualifier: str, n: int, interval: tuple[int, int | None]) -> None:
    figure = find(figures(qualifiers=[qualifier], min_value=n, max_value=n), lambda f: True)
    assert (figure.low, figure.high, figure.stated) == (*interval, n)


@given(st.data())
def test_figures_respect_qualifiers_and_bounds(data: st.DataObject) -> None:
    low = data.draw(st.integers(0, 50_000))
    high = data.draw(st.integers(low + 1, 100_000))
    chosen = data.draw(st.sets(st.sampled_from([q for q in Qualifier if q is not Qualifier.VAGUE]), min_size=1))
    figure = data.draw(figures(qualifiers=chosen, min_value=low, max_value=high))
    assert figure.qualifier in chosen
    written = [figure.low, figure.high] if figure.qualifier is Qualifier.RANGE else [figure.stated]
    assert all(w is not None and low <= w <= high for w in written)


def test_default_figures_cover_every_qualifier() -> None:
    # Derandomized: a random search of a few hundred draws missed a qualifier about once
    # in 300 runs on Hypothesis 6.100, so the test fixes its draws instead of its luck.
    first = settings(phases=[Phase.generate], database=None, max_examples=1000, derandomize=True)
    for q in Qualifier:
        find(figures(), lambda f, q=q: f.qualifier is q, settings=first)


def test_figures_shrink_to_exact_zero() -> None:
    # The shrink target among exact figures is 0; which qualifier comes first depends on
    # how the installed Hypothesis orders one_of, so the test fixes the qualifier.
    assert find(figures(qualifiers=["exact"]), lambda f: True) == Figure.exact(0, text="0")


@given(st.from_type(Figure), st.from_type(Observation))
def test_from_type_is_registered(figure: Figure, observation: Observation) -> None:
    assert isinstance(figure, Figure)
    assert isinstance(observation, Observation)


# --- figure phrases --------------------------------------------------------------

PHRASE_WORDS = {
    Qualifier.EXACT: ("",),
    Qualifier.MORE_THAN: ("more than ", "over "),
    Qualifier.AT_LEAST: ("at least ",),
    Qualifier.FEWER_THAN: ("fewer than ", "less than "),
    Qualifier.AT_MOST: ("up to ", "at most "),
    Qualifier.ABOUT: ("about ", "around ", "some "),
    Qualifier.ALMOST: ("almost ", "nearly "),
}


def read_number(text: str) -> int:
    """'8 thousand' -> 8000, '3,000' -> 3000."""
    number, _, scale = text.partition(" ")
    return int(number.replace(",", "")) * {"": 1, "thousand": 1000, "million": 10**6}[scale]


@given(figure_phrases())
def test_phrases_say_the_figure(pair: tuple[str, Figure]) -> None:
    phrase, figure = pair
    assert figure.text == phrase
    lower = phrase[:1].lower() + phrase[1:]
    if figure.qualifier is Qualifier.VAGUE:
        assert VAGUE[lower] == (figure.low, figure.high)
    elif figure.qualifier is Qualifier.RANGE:
        first, second = lower.removeprefix("between ").split(" and ")
        assert (read_number(first), read_number(second)) == (figure.low, figure.high)
    else:
        [word] = [w for w in PHRASE_WORDS[figure.qualifier] if lower.startswith(w) and lower[len(w)].isdigit()]
        assert read_number(lower[len(word) :]) == figure.stated


@given(figure_phrases())
def test_parser_reads_every_phrase(pair: tuple[str, Figure]) -> None:
    phrase, figure = pair
    assert parse_figure(phrase) == figure


# --- observations and frames -------------------------------------------------------


@given(
    observations(
        keys=st.just(("killed", "law_enforcement", "all")),
        cumulative=st.just(False),
        tz=st.just(dt.timezone(dt.timedelta(hours=6))),
        min_date=dt.date(2022, 1, 5),
        max_date=dt.date(2022, 1, 11),
    )
)
def test_observations_follow_their_options(observation: Observation) -> None:
    assert observation.key == ("killed", "law_enforcement", "all")
    assert observation.cumulative is False
    assert observation.as_of.utcoffset() == dt.timedelta(hours=6)
    assert dt.date(2022, 1, 5) <= observation.as_of.date() <= dt.date(2022, 1, 11)
    if observation.published is not None:
        assert observation.published.normalize() >= observation.as_of.normalize()


@given(observation_frames(min_size=2, max_size=6))
def test_observation_frames_are_canonical(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(COLUMNS)
    assert 2 <= len(frame) <= 6
    assert frame["id"].is_unique
    assert from_frame(frame).equals(frame)
    assert to_frame(to_observations(frame)).equals(frame)


@given(observation_frames(elements=observations(figures=figures(qualifiers=["vague"]), tz=st.just(dt.UTC)), max_size=4))
def test_observation_frames_use_the_given_elements(frame: pd.DataFrame) -> None:
    assert (frame["qualifier"] == "vague").all()


# --- timelines -------------------------------------------------------------------------


def test_timeline_repr_counts_what_was_planted() -> None:
    timeline = find(timelines(violations=1, violation_kinds=["disagreement"]), lambda t: True)
    assert isinstance(timeline, Timeline)
    assert repr(timeline) == f"Timeline({len(timeline.frame)} observations in 1 series, planted: disagreement=1)"


def test_the_old_conflict_kind_is_refused_with_its_new_name() -> None:
    with pytest.raises(InvalidArgumentError, match="'conflict' is now 'disagreement'"):
        timelines(violations=1, violation_kinds=["conflict"])


@given(timelines(n_keys=2, max_days=4))
def test_consistent_timelines_have_no_definite_violation_and_no_disagreement(timeline: Timeline) -> None:
    assert definite_pairs(timeline.frame) == set()
    assert disagreement_pairs(timeline.frame) == set()
    assert timeline.planted.empty


@given(timelines(n_keys=2, max_days=4))
def test_every_observation_contains_the_hidden_count(timeline: Timeline) -> None:
    merged = timeline.observed_truth()
    assert merged["count"].notna().all()
    unbounded = merged["high"].isna()
    assert ((merged["low"] <= merged["count"]) & (unbounded | (merged["count"] <= merged["high"]))).all()


@given(timelines(n_keys=3, max_days=5, min_value=10, max_value=500))
def test_hidden_count_is_non_decreasing_and_in_bounds(timeline: Timeline) -> None:
    truth = timeline.truth
    assert truth["count"].between(10, 500).all()
    for _, series in truth.groupby(["metric", "group", "region"]):
        assert series["as_of"].is_monotonic_increasing
        assert series["as_of"].is_unique
        assert series["count"].is_monotonic_increasing


@given(timelines(max_echoes=1, n_authorities=0))
def test_without_authorities_every_observation_is_its_outlets_own_claim(timeline: Timeline) -> None:
    assert timeline.frame["authority"].isna().all()
    assert speakers(timeline.frame).str.startswith("outlet: ").all()


@given(timelines(max_echoes=4))
def test_echoes_share_speaker_time_and_interval(timeline: Timeline) -> None:
    frame = timeline.frame
    same = frame.groupby(["authority", "as_of", "as_of_precision", "low", "high", "stated", "qualifier"], dropna=False)
    claims = claim_ids(frame)
    for (authority, *_), carried in same:
        if pd.notna(authority):  # one authority's figure for one time is one claim, however many outlets
            assert len(set(claims[carried.index])) == 1


def test_timelines_can_echo_mix_precisions_and_qualifiers() -> None:
    def echoed(t: Timeline) -> bool:
        frame = t.frame
        return bool(frame.groupby(claim_ids(frame))["outlet"].nunique().max() >= 3)

    # Only that such timelines exist: no shrinking needed. Derandomized, as above.
    first = settings(phases=[Phase.generate], database=None, max_examples=200, derandomize=True)
    find(timelines(), echoed, settings=first)
    find(timelines(), lambda t: {"day", "hour"} <= set(t.frame["as_of_precision"]), settings=first)
    find(timelines(), lambda t: t.frame["qualifier"].nunique() >= 3, settings=first)
    find(timelines(), lambda t: t.frame["published"].notna().any() and t.frame["via"].notna().any(), settings=first)


@given(st.data())
def test_planted_violations_are_exactly_the_definite_ones_and_the_disagreements(data: st.DataObject) -> None:
    k = data.draw(st.integers(1, 4), label="violations")
    kinds = data.draw(st.sets(st.sampled_from(VIOLATION_KINDS), min_size=1), label="kinds")
    timeline = data.draw(timelines(n_keys=2, max_days=3, violations=k, violation_kinds=kinds))
    frame, planted = timeline.frame, timeline.planted
    assert len(planted) == k
    assert set(planted["kind"]) <= kinds

    definite = definite_pairs(frame)
    assert {later for _, later in definite} == set(planted.loc[planted["kind"] == "definite", "id"])
    split = planted.loc[planted["kind"] == "disagreement"]
    assert disagreement_pairs(frame) == set(zip(split["witness_id"], split["id"], strict=True))
    soft = soft_pairs(frame)
    for row in planted.loc[planted["kind"] == "soft"].itertuples():
        assert (row.witness_id, row.id) in soft


@given(timelines(violations=3, violation_kinds=["definite"], max_days=4))
def test_definite_witness_is_the_earlier_observation_with_the_largest_low(timeline: Timeline) -> None:
    frame = timeline.frame.set_index("id")
    slots = pd.Series(time_slots(timeline.frame), index=frame.index)
    for row in timeline.planted.itertuples():
        earlier = frame[slots < slots[row.id]]
        assert frame.loc[row.witness_id, "low"] == earlier["low"].max()
        assert frame.loc[row.id, "high"] < frame.loc[row.witness_id, "low"]


@given(timelines(violations=2, violation_kinds=["soft", "disagreement"], max_days=4))
def test_soft_plants_and_disagreements_stay_inside_the_envelope(timeline: Timeline) -> None:
    assert definite_pairs(timeline.frame) == set()


# --- shrinking -----------------------------------------------------------------------

# The same budget under every profile, to generate and shrink only: find() counts what it
# finds as a failure, and the explain phase would re-run it hundreds of times, traced.
# Derandomized: from some random starts the shrinker stops at three rows for "about"
# (seen under hypothesis 6.100 with and without the explain phase), so an unseeded run flakes.
_SHRINK = settings(max_examples=500, database=None, derandomize=True, phases=[Phase.generate, Phase.shrink])


def test_a_definite_violation_shrinks_to_at_most_three_observations() -> None:
    # Some timelines with up to three violations of any kind: the search must shrink days,
    # claims, echoes and the other plants away, down to a witness and its violation.
    some = st.integers(0, 3).flatmap(lambda k: timelines(max_days=4, violations=k))
    minimal = find(some, lambda t: bool(definite_pairs(t.frame)), settings=_SHRINK)
    assert len(minimal.frame) <= 3


def test_a_consistent_timeline_shrinks_to_two_observations_at_most() -> None:
    # find's own budget: a profile with few examples (the oldest-dependency run) may not reach an "about".
    minimal = find(
        timelines(max_days=5),
        lambda t: (t.frame["qualifier"] == "about").any(),
        settings=_SHRINK,
    )
    assert len(minimal.frame) <= 2


# --- against the library's own checker, once it lands --------------------------------


@given(timelines(n_keys=2, max_days=3, violations=3))
def test_kzfigures_violations_finds_what_was_planted(timeline: Timeline) -> None:
    report = violations(timeline.frame)
    found = report.frame
    planted = timeline.planted
    definite = found[found["kind"] == "definite"]
    assert set(definite["id"]) == set(planted.loc[planted["kind"] == "definite", "id"])
    # A disagreement is listed apart, on the lower of the pair, against the higher.
    split = report.disagreements
    expected = planted[planted["kind"] == "disagreement"]
    assert set(zip(split["id"], split["witness_id"], strict=True)) == set(
        zip(expected["id"], expected["witness_id"], strict=True)
    )
    soft = set(found.loc[found["kind"] == "soft", "id"])
    assert set(planted.loc[planted["kind"] == "soft", "id"]) <= soft
    rows = timeline.frame.set_index("id")
    witnesses = planted.set_index("id")["witness_id"]
    for row in definite.itertuples():  # the witness is an earlier observation with the largest low
        assert rows.loc[row.witness_id, "low"] == rows.loc[witnesses[row.id], "low"]


@given(timelines(n_keys=2, max_days=4))
def test_kzfigures_violations_finds_nothing_definite_in_consistent_timelines(timeline: Timeline) -> None:
    report = violations(timeline.frame)
    assert not (report.frame["kind"] == "definite").any()
    assert report.disagreements.empty
