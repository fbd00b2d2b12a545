"""Tests for kzfigures.parse.parse_figure and kzfigures.conventions.

Every expected interval is worked out by hand from the words and the
conventions' formulas (see docs/conventions.md), never copied from output.
"""

from __future__ import annotations

import math
import string

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.conventions import DEFAULT_CONVENTIONS, Conventions
from kzfigures.errors import FigureParseError, InvalidArgumentError, ValidationError
from kzfigures.model import Figure, Qualifier
from kzfigures.parse import parse_figure
from tests._profiles import examples

INF = None  # readability: an unbounded high


def interval(text: str, conventions: Conventions | None = None) -> tuple[int, int | None, int | None, str]:
    f = parse_figure(text, conventions)
    return (f.low, f.high, f.stated, f.qualifier.value)


# --- numbers --------------------------------------------------------------------

NUMBERS = [
    ("164", 164),
    ("7,939", 7939),
    ("7 939", 7939),
    ("7\u2009939", 7939),  # thin space
    ("7\u202f939", 7939),  # narrow no-break space
    ("7\u00a0939", 7939),  # no-break space
    ("1,234,567", 1234567),
    ("1 234 567", 1234567),
    ("0", 0),
    ("three", 3),
    ("Nineteen", 19),
    ("twenty-six", 26),
    ("twenty six", 26),
    ("ninety", 90),
    ("a dozen", 12),
    ("two dozen", 24),
    ("a hundred", 100),
    ("one hundred and five", 105),
    ("three hundred twelve", 312),
    ("a thousand", 1000),
    ("2 thousand 30", 2030),
    ("2 thousand and thirty", 2030),
    ("8 thousand", 8000),
    ("8 Thousand", 8000),
    ("1.5 million", 1_500_000),
    ("2.25 million", 2_250_000),
    ("1 million 200 thousand", 1_200_000),
    ("two thousand three hundred and forty-one", 2341),
    ("nineteen hundred", 1900),
]


@pytest.mark.parametrize(("text", "n"), NUMBERS)
def test_numbers_are_exact(text: str, n: int) -> None:
    assert interval(text) == (n, n, n, "exact")


def test_parse_sets_text_to_the_phrase_without_trailing_words() -> None:
    f = parse_figure("  more than 3,000 protesters have been detained")
    assert f.text == "more than 3,000"
    assert attrs.evolve(f, text=None) == Figure.more_than(3000)


def test_leading_quotes_and_brackets_are_skipped() -> None:
    assert parse_figure('"almost 6,000"').stated == 6000
    assert parse_figure("(164)").stated == 164


# --- qualifiers -----------------------------------------------------------------

