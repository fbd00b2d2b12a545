"""The plain-text report's helpers against what they stand in for."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzfigures import best_estimate
from kzfigures.datasets import kazakhstan_2022
from kzfigures.report import _wrap, estimate_section, summary_section

# Spaces, every whitespace textwrap treats specially, whitespace it does not, hyphens.
_TEXT = st.text(alphabet=st.sampled_from(list("ab -,.()\t\n\r\x0b\x0c\u00a0\u2003é")), max_size=120)


@given(_TEXT, st.sampled_from(["", "- ", "  > "]), st.sampled_from(["", "    "]), st.integers(2, 100))
def test_wrap_is_textwrap_wrap(text: str, initial: str, subsequent: str, room: int) -> None:
    # At least two columns beside the longer indent, as in every report line: with less,
    # textwrap.wrap itself can loop forever on a word it must break (CPython's
    # _handle_long_word makes no progress when no column is left).
    width = max(len(initial), len(subsequent)) + room
    expected = textwrap.wrap(text, width, initial_indent=initial, subsequent_indent=subsequent)
    assert _wrap(text, width, initial_indent=initial, subsequent_indent=subsequent) == expected


@pytest.mark.parametrize("by", [("metric", "group", "region"), ("authority",), ("metric", "authority")])
def test_every_series_and_every_set_aside_observation_is_in_the_estimate_section(by: tuple[str, ...]) -> None:
    result = best_estimate(kazakhstan_2022(), by=by)
    text = estimate_section(result)
    n_series = len(result.series.drop_duplicates(list(by)))  # a missing key value is a series too
    summary = summary_section(result).split("\n", 3)[3]  # after the heading, the rule and a blank line
    assert text.count("  > best estimate ") == n_series
    assert summary.count("- best estimate ") == n_series
    for identifier in result.set_aside["id"]:
        assert f"set aside {identifier} (" in text
    if "authority" in by:  # observations without an authority form their own series, labelled as such
        assert "<missing>" in text
