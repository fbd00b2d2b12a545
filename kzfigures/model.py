"""Value classes: :class:`Figure` and :class:`Observation`, and their enums.

This module holds the value objects and nothing else. They are attrs classes:
frozen, slotted, validated on construction, with readable reprs. Bulk data
lives in DataFrames (see :mod:`kzfigures.frame`); these classes are for
Python users who build or inspect observations one at a time.

>>> f = Figure.more_than(3000, text="more than 3,000")
>>> f
Figure(low=3001, high=None, stated=3000, qualifier='more_than', text='more than 3,000')
>>> f.to_text()
'more than 3,000'
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import numpy as np
import pandas as pd

from kzfigures.errors import ObservationTypeError, TimezoneError, ValidationError

__all__ = [
    "EARLIEST_TIME",
    "END_OF_TIME",
    "LARGEST_COUNT",
    "QUALIFIER_WORDS",
    "Figure",
    "Observation",
    "OutletKind",
    "Precision",
    "Qualifier",
    "content_id",
    "infer_precision",
]


#: The largest count kzfigures holds: 2**62. Every count up to it is exact (Python int, or Int64
#: in a frame), and bounds derived from it by a convention ("about N" reaches below 2 N) stay
#: below the largest int64, which the analyses use for "unbounded".
LARGEST_COUNT = 2**62


#: The earliest wall time kzfigures stores (pandas' nanosecond times reach a day further back, so
#: that a time moved by any UTC offset, less than a day, still fits).
EARLIEST_TIME = pd.Timestamp("1677-09-23")
#: The first wall time kzfigures no longer stores (times stop a day before pandas' last, as above).
END_OF_TIME = pd.Timestamp("2262-04-10")


class Qualifier(enum.StrEnum):
    """How a reported number relates to the count it describes.

    ========== ========================== ==============================
    value      example                    interval (default conventions)
    ========== ========================== ==============================
    exact      "164"                      [164, 164]
    more_than  "more than 3,000"          [3001, unbounded)
    at_least   "at least 18"              [18, unbounded)
    fewer_than "fewer than 100"           [0, 99]
    at_most    "up to 100"                [0, 100]
    about      "about 8,000"              a band around 8,000
    almost     "almost 6,000"             strictly below 6,000
    range      "between 150 and 200"      [150, 200]
    vague      "dozens", "thousands"      a span set by convention
    ========== ========================== ==============================
    """

    EXACT = "exact"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    FEWER_THAN = "fewer_than"
    AT_MOST = "at_most"
    ABOUT = "about"
    ALMOST = "almost"
    RANGE = "range"
    VAGUE = "vague"


#: The canonical English words before a stated number, per qualifier.
QUALIFIER_WORDS: Mapping[Qualifier, str] = {
    Qualifier.MORE_THAN: "more than",
    Qualifier.AT_LEAST: "at least",
    Qualifier.FEWER_THAN: "fewer than",
    Qualifier.AT_MOST: "at most",
    Qualifier.ABOUT: "about",
    Qualifier.ALMOST: "almost",
}


class OutletKind(enum.StrEnum):
    """What kind of publisher an outlet is."""

    OFFICIAL = "official"
    STATE_MEDIA = "state_media"
    NEWS_AGENCY = "news_agency"
    INDEPENDENT_MEDIA = "independent_media"
    NGO = "ngo"
    OTHER = "other"


class Precision(enum.StrEnum):
    """The resolution of a time: which period the timestamp stands for.

    A time with precision ``day`` describes the whole local calendar day that
    starts at the timestamp (which must therefore be local midnight); it does
    not claim the count was taken at midnight.
    """

    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"
    SECOND = "second"

    @property
    def length(self) -> pd.Timedelta:
        """The length of one period at this precision.

        >>> Precision.HOUR.length
        Timedelta('0 days 01:00:00')
        """
        return _PRECISION_LENGTH[self]


_PRECISION_LENGTH = {
    Precision.DAY: pd.Timedelta(days=1),
    Precision.HOUR: pd.Timedelta(hours=1),
    Precision.MINUTE: pd.Timedelta(minutes=1),
    Precision.SECOND: pd.Timedelta(seconds=1),
}


def infer_precision(moment: pd.Timestamp) -> Precision:
    """Return the coarsest precision that ``moment`` is aligned to.

    Local midnight reads as a date (``day``), a whole hour as ``hour``, and
    so on. Sub-second parts are not a precision kzfigures models; they are
    rejected by :class:`Observation`.

    >>> infer_precision(pd.Timestamp("2022-01-07", tz="UTC+06:00"))
    <Precision.DAY: 'day'>
    >>> infer_precision(pd.Timestamp("2022-01-07 14:30", tz="UTC+06:00"))
    <Precision.MINUTE: 'minute'>
    """
    if moment.second or moment.microsecond or moment.nanosecond:
        return Precision.SECOND
    if moment.minute:
        return Precision.MINUTE
    if moment.hour:
        return Precision.HOUR
    return Precision.DAY


def _is_aligned(moment: pd.Timestamp, precision: Precision) -> bool:
    if moment.microsecond or moment.nanosecond:
        return False
    if precision is Precision.SECOND:
        return True
    if moment.second:
        return False
    if precision is Precision.MINUTE:
        return True
    if moment.minute:
        return False
    return precision is Precision.HOUR or moment.hour == 0


_E = TypeVar("_E", bound=enum.StrEnum)


# --- converters and validators -------------------------------------------------


# Converters are made per field so that every message names the field at fault.


def _int(name: str) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ObservationTypeError(f"'{name}' must be a whole number (got {value!r}, a {type(value).__name__})")
        return int(value)

    return convert


def _optional_int(name: str) -> Callable[[Any], int | None]:
    whole = _int(name)

    def convert(value: Any) -> int | None:
        return None if value is None or value is pd.NA else whole(value)

    return convert


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError(f"'{attribute.name}' must be >= 0 (got {value})")
    if value is not None and value > LARGEST_COUNT:
        raise ValidationError(f"'{attribute.name}' must be <= 2**62 = {LARGEST_COUNT} (got {value})")


def _enum(name: str, enum_type: type[_E]) -> Callable[[Any], _E]:
    def convert(value: Any) -> _E:
        if isinstance(value, enum_type):
            return value
        try:
            return enum_type(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in enum_type)
            raise ValidationError(f"'{name}' must be one of {allowed} (got {value!r})") from None

    return convert


def _optional_enum(name: str, enum_type: type[_E]) -> Callable[[Any], _E | None]:
    member = _enum(name, enum_type)

    def convert(value: Any) -> _E | None:
        return None if value is None else member(value)

    return convert


def _to_bool(value: Any) -> Any:
    return bool(value) if isinstance(value, np.bool_) else value


def _optional_str(name: str) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        if value is None or value is pd.NA:
            return None
        if not isinstance(value, str):
            raise ObservationTypeError(f"'{name}' must be text (got {value!r}, a {type(value).__name__})")
        return value

    return convert


def _low(value: Any) -> int:
    return _int("low")(value)


def _high(value: Any) -> int | None:
    return _optional_int("high")(value)


def _stated(value: Any) -> int | None:
    return _optional_int("stated")(value)


def _qualifier(value: Any) -> Qualifier:
    return _enum("qualifier", Qualifier)(value)


def _text(value: Any) -> str | None:
    return _optional_str("text")(value)


@attrs.frozen(repr=False)
class Figure:
    """A reported quantity: the interval ``[low, high]`` its words allow.

    Parameters
    ----------
    low : int
        Smallest count the phrase allows, ``>= 0``. Every count of a figure
        is at most :data:`~kzfigures.model.LARGEST_COUNT` (``2**62``).
    high : int or None
        Largest count the phrase allows, ``>= low``; ``None`` when the phrase
        sets no upper bound ("more than 3,000").
    stated : int or None
        The number as written: 3000 for "more than 3,000", 6000 for "almost
        6,000". ``None`` only for ``range`` and ``vague`` figures, which state
        no single number ("between 150 and 200", "dozens").
    qualifier : Qualifier
        How ``stated`` relates to the count.
    text : str, optional
        The phrase as written, if known.

    Notes
    -----
    ``stated`` need not lie inside ``[low, high]``: "more than 3,000" has
    ``stated = 3000`` and ``low = 3001`` under the default conventions. The
    *point value* of a figure (:attr:`point`) is ``stated`` clipped into the
    interval.

    Examples
    --------
    >>> Figure.exact(164)
    Figure(low=164, high=164, stated=164, qualifier='exact')
    >>> Figure.almost(6000, low=5400).point
    5999
    >>> Figure(low=-5, high=None, stated=0, qualifier="at_least")
    Traceback (most recent call last):
    ...
    kzfigures.errors.ValidationError: 'low' must be >= 0 (got -5)
    """

    low: int = attrs.field(converter=_low, validator=_non_negative)
    high: int | None = attrs.field(converter=_high, validator=_non_negative)
    stated: int | None = attrs.field(converter=_stated, validator=_non_negative)
    qualifier: Qualifier = attrs.field(converter=_qualifier)
    text: str | None = attrs.field(default=None, kw_only=True, converter=_text)

    def __attrs_post_init__(self) -> None:
        if self.high is not None and self.high < self.low:
            raise ValidationError(f"'high' must be >= 'low' ({self.low}) or None (got {self.high})")
        if self.stated is None and self.qualifier not in (Qualifier.RANGE, Qualifier.VAGUE):
            raise ValidationError(
                f"'stated' may be None only for 'range' or 'vague' figures (qualifier is {self.qualifier.value!r})"
            )
        if self.qualifier is Qualifier.EXACT and not (self.low == self.high == self.stated):
            raise ValidationError(
                f"an 'exact' figure must have low == high == stated "
                f"(got low={self.low}, high={self.high}, stated={self.stated})"
            )

    def __repr__(self) -> str:
        text = "" if self.text is None else f", text={self.text!r}"
        return (
            f"Figure(low={self.low}, high={self.high}, stated={self.stated}, qualifier={self.qualifier.value!r}{text})"
        )

    # -- constructors for the common cases ------------------------------------

    @classmethod
    def exact(cls, n: int, *, text: str | None = None) -> Figure:
        """Exactly ``n``: ``[n, n]``.

        >>> Figure.exact(4404).high
        4404
        """
        return cls(n, n, n, Qualifier.EXACT, text=text)

    @classmethod
    def more_than(cls, n: int, *, text: str | None = None) -> Figure:
        """Strictly more than ``n``: ``[n + 1, unbounded)``.

        >>> Figure.more_than(3000).low
        3001
        """
        return cls(n + 1, None, n, Qualifier.MORE_THAN, text=text)

    @classmethod
    def at_least(cls, n: int, *, text: str | None = None) -> Figure:
        """At least ``n``: ``[n, unbounded)``.

        >>> Figure.at_least(18).low
        18
        """
        return cls(n, None, n, Qualifier.AT_LEAST, text=text)

    @classmethod
    def fewer_than(cls, n: int, *, text: str | None = None) -> Figure:
        """Strictly fewer than ``n`` (``n >= 1``): ``[0, n - 1]``.

        >>> Figure.fewer_than(100).high
        99
        """
        if n < 1:
            raise ValidationError(f"'fewer than' needs n >= 1 (got {n})")
        return cls(0, n - 1, n, Qualifier.FEWER_THAN, text=text)

    @classmethod
    def at_most(cls, n: int, *, text: str | None = None) -> Figure:
        """At most ``n``: ``[0, n]``.

        >>> Figure.at_most(100).low
        0
        """
        return cls(0, n, n, Qualifier.AT_MOST, text=text)

    @classmethod
    def between(cls, low: int, high: int, *, text: str | None = None) -> Figure:
        """Between ``low`` and ``high`` inclusive; states no single number.

        >>> Figure.between(150, 200).point
        175
        """
        return cls(low, high, None, Qualifier.RANGE, text=text)

    @classmethod
    def about(cls, n: int, *, low: int, high: int | None, text: str | None = None) -> Figure:
        """About ``n``, within ``[low, high]`` (the band is a convention).

        >>> Figure.about(8000, low=7200, high=8800).stated
        8000
        """
        return cls(low, high, n, Qualifier.ABOUT, text=text)

    @classmethod
    def almost(cls, n: int, *, low: int, text: str | None = None) -> Figure:
        """Almost ``n``: ``[low, n - 1]``, strictly below ``n``.

        >>> Figure.almost(6000, low=5400).high
        5999
        """
        if n < 1:
            raise ValidationError(f"'almost' needs n >= 1 (got {n})")
        return cls(low, n - 1, n, Qualifier.ALMOST, text=text)

    # -- derived values --------------------------------------------------------

    @property
    def bounded(self) -> bool:
        """Whether the figure has an upper bound.

        >>> Figure.more_than(3000).bounded
        False
        """
        return self.high is not None

    @property
    def point(self) -> int:
        """The figure's point value: ``stated`` clipped into ``[low, high]``.

        A figure that states no number (``range``, ``vague``) has as its point
        the midpoint of ``[low, high]`` rounded down, or ``low`` if unbounded.

        >>> Figure.more_than(3000).point
        3001
        """
        if self.stated is None:
            return self.low if self.high is None else (self.low + self.high) // 2
        value = max(self.stated, self.low)
        return value if self.high is None else min(value, self.high)

    def to_text(self, *, vague_words: Mapping[tuple[int, int | None], str] | None = None) -> str:
        """Format the figure back into English words.

        The words are the canonical phrase for the qualifier, not ``text``.
        A ``vague`` figure whose ``(low, high)`` is a key of ``vague_words``
        is written as that word (pass ``Conventions.vague_words`` so that
        parsing the words gives the figure back); otherwise as its interval.

        >>> Figure.exact(7939).to_text()
        '7,939'
        >>> Figure.between(150, 200).to_text()
        'between 150 and 200'
        >>> dozens = Figure(24, 99, None, "vague")
        >>> dozens.to_text(), dozens.to_text(vague_words={(24, 99): "dozens"})
        ('between 24 and 99', 'dozens')
        """
        stated = self.stated
        if self.qualifier is Qualifier.VAGUE and stated is None and vague_words:
            word = vague_words.get((self.low, self.high))
            if word is not None:
                return word
        words = QUALIFIER_WORDS
        if self.qualifier is Qualifier.EXACT or (stated is not None and self.qualifier is Qualifier.VAGUE):
            return f"{stated:,}"
        if self.qualifier in words and stated is not None:
            return f"{words[self.qualifier]} {stated:,}"
        if self.high is None:
            return f"at least {self.low:,}"
        return f"between {self.low:,} and {self.high:,}"


def _timestamp(name: str) -> Callable[[Any], pd.Timestamp]:
    def convert(value: Any) -> pd.Timestamp:
        if isinstance(value, pd.Timestamp):
            moment = value
        elif isinstance(value, dt.datetime | str | np.datetime64):
            try:
                moment = pd.Timestamp(value)
            except ValueError:
                raise ValidationError(
                    f"'{name}' must be an ISO 8601 time such as '2022-01-07T00:00+06:00' (got {value!r})"
                ) from None
        else:
            raise ObservationTypeError(
                f"'{name}' must be a timezone-aware datetime (got {value!r}, a {type(value).__name__})"
            )
        if pd.isna(moment):
            raise ObservationTypeError(f"'{name}' must be a timezone-aware datetime (got {value!r})")
        if moment.tzinfo is None:
            raise TimezoneError(
                f"'{name}' has no timezone (got {value!r}); give an offset, e.g. '2022-01-07T00:00+06:00'"
            )
        if not EARLIEST_TIME <= moment.tz_localize(None) < END_OF_TIME:
            raise ValidationError(
                f"'{name}' must be from {EARLIEST_TIME.date()} up to (not including) {END_OF_TIME.date()} "
                f"(got {moment.isoformat()})"
            )
        return moment

    return convert


def _optional_timestamp(name: str) -> Callable[[Any], pd.Timestamp | None]:
    moment = _timestamp(name)

    def convert(value: Any) -> pd.Timestamp | None:
        return None if value is None or value is pd.NaT else moment(value)

    return convert


def _to_figure(value: Any) -> Figure:
    # A converter, not a validator: the default id hashes the figure before validators run.
    if not isinstance(value, Figure):
        raise ObservationTypeError(f"'figure' must be a Figure (got {value!r}, a {type(value).__name__})")
    return value


def _label(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str):
        raise ObservationTypeError(f"'{attribute.name}' must be text (got {value!r})")
    if not _LABEL.fullmatch(value):
        raise ValidationError(
            f"'{attribute.name}' must be lower-case letters, digits and underscores, "
            f"starting with a letter (got {value!r})"
        )


def _non_empty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str):
        raise ObservationTypeError(f"'{attribute.name}' must be text (got {value!r})")
    if not value.strip():
        raise ValidationError(f"'{attribute.name}' must not be empty (got {value!r})")


def _bool(instance: Any, attribute: attrs.Attribute[Any], value: bool) -> None:
    if not isinstance(value, bool | np.bool_):
        raise ObservationTypeError(f"'{attribute.name}' must be True or False (got {value!r})")


_LABEL = re.compile(r"[a-z][a-z0-9_]*")


def _default_as_of_precision(self: Observation) -> Precision:
    return infer_precision(self.as_of)


def _default_published_precision(self: Observation) -> Precision | None:
    return None if self.published is None else infer_precision(self.published)


def _default_id(self: Observation) -> str:
    return content_id(self)


def _as_of(value: Any) -> pd.Timestamp:
    return _timestamp("as_of")(value)


def _as_of_precision(value: Any) -> Precision:
    return _enum("as_of_precision", Precision)(value)


def _published(value: Any) -> pd.Timestamp | None:
    return _optional_timestamp("published")(value)


def _published_precision(value: Any) -> Precision | None:
    return _optional_enum("published_precision", Precision)(value)


def _outlet(value: Any) -> str | None:
    return _optional_str("outlet")(value)


def _outlet_kind(value: Any) -> OutletKind:
    return _enum("outlet_kind", OutletKind)(value)


def _authority(value: Any) -> str | None:
    return _optional_str("authority")(value)


def _via(value: Any) -> str | None:
    return _optional_str("via")(value)


def _quote(value: Any) -> str | None:
    return _optional_str("quote")(value)


def _url(value: Any) -> str | None:
    return _optional_str("url")(value)


def _note(value: Any) -> str | None:
    return _optional_str("note")(value)


@attrs.frozen(kw_only=True, repr=False)
class Observation:
    """One figure from one report, with where and when it came from.

    Parameters
    ----------
    metric : str
        What is counted: ``killed``, ``injured``, ``detained``, ... (lower-case
        words joined by underscores).
    figure : Figure
        The quantity as reported.
    as_of : datetime
        Timezone-aware start of the period the figure describes ("as of
        January 7" is local midnight of January 7 with precision ``day``).
    as_of_precision : Precision, optional
        Resolution of ``as_of``; by default the coarsest one ``as_of`` is
        aligned to (local midnight reads as a date).
    published : datetime or None
        When the report appeared, timezone-aware, if known.
    published_precision : Precision or None
        Resolution of ``published`` (inferred like ``as_of_precision``).
    group : str
        Who was counted: ``all`` (default), ``law_enforcement``,
        ``protesters``, ``children``, ``armed_assailants``, ...
    region : str
        Where: ``all`` (default, the whole country) or a place name.
    outlet : str or None
        Who published the report (CNN, Khabar 24, ...).
    outlet_kind : OutletKind
        ``official``, ``state_media``, ``news_agency``,
        ``independent_media``, ``ngo`` or ``other`` (default).
    authority : str or None
        To whom the figure is attributed (the Interior Ministry); ``None``
        makes it the outlet's own claim.
    via : str or None
        An intermediary between authority and outlet (Khabar 24).
    cumulative : bool
        Whether the figure is a running total (default ``True``).
    quote : str or None
        The short phrase that states the figure.
    url, note : str or None
        Where the report is, and anything a reader should know.
    id : str
        A stable identifier; by default a hash of the content (see
        :func:`content_id`).

    Examples
    --------
    >>> obs = Observation(
    ...     metric="detained",
    ...     figure=Figure.exact(4404),
    ...     as_of="2022-01-08T00:00+06:00",
    ...     outlet="Asian Lite News",
    ...     via="Xinhua",
    ... )
    >>> obs.as_of_precision
    <Precision.DAY: 'day'>
    >>> obs.key
    ('detained', 'all', 'all')
    """

    metric: str = attrs.field(validator=_label)
    figure: Figure = attrs.field(converter=_to_figure)
    as_of: pd.Timestamp = attrs.field(converter=_as_of)
    as_of_precision: Precision = attrs.field(
        default=attrs.Factory(_default_as_of_precision, takes_self=True),
        converter=_as_of_precision,
    )
    published: pd.Timestamp | None = attrs.field(default=None, converter=_published)
    published_precision: Precision | None = attrs.field(
        default=attrs.Factory(_default_published_precision, takes_self=True),
        converter=_published_precision,
    )
    group: str = attrs.field(default="all", validator=_label)
    region: str = attrs.field(default="all", validator=_non_empty)
    outlet: str | None = attrs.field(default=None, converter=_outlet)
    outlet_kind: OutletKind = attrs.field(default=OutletKind.OTHER, converter=_outlet_kind)
    authority: str | None = attrs.field(default=None, converter=_authority)
    via: str | None = attrs.field(default=None, converter=_via)
    cumulative: bool = attrs.field(default=True, validator=_bool, converter=_to_bool)
    quote: str | None = attrs.field(default=None, converter=_quote)
    url: str | None = attrs.field(default=None, converter=_url)
    note: str | None = attrs.field(default=None, converter=_note)
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), validator=_non_empty)

    def __attrs_post_init__(self) -> None:
        if not _is_aligned(self.as_of, self.as_of_precision):
            raise ValidationError(
                f"'as_of' {self.as_of.isoformat()} is not aligned to its precision "
                f"{self.as_of_precision.value!r} (a {self.as_of_precision.value} starts at its first instant)"
            )
        if self.published is None:
            if self.published_precision is not None:
                raise ValidationError(
                    f"'published_precision' must be None when 'published' is None "
                    f"(got {self.published_precision.value!r})"
                )
        elif self.published_precision is None:
            raise ValidationError("'published_precision' must be set when 'published' is set (got None)")
        elif not _is_aligned(self.published, self.published_precision):
            raise ValidationError(
                f"'published' {self.published.isoformat()} is not aligned to its precision "
                f"{self.published_precision.value!r}"
            )

    def __repr__(self) -> str:
        parts = [f"id={self.id!r}", f"metric={self.metric!r}"]
        if self.group != "all":
            parts.append(f"group={self.group!r}")
        if self.region != "all":
            parts.append(f"region={self.region!r}")
        parts.append(f"figure={self.figure!r}")
        parts.append(f"as_of={_format_moment(self.as_of, self.as_of_precision)!r}")
        for name in ("outlet", "authority", "via"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"Observation({', '.join(parts)})"

    @property
    def key(self) -> tuple[str, str, str]:
        """The series this observation belongs to: ``(metric, group, region)``."""
        return (self.metric, self.group, self.region)


def _format_moment(moment: pd.Timestamp, precision: Precision) -> str:
    offset = moment.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
    fmt = {
        Precision.DAY: "%Y-%m-%d",
        Precision.HOUR: "%Y-%m-%dT%H",
        Precision.MINUTE: "%Y-%m-%dT%H:%M",
        Precision.SECOND: "%Y-%m-%dT%H:%M:%S",
    }[precision]
    return moment.strftime(fmt) + ("" if precision is Precision.DAY else offset)


def content_id(observation: Observation) -> str:
    """A stable identifier derived from an observation's content.

    The SHA-1 of the fields that make an observation what it is (key, figure,
    times, outlet, authority, via, quote), as 12 hex digits prefixed ``obs-``.
    Two observations that say the same thing in the same words get the same
    id; give explicit ids to tell them apart.

    >>> o = Observation(metric="killed", figure=Figure.exact(164), as_of="2022-01-09T00:00+06:00")
    >>> o.id == content_id(o) and o.id.startswith("obs-")
    True
    """
    f = observation.figure
    published = "" if observation.published is None else observation.published.isoformat()
    text = "\x1f".join(
        str(part)
        for part in (
            observation.metric,
            observation.group,
            observation.region,
            f.low,
            f.high,
            f.stated,
            f.qualifier.value,
            observation.as_of.isoformat(),
            observation.as_of_precision.value,
            published,
            observation.outlet,
            observation.authority,
            observation.via,
            observation.quote,
        )
    )
    return "obs-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