QUALIFIED = [
    # lower bounds: more than N -> [N+1, inf); at least N -> [N, inf)
    ("more than 3,000", (3001, INF, 3000, "more_than")),
    ("over 100", (101, INF, 100, "more_than")),
    ("above 100", (101, INF, 100, "more_than")),
    ("at least 18", (18, INF, 18, "at_least")),
    ("no fewer than 5", (5, INF, 5, "at_least")),
    ("no less than 5", (5, INF, 5, "at_least")),
    # upper bounds: fewer than N -> [0, N-1]; at most N -> [0, N]
    ("fewer than 100", (0, 99, 100, "fewer_than")),
    ("less than 100", (0, 99, 100, "fewer_than")),
    ("under 100", (0, 99, 100, "fewer_than")),
    ("up to 100", (0, 100, 100, "at_most")),
    ("at most 100", (0, 100, 100, "at_most")),
    ("no more than 100", (0, 100, 100, "at_most")),
    ("as many as 100", (0, 100, 100, "at_most")),
    # about N: h = max(0.1 N, unit/2); [ceil(N-h), floor(N+h)]
    ("about 8,000", (7200, 8800, 8000, "about")),  # h = max(800, 500) = 800
    ("about 164", (148, 180, 164, "about")),  # h = max(16.4, 0.5): [ceil 147.6, floor 180.4]
    ("around 164", (148, 180, 164, "about")),
    ("approximately 50", (45, 55, 50, "about")),  # h = max(5, 5)
    ("some 8,000", (7200, 8800, 8000, "about")),
    ("roughly 40", (35, 45, 40, "about")),  # h = max(4, 5) = 5
    ("an estimated 300", (250, 350, 300, "about")),  # h = max(30, 50) = 50
    ("About 8 Thousand", (7200, 8800, 8000, "about")),
    ("about 1.5 million", (1_350_000, 1_650_000, 1_500_000, "about")),  # h = max(150000, 50000)
    ("about 3", (3, 3, 3, "about")),  # h = max(0.3, 0.5) = 0.5: [ceil 2.5, floor 3.5] = [3, 3]
    ("about 15", (14, 16, 15, "about")),  # h = max(1.5, 0.5) = 1.5: [ceil 13.5, floor 16.5]
    ("about 0", (0, 0, 0, "about")),
    # almost N: [ceil(0.9 N), N-1]
    ("almost 6,000", (5400, 5999, 6000, "almost")),
    ("nearly 6,000", (5400, 5999, 6000, "almost")),
    ("just under 6,000", (5400, 5999, 6000, "almost")),
    ("almost 164", (148, 163, 164, "almost")),  # ceil(147.6) = 148
    ("almost 5", (4, 4, 5, "almost")),  # ceil(4.5) = 5 > 4, so low = N - 1
    # a total of N is exactly N
    ("A total of 4,404", (4404, 4404, 4404, "exact")),
    ("exactly 26", (26, 26, 26, "exact")),
]


@pytest.mark.parametrize(("text", "expected"), QUALIFIED)
def test_qualified_figures(text: str, expected: tuple[int, int | None, int, str]) -> None:
    assert interval(text) == expected


RANGES = [
    ("between 150 and 200", (150, 200)),
    ("150-200", (150, 200)),
    ("150 - 200", (150, 200)),
    ("150–200", (150, 200)),  # en dash
    ("150 to 200", (150, 200)),
    ("from 150 to 200", (150, 200)),
    ("between two and five", (2, 5)),
    ("between 1,000 and 2 thousand", (1000, 2000)),
    ("between 5 and 5", (5, 5)),
]


@pytest.mark.parametrize(("text", "bounds"), RANGES)
def test_ranges(text: str, bounds: tuple[int, int]) -> None:
    assert interval(text) == (*bounds, None, "range")


VAGUE = [
    ("a few", (2, 5)),
    ("several", (3, 9)),
    ("dozens", (24, 99)),
    ("Dozens of protesters", (24, 99)),
    ("scores", (40, 199)),
    ("hundreds", (200, 999)),
    ("thousands", (2000, 9999)),
    ("tens of thousands", (20000, 99999)),
    ("hundreds of thousands", (200000, 999999)),
    ("multiple", (2, INF)),
    ("many", (2, INF)),
    ("several hundred", (300, 900)),  # several [3, 9] times 100
    ("a few thousand", (2000, 5000)),  # a few [2, 5] times 1000
]


@pytest.mark.parametrize(("text", "bounds"), VAGUE)
def test_vague_counts(text: str, bounds: tuple[int, int | None]) -> None:
    assert interval(text) == (*bounds, None, "vague")


# --- the figure phrases of the seed articles (written as our own short phrases) ----

