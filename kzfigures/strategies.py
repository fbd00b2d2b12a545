"""Hypothesis strategies for reported figures, observations and timelines.

Generate realistic reported-figure data for property-based tests of your own
pipeline, in the style of :mod:`hypothesis.extra.pandas`: every option is
keyword-only with a default, options that vary per example take strategies,
and a bad option raises :class:`~kzfigures.errors.InvalidArgumentError` when
the strategy is *defined*, not when it is drawn from. No strategy ever
silently generates nothing.

==========================  ====================================================
strategy                    generates
==========================  ====================================================
:func:`figures`             :class:`~kzfigures.Figure` values under the default
                            conventions ("more than 3,000" is ``[3001, None]``)
:func:`figure_phrases`      ``(phrase, figure)`` pairs for parser tests
:func:`observations`        valid :class:`~kzfigures.Observation` values
:func:`observation_frames`  canonical observation frames (see :mod:`kzfigures.frame`)
:func:`timelines`           cumulative :class:`Timeline` s from several authorities
                            and outlets, consistent by construction or with
                            planted violations
==========================  ====================================================

Needs the ``hypothesis`` extra (``pip install "kzfigures[hypothesis]"``).
Importing this module registers :func:`figures` and :func:`observations` for
``st.from_type``.

>>> from hypothesis import given
>>> @given(timelines())
... def test_every_figure_contains_the_hidden_count(timeline):
...     merged = timeline.observed_truth()
...     assert ((merged["low"] <= merged["count"]) & (merged["count"] <= merged["high"].fillna(merged["count"]))).all()
>>> test_every_figure_contains_the_hidden_count()
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401  (the import is the check)
except ImportError as error:  # pragma: no cover - exercised by a test that hides hypothesis
    raise ImportError(
        'kzfigures.strategies needs Hypothesis; install it with: pip install "kzfigures[hypothesis]"'
    ) from error

import datetime as dt
import math
from collections.abc import Collection, Sequence
from typing import Any

import attrs
import pandas as pd
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from kzfigures._hypothesis_plugin import _register
from kzfigures.conventions import DEFAULT_CONVENTIONS
from kzfigures.errors import InvalidArgumentError
from kzfigures.frame import to_frame
from kzfigures.model import Figure, Observation, OutletKind, Precision, Qualifier

__all__ = [
    "VIOLATION_KINDS",
    "Timeline",
    "figure_phrases",
    "figures",
    "observation_frames",
    "observations",
    "timelines",
]

#: The kinds :func:`timelines` can plant (see :func:`timelines`): the two kinds of violation of
#: :func:`kzfigures.violations`, and the disagreements it lists apart.
VIOLATION_KINDS: tuple[str, ...] = ("definite", "disagreement", "soft")

# --- the default conventions ------------------------------------------------------

_VAGUE_SPANS: dict[str, tuple[int, int | None]] = DEFAULT_CONVENTIONS.vague_spans


def _conventional(qualifier: Qualifier, n: int) -> Figure:
    """The figure ``qualifier`` and the stated number ``n`` stand for by default."""
    return DEFAULT_CONVENTIONS.figure(qualifier, n)


def _contains(figure: Figure, count: int) -> bool:
    return figure.low <= count and (figure.high is None or count <= figure.high)


# --- phrases ---------------------------------------------------------------------------

_WORDS: dict[Qualifier, tuple[str, ...]] = {
    Qualifier.EXACT: ("",),
    Qualifier.MORE_THAN: ("more than", "over"),
    Qualifier.AT_LEAST: ("at least",),
    Qualifier.FEWER_THAN: ("fewer than", "less than"),
    Qualifier.AT_MOST: ("up to", "at most"),
    Qualifier.ABOUT: ("about", "around", "some"),
    Qualifier.ALMOST: ("almost", "nearly"),
}

_SCALE_WORDS = ((1_000_000, "million"), (1_000, "thousand"))


def _numeral(n: int, *, in_words: bool) -> str:
    """``8000`` as "8,000" or, with ``in_words``, "8 thousand"."""
    if in_words:
        for scale, word in _SCALE_WORDS:
            if n >= scale and n % scale == 0:
                return f"{n // scale:,} {word}"
    return f"{n:,}"


def _phrase(figure: Figure, *, word_index: int = 0, in_words: bool = False) -> str:
    """The canonical English phrase for ``figure``."""
    q = figure.qualifier
    if q is Qualifier.VAGUE:
        return _vague_word(figure)
    if q is Qualifier.RANGE or figure.stated is None:
        return f"between {_numeral(figure.low, in_words=in_words)} and {_numeral(figure.high or 0, in_words=in_words)}"
    words = _WORDS[q]
    number = _numeral(figure.stated, in_words=in_words)
    word = words[word_index % len(words)]
    return f"{word} {number}" if word else number


def _vague_word(figure: Figure) -> str:
    return figure.text or DEFAULT_CONVENTIONS.vague_words[(figure.low, figure.high)]


# --- validation ----------------------------------------------------------------------


def _check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name}={value!r} must be an int")
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(f"{name}={value!r} must be >= {minimum}")
    return value


def _check_bounds(min_name: str, min_value: Any, max_name: str, max_value: Any, *, minimum: int = 0) -> None:
    _check_int(min_name, min_value, minimum=minimum)
    _check_int(max_name, max_value, minimum=minimum)
    if min_value > max_value:
        raise InvalidArgumentError(f"{min_name}={min_value!r} must be <= {max_name}={max_value!r}")


def _check_strategy(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, SearchStrategy):
        raise InvalidArgumentError(
            f"{name}={value!r} must be a Hypothesis strategy or None (wrap a single value in st.just())"
        )


def _check_qualifiers(qualifiers: Any) -> list[Qualifier] | None:
    if qualifiers is None:
        return None
    if isinstance(qualifiers, str) or not isinstance(qualifiers, Collection):
        raise InvalidArgumentError(f"qualifiers={qualifiers!r} must be a collection of Qualifier values, or None")
    checked: list[Qualifier] = []
    for value in qualifiers:
        try:
            checked.append(Qualifier(value))
        except ValueError:
            allowed = ", ".join(q.value for q in Qualifier)
            raise InvalidArgumentError(f"qualifiers holds {value!r}, which is not one of {allowed}") from None
    if not checked:
        raise InvalidArgumentError("qualifiers=[] allows no figure at all; give at least one Qualifier, or None")
    # Keep the order of Qualifier so that examples shrink towards 'exact'.
    return [q for q in Qualifier if q in checked]


def _vague_words_within(min_value: int, max_value: int) -> list[str]:
    return [
        word
        for word, (low, high) in _VAGUE_SPANS.items()
        if min_value <= low <= max_value and (high is None or high <= max_value)
    ]


def _feasible(qualifier: Qualifier, min_value: int, max_value: int) -> bool:
    """Whether ``figures`` can draw ``qualifier`` with every written number in range."""
    if qualifier in (Qualifier.FEWER_THAN, Qualifier.ALMOST):
        return max_value >= 1
    if qualifier is Qualifier.RANGE:
        return max_value > min_value
    if qualifier is Qualifier.VAGUE:
        return bool(_vague_words_within(min_value, max_value))
    return True


# --- figures ---------------------------------------------------------------------------


def _drawable_qualifiers(qualifiers: Any, min_value: int, max_value: int) -> list[Qualifier]:
    """The qualifiers to draw from, checked eagerly against the value bounds."""
    _check_bounds("min_value", min_value, "max_value", max_value)
    chosen = _check_qualifiers(qualifiers)
    if chosen is None:
        return [q for q in Qualifier if _feasible(q, min_value, max_value)]
    for q in chosen:
        if not _feasible(q, min_value, max_value):
            raise InvalidArgumentError(
                f"qualifier {q.value!r} cannot be drawn with min_value={min_value}, max_value={max_value}"
            )
    return list(chosen)


def figures(
    *,
    qualifiers: Collection[Qualifier | str] | None = None,
    min_value: int = 0,
    max_value: int = 10**6,
) -> SearchStrategy[Figure]:
    """A strategy for :class:`~kzfigures.Figure` values under the default conventions.

    Parameters
    ----------
    qualifiers : collection of Qualifier, optional
        Which qualifiers to draw. Default: every qualifier that fits in
        ``[min_value, max_value]``. Each one given must fit, or this raises.
    min_value, max_value : int
        Bounds on the numbers a figure *writes*: the stated number ("more
        than 3,000" writes 3,000), both ends of a range, or the span of a vague
        word ("dozens" is ``[24, 99]``). The interval the words allow may
        reach past them ("more than N" is unbounded; "fewer than N" starts
        at 0).

    Returns
    -------
    SearchStrategy[Figure]
        Figures whose ``[low, high]`` is what the default conventions give
        for the qualifier and stated number, with ``text`` set to the
        canonical phrase. Examples shrink towards ``exact`` and small numbers.

    Raises
    ------
    InvalidArgumentError
        At definition time, for bounds that are not ints, negative or
        crossed, or an unknown or impossible qualifier.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(figures(qualifiers=["more_than"], min_value=3000, max_value=3000), lambda figure: True)
    Figure(low=3001, high=None, stated=3000, qualifier='more_than', text='more than 3,000')
    >>> figures().example()  # doctest: +SKIP
    Figure(low=7200, high=8800, stated=8000, qualifier='about', text='about 8,000')
    >>> figures(qualifiers=["vague"], max_value=1)
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: qualifier 'vague' cannot be drawn with min_value=0, max_value=1
    """
    chosen = _drawable_qualifiers(qualifiers, min_value, max_value)
    return _figures(chosen, min_value, max_value)


@st.composite
def _figures(draw: st.DrawFn, chosen: Sequence[Qualifier], min_value: int, max_value: int) -> Figure:
    q = draw(st.sampled_from(chosen))
    if q is Qualifier.VAGUE:
        word = draw(st.sampled_from(_vague_words_within(min_value, max_value)))
        low, high = _VAGUE_SPANS[word]
        return Figure(low, high, None, Qualifier.VAGUE, text=word)
    if q is Qualifier.RANGE:
        low = draw(st.integers(min_value, max_value - 1))
        high = draw(st.integers(low + 1, max_value))
        return attrs.evolve(Figure.between(low, high), text=f"between {low:,} and {high:,}")
    smallest = max(min_value, 1) if q in (Qualifier.FEWER_THAN, Qualifier.ALMOST) else min_value
    figure = _conventional(q, draw(st.integers(smallest, max_value)))
    return attrs.evolve(figure, text=_phrase(figure))


@st.composite
def _figure_phrases(draw: st.DrawFn, chosen: Sequence[Qualifier], min_value: int, max_value: int) -> tuple[str, Figure]:
    figure = draw(_figures(chosen, min_value, max_value))
    if figure.qualifier is Qualifier.VAGUE:
        phrase = _vague_word(figure)
    else:
        phrase = _phrase(figure, word_index=draw(st.integers(0, 2)), in_words=draw(st.booleans()))
        if draw(st.booleans()):
            phrase = phrase[:1].upper() + phrase[1:]
    return phrase, attrs.evolve(figure, text=phrase)


def figure_phrases(
    *,
    qualifiers: Collection[Qualifier | str] | None = None,
    min_value: int = 0,
    max_value: int = 10**6,
) -> SearchStrategy[tuple[str, Figure]]:
    """A strategy for English figure phrases with the figure each one means.

    Phrases use words the parser reads: "more than 3,000", "over 3,000",
    "at least 18", "fewer than 100", "up to 100", "about 8 thousand",
    "around 8,000", "almost 6,000", "nearly 6,000", "between 150 and 200",
    "dozens", "tens of thousands"; sometimes capitalised. The figure carries
    the phrase as its ``text``, so a parser under test should satisfy
    ``parse_figure(phrase) == figure``. Options as for :func:`figures`.

    Examples
    --------
    >>> from hypothesis import find
    >>> phrase, figure = find(figure_phrases(qualifiers=["almost"], min_value=6000, max_value=6000), lambda p: True)
    >>> phrase.lower() in ("almost 6,000", "almost 6 thousand", "nearly 6,000", "nearly 6 thousand")
    True
    >>> (figure.low, figure.high, figure.stated, figure.text == phrase)
    (5400, 5999, 6000, True)
    """
    chosen = _drawable_qualifiers(qualifiers, min_value, max_value)
    return _figure_phrases(chosen, min_value, max_value)


# --- observations ------------------------------------------------------------------

_KEYS: tuple[tuple[str, str, str], ...] = (
    ("detained", "all", "all"),
    ("killed", "all", "all"),
    ("injured", "all", "all"),
    ("killed", "law_enforcement", "all"),
    ("killed", "protesters", "Almaty"),
    ("detained", "all", "Almaty"),
)

_OUTLETS: tuple[tuple[str, OutletKind], ...] = (
    ("CNN", OutletKind.INDEPENDENT_MEDIA),
    ("Khabar 24", OutletKind.STATE_MEDIA),
    ("Xinhua", OutletKind.NEWS_AGENCY),
    ("Interior Ministry website", OutletKind.OFFICIAL),
    ("Human Rights Watch", OutletKind.NGO),
    ("hamslivenews.com", OutletKind.OTHER),
    ("Reuters", OutletKind.NEWS_AGENCY),
    ("Tengrinews", OutletKind.INDEPENDENT_MEDIA),
)

_AUTHORITIES: tuple[str, ...] = (
    "Interior Ministry",
    "Health Ministry",
    "Prosecutor General",
    "Almaty police",
    "National Security Committee",
)

_VIAS: tuple[str, ...] = ("Khabar 24", "Xinhua", "TASS")

_DEFAULT_ZONES: tuple[dt.tzinfo, ...] = (
    dt.UTC,
    dt.timezone(dt.timedelta(hours=6)),
    dt.timezone(dt.timedelta(hours=-5)),
)

_FIRST_DAY = dt.date(2022, 1, 1)
_LAST_DAY = dt.date(2022, 12, 31)


def _local_moment(day: dt.date, zone: dt.tzinfo, precision: Precision, offset: int) -> pd.Timestamp:
    """A moment on ``day`` in ``zone`` aligned to ``precision``; ``offset`` picks which one."""
    midnight = pd.Timestamp(day).tz_localize(zone)
    if precision is Precision.DAY:
        return midnight
    seconds = {Precision.HOUR: 3600, Precision.MINUTE: 60, Precision.SECOND: 1}[precision]
    return midnight + pd.Timedelta(seconds=(offset % (86_400 // seconds)) * seconds)


def observations(
    *,
    keys: SearchStrategy[tuple[str, str, str]] | None = None,
    figures: SearchStrategy[Figure] | None = None,
    cumulative: SearchStrategy[bool] | None = None,
    tz: SearchStrategy[dt.tzinfo] | None = None,
    min_date: dt.date = _FIRST_DAY,
    max_date: dt.date = _LAST_DAY,
) -> SearchStrategy[Observation]:
    """A strategy for valid :class:`~kzfigures.Observation` values.

    Parameters
    ----------
    keys : strategy of (metric, group, region), optional
        The series; default a few realistic ones (``("detained", "all",
        "all")``, ...). Metric and group must be lower-case labels.
    figures : strategy of Figure, optional
        Default :func:`figures` with its defaults.
    cumulative : strategy of bool, optional
        Default ``st.booleans()``.
    tz : strategy of tzinfo, optional
        The zone of the times; default UTC, UTC+06:00 or UTC-05:00. Prefer
        fixed offsets: a zone whose clocks skip local midnight cannot hold a
        day-precision time on that day.
    min_date, max_date : datetime.date
        The local dates ``as_of`` may fall on.

    Returns
    -------
    SearchStrategy[Observation]
        Observations with an ``as_of`` of any precision (day, hour, minute,
        second), an optional ``published`` on the same day or up to a week
        later, and optional outlet, authority and via. Ids are content ids.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(observations(keys=st.just(("detained", "all", "all")), cumulative=st.just(True)))
    ... def test_key_and_cumulative(observation):
    ...     assert observation.key == ("detained", "all", "all") and observation.cumulative
    >>> test_key_and_cumulative()
    """
    for name, value in (("keys", keys), ("figures", figures), ("cumulative", cumulative), ("tz", tz)):
        _check_strategy(name, value)
    for date_name, date in (("min_date", min_date), ("max_date", max_date)):
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise InvalidArgumentError(f"{date_name}={date!r} must be a datetime.date")
    if min_date > max_date:
        raise InvalidArgumentError(f"min_date={min_date} must be <= max_date={max_date}")
    return _observations(
        keys if keys is not None else st.sampled_from(_KEYS),
        figures if figures is not None else _figures(list(Qualifier), 0, 10**6),
        cumulative if cumulative is not None else st.booleans(),
        tz if tz is not None else st.sampled_from(_DEFAULT_ZONES),
        min_date,
        max_date,
    )


@st.composite
def _observations(
    draw: st.DrawFn,
    keys: SearchStrategy[tuple[str, str, str]],
    figure_strategy: SearchStrategy[Figure],
    cumulative: SearchStrategy[bool],
    tz: SearchStrategy[dt.tzinfo],
    min_date: dt.date,
    max_date: dt.date,
) -> Observation:
    metric, group, region = draw(keys)
    zone = draw(tz)
    day = draw(st.dates(min_date, max_date))
    precision = draw(st.sampled_from(list(Precision)))
    as_of = _local_moment(day, zone, precision, draw(st.integers(0, 86_399)))
    published: pd.Timestamp | None = None
    if draw(st.booleans()):
        published = _local_moment(day + dt.timedelta(days=draw(st.integers(0, 7))), zone, Precision.DAY, 0)
    outlet = draw(st.none() | st.sampled_from(_OUTLETS))
    authority = draw(st.none() | st.sampled_from(_AUTHORITIES))
    figure = draw(figure_strategy)
    return Observation(
        metric=metric,
        group=group,
        region=region,
        figure=figure,
        as_of=as_of,
        as_of_precision=precision,
        published=published,
        outlet=None if outlet is None else outlet[0],
        outlet_kind=OutletKind.OTHER if outlet is None else outlet[1],
        authority=authority,
        via=draw(st.none() | st.sampled_from(_VIAS)) if authority is not None else None,
        cumulative=draw(cumulative),
        quote=figure.text,
    )


def observation_frames(
    *,
    elements: SearchStrategy[Observation] | None = None,
    min_size: int = 0,
    max_size: int = 20,
) -> SearchStrategy[pd.DataFrame]:
    """A strategy for canonical observation frames.

    Each frame is ``to_frame(observations)`` (which ``from_frame`` returns unchanged) for a list of
    observations with distinct ids: the exact schema, dtypes and column
    order of :mod:`kzfigures.frame`, one row per observation.

    Parameters
    ----------
    elements : strategy of Observation, optional
        Default :func:`observations` with its defaults, all in one zone per
        frame. A frame stores one zone: observations of several zones are
        stored in UTC, so give day-precision times in one zone.
    min_size, max_size : int
        Bounds on the number of rows.

    Examples
    --------
    >>> from hypothesis import given
    >>> from kzfigures.frame import from_frame
    >>> @given(observation_frames(max_size=5))
    ... def test_canonical_frames_pass_validation_unchanged(frame):
    ...     assert from_frame(frame).equals(frame)
    >>> test_canonical_frames_pass_validation_unchanged()
    """
    _check_strategy("elements", elements)
    _check_bounds("min_size", min_size, "max_size", max_size)
    return _observation_frames(elements, min_size, max_size)


@st.composite
def _observation_frames(
    draw: st.DrawFn, elements: SearchStrategy[Observation] | None, min_size: int, max_size: int
) -> pd.DataFrame:
    # A frame holds one zone, so by default all its observations share one.
    if elements is None:
        elements = observations(tz=st.just(draw(st.sampled_from(_DEFAULT_ZONES))))
    items = draw(st.lists(elements, min_size=min_size, max_size=max_size, unique_by=lambda o: o.id))
    return to_frame(items)  # already canonical: from_frame would return it unchanged


# --- timelines ---------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class Timeline:
    """A generated cumulative timeline, the count behind it, and what was planted.

    Attributes
    ----------
    frame : DataFrame
        The observations, a canonical frame (see :mod:`kzfigures.frame`),
        ordered by series and time, ids ``obs-000``, ``obs-001``, ...
    truth : DataFrame
        The hidden count: columns ``metric``, ``group``, ``region``,
        ``as_of`` (local midnight of the day) and ``count`` (Int64), one row
        per series and day that carries unplanted observations. It is
        non-decreasing in ``as_of`` per series, and every unplanted
        observation's ``[low, high]`` contains the count of its day.
    planted : DataFrame
        One row per plant: ``kind`` (``definite``, ``disagreement`` or
        ``soft``), ``id`` (the planted observation: for a disagreement, the
        lower of the pair) and ``witness_id`` (the observation it
        contradicts), all ``string``. Empty for a consistent timeline.
    """

    frame: pd.DataFrame
    truth: pd.DataFrame
    planted: pd.DataFrame

    def __repr__(self) -> str:
        n_series = self.frame.groupby(["metric", "group", "region"]).ngroups if len(self.frame) else 0
        kinds = ", ".join(f"{k}={n}" for k, n in self.planted["kind"].value_counts(sort=False).items())
        return f"Timeline({len(self.frame)} observations in {n_series} series, planted: {kinds or 'none'})"

    def observed_truth(self) -> pd.DataFrame:
        """The frame with each row's hidden ``count`` (``<NA>`` for planted rows).

        >>> from hypothesis import find
        >>> t = find(timelines(violations=0), lambda t: True)
        >>> t.observed_truth().columns[-1]
        'count'
        """
        days = self.frame["as_of"].dt.normalize()
        keyed = self.frame.assign(_day=days)
        truth = self.truth.rename(columns={"as_of": "_day"})
        truth["_day"] = truth["_day"].dt.tz_convert(days.dt.tz)
        # Planted rows sit on days of their own, which have no count.
        return keyed.merge(truth, how="left", on=["metric", "group", "region", "_day"]).drop(columns="_day")


@attrs.define(eq=False)
class _Row:
    """An observation being built; ``day`` is an offset in the timeline's day grid."""

    key: int
    day: int
    figure: Figure
    precision: Precision
    hour: int
    authority: str | None
    outlet: int
    via: str | None
    published_lag: int | None


def timelines(
    *,
    n_keys: int = 1,
    max_days: int = 5,
    max_claims_per_day: int = 3,
    n_authorities: int = 3,
    max_echoes: int = 3,
    qualifiers: Collection[Qualifier | str] | None = None,
    min_value: int = 0,
    max_value: int = 10**5,
    tz: SearchStrategy[dt.tzinfo] | None = None,
    violations: int = 0,
    violation_kinds: Collection[str] = VIOLATION_KINDS,
) -> SearchStrategy[Timeline]:
    r"""A strategy for cumulative timelines, consistent or with planted violations.

    Each series has a hidden count :math:`C(d)`, non-decreasing over its
    days. Each day carries one or more *claims*: an authority's (or an
    outlet's own) figure whose interval contains :math:`C(d)`, as of that day
    or one of its hours, echoed by up to ``max_echoes`` outlets (one claim,
    several observations). So for any two observations :math:`i` earlier
    than :math:`j`, :math:`low_i \le C(d_i) \le C(d_j) \le high_j`, and two
    observations of one time slot share :math:`C(d)`: a timeline with
    ``violations=0`` has no ``definite`` violation and no disagreement by
    construction (two figures of one day both contain that day's count, so
    their intervals meet). Stated values may still fall (``soft``), as they do in the
    news ("about 8,000", then 7,939).

    With ``violations=k``, ``k`` violations are planted, each of a kind drawn
    from ``violation_kinds``, each on a day of its own with no other
    observation:

    ``definite``
        one observation whose ``high`` is below the ``low`` of an earlier one
        (the witness: the earlier observation with the largest ``low``,
        earliest first);
    ``disagreement``
        two observations of different speakers (two outlets' own claims)
        for the same time, or an hour and its day, with disjoint intervals:
        ``id`` is the lower, ``witness_id`` the higher; both within the
        envelope of the others. Not a violation:
        :attr:`kzfigures.ViolationReport.disagreements` lists it;
    ``soft``
        one observation whose stated number and point value are below an
        earlier one's while the intervals overlap, within the envelope of the
        others.

    Planted observations create no violation of another kind, so the set of
    observations in ``definite`` violations is exactly the planted
    ``definite`` ids, the disagreements are exactly the planted pairs; ``soft``
    falls may also occur unplanted.

    Parameters
    ----------
    n_keys : int
        Number of series (metric, group, region), 1 to 6.
    max_days : int
        Days with observations per series: 1 to ``max_days``.
    max_claims_per_day : int
        Claims per day: 1 to ``max_claims_per_day``.
    n_authorities : int
        Size of the pool of authorities claims are attributed to (0 to 5;
        claims may also be an outlet's own).
    max_echoes : int
        Outlets that carry one authority's claim: 1 to ``max_echoes`` (1 to 8).
    qualifiers : collection of Qualifier, optional
        Qualifiers of unplanted figures (default all).
    min_value, max_value : int
        Bounds on the hidden count (at least 1 when ``violations > 0``).
    tz : strategy of tzinfo, optional
        The zone of each timeline, as in :func:`observations`.
    violations : int
        How many violations to plant (0 to 10).
    violation_kinds : collection of str
        Kinds to plant, a non-empty subset of :data:`VIOLATION_KINDS`
        (``"conflict"`` is now ``"disagreement"``).

    Returns
    -------
    SearchStrategy[Timeline]
        Shrinks towards one series, one day, one exact claim and one outlet:
        a failing example typically shrinks to two or three observations.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(timelines(violations=1, violation_kinds=["definite"]))
    ... def test_planted_definite_violation_is_below_its_witness(timeline):
    ...     [row] = timeline.planted.itertuples()
    ...     rows = timeline.frame.set_index("id")
    ...     assert rows.loc[row.id, "high"] < rows.loc[row.witness_id, "low"]
    ...     assert rows.loc[row.id, "as_of"] > rows.loc[row.witness_id, "as_of"]
    >>> test_planted_definite_violation_is_below_its_witness()
    >>> timelines(violations=2).example()  # doctest: +SKIP
    Timeline(9 observations in 1 series, planted: definite=1, soft=1)
    """
    _check_int("n_keys", n_keys, minimum=1)
    if n_keys > len(_KEYS):
        raise InvalidArgumentError(f"n_keys={n_keys} must be <= {len(_KEYS)}")
    _check_int("max_days", max_days, minimum=1)
    _check_int("max_claims_per_day", max_claims_per_day, minimum=1)
    _check_int("n_authorities", n_authorities, minimum=0)
    if n_authorities > len(_AUTHORITIES):
        raise InvalidArgumentError(f"n_authorities={n_authorities} must be <= {len(_AUTHORITIES)}")
    _check_int("max_echoes", max_echoes, minimum=1)
    if max_echoes > len(_OUTLETS):
        raise InvalidArgumentError(f"max_echoes={max_echoes} must be <= {len(_OUTLETS)} (the number of outlets)")
    _check_bounds("min_value", min_value, "max_value", max_value)
    chosen = _check_qualifiers(qualifiers) or list(Qualifier)
    _check_strategy("tz", tz)
    _check_int("violations", violations, minimum=0)
    if violations > 10:
        raise InvalidArgumentError(f"violations={violations} must be <= 10")
    if isinstance(violation_kinds, str) or not isinstance(violation_kinds, Collection):
        raise InvalidArgumentError(f"violation_kinds={violation_kinds!r} must be a collection of kinds")
    kinds = list(violation_kinds)
    unknown = [k for k in kinds if k not in VIOLATION_KINDS]
    if "conflict" in unknown:
        raise InvalidArgumentError(
            f"violation_kinds={violation_kinds!r}: 'conflict' is now 'disagreement' (figures of one time that "
            "differ are no violation of a rising count)"
        )
    if unknown or not kinds or len(set(kinds)) != len(kinds):
        raise InvalidArgumentError(
            f"violation_kinds={violation_kinds!r} must be distinct kinds from {', '.join(VIOLATION_KINDS)}"
        )
    if violations and max_value < 1:
        raise InvalidArgumentError(f"violations={violations} needs max_value >= 1 (got {max_value})")
    return _timelines(
        _Options(
            n_keys=n_keys,
            max_days=max_days,
            max_claims=max_claims_per_day,
            n_authorities=n_authorities,
            max_echoes=max_echoes,
            qualifiers=tuple(chosen),
            min_value=max(min_value, 1) if violations else min_value,
            max_value=max_value,
            tz=tz if tz is not None else st.sampled_from(_DEFAULT_ZONES),
            violations=violations,
            kinds=tuple(k for k in VIOLATION_KINDS if k in kinds),
        )
    )


@attrs.frozen
class _Options:
    n_keys: int
    max_days: int
    max_claims: int
    n_authorities: int
    max_echoes: int
    qualifiers: tuple[Qualifier, ...]
    min_value: int
    max_value: int
    tz: SearchStrategy[dt.tzinfo]
    violations: int
    kinds: tuple[str, ...]


def _figure_containing(q: Qualifier, count: int, slack: tuple[int, int], choice: int) -> Figure:
    """A figure with qualifier ``q`` whose interval contains ``count`` (exact if ``q`` cannot).

    ``slack`` and ``choice`` are drawn numbers; 0 gives the tightest figure, so examples
    shrink towards figures that hug the count.
    """
    figure: Figure | None = None
    below, above = slack[0] % (count + 1), slack[1] % (count + 1)
    if q is Qualifier.MORE_THAN and count >= 1:
        figure = Figure.more_than(count - 1 - slack[0] % count)
    elif q is Qualifier.AT_LEAST:
        figure = Figure.at_least(count - below)
    elif q is Qualifier.FEWER_THAN:
        figure = Figure.fewer_than(count + 1 + above)
    elif q is Qualifier.AT_MOST:
        figure = Figure.at_most(count + above)
    elif q in (Qualifier.ABOUT, Qualifier.ALMOST):
        # A round number near the count, as reporters write it.
        unit = 10 ** (choice % len(str(count)))
        stated = (count // unit + 1) * unit if q is Qualifier.ALMOST else (count + unit // 2) // unit * unit
        figure = _conventional(q, stated)
        if not _contains(figure, count):
            figure = _conventional(q, count + 1) if q is Qualifier.ALMOST else _conventional(q, count)
    elif q is Qualifier.RANGE:
        figure = Figure.between(count - below, count + 1 + above)
    elif q is Qualifier.VAGUE:
        words = [w for w, (low, high) in _VAGUE_SPANS.items() if low <= count and (high is None or count <= high)]
        if words:
            low, high = _VAGUE_SPANS[words[choice % len(words)]]
            figure = Figure(low, high, None, Qualifier.VAGUE)
    if figure is None or not _contains(figure, count):
        figure = Figure.exact(count)
    return figure


@attrs.frozen
class _Claim:
    """How one claim is made: drawn as one unit so that shrinking can delete whole claims."""

    qualifier: Qualifier
    slack: tuple[int, int]
    choice: int
    authority: str | None
    outlets: list[int]
    at: tuple[Precision, int]
    via: str | None
    published_lag: int | None


def _claims(options: _Options) -> SearchStrategy[_Claim]:
    authorities = _AUTHORITIES[: options.n_authorities]
    return st.builds(
        _Claim,
        qualifier=st.sampled_from(options.qualifiers),
        slack=st.tuples(st.integers(0, 2**20), st.integers(0, 2**20)),
        choice=st.integers(0, 9),
        authority=st.none() | st.sampled_from(authorities) if authorities else st.none(),
        outlets=st.lists(st.integers(0, len(_OUTLETS) - 1), min_size=1, max_size=options.max_echoes, unique=True),
        at=st.just((Precision.DAY, 0)) | st.tuples(st.just(Precision.HOUR), st.integers(0, 23)),
        via=st.none() | st.sampled_from(_VIAS),
        published_lag=st.none() | st.integers(0, 2),
    )


def _envelope(rows: Sequence[_Row], key: int, day: int) -> tuple[int, float]:
    """(max low before ``day``, min high after ``day``) over the unplanted-definite rows of a series."""
    earlier = [r.figure.low for r in rows if r.key == key and r.day < day]
    later = [math.inf if r.figure.high is None else r.figure.high for r in rows if r.key == key and r.day > day]
    return max(earlier, default=0), min(later, default=math.inf)


@st.composite
def _timelines(draw: st.DrawFn, options: _Options) -> Timeline:
    zone = draw(options.tz)
    stride = options.violations + 1  # leaves `violations` free days in every gap between observed days
    rows: list[_Row] = []
    truth: list[tuple[int, int, int]] = []  # (key, day, count)
    n_days: list[int] = []

    claims = _claims(options)

    def claim(
        key: int,
        day: int,
        figure: Figure | None = None,
        *,
        plan: _Claim | None = None,
        count: int = 0,
        own: bool = False,
        at: tuple[Precision, int] | None = None,
        outlet: int | None = None,
    ) -> list[_Row]:
        """Rows for one claim on ``day``.

        A claim from a ``plan`` is carried by each of its outlets if it has an authority (echoes);
        a planted claim (``figure`` given) by one outlet.
        """
        echoed = plan is not None
        plan = plan if plan is not None else draw(claims)
        if figure is None:
            figure = _figure_containing(plan.qualifier, count, plan.slack, plan.choice)
        authority = None if own else plan.authority
        outlets = plan.outlets if authority is not None and echoed else plan.outlets[:1]
        if outlet is not None:
            outlets = [outlet]
        precision, hour = at or plan.at
        via = plan.via if authority is not None else None
        made = [_Row(key, day, figure, precision, hour, authority, o, via, plan.published_lag) for o in outlets]
        rows.extend(made)
        return made

    days_of = st.tuples(
        st.integers(0, options.max_value - options.min_value),
        st.lists(claims, min_size=1, max_size=options.max_claims),
    )
    for key in range(options.n_keys):
        count = draw(st.integers(options.min_value, options.max_value))
        days = draw(st.lists(days_of, min_size=1, max_size=options.max_days))
        n_days.append(len(days))
        for index, (increment, plans) in enumerate(days):
            if index:
                count = min(count + increment, options.max_value)
            day = stride * (index + 1)
            truth.append((key, day, count))
            for plan in plans:
                claim(key, day, plan=plan, count=count)

    planted: list[tuple[str, _Row, _Row | None]] = []
    used: set[tuple[int, int]] = set()
    definite_rows: list[_Row] = []

    def candidate_day(key: int, gap: int) -> int:
        """The first free day in gap ``gap`` (which lies just before observed day ``gap + 1``)."""
        return next(stride * gap + j for j in range(1, stride) if (key, stride * gap + j) not in used)

    def take_day(key: int, gaps: Sequence[int]) -> int:
        day = candidate_day(key, draw(st.sampled_from(gaps)))
        used.add((key, day))
        return day

    def envelope(key: int, day: int) -> tuple[int, float]:
        # Planted definite rows are the only rows outside the envelope; leave them out.
        others = [r for r in rows if not any(r is d for d in definite_rows)]
        return _envelope(others, key, day)

    if options.violations:
        # Plants need an earlier low >= 1 (definite) and an earlier stated number >= 1 (soft).
        # Where the claims give neither, anchor the count (>= 1 here) with an exact claim on
        # the last day, before any plant, so that every plant sees it in its envelope.
        for key in range(options.n_keys):
            mine = [r for r in rows if r.key == key]
            if not any(r.figure.low >= 1 for r in mine) or not any(
                min(r.figure.stated or 0, r.figure.point) >= 1 for r in mine
            ):
                last = sum(n_days[: key + 1]) - 1
                claim(key, stride * n_days[key], Figure.exact(truth[last][2]), own=True)

    for _ in range(options.violations):
        kind = draw(st.sampled_from(options.kinds))
        key = draw(st.integers(0, options.n_keys - 1))
        # Every gap keeps a free day: there are `violations` per gap and each plant takes one.
        gaps = list(range(n_days[key] + 1))
        if kind == "definite":
            usable = [g for g in gaps if envelope(key, candidate_day(key, g))[0] >= 1]
            day = take_day(key, usable)
            earliest, _ = envelope(key, day)
            value = draw(st.integers(0, earliest - 1))
            shape = draw(st.sampled_from([Qualifier.EXACT, Qualifier.AT_MOST, Qualifier.FEWER_THAN]))
            figure = Figure.fewer_than(value + 1) if shape is Qualifier.FEWER_THAN else _conventional(shape, value)
            [row] = claim(key, day, figure)
            definite_rows.append(row)
            planted.append(("definite", row, None))
        elif kind == "disagreement":
            usable = []
            for g in gaps:
                low, high = envelope(key, candidate_day(key, g))
                if high > low:
                    usable.append(g)
            day = take_day(key, usable)
            low, high = envelope(key, day)
            first = draw(st.integers(low, int(min(high - 1, low + options.max_value))))
            if high == math.inf or draw(st.booleans()):
                second_figure = Figure.more_than(first)
            else:
                second_figure = Figure.exact(draw(st.integers(first + 1, int(high))))
            # Two speakers: two outlets' own claims.
            lower = draw(st.integers(0, len(_OUTLETS) - 1))
            upper = draw(st.integers(0, len(_OUTLETS) - 2))
            upper += upper >= lower
            [one] = claim(key, day, Figure.exact(first), own=True, outlet=lower)
            # Overlapping periods: the same moment, or the whole day around it.
            same = draw(st.sampled_from([(one.precision, one.hour), (Precision.DAY, 0)]))
            [other] = claim(key, day, second_figure, at=same, own=True, outlet=upper)
            planted.append(("disagreement", one, other))
        else:
            others = [r for r in rows if not any(r is d for d in definite_rows)]
            stated_rows = [r for r in others if r.key == key and min(r.figure.stated or 0, r.figure.point) >= 1]
            witness = draw(st.sampled_from(stated_rows))
            day = take_day(key, [g for g in gaps if candidate_day(key, g) > witness.day])
            low, high = envelope(key, day)
            stated = witness.figure.stated
            assert stated is not None
            # Below the witness's stated number and its point value, overlapping its interval.
            ceiling = int(
                min(
                    high,
                    stated - 1,
                    witness.figure.point - 1,
                    math.inf if witness.figure.high is None else witness.figure.high,
                )
            )
            if low <= ceiling:
                figure = Figure.exact(draw(st.integers(low, min(ceiling, low + options.max_value))))
            else:  # no exact value fits: "at least" a number below the witness's
                figure = Figure.at_least(ceiling)
            [row] = claim(key, day, figure)
            planted.append(("soft", row, witness))
    return _assemble(rows, truth, planted, zone)


def _assemble(
    rows: list[_Row], truth: list[tuple[int, int, int]], planted: list[tuple[str, _Row, _Row | None]], zone: dt.tzinfo
) -> Timeline:
    start = dt.date(2022, 1, 5)
    order = sorted(range(len(rows)), key=lambda i: (rows[i].key, rows[i].day, rows[i].hour, i))
    ids = {id(rows[i]): f"obs-{n:03d}" for n, i in enumerate(order)}
    observed = []
    for i in order:
        r = rows[i]
        metric, group, region = _KEYS[r.key]
        day = start + dt.timedelta(days=r.day)
        outlet, outlet_kind = _OUTLETS[r.outlet]
        lag = r.published_lag
        figure = attrs.evolve(r.figure, text=_phrase(r.figure))
        observed.append(
            Observation(
                id=ids[id(r)],
                metric=metric,
                group=group,
                region=region,
                figure=figure,
                as_of=_local_moment(day, zone, r.precision, r.hour * 3600),
                as_of_precision=r.precision,
                published=None if lag is None else _local_moment(day + dt.timedelta(days=lag), zone, Precision.DAY, 0),
                outlet=outlet,
                outlet_kind=outlet_kind,
                authority=r.authority,
                via=r.via,
                cumulative=True,
                quote=figure.text,
            )
        )
    frame = to_frame(observed)  # already canonical: from_frame would return it unchanged
    truth_frame = pd.DataFrame(
        {
            "metric": pd.array([_KEYS[k][0] for k, _, _ in truth], dtype="string"),
            "group": pd.array([_KEYS[k][1] for k, _, _ in truth], dtype="string"),
            "region": pd.array([_KEYS[k][2] for k, _, _ in truth], dtype="string"),
            "as_of": pd.Series(
                [pd.Timestamp(start + dt.timedelta(days=d)).tz_localize(zone) for _, d, _ in truth],
                dtype=pd.DatetimeTZDtype(unit="ns", tz=zone),
            ),
            "count": pd.array([c for _, _, c in truth], dtype="Int64"),
        }
    )
    planted_rows = []
    for kind, row, witness in planted:
        if witness is None:  # definite: the earlier observation with the largest low, earliest first
            earlier = [r for r in rows if r.key == row.key and r.day < row.day]
            witness = max(earlier, key=lambda r: (r.figure.low, -r.day, -r.hour, -int(ids[id(r)][4:])))
        planted_rows.append((kind, ids[id(row)], ids[id(witness)]))
    planted_frame = pd.DataFrame(
        {
            name: pd.array([p[i] for p in planted_rows], dtype="string")
            for i, name in enumerate(("kind", "id", "witness_id"))
        }
    )
    return Timeline(frame=frame, truth=truth_frame, planted=planted_frame)


_register()
