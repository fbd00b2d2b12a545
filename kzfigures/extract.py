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

How a figure becomes a row, sentence by sentence (``docs/extraction.md``
states each rule with its examples):

1. **Metric.** A figure is a toll only if a metric word is bound to it:
   after it in its clause ("40 people were killed", "748 wounded"), or
   before it with no other figure between ("killing at least 40", "the
   death toll rose to 158"); see :data:`METRIC_WORDS`. A figure with none
   (a crowd, deployed troops, a date) gives no row.
2. **Not a toll after all.** Counts of things, increments ("two more
   bodies"), deployed or gathered people, ages, names, mixed counts ("145
   casualties") and a figure after another year in its sentence give no row.
3. **Group.** The noun after the figure, up to a comma, read through
   :data:`GROUP_WORDS`; a nationality is ``foreigners``; "N of the dead were
   children" names it after "were"; "18 officers killed and 748 injured"
   counts the same people twice; otherwise ``all``.
4. **Subgroups and lists.** A figure after "including", "among them", "of
   whom", "of them", or opening a sentence with them, is a subgroup of the
   toll before it (``parent``). Totals, subgroups, coordinated counts, an
   earlier figure ("up from 1,037", "from 31 to 54") and lists lend each
   other a metric only one of them states.
5. **Attribution.** The nearest of "X said", "said X", "according to X(,
   cited by V)", "citing X", "V cited/quoted X as saying", "X was quoted by V
   as saying", "X told V": ``authority`` X, ``via`` V (unless V is the
   ``outlet``). "he said", "the group", "ведомство" point back to the
   previous speaker.
6. **Time.** Weekdays, dates and "yesterday", ranked: after "as of" first,
   next to "said" second, never a time that dates the event ("Friday's
   attack", "began on Sept. 21"); resolved against ``published`` (a weekday
   is the latest such day on or before it) and never after it. Otherwise the
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

import bisect
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

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
        "injured": (
            "injured",
            "injuries",
            "injuring",
            "wounded",
            "wounding",
            "hurt",
            "wounds",
            "injury",
            "medical help",
            "medical attention",
            "medical assistance",
            "medical care",
        ),
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
        "hospitalized": ("hospitalized", "hospitalised", "hospital", "hospitals"),
        "missing": ("missing", "unaccounted"),
        "displaced": ("displaced", "homeless", "fled"),
        "evacuated": ("evacuated", "evacuation", "evacuating"),
    },
    "ru": {
        "killed": ("погиб", "гибел", "убит", "умер", "скончал", "жертв", "смерт", "жизн", "ликвидир", "тела"),
        "injured": ("ранен", "ранил", "пострадав", "пострадал", "травм", "медицинской помощью", "к медикам"),
        "detained": ("задерж", "арест", "под стражу", "доставлены в полицию"),
        "hospitalized": ("госпитализ", "больниц", "реанимац", "стационар"),
        "missing": ("пропал", "пропавш", "без вести"),
        "displaced": ("перемещ", "лишились жилья", "бежал", "временного размещения", "переселен"),
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
        "guards": "workers",
        "teachers": "workers",
        "teacher": "workers",
        "staff": "workers",
        "agents": "law_enforcement",
        "agent": "law_enforcement",
        "hostage-takers": "armed_assailants",
        "citizens": "all",
        "residents": "residents",
        "villagers": "residents",
        "students": "students",
        "pupils": "students",
    },
    "ru": {
        "человек": "all",
        "люди": "all",
        "людей": "all",
        "граждан": "all",
        "пострадавш": "all",
        "мирн": "civilians",
        "дети": "children",
        "детей": "children",
        "детям": "children",
        "ребен": "children",
        "ребён": "children",
        "несовершеннолет": "children",
        "школьник": "students",
        "студент": "students",
        "женщин": "women",
        "полицейск": "law_enforcement",
        "страж": "law_enforcement",
        "вооруж": "armed_assailants",
        "преступник": "armed_assailants",
        "провокатор": "armed_assailants",
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
        "учител": "workers",
        "педагог": "workers",
        "бойц": "security_forces",
        "спецназ": "security_forces",
        "горняк": "workers",
        "шахтер": "workers",
        "шахтёр": "workers",
        "жител": "residents",
    },
}


class _Cued(NamedTuple):
    """A pattern, and words one of which a sentence must hold for it to be worth trying (none: always try)."""

    cue: tuple[str, ...]
    pattern: re.Pattern[str]


@attrs.frozen
class _Lexicon:
    """The words one language needs beyond ``METRIC_WORDS`` and ``GROUP_WORDS``."""

    subgroup: re.Pattern[str]  # between a total and its subgroup
    mixed: re.Pattern[str]  # a count of several metrics at once
    not_people: re.Pattern[str]  # nouns after a figure that are not people
    not_after: re.Pattern[str]  # words after a figure that make it no toll ("two more", "were deployed")
    not_before: re.Pattern[str]  # words before a figure that make it no toll ("a crowd of", "surpassed the")
    attribution: tuple[_Cued, ...]  # named groups: auth, via
    carry: re.Pattern[str]  # a sentence whose speaker is the previous sentence's
    weekdays: re.Pattern[str]  # group i+1 matches weekday i (Monday = 0)
    months: Mapping[str, int]
    yesterday: re.Pattern[str]
    trim: re.Pattern[str]  # words to strip from the ends of a speaker's name
    anaphor: re.Pattern[str]  # a name that points back to the previous speaker ("ведомства")
    in_hospital: re.Pattern[str]  # words that make a count of injured a count in hospital
    opens_subgroup: re.Pattern[str]  # a sentence that opens with these goes on from the last total
    said_cue: re.Pattern[str]  # a word every attribution needs: sentences without one are skipped
    time_cue: re.Pattern[str]  # a word every stated time needs
    time_word: re.Pattern[str]  # the words a day is named by: weekdays, months, "yesterday" (lower case)


