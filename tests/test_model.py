"""Tests of the value classes Figure and Observation (kzfigures.model)."""

from __future__ import annotations

import datetime as dt

import attrs
import pandas as pd
import pytest

from kzfigures.errors import ObservationTypeError, TimezoneError, ValidationError
from kzfigures.model import Figure, Observation, OutletKind, Precision, Qualifier, content_id, infer_precision

ALMATY = dt.timezone(dt.timedelta(hours=6))


# --- Figure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "low", "high", "stated", "qualifier"),
    [
        (Figure.exact(164), 164, 164, 164, Qualifier.EXACT),
        (Figure.more_than(3000), 3001, None, 3000, Qualifier.MORE_THAN),
        (Figure.at_least(18), 18, None, 18, Qualifier.AT_LEAST),
        (Figure.fewer_than(100), 0, 99, 100, Qualifier.FEWER_THAN),
        (Figure.fewer_than(1), 0, 0, 1, Qualifier.FEWER_THAN),
        (Figure.at_most(100), 0, 100, 100, Qualifier.AT_MOST),
        (Figure.between(150, 200), 150, 200, None, Qualifier.RANGE),
        (Figure.about(8000, low=7200, high=8800), 7200, 8800, 8000, Qualifier.ABOUT),
        (Figure.about(8000, low=7200, high=None), 7200, None, 8000, Qualifier.ABOUT),
        (Figure.almost(6000, low=5400), 5400, 5999, 6000, Qualifier.ALMOST),
        (Figure.exact(0), 0, 0, 0, Qualifier.EXACT),
    ],
)
def test_constructors_give_the_documented_interval(figure, low, high, stated, qualifier):
    assert (figure.low, figure.high, figure.stated, figure.qualifier) == (low, high, stated, qualifier)
    assert figure.text is None


def test_constructors_keep_the_text():
    assert Figure.more_than(3000, text="more than 3,000").text == "more than 3,000"


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Figure(-5, None, 0, "at_least"), ValidationError, "'low' must be >= 0 (got -5)"),
        (lambda: Figure(0, -1, None, "range"), ValidationError, "'high' must be >= 0 (got -1)"),
        (lambda: Figure(0, 5, -1, "at_most"), ValidationError, "'stated' must be >= 0 (got -1)"),
        (lambda: Figure(10, 9, 10, "about"), ValidationError, "'high' must be >= 'low' (10) or None (got 9)"),
        (lambda: Figure(1.5, 2, 2, "at_most"), ObservationTypeError, "'low' must be a whole number (got 1.5"),
        (lambda: Figure(True, 2, 2, "at_most"), ObservationTypeError, "'low' must be a whole number (got True"),
        (lambda: Figure(1, "2", 2, "at_most"), ObservationTypeError, "'high' must be a whole number (got '2'"),
        (lambda: Figure(1, 2, 2.0, "at_most"), ObservationTypeError, "'stated' must be a whole number (got 2.0"),
        (lambda: Figure(1, 2, 2, "bogus"), ValidationError, "'qualifier' must be one of 'exact', "),
        (lambda: Figure(1, 2, 2, "at_most", text=5), ObservationTypeError, "'text' must be text (got 5"),
        (lambda: Figure(1, 2, None, "exact"), ValidationError, "'stated' may be None only for 'range' or 'vague'"),
        (lambda: Figure(1, None, None, "more_than"), ValidationError, "(qualifier is 'more_than')"),
        (lambda: Figure(1, 2, 2, "exact"), ValidationError, "low == high == stated (got low=1, high=2, stated=2)"),
        (lambda: Figure(2, None, 2, "exact"), ValidationError, "(got low=2, high=None, stated=2)"),
        (lambda: Figure.fewer_than(0), ValidationError, "'fewer than' needs n >= 1 (got 0)"),
        (lambda: Figure.almost(0, low=0), ValidationError, "'almost' needs n >= 1 (got 0)"),
        (lambda: Figure.almost(6000, low=6000), ValidationError, "'high' must be >= 'low' (6000) or None (got 5999)"),
        (lambda: Figure.more_than(-1), ValidationError, "'stated' must be >= 0 (got -1)"),
        (lambda: Figure.at_most(-1), ValidationError, "'high' must be >= 0 (got -1)"),
        (lambda: Figure.between(5, 4), ValidationError, "'high' must be >= 'low' (5) or None (got 4)"),
    ],
)
def test_bad_figures_raise_naming_field_and_value(make, error, message):
    with pytest.raises(error) as raised:
        make()
    assert message in str(raised.value)


