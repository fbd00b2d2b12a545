"""Text -> :class:`~kzfigures.model.Figure`: read figure phrases in English or Russian.

:func:`parse_figure` reads one phrase ("more than 3,000", "almost 6,000",
"dozens", "более 3 тысяч") into the interval its words allow;
:func:`extract_figures` finds every figure phrase in running text. Both
follow a :class:`Conventions` (default
:data:`~kzfigures.conventions.DEFAULT_CONVENTIONS`), which fixes what
"about", "almost" and the vague words mean.

How it works: one compiled regular expression splits the text into tokens
(numbers, words, URLs, punctuation) in a single ``finditer`` pass, and a
small recursive-descent reader walks the tokens. Every token is looked at a
bounded number of times, so both functions run in time linear in the length
of the text, and no input makes them raise anything but
:class:`~kzfigures.errors.FigureParseError`. The reader is the same for
every language; a language is a table of its words (``_Lexicon``:
numerals in each of their forms, qualifiers, the words of dates, durations
and names). Numerals are a closed class, so the tables list every form
rather than ask a morphological analyser.

>>> parse_figure("More than 3,000 protesters")
Figure(low=3001, high=None, stated=3000, qualifier='more_than', text='More than 3,000')
>>> [m.figure.to_text() for m in extract_figures("On January 7, 18 died and dozens were hurt.")]
['18', 'between 24 and 99']
>>> parse_figure("более 3 тысяч", language="ru")
Figure(low=3001, high=None, stated=3000, qualifier='more_than', text='более 3 тысяч')
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from typing import NamedTuple

import attrs

from kzfigures.conventions import DEFAULT_CONVENTIONS, Conventions
from kzfigures.errors import FigureParseError, InvalidArgumentError, ValidationError
from kzfigures.model import Figure, Qualifier

__all__ = ["FigureMatch", "extract_figures", "parse_figure"]

#: Numbers above this are not counts of people; reading stops with an error.
MAX_COUNT = 10**15

# One match per token, its leading white space included: white space is never a token, and
# matching it apart would double the matches.
_TOKEN = re.compile(
    r"\s*(?:(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<num>[0-9]+(?:[.,'\u2009\u202f\u00a0][0-9]+)*)(?P<suffix>[^\W\d_]+)?"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<other>.))",
    re.DOTALL,
)

_DASHES = frozenset("-\u2013\u2014")
# Signs that make a number negative when they touch it: the hyphen-minus, the minus sign and the
# dashes and hyphens that stand in for it (full-width and small forms become "-" when normalised).
_MINUS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u02d7\u2796\ufe58\ufe63\uff0d")
# Compatibility forms that NFKC would turn into digits of another number: "10²" is not 102.
# A number fused to letters ("1e", "15th"): the tokenizer names its kind after its last group.
_FUSED = ("alnum", "suffix")
_KEEP_FORMS = ("<super>", "<sub>", "<fraction>", "<circle>")
_SIGNS_BEFORE = frozenset("$€£¥₸#№/:")
_SIGNS_AFTER = frozenset("%°/:")
_QUOTES = frozenset("«»\u201c\u201d\u201e\"'")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _each(table: dict[str, int]) -> dict[str, int]:
    """Spread ``{"form form ...": value}`` into one entry per word form."""
    return {form: value for forms, value in table.items() for form in forms.split()}


@attrs.frozen(kw_only=True)
class _Lexicon:
    """The words of one language that the reader knows: numerals, qualifiers, and what is not a count.

    The reader is the same for every language; only these tables differ. Word
    forms are lower-case; a language with case endings lists each form.
    """

    #: Words that are numbers below 20 (and collectives such as "трое").
    units: dict[str, int]
    #: Tens: "twenty" ... "ninety".
    tens: dict[str, int]
    #: Words that are whole hundreds ("двести"); English says "two hundred" instead.
    hundreds: dict[str, int]
    #: Parts of a number that need a scale word after them: "полторы тысячи" (3/2), "half a million" (1/2).
    halves: dict[str, Fraction]
    #: Scale words that close a group of three digits: thousand, million, billion.
    big_scales: dict[str, int]
    #: Scale words that multiply a small number: word -> (value, whether tens and units may follow).
    small_scales: dict[str, tuple[int, bool]]
    #: Abbreviated scale words whose full stop belongs to them ("3 тыс.").
    scale_abbreviations: frozenset[str]
    #: Scale words that alone mean one of them ("тысяча" is 1000); English needs "a thousand".
    bare_scales: frozenset[str]
    #: Scale words that mean one of them only after a qualifier: "около тысячи" is about 1000,
    #: but "тысячи" alone is "thousands".
    qualified_scales: frozenset[str]
    #: The article that makes a scale word one of it ("a thousand").
    indefinite: frozenset[str]
    #: The word that may join the parts of a number ("a hundred and five"), if any.
    number_and: str | None
    qualifiers: dict[tuple[str, ...], Qualifier]
    #: Range openers and the word that joins their two numbers: "between A and B".
    openers: dict[str, str]
    #: Openers that, without their joining word, are a mere preposition ("с 5 детьми").
    soft_openers: frozenset[str]
    #: The word of a bare range "A to B", if the language has one.
    range_word: str | None
    #: Vague words, or None to take them from the conventions: words -> the conventions' word.
    vague: dict[tuple[str, ...], str] | None
    durations: frozenset[str]
    percent_words: frozenset[str]
    months: frozenset[str]
    weekdays: frozenset[str]
    time_words: frozenset[str]
    age_words: frozenset[str]
    #: Nouns after which a number is a name: "channel 112", "канал 112".
    name_words: frozenset[str]
    #: Prepositions: a capitalised word after one is a place, not part of a name ("in Almaty 40 died").
    prepositions: frozenset[str]
    #: Words after a number that make it part of a fraction ("two thirds").
    fraction_words: frozenset[str]
    #: The word in "one of the victims".
    of_word: str
    #: Words of change after which "by N", "from N", "up to N" speak of a change: "rose", "выросло".
    change_words: frozenset[str]
    #: Words of change that are particles, not verbs: "down by 5" is a change only if "to M" follows.
    change_particles: frozenset[str]
    #: Adverbs that may stand between a word of change and what follows ("rose sharply by 5").
    change_adverbs: frozenset[str]
    adverb_suffix: str | None
    #: Nouns after which "up to N" states the new total: "the toll up to 154".
    toll_words: frozenset[str]
    #: The words of "rose by N to M" and "rose from N to M", and the qualifier of "rose up to M".
    change_by: str
    change_from: str
    change_to: str
    change_up_to: tuple[str, ...]
    #: Whether a number joined by a hyphen to a word is an ordinal, date or age ("5-й", "19-летний").
    hyphen_suffixes: bool


_EN_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)

_ENGLISH = _Lexicon(
    units=_each(
        {
            "zero": 0,
            "one": 1,
            "two": 2,
            "three": 3,
            "four": 4,
            "five": 5,
            "six": 6,
            "seven": 7,
            "eight": 8,
            "nine": 9,
            "ten": 10,
            "eleven": 11,
            "twelve": 12,
            "thirteen": 13,
            "fourteen": 14,
            "fifteen": 15,
            "sixteen": 16,
            "seventeen": 17,
            "eighteen": 18,
            "nineteen": 19,
        }
    ),
    tens={"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90},
    hundreds={},
    halves={"half": Fraction(1, 2)},
    big_scales={"thousand": 1000, "million": 10**6, "billion": 10**9},
    small_scales={"hundred": (100, True), "dozen": (12, False)},
    scale_abbreviations=frozenset(),
    bare_scales=frozenset(),
    qualified_scales=frozenset(),
    indefinite=frozenset({"a"}),
    number_and="and",
    qualifiers={
        ("more", "than"): Qualifier.MORE_THAN,
        ("over",): Qualifier.MORE_THAN,
        ("above",): Qualifier.MORE_THAN,
        ("in", "excess", "of"): Qualifier.MORE_THAN,
        ("at", "least"): Qualifier.AT_LEAST,
        ("no", "fewer", "than"): Qualifier.AT_LEAST,
        ("no", "less", "than"): Qualifier.AT_LEAST,
        ("not", "fewer", "than"): Qualifier.AT_LEAST,
        ("not", "less", "than"): Qualifier.AT_LEAST,
        ("fewer", "than"): Qualifier.FEWER_THAN,
        ("less", "than"): Qualifier.FEWER_THAN,
        ("under",): Qualifier.FEWER_THAN,
        ("up", "to"): Qualifier.AT_MOST,
        ("at", "most"): Qualifier.AT_MOST,
        ("no", "more", "than"): Qualifier.AT_MOST,
        ("not", "more", "than"): Qualifier.AT_MOST,
        ("as", "many", "as"): Qualifier.AT_MOST,
        ("about",): Qualifier.ABOUT,
        ("around",): Qualifier.ABOUT,
        ("approximately",): Qualifier.ABOUT,
        ("some",): Qualifier.ABOUT,
        ("roughly",): Qualifier.ABOUT,
        ("an", "estimated"): Qualifier.ABOUT,
        ("estimated",): Qualifier.ABOUT,
        ("circa",): Qualifier.ABOUT,
        ("almost",): Qualifier.ALMOST,
        ("nearly",): Qualifier.ALMOST,
        ("just", "under"): Qualifier.ALMOST,
        ("just", "short", "of"): Qualifier.ALMOST,
        ("a", "total", "of"): Qualifier.EXACT,
        ("exactly",): Qualifier.EXACT,
        ("precisely",): Qualifier.EXACT,
    },
    openers={"between": "and", "from": "to"},
    soft_openers=frozenset(),
    range_word="to",
    vague=None,
    durations=_words(
        "second seconds minute minutes min mins hour hours hr hrs day days week weeks fortnight fortnights "
        "month months year years yr yrs decade decades century centuries times"
    ),
    percent_words=_words("percent pct percentage percentages"),
    months=_EN_MONTHS,
    weekdays=_words("monday tuesday wednesday thursday friday saturday sunday"),
    time_words=_words("am pm gmt utc o"),
    age_words=_words("aged age ages"),
    name_words=_words(
        "channel route flight highway interstate motorway number no gate platform bus tram line tv "
        "terminal ward room article paragraph chapter page exit track pier"
    ),
    prepositions=_words("in at on from to into of for near by with"),
    fraction_words=_words(
        "half halves third thirds quarter quarters fourth fourths fifth fifths sixth sixths seventh sevenths "
        "eighth eighths ninth ninths tenth tenths hundredth hundredths"
    ),
    of_word="of",
    change_words=_words(
        "rose risen rises rising climbed climbs climbing increased increases increasing grew grown grows "
        "growing jumped jumps jumping soared soars surged surges swelled mounted went gone goes revised "
        "raised fell fallen falls falling dropped drops dropping decreased decreases declined declines "
        "up down"
    ),
    change_particles=frozenset({"up", "down"}),
    change_adverbs=frozenset({"further", "again", "now", "since"}),
    adverb_suffix="ly",
    toll_words=_words("toll tally total"),
    change_by="by",
    change_from="from",
    change_to="to",
    change_up_to=("up", "to"),
    hyphen_suffixes=False,
)


def _hundreds_ru() -> dict[str, int]:
    """The Russian hundreds in every case: "двести", "двухсот", "двумстам", "двумястами", "двухстах", ..."""
    forms = {
        "сто ста": 100,
        "двести двухсот двумстам двумястами двухстах": 200,
        "триста трёхсот трехсот трёмстам тремстам тремястами трёхстах трехстах": 300,
        "четыреста четырёхсот четырехсот четырёмстам четыремстам четырьмястами четырёхстах четырехстах": 400,
    }
    for stem, gen, instr, value in [
        ("пять", "пяти", "пятью", 500),
        ("шесть", "шести", "шестью", 600),
        ("семь", "семи", "семью", 700),
        ("восемь", "восьми", "восемью", 800),
        ("девять", "девяти", "девятью", 900),
    ]:
        forms[f"{stem}сот {gen}сот {gen}стам {instr}стами {gen}стах"] = value
    return _each(forms)


def _scale_forms_ru(stem: str) -> str:
    """Every case of a masculine noun in -on such as "миллион": "миллион миллиона ... миллионах"."""
    return " ".join(stem + ending for ending in ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"])


_RU_VAGUE_FORMS = {
    "dozens": "десятки десятков десяткам десятками десятках",
    "hundreds": "сотни сотен сотням сотнями сотнях",
    "thousands": "тысячи тысяч тысячам тысячами тысячах тыщи тыщ",
    "several": "несколько нескольких нескольким несколькими",
    "many": "многие многих многим многими много",
}


def _vague_ru() -> dict[tuple[str, ...], str]:
    vague: dict[tuple[str, ...], str] = {
        (form,): word for word, forms in _RU_VAGUE_FORMS.items() for form in forms.split()
    }
    for first, word in [("dozens", "tens of thousands"), ("hundreds", "hundreds of thousands")]:
        for form in _RU_VAGUE_FORMS[first].split():
            vague[(form, "тысяч")] = word
    return vague


_RUSSIAN = _Lexicon(
    units=_each(
        {
            "ноль нуль ноля нуля нолю нулю нолём нулём нолем нулем ноле нуле": 0,
            # "одни", "одних", "одними" (plural) are left out: they mostly mean "some" or "only".
            "один одна одно одного одной одною одному одним одном одну": 1,
            "два две двух двум двумя двое двоих двоим двоими": 2,
            "три трёх трех трём трем тремя трое троих троим троими": 3,
            "четыре четырёх четырех четырём четырем четырьмя четверо четверых четверым четверыми": 4,
            "пять пяти пятью пятеро пятерых пятерым пятерыми": 5,
            "шесть шести шестью шестеро шестерых шестерым шестерыми": 6,
            # "семью" (seven, instrumental) is left out: it is far more often "семья" (family).
            "семь семи семеро семерых семерым семерыми": 7,
            "восемь восьми восемью восьмью восьмеро восьмерых восьмерым": 8,
            "девять девяти девятью девятеро девятерых девятерым": 9,
            "десять десяти десятью десятеро десятерых десятерым": 10,
            **{
                f"{stem}надцать {stem}надцати {stem}надцатью": value
                for stem, value in [
                    ("один", 11),
                    ("две", 12),
                    ("три", 13),
                    ("четыр", 14),
                    ("пят", 15),
                    ("шест", 16),
                    ("сем", 17),
                    ("восем", 18),
                    ("девят", 19),
                ]
            },
        }
    ),
    tens=_each(
        {
            "двадцать двадцати двадцатью": 20,
            "тридцать тридцати тридцатью": 30,
            "сорок сорока": 40,
            "пятьдесят пятидесяти пятьюдесятью": 50,
            "шестьдесят шестидесяти шестьюдесятью": 60,
            "семьдесят семидесяти семьюдесятью": 70,
            "восемьдесят восьмидесяти восемьюдесятью восьмьюдесятью": 80,
            "девяносто девяноста": 90,
        }
    ),
    hundreds=_hundreds_ru(),
    halves=dict.fromkeys(_words("полтора полторы полутора"), Fraction(3, 2)),
    big_scales=_each(
        {
            "тысяча тысячи тысяч тысячу тысяче тысячей тысячею тысячью тысячам тысячами тысячах тыс": 1000,
            "тыща тыщи тыщ тыщу тыще тыщей тыщею тыщам тыщами тыщах": 1000,
            _scale_forms_ru("миллион") + " млн": 10**6,
            _scale_forms_ru("миллиард") + " млрд": 10**9,
        }
    ),
    small_scales={
        **dict.fromkeys(
            _words("десяток десятка десятку десятком десятке десятки десятков десяткам десятками десятках"), (10, False)
        ),
        **dict.fromkeys(_words("сотня сотни сотню сотне сотней сотнею сотен сотням сотнями сотнях"), (100, False)),
    },
    scale_abbreviations=_words("тыс млн млрд"),
    bare_scales=_words("тысяча тысячу тыща тыщу миллион миллиард десяток сотня сотню"),
    qualified_scales=_words("тысячи тыщи миллиона миллиарда десятка сотни"),
    indefinite=frozenset(),
    number_and=None,
    qualifiers={
        ("более",): Qualifier.MORE_THAN,
        ("более", "чем"): Qualifier.MORE_THAN,
        ("свыше",): Qualifier.MORE_THAN,
        ("больше",): Qualifier.MORE_THAN,
        ("больше", "чем"): Qualifier.MORE_THAN,
        ("не", "менее"): Qualifier.AT_LEAST,
        ("не", "менее", "чем"): Qualifier.AT_LEAST,
        ("не", "меньше"): Qualifier.AT_LEAST,
        ("не", "меньше", "чем"): Qualifier.AT_LEAST,
        ("по", "меньшей", "мере"): Qualifier.AT_LEAST,
        ("как", "минимум"): Qualifier.AT_LEAST,
        ("минимум",): Qualifier.AT_LEAST,
        ("менее",): Qualifier.FEWER_THAN,
        ("менее", "чем"): Qualifier.FEWER_THAN,
        ("меньше",): Qualifier.FEWER_THAN,
        ("меньше", "чем"): Qualifier.FEWER_THAN,
        ("до",): Qualifier.AT_MOST,
        ("не", "более"): Qualifier.AT_MOST,
        ("не", "более", "чем"): Qualifier.AT_MOST,
        ("не", "больше"): Qualifier.AT_MOST,
        ("не", "больше", "чем"): Qualifier.AT_MOST,
        ("как", "максимум"): Qualifier.AT_MOST,
        ("максимум",): Qualifier.AT_MOST,
        ("около",): Qualifier.ABOUT,
        ("порядка",): Qualifier.ABOUT,
        ("примерно",): Qualifier.ABOUT,
        ("приблизительно",): Qualifier.ABOUT,
        ("почти", "около"): Qualifier.ABOUT,
        ("почти",): Qualifier.ALMOST,
        ("едва", "не"): Qualifier.ALMOST,
        ("чуть", "меньше"): Qualifier.ALMOST,
        ("чуть", "менее"): Qualifier.ALMOST,
        ("в", "общей", "сложности"): Qualifier.EXACT,
        ("ровно",): Qualifier.EXACT,
    },
    openers={"от": "до", "между": "и", "с": "до"},
    soft_openers=frozenset({"с"}),
    range_word=None,
    vague=_vague_ru(),
    durations=_words(
        "год года году годом годе годы годов годам годами годах лет "
        "день дня дню днём днем дне дни дней дням днями днях сутки суток суткам сутками "
        "неделя недели неделе неделю неделей недель неделям неделями неделях "
        "месяц месяца месяцу месяцем месяце месяцы месяцев месяцам месяцами месяцах "
        "час часа часу часом часе часы часов часам часами часах "
        "минута минуты минуте минуту минутой минут минутам минутами минутах мин "
        "секунда секунды секунде секунду секундой секунд сек "
        "десятилетие десятилетия десятилетию десятилетием десятилетий десятилетиями "
        "век века веку веком веке веков раз раза"
    ),
    percent_words=_words("процент процента проценту процентом проценте проценты процентов процентам процентами"),
    months=_words(
        "январь января январе январю январём январем февраль февраля феврале февралю "
        "март марта марте марту апрель апреля апреле апрелю май мая мае маю июнь июня июне июню "
        "июль июля июле июлю август августа августе августу сентябрь сентября сентябре сентябрю "
        "октябрь октября октябре октябрю ноябрь ноября ноябре ноябрю декабрь декабря декабре декабрю "
        "янв фев февр апр авг сен сент окт ноя нояб дек"
    ),
    weekdays=_words(
        "понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье "
        "понедельника вторника среды четверга пятницы субботы воскресенья"
    ),
    time_words=_words("утра вечера ночи"),
    age_words=_words("возрасте возраста возрастом"),
    name_words=_words(
        "канал канала каналу каналом канале телеканал телеканала телеканалу телеканалом телеканале "
        "маршрут маршрута маршруту маршрутом маршруте рейс рейса рейсу рейсом рейсе "
        "трасса трассы трассе трассу трассой шоссе номер номера номеру номером номере "
        "автобус автобуса автобусе линия линии линию линией платформа платформы платформе платформу "
        "ворота ворот воротам тв"
    ),
    prepositions=_words("в во на из с со у к ко по под над за от до для о об при через около"),
    fraction_words=_words(
        "треть трети третью третей четверть четверти четвертью четвертей половина половины половину "
        "половиной половине вторых третьих четвёртых четвертых пятых шестых седьмых восьмых девятых "
        "десятых сотых тысячных"
    ),
    of_word="из",
    change_words=_words(
        "вырос выросла выросло выросли возрос возросла возросло возросли увеличился увеличилась "
        "увеличилось увеличились поднялся поднялась поднялось поднялись растёт растет увеличивается "
        "возрастает снизился снизилась снизилось снизились сократился сократилась сократилось "
        "сократились уменьшился уменьшилась уменьшилось уменьшились"
    ),
    change_particles=frozenset(),
    change_adverbs=_words("ещё еще уже вновь снова"),
    adverb_suffix=None,
    toll_words=frozenset(),
    change_by="на",
    change_from="с",
    change_to="до",
    change_up_to=("до",),
    hyphen_suffixes=True,
)

_LEXICONS = {"en": _ENGLISH, "ru": _RUSSIAN}
#: The conventions used for a language when the caller passes none: Russian writes "1,5 млн" and "7 939".
_DEFAULT_CONVENTIONS = {"en": DEFAULT_CONVENTIONS, "ru": Conventions(decimal_mark=",")}


class _Token(NamedTuple):
    kind: str  # "num", "alnum", "word", "url", "other"
    low: str  # lower-cased text
    start: int
    end: int


class _PhraseError(Exception):
    """Internal: a figure phrase that cannot be read (position, reason, where to resume)."""

    def __init__(self, position: int, reason: str, resume: int) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason
        self.resume = resume


class _Read(NamedTuple):
    """A number as read, before it is checked to be a whole count (see ``_Reader._whole``)."""

    value: Fraction
    start: int  # index of its first token
    end: int  # index one past its last token
    last: str  # what its last word was: "digits", "unit", "tens", "hundred", "dozen", "big" or "half"
    decimal: bool  # whether its digits have a decimal part
    scaled: bool  # whether a scale word multiplies it
    trailing: int | None  # the scale word it ends with ("5 thousand": 1000), if any


def _shared_scale(first: _Read, second: _Read) -> int:
    """The scale ``first`` takes from ``second``: "3 to 5 thousand" is 3,000 to 5,000.

    A scale word said once, after the second number, is the first's too when
    the first has none of its own and stays at or below the second with it
    ("500 to 2 thousand" keeps 500); otherwise 1.
    """
    scale = second.trailing
    if scale is None or first.trailing is not None or first.value >= scale or first.value * scale > second.value:
        return 1
    return scale


class _Phrase(NamedTuple):
    figure: Figure
    first: int  # index of the first token
    end: int  # index one past the last token
    excluded: str | None  # why this is not a count (a year, a date, ...), or None


def _normalize(text: str) -> tuple[str, list[int] | None]:
    """Text as the reader sees it, and where each of its characters came from.

    Invisible format characters (Unicode category Cf: zero-width spaces and
    joiners, the soft hyphen, the byte order mark, left-to-right and bidi
    marks) are removed, so that "more than\\u200f 3,000" keeps its qualifier,
    and every other character is NFKC-normalised ("３,０００" is "3,000"),
    except spaces (which may group thousands) and superscripts, subscripts
    and vulgar fractions (which NFKC would turn into other numbers).

    Returns the text and, unless it is ASCII and so unchanged, ``origin``:
    ``origin[k]`` is the offset in ``text`` of the character that gave
    character ``k``, with ``len(text)`` appended.

    >>> _normalize("more\\u00ad than \\u200f３")
    ('more than 3', [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 13])
    """
    if text.isascii():
        return text, None
    # Each distinct character is looked up once: most texts have none or few to change, so
    # the unchanged runs between them are copied whole.
    normal = {char: _normal(char) for char in set(text)}
    changed = sorted(char for char, becomes in normal.items() if becomes != char)
    if not changed:
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for m in re.finditer("[" + "".join(re.escape(char) for char in changed) + "]", text):
        position = m.start()
        becomes = normal[text[position]]
        parts += (text[last:position], becomes)
        origin += range(last, position)
        origin += [position] * len(becomes)
        last = position + 1
    parts.append(text[last:])
    origin += range(last, len(text))
    origin.append(len(text))
    return "".join(parts), origin


def _normal(char: str) -> str:
    """What one character becomes in the text the reader sees (see :func:`_normalize`)."""
    if unicodedata.category(char) == "Cf":
        return ""
    if char.isspace() or unicodedata.decomposition(char).startswith(_KEEP_FORMS):
        return char
    return unicodedata.normalize("NFKC", char)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    # Trailing white space is cut first: the pattern would try it again at each of its characters.
    for m in _TOKEN.finditer(text.rstrip()):
        kind = m.lastgroup
        if kind is None:  # pragma: no cover - every alternative is named
            kind = "other"
        start = m.start("num") if kind == "suffix" else m.start(kind)
        tokens.append(_Token(kind, text[start : m.end()].lower(), start, m.end()))
    return tokens


@attrs.frozen
class FigureMatch:
    """A figure phrase found in running text, with where it is.

    Attributes
    ----------
    text : str
        The phrase as written (``source[start:end]``).
    start, end : int
        Character offsets of the phrase in the source text (``end`` exclusive).
    figure : Figure
        The parsed figure; its ``text`` is the phrase.

    Examples
    --------
    >>> m = extract_figures("Police said 6,044 people were held.")[0]
    >>> (m.text, m.start, m.end, m.figure.stated)
    ('6,044', 12, 17, 6044)
    """

    text: str
    start: int
    end: int
    figure: Figure


class _Reader:
    """Reads figure phrases from the tokens of one text."""

    def __init__(self, text: str, conventions: Conventions, lexicon: _Lexicon = _ENGLISH) -> None:
        self.original = text
        self.text, self.origin = _normalize(text)
        self.conv = conventions
        self.lex = lexicon
        self.tokens = _tokenize(self.text)
        self.qualifier_words = max(len(key) for key in lexicon.qualifiers)
        self.scales: dict[str, int] = {
            **{word: value for word, (value, _more) in lexicon.small_scales.items()},
            **lexicon.big_scales,
        }
        # The vague words: the conventions' own, or the language's forms of them (words -> the conventions' word).
        spans = conventions.vague_spans
        if lexicon.vague is None:
            table = {tuple(word.split()): word for word in spans}
        else:
            table = {words: word for words, word in lexicon.vague.items() if word in spans}
        vague: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, word in table.items():
            vague.setdefault(key[0], []).append((key, word))
        for keys in vague.values():
            keys.sort(key=lambda entry: len(entry[0]), reverse=True)
        self.vague = vague
        # Tokens where "to"/"до" introduces the new total of a change ("rose from 18 to 25"): see :meth:`_change`.
        self.totals: set[int] = set()
        # The words a phrase can start with; :meth:`scan` reads no phrase at any other word.
        self.starters = frozenset(
            {
                *lexicon.units,
                *lexicon.tens,
                *lexicon.hundreds,
                *lexicon.halves,
                *lexicon.big_scales,
                *lexicon.small_scales,
                *lexicon.bare_scales,
                *lexicon.qualified_scales,
                *lexicon.indefinite,
                *(key[0] for key in lexicon.qualifiers),
                *lexicon.openers,
                *vague,
                lexicon.change_by,
                lexicon.change_from,
                lexicon.change_to,
                *lexicon.change_up_to[:1],
            }
        )

    # -- small helpers ---------------------------------------------------------

    def _word(self, j: int) -> str | None:
        if j < len(self.tokens) and self.tokens[j].kind == "word":
            return self.tokens[j].low
        return None

    def _adjacent(self, j: int) -> bool:
        """Whether token ``j`` touches token ``j - 1`` (no space between)."""
        return 0 < j < len(self.tokens) and self.tokens[j - 1].end == self.tokens[j].start

    def _position(self, j: int) -> int:
        return self.tokens[j].start if j < len(self.tokens) else len(self.text)

    def _match_qualifier(self, j: int) -> tuple[Qualifier, int] | None:
        table = self.lex.qualifiers
        for length in range(self.qualifier_words, 0, -1):
            words = tuple(self._word(k) for k in range(j, j + length))
            if None not in words and words in table:
                return table[words], j + length  # type: ignore[index]
        return None

    def _match_vague(self, j: int) -> tuple[str, int] | None:
        """The conventions' vague word that the words at ``j`` say, and the token after them."""
        first = self._word(j)
        if first is None:
            return None
        for key, word in self.vague.get(first, ()):
            if all(self._word(j + k) == part for k, part in enumerate(key)):
                return word, j + len(key)
        return None

    # -- numbers ---------------------------------------------------------------

    def _digits(self, j: int) -> tuple[Fraction, bool, int]:
        """Read the numeral at token ``j`` (joining space-grouped thousands).

        Returns the value, whether it has a decimal part, and the next token.
        """
        tokens, text, conv = self.tokens, self.text, self.conv
        start = tokens[j].start
        raw = tokens[j].low
        k = j + 1
        if raw.isdigit() and len(raw) <= 3:
            while (
                k < len(tokens)
                and tokens[k].kind == "num"
                and tokens[k].start == tokens[k - 1].end + 1
                and text[tokens[k - 1].end] in conv.group_separators
                and text[tokens[k - 1].end].isspace()
                and len(tokens[k].low) == 3
                and tokens[k].low.isdigit()
            ):
                raw += text[tokens[k - 1].end] + tokens[k].low
                k += 1
        value, decimal = self._numeral(raw, start, k)
        return value, decimal, k

    def _numeral(self, raw: str, start: int, resume: int) -> tuple[Fraction, bool]:
        parts = re.split(r"([^0-9])", raw)
        groups, seps = parts[::2], parts[1::2]
        mark = self.conv.decimal_mark
        if sum(len(g) for g in groups) > 15:
            raise _PhraseError(start, f"{raw!r} has too many digits to be a count", resume)
        fraction = ""
        if mark in seps:
            if seps.count(mark) > 1 or seps[-1] != mark:
                raise _PhraseError(start, f"{raw!r} has a misplaced decimal mark {mark!r}", resume)
            fraction = groups.pop()
            seps.pop()
        if seps:
            sep = seps[0]
            if sep not in self.conv.group_separators:
                raise _PhraseError(
                    start, f"{sep!r} in {raw!r} is neither the decimal mark nor a group separator", resume
                )
            if any(s != sep for s in seps):
                raise _PhraseError(start, f"{raw!r} mixes group separators", resume)
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                raise _PhraseError(start, f"{raw!r} is not grouped in thousands", resume)
        value = Fraction(int("".join(groups)))
        if fraction:
            value += Fraction(int(fraction), 10 ** len(fraction))
        return value, bool(fraction)

    def _number(self, j: int, *, in_between: bool = False, qualified: bool = False) -> tuple[int, int] | None:
        """Read a whole count (digits, words or both) starting at token ``j``.

        Returns ``(value, next token)``, ``None`` if no number starts at
        ``j``, or raises :class:`_PhraseError` for a number that is not a whole count.
        """
        read = self._read(j, in_between=in_between, qualified=qualified)
        return None if read is None else (self._whole(read), read.end)

    def _read(self, j: int, *, in_between: bool = False, qualified: bool = False) -> _Read | None:
        """Read a number starting at token ``j``, whole or not: ``None`` if none starts there.

        ``qualified``: the number follows a qualifier, so a scale word in the
        genitive ("более тысячи") is one of that scale. Raises
        :class:`_PhraseError` only for a number that is not well formed.
        """
        tokens, lex = self.tokens, self.lex
        if j >= len(tokens):
            return None
        first = tokens[j]
        word = self._word(j)
        total = Fraction(0)
        group: Fraction | None
        decimal = False
        big_limit = MAX_COUNT * 10
        if first.kind == "num":
            group, decimal, k = self._digits(j)
            last = "digits"
        elif word is None:
            return None
        elif word in lex.units:
            group, last, k = Fraction(lex.units[word]), "unit", j + 1
        elif word in lex.tens:
            group, last, k = Fraction(lex.tens[word]), "tens", j + 1
        elif word in lex.hundreds:
            group, last, k = Fraction(lex.hundreds[word]), "hundred", j + 1
        elif word in lex.halves:
            group, last, k = lex.halves[word], "half", j + 1
            if self._word(k) in lex.indefinite and self._word(k + 1) in self.scales:
                k += 1  # "half a million"
        elif word in lex.indefinite and self._word(j + 1) in self.scales:
            group, last, k = Fraction(1), "unit", j + 1
        elif word in lex.bare_scales or (qualified and word in lex.qualified_scales):
            group, last, k = Fraction(1), "unit", j  # the scale word itself is read next
        else:
            return None
        scaled = False
        trailing: int | None = None
        while k < len(tokens):
            tok = tokens[k]
            word = tok.low if tok.kind == "word" else None
            if word in lex.big_scales and group is not None and lex.big_scales[word] < big_limit:
                big_limit = trailing = lex.big_scales[word]
                total += group * big_limit
                group, last, scaled = None, "big", True
                if word in lex.scale_abbreviations and self._adjacent(k + 1) and tokens[k + 1].low == ".":
                    k += 1  # "3 тыс.": the full stop is the abbreviation's
            elif (
                word in lex.small_scales
                and group is not None
                and last in ("digits", "unit", "tens", "half")
                and group < 100
            ):
                value, more = lex.small_scales[word]
                group, last, scaled, trailing = group * value, ("hundred" if more else "dozen"), True, value
            elif word in lex.hundreds and last == "big":
                group, last, trailing = Fraction(lex.hundreds[word]), "hundred", None
            elif word in lex.units or word in lex.tens:
                value = lex.units[word] if word in lex.units else lex.tens[word]
                trailing = None if last in ("big", "hundred", "tens") else trailing
                if last == "big":
                    group, last = Fraction(value), ("tens" if word in lex.tens else "unit")
                elif last == "hundred" and group is not None:
                    group, last = group + value, ("tens" if word in lex.tens else "unit")
                elif last == "tens" and group is not None and word in lex.units and 1 <= value <= 9:
                    group, last = group + value, "unit"
                else:
                    break
            elif (
                word is not None
                and word == lex.number_and
                and not in_between
                and last in ("big", "hundred")
                and (self._word(k + 1) in lex.units or self._word(k + 1) in lex.tens)
            ):
                pass  # "a hundred and five": the next word continues the number
            elif tok.low in _DASHES and last == "tens" and group is not None and self._adjacent(k):
                after = self._word(k + 1)
                if after is None or not self._adjacent(k + 1) or not 1 <= lex.units.get(after, 0) <= 9:
                    break
                group, last = group + lex.units[after], "unit"
                k += 1
            elif tok.kind == "num" and last in ("big", "hundred") and tok.low.isdigit():
                value = int(tok.low) if len(tok.low) <= 15 else MAX_COUNT
                limit = 100 if last == "hundred" else big_limit
                if value >= limit:
                    break
                group = (group or Fraction(0)) + value
                last, trailing = "digits", None
            else:
                break
            k += 1
        if group is not None:
            total += group
        if self._word(k) in self.scales:
            position = first.start
            raise _PhraseError(position, f"{self.text[position : tokens[k].end]!r} is not a well-formed number", k + 1)
        return _Read(total, j, k, last, decimal, scaled, trailing)

    def _whole(self, read: _Read, scale: int = 1) -> int:
        """The whole count a number stands for, times ``scale``; raises :class:`_PhraseError` if it is none.

        ``scale`` is a scale word said once for two numbers: "3 to 5 thousand".
        """
        position, k = self.tokens[read.start].start, read.end
        numeral = self.text[position : self._end(k)]
        total = read.value * scale
        if read.last == "half" and scale == 1:
            raise _PhraseError(position, f"{numeral!r} is a part of a number: it needs a scale word after it", k)
        if read.decimal and not read.scaled and scale == 1:
            mark = self.conv.decimal_mark
            if re.fullmatch(r"[0-9]{1,3}" + re.escape(mark) + r"[0-9]{3}", numeral):
                other = "," if mark == "." else "."
                reason = (
                    f"{numeral!r} is not a whole number with {mark!r} as decimal mark; "
                    f"if {mark!r} groups thousands here, read it with Conventions(decimal_mark={other!r})"
                )
            else:
                reason = "a count is a whole number; a decimal needs a scale word ('1.5 million')"
            raise _PhraseError(position, reason, k)
        if total.denominator != 1:
            raise _PhraseError(position, f"{numeral!r} is not a whole number", k)
        if total > MAX_COUNT:
            raise _PhraseError(position, f"{numeral!r} is too large to be a count", k)
        return int(total)

    def _end(self, k: int) -> int:
        """Character offset where the token before ``k`` ends."""
        return self.tokens[k - 1].end if k > 0 else 0

    # -- phrases ---------------------------------------------------------------

    def phrase(self, i: int) -> _Phrase | None:
        """Read the figure phrase starting at token ``i``, if any."""
        tokens, lex = self.tokens, self.lex
        change = self._change(i)
        if change is not None:
            return change
        qualified = self._match_qualifier(i)
        qualifier, j = qualified if qualified is not None else (None, i)
        if qualifier is not None and j - i == len(lex.change_up_to) and self._after_change(i, tolls=True):
            said = tuple(self._word(k) for k in range(i, j))
            if said == lex.change_up_to:  # "rose up to 154": the new total is 154
                qualifier, i = None, j
        opener = None
        if qualifier is None and self._word(i) in lex.openers:
            opener, j = self._word(i), i + 1
        vague = self._match_vague(j)
        read = None
        if vague is not None and qualifier is not None:
            # "около тысячи" is about a thousand: after a qualifier, a word that is both a number
            # and a vague word ("тысячи": of a thousand, or thousands) is the number.
            read = self._read(j, qualified=True)
            if read is None:
                raise _PhraseError(tokens[i].start, "a qualifier cannot qualify a vague count", j)
        elif vague is not None:
            if opener is not None:
                if opener in lex.soft_openers:
                    return None
                raise _PhraseError(tokens[i].start, "a qualifier cannot qualify a vague count", j)
            word, k = vague
            scale = 1
            # "several hundred", "несколько десятков тысяч": each scale word multiplies, each larger than the last
            while (after := self._word(k)) in self.scales and self.scales[after] > scale:
                scale, k = scale * self.scales[after], k + 1
            figure = self.conv.vague_figure(word, scale=scale)
            return _Phrase(figure, i, k, self._context(i, k, None))
        else:
            in_between = opener is not None and lex.openers[opener] == lex.number_and
            read = self._read(j, in_between=in_between, qualified=qualifier is not None)
        if read is None:
            if qualifier is None and (opener is None or opener in lex.soft_openers):
                return None
            words = self.text[tokens[i].start : self._end(j)]
            raise _PhraseError(self._position(j), f"{words!r} is not followed by a number", j)
        k = read.end
        second = None
        if opener is not None:
            link = lex.openers[opener]
            if self._word(k) != link and not self._range_dash(k):
                if opener in lex.soft_openers:
                    return None
                self._whole(read)  # a first number that is no count is the first problem
                raise _PhraseError(self._position(k), f"{opener!r} needs two numbers joined by {link!r}", k)
            second = self._read(k + 1)
            if second is None:
                self._whole(read)
                raise _PhraseError(self._position(k + 1), f"{opener!r} needs a second number", k + 1)
        elif k < len(tokens) and (self._range_dash(k) or (lex.range_word and self._word(k) == lex.range_word)):
            second = self._read(k + 1)
        if second is None:
            low = self._whole(read)
            try:
                figure = self.conv.figure(qualifier or Qualifier.EXACT, low)
            except (InvalidArgumentError, ValidationError) as error:
                raise _PhraseError(tokens[i].start, str(error), k) from None
        else:
            low, high, k = self._whole(read, _shared_scale(read, second)), self._whole(second), second.end
            if qualifier is not None:
                raise _PhraseError(tokens[i].start, "a qualifier cannot qualify a range", k)
            if high < low:
                raise _PhraseError(tokens[j].start, f"the range {low:,} to {high:,} is reversed", k)
            figure = Figure.between(low, high)
        return _Phrase(figure, i, k, self._context(i, k, (j, low), bare=qualifier is None))

    def _range_dash(self, k: int) -> bool:
        """Whether token ``k`` is a dash that joins the two numbers of a range.

        An em dash with a space beside it is punctuation, not a range: "school
        No. 88 — 15 people" (the Russian tire) names 15 apart from 88.
        """
        if k >= len(self.tokens) or self.tokens[k].low not in _DASHES:
            return False
        return self.tokens[k].low != "\u2014" or (self._adjacent(k) and self._adjacent(k + 1))

    # -- changes: "rose by 1 to 158", "rose from 18 to 25", "rose up to 154" ---------

    def _after_change(self, i: int, *, tolls: bool = False) -> bool:
        """Whether token ``i`` follows a word of change ("rose", "выросло"), an adverb between allowed.

        With ``tolls``, a toll noun ("the toll up to 154") counts as well.
        """
        lex = self.lex
        before = self._word(i - 1) if i > 0 else None
        if before is not None and (
            before in lex.change_adverbs or (lex.adverb_suffix is not None and before.endswith(lex.adverb_suffix))
        ):
            before = self._word(i - 2) if i > 1 else None
        return before is not None and (before in lex.change_words or (tolls and before in lex.toll_words))

    def _change(self, i: int) -> _Phrase | None:
        """The phrase at token ``i`` if it speaks of a change of a figure, else None.

        After a word of change, "by N to M" states the new total M (N is a change,
        not a figure); "from N to M" states the previous figure N and the new total
        M, read as two figures; "to"/"до" at a token recorded in :attr:`totals`
        introduces that new total.
        """
        lex = self.lex
        word = self._word(i)
        if word is None:
            return None
        if i in self.totals and word == lex.change_to:
            total = self._number(i + 1)
            if total is not None:
                value, end = total
                return _Phrase(
                    self.conv.figure(Qualifier.EXACT, value), i + 1, end, self._context(i + 1, end, (i + 1, value))
                )
            return None
        if word not in (lex.change_by, lex.change_from) or not self._after_change(i):
            return None
        read = self._read(i + 1)
        if read is None:
            return None
        k = read.end
        # one word or dash may stand between: "rose by 5 people to 40", "выросло на два — до 139"
        between = k < len(self.tokens) and (self._word(k) is not None or self.tokens[k].low in _DASHES | {","})
        to = k + 1 if self._word(k) != lex.change_to and between and self._word(k + 1) == lex.change_to else k
        after = self._read(to + 1) if self._word(to) == lex.change_to else None
        if word == lex.change_from:
            scale = 1
            if after is not None and to == k:
                self.totals.add(to)
                scale = _shared_scale(read, after)  # "rose from 3 to 5 thousand"
            value = self._whole(read, scale)
            return _Phrase(self.conv.figure(Qualifier.EXACT, value), i + 1, k, self._context(i + 1, k, (i + 1, value)))
        value = self._whole(read)
        total = None if after is None else (self._whole(after), after.end)
        if total is None:
            if self._word(i - 1) in lex.change_particles:
                return None  # "gunned down by 5 men": no change of a figure
            return _Phrase(self.conv.figure(Qualifier.EXACT, value), i + 1, k, "a change of a figure, not a figure")
        value, end = total
        return _Phrase(
            self.conv.figure(Qualifier.EXACT, value), to + 1, end, self._context(to + 1, end, (to + 1, value))
        )

    # -- what is not a count -----------------------------------------------------

    def _context(self, i: int, k: int, number: tuple[int, int] | None, *, bare: bool = True) -> str | None:
        """Why the phrase in tokens ``[i, k)`` is not a count, or None if it is.

        ``number`` is ``(token, value)`` of the phrase's number, for the rules
        that look at the number itself (dates, ages, names); ``bare`` says the
        number has no qualifier (the rules for names and "one of" need that).
        """
        tokens, lex = self.tokens, self.lex
        after = tokens[k] if k < len(tokens) else None
        after_word = self._word(k)
        if after is not None:
            if after.low in _SIGNS_AFTER and self._adjacent(k):
                return {"%": "a percentage", "°": "a temperature or angle"}.get(after.low, "a date, time or ratio")
            if after.low == "%":
                return "a percentage"
            if after_word in lex.percent_words or (after_word == "per" and self._word(k + 1) == "cent"):
                return "a percentage"
            if after_word in lex.durations:
                return "a duration or age"
            if after.low in _DASHES and self._adjacent(k) and self._word(k + 1) in lex.durations:
                return "a duration or age"
            if after_word in lex.fraction_words or (
                after.low in _DASHES and self._adjacent(k) and self._word(k + 1) in lex.fraction_words
            ):
                return "a fraction"
            suffixed = self._word(k + 1) is not None and self._adjacent(k + 1)
            if lex.hyphen_suffixes and after.low in _DASHES and self._adjacent(k) and suffixed:
                return "an ordinal, a date or an age"  # "5-й", "7-го января", "19-летний"
            if after.low == "'" and self._adjacent(k) and self._word(k + 1) == "s" and self._adjacent(k + 1):
                return "a decade or an age"  # "the 1990's", "in their 20's"
            if after_word in ("degrees", "degree"):
                return "a temperature or angle"
            if after_word in lex.time_words and (after_word != "o" or self.text[after.end : after.end + 1] == "'"):
                return "a time of day"
            if after_word in ("a", "p") and self._word(k + 2) == "m" and tokens[k + 1].low == ".":
                return "a time of day"
        if self.power(i, k):
            return "part of a power or of scientific notation (1e6, 10^18)"
        if self.negative(i):
            return "a negative number"
        if i > 0:
            before = tokens[i - 1]
            if before.low in _SIGNS_BEFORE and self._adjacent(i):
                return "an amount of money, a number sign or part of a date or time"
            if before.kind == "word" and before.low in lex.age_words:
                return "an age"
            fused = before.low in _DASHES and self._adjacent(i) and i > 1 and self._adjacent(i - 1)
            if fused and tokens[i - 2].kind in ("word", "alnum"):
                return "part of a name"
        if number is None:
            return None
        j, value = number
        of_a_fraction = i > 1 and self._word(i - 1) == lex.of_word and self._word(i - 2) in lex.fraction_words
        if of_a_fraction and self._word(j) in lex.indefinite:
            return "a fraction"  # "a quarter of a million"
        if bare:
            if value == 1 and tokens[j].kind == "word" and k == j + 1 and after_word == lex.of_word:
                return "'one of'"
            if k == j + 1 and (self._after_name_word(i) or (i > 1 and self._in_name(i - 1))):
                return "part of a name"
        if self._day(k - 1) and (self._month(k) or (after_word == lex.of_word and self._month(k + 1))):
            return "a date"
        if self._day(j) and i == j and i > 0 and self._month_before(i):
            return "a date"
        return None

    def _day(self, j: int) -> bool:
        """Whether token ``j`` is digits that could be a day of the month (1 to 31)."""
        low = self.tokens[j].low
        return self.tokens[j].kind == "num" and low.isdigit() and len(low) <= 2 and 1 <= int(low) <= 31

    def _month_before(self, i: int) -> bool:
        """Whether a month's name ends just before token ``i`` ("January 7", "Mar. 23")."""
        if self._month(i - 1):
            return True
        return i > 1 and self.tokens[i - 1].low == "." and self._adjacent(i - 1) and self._month(i - 2)

    def _after_name_word(self, i: int) -> bool:
        """Whether token ``i`` follows a noun that names things by number ("channel 112", "No. 5")."""
        lex = self.lex
        j = i - 1
        if j > 0 and self.tokens[j].low == "." and self._adjacent(j) and self._word(j - 1) == "no":
            return True  # "No. 5"
        word = self._word(j) if j >= 0 else None
        if word is None or word not in lex.name_words or word == "no":
            return False
        if word == "number":
            # "bus number 5", "Number 10": a name; "the dead number 40": the verb, and 40 is a count
            determiner = self._word(j - 1) if j > 0 else None
            capital = self.text[self.tokens[j].start].isupper()
            return capital or determiner in ("a", "the") or determiner in lex.name_words
        return True

    def _in_name(self, j: int) -> bool:
        """Whether token ``j`` is a capitalised word inside a sentence ("broadcaster Khabar 24").

        Not after a preposition: "in Almaty 40 died" names a place.
        """
        lex = self.lex
        word = self._word(j)
        if word is None or word in lex.months or word in lex.weekdays or not self.text[self.tokens[j].start].isupper():
            return False
        before = self.tokens[j - 1]
        if before.low in _QUOTES and j + 2 < len(self.tokens) and self.tokens[j + 2].low in _QUOTES:
            return True  # a quoted name that ends with the number: «Хабар 24», "Khabar 24"
        return before.kind == "word" and before.low not in lex.prepositions

    def _month(self, j: int) -> bool:
        word = self._word(j)
        if word is None or word not in self.lex.months:
            return False
        # "may" is a month only when written with a capital letter: "5 may have died" is not a date.
        return word != "may" or self.text[self.tokens[j].start] == "M"

    def is_year(self, phrase: _Phrase) -> bool:
        """An unqualified bare four-digit number from 1000 to 2100 (extraction only)."""
        tok = self.tokens[phrase.first]
        return (
            phrase.end == phrase.first + 1
            and tok.kind == "num"
            and tok.low.isdigit()
            and len(tok.low) == 4
            and 1000 <= int(tok.low) <= 2100
        )

    def scan(self, i: int) -> list[_Phrase]:
        """Every counted figure phrase from token ``i`` on."""
        found: list[_Phrase] = []
        tokens, starters = self.tokens, self.starters
        while i < len(tokens):
            token = tokens[i]
            if token.kind != "num" and (token.kind != "word" or token.low not in starters):
                i += 1
                continue
            try:
                phrase = self.phrase(i)
            except _PhraseError as bad:
                i = max(i + 1, bad.resume)
                continue
            if phrase is None:
                i += 1
                continue
            if phrase.excluded is None and not self.is_year(phrase):
                found.append(phrase)
            i = max(i + 1, phrase.end)
        return found

    def phrase_or_none(self, i: int) -> _Phrase | None:
        """:meth:`phrase`, with None for a phrase that cannot be read."""
        try:
            return self.phrase(i)
        except _PhraseError:
            return None

    def at(self, k: int) -> int:
        """The offset in the original text of offset ``k`` of the normalised text."""
        return k if self.origin is None else self.origin[k]

    def end_at(self, k: int) -> int:
        """The offset in the original text where the normalised text's first ``k`` characters end."""
        return k if self.origin is None or k == 0 else self.origin[k - 1] + 1

    def span(self, phrase: _Phrase) -> tuple[int, int]:
        """Where a phrase is in the original text: ``(start, end)``."""
        return self.at(self.tokens[phrase.first].start), self.end_at(self.tokens[phrase.end - 1].end)

    def negative(self, i: int) -> bool:
        """Whether a minus sign (in any script) touches token ``i`` from the left and nothing touches the sign.

        "-5" and "\\u22125" are negative; "150-200" (a range) and "COVID-19" (a name) are not.
        """
        return (
            0 < i < len(self.tokens)
            and self.tokens[i].kind == "num"
            and self.tokens[i - 1].low in _MINUS
            and self._adjacent(i)
            and not (i > 1 and self._adjacent(i - 1))
        )

    def power(self, i: int, k: int) -> bool:
        """Whether the number in tokens ``[i, k)`` is part of a power or of scientific notation.

        "1e6" (tokens "1e", "6"), "1E+06", "10^18" and "10**6" hold no count: no number is read from them.
        """
        tokens = self.tokens
        before = tokens[i - 1] if i > 0 and self._adjacent(i) else None
        if before is not None:
            if before.kind in _FUSED and before.low[-1] == "e" and before.low[0].isdigit():
                return True
            if before.low == "^" or (before.low == "*" and i > 1 and tokens[i - 2].low == "*"):
                return True
            if before.low in "+-" and i > 1 and self._adjacent(i - 1) and tokens[i - 2].kind in _FUSED:
                return tokens[i - 2].low[-1] == "e" and tokens[i - 2].low[0].isdigit()
        if k < len(tokens) and self._adjacent(k):
            after = tokens[k].low
            return after == "^" or (after == "*" and k + 1 < len(tokens) and tokens[k + 1].low == "*")
        return False


