"""Words for figures and sources, shared by the report, the chart and ``explain``.

>>> figure_words(3001, None, 3000, "more_than")
'more than 3,000'
>>> who_said("Police", None, "hamslivenews.com")
'Police in hamslivenews.com'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from kzfigures.model import QUALIFIER_WORDS, Qualifier

__all__ = [
    "UNNAMED",
    "ObservationWords",
    "bound_words",
    "date_words",
    "figure_words",
    "key_label",
    "series_words",
    "sources_text",
    "speaker_name",
    "speaker_words",
    "speakers_text",
    "time_words",
    "who_said",
]

#: The one term for a figure nobody is named for: no authority and no outlet.
UNNAMED = "an unnamed source"

_WORDS = {q.value: w for q, w in QUALIFIER_WORDS.items()}


def figure_words(low: Any, high: Any, stated: Any, qualifier: str, text: Any = None) -> str:
    """Words for a figure: the phrase as written if known, else canonical words.

    Open-ended figures read "more than 3,000" or "at least 18", never "inf".

    >>> figure_words(24, 99, None, "vague", "dozens")
    'dozens'
    >>> figure_words(150, 200, None, "range")
    'between 150 and 200'
    """
    if isinstance(text, str) and text:
        return text
    if qualifier in _WORDS and not pd.isna(stated):
        return f"{_WORDS[qualifier]} {int(stated):,}"
    if qualifier == Qualifier.EXACT.value:
        return f"{int(stated):,}"
    if pd.isna(high):
        return f"at least {int(low):,}"
    return f"between {int(low):,} and {int(high):,}"


def who_said(authority: Any, via: Any, outlet: Any) -> str:
    """Who stated a figure, through whom, where: "Interior Ministry via Khabar 24 in CNN".

    Missing parts are left out; an observation with no authority is its
    outlet's own claim; with neither it is "an unnamed source".

    >>> who_said(None, "Xinhua", "Asian Lite News")
    'Asian Lite News via Xinhua'
    >>> who_said(None, "CNN", None)
    'an unnamed source via CNN'
    """
    speaker = None if pd.isna(authority) else str(authority)
    place = None if pd.isna(outlet) else str(outlet)
    if speaker is None:
        speaker, place = place or UNNAMED, None
    parts = [speaker]
    if not pd.isna(via):
        parts.append(f"via {via}")
    if place is not None:
        parts.append(f"in {place}")
    return " ".join(parts)


def sources_text(rows: Iterable[tuple[Any, Any, Any, Any]]) -> str:
    """Who said each of several observations, with its id: ``(id, authority, via, outlet)`` rows.

    >>> sources_text([("kz22-004-08", "Police", None, "hamslivenews.com"), ("x-1", None, None, "CNN")])
    'Police in hamslivenews.com (kz22-004-08); CNN (x-1)'
    """
    return "; ".join(
        f"{who_said(authority, via, outlet)} ({identifier})" for identifier, authority, via, outlet in rows
    )


def key_label(metric: str, group: str, region: str) -> str:
    """A short heading for a series key.

    >>> key_label("killed", "law_enforcement", "all")
    'killed - law_enforcement'
    """
    label = metric if group == "all" else f"{metric} - {group}"
    return label if region == "all" else f"{label} ({region})"


def series_words(key: Sequence[Any], by: Sequence[str]) -> str:
    """A series key as a reader says it: "detained", "killed (law enforcement)", "detained (northport)".

    With a ``metric`` in the key, the metric comes first; then, in brackets,
    the values of any other key columns (an ``event``), and the group and
    region that are not "all" (underscores read as spaces). A key without a
    metric is written ``column=value``.

    >>> series_words(["killed", "law_enforcement", "all"], ["metric", "group", "region"])
    'killed (law enforcement)'
    >>> series_words(["northport", "detained", "all", "Almaty"], ["event", "metric", "group", "region"])
    'detained (northport, Almaty)'
    >>> series_words(["Police"], ["authority"])
    'authority=Police'
    """
    values = ["<missing>" if v is None or pd.isna(v) else str(v) for v in key]
    named = dict(zip(by, values, strict=True))
    if "metric" not in named:
        return ", ".join(f"{c}={v}" for c, v in named.items())
    details = [v for c, v in named.items() if c not in ("metric", "group", "region")]
    details += [named[c].replace("_", " ") for c in ("group", "region") if named.get(c, "all") != "all"]
    return named["metric"] + (f" ({', '.join(details)})" if details else "")


def speaker_name(authority: Any, outlet: Any) -> str:
    """Whose figure it is: the authority, else the outlet, else :data:`UNNAMED`.

    >>> speaker_name(None, "CNN"), speaker_name(None, None)
    ('CNN', 'an unnamed source')
    """
    for name in (authority, outlet):
        if name is not None and not pd.isna(name):
            return str(name)
    return UNNAMED


def speaker_words(speaker: Any) -> str:
    """A speaker of :func:`kzfigures.analysis.index.speakers` as a reader says it (no "outlet:" codes).

    >>> speaker_words("outlet: CNN"), speaker_words("observation: kz22-003-04"), speaker_words("Police")
    ('CNN', 'an unnamed source', 'Police')
    """
    text = str(speaker)
    if text.startswith("outlet: "):
        return text[len("outlet: ") :]
    if text.startswith("observation: "):
        return UNNAMED
    return text


def speakers_text(names: Iterable[str], limit: int = 3) -> str:
    """Names once each, in order, joined by "; ", the rest counted: "A; B; C and 2 others".

    >>> speakers_text(["CNN", "Police", "CNN"])
    'CNN; Police'
    >>> speakers_text(["A", "B", "C", "D", "E"], limit=3)
    'A; B; C and 2 others'
    """
    distinct = list(dict.fromkeys(names))
    if len(distinct) <= limit:
        return "; ".join(distinct)
    rest = len(distinct) - limit
    return "; ".join(distinct[:limit]) + f" and {rest} other{'s' if rest != 1 else ''}"


def date_words(moment: Any, *, minutes: bool = False) -> str:
    """A date as a reader writes it, with the year: "Jan 7, 2022" (and "14:00" with ``minutes``).

    >>> import pandas as pd
    >>> date_words(pd.Timestamp("2022-01-07T00:00+06:00"))
    'Jan 7, 2022'
    >>> date_words(pd.Timestamp("2022-01-07T14:30+06:00"), minutes=True)
    'Jan 7, 2022 14:30'
    """
    text = f"{moment:%b} {moment.day}, {moment.year}"
    return f"{text} {moment:%H:%M}" if minutes else text


class ObservationWords:
    """Words for the observations of one frame, looked up by id: figure, speaker, day.

    The observations are indexed once; a lookup is a dict access per id
    (``DataFrame.loc`` costs about a millisecond a call).

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> words = ObservationWords(kazakhstan_2022())
    >>> words.said(["kz22-003-03"]), words.words("kz22-000-10")
    ('7,939 (Interior Ministry, Jan 10, 2022)', 'more than 3,000')
    """

    _COLUMNS = ("id", "low", "high", "stated", "qualifier", "figure", "authority", "outlet", "as_of")

    def __init__(self, observations: pd.DataFrame) -> None:
        part = observations[list(self._COLUMNS)]
        cells = part.astype(object).where(part.notna(), None)
        self._rows = {row[0]: row[1:] for row in zip(*(cells[c].tolist() for c in self._COLUMNS), strict=True)}
        self._days: dict[Any, str] = {}

    def words(self, identifier: str) -> str:
        """The figure in its source's words: "over 40", "almost 6,000", "dozens".

        The text as written, its first letter lowered where it starts a
        sentence, when it has no number ("dozens") or writes the stated number
        in digits ("over 40", "More than 3,000"); else canonical words for the
        stated number ("about 8,000" for "About 8 Thousand", "3" for "three").
        """
        low, high, stated, qualifier, text, *_ = self._rows[identifier]
        if isinstance(text, str) and text and (stated is None or _writes_in_digits(text, int(stated))):
            return text[0].lower() + text[1:] if text[1:2].islower() else text
        return figure_words(low, high, stated, qualifier)

    def stated(self, identifier: str) -> int | None:
        """The number the observation states; None for words without one ("dozens")."""
        stated = self._rows[identifier][2]
        return None if stated is None else int(stated)

    def point(self, identifier: str) -> int | None:
        """The figure's point: its stated number clipped into its interval ("over 40" is 41); None if none."""
        low, high, stated, *_ = self._rows[identifier]
        if stated is None:
            return None
        return min(max(int(stated), int(low)), int(high)) if high is not None else max(int(stated), int(low))

    def says_its_low(self, identifier: str) -> bool:
        """Whether the figure's words say its low end: "7,939", "more than 3,000", "at least 18"."""
        return self._rows[identifier][3] in ("exact", "more_than", "at_least")

    def speaker(self, identifier: str) -> str:
        """Whose figure it is (:func:`speaker_name`)."""
        return speaker_name(self._rows[identifier][5], self._rows[identifier][6])

    def moment(self, identifier: str) -> Any:
        """The start of the period the figure describes (its ``as_of``)."""
        return self._rows[identifier][7]

    def day(self, identifier: str) -> str:
        """The day it describes, with the year (each distinct time written once)."""
        moment = self._rows[identifier][7]
        if moment not in self._days:
            self._days[moment] = date_words(moment)
        return self._days[moment]

    def said(self, ids: Sequence[str]) -> str:
        """The first figure's words, who said it and when: "7,939 (Interior Ministry, Jan 10, 2022)"."""
        return f"{self.words(ids[0])} ({self.speaker(ids[0])}, {self.day(ids[0])})"

    def speakers(self, ids: Sequence[str], limit: int = 3) -> str:
        """Who said them, each speaker once, in order: "Kazakh authorities; CNN and 2 others"."""
        return speakers_text((self.speaker(i) for i in ids), limit=limit)