def test_figure_is_frozen_slotted_and_hashable():
    figure = Figure.exact(3)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        figure.low = 4  # type: ignore[misc]
    assert not hasattr(figure, "__dict__")
    assert hash(figure) == hash(Figure.exact(3))
    assert figure == Figure(3, 3, 3, "exact")
    assert figure != Figure.exact(3, text="3")


def test_figure_accepts_numpy_integers_and_stores_python_ints():
    import numpy as np

    figure = Figure(np.int64(3), np.int32(3), np.int64(3), "exact")
    assert type(figure.low) is int
    assert type(figure.high) is int
    assert type(figure.stated) is int


def test_figure_repr_is_readable():
    assert repr(Figure.more_than(3000, text="more than 3,000")) == (
        "Figure(low=3001, high=None, stated=3000, qualifier='more_than', text='more than 3,000')"
    )
    assert repr(Figure.between(150, 200)) == "Figure(low=150, high=200, stated=None, qualifier='range')"


@pytest.mark.parametrize(
    ("figure", "point", "bounded"),
    [
        (Figure.exact(164), 164, True),
        (Figure.more_than(3000), 3001, False),  # stated 3000 clipped up into [3001, inf)
        (Figure.at_least(18), 18, False),
        (Figure.fewer_than(100), 99, True),  # 100 clipped down into [0, 99]
        (Figure.almost(6000, low=5400), 5999, True),
        (Figure.about(8000, low=7200, high=8800), 8000, True),
        (Figure.between(150, 200), 175, True),  # midpoint
        (Figure.between(150, 201), 175, True),  # midpoint rounded down: 351 // 2
        (Figure(24, 99, None, "vague"), 61, True),  # (24 + 99) // 2
        (Figure(1000, None, None, "vague"), 1000, False),  # unbounded, no number: low
    ],
)
def test_point_and_bounded(figure, point, bounded):
    assert figure.point == point
    assert figure.bounded is bounded


@pytest.mark.parametrize(
    ("figure", "words"),
    [
        (Figure.exact(7939), "7,939"),
        (Figure.more_than(3000), "more than 3,000"),
        (Figure.fewer_than(100), "fewer than 100"),
        (Figure.almost(6000, low=5400), "almost 6,000"),
        (Figure.about(8000, low=7200, high=8800), "about 8,000"),
        (Figure.between(1500, 2000), "between 1,500 and 2,000"),
        (Figure(1000, None, None, "vague"), "at least 1,000"),
    ],
)
def test_to_text(figure, words):
    assert figure.to_text() == words


# --- Observation -------------------------------------------------------------------


def observation(**changes):
    fields = {"metric": "detained", "figure": Figure.exact(4404), "as_of": "2022-01-08T00:00+06:00"}
    fields.update(changes)
    return Observation(**fields)


def test_observation_defaults():
    obs = observation()
    assert obs.group == "all"
    assert obs.region == "all"
    assert obs.as_of == pd.Timestamp("2022-01-07T18:00Z")
    assert obs.as_of.utcoffset() == dt.timedelta(hours=6)
    assert obs.as_of_precision is Precision.DAY
    assert obs.published is None
    assert obs.published_precision is None
    assert obs.outlet is None
    assert obs.authority is None
    assert obs.via is None
    assert obs.outlet_kind is OutletKind.OTHER
    assert obs.cumulative is True
    assert obs.quote is None
    assert obs.url is None
    assert obs.note is None
    assert obs.id == content_id(obs)
    assert obs.key == ("detained", "all", "all")


