"""The plain-text report's helpers against what they stand in for."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kzfigures import best_estimate
from kzfigures.datasets import kazakhstan_2022
from kzfigures.present.report import _wrap, estimate_section, summary_section

# Spaces, every whitespace textwrap treats specially, whitespace it does not, hyphens, digits.
_TEXT = st.text(alphabet=st.sampled_from(list("ab -,.()_1\t\n\r\x0b\x0c\u00a0\u2003é")), max_size=120)

# Report-like text: words joined by single spaces (hyphens before digits only, as in ids and
# dates), and the same with one word that textwrap treats specially: a hyphen before a letter,
# "--", a word of Unicode whitespace.
_PLAIN_WORD = st.from_regex(r"[ab1_.,\u00e9]{1,6}(-1[ab1]{0,2})?", fullmatch=True)
_SPECIAL_WORD = st.sampled_from(["a-b", "ab-cd", "1-a", "a--b", "a--1", "1--1", "--", "-a", "a-", "\u00a0", "\u2003"])
_WORDS = st.lists(_PLAIN_WORD, min_size=1, max_size=30).map(" ".join) | st.tuples(
    st.lists(_PLAIN_WORD, min_size=1, max_size=30), _SPECIAL_WORD, st.integers(0, 30)
).map(lambda t: " ".join([*t[0][: t[2]], t[1], *t[0][t[2] :]]))


@given(_TEXT, st.sampled_from(["", "- ", "  > "]), st.sampled_from(["", "    "]), st.integers(2, 100))
def test_wrap_is_textwrap_wrap(text: str, initial: str, subsequent: str, room: int) -> None:
    # At least two columns beside the longer indent, as in every report line: with less,
    # textwrap.wrap itself can loop forever on a word it must break (CPython's
    # _handle_long_word makes no progress when no column is left).
    width = max(len(initial), len(subsequent)) + room
    expected = textwrap.wrap(text, width, initial_indent=initial, subsequent_indent=subsequent)
    assert _wrap(text, width, initial_indent=initial, subsequent_indent=subsequent) == expected


@given(_WORDS, st.sampled_from(["", "- ", "  > "]), st.sampled_from(["", "    "]), st.integers(10, 40))
@example("xxxxxx ab-cd", "", "", 10)  # textwrap breaks after a hyphen between letters
@example("xxxxxxx a--1", "", "", 10)  # and at "--" before a digit too
@example("aaaaaaaaaaaa b", "", "", 10)  # and breaks a word longer than a line
@example("1-1 1111 \u00a0 1", "", "", 10)  # and drops a word of Unicode whitespace at a line end
def test_wrap_of_words_is_textwrap_wrap(text: str, initial: str, subsequent: str, room: int) -> None:
    # Room for every plain word, so that most texts take _wrap's own fill over several lines.
    width = max(len(initial), len(subsequent)) + room
    expected = textwrap.wrap(text, width, initial_indent=initial, subsequent_indent=subsequent)
    assert _wrap(text, width, initial_indent=initial, subsequent_indent=subsequent) == expected


@pytest.mark.parametrize("by", [("metric", "group", "region"), ("authority",), ("metric", "authority")])
def test_every_series_and_every_set_aside_observation_is_in_the_estimate_section(by: tuple[str, ...]) -> None:
    result = best_estimate(kazakhstan_2022(), by=by)
    text = estimate_section(result)
    n_series = len(result.series.drop_duplicates(list(by)))  # a missing key value is a series too
    summary = summary_section(result).split("\n", 2)[2]  # after the heading and the rule
    # One quotable sentence per series, in the estimate section and in the summary; those without a
    # best estimate say that no figure states a number.
    assert text.count("\n  > ") == summary.count("\n- ") + 1 == n_series
    no_number = result.series.groupby(list(by), dropna=False).tail(1)["best"].isna().sum()
    assert " ".join(text.split()).count("no figure states a number") == no_number
    with_ids = " ".join(estimate_section(result, ids=True).split())
    assert text.count("  ! set aside: ") == len(result.set_aside)
    for identifier, by_whom in zip(result.set_aside["id"], result.set_aside["superseded_by"], strict=True):
        assert f"; {identifier} by {by_whom}" in with_ids
    if "authority" in by:  # observations without an authority form their own series, labelled as such
        assert "<missing>" in text


def test_when_texts_write_each_rows_time_as_a_plain_loop_would() -> None:
    from benchmarks.workloads import generate
    from kzfigures.present.report import _when_texts

    for frame in (kazakhstan_2022(), generate(3_000, 30, seed=3).frame):
        expected = [
            f"{t:%b} {t.day}, {t.year}" if p == "day" else str(t)[:16]
            for t, p in zip(frame["as_of"], frame["as_of_precision"], strict=True)
        ]
        assert _when_texts(frame["as_of"], frame["as_of_precision"]) == expected
