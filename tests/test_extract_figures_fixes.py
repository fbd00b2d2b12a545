"""Tests for the extraction fixes of issue 23: dates, names, fractions, changes and ages in English.

Each expected value is read off the words by hand: what a reporter would say
the sentence states, never copied from the function's output.
"""

from __future__ import annotations

import pytest

from kzfigures.parse import extract_figures, parse_figure


def found(text: str) -> list[tuple[str, int, int | None, str]]:
    return [(m.text, m.figure.low, m.figure.high, m.figure.qualifier.value) for m in extract_figures(text)]


# --- abbreviated months with a period are dates -------------------------------------

ABBREVIATED_DATES = [
    ("Mar. 23 killed 139", [("139", 139, 139, "exact")]),
    ("On Oct. 29 police held 40 people", [("40", 40, 40, "exact")]),
    ("Jan. 5: 18 died", [("18", 18, 18, "exact")]),
    ("the Sept. 11 attacks killed 2,977", [("2,977", 2977, 2977, "exact")]),
    ("Dec. 1: 7 hurt", [("7", 7, 7, "exact")]),
]


@pytest.mark.parametrize(("text", "expected"), ABBREVIATED_DATES)
def test_an_abbreviated_month_and_its_period_make_a_date(text: str, expected: list[tuple[str, int, int, str]]) -> None:
    assert found(text) == expected


def test_a_full_stop_after_a_month_word_at_a_sentence_end_still_makes_a_date() -> None:
    # "in March. 23 died" is ambiguous on the words alone; the rule reads it as a date, as it reads "March 23"
    assert found("It began in March. 23 died") == []


# --- numbers that name things ---------------------------------------------------------