@pytest.mark.parametrize("missing", ["metric", "figure", "as_of"])
def test_observation_required_fields(missing):
    fields = {"metric": "detained", "figure": Figure.exact(4404), "as_of": "2022-01-08T00:00+06:00"}
    del fields[missing]
    with pytest.raises(TypeError, match=missing):
        Observation(**fields)


@pytest.mark.parametrize(
    ("as_of", "precision"),
    [
        ("2022-01-08T00:00+06:00", Precision.DAY),
        ("2022-01-08T14:00+06:00", Precision.HOUR),
        ("2022-01-08T14:30+06:00", Precision.MINUTE),
        ("2022-01-08T14:30:15+06:00", Precision.SECOND),
        # Local midnight in Almaty is 18:00 UTC: precision is read in the time's own zone.
        ("2022-01-07T18:00Z", Precision.HOUR),
        (dt.datetime(2022, 1, 8, tzinfo=ALMATY), Precision.DAY),
        (pd.Timestamp("2022-01-08 06:00", tz="Asia/Almaty"), Precision.HOUR),
    ],
)
def test_precision_is_inferred_in_local_time(as_of, precision):
    assert observation(as_of=as_of).as_of_precision is precision
    assert infer_precision(pd.Timestamp(as_of)) is precision


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"as_of": "2022-01-08"}, TimezoneError, "'as_of' has no timezone (got '2022-01-08')"),
        ({"as_of": dt.datetime(2022, 1, 8)}, TimezoneError, "'as_of' has no timezone"),
        ({"as_of": "garbage"}, ValidationError, "'as_of' must be an ISO 8601 time such as"),
        ({"as_of": dt.date(2022, 1, 8)}, ObservationTypeError, "'as_of' must be a timezone-aware datetime"),
        ({"as_of": None}, ObservationTypeError, "'as_of' must be a timezone-aware datetime (got None"),
        ({"as_of": pd.NaT}, ObservationTypeError, "'as_of' must be a timezone-aware datetime (got NaT)"),
        (
            {"as_of": "2022-01-08T14:00+06:00", "as_of_precision": "day"},
            ValidationError,
            "'as_of' 2022-01-08T14:00:00+06:00 is not aligned to its precision 'day'",
        ),
        (
            {"as_of": "2022-01-08T14:30+06:00", "as_of_precision": "hour"},
            ValidationError,
            "is not aligned to its precision 'hour'",
        ),
        ({"as_of": "2022-01-08T14:00:00.5+06:00"}, ValidationError, "is not aligned to its precision 'second'"),
        ({"as_of_precision": "week"}, ValidationError, "'as_of_precision' must be one of 'day', "),
        ({"published": "2022-01-09"}, TimezoneError, "'published' has no timezone (got '2022-01-09')"),
        (
            {"published_precision": "day"},
            ValidationError,
            "'published_precision' must be None when 'published' is None (got 'day')",
        ),
        (
            {"published": "2022-01-09T10:00+06:00", "published_precision": None},
            ValidationError,
            "'published_precision' must be set when 'published' is set (got None)",
        ),
        (
            {"published": "2022-01-09T10:00+06:00", "published_precision": "day"},
            ValidationError,
            "'published' 2022-01-09T10:00:00+06:00 is not aligned to its precision 'day'",
        ),
        ({"metric": "Killed"}, ValidationError, "'metric' must be lower-case letters, digits and underscores"),
        ({"metric": "killed people"}, ValidationError, "(got 'killed people')"),
        ({"metric": 5}, ObservationTypeError, "'metric' must be text (got 5)"),
        ({"group": "Police"}, ValidationError, "'group' must be lower-case letters"),
        ({"region": " "}, ValidationError, "'region' must not be empty (got ' ')"),
        ({"id": ""}, ValidationError, "'id' must not be empty (got '')"),
        ({"figure": 3}, ObservationTypeError, "'figure' must be a Figure (got 3"),
        ({"outlet_kind": "tv"}, ValidationError, "'outlet_kind' must be one of 'official', "),
        ({"cumulative": "yes"}, ObservationTypeError, "'cumulative' must be True or False (got 'yes')"),
        ({"outlet": 7}, ObservationTypeError, "'outlet' must be text (got 7"),
        ({"quote": b"x"}, ObservationTypeError, "'quote' must be text (got b'x'"),
    ],
)
def test_bad_observations_raise_naming_field_and_value(changes, error, message):
    with pytest.raises(error) as raised:
        observation(**changes)
    assert message in str(raised.value)


