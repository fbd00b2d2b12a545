"""Article text -> candidate observations: :func:`extract_observations`.

:func:`~kzfigures.parse.extract_figures` finds figure phrases; this module
decides which of them are tolls and fills in what a desk would otherwise
type by hand: the metric, who was counted, who said it, through whom, and
which day the figure describes. The result is a frame in the library's
observation schema (:data:`kzfigures.frame.COLUMNS`), one row per candidate,
plus the columns ``start`` and ``end`` (character offsets of the figure
phrase), ``parent`` (the ``id`` of the total a subgroup belongs to) and
``confidence``. It is a first draft for a person to review, not a verdict:
``docs/extraction.md`` measures how often each field is right.

How a figure becomes a row, sentence by sentence:

1. **Metric.** A figure is a toll only if a metric word is bound to it:
   after it in its clause ("40 people were killed", "748 wounded"), or
   before it with no other figure between ("killing at least 40", "the
   death toll rose to 158"). The words are in :data:`METRIC_WORDS`; a
   figure with none (a crowd, deployed troops, a date) gives no row.
2. **Not a toll after all.** A figure about another year's event (a year
   other than the publication year in its sentence, "since", "previous"),
   or a count that mixes metrics ("145 casualties", "including dead and
   injured") gives no row.
3. **Group.** The noun after the figure ("18 police officers", "three
   children") read through :data:`GROUP_WORDS`. A count with no noun that
   follows another with "and" ("18 officers killed and 748 injured") counts
   the same people; otherwise ``all``.
4. **Subgroup.** A figure introduced by "including", "among them", "of
   whom" after another toll of the sentence is a subgroup of it: its own
   row, with ``parent`` set to that toll's ``id``; the two lend each other a
   metric when only one has one.
5. **Attribution.** "X said", "said X", "according to X", "citing X",
   "V cited/quoted X as saying", "X told V": ``authority`` X, ``via`` V
   (unless V is the ``outlet``). A sentence that opens with "he/she/they
   said" takes the previous sentence's authority.
6. **Time.** "as of 11 a.m. Tuesday", "on Saturday", "late Saturday",
   "January 7", "yesterday", resolved against ``published``: a weekday is
   the latest such day on or before the publication day. Otherwise the
   figure is as of the publication day.

Everything is bounded work per figure, so time is linear in the text.

>>> frame = extract_observations(
...     "Police said on Saturday that 18 officers were killed and 748 injured. "
...     "More than 3,000 people have been detained, the ministry said.",
...     published="2022-01-09", outlet="Example News", tz="Asia/Almaty")
>>> frame[["metric", "group", "figure", "authority"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['killed', 'law_enforcement', '18', 'Police'], ['injured', 'law_enforcement', '748', 'Police'],
 ['detained', 'all', 'More than 3,000', 'ministry']]
>>> frame["as_of"].dt.day.tolist()  # "on Saturday" is Jan 8; the second figure has no day of its own
[8, 8, 9]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pandas as pd

from kzfigures.conventions import Conventions
from kzfigures.errors import InvalidArgumentError
from kzfigures.frame import COLUMNS
from kzfigures.model import Figure, Precision
from kzfigures.parse import FigureMatch, extract_figures

__all__ = ["EXTRA_COLUMNS", "GROUP_WORDS", "LANGUAGES", "METRIC_WORDS", "extract_observations"]

#: Languages :func:`extract_observations` reads.
LANGUAGES = ("en", "ru")

#: Columns added after the schema's: where the figure is, its total, how sure.
EXTRA_COLUMNS = ("start", "end", "parent", "confidence")

#: Word stems that bind a figure to a metric, by language. A stem matches a
#: word that starts with it. Add a metric by adding its stems (a copy of this
#: mapping with more entries may be passed as ``metric_words=``).
METRIC_WORDS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "killed": (
            "killed",
            "killing",
            "kills",
            "dead",
            "died",
            "dies",
            "die",
            "deaths",
            "death",
            "fatalities",
            "fatality",
            "fatally",
            "slain",
            "murdered",
            "perished",
            "bodies",
            "lives",
            "lost their lives",
            "executed",
            "shot dead",
            "toll",
        ),
        "injured": ("injured", "injuries", "injuring", "wounded", "wounding", "hurt", "wounds", "injury"),
        "detained": (
            "detained",
            "detaining",
            "detention",
            "detentions",
            "arrested",
            "arrests",
            "arresting",
            "arrest",
            "custody",
            "held",
            "jailed",
            "apprehended",
        ),
        "hospitalized": ("hospitalized", "hospitalised", "hospital", "hospitals", "treated"),
        "missing": ("missing", "unaccounted"),
        "displaced": ("displaced", "homeless", "fled"),
        "evacuated": ("evacuated", "evacuation", "evacuating"),
    },
    "ru": {
        "killed": (
            "погиб",
            "гибел",
            "убит",
            "умер",
            "скончал",
            "жертв",
            "смерт",
            "погибш",
            "убиты",
            "тел",
        ),
        "injured": ("ранен", "ранены", "пострадав", "пострадал", "травм", "раненых"),
        "detained": ("задержан", "задержал", "задерж", "арестован", "арест", "задержано"),
        "hospitalized": ("госпитализ", "больниц", "в больнице"),
        "missing": ("пропал", "пропавш", "без вести"),
        "displaced": ("перемещ", "лишились жилья", "бежал"),
        "evacuated": ("эвакуир", "эвакуац"),
    },
}

#: Nouns after a figure that say who was counted, by language (word stem -> group).
GROUP_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "people": "all",
        "persons": "all",
        "person": "all",
        "victims": "all",
        "individuals": "all",
        "others": "all",
        "civilians": "civilians",
        "civilian": "civilians",
        "children": "children",
        "child": "children",
        "minors": "children",
        "kids": "children",
        "boys": "children",
        "girls": "children",
        "teenagers": "children",
        "babies": "children",
        "women": "women",
        "woman": "women",
        "police": "law_enforcement",
        "policemen": "law_enforcement",
        "officers": "law_enforcement",
        "officer": "law_enforcement",
        "law": "law_enforcement",
        "policeman": "law_enforcement",
        "soldiers": "military",
        "soldier": "military",
        "troops": "military",
        "servicemen": "military",
        "service": "military",
        "military": "military",
        "army": "military",
        "security": "security_forces",
        "protesters": "protesters",
        "protestors": "protesters",
        "demonstrators": "protesters",
        "protester": "protesters",
        "rioters": "protesters",
        "activists": "protesters",
        "attackers": "armed_assailants",
        "gunmen": "armed_assailants",
        "militants": "armed_assailants",
        "terrorists": "armed_assailants",
        "insurgents": "armed_assailants",
        "assailants": "armed_assailants",
        "bandits": "armed_assailants",
        "fighters": "armed_assailants",
        "suspects": "armed_assailants",
        "armed": "armed_assailants",
        "criminals": "armed_assailants",
        "extremists": "armed_assailants",
        "foreigners": "foreigners",
        "foreign": "foreigners",
        "tourists": "foreigners",
        "journalists": "journalists",
        "reporters": "journalists",
        "journalist": "journalists",
        "officials": "officials",
        "passengers": "passengers",
        "rescuers": "rescuers",
        "firefighters": "rescuers",
        "medics": "medics",
        "doctors": "medics",
        "health": "medics",
        "nurses": "medics",
        "migrants": "migrants",
        "refugees": "migrants",
        "prisoners": "prisoners",
        "inmates": "prisoners",
        "workers": "workers",
        "miners": "workers",
        "employees": "workers",
        "residents": "residents",
        "villagers": "residents",
        "students": "students",
        "pupils": "students",
    },
    "ru": {
        "человек": "all",
        "люд": "all",
        "граждан": "all",
        "пострадавш": "all",
        "мирн": "civilians",
        "дет": "children",
        "ребен": "children",
        "ребён": "children",
        "несовершеннолет": "children",
        "школьник": "students",
        "студент": "students",
        "женщин": "women",
        "полицейск": "law_enforcement",
        "сотрудник": "law_enforcement",
        "правоохранит": "law_enforcement",
        "силовик": "security_forces",
        "военнослужащ": "military",
        "военн": "military",
        "солдат": "military",
        "протестующ": "protesters",
        "демонстрант": "protesters",
        "митингующ": "protesters",
        "участник": "protesters",
        "боевик": "armed_assailants",
        "террорист": "armed_assailants",
        "нападавш": "armed_assailants",
        "бандит": "armed_assailants",
        "иностран": "foreigners",
        "журналист": "journalists",
        "чиновник": "officials",
        "пассажир": "passengers",
        "спасател": "rescuers",
        "медик": "medics",
        "врач": "medics",
        "мигрант": "migrants",
        "заключенн": "prisoners",
        "заключённ": "prisoners",
        "рабоч": "workers",
        "горняк": "workers",
        "шахтер": "workers",
        "шахтёр": "workers",
        "жител": "residents",
    },
}


@attrs.frozen
class _Lexicon:
    """The words one language needs beyond :data:`METRIC_WORDS` and :data:`GROUP_WORDS`."""

    subgroup: re.Pattern[str]  # between a total and its subgroup
    mixed: re.Pattern[str]  # a count of several metrics at once
    other_event: re.Pattern[str]  # a figure about an earlier event
    not_people: re.Pattern[str]  # nouns after a figure that are not people
    attribution: tuple[re.Pattern[str], ...]  # named groups: auth, via
    carry: re.Pattern[str]  # a sentence whose speaker is the previous sentence's
    weekdays: tuple[str, ...]
    months: Mapping[str, int]
    yesterday: re.Pattern[str]
    trim: re.Pattern[str]  # words to strip from the ends of a speaker's name


_ATTRIBUTION_VERBS_EN = (
    r"said|says|told|confirmed|reported|announced|stated|added|wrote|posted|tweeted|"
    r"estimated|counted|put|reports|confirms|announces|adds|estimates|counts"
)
_NAME_EN = r"(?P<auth>[^,;:.()\"“”]{2,90}?)"

_EN = _Lexicon(
    subgroup=re.compile(
        r"^[^.;]{0,60}?(?:\bincluding\b|\bamong (?:them|whom|those|the (?:dead|victims|injured|wounded|detained|"
        r"killed))(?: were)?\b|\bof (?:whom|them|those)\b|\bincluded\b)[^.;]{0,25}$",
        re.IGNORECASE,
    ),
    mixed=re.compile(
        r"\b(?:casualties|dead and (?:injured|wounded)|killed and (?:injured|wounded)|(?:injured|wounded) and "
        r"(?:dead|killed)|dead or (?:injured|wounded))\b",
        re.IGNORECASE,
    ),
    other_event=re.compile(r"\b(?:since|previous|deadliest|worst|last year|compared with|than the)\b", re.IGNORECASE),
    not_people=re.compile(
        r"^\s*(?:[a-z-]+\s+){0,2}?(?:years?|months?|weeks?|days?|hours?|minutes?|km|kilometers?|kilometres?|miles?|"
        r"meters?|metres?|feet|percent|per cent|homes|houses|buildings|vehicles|cars|trucks|dollars|"
        r"times|rounds|shots|cases|tons|tonnes|hectares|acres|flights|villages|districts|cities|provinces)\b",
        re.IGNORECASE,
    ),
    attribution=(
        re.compile(
            r"(?:^|[,;:]\s*)(?P<via>[A-Z][^,;:.()]{1,60}?)\s+(?:reported|said|reports|says|wrote),?\s+"
            r"(?:citing|quoting)\s+" + _NAME_EN + r"(?=[,;:.()]|\s+(?:as|who|which|that|on|in)\b|$)"
        ),
        re.compile(
            r"(?P<via>[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,5}?)\s+(?:cited|quoted)\s+" + _NAME_EN + r"\s+as\s+saying",
        ),
        re.compile(
            r"\b(?:according to|citing|cited by|quoting)\s+"
            + _NAME_EN
            + r"(?=[,;:.()]|\s+(?:as|who|which|that|on|in|late|early)\b|$)",
            re.IGNORECASE,
        ),
        re.compile(r"(?:^|[,;:\"“”]\s*|\bthat\s+)" + _NAME_EN + r"\s+(?:" + _ATTRIBUTION_VERBS_EN + r")\b"),
        re.compile(r"\b(?:said|says|told|reported|confirmed)\s+" + _NAME_EN + r"(?=[,;.]|$)"),
    ),
    carry=re.compile(
        r"^\W*(?:he|she|they|it|the (?:ministry|agency|official|spokesman|spokeswoman|statement))\s+"
        r"(?:said|added|told|says|confirmed)\b",
        re.IGNORECASE,
    ),
    weekdays=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    months={
        "jan": 1,
        "january": 1,
        "feb": 2,
        "february": 2,
        "mar": 3,
        "march": 3,
        "apr": 4,
        "april": 4,
        "may": 5,
        "jun": 6,
        "june": 6,
        "jul": 7,
        "july": 7,
        "aug": 8,
        "august": 8,
        "sep": 9,
        "sept": 9,
        "september": 9,
        "oct": 10,
        "october": 10,
        "nov": 11,
        "november": 11,
        "dec": 12,
        "december": 12,
    },
    yesterday=re.compile(r"\byesterday\b", re.IGNORECASE),
    trim=re.compile(
        r"^(?i:the|a|an|and|but|while|also|later|earlier|meanwhile|separately)\s+|"
        r"^[A-Z][\w-]*['’]s\s+(?=[A-Z])|"
        r"\s+(?:on|late|early|in|at|by|this|last)\s+.*$|\s+(?:had|has|have|also|later|earlier)$",
    ),
)

_NAME_RU = r"(?P<auth>[^,;:.()\"«»]{2,90}?)"
_RU = _Lexicon(
    subgroup=re.compile(
        r"^[^.;]{0,60}?(?:\bв том числе\b|\bиз (?:них|которых)\b|\bсреди (?:них|погибших|пострадавших|раненых|"
        r"задержанных)\b|\bвключая\b)[^.;]{0,25}$",
        re.IGNORECASE,
    ),
    mixed=re.compile(
        r"\b(?:погибших и раненых|убитых и раненых|погибшие и раненые|жертв и пострадавших)\b", re.IGNORECASE
    ),
    other_event=re.compile(r"\b(?:с тех пор|после теракта в|крупнейш|самый|самая|чем в)\b", re.IGNORECASE),
    not_people=re.compile(
        r"^\s*(?:[а-яё-]+\s+){0,1}?(?:лет|год|года|годов|месяц|недел|дн|день|дня|час|минут|км|километр|метр|"
        r"процент|домов|дом|здани|машин|автомобил|рубл|тенге|долл|раз|единиц|тонн|гектар|сел|населенн|город)",
        re.IGNORECASE,
    ),
    attribution=(
        re.compile(r"(?P<via>[А-ЯЁA-Z][\w-]*(?:\s+[\w-]+){0,3}?)\s+со ссылкой на\s+" + _NAME_RU + r"(?=[,;.]|$)"),
        re.compile(
            r"\b(?:по данным|по словам|по информации|согласно данным|со ссылкой на|сообщили в|сообщают в|"
            r"заявили в|сообщает|передает|передаёт|пресс-служба)\s+" + _NAME_RU + r"(?=[,;.]|$)",
            re.IGNORECASE,
        ),
        re.compile(
            r"\bкак (?:заявил|заявила|заявили|сообщил|сообщила|сообщило|сообщили|рассказал|рассказала|"
            r"уточнил|уточнила|отметил|отметила)\s+" + _NAME_RU + r"(?=[,;.]|$)",
            re.IGNORECASE,
        ),
        re.compile(
            r"(?:^|[,;:\"«»]\s*)" + _NAME_RU + r"\s+(?:сообщил|сообщила|сообщило|сообщили|заявил|заявила|"
            r"заявило|заявили|уточнил|уточнили|подтвердил|подтвердили|подтвердило|передает|передаёт|"
            r"сообщает|информирует)\b"
        ),
    ),
    carry=re.compile(r"^\W*(?:он|она|они|в ведомстве)\s+(?:сообщил|заявил|добавил|уточнил)", re.IGNORECASE),
    weekdays=("понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресень"),
    months={
        "январ": 1,
        "феврал": 2,
        "март": 3,
        "апрел": 4,
        "ма": 5,
        "июн": 6,
        "июл": 7,
        "август": 8,
        "сентябр": 9,
        "октябр": 10,
        "ноябр": 11,
        "декабр": 12,
    },
    yesterday=re.compile(r"\b(?:вчера|накануне)\b", re.IGNORECASE),
    trim=re.compile(
        r"^(?:и|а|также|позднее|ранее)\s+|\s+(?:в|во|на|по|от)\s+(?:понедельник|вторник|среду|четверг|"
        r"пятницу|субботу|воскресенье|\d).*$|\s+(?:также|ранее|позднее)$"
    ),
)
_LEXICONS = {"en": _EN, "ru": _RU}

# Sentence ends: a stop, then space, then a capital, digit or opening quote;
# not after a short abbreviation ("Mar.", "Gen.", "U.S.", "No.").
_SENTENCE_END = re.compile(r"[.!?]+[\"”»']?\s+(?=[\"“«(]?[A-ZА-ЯЁ0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mr|mrs|ms|dr|gen|lt|col|sgt|capt|gov|sen|rep|st|"
    r"no|nos|jr|sr|prof|maj|cpl|pvt|adm|cmdr|insp|supt|vs|approx|est|ул|г|гг|им|т|тыс|млн|чел)|\b[A-Za-zА-Яа-я]"
    r"|(?:\b[A-Za-z]\.)+[A-Za-z])\.$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|which|who|after|as|when|а|но|и)\b|\s[-–—]\s")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CLOCK = re.compile(
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?|часов|час|ч\.)(?!\w)|\b(?P<h2>\d{1,2}):(?P<m2>\d{2})\b",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"\b(?:as of|as at|by|по состоянию на|на)\b", re.IGNORECASE)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        head = text[start : m.start() + 1].rstrip("\"”»'")
        if _ABBREVIATION.search(head):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _stem_match(words: Sequence[str], stems: Sequence[str]) -> int:
    """Index of the first word that a stem (or a multi-word phrase) starts; -1 if none."""
    for i, w in enumerate(words):
        for stem in stems:
            if " " in stem:
                parts = stem.split()
                if words[i : i + len(parts)] == parts:
                    return i
            elif w.startswith(stem) and (len(w) - len(stem) <= 4):
                return i
    return -1


def _metric_of(words: Sequence[str], table: Mapping[str, tuple[str, ...]], *, last: bool) -> tuple[str, int] | None:
    """The metric whose stem occurs nearest the figure: first word after it, or last word before it."""
    best: tuple[str, int] | None = None
    for metric, stems in table.items():
        seq = list(reversed(words)) if last else list(words)
        i = _stem_match(seq, stems)
        if i >= 0 and (best is None or i < best[1]):
            best = (metric, i)
    return best


def _group_of(after: str, table: Mapping[str, str]) -> str:
    """The group named by the first words after a figure ("18 police officers")."""
    for w in _words(after)[:3]:
        for stem, group in table.items():
            if w == stem or (len(stem) >= 4 and w.startswith(stem)):
                return group
        if w in {"of", "more", "other", "people's", "из", "них"}:
            continue
    return "all"


_NAME_BEFORE = re.compile(r"(?:^|[^.!?\s]\s+)([A-ZА-ЯЁ][\w-]+)\s+$")


def _is_name(text: str, sentence_start: int, m: FigureMatch) -> bool:
    """A bare number after a capitalised word inside a sentence is part of a name ("Khabar 24", "Flight 752")."""
    if m.figure.qualifier.value != "exact" or not m.text[:1].isdigit():
        return False
    before = _NAME_BEFORE.search(text[max(sentence_start, m.start - 40) : m.start])
    return before is not None and before.group(1).lower() not in _NOT_NAMES


def _has_group(after: str, table: Mapping[str, str]) -> bool:
    """Whether a noun of ``table`` directly follows a figure."""
    words = _words(after)[:1]
    return bool(words) and any(words[0] == stem or (len(stem) >= 4 and words[0].startswith(stem)) for stem in table)


def _clean_name(name: str, lexicon: _Lexicon) -> str | None:
    name = " ".join(name.split()).strip(" \"'“”«»")
    for _ in range(3):
        name = lexicon.trim.sub("", name).strip()
    words = name.split()
    if not words or len(words) > 8 or words[0][0].isdigit():
        return None
    if words[0].lower() in {"it", "he", "she", "they", "who", "which", "that", "this", "there", "он", "она", "они"}:
        return None
    return name


def _attribution(sentence: str, lexicon: _Lexicon, outlet: str | None) -> tuple[str | None, str | None]:
    for pattern in lexicon.attribution:
        for m in pattern.finditer(sentence):
            auth = _clean_name(m.group("auth"), lexicon)
            if auth is None or _words(auth)[:1] in (["people"], ["there"]):
                continue
            via = None
            if "via" in pattern.groupindex and m.group("via"):
                via = _clean_name(m.group("via"), lexicon)
            told = re.search(r"\btold\s+([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})", sentence)
            if via is None and told and told.group(1) not in {"reporters", "journalists"}:
                via = told.group(1).rstrip(".")
            if via is not None and outlet is not None and via.casefold() == outlet.casefold():
                via = None
            return auth, via
    return None, None


@attrs.frozen
class _When:
    day: dt.date | None
    clock: tuple[int, int] | None


def _weekday_day(published: dt.date, weekday: int) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _time_in(sentence: str, lexicon: _Lexicon, published: dt.date | None) -> _When | None:
    """The time a sentence states for its figures, resolved against the publication day."""
    low = sentence.lower()
    words = _WORD.finditer(low)
    day: dt.date | None = None
    for m in words:
        w = m.group()
        nxt = low[m.end() : m.end() + 2]
        if nxt.startswith(("'s", "’s")) or w.endswith(("'s", "’s")):
            continue  # "Friday's attack" dates the event, not the count
        for i, stem in enumerate(lexicon.weekdays):
            if w.startswith(stem) and len(w) - len(stem) <= 2 and published is not None:
                day = _weekday_day(published, i)
                break
        if day is not None:
            break
        month = (
            lexicon.months.get(w)
            if lexicon is _EN
            else next(
                (v for k, v in lexicon.months.items() if w.startswith(k) and len(w) - len(k) <= 3 and len(w) >= 3), None
            )
        )
        if month is not None:
            before = re.search(r"(\d{1,2})\s*(?:-?го\s+)?$", low[: m.start()])
            after = re.match(r"\.?\s*(\d{1,2})(?!\d|:)", low[m.end() :])
            number = after.group(1) if after else (before.group(1) if before else None)
            if number is not None and 1 <= int(number) <= 31:
                year = published.year if published is not None else None
                if year is not None:
                    try:
                        candidate = dt.date(year, month, int(number))
                    except ValueError:
                        continue
                    if candidate > published + dt.timedelta(days=1):  # type: ignore[operator]
                        candidate = candidate.replace(year=year - 1)
                    day = candidate
                    break
    if day is None and lexicon.yesterday.search(sentence) and published is not None:
        day = published - dt.timedelta(days=1)
    clock = None
    for c in _CLOCK.finditer(sentence):
        h = int(c.group("h") or c.group("h2"))
        minute = int(c.group("m") or c.group("m2") or 0)
        ap = (c.group("ap") or "").lower().replace(".", "")
        if ap == "pm" and h < 12:
            h += 12
        if ap == "am" and h == 12:
            h = 0
        if h < 24 and minute < 60:
            clock = (h, minute)
            break
    if day is None and clock is None:
        return None
    return _When(day, clock)


# Capitalised words before a number that do not make it a name.
_NOT_NAMES = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "by",
        "to",
        "and",
        "of",
        "some",
        "about",
        "around",
        "at",
        "least",
        "total",
        "killed",
        "killing",
        "kills",
        "wounded",
        "injured",
        "arrested",
        "detained",
        "only",
        "another",
        "all",
        "almost",
        "nearly",
        "over",
        "more",
        "than",
    ]
)
_STOP_AFTER = frozenset(
    {"and", "or", "while", "but", "as", "after", "when", "with", "since", "и", "или", "а", "но", "после"}
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_PREVIOUS = re.compile(r"\b(?:last year|previous|earlier this year|в прошлом году|ранее в)\b", re.IGNORECASE)


@attrs.define
class _Candidate:
    match: FigureMatch
    metric: str | None
    immediate: bool
    group: str
    clause: tuple[int, int]
    parent: int | None = None
    lent: bool = False


def _bounds(sentence: str, offset: int, at: int, end: int) -> tuple[int, int]:
    """The clause of a figure: from the last break before it to the next break after it."""
    start, stop = offset, offset + len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        pos = offset + m.start()
        if pos < at:
            start = offset + m.end()
        elif pos >= end:
            stop = pos
            break
    return start, stop


def _after_words(after: str, groups: Mapping[str, str]) -> list[str]:
    """Words after a figure, up to a conjunction that starts another clause ("... and wounding 100")."""
    words = _words(after)[:8]
    for i, w in enumerate(words):
        if (
            w in _STOP_AFTER
            and i + 1 < len(words)
            and _group_of(words[i + 1], groups) == "all"
            and words[i + 1] not in groups
        ):
            return words[:i]
    return words


def _published(published: Any, tz: str | dt.tzinfo) -> pd.Timestamp | None:
    if published is None:
        return None
    try:
        stamp = pd.Timestamp(published)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"'published' must be a date or time such as '2022-01-10' or '2022-01-10T14:00+06:00' (got {published!r})"
        ) from exc
    if pd.isna(stamp):
        raise InvalidArgumentError(f"'published' must be a date or time (got {published!r})")
    return stamp.tz_localize(tz) if stamp.tzinfo is None else stamp


def extract_observations(
    text: str,
    *,
    published: str | dt.date | pd.Timestamp | None = None,
    outlet: str | None = None,
    url: str | None = None,
    language: str = "en",
    conventions: Conventions | None = None,
    tz: str | dt.tzinfo = "UTC",
    metric_words: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    r"""Find the tolls in article text, as rows of the observation schema.

    Parameters
    ----------
    text : str
        The article, or any part of it.
    published : str, date or Timestamp, optional
        When the article appeared. Weekdays, "yesterday" and dates without a
        year are resolved against it, and a figure with no time of its own is
        as of this day. Without it such figures get ``as_of`` ``NaT`` (which
        :func:`~kzfigures.from_frame` refuses, by row).
    outlet, url : str, optional
        Filled into every row; an outlet named in the text ("told Reuters")
        is a ``via`` only if it is not this outlet.
    language : {"en", "ru"}
        The language of ``text``.
    conventions : Conventions, optional
        How figure phrases are read (default
        :data:`~kzfigures.DEFAULT_CONVENTIONS`).
    tz : str or tzinfo
        Zone of ``published`` when it has no offset (default UTC); the times
        of the rows are in it.
    metric_words : mapping, optional
        Metric -> word stems, replacing :data:`METRIC_WORDS` for ``language``;
        to add a metric, pass ``{**METRIC_WORDS["en"], "abducted": ("abducted",)}``.

    Returns
    -------
    DataFrame
        The columns of :data:`~kzfigures.frame.COLUMNS` with their dtypes, then
        :data:`EXTRA_COLUMNS`: ``start``/``end`` (offsets of the figure phrase in
        ``text``), ``parent`` (the ``id`` of the total a subgroup belongs to,
        else ``<NA>``) and ``confidence`` (in [0, 1]: 1 when the metric word
        follows the figure and a source is named; lower when the metric came
        from before the figure or from its total, or no source is named). Ids
        are ``<first 8 hex digits of the text's SHA-1>-<n>``, so they are
        stable for the same text. ``cumulative`` is True (a toll is a running
        total); ``quote`` is the clause that states the figure.

    Raises
    ------
    InvalidArgumentError
        A ``language`` other than "en" or "ru", a ``text`` that is not a
        string, or a ``published`` that is not a time.

    Examples
    --------
    "rose by one to 158" states the new total; the subgroup is linked to it:

    >>> f = extract_observations(
    ...     "The death toll rose to 158, including 26 foreigners, police said as of 6 a.m. Monday. "
    ...     "Some 100,000 people had gathered in the area.", published="2022-11-01", tz="Asia/Seoul")
    >>> f[["figure", "group", "authority"]].values.tolist()
    [['158', 'all', 'police'], ['26', 'foreigners', 'police']]
    >>> f.loc[1, "parent"] == f.loc[0, "id"], str(f.loc[0, "as_of"]), f.loc[0, "as_of_precision"]
    (True, '2022-10-31 06:00:00+09:00', 'hour')
    >>> from kzfigures import from_frame
    >>> len(from_frame(f))  # accepted unchanged
    2
    """
    if language not in LANGUAGES:
        raise InvalidArgumentError(f"'language' must be one of {', '.join(LANGUAGES)} (got {language!r})")
    if not isinstance(text, str):
        raise InvalidArgumentError(f"'text' must be a string (got {type(text).__name__})")
    pub = _published(published, tz)
    zone = pub.tzinfo if pub is not None else tz
    pub_day = pub.date() if pub is not None else None
    lexicon = _LEXICONS[language]
    metrics = {k: tuple(v) for k, v in (metric_words or METRIC_WORDS[language]).items()}
    groups = GROUP_WORDS[language]
    options: dict[str, Any] = {} if language == "en" else {"language": language}
    found = extract_figures(text, conventions, **options)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]

    records: list[dict[str, Any]] = []
    speaker: tuple[str | None, str | None] = (None, None)
    at = 0
    for a, b in _sentences(text):
        sentence = text[a:b]
        figures = []
        while at < len(found) and found[at].start < b:
            if found[at].start >= a:
                figures.append(found[at])
            at += 1
        auth, via = _attribution(sentence, lexicon, outlet)
        if auth is None and lexicon.carry.search(sentence):
            auth, via = speaker
        if auth is not None:
            speaker = (auth, via)
        if not figures:
            continue
        when = _time_in(sentence, lexicon, pub_day)
        candidates: list[_Candidate] = []
        for k, m in enumerate(figures):
            c_start, c_end = _bounds(sentence, a, m.start, m.end)
            nxt = figures[k + 1].start if k + 1 < len(figures) else b
            prev = figures[k - 1].end if k > 0 else a
            after_text = text[m.end : min(c_end, nxt)]
            before_text = text[max(c_start, prev) : m.start]
            if (
                _is_name(text, a, m)
                or lexicon.not_people.match(after_text)
                or lexicon.mixed.search(text[m.end : min(c_end, m.end + 60)])
            ):
                continue
            if _PREVIOUS.search(text[max(a, m.start - 80) : m.start]) or any(
                pub_day is None or int(y) not in (pub_day.year, pub_day.year - 1)
                for y in _YEAR.findall(text[a : m.start])
            ):
                continue
            after = _metric_of(_after_words(after_text, groups), metrics, last=False)
            before = _metric_of(_words(before_text)[-7:], metrics, last=True)
            metric, immediate = None, False
            if after is not None and after[1] <= 3:
                metric, immediate = after[0], True
            elif before is not None and before[1] <= 4:
                metric = before[0]
            elif after is not None:
                metric = after[0]
            elif before is not None:
                metric = before[0]
            group = _group_of(after_text, groups)
            if group == "all" and candidates and not _has_group(after_text, groups):
                # "18 police officers killed and 748 wounded": the second count is of the same people.
                p = candidates[-1]
                if p.match.end > c_start - 1 and re.fullmatch(
                    r"[^\d;]{0,60}\s(?:and|и)\s*", text[p.match.end : m.start]
                ):
                    group = p.group
            candidates.append(_Candidate(m, metric, immediate, group, (c_start, c_end)))
        # Subgroups: "164 people, including three children"; "... three children and two police".
        for k in range(1, len(candidates)):
            c, p = candidates[k], candidates[k - 1]
            between = text[p.match.end : c.match.start]
            if lexicon.subgroup.search(between) and p.parent is None:
                c.parent = k - 1
            elif p.parent is not None and re.fullmatch(r"\s*[^\W\d]+(?:\s+[^\W\d]+)?\s*(?:,|and|и)?\s*", between):
                c.parent = p.parent
            if c.parent is not None:
                total = candidates[c.parent]
                if total.metric is None and c.metric is not None:
                    total.metric, total.lent = c.metric, True
                elif c.metric is None and total.metric is not None:
                    c.metric, c.lent = total.metric, True
        index = {id(c): None for c in candidates}
        for c in candidates:
            if c.metric is None:
                continue
            n = len(records)
            index[id(c)] = f"{digest}-{n:02d}"  # type: ignore[assignment]
            parent_id = index.get(id(candidates[c.parent])) if c.parent is not None else None
            as_of, precision = _as_of(when, pub, pub_day, zone)
            figure: Figure = c.match.figure
            confidence = 1.0 * (1.0 if c.immediate else 0.8) * (1.0 if auth else 0.85) * (0.8 if c.lent else 1.0)
            records.append(
                {
                    "id": index[id(c)],
                    "metric": c.metric,
                    "group": c.group,
                    "region": "all",
                    "low": figure.low,
                    "high": figure.high,
                    "stated": figure.stated,
                    "qualifier": figure.qualifier.value,
                    "figure": c.match.text,
                    "as_of": as_of,
                    "as_of_precision": precision,
                    "published": pub,
                    "published_precision": _precision_of(pub),
                    "outlet": outlet,
                    "outlet_kind": "other",
                    "authority": auth,
                    "via": via,
                    "cumulative": True,
                    "quote": " ".join(text[c.clause[0] : c.clause[1]].split())[:200],
                    "url": url,
                    "note": None,
                    "start": c.match.start,
                    "end": c.match.end,
                    "parent": parent_id,
                    "confidence": round(confidence, 3),
                }
            )
    return _frame(records, zone)


def _precision_of(stamp: pd.Timestamp | None) -> str | None:
    if stamp is None:
        return None
    if stamp == stamp.normalize():
        return Precision.DAY.value
    return (Precision.HOUR if stamp.minute == 0 and stamp.second == 0 else Precision.MINUTE).value


def _as_of(
    when: _When | None, pub: pd.Timestamp | None, pub_day: dt.date | None, zone: Any
) -> tuple[pd.Timestamp | None, str | None]:
    day = when.day if when is not None and when.day is not None else pub_day
    if day is None:
        return None, None
    clock = when.clock if when is not None else None
    if clock is None:
        return pd.Timestamp(day).tz_localize(zone), Precision.DAY.value
    stamp = pd.Timestamp(dt.datetime(day.year, day.month, day.day, *clock)).tz_localize(zone)
    return stamp, (Precision.HOUR if clock[1] == 0 else Precision.MINUTE).value


def _frame(records: list[dict[str, Any]], zone: Any) -> pd.DataFrame:
    columns: dict[str, pd.Series[Any]] = {}
    for name, kind in COLUMNS.items():
        values = [r[name] for r in records]
        if kind == "datetime":
            times = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
            columns[name] = times.dt.tz_convert(zone).astype(pd.DatetimeTZDtype("ns", zone))
        else:
            columns[name] = pd.Series(values, dtype=kind if kind != "bool" else "bool")
    columns["start"] = pd.Series([r["start"] for r in records], dtype="int64")
    columns["end"] = pd.Series([r["end"] for r in records], dtype="int64")
    columns["parent"] = pd.Series([r["parent"] for r in records], dtype="string")
    columns["confidence"] = pd.Series([r["confidence"] for r in records], dtype="float64")
    return pd.DataFrame(columns)