SEED_PHRASES = [
    ("18 police officers", Figure.exact(18)),
    ("748 were wounded", Figure.exact(748)),
    ("More than 3,000 protesters detained", Figure.more_than(3000)),
    ("26 armed criminals", Figure.exact(26)),
    ("dozens slain", Figure(24, 99, None, "vague")),
    ("hundreds injured", Figure(200, 999, None, "vague")),
    ("thousands of protesters detained", Figure(2000, 9999, None, "vague")),
    ("scores of demonstrators", Figure(40, 199, None, "vague")),
    ("A total of 4,404 people", Figure.exact(4404)),
    ("multiple deaths", Figure(2, None, None, "vague")),
    ("many injuries", Figure(2, None, None, "vague")),
    ("About 8 Thousand People", Figure.about(8000, low=7200, high=8800)),
    ("about 8,000 people", Figure.about(8000, low=7200, high=8800)),
    ("7,939 people", Figure.exact(7939)),
    ("164 people died", Figure.exact(164)),
    ("three children", Figure.exact(3)),
    ("3 children", Figure.exact(3)),
    ("about 164 killed", Figure.about(164, low=148, high=180)),
    ("Almost 6,000 people have been arrested", Figure.almost(6000, low=5400)),
    ("6,044 people", Figure.exact(6044)),
    ("16 police and army officers", Figure.exact(16)),
    ("several officials", Figure(3, 9, None, "vague")),
    ("2 thousand 30 soldiers", Figure.exact(2030)),
]


@pytest.mark.parametrize(("text", "expected"), SEED_PHRASES)
def test_seed_phrases(text: str, expected: Figure) -> None:
    assert attrs.evolve(parse_figure(text), text=None) == expected


# --- bad input ----------------------------------------------------------------

BAD = [
    ("", 0),
    ("   ", 3),
    ("people", 0),
    ("the police said 164", 0),
    ("6.044", 0),  # not whole with '.' as decimal mark: looks like a European grouping
    ("6,04", 0),  # a comma that groups must be followed by three digits
    ("1,2,3", 0),
    ("7,939.5", 0),
    ("2.5", 0),
    ("3.0", 0),
    ("1.2.3", 0),
    ("1,000 000", 6),  # separators may not mix, so "000" is a second figure
    ("1.2345678 million", 0),  # 1234567.8 is not whole
    ("98%", 0),
    ("98 percent", 0),
    ("98 per cent", 0),
    ("30 years", 0),
    ("three decades", 0),
    ("several days", 0),
    ("180-day", 0),
    ("81-year-old", 0),
    ("7 January", 0),
    ("2 of January", 0),
    ("10 am", 0),
    ("14:30", 0),
    ("38°", 0),
    ("15th", 0),
    ("200-150", 0),  # reversed range
    ("between 200 and 150", 8),
    ("between 5", 9),
    ("between 5 and", 13),  # the end of the text
    ("from 5", 6),
    ("more than", 9),
    ("about dozens", 0),
    ("at least 150-200", 0),
    ("fewer than 0", 0),
    ("almost 0", 0),
    ("164 people, including three children", 22),
    ("7  939", 3),  # two spaces do not group: two figures
    ("three four", 6),
    ("one million million", 0),
    ("99999999999999999999", 0),
    ("a week", 0),
    ("some other officials", 5),
]


@pytest.mark.parametrize(("text", "position"), BAD)
def test_bad_input_raises_with_position(text: str, position: int) -> None:
    with pytest.raises(FigureParseError) as info:
        parse_figure(text)
    assert info.value.text == text
    assert info.value.position == position
    assert info.value.reason
    assert repr(text[:20])[1:-1] in str(info.value) or len(text) > 80


def test_decimal_times_scale_that_is_whole_is_fine() -> None:
    assert parse_figure("0.0001 million").stated == 100  # 10**-4 * 10**6


def test_ambiguous_decimal_names_the_fix() -> None:
    with pytest.raises(FigureParseError, match="decimal_mark"):
        parse_figure("6.044")


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="position"):
        parse_figure("nothing here")


def test_non_text_raises_figure_parse_error() -> None:
    with pytest.raises(FigureParseError):
        parse_figure(164)  # type: ignore[arg-type]


def test_bad_conventions_argument() -> None:
    with pytest.raises(InvalidArgumentError):
        parse_figure("164", conventions={"strict_bounds": False})  # type: ignore[arg-type]


# --- conventions ------------------------------------------------------------------