# Words one of which a sentence holds if a name-then-verb attribution can match in it.
_SAID_WORDS_EN = (
    "said",
    "says",
    "say",
    "told",
    "confirm",
    "report",
    "announc",
    "stated",
    "added",
    "adds",
    "wrote",
    "posted",
    "tweeted",
    "informed",
    "gave",
    "cited",
    "put the",
)
_ATTRIBUTION_VERBS_EN = (
    r"said|says|say|told|confirmed|reported|announced|stated|added|wrote|posted|tweeted|"
    r"reports|confirms|announces|adds|informed|gave|cited|"
    r"put the (?:death |official |overall )?(?:toll|number|figure|casualties|tally|count)"
)
# A speaker's name: no clause punctuation, but an acronym in brackets may follow it ("... Rights (KNCHR)").
_NAME_EN = (
    r"(?P<auth>(?:[^\s,;:()\"“”—–]+|\([A-Z][\w-]{1,12}\))(?:\s+(?:[^\s,;:()\"“”—–]+|\([A-Z][\w-]{1,12}\))){0,9}?)"
)

_EN = _Lexicon(
    subgroup=re.compile(
        r"^[^;!?]{0,60}?(?:\bincluding\b|\bamong (?:them|whom|those|the (?:dead|victims|injured|wounded|detained|"
        r"killed))(?: were)?\b|\bof (?:whom|them|those)\b|\bincluded\b)[^.;]{0,25}$",
        re.IGNORECASE,
    ),
    mixed=re.compile(
        r"\b(?:casualties|dead and (?:injured|wounded)|killed and (?:injured|wounded)|(?:injured|wounded) and "
        r"(?:dead|killed)|dead or (?:injured|wounded))\b",
        re.IGNORECASE,
    ),
    not_people=re.compile(
        r"^\s*(?:(?!(?:in|at|on|of|from|across|to|into|for)\s)[\w.-]+\s+){0,2}?"
        r"(?:years?|months?|weeks?|days?|hours?|minutes?|km|kilometers?|kilometres?|miles?|"
        r"meters?|metres?|feet|percent|per cent|homes|houses|buildings|vehicles|cars|trucks|dollars|"
        r"times|rounds|shots|cases|tons|tonnes|hectares|acres|flights|villages|districts|cities|provinces|"
        r"hospitals|clinics|churches|mosques|temples|hotels|schools|explosions|blasts|bombs|bombings|attacks|"
        r"incidents|sites|locations|apartments|floors|storeys|stories|ambulances|helicopters|aircraft|planes|boats|"
        r"ships|vessels|trains|carriages|coaches|buses|regions|states|countries|towns|neighbou?rhoods|streets|"
        r"roads|bridges|kilos|kilograms|degrees|points|seconds|decades|teams|units|squads|shelters|camps|tents|"
        r"graves|morgues|mortuaries|volunteers|dams|tanks|guns|rifles|weapons|grenades|drones|missiles|rockets)\b",
        re.IGNORECASE,
    ),
    not_after=re.compile(
        r"^(?:-[^\W\d]|\s+more\s+(?:bod(?:y|ies)|deaths?|victims?|fatalit\w+|[A-Z]\w+ nationals|people (?:have |had )?"
        r"died|(?:have |had )?died|succumbed)|\s*(?:[\w-]+\s+){0,4}?(?:were |are |have been |had been |was )?"
        r"(?:deployed|engaged|dispatched|mobili[sz]ed|working|involved|took part|taking part|gathered|attended|"
        r"marched|rallied|searching|combing|need|needs|needed|require|required|affected|rescued|saved|survived|"
        r"freed|released|escaped|accounted for|found alive|found safe|returned home|sentenced|charged|convicted|"
        r"indicted|acquitted)\b|"
        r"\s*(?:[\w-]+\s+){0,6}?since\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|(?:19|20)\d\d)\w*|"
        r"\s+of the (?:wounded|injured)\s+(?:\w+\s+)?(?:died|succumbed))",
        re.IGNORECASE,
    ),
    not_before=re.compile(
        r"(?:\b(?:crowds?|audience|gathering|population|capacity|convoy|force) of|\b(?:surpass\w*|exceed\w*|"
        r"than|compared (?:with|to)|dead and (?:injured|wounded)|killed and (?:injured|wounded)|"
        r"casualties)(?: the| a| an)?|\bcall|\bdial|\baged\s+\d+\s+and)\s*$",
        re.IGNORECASE,
    ),
    attribution=(
        # "Khabar 24 reported, citing the Interior Ministry"; "Moroccan television, citing the ministry, said"
        _Cued(
            ("citing", "quoting"),
            re.compile(
                r"(?:^|[,;:]\s*)(?P<via>[A-Z][^,;:.()]{1,60}?)(?:\s+(?:reported|said|reports|says|wrote))?,?\s+"
                r"(?:citing|quoting)\s+" + _NAME_EN + r"(?=[,;:.()]|\s+(?:as|who|which|that|on|in)\b|$)"
            ),
        ),
        # "TASS cited the FSB as saying"; "with the official news agency IRNA quoting the minister as saying"
        _Cued(
            ("as saying", "as telling"),
            re.compile(
                r"(?P<via>(?:[\w'’.-]+\s+){0,5}?[\w'’.-]+)\s+(?:cited|quoted|quoting|citing)\s+"
                + _NAME_EN
                + r"\s+as\s+(?:saying|telling)",
            ),
        ),
        _Cued(
            ("according", "citing", "cited by", "quoting"),
            re.compile(
                r"\b(?:according to|citing|cited by|quoting)\s+"
                + _NAME_EN
                + r"(?:,\s*(?:cited|quoted|reported) by\s+(?P<via>[^,;:()]{2,60}?))?"
                + r"(?=[,;:.()]|\s+(?:as|who|which|that|on|in|late|early)\b|$)",
                re.IGNORECASE,
            ),
        ),
        # "Jafar Miadfar, head of the emergency services, said": the name before the apposition
        _Cued(
            _SAID_WORDS_EN,
            re.compile(
                r"(?:^|[,;:\"“”]\s*)(?P<auth>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}),\s*[^,;:.()\"“”\d]{2,80}?,\s+(?:"
                + _ATTRIBUTION_VERBS_EN
                + r")\b"
            ),
        ),
        # "police said"
        _Cued(
            _SAID_WORDS_EN,
            re.compile(
                r"(?:^|[,;:\"“”]\s*|\s[-–—]{1,2}\s+|\b(?:that|as|while|though|although|but|and|after|when)\s+)"
                + _NAME_EN
                + r"\s+(?:"
                + _ATTRIBUTION_VERBS_EN
                + r")\b"
            ),
        ),
        # "..., said Health Minister Koca."
        _Cued(
            ("said", "says", "told", "reported", "confirmed"),
            re.compile(r"[,;\"“”]\s*(?:said|says|told|reported|confirmed)\s+" + _NAME_EN + r"(?=[,;]|\.?$)"),
        ),
        # "X was quoted by the Itar-Tass news agency as saying"
        _Cued(
            ("quoted by", "cited by"),
            re.compile(
                r"(?:^|[,;:]\s*|\s[-–—]{1,2}\s+)"
                + _NAME_EN
                + r"\s+(?:was|were)\s+(?:quoted|cited)\s+by\s+(?P<via>[^,;:()]{2,60}?)\s+as\s+saying"
            ),
        ),
    ),
    carry=re.compile(
        r"(?:^\W*|[,;]\s+)(?:he|she|they|it|the (?:ministry|agency|official|spokesman|spokeswoman|statement))\s+"
        r"(?:\w+ )?(?:said|added|told|says|confirmed|put|gave|reported|noted|stated)\b",
        re.IGNORECASE,
    ),
    weekdays=re.compile(r"(monday)|(tuesday)|(wednesday)|(thursday)|(friday)|(saturday)|(sunday)"),
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
    in_hospital=re.compile(
        r"\b(?:admitted to|taken to|still in|remain(?:ed|s)? in|receiving treatment|being treated|treated (?:at|in))"
        r"\s+(?:\w+\s+)?hospitals?\b|\bin (?:intensive care|hospital)\b",
        re.IGNORECASE,
    ),
    opens_subgroup=re.compile(
        r"\W*(?:including|among (?:them|those|the (?:dead|victims|injured|wounded|detained|killed))|"
        r"of (?:them|those))\b",
        re.IGNORECASE,
    ),
    said_cue=re.compile(
        r"\b(?:said|says|say|told|confirm|report|announc|stated|added|adds|wrote|posted|tweeted|informed|gave|"
        r"cited|citing|quot|according|put)",
        re.IGNORECASE,
    ),
    time_cue=re.compile(
        r"day\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|yesterday|\d[:.]\d\d|[ap]\.?m\b",
        re.IGNORECASE,
    ),
    time_word=re.compile(
        r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|"
        r"july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
        r"yesterday)(?:['’]s)?\b"
    ),
    anaphor=re.compile(
        r"(?:(?:rights|monitoring|advocacy|aid|human rights) )?(?:group|watchdog|monitor|organi[sz]ation)|"
        r"(?:the )?(?:ministry|committee|commission|institute|agency|department)",
        re.IGNORECASE,
    ),
    trim=re.compile(
        r"^(?i:the|a|an|and|but|while|also|later|earlier|meanwhile|separately|as|that|though|although|when|"
        r"because|whereas)\s+|"
        r"^[A-Z][\w-]*['’]s\s+(?=[A-Z])|"
        r"\s+(?:on|late|early|in|at|by|this|last|earlier|later)\s+(?:monday|tuesday|wednesday|thursday|friday|"
        r"saturday|sunday|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d|a statement|a press|a news|"
        r"the (?:morning|evening|afternoon|night|day|week)|that|an? (?:interview|update|briefing|post)|"
        r"(?:state )?television|tv|social|its|his|her|their|telegram|twitter|x\b).*$|"
        r"\s+(?:had|has|have|also|later|earlier)$",
    ),
)