def test_published_precision_is_inferred_and_pairs_with_published():
    obs = observation(published="2022-01-09T10:00+06:00")
    assert obs.published_precision is Precision.HOUR
    obs = observation(published="2022-01-09T10:00+06:00", published_precision="minute")
    assert obs.published_precision is Precision.MINUTE
    assert observation(published="2022-01-09T00:00+06:00").published_precision is Precision.DAY


def test_explicit_coarser_precision_is_kept_when_aligned():
    obs = observation(as_of="2022-01-08T00:00+06:00", as_of_precision="hour")
    assert obs.as_of_precision is Precision.HOUR


def test_observation_is_frozen_and_slotted():
    obs = observation()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        obs.metric = "killed"  # type: ignore[misc]
    assert not hasattr(obs, "__dict__")


def test_observation_repr():
    obs = observation(id="a", outlet="Asian Lite News", via="Xinhua", group="protesters")
    assert repr(obs) == (
        "Observation(id='a', metric='detained', group='protesters', "
        "figure=Figure(low=4404, high=4404, stated=4404, qualifier='exact'), as_of='2022-01-08', "
        "outlet='Asian Lite News', via='Xinhua')"
    )
    timed = observation(id="b", as_of="2022-01-08T14:30+06:00")
    assert "as_of='2022-01-08T14:30+06:00'" in repr(timed)


def test_content_ids_are_stable_and_equal_for_equal_content():
    a = observation(outlet="CNN", quote="4,404 detained")
    b = observation(outlet="CNN", quote="4,404 detained")
    assert a.id == b.id
    assert a == b
    assert a.id.startswith("obs-")
    assert len(a.id) == len("obs-") + 12
    # Each field that makes the observation what it is changes the id.
    for changes in (
        {"metric": "killed"},
        {"group": "protesters"},
        {"region": "almaty"},
        {"figure": Figure.exact(4405)},
        {"figure": Figure.more_than(4404)},
        {"as_of": "2022-01-09T00:00+06:00"},
        {"as_of_precision": "hour"},
        {"published": "2022-01-09T00:00+06:00"},
        {"outlet": "BBC"},
        {"authority": "Interior Ministry"},
        {"via": "Xinhua"},
        {"quote": "4404 detained"},
    ):
        other = observation(**{"outlet": "CNN", "quote": "4,404 detained", **changes})
        assert other.id != a.id, changes
    # The note and url do not (they describe, not state).
    assert observation(outlet="CNN", quote="4,404 detained", note="x", url="https://a").id == a.id


def test_content_id_is_the_documented_hash():
    import hashlib

    obs = Observation(metric="killed", figure=Figure.exact(164), as_of="2022-01-09T00:00+06:00")
    text = "\x1f".join(
        [
            "killed",
            "all",
            "all",
            "164",
            "164",
            "164",
            "exact",
            "2022-01-09T00:00:00+06:00",
            "day",
            "",
            "None",
            "None",
            "None",
            "None",
        ]
    )
    assert obs.id == "obs-" + hashlib.sha1(text.encode()).hexdigest()[:12]


def test_content_id_depends_on_the_written_offset():
    # Same instant, different local days: a day in Almaty is not a day in UTC.
    a = observation(as_of="2022-01-08T00:00+06:00", as_of_precision="hour")
    b = observation(as_of="2022-01-07T18:00Z", as_of_precision="hour")
    assert a.as_of == b.as_of
    assert a.id != b.id