def test_default_conventions_are_documented_values() -> None:
    c = DEFAULT_CONVENTIONS
    assert c == Conventions()
    assert (c.strict_bounds, c.about_relative, c.about_rounding, c.almost_relative) == (True, 0.10, True, 0.10)
    assert c.decimal_mark == "."
    assert c.group_separators == ", \u2009\u202f\u00a0"
    assert c.vague_spans == {
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
    assert hash(c) == hash(Conventions())


CHANGED = [
    # about_relative 0.2: h = max(0.2 * 8000, 500) = 1600
    (Conventions(about_relative=0.2), "about 8,000", (6400, 9600, 8000, "about")),
    # h = max(0.2 * 164, 0.5) = 32.8: [ceil 131.2, floor 196.8]
    (Conventions(about_relative=0.2), "about 164", (132, 196, 164, "about")),
    # about_relative 0 keeps only the rounding band: h = 500
    (Conventions(about_relative=0), "about 8,000", (7500, 8500, 8000, "about")),
    # ... and without rounding the band is the point
    (Conventions(about_relative=0, about_rounding=False), "about 8,000", (8000, 8000, 8000, "about")),
    # without rounding, h = 0.1 * 40 = 4 (instead of 5)
    (Conventions(about_rounding=False), "roughly 40", (36, 44, 40, "about")),
    # almost_relative 0.5: [ceil(0.5 * 6000), 5999]
    (Conventions(almost_relative=0.5), "almost 6,000", (3000, 5999, 6000, "almost")),
    (Conventions(strict_bounds=False), "more than 3,000", (3000, None, 3000, "more_than")),
    (Conventions(strict_bounds=False), "fewer than 100", (0, 100, 100, "fewer_than")),
    (Conventions(strict_bounds=False), "fewer than 0", (0, 0, 0, "fewer_than")),
    (Conventions(strict_bounds=False), "at least 18", (18, None, 18, "at_least")),
    (Conventions(vague={"dozens": (12, 99)}), "dozens", (12, 99, None, "vague")),
    (Conventions(vague={"a handful": (2, 6)}), "a handful of", (2, 6, None, "vague")),
    (Conventions(decimal_mark=","), "6.044", (6044, 6044, 6044, "exact")),
    (Conventions(decimal_mark=","), "1,5 million", (1_500_000, 1_500_000, 1_500_000, "exact")),
    (Conventions(decimal_mark=","), "7 939", (7939, 7939, 7939, "exact")),
    (Conventions(group_separators=",'"), "7'939", (7939, 7939, 7939, "exact")),
]


@pytest.mark.parametrize(("conventions", "text", "expected"), CHANGED)
def test_changing_a_convention_changes_the_result_predictably(
    conventions: Conventions, text: str, expected: tuple[int, int | None, int | None, str]
) -> None:
    assert interval(text, conventions) == expected


@pytest.mark.parametrize(
    ("conventions", "text"),
    [
        (Conventions(vague={"dozens": (12, 99)}), "hundreds"),  # no longer a vague word
        (Conventions(decimal_mark=","), "6,044"),  # 6.044 is not whole
        (Conventions(group_separators=","), "7 939"),  # a space no longer groups: two figures
        (Conventions(group_separators=" "), "7,939"),
    ],
)
def test_conventions_can_make_text_unreadable(conventions: Conventions, text: str) -> None:
    with pytest.raises(FigureParseError):
        parse_figure(text, conventions)


BAD_CONVENTIONS = [
    {"about_relative": -0.1},
    {"about_relative": 1.0},
    {"about_relative": math.nan},
    {"about_relative": "0.1"},
    {"about_relative": True},
    {"almost_relative": 0},
    {"almost_relative": 1},
    {"almost_relative": 1.5},
    {"almost_relative": -0.5},
    {"strict_bounds": "yes"},
    {"about_rounding": 1},
    {"vague": {"dozens": (99, 24)}},  # low > high
    {"vague": {"dozens": (-1, 5)}},
    {"vague": {"dozens": (1.5, 5)}},
    {"vague": {"dozens": (1, "many")}},
    {"vague": {"dozens": 24}},
    {"vague": {"": (1, 2)}},
    {"vague": {"2x": (1, 2)}},
    {"vague": "dozens"},
    {"decimal_mark": ";"},
    {"decimal_mark": ""},
    {"group_separators": ". ", "decimal_mark": "."},  # the decimal mark cannot group
    {"group_separators": "x"},
    {"group_separators": 3},
]


@pytest.mark.parametrize("kwargs", BAD_CONVENTIONS)
def test_bad_conventions_raise_at_construction(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as info:
        Conventions(**kwargs)  # type: ignore[arg-type]
    assert next(iter(kwargs)) in str(info.value)


BAD_FIGURE_CALLS = [
    ("range", 5),
    ("vague", 5),
    ("sideways", 5),
    ("exact", -1),
    ("exact", 1.5),
    ("fewer_than", 0),
    ("almost", 0),
]


@pytest.mark.parametrize(("qualifier", "n"), BAD_FIGURE_CALLS)
def test_conventions_figure_rejects_bad_arguments(qualifier: str, n: object) -> None:
    with pytest.raises(InvalidArgumentError):
        DEFAULT_CONVENTIONS.figure(qualifier, n)  # type: ignore[arg-type]


def test_vague_figure_rejects_bad_arguments() -> None:
    with pytest.raises(InvalidArgumentError):
        DEFAULT_CONVENTIONS.vague_figure("umpteen")
    with pytest.raises(InvalidArgumentError):
        DEFAULT_CONVENTIONS.vague_figure("dozens", scale=0)


def test_vague_words_is_the_inverse_of_vague_spans() -> None:
    words = DEFAULT_CONVENTIONS.vague_words
    for span, word in words.items():
        assert DEFAULT_CONVENTIONS.vague_spans[word] == span


# --- properties -------------------------------------------------------------------

COUNTS = st.integers(min_value=0, max_value=10**12)
CONVENTIONS = st.sampled_from(
    [
        DEFAULT_CONVENTIONS,
        Conventions(strict_bounds=False),
        Conventions(about_relative=0.25, about_rounding=False, almost_relative=0.3),
    ]
)
STATED = [q for q in Qualifier if q not in (Qualifier.RANGE, Qualifier.VAGUE)]


@st.composite
def figures(draw: st.DrawFn, conventions: Conventions) -> Figure:
    """Figures as the conventions build them from words."""
    kind = draw(st.sampled_from([*STATED, Qualifier.RANGE, Qualifier.VAGUE]))
    if kind is Qualifier.VAGUE:
        return conventions.vague_figure(draw(st.sampled_from(sorted(conventions.vague_spans))))
    if kind is Qualifier.RANGE:
        low, high = sorted(draw(st.tuples(COUNTS, COUNTS)))
        return Figure.between(low, high)
    n = draw(COUNTS)
    if kind in (Qualifier.ALMOST, Qualifier.FEWER_THAN) and n == 0:
        n = 1
    return conventions.figure(kind, n)


@st.composite
def conventions_and_figures(draw: st.DrawFn) -> tuple[Conventions, Figure]:
    conventions = draw(CONVENTIONS)
    return conventions, draw(figures(conventions))


@settings(max_examples=examples(100))
@given(conventions_and_figures())
def test_round_trip_through_words(pair: tuple[Conventions, Figure]) -> None:
    conventions, figure = pair
    words = figure.to_text(vague_words=conventions.vague_words)
    parsed = parse_figure(words, conventions)
    assert parsed.text == words
    assert attrs.evolve(parsed, text=None) == figure


def _respace_and_recase(text: str, data: st.DataObject) -> str:
    draw = data.draw
    out = [draw(st.sampled_from(["", " ", "\t", "\n  "]))]
    for char in text:
        if char == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\t", " \n ", "\u00a0 "])))
        else:
            out.append(char.upper() if draw(st.booleans()) else char.lower())
    out.append(draw(st.sampled_from(["", " ", "\n"])))
    return "".join(out)


@settings(max_examples=examples(100))
@given(conventions_and_figures(), st.data())
def test_case_and_whitespace_do_not_matter(pair: tuple[Conventions, Figure], data: st.DataObject) -> None:
    conventions, figure = pair
    words = figure.to_text(vague_words=conventions.vague_words)
    variant = _respace_and_recase(words, data)
    assert attrs.evolve(parse_figure(variant, conventions), text=None) == figure


@settings(max_examples=examples(100))
@given(COUNTS, st.sampled_from([Qualifier.EXACT, Qualifier.AT_LEAST, Qualifier.AT_MOST, Qualifier.ABOUT]))
def test_stated_lies_in_the_interval_when_the_words_cover_it(n: int, qualifier: Qualifier) -> None:
    f = parse_figure(DEFAULT_CONVENTIONS.figure(qualifier, n).to_text())
    assert f.stated is not None
    assert f.low <= f.stated
    assert f.high is None or f.stated <= f.high


@settings(max_examples=examples(100))
@given(COUNTS)
def test_about_band_follows_the_formula(n: int) -> None:
    f = parse_figure(f"about {n:,}")
    digits = str(n)
    unit = 10 ** (len(digits) - len(digits.rstrip("0"))) if n else 1
    # h = max(n / 10, unit / 2); work in tenths to stay exact: 10 h = max(n, 5 unit)
    ten_h = max(n, 5 * unit)
    assert f.low == max(0, -((ten_h - 10 * n) // 10))  # ceil(n - h)
    assert f.high == (10 * n + ten_h) // 10  # floor(n + h)


def _outcome(text: str) -> Figure | FigureParseError:
    """The figure, or the FigureParseError (any other exception propagates)."""
    try:
        return parse_figure(text)
    except FigureParseError as error:
        return error


@settings(max_examples=examples(100))
@given(st.text())
def test_arbitrary_text_gives_a_figure_or_a_parse_error(text: str) -> None:
    outcome = _outcome(text)
    if isinstance(outcome, FigureParseError):
        assert outcome.text == text
        assert 0 <= outcome.position <= len(text)
    else:
        assert isinstance(outcome, Figure)
        assert outcome.text is not None
        assert outcome.text in text


FIGURE_ALPHABET = string.digits + ",. -–%:" + "\u2009\u202f\u00a0"
FIGURE_WORDS = ["more", "than", "about", "almost", "between", "and", "to", "a", "dozen", "dozens", "thousand"]


@settings(max_examples=examples(100))
@given(st.lists(st.one_of(st.text(FIGURE_ALPHABET, max_size=6), st.sampled_from(FIGURE_WORDS)), max_size=12))
def test_figure_like_text_gives_a_figure_or_a_parse_error(parts: list[str]) -> None:
    text = " ".join(parts)
    outcome = _outcome(text)
    if isinstance(outcome, FigureParseError):
        assert 0 <= outcome.position <= len(text)


LONG_INPUTS = [
    "9" * 200_000,
    "1," * 100_000,
    "1.1" * 70_000,
    "7 939 " * 35_000,
    "twenty-" * 30_000,
    "more than " * 20_000,
    "between 1 and " * 15_000,
    "one hundred thousand million " * 7_000,
    "dozens of thousands " * 10_000,
    "a " * 100_000,
    "-" * 200_000,
    " " * 200_000,
    "x" * 200_000,
]


@pytest.mark.parametrize("text", LONG_INPUTS, ids=lambda t: repr(t[:12]))
def test_very_long_input_finishes_with_a_figure_or_a_parse_error(text: str) -> None:
    outcome = _outcome(text)
    if isinstance(outcome, FigureParseError):
        assert 0 <= outcome.position <= len(text)


@settings(max_examples=examples(20), deadline=None)
@given(st.text(min_size=1, max_size=50))
def test_long_arbitrary_text_finishes(seed: str) -> None:
    text = (seed * (200_000 // len(seed) + 1))[:200_000]
    assert isinstance(_outcome(text), Figure | FigureParseError)


def test_a_phrase_that_is_no_count_says_why_once() -> None:
    from kzfigures import FigureParseError, parse_figure

    with pytest.raises(FigureParseError) as caught:
        parse_figure("one of the victims")
    assert str(caught.value).count("not a count") == 1