NAMES = [
    ("channel 112 said 40 died", [("40", 40, 40, "exact")]),
    ("Channel 31 reported 7 dead", [("7", 7, 7, "exact")]),
    ("on route 66 a crash killed 12", [("12", 12, 12, "exact")]),
    ("flight 370 carried 239 people", [("239", 239, 239, "exact")]),
    ("Highway 61 was closed; 3 hurt", [("3", 3, 3, "exact")]),
    ("Hospital No. 5 took in 30 wounded", [("30", 30, 30, "exact")]),
    ("at gate 4, 11 were crushed", [("11", 11, 11, "exact")]),
    ("platform 9 held about 200", [("about 200", 150, 250, "about")]),  # h = max(20, 50) = 50
    ("bus 42 overturned, 6 injured", [("6", 6, 6, "exact")]),
    ("metro line 2 shut; 15 arrested", [("15", 15, 15, "exact")]),
    ("TV 24 said 9 died", [("9", 9, 9, "exact")]),
    ("the number 7 bus", []),
    ("bus number 7", []),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_a_number_after_a_naming_noun_is_a_name(text: str, expected: list[tuple[str, int, int | None, str]]) -> None:
    assert found(text) == expected


def test_number_as_a_verb_keeps_its_count() -> None:
    assert found("the dead number 40") == [("40", 40, 40, "exact")]


def test_a_qualified_number_after_a_naming_noun_is_a_count() -> None:
    # the rule is for bare numbers: "the channel more than 3,000 people watch" states a count
    assert found("channel more than 3,000") == [("more than 3,000", 3001, None, "more_than")]


def test_a_quoted_name_that_ends_with_its_number_is_a_name() -> None:
    assert found('the broadcaster "Khabar 24" said 5 died') == [("5", 5, 5, "exact")]
    assert found('Police said "40 were killed"') == [("40", 40, 40, "exact")]


def test_a_spaced_em_dash_is_punctuation_and_an_unspaced_one_a_range() -> None:
    assert found("150\u2014200 died") == [("150\u2014200", 150, 200, "range")]
    assert found("at school 88 \u2014 15 died") == [("88", 88, 88, "exact"), ("15", 15, 15, "exact")]
    assert found("150 - 200 died") == [("150 - 200", 150, 200, "range")]  # a spaced hyphen still joins


def test_a_capitalised_place_after_a_preposition_is_no_name() -> None:
    # "Khabar 24" is a name; "In Almaty 40" is a place and a count
    assert found("In Almaty 40 people died") == [("40", 40, 40, "exact")]
    assert found("the broadcaster Khabar 24 said") == []


# --- fractions -------------------------------------------------------------------------

FRACTIONS = [
    "Nearly two-thirds of them",
    "one-third of the protesters",
    "a quarter of the detainees",
    "half of them were released",
    "two thirds voted",
    "three quarters of the crowd",
    "one half",
    "one-fifth of the wounded",
]


@pytest.mark.parametrize("text", FRACTIONS)
def test_fractions_are_not_counts(text: str) -> None:
    assert found(text) == []


def test_half_a_scale_is_half_of_it() -> None:
    # "half a million" was read as "a million"
    assert found("half a million people fled") == [("half a million", 500_000, 500_000, "exact")]
    assert found("a half million fled") == [("half million", 500_000, 500_000, "exact")]
    assert found("half a dozen died") == [("half a dozen", 6, 6, "exact")]
    assert found("a quarter of a million fled") == []  # a fraction of a scale: no count, and not a million


def test_a_fraction_of_a_count_keeps_the_count() -> None:
    assert found("two-thirds of the 90 detainees") == [("90", 90, 90, "exact")]


# --- changes of a figure -------------------------------------------------------------

CHANGES = [
    # "risen up to N": the new total is N, not at most N
    ("The toll has risen up to 154.", [("154", 154, 154, "exact")]),
    ("deaths rose up to 154", [("154", 154, 154, "exact")]),
    ("the toll went up to 40", [("40", 40, 40, "exact")]),
    ("bringing the toll up to 41", [("41", 41, 41, "exact")]),
    # "by N to M": M is the new total; the change N is not a figure
    ("The toll rose by one to 158.", [("158", 158, 158, "exact")]),
    ("arrests increased by 5 to 40", [("40", 40, 40, "exact")]),
    ("deaths climbed by 12 to 180", [("180", 180, 180, "exact")]),
    ("the count fell by 3 to 150", [("150", 150, 150, "exact")]),
    ("it rose sharply by 10 to 1,200", [("1,200", 1200, 1200, "exact")]),
    ("deaths were up by 4 to 30", [("30", 30, 30, "exact")]),
    ("the toll rose by 5 people to 40", [("40", 40, 40, "exact")]),  # one word may stand between
    ("the toll rose by 4", []),  # a change alone states no figure
    # "from N to M": two figures, the previous N and the new total M
    ("The toll rose from 18 to 25.", [("18", 18, 18, "exact"), ("25", 25, 25, "exact")]),
    ("deaths rose from 3 to 5 thousand", [("3", 3000, 3000, "exact"), ("5 thousand", 5000, 5000, "exact")]),
    ("the toll went down by 3 to 150", [("150", 150, 150, "exact")]),
    (
        "arrests jumped from 3,000 to about 8,000",
        [("3,000", 3000, 3000, "exact"), ("about 8,000", 7200, 8800, "about")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CHANGES)
def test_changes_state_the_new_total(text: str, expected: list[tuple[str, int, int | None, str]]) -> None:
    assert found(text) == expected


RANGES_STAY = [
    ("between 3 and 5 died", [("between 3 and 5", 3, 5, "range")]),
    ("3-5 died", [("3-5", 3, 5, "range")]),
    ("3 to 5 died", [("3 to 5", 3, 5, "range")]),
    ("from 18 to 25 people died", [("from 18 to 25", 18, 25, "range")]),
    ("up to 154 may have died", [("up to 154", 0, 154, "at_most")]),  # no change: at most 154
    ("the toll could rise to up to 200", [("up to 200", 0, 200, "at_most")]),
    ("gunned down by 5 men", [("5", 5, 5, "exact")]),  # "down by" is no change of a figure here
    ("killed by 3 to 5 gunmen", [("3 to 5", 3, 5, "range")]),
]


@pytest.mark.parametrize(("text", "expected"), RANGES_STAY)
def test_ranges_and_bounds_without_a_change_stay(text: str, expected: list[tuple[str, int, int | None, str]]) -> None:
    assert found(text) == expected


def test_a_change_leaves_parse_figure_alone() -> None:
    # parse_figure reads one phrase; the words of change around it are not its business
    assert parse_figure("up to 154").high == 154
    assert parse_figure("from 18 to 25").low == 18


# --- ages --------------------------------------------------------------------------------

AGES = ["victims in their 20s", "a man in his 30s", "women in their 20's", "in her mid-40s", "the 1990's"]


@pytest.mark.parametrize("text", AGES)
def test_decades_of_age_are_not_counts(text: str) -> None:
    assert found(text) == []


def test_a_count_beside_an_age_is_kept() -> None:
    assert found("12 people in their 20s") == [("12", 12, 12, "exact")]


# --- a scale word said once for both ends of a range -------------------------------------

SHARED_SCALES = [
    ("between 3 and 5 thousand", (3000, 5000)),
    ("3 to 5 thousand", (3000, 5000)),
    ("from 150 to 200 thousand", (150_000, 200_000)),
    ("between two and three hundred", (200, 300)),
    ("between 1 and 1.5 million", (1_000_000, 1_500_000)),
    ("from 500 to 2 thousand", (500, 2000)),  # 500 thousand would exceed 2 thousand: 500 stays
    ("between 1,000 and 2 thousand", (1000, 2000)),
    ("between 1 thousand and 2 thousand", (1000, 2000)),
]


@pytest.mark.parametrize(("text", "bounds"), SHARED_SCALES)
def test_a_range_shares_the_scale_word_said_after_it(text: str, bounds: tuple[int, int]) -> None:
    f = parse_figure(text)
    assert (f.low, f.high, f.qualifier.value) == (*bounds, "range")


# --- vague words with two scales -------------------------------------------------------


def test_a_vague_word_takes_every_scale_after_it() -> None:
    # several [3, 9] times 100 times 1000
    assert found("several hundred thousand fled") == [("several hundred thousand", 300_000, 900_000, "vague")]