_NAME_RU = r"(?P<auth>[^\s,;:.()\"]+(?:\s+[^\s,;:.()\"]+){0,9}?)"
_VERBS_RU = (
    r"(?:сообщ|заяв|уточн|подтверд|переда|информир|написа|рассказа|отмети|добави|доложи|насчита|назыв|привод|"
    r"объяви|уведоми)\w*"
)
_WEEKDAYS_RU = r"понедельник|вторник|сред|четверг|пятниц|суббот|воскресень"
_RU = _Lexicon(
    subgroup=re.compile(
        r"^[^;!?]{0,60}?(?:\bв том числе\b|\bиз (?:них|которых)\b|\bсреди (?:них|погибших|пострадавших|раненых|"
        r"задержанных)\b|\bвключая\b)[^.;]{0,25}$",
        re.IGNORECASE,
    ),
    mixed=re.compile(
        r"\b(?:погибших и раненых|убитых и раненых|погибшие и раненые|жертв и пострадавших)\b", re.IGNORECASE
    ),
    not_people=re.compile(
        r"^\s*(?:[а-яё-]+\s+){0,1}?(?:лет|год|года|годов|месяц|недел|дн|день|дня|час|минут|км|километр|метр|"
        r"процент|домов|дом|здани|машин|автомобил|рубл|тенге|долл|раз|единиц|тонн|гектар|сел|населенн|город)",
        re.IGNORECASE,
    ),
    not_after=re.compile(
        r"^(?:-[^\W\d]|\s+(?:ещё|еще)\b|\s*(?:[\w-]+\s+){0,4}?(?:задействован\w*|привлечен\w*|привлечён\w*|"
        r"работа\w*|участвова\w*|собрал\w*|вышл\w*|спасен\w*|спасён\w*|освобожден\w*|освобождён\w*|"
        r"выписан\w*|нужда\w*))",
        re.IGNORECASE,
    ),
    not_before=re.compile(r"(?:\bболее чем на|\bпревысил\w*|\bчем)\s*$", re.IGNORECASE),
    attribution=(
        # "передаёт ТАСС со ссылкой на Минздрав"
        _Cued(
            ("со ссылкой",),
            re.compile(
                r"(?P<via>[А-ЯЁA-Z«][\w«»-]*(?:\s+[\w«»-]+){0,3}?)\s+со ссылкой на\s+" + _NAME_RU + r"(?=[,;.]|$)"
            ),
        ),
        # "заявил в эфире телеканала «Хабар 24» заместитель ... Даурен Абаев"
        _Cued(
            ("в эфире",),
            re.compile(
                r"\b(?:"
                + _VERBS_RU
                + r")\s+(?:в\s+\w+\s+)?в эфире\s+(?:телеканала\s+|радио\s+)?«(?P<via>[^»]{2,40})»\s+"
                + _NAME_RU
                + r"(?=[,;.]|$)",
                re.IGNORECASE,
            ),
        ),
        _Cued(
            (),
            re.compile(
                r"\b(?:по (?:\w+ )?данным|по словам|по информации|согласно данным|со ссылкой на|(?:" + _VERBS_RU + r")"
                r"(?:\s+в\s+(?:" + _WEEKDAYS_RU + r")\w*)?\s+в|пресс-служба)\s+" + _NAME_RU + r"(?=[,;.]|$)",
                re.IGNORECASE,
            ),
        ),
        # "как заявил X", "сообщил в субботу X."
        _Cued(
            (),
            re.compile(
                r"(?:\bкак\s+|[,;]\s*)(?:"
                + _VERBS_RU
                + r")(?:\s+(?:в|во)\s+(?:"
                + _WEEKDAYS_RU
                + r")\w*)?\s+"
                + _NAME_RU
                + r"(?=[,;.]|$)",
                re.IGNORECASE,
            ),
        ),
        # "X сообщил"; "Минздрав Подмосковья, обновив сведения, насчитал"
        _Cued(
            (),
            re.compile(
                r"(?:^|[,;:\"«»]\s*|\s[-–—]\s+)" + _NAME_RU + r"(?:,\s*[^,;:.()\d]{2,80}?,)?\s+(?:" + _VERBS_RU + r")\b"
            ),
        ),
    ),
    carry=re.compile(
        r"(?:^\W*|[,;]\s+)(?:он|она|они|в ведомстве)\s+(?:" + _VERBS_RU + r")|\bпо (?:его|её|ее|их) (?:словам|данным)|"
        r"\bпо данным (?:ведомства|министерства|службы)",
        re.IGNORECASE,
    ),
    weekdays=re.compile(
        r"(понедельник[аеу]?)|(вторник[аеу]?)|(сред[аеуы]|средой)|(четверг[аеу]?)|(пятниц[аеуы]|пятницей)|"
        r"(суббот[аеуы]|субботой)|(воскресень[еяю]|воскресеньем)"
    ),
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
    in_hospital=re.compile(r"стационар|реанимац|в больниц|госпитализ", re.IGNORECASE),
    opens_subgroup=re.compile(
        r"\W*(?:в том числе|из (?:них|которых)|среди (?:них|погибших|пострадавших|раненых|задержанных))\b",
        re.IGNORECASE,
    ),
    said_cue=re.compile(
        r"сообщ|заяв|уточн|подтверд|переда|информир|написа|рассказа|отмети|добави|доложи|насчита|назыв|привод|"
        r"объяви|уведоми|по (?:\w+ )?данным|по словам|по информации|со ссылкой|пресс-служб|в эфире",
        re.IGNORECASE,
    ),
    time_cue=re.compile(
        r"понедельник|вторник|сред[аеуыо]|четверг|пятниц|суббот|воскресен|январ|феврал|март|апрел|ма[яейю]\b|июн|"
        r"июл|август|сентябр|октябр|ноябр|декабр|вчера|накануне|\d[:.]\d\d|час",
        re.IGNORECASE,
    ),
    time_word=re.compile(
        r"\b(?:понедельник\w*|вторник\w*|сред[аеуы]|средой|четверг\w*|пятниц\w*|суббот\w*|воскресень\w*|"
        r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[яйе]|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|"
        r"ноябр\w*|декабр\w*|вчера|накануне)\b"
    ),
    anaphor=re.compile(r"(?:ведомств|министерств|пресс-служб|служб)\w*", re.IGNORECASE),
    trim=re.compile(
        r"^(?i:и|а|также|позднее|ранее|об этом|в|во)\s+|^(?:понедельник|вторник|среду|четверг|пятницу|субботу|"
        r"воскресенье)\s+(?:в\s+)?|\s+(?:в|во|на|по|от|к)\s+(?:понедельник|вторник|среду|четверг|"
        r"пятницу|субботу|воскресенье|\d|эфире|своём|своем|социальн|телеграм).*$|\s+(?:также|ранее|позднее)$"
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
_CLAUSE_BREAK = re.compile(
    r";|:(?=\s)|,\s+(?:and|but|while|whereas|which|who|after|as|when|а|но|и)\b|"
    r"\s(?:when|after|because|although|though|until|когда|после того как)\s"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CLOCK = re.compile(
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?|часов|час|ч\.)(?!\w)|\b(?P<h2>\d{1,2}):(?P<m2>\d{2})\b",
    re.IGNORECASE,
)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        head = text[max(start, m.start() - 12) : m.start() + 1].rstrip("\"”»'")
        if _ABBREVIATION.search(head):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=32)
def _matcher(table: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One pattern for a metric table: group ``i`` is the ``i``-th metric.

    A stem may end a word in up to 4 more letters, a Russian one in up to 8
    (its case and participle endings: "эвакуир-ованы").
    """
    parts = []
    for _, stems in table:
        words = sorted(stems, key=len, reverse=True)
        alternatives = (re.escape(w) + (r"\S{0,8}" if _CYRILLIC.search(w) else r"\S{0,4}") for w in words)
        parts.append("(" + "|".join(alternatives) + ")")
    return re.compile(r"(?<!\S)(?:" + "|".join(parts) + r")(?!\S)"), tuple(metric for metric, _ in table)


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _metric_of(words: Sequence[str], table: Mapping[str, tuple[str, ...]], *, last: bool) -> tuple[str, int] | None:
    """The metric word nearest the figure, and how many words away: the first after it, or the last before it."""
    pattern, metrics = _matcher(tuple(table.items()))
    joined = " ".join(words)
    found = list(pattern.finditer(joined))
    if not found:
        return None
    m = found[-1] if last else found[0]
    position = joined.count(" ", 0, m.start())
    distance = len(words) - 1 - position if last else position
    return metrics[m.lastindex - 1 if m.lastindex else 0], distance


# The words right after a figure that can name who was counted: up to a comma or other stop
# ("128, government officials said" names no group).
_NOUN_PHRASE = re.compile(r"(?:[^,;:.()]|\.(?=\S))*")


def _group_of(after: str, table: Mapping[str, str]) -> str:
    """The group named by the first words after a figure ("18 police officers").

    Police and soldiers counted together ("748 police and National Guard
    troops") are ``security_forces``.
    """
    words = _words(_NOUN_PHRASE.match(after).group())[:6]  # type: ignore[union-attr]
    for i, w in enumerate(words[:3]):
        group = _group_word(w, table)
        if group is None:
            continue
        if group in _UNIFORMS:
            for other in words[i + 1 : i + 5]:
                if _group_word(other, table) in _UNIFORMS - {group}:
                    return "security_forces"
        return group
    return "all"


def _group_word(word: str, table: Mapping[str, str]) -> str | None:
    """The group of one word: the word itself in ``table``, or a stem of 4+ letters it starts with."""
    group = table.get(word)
    if group is None:
        stems, groups = _group_stems(tuple(table.items()))
        found = stems.match(word)
        group = groups[found.lastindex - 1] if found is not None and found.lastindex else None
    return group


@functools.lru_cache(maxsize=32)
def _group_stems(table: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    long = [(stem, group) for stem, group in table if len(stem) >= 4]
    long.sort(key=lambda item: len(item[0]), reverse=True)
    pattern = re.compile("|".join(f"({re.escape(stem)})" for stem, _ in long) or r"(?!)")
    return pattern, tuple(group for _, group in long)


_NAME_BEFORE = re.compile(r"(?:^|[^.!?\s]\s+)([A-ZА-ЯЁ][\w-]+)\s+$")
# "Mahsa Amini, 22, died": a number set off by commas after a name is an age.
_AGE = re.compile(r"\s*[,)]")
_AGE_BEFORE = re.compile(r"\b[A-ZА-ЯЁ][\w'’-]+\s*[,(]\s*$")
_UNIFORMS = frozenset({"law_enforcement", "military"})


def _is_name(text: str, sentence_start: int, m: FigureMatch) -> bool:
    """A bare number after a capitalised word inside a sentence is part of a name ("Khabar 24", "Flight 752")."""
    if m.figure.qualifier.value != "exact" or not m.text[:1].isdigit():
        return False
    window = max(sentence_start, m.start - 40)
    before = _NAME_BEFORE.search(text[window : m.start])
    if before is None or window + before.start(1) == sentence_start:
        return False  # "Another 33 people ...": a capital that starts the sentence names nothing
    return before.group(1).lower() not in _NOT_NAMES


def _has_group(after: str, table: Mapping[str, str]) -> bool:
    """Whether a noun of ``table`` directly follows a figure."""
    words = _words(_NOUN_PHRASE.match(after).group())[:1]  # type: ignore[union-attr]
    return bool(words) and _group_word(words[0], table) is not None


# Words a speaker's name does not start with, contain, or consist of only.
_NOT_NAME_START = frozenset(
    [
        "it",
        "he",
        "she",
        "they",
        "who",
        "which",
        "that",
        "this",
        "there",
        "in",
        "up",
        "down",
        "though",
        "and",
        "late",
        "early",
        "on",
        "at",
        "with",
        "from",
        "after",
        "before",
        "while",
        "as",
        "but",
        "or",
        "so",
        "then",
        "people",
        "others",
        "more",
        "when",
        "которые",
        "который",
        "которая",
        "что",
        "ранее",
        "about",
        "around",
        "some",
        "nearly",
        "almost",
        "over",
        "least",
        "missing",
        "dead",
        "он",
        "она",
        "они",
        "это",
    ]
)
_NOT_NAME_WORDS = frozenset(
    ["are", "were", "was", "is", "been", "had", "have", "has", "be", "being", "remain", "remained", "now", "known"]
)
_GENERIC_SOURCES = frozenset(
    [
        "reports",
        "report",
        "counts",
        "count",
        "figures",
        "figure",
        "data",
        "estimates",
        "tally",
        "tallies",
        "conference",
        "the",
        "latest",
        "earlier",
        "initial",
        "first",
        "unconfirmed",
        "preliminary",
        "official",
        "new",
        "news",
        "a",
        "an",
    ]
)
_TIME_WORDS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "night",
        "morning",
        "evening",
        "afternoon",
        "today",
        "yesterday",
    ]
)


def _clean_name(name: str, lexicon: _Lexicon) -> str | None:
    name = " ".join(name.split()).strip(" \"'“”«»")
    for _ in range(3):
        name = lexicon.trim.sub("", name).strip()
    words = name.split()
    if not words or len(words) > 10:
        return None
    folded = [w.lower() for w in words]
    acronym = len(words[0]) > 1 and words[0].isupper()  # "WHO", not "who"
    if (folded[0] in _NOT_NAME_START and not acronym) or folded[0][0].isdigit():
        return None
    if any(w in _NOT_NAME_WORDS for w in folded):
        return None
    if all(w in _GENERIC_SOURCES for w in folded) or all(w in _TIME_WORDS for w in folded):
        return None
    return name


@attrs.frozen
class _Said:
    """An attribution in a sentence: where it is, who, and through whom."""

    start: int
    end: int
    authority: str
    via: str | None


def _attributions(sentence: str, lexicon: _Lexicon, outlet: str | None) -> list[_Said]:
    """Every attribution of a sentence; where patterns overlap, the more specific (earlier) one wins."""
    found: list[_Said] = []
    if not lexicon.said_cue.search(sentence):
        return found
    folded = sentence.casefold()
    for cue, pattern in lexicon.attribution:
        if cue and not any(word in folded for word in cue):
            continue
        for m in pattern.finditer(sentence):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            auth = _clean_name(m.group("auth"), lexicon)
            if auth is None:
                continue
            via = None
            if "via" in pattern.groupindex and m.group("via"):
                via = _clean_name(m.group("via"), lexicon)
            told = re.search(r"\btold\s+([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})", sentence[m.start() :])
            if via is None and told and told.group(1) not in {"reporters", "journalists"}:
                via = told.group(1).rstrip(".")
            if via is not None and outlet is not None and via.casefold() == outlet.casefold():
                via = None
            found.append(_Said(m.start(), m.end(), auth, via))
    return sorted(found, key=lambda f: f.start)


def _points_back(name: str, previous: str, lexicon: _Lexicon) -> bool:
    """Whether a name refers back to the previous speaker: "the group" after "Iran Human Rights"; "the
    ministry" after "the Interior Ministry"; "ведомства" after "МВД"."""
    found = lexicon.anaphor.fullmatch(name)
    if found is None or previous.casefold() == name.casefold():
        return False
    head = name.split()[-1].casefold()
    kinds = ("group", "watchdog", "monitor", "organisation", "organization")
    return lexicon is _RU or head in kinds or head in previous.casefold()


def _same_name(one: str, other: str) -> bool:
    """Two names of one speaker: one holds the other's last word ("Bastrykin", "chairman Alexander Bastrykin")."""
    a, b = one.casefold().split(), other.casefold().split()
    return a[-1] in b or b[-1] in a


def _nearest(said: Sequence[_Said], start: int, end: int) -> _Said | None:
    """The attribution nearest a figure at ``[start, end)`` (offsets in the sentence)."""
    return min(said, key=lambda f: f.start - end if f.start >= end else start - f.end, default=None)


@attrs.frozen
class _When:
    day: dt.date | None
    clock: tuple[int, int] | None


def _weekday_day(published: dt.date, weekday: int) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


_EVENT_BEFORE = re.compile(
    r"(?:began|begun|started|struck|erupted|hit|happened|occurred|since|broke out|took place|went off|attack|"
    r"attacks|bombing|bombings|blast|blasts|explosions?|fire|quake|earthquake|crush|stampede|collapse|floods?|"
    r"shooting|raid|siege|easter|palm|good|black|bloody|начал\w*|произош\w*|случил\w*|теракт\w*|"
    r"с|после)\s+(?:[\w'’.-]+\s+){0,2}$"
)
_AS_OF_BEFORE = re.compile(r"(?:as of|as at|\bby|по состоянию на|на)\s+(?:[\w'’.:-]+\s+){0,3}$")
_SAID_NEAR = re.compile(
    r"(?:said|says|told|reported|confirmed|announced|added|stated|updated|revised|lowered|raised|"
    r"сообщил\w*|заявил\w*|уточнил\w*|передал\w*)\s+(?:[\w'’.-]+\s+){0,3}$"
)


_POSSESSIVE = re.compile(r"(?:\s+(?:night|morning|evening|afternoon))?['’]s\b")
_DAY_BEFORE = re.compile(r"(\d{1,2})\s*(?:-?го\s+)?$")
_DAY_AFTER = re.compile(r"\.?\s*(\d{1,2})(?!\d|:)")


def _rank(low: str, start: int) -> int | None:
    """How much a time at ``start`` says when a count was taken: 0 best; None: it dates the event instead."""
    before = low[max(0, start - 40) : start]
    if _AS_OF_BEFORE.search(before):
        return 0
    if _EVENT_BEFORE.search(before):
        return None
    if _SAID_NEAR.search(before):
        return 1
    return 2


def _time_in(sentence: str, lexicon: _Lexicon, published: dt.date | None) -> _When | None:
    """The time a sentence states for its figures, resolved against the publication day.

    Each weekday, date and "yesterday" is ranked by :func:`_rank`; the best
    (the first of equals) is the day. A clock time counts only next to that
    day or after "as of".
    """
    if not lexicon.time_cue.search(sentence):
        return None
    low = sentence.lower()
    days: list[tuple[int, int, int, dt.date]] = []  # (rank, start, end, day)
    for m in lexicon.time_word.finditer(low):
        w = m.group()
        rest = low[m.end() : m.end() + 20]
        if w.endswith(("'s", "’s")) or _POSSESSIVE.match(rest):
            continue  # "Friday's attack", "Friday night's quake" date the event, not the count
        day: dt.date | None = None
        end = m.end()
        if published is not None:
            weekday = lexicon.weekdays.fullmatch(w)
            if weekday is not None and weekday.lastindex is not None:
                day = _weekday_day(published, weekday.lastindex - 1)
            if day is None:
                month = (
                    lexicon.months.get(w)
                    if lexicon is _EN
                    else next(
                        (
                            v
                            for k, v in lexicon.months.items()
                            if w.startswith(k) and len(w) - len(k) <= 3 and len(w) >= 3
                        ),
                        None,
                    )
                )
                if month is not None:
                    window = max(0, m.start() - 12)
                    before = _DAY_BEFORE.search(low, window, m.start())
                    after = _DAY_AFTER.match(low, m.end())
                    number = after.group(1) if after else (before.group(1) if before else None)
                    if number is not None and 1 <= int(number) <= 31:
                        try:
                            day = dt.date(published.year, month, int(number))
                        except ValueError:
                            day = None
                        if day is not None and day > published + dt.timedelta(days=1):
                            day = day.replace(year=published.year - 1)
                        end = after.end() if after else m.end()
                        start = before.start(1) if before and not after else m.start()
                        if day is not None:
                            rank = _rank(low, start)
                            if rank is not None:
                                days.append((rank, start, end, day))
                        continue
            if day is None and lexicon.yesterday.fullmatch(w):
                day = published - dt.timedelta(days=1)
        if day is not None:
            rank = _rank(low, m.start())
            if rank is not None:
                days.append((rank, m.start(), end, day))
    best = min(days, key=lambda d: (d[0], d[1])) if days else None
    clock = None
    for c in _CLOCK.finditer(low):
        h = int(c.group("h") or c.group("h2"))
        minute = int(c.group("m") or c.group("m2") or 0)
        ap = (c.group("ap") or "").lower().replace(".", "")
        if ap == "pm" and h < 12:
            h += 12
        if ap == "am" and h == 12:
            h = 0
        near_day = best is not None and (0 <= best[1] - c.end() <= 12 or 0 <= c.start() - best[2] <= 12)
        if h < 24 and minute < 60 and (near_day or _rank(low, c.start()) == 0):
            clock = (h, minute)
            break
    if best is None and clock is None:
        return None
    return _When(best[3] if best is not None else None, clock)


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
        "the",
        "a",
        "another",
        "all",
        "those",
        "these",
        "of",
    ]
)
_STOP_AFTER = frozenset({"and", "or", "while", "but", "и", "или", "а", "но"})
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


_OF_THE_WERE = re.compile(
    r"\s+of (?:the|those|its|their|them)\b[^,;.]{0,40}?\s(?:were|was|are|being)\s+(?:among the \w+|([\w-]+))",
    re.IGNORECASE,
)
_OF_THEM = re.compile(r"^\s*(?:of (?:them|whom|those)|из (?:них|которых))\b", re.IGNORECASE)
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ians|ans|ese|is|ons|ards|ish)$")
_NOT_DEMONYMS = frozenset({"Christians", "Muslims", "Sunnis", "Shiites", "Shias", "Civilians", "Veterans", "Guardians"})
_NUMBER_OF = re.compile(r"(?:number of|числ[оа])\s+(?:[\w-]+\s+){0,2}?([\w-]+)", re.IGNORECASE)
_AND_BETWEEN = re.compile(r"[^\d;!?]{0,60}\s(?:and|и)\s*")
_COORDINATED = re.compile(r"\s*[^\d;.]{0,40}?(?:\s(?:and|or|и|или)|,)\s*")
# "около тысячи — в Минске, более двух тысяч — в регионах"; "80 in Moscow, 77 in St Petersburg"
_LISTED = re.compile(r"[^\d.;!?]{0,30}?(?:,|—|–|:|\band\b|\bи\b|\bещё\b|\bеще\b)[^\d.;!?]{0,12}")
_OF_THE_TOTAL = re.compile(r"\b(?:of the|из)\s*$", re.IGNORECASE)
_AFTER_TOTAL = re.compile(r"\s*(?:[^\W\d]+\s*)?,\s*")
_TO_BETWEEN = re.compile(r"\s*(?:to|до|—|–)\s*(?:до\s*)?")
_FROM_BETWEEN = re.compile(r"[^\d;.]{0,30}\b(?:from|с|против)\b[^\d;.]{0,30}")