def _writes_in_digits(text: str, number: int) -> bool:
    """Whether ``text`` writes ``number`` in digits, with or without thousands separators."""
    plain = re.sub(r"(?<=\d)[,.\s\u00a0\u202f'](?=\d{3}\b)", "", text)
    return re.search(rf"(?<!\d){number}(?!\d)", plain) is not None


def time_words(moment: Any, *, whole_day: bool | None = None) -> str:
    """A time with its year, and its time of day unless it is a whole day (by default: midnight).

    >>> import pandas as pd
    >>> time_words(pd.Timestamp("2022-01-07")), time_words(pd.Timestamp("2022-01-07 14:00"))
    ('Jan 7, 2022', 'Jan 7, 2022 14:00')
    """
    day = moment == moment.normalize() if whole_day is None else whole_day
    return date_words(moment, minutes=not day)


def bound_words(low: Any, high: Any) -> str:
    """An interval in words: "7,939", "7,200 to 8,800" or "3,001 or more" (never "inf").

    >>> bound_words(3001, None), bound_words(7200, 8800), bound_words(18, 18)
    ('3,001 or more', '7,200 to 8,800', '18')
    """
    if pd.isna(high):
        return f"{int(low):,} or more"
    if int(low) == int(high):
        return f"{int(low):,}"
    return f"{int(low):,} to {int(high):,}"