def _reader(text: str, conventions: Conventions | None, language: str) -> _Reader:
    """The reader of ``text`` in ``language``, after checking the options."""
    if not isinstance(language, str) or language not in _LEXICONS:
        allowed = ", ".join(repr(name) for name in _LEXICONS)
        raise InvalidArgumentError(f"'language' must be one of {allowed} (got {language!r})")
    if conventions is None:
        conventions = _DEFAULT_CONVENTIONS[language]
    elif not isinstance(conventions, Conventions):
        raise InvalidArgumentError(f"'conventions' must be a Conventions or None (got {conventions!r})")
    return _Reader(text, conventions, _LEXICONS[language])


def parse_figure(text: str, conventions: Conventions | None = None, *, language: str = "en") -> Figure:
    r"""Parse one figure phrase into the interval its words allow.

    Parameters
    ----------
    text : str
        One figure phrase, such as ``"more than 3,000"``. It must *start*
        with the phrase (leading punctuation such as quotes is skipped); words
        after it ("protesters detained") are ignored as long as they hold no
        second figure. Case and the amount of whitespace between words do
        not matter; inside a number only a single separator groups thousands
        ("7 939" is 7939, "7  939" is two numbers).
    conventions : Conventions, optional
        How to read qualifiers, vague words and numerals; by default
        :data:`~kzfigures.conventions.DEFAULT_CONVENTIONS`, and for Russian
        the same with the decimal comma, ``Conventions(decimal_mark=",")``
        ("1,5 млн" is 1,500,000; "7 939" is 7939).
    language : {"en", "ru"}, default "en"
        The language of the words. Russian numerals are read in every case
        ("двух тысяч", "трое"); Russian vague words take the span of their
        English word in ``conventions`` ("десятки" that of "dozens").

    Returns
    -------
    Figure
        With ``text`` set to the phrase as written (without trailing words).

    Raises
    ------
    FigureParseError
        If the text does not start with a figure phrase, holds a second one,
        states a number that is not a count (a percentage, a duration, an
        age, a date, a time, a decimal without scale word, an ambiguous
        "6.044"), or a reversed range. The error names the text and the
        character position of the problem.
    InvalidArgumentError
        If ``language`` is not one of ``"en"``, ``"ru"`` or ``conventions``
        is not a :class:`Conventions`.

    Notes
    -----
    Under the default conventions, with :math:`N` the stated number:

    ============================================= ===============================================
    phrase                                        interval
    ============================================= ===============================================
    "N"                                           :math:`[N, N]`
    "more than / over / above N"                  :math:`[N+1, \infty)`
    "at least / no fewer than / no less than N"   :math:`[N, \infty)`
    "fewer than / less than / under N"            :math:`[0, N-1]`
    "up to / at most / no more than N"            :math:`[0, N]`
    "about / around / approximately / some N"     :math:`[\lceil N-h \rceil, \lfloor N+h \rfloor]`
    "almost / nearly / just under N"              :math:`[\lceil 0.9 N \rceil, N-1]`
    "between A and B", "A-B", "A to B"            :math:`[A, B]`, :math:`A \le B`
    "dozens", "hundreds", "a few", ...            the span in ``conventions.vague``
    ============================================= ===============================================

    with :math:`h = \max(0.1 N, u(N)/2)` and :math:`u(N)` the unit of the
    last non-zero digit (see :class:`~kzfigures.conventions.Conventions`).
    Numbers may be digits ("7,939", "7 939" with any of the four spaces),
    words ("twenty-six", "a dozen") or both ("2 thousand 30", "1.5 million").
    A vague word followed by a scale word multiplies: "several hundred" is
    :math:`[300, 900]`, and "several hundred thousand" :math:`[300000, 900000]`.
    A range shares a scale word said once after its second number, unless
    the first number would then exceed the second: "3 to 5 thousand" is
    :math:`[3000, 5000]`, "500 to 2 thousand" :math:`[500, 2000]`.
    The Russian words and their readings are tabled in ``docs/conventions.md``.
    The cost is :math:`O(n)` in the length of ``text``.

    Examples
    --------
    >>> parse_figure("almost 6,000")
    Figure(low=5400, high=5999, stated=6000, qualifier='almost', text='almost 6,000')
    >>> parse_figure("About 8 Thousand people").to_text()
    'about 8,000'
    >>> parse_figure("between 150 and 200").point
    175
    >>> parse_figure("6.044")
    Traceback (most recent call last):
    ...
    kzfigures.errors.FigureParseError: cannot parse a figure from '6.044' at position 0: ...
    >>> parse_figure("полторы тысячи", language="ru").stated
    1500
    >>> parse_figure("164", language="de")
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: 'language' must be one of 'en', 'ru' (got 'de')
    """
    if not isinstance(text, str):
        raise FigureParseError(repr(text), 0, f"expected text, got {type(text).__name__}")
    reader = _reader(text, conventions, language)
    tokens = reader.tokens
    i = 0
    while i < len(tokens) and tokens[i].kind in ("other", "url") and not reader.negative(i + 1):
        i += 1
    if i == len(tokens):
        raise FigureParseError(
            text, len(text) if not tokens else reader.end_at(tokens[-1].end), "no figure phrase in the text"
        )
    if reader.negative(i + 1) and reader.phrase_or_none(i + 1) is not None:
        raise FigureParseError(
            text, reader.at(tokens[i].start), f"a count cannot be negative ({tokens[i].low!r} before the number)"
        )
    try:
        phrase = reader.phrase(i)
    except _PhraseError as bad:
        raise FigureParseError(text, reader.at(bad.position), bad.reason) from None
    if phrase is None:
        raise FigureParseError(
            text,
            reader.at(tokens[i].start),
            f"the text must start with a figure phrase, not {reader.text[tokens[i].start :][:30]!r}",
        )
    start, end = reader.span(phrase)
    if phrase.excluded is not None:
        raise FigureParseError(text, start, f"{text[start:end]!r} is {phrase.excluded}, not a count")
    rest = reader.scan(phrase.end)
    if rest:
        extra = reader.span(rest[0])[0]
        raise FigureParseError(
            text, extra, "the text holds more than one figure phrase; use extract_figures for running text"
        )
    return attrs.evolve(phrase.figure, text=text[start:end])


