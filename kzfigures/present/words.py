"""Words for figures and sources, shared by the report, the chart and ``explain``.

>>> figure_words(3001, None, 3000, "more_than")
'more than 3,000'
>>> who_said("Police", None, "hamslivenews.com")
'Police in hamslivenews.com'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from kzfigures.model import QUALIFIER_WORDS, Qualifier

__all__ = ["figure_words", "key_label", "sources_text", "who_said"]

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
        speaker, place = place or "an unnamed source", None
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
