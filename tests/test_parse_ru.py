"""Tests for reading Russian figure phrases: parse_figure and extract_figures with language="ru".

Every expected value is worked out by hand from the words (a Russian numeral's
value does not depend on its case) and from the conventions' formulas in
docs/conventions.md, never copied from output.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.conventions import Conventions
from kzfigures.errors import FigureParseError, InvalidArgumentError
from kzfigures.model import Figure, Qualifier
from kzfigures.parse import FigureMatch, extract_figures, parse_figure
from tests._profiles import examples

INF = None


def ru(text: str, conventions: Conventions | None = None) -> tuple[int, int | None, int | None, str]:
    f = parse_figure(text, conventions, language="ru")
    return (f.low, f.high, f.stated, f.qualifier.value)


def found(text: str, conventions: Conventions | None = None) -> list[tuple[str, int, int | None]]:
    return [(m.text, m.figure.low, m.figure.high) for m in extract_figures(text, conventions, language="ru")]


# --- numbers ----------------------------------------------------------------------------

NUMBERS = [
    ("7939", 7939),
    ("7 939", 7939),
    ("7\u00a0939", 7939),  # no-break space, as Russian typesetting groups
    ("1 234 567", 1_234_567),
    ("3 тыс.", 3000),
    ("3 тыс", 3000),
    ("1,5 млн", 1_500_000),  # the Russian decimal comma
    ("2 млрд", 2_000_000_000),
    ("один", 1),
    ("одна", 1),
    ("одного", 1),
    ("одному", 1),
    ("одну", 1),
    ("два", 2),
    ("две", 2),
    ("двух", 2),
    ("двум", 2),
    ("двумя", 2),
    ("три", 3),
    ("трёх", 3),
    ("трех", 3),
    ("четыре", 4),
    ("четырёх", 4),
    ("пять", 5),
    ("пяти", 5),
    ("десять", 10),
    ("десяти", 10),
    ("одиннадцать", 11),
    ("восемнадцати", 18),
    ("двадцать", 20),
    ("двадцати", 20),
    ("сорока", 40),
    ("девяноста", 90),
    ("двадцать шесть", 26),
    ("двадцати шести", 26),
    ("сто", 100),
    ("ста", 100),
    ("двести", 200),
    ("двухсот", 200),
    ("триста", 300),
    ("трёхсот", 300),
    ("пятьсот", 500),
    ("пятисот", 500),
    ("девятьсот", 900),
    ("сто двадцать пять", 125),
    ("семьсот сорок восемь", 748),
    ("тысяча", 1000),
    ("тысячу", 1000),
    ("две тысячи", 2000),
    ("трёх тысяч", 3000),
    ("пять тысяч", 5000),
    ("2 тысячи 30", 2030),
    ("две тысячи тридцать", 2030),
    ("шесть тысяч сорок четыре", 6044),
    ("семь тысяч девятьсот тридцать девять", 7939),
    ("миллион", 1_000_000),
    ("два миллиона", 2_000_000),
    ("полторы тысячи", 1500),
    ("полутора тысяч", 1500),
    ("полтора миллиона", 1_500_000),
    ("полтора десятка", 15),
    ("два десятка", 20),
    ("десяток", 10),
    ("сотня", 100),
    ("две сотни", 200),
    ("двое", 2),
    ("трое", 3),
    ("четверо", 4),
    ("пятеро", 5),
    ("шестеро", 6),
    ("семеро", 7),
    ("троих", 3),
    ("двадцать трое", 23),
]


@pytest.mark.parametrize(("text", "n"), NUMBERS)
def test_russian_numbers_are_exact(text: str, n: int) -> None:
    assert ru(text) == (n, n, n, "exact")


def test_collectives_count_people() -> None:
    assert parse_figure("трое детей", language="ru") == Figure.exact(3, text="трое")


def test_the_phrase_keeps_its_words_as_written() -> None:
    assert parse_figure("Более 3 тысяч человек задержаны", language="ru").text == "Более 3 тысяч"
    assert parse_figure("более 3 тыс", language="ru").text == "более 3 тыс"


# --- qualifiers -------------------------------------------------------------------------

QUALIFIED = [
    ("более 3 тысяч", (3001, INF, 3000, "more_than")),
    ("более чем 3000", (3001, INF, 3000, "more_than")),
    ("свыше 100", (101, INF, 100, "more_than")),
    ("больше 100", (101, INF, 100, "more_than")),
    ("более сотни", (101, INF, 100, "more_than")),  # "сотни" after a qualifier: of a hundred
    ("не менее 18", (18, INF, 18, "at_least")),
    ("не меньше 18", (18, INF, 18, "at_least")),
    ("по меньшей мере 18", (18, INF, 18, "at_least")),
    ("как минимум 18", (18, INF, 18, "at_least")),
    ("менее 100", (0, 99, 100, "fewer_than")),
    ("меньше 100", (0, 99, 100, "fewer_than")),
    ("до 100", (0, 100, 100, "at_most")),
    ("не более 100", (0, 100, 100, "at_most")),
    ("не более чем 100", (0, 100, 100, "at_most")),
    # about N: h = max(0.1 N, unit/2)
    ("около 8 тысяч", (7200, 8800, 8000, "about")),  # h = max(800, 500)
    ("около тысячи", (500, 1500, 1000, "about")),  # h = max(100, 500)
    ("порядка 300", (250, 350, 300, "about")),  # h = max(30, 50)
    ("примерно 164", (148, 180, 164, "about")),  # h = 16.4: [ceil 147.6, floor 180.4]
    ("приблизительно 50", (45, 55, 50, "about")),
    ("почти около 50", (45, 55, 50, "about")),
    # almost N: [ceil(0.9 N), N - 1]
    ("почти 6 тысяч", (5400, 5999, 6000, "almost")),
    ("почти 6000", (5400, 5999, 6000, "almost")),
    ("едва не 100", (90, 99, 100, "almost")),
    ("чуть меньше 100", (90, 99, 100, "almost")),
    ("в общей сложности 4 404", (4404, 4404, 4404, "exact")),
]


@pytest.mark.parametrize(("text", "expected"), QUALIFIED)
def test_russian_qualifiers(text: str, expected: tuple[int, int | None, int, str]) -> None:
    assert ru(text) == expected


RANGES = [
    ("от 3 до 5", (3, 5)),
    ("от трёх до пяти", (3, 5)),
    ("3-5", (3, 5)),
    ("3 - 5", (3, 5)),
    ("150–200", (150, 200)),
    ("между 150 и 200", (150, 200)),
]


@pytest.mark.parametrize(("text", "bounds"), RANGES)
def test_russian_ranges(text: str, bounds: tuple[int, int]) -> None:
    assert ru(text) == (*bounds, None, "range")


VAGUE = [
    ("десятки", (24, 99)),  # dozens
    ("десятков", (24, 99)),
    ("сотни", (200, 999)),  # hundreds
    ("сотен", (200, 999)),
    ("тысячи", (2000, 9999)),  # thousands
    ("тысяч", (2000, 9999)),
    ("несколько", (3, 9)),  # several
    ("нескольких", (3, 9)),
    ("несколько десятков", (30, 90)),  # several [3, 9] times 10
    ("нескольких десятков", (30, 90)),
    ("несколько сотен", (300, 900)),  # several times 100
    ("несколько тысяч", (3000, 9000)),
    ("несколько десятков тысяч", (30_000, 90_000)),  # several times 10 times 1000
    ("десятки тысяч", (20_000, 99_999)),  # tens of thousands
    ("десятков тысяч", (20_000, 99_999)),
    ("сотни тысяч", (200_000, 999_999)),  # hundreds of thousands
    ("многие", (2, INF)),  # many
    ("многих", (2, INF)),
    ("много", (2, INF)),
]


@pytest.mark.parametrize(("text", "bounds"), VAGUE)
def test_russian_vague_words(text: str, bounds: tuple[int, int | None]) -> None:
    assert ru(text) == (*bounds, None, "vague")


def test_russian_vague_words_follow_the_conventions_of_their_english_word() -> None:
    mine = Conventions(vague={"dozens": (12, 99), "several": (2, 7)})
    assert ru("десятки", mine) == (12, 99, None, "vague")
    assert ru("несколько сотен", mine) == (200, 700, None, "vague")
    # conventions without "hundreds" have no vague "сотни": it is then no figure
    with pytest.raises(FigureParseError):
        parse_figure("сотни", mine, language="ru")


# --- the default conventions of Russian ---------------------------------------------------


def test_russian_defaults_to_the_decimal_comma() -> None:
    assert ru("2,5 тыс.") == (2500, 2500, 2500, "exact")
    assert ru("6.044") == (6044, 6044, 6044, "exact")  # '.' groups thousands under the decimal comma
    with pytest.raises(FigureParseError, match=r"decimal_mark='\.'"):
        parse_figure("6,044", language="ru")  # 6.044 is not whole
    # passed conventions are used as they are
    assert ru("7,939", Conventions()) == (7939, 7939, 7939, "exact")


SHARED_SCALES = [
    ("от 3 до 5 тысяч", (3000, 5000)),  # the scale after the second number is the first's too
    ("3-5 тыс.", (3000, 5000)),
    ("от 1,5 до 2 тыс.", (1500, 2000)),  # 1,5 is whole once scaled
    ("от двух до трёх тысяч", (2000, 3000)),
    ("от 500 до 2 тысяч", (500, 2000)),  # 500 thousand would exceed 2 thousand: 500 stays
    ("от 1 тысячи до 2 тысяч", (1000, 2000)),
]


@pytest.mark.parametrize(("text", "bounds"), SHARED_SCALES)
def test_a_range_shares_the_scale_word_said_after_it(text: str, bounds: tuple[int, int]) -> None:
    assert ru(text) == (*bounds, None, "range")


def test_the_full_stop_of_an_abbreviated_scale_is_part_of_the_phrase() -> None:
    assert parse_figure("более 3 тыс. человек", language="ru").text == "более 3 тыс."
    assert found("Задержаны 5 тыс. Человек") == [("5 тыс.", 5000, 5000)]


def test_one_and_a_half_needs_a_scale() -> None:
    with pytest.raises(FigureParseError, match="scale word"):
        parse_figure("полтора", language="ru")


# --- extraction -------------------------------------------------------------------------

# Sentences written for these tests around the figure phrases of the Kazakhstan reports.
PARAGRAPHS = [
    (
        "По данным МВД, 7 января погибли 18 сотрудников силовых структур, 748 ранены. "
        "Задержаны более 3 тысяч человек, ещё 26 вооружённых преступников ликвидированы.",
        [("18", 18, 18), ("748", 748, 748), ("более 3 тысяч", 3001, None), ("26", 26, 26)],
    ),
    (
        "10 января в стране объявили траур: погибли 164 человека, в том числе трое детей. "
        "Почти 6 тысяч человек задержаны, по другим данным — 6 044.",
        [("164", 164, 164), ("трое", 3, 3), ("Почти 6 тысяч", 5400, 5999), ("6 044", 6044, 6044)],
    ),
    (
        "Сотни человек ранены, десятки погибли; в Алматы 103 человека госпитализированы. "
        "Телеканал Хабар 24 сообщил о нескольких десятках задержанных.",
        [("Сотни", 200, 999), ("десятки", 24, 99), ("103", 103, 103), ("нескольких десятках", 30, 90)],
    ),
    (
        "Число погибших выросло до 225. Оно выросло на 61 до 225; число задержанных выросло с 8 тысяч до 9 900.",
        [("225", 225, 225), ("225", 225, 225), ("8 тысяч", 8000, 8000), ("9 900", 9900, 9900)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARAGRAPHS)
def test_finds_every_figure_of_russian_paragraphs(text: str, expected: list[tuple[str, int, int | None]]) -> None:
    assert found(text) == expected


NOT_COUNTS = [
    "7 января",  # date
    "до 10 января",  # date, even after a qualifier
    "7-го января",  # date with an ordinal ending
    "к 2022 году",  # year
    "2022 года",  # year
    "в 2019 году",  # year
    "в 10:00",  # time
    "в 11 часов",  # time
    "в 7 утра",  # time
    "в возрасте 19 лет",  # age
    "19-летний",  # age
    "40%",  # percentage
    "40 процентов",  # percentage
    "5-й",  # ordinal
    "три дня",  # duration
    "30 лет назад",  # duration
    "несколько дней",  # duration
    "в три раза",  # a multiple
    "канал 112",  # a name
    "телеканал Хабар 24 сообщил",  # a name
    "рейс 370",  # a name
    "школа № 5",  # a number sign
    "один из погибших",  # "one of"
    "две трети",  # a fraction
    "треть",
    "половина",
    "полтора",  # one and a half, no count
    "выросло на 5",  # a change alone
]


@pytest.mark.parametrize("text", NOT_COUNTS)
def test_russian_extraction_leaves_out_what_is_not_a_count(text: str) -> None:
    assert found(text) == []


# Found wrong on the labelled Russian corpus (tests/data/extraction/ru.jsonl), in our own words here.
CORPUS_CASES = [
    # a quoted name that ends with its number: «Хабар 24» is a broadcaster
    ("по данным телеканала «Хабар 24». Больше всего жертв, 103, в Алматы", [("103", 103, 103)]),
    ("«Сегодня 40 человек погибли»", [("40", 40, 40)]),  # a quote that goes on is no name
    # a dash between the change and its total: 139 is the new toll, 2 the change
    ("Число жертв выросло на два — до 139 человек", [("139", 139, 139)]),
    # a spaced em dash is punctuation (the tire), not a range: 88 is a school's number, 15 the dead
    ("в школе № 88 — 15 человек: 11 детей и четверо взрослых", [("15", 15, 15), ("11", 11, 11), ("четверо", 4, 4)]),
]


@pytest.mark.parametrize(("text", "expected"), CORPUS_CASES)
def test_cases_the_corpus_found(text: str, expected: list[tuple[str, int, int | None]]) -> None:
    assert found(text) == expected


def test_a_preposition_that_looks_like_an_opener_leaves_the_count() -> None:
    # "с" opens "с 18 до 25" but is a mere "with" in "с 5 детьми"
    assert found("вместе с 5 детьми") == [("5", 5, 5)]
    assert found("с 18 до 25 человек") == [("с 18 до 25", 18, 25)]


def test_english_words_are_not_read_as_russian_and_back() -> None:
    assert found("more than 3 000") == [("3 000", 3000, 3000)]  # English qualifier unknown in Russian
    assert extract_figures("более 3 тысяч") == [FigureMatch("3", 6, 7, Figure.exact(3, text="3"))]


# --- the language option ----------------------------------------------------------------

BAD_LANGUAGES = ["de", "EN", "russian", "", None, 1, ["ru"]]


@pytest.mark.parametrize("language", BAD_LANGUAGES)
@pytest.mark.parametrize("function", [parse_figure, extract_figures])
def test_an_unknown_language_raises_naming_it_and_the_allowed(function: object, language: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        function("164", language=language)  # type: ignore[operator]
    assert repr(language) in str(info.value)
    assert "'en', 'ru'" in str(info.value)


def test_language_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        parse_figure("164", None, "ru")  # type: ignore[misc]


# --- properties --------------------------------------------------------------------------

RUSSIAN_QUALIFIERS = [
    ("", Qualifier.EXACT),
    ("более ", Qualifier.MORE_THAN),
    ("более чем ", Qualifier.MORE_THAN),
    ("свыше ", Qualifier.MORE_THAN),
    ("не менее ", Qualifier.AT_LEAST),
    ("по меньшей мере ", Qualifier.AT_LEAST),
    ("как минимум ", Qualifier.AT_LEAST),
    ("менее ", Qualifier.FEWER_THAN),
    ("до ", Qualifier.AT_MOST),
    ("не более ", Qualifier.AT_MOST),
    ("около ", Qualifier.ABOUT),
    ("порядка ", Qualifier.ABOUT),
    ("примерно ", Qualifier.ABOUT),
    ("почти ", Qualifier.ALMOST),
    ("чуть меньше ", Qualifier.ALMOST),
]
RU_CONVENTIONS = Conventions(decimal_mark=",")


def _grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


@settings(max_examples=examples(200))
@given(
    st.integers(min_value=1, max_value=10**12),
    st.sampled_from(RUSSIAN_QUALIFIERS),
    st.sampled_from(["", " ", "\u00a0", "\u202f"]),
)
def test_digits_with_a_qualifier_round_trip(n: int, pair: tuple[str, Qualifier], separator: str) -> None:
    words, qualifier = pair
    text = words + (_grouped(n, separator) if separator else str(n))
    figure = parse_figure(text, language="ru")
    assert figure.text == text
    assert attrs.evolve(figure, text=None) == RU_CONVENTIONS.figure(qualifier, n)
    year = qualifier is Qualifier.EXACT and text.isdigit() and 1000 <= n <= 2100  # a bare year is left out
    expected = [] if year else [figure]
    assert [m.figure for m in extract_figures(f"Сообщается, что {text} человек.", language="ru")] == expected


RU_WORDS = st.sampled_from(
    ["более", "не", "менее", "около", "почти", "от", "до", "с", "на", "между", "и", "тысяч", "тысячи",
     "десятков", "сотни", "несколько", "полторы", "двое", "трое", "двадцать", "пять", "сто", "января",
     "лет", "года", "%", "-", "7 939", "3 тыс.", "1,5 млн", "2022", "выросло", "Хабар", "24", "канал"]
)  # fmt: skip


def _outcome(text: str) -> Figure | FigureParseError:
    try:
        return parse_figure(text, language="ru")
    except FigureParseError as error:
        return error


def _check_matches(text: str, matches: list[FigureMatch]) -> None:
    end = 0
    for m in matches:
        assert end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text == m.figure.text
        end = m.end


@settings(max_examples=examples(200))
@given(st.lists(RU_WORDS, max_size=20))
def test_russian_word_soup_gives_a_figure_or_a_parse_error(words: list[str]) -> None:
    text = " ".join(words)
    outcome = _outcome(text)
    if isinstance(outcome, FigureParseError):
        assert 0 <= outcome.position <= len(text)
    _check_matches(text, extract_figures(text, language="ru"))


@settings(max_examples=examples(100))
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Z", "S"])))
def test_arbitrary_text_in_russian_raises_only_figure_parse_error(text: str) -> None:
    assert isinstance(_outcome(text), Figure | FigureParseError)
    _check_matches(text, extract_figures(text, language="ru"))


LONG = [
    "более 3 тысяч задержаны 7 января 2022 года; 40% за 30 лет " * 3_000,
    "несколько десятков " * 15_000,
    "от 1 до " * 25_000,
    "полторы " * 25_000,
    "выросло на 5 до " * 15_000,
    "выросло с 5 до " * 15_000,
    "тысяча " * 30_000,
]


@pytest.mark.parametrize("text", LONG, ids=lambda t: repr(t[:12]))
def test_very_long_russian_text_finishes(text: str) -> None:
    _check_matches(text, extract_figures(text, language="ru"))
    assert isinstance(_outcome(text), Figure | FigureParseError)