def extract_figures(text: str, conventions: Conventions | None = None, *, language: str = "en") -> list[FigureMatch]:
    """Find every figure phrase in running text.

    Parameters
    ----------
    text : str
        Any text, such as a news paragraph.
    conventions : Conventions, optional
        As for :func:`parse_figure`.
    language : {"en", "ru"}, default "en"
        As for :func:`parse_figure`.

    Returns
    -------
    list of FigureMatch
        In order of position; phrases do not overlap.

    Notes
    -----
    A figure phrase is what :func:`parse_figure` reads. Left out, because
    they are not counts: years (an unqualified bare four-digit number from
    1000 to 2100, so "in 2022" but also "2022 people"), dates ("January 7",
    "7 January", "Mar. 23"; "May" only when capitalised), times ("10 am",
    "14:30"), ages ("81-year-old", "aged 81", "in their 20's"), percentages
    ("98%", "98 percent"), fractions ("two-thirds", "three quarters"),
    ordinals ("15th"; ordinal words are not number words), durations and
    frequencies ("180-day", "three decades", "several days", "three
    times"), temperatures, amounts after a currency sign, numbers in URLs,
    numbers fused to a word ("COVID-19") and numbers that name things
    ("channel 112", "flight 370", "No. 5", "Khabar 24"). Phrases that cannot
    be read (a reversed range, "6.044" under the default decimal mark) are
    skipped.

    After a word of change ("rose", "increased", "climbed", "fell", "went
    up", "выросло"), the words speak of a change: "rose up to 154" states
    154 exactly (not at most 154); "rose by one to 158" states 158, and the
    change "one" is no figure; "rose from 18 to 25" states two figures, the
    earlier 18 and the new 25, found as two matches. Without a word of
    change, "up to 154" is at most 154 and "from 18 to 25" a range.

    Counts of things other than people are *not* left out: nothing in the
    words tells soldiers from protesters, so "2 thousand 30 soldiers" is
    found. Deciding what a count counts is the caller's job.

    The text is tokenized once and each token is read a bounded number of
    times: :math:`O(n)` in the length of ``text``.

    Examples
    --------
    >>> found = extract_figures("In 2022, more than 3,000 were held and 748 hurt over three decades.")
    >>> [(m.text, m.figure.low) for m in found]
    [('more than 3,000', 3001), ('748', 748)]
    >>> [m.text for m in extract_figures("The toll rose by one to 158 on Mar. 23.")]
    ['158']
    >>> [m.text for m in extract_figures("7 января задержаны более 3 тыс. человек, погибли трое.", language="ru")]
    ['более 3 тыс.', 'трое']
    """
    if not isinstance(text, str):
        raise FigureParseError(repr(text), 0, f"expected text, got {type(text).__name__}")
    reader = _reader(text, conventions, language)
    matches = []
    for phrase in reader.scan(0):
        start, end = reader.span(phrase)
        matches.append(FigureMatch(text[start:end], start, end, attrs.evolve(phrase.figure, text=text[start:end])))
    return matches