def _group_elsewhere(
    text: str,
    m: FigureMatch,
    after_text: str,
    before_text: str,
    groups: Mapping[str, str],
    candidates: Sequence[_Candidate],
    clause_start: int,
) -> str:
    """The group of a figure with no noun of :data:`~kzfigures.extract.GROUP_WORDS` after it.

    A nationality after it ("11 Indians") is ``foreigners``; "the number of
    foreigners killed had risen to 40" names it before; "18 officers killed and
    748 wounded" counts the same people twice.
    """
    first = after_text.split()[:1]
    if first and _DEMONYM.match(first[0].strip(",.;:")) and first[0].strip(",.;:") not in _NOT_DEMONYMS:
        return "foreigners"
    named = _NUMBER_OF.search(before_text)
    if named is not None:
        word = named.group(1)
        if _DEMONYM.match(word) and word not in _NOT_DEMONYMS:
            return "foreigners"
        group = _group_of(word, groups)
        if group != "all":
            return group
    if candidates:
        p = candidates[-1]
        if p.match.end > clause_start - 1 and _AND_BETWEEN.fullmatch(text[p.match.end : m.start]):
            return p.group
    return "all"


def _link(candidates: list[_Candidate], text: str, lexicon: _Lexicon) -> None:
    """Subgroups and coordinated counts of one sentence lend each other a metric.

    "164 people, including three children, died": three is a subgroup of 164,
    and both died. "132 children and nine staff were killed": both were.
    "rose to 1,305, up from 1,037": the earlier count has the same metric and group.
    A list goes on in the metric it started with: "77 in St Petersburg, 15 in
    Novosibirsk".
    """
    for k in [*range(1, len(candidates)), *range(1, len(candidates))]:  # twice: a later link can lend back
        c, p = candidates[k], candidates[k - 1]
        between = text[p.match.end : c.match.start]
        if (
            c.parent is None
            and p.parent is None
            and (
                lexicon.subgroup.search(between)
                or (
                    _OF_THE_TOTAL.search(text, max(0, p.match.start - 12), p.match.start)
                    and _AFTER_TOTAL.fullmatch(between)
                )
            )
        ):
            c.parent = k - 1  # "164 people, including three children"; "Of the 54 dead, 20 were women"
        elif (
            c.parent is None
            and p.parent is not None
            and re.fullmatch(r"\s*[^\W\d]+(?:\s+[^\W\d]+)?\s*(?:,|and|и)?\s*", between)
        ):
            c.parent = p.parent
        if c.parent is not None:
            total = candidates[c.parent]
            if total.metric is None and c.metric is not None:
                total.metric, total.lent = c.metric, True
            elif c.metric is None and total.metric is not None:
                c.metric, c.lent = total.metric, True
        elif c.metric is None and p.metric is not None and _FROM_BETWEEN.fullmatch(between):
            c.metric, c.group, c.lent = p.metric, p.group, True
        elif p.metric is None and c.metric is not None and _COORDINATED.fullmatch(between):
            p.metric, p.lent = c.metric, True
        elif c.metric is None and p.metric is not None and _LISTED.fullmatch(between):
            c.metric, c.lent = p.metric, True
        elif _TO_BETWEEN.fullmatch(between) and (c.metric is None) != (p.metric is None):
            # "rose from 31 to 54": the earlier and the new figure count the same thing
            source, target = (p, c) if c.metric is None else (c, p)
            target.metric, target.group, target.lent = source.metric, source.group, True


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


