"""The UTC offsets of time texts, read once per distinct text and per distinct offset.

``frame._split_offset`` replaced ``str.extract`` of ``_OFFSET_PATTERN`` and ``frame._offset_minutes``
reads each distinct offset once; both are compared here with what they replaced and with a
plain reading of the offset's sign, hours and minutes.
"""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kzfigures import _strings
from kzfigures import frame as frame_module

# Texts near the pattern: dates, times, offsets, the separators and white space around them
# (non-ASCII digits and spaces too, which Python's \d and \s match).
_PIECES = st.sampled_from(
    [
        "2022-01-07",
        "1999-12-31",
        "T",
        " ",
        "14:00",
        "09:30:15.5",
        ":",
        ".",
        "+06:00",
        "-0530",
        "+05",
        "+05:75",
        "Z",
        "z",
        "\u00a0",
        "\t",
        "\u0663",
        "\n",
        "\x0b",
        "\x1c",
        "7",
        "x",
        "-",
        "+",
    ]
)
_TEXTS = st.lists(st.lists(_PIECES, max_size=6).map("".join) | st.none(), max_size=30)


@given(_TEXTS)
@example(["2022-01-07T14:00+06:00", "2022-01-07 14:00 Z", "2022-01-07", None, "", "2022-01-07T14:00\u00a0-0530"])
def test_split_offset_equals_str_extract(cells: list[str | None]) -> None:
    text = pd.Series(cells, dtype="string")
    body, offset = frame_module._split_offset(text)
    expected = text.str.extract(frame_module._OFFSET_PATTERN, expand=True)
    pd.testing.assert_series_equal(body, expected["body"].astype("string"), check_names=False)
    pd.testing.assert_series_equal(offset, expected["offset"].astype("string"), check_names=False)


_ASCII_TEXTS = st.lists(
    st.lists(_PIECES.filter(str.isascii), max_size=6).map("".join) | st.none(), min_size=1, max_size=30
)


needs_pyarrow = pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="Arrow's kernel needs pyarrow")


@needs_pyarrow
@given(_ASCII_TEXTS)
@example(["2022-01-07T14:00+06:00\n", "2022-01-07T14:00\x1c+06", "2022-01-07 14:00\x0bZ", "", None])
def test_arrow_splits_ascii_text_as_python_does(cells: list[str | None]) -> None:
    arrow_text = pd.Series(cells, dtype="string[pyarrow]")
    groups = _strings.extract_ascii(arrow_text, frame_module._OFFSET_PATTERN_ASCII)
    assert groups is not None  # all ASCII: Arrow's kernel reads it
    expected = pd.Series(cells, dtype="string[python]").str.extract(frame_module._OFFSET_PATTERN, expand=True)
    for name in ("body", "offset"):
        assert groups[name].tolist() == expected[name].tolist()


@needs_pyarrow
def test_text_beyond_ascii_is_left_to_python() -> None:
    text = pd.Series(["2022-01-07T14:00\u00a0+06:00", "2022-01-07T14:00+06:00"], dtype="string[pyarrow]")
    assert _strings.extract_ascii(text, frame_module._OFFSET_PATTERN_ASCII) is None
    body, offset = frame_module._split_offset(text)
    assert body.tolist() == ["2022-01-07T14:00", "2022-01-07T14:00"]
    assert offset.tolist() == ["+06:00", "+06:00"]


def _plain_minutes(offset: str | None) -> tuple[float, bool]:
    """An offset text read by hand: minutes east of UTC (NaN if none), and whether its minutes are 60 or more."""
    if offset is None:
        return float("nan"), False
    if offset in ("Z", "z"):
        return 0.0, False
    digits = offset.replace(":", "")
    sign = -1.0 if digits[0] == "-" else 1.0
    hours = int(digits[1:3])
    minutes = int(digits[3:5]) if len(digits) >= 5 else 0
    return sign * (hours * 60 + minutes), minutes >= 60


_OFFSET_TEXTS = st.from_regex(re.compile(r"[+-][0-9]{2}(:?[0-9]{2})?|Z|z"), fullmatch=True)
_OFFSETS = st.lists(_OFFSET_TEXTS | st.none(), max_size=30)


@given(_OFFSETS)
@example(["+06:00", "-0530", "Z", None, "+05:75", "+05:60", "-23:59", "+00"])
def test_offset_minutes_read_each_offset_as_written(cells: list[str | None]) -> None:
    minutes, past_59 = frame_module._offset_minutes(pd.Series(cells, dtype="string"))
    expected = [_plain_minutes(c) for c in cells]
    np.testing.assert_array_equal(minutes, np.array([m for m, _ in expected], dtype=float))
    np.testing.assert_array_equal(past_59, np.array([p for _, p in expected], dtype=bool))