def _after_words(after: str, metrics: Mapping[str, tuple[str, ...]]) -> tuple[list[str], int]:
    """Words after a figure, and where the first conjunction among them is.

    The words stop at a conjunction that starts another metric ("... and
    wounding 100"); a metric word beyond the first conjunction ("2,122 and
    the number of injured") yields to one before the figure.
    """
    words = _words(after)[:16]
    first = next((i for i, w in enumerate(words) if w in _STOP_AFTER), len(words))
    for i, w in enumerate(words):
        if w in _STOP_AFTER and _metric_of(words[i + 1 : i + 2], metrics, last=False) is not None:
            return words[:i], first
    return words, first


def _published(published: Any, tz: str | dt.tzinfo) -> pd.Timestamp | None:
    """``published`` as a time in its zone; a text must be ISO 8601, never a guess at "04/11/2023"."""
    if published is None:
        return None
    example = "such as '2022-01-10' or '2022-01-10T14:00+06:00'"
    try:
        value = dt.datetime.fromisoformat(published) if isinstance(published, str) else published
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"'published' must be an ISO 8601 date or time {example} (got {published!r})"
        ) from exc
    if pd.isna(stamp):
        raise InvalidArgumentError(f"'published' must be an ISO 8601 date or time {example} (got {published!r})")
    if stamp.tzinfo is not None:
        return stamp
    try:
        return stamp.tz_localize(tz)
    except Exception as exc:  # zoneinfo, pytz and dateutil each raise their own error for an unknown zone
        raise InvalidArgumentError(f"'tz' names no time zone pandas knows, e.g. 'Asia/Almaty' (got {tz!r})") from exc


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
        Metric -> word stems, replacing :data:`~kzfigures.extract.METRIC_WORDS` for ``language``;
        to add a metric, pass ``{**METRIC_WORDS["en"], "abducted": ("abducted",)}``.

    Returns
    -------
    DataFrame
        The columns of :data:`~kzfigures.frame.COLUMNS` with their dtypes, then
        :data:`~kzfigures.extract.EXTRA_COLUMNS`: ``start``/``end`` (offsets of the figure phrase in
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
    found = extract_figures(text, conventions, language=language)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]

    records: list[dict[str, Any]] = []
    speaker: tuple[str | None, str | None] = (None, None)
    last_when: _When | None = None
    total: tuple[str, str] | None = None  # the id and metric of the last toll that is no subgroup
    times: dict[_When | None, tuple[pd.Timestamp | None, str | None]] = {}  # one Timestamp per distinct time
    published_precision = _precision_of(pub)
    spans = _sentences(text)
    in_sentence: list[list[FigureMatch]] = [[] for _ in spans]
    starts = [a for a, _ in spans]
    for m in found:
        in_sentence[bisect.bisect_right(starts, m.start) - 1].append(m)
    for n, (a, b) in enumerate(spans):
        figures = in_sentence[n]
        if not figures and (n + 1 == len(spans) or not in_sentence[n + 1]):
            continue  # who spoke and when matter only to a sentence with figures and to the one after it
        sentence = text[a:b]
        said = [
            _Said(f.start, f.end, speaker[0], speaker[1])
            if speaker[0] is not None and _points_back(f.authority, speaker[0], lexicon)
            else f
            for f in _attributions(sentence, lexicon, outlet)
        ]
        when = _time_in(sentence, lexicon, pub_day)
        same_speaker = False
        if said:
            same_speaker = speaker[0] is not None and any(_same_name(f.authority, speaker[0]) for f in said)
            speaker = (said[-1].authority, said[-1].via)
        elif lexicon.carry.search(sentence) and speaker[0] is not None:
            said = [_Said(len(sentence), len(sentence), speaker[0], speaker[1])]
            same_speaker = True
        if when is None and same_speaker:
            when = last_when  # the same statement goes on: "..., he said"; "..., Bastrykin told the chiefs"
        last_when = when
        if not figures:
            continue
        candidates: list[_Candidate] = []
        for k, m in enumerate(figures):
            c_start, c_end = _bounds(sentence, a, m.start, m.end)
            nxt = figures[k + 1].start if k + 1 < len(figures) else b
            prev = figures[k - 1].end if k > 0 else a
            after_text = text[m.end : min(c_end, nxt)]
            before_text = text[max(c_start, prev) : m.start]
            if (
                _is_name(text, a, m)
                or (_AGE.match(text, m.end) is not None and _AGE_BEFORE.search(text, max(a, m.start - 40), m.start))
                or lexicon.not_people.match(after_text)
                or lexicon.not_after.match(text[m.end : min(c_end, m.end + 80)])
                or lexicon.not_before.search(text[max(c_start, m.start - 60) : m.start])
                or lexicon.mixed.search(text[m.end : min(c_end, m.end + 60)])
            ):
                continue
            if any(
                pub_day is None or int(y) not in (pub_day.year, pub_day.year - 1)
                for y in _YEAR.findall(text[a : m.start])
            ):
                continue  # "In 2014 the Sewol sinking killed 304": another event's toll
            after_words, conjunction = _after_words(after_text, metrics)
            after = _metric_of(after_words, metrics, last=False)
            before = _metric_of(_words(before_text)[-16:], metrics, last=True)
            metric, immediate = None, False
            if after is not None and after[1] <= 3 and after[1] < conjunction:
                metric, immediate = after[0], True
            elif before is not None and (before[1] <= 4 or after is None or after[1] > conjunction):
                metric = before[0]
            elif before is not None and after is not None:
                metric = before[0] if before[1] <= after[1] else after[0]
            elif after is not None:
                metric = after[0]
            if metric == "injured" and (
                lexicon.in_hospital.search(after_text) or lexicon.in_hospital.search(before_text)
            ):
                metric = "hospitalized"  # "485 injured people had been admitted to hospitals"
            group = _group_of(after_text, groups)
            were = _OF_THE_WERE.match(after_text)
            if were is not None:  # "33 of those who died were children", "136 of its citizens were among the dead"
                named = were.group(1) or ""
                demonym = _DEMONYM.match(named) is not None and named not in _NOT_DEMONYMS
                group = "foreigners" if demonym or " its " in were.group(0) else _group_of(named, groups)
            elif group == "all" and not _has_group(after_text, groups):
                group = _group_elsewhere(text, m, after_text, before_text, groups, candidates, c_start)
            sub_of_previous = bool(_OF_THEM.match(after_text)) and bool(candidates)
            candidates.append(_Candidate(m, metric, immediate, group, (c_start, c_end)))
            if sub_of_previous:
                candidates[-1].parent = len(candidates) - 2
        _link(candidates, text, lexicon)
        # "Among them were 25 students." / "В том числе 101 человек утонул": a sentence that opens
        # with a subgroup's words goes on from the last toll of the sentence before.
        outside = None
        if candidates and total is not None and lexicon.opens_subgroup.match(sentence):
            first = candidates[0]
            if first.parent is None:
                outside = id(first)
                if first.metric is None:
                    first.metric, first.lent = total[1], True
        index: dict[int, str] = {}
        for c in candidates:
            if c.metric is None:
                continue
            n = len(records)
            index[id(c)] = f"{digest}-{n:02d}"
            if c.parent is not None:
                parent_id = index.get(id(candidates[c.parent]))
            else:
                parent_id = total[0] if outside == id(c) and total is not None else None
            if when not in times:
                times[when] = _as_of(when, pub, pub_day, zone)
            as_of, precision = times[when]
            figure: Figure = c.match.figure
            source = _nearest(said, c.match.start - a, c.match.end - a)
            auth, via = (source.authority, source.via) if source is not None else (None, None)
            confidence = 1.0 * (1.0 if c.immediate else 0.8) * (1.0 if auth else 0.85) * (0.8 if c.lent else 1.0)
            if c.parent is None and outside != id(c):
                total = (index[id(c)], c.metric)
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
                    "published_precision": published_precision,
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
    if pub is not None and stamp > pub and pub != pub.normalize():
        return pd.Timestamp(day).tz_localize(zone), Precision.DAY.value  # a count is not of a time after it appeared
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
