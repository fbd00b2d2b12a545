"""Issue 18: from_frame on malformed frames refuses by name or gives a frame that holds up.

Frames are drawn with random dtypes and bad cells (NaN, infinity, huge, negative,
boolean and text counts, times in clock gaps and overlaps, impossible offsets and
years), duplicated and misspelt columns. Whatever comes in, ``from_frame`` either
raises a :class:`~kzfigures.errors.KzFiguresError` that names rows or the frame,
or returns a frame with one row per input row that validates again and survives
a CSV round trip. No other exception may escape.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import kzfigures
from kzfigures import errors

BAD = st.sampled_from([None, np.nan, np.inf, -np.inf, True, False, np.bool_(True), "", " ", "x", "\u22125"])
COUNTS = st.one_of(
    st.integers(0, 10**6),
    st.sampled_from([2**53 + 1, 2**62, 2**62 + 1, 2**63 - 1, 2**64, -5, -(2**63), 10**17 + 3]),
    st.sampled_from(["7", "7.0", "1e3", "9e18", "1e400", "100000000000000003", "-3", "3.5", "True"]),
    st.floats(allow_nan=True, allow_infinity=True),
    BAD,
)
TIMES = st.one_of(
    st.sampled_from(
        [
            "2022-01-07",
            "2022-01-07T14:00",
            "2022-03-27T02:30",  # a gap in Europe/Berlin
            "2022-10-30T02:30",  # an overlap in Europe/Berlin
            "2022-01-07T00:00+06:00",
            "2022-01-07T00:00+05:00",
            "2022-01-07T14:00Z",
            "2022-01-07T00:00+25:00",
            "2022-01-07T00:00+05:75",
            "1500-01-07",
            "2300-01-07",
            "1677-09-21",
            "not a date",
        ]
    ),
    st.datetimes(
        min_value=pd.Timestamp("1000-01-01").to_pydatetime(), max_value=pd.Timestamp("3000-01-01").to_pydatetime()
    ),
    BAD,
)
LABELS = st.one_of(st.sampled_from(["killed", "detained", "all", "Killed", "almaty", "Almaty"]), BAD)
QUALIFIERS = st.one_of(st.sampled_from([q.value for q in kzfigures.Qualifier] + ["nope", "More_Than"]), BAD)
FIGURES = st.one_of(
    st.sampled_from(
        ["more than 3,000", "\u22125", "about 8,000", "1e6", "dozens", "between 150 and 200", "more than \u200f7"]
    ),
    st.text(max_size=8),
    BAD,
)
PRECISIONS = st.one_of(st.sampled_from([p.value for p in kzfigures.Precision] + ["week"]), BAD)
BOOLEANS = st.one_of(st.sampled_from(["true", "false", "yes", "maybe", 1, 0, 2]), st.booleans(), BAD)
TEXT = st.one_of(st.text(max_size=6), BAD)

CELLS: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.sampled_from(["a", "b", "c"]), BAD),
    "metric": LABELS,
    "group": LABELS,
    "region": LABELS,
    "low": COUNTS,
    "high": COUNTS,
    "stated": COUNTS,
    "qualifier": QUALIFIERS,
    "figure": FIGURES,
    "as_of": TIMES,
    "as_of_precision": PRECISIONS,
    "published": TIMES,
    "published_precision": PRECISIONS,
    "outlet_kind": st.one_of(st.sampled_from(["official", "tv"]), BAD),
    "cumulative": BOOLEANS,
}
# Names beside the schema's: misspellings, other spellings, and columns of the user's own.
OTHER_NAMES = ["qualifer", "Stated", "as of", "notes", "event", "desk"]
NAMES = st.sampled_from([*kzfigures.COLUMNS, *OTHER_NAMES])
DTYPES = st.sampled_from([None, "object", "Int64", "int64", "float64", "string", "bool", "datetime64[ns]"])


def _column(values: list[Any], dtype: str | None) -> pd.Series:
    column = pd.Series(values, dtype=object)
    if dtype is None:
        return column.infer_objects()
    try:
        return column.astype(dtype)
    except (TypeError, ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return column  # the cells do not fit that dtype: keep them as objects


@st.composite
def malformed_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 5))
    names = ["metric", "as_of", draw(st.sampled_from(["stated", "figure", "low"]))]
    names += draw(st.lists(NAMES, max_size=4))
    names = draw(st.permutations(names))
    columns = []
    for name in names:
        cells = CELLS.get(name, TEXT)
        columns.append(_column([draw(cells) for _ in range(n)], draw(DTYPES)))
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(n))
    frame.columns = pd.Index(names, dtype=object)
    return frame


def _rows_named(error: errors.KzFiguresError, n: int) -> None:
    if isinstance(error, errors.FrameValidationError):
        cases = error.failure_cases
        assert len(cases) > 0
        assert list(cases.columns) == ["row", "column", "value", "reason", "code"]
        rows = cases["row"].dropna().astype(int)
        assert rows.between(0, n - 1).all()
        assert set(cases["code"]) <= {code.value for code in errors.FailureReason}
        assert cases["column"].notna().all()
    else:
        # The one other error from_frame raises of a frame: times that cannot share one zone.
        assert isinstance(error, errors.TimezoneError)
        assert "row " in str(error)


@settings(deadline=None)  # each example validates and round-trips frames; timing is not what is tested
@given(malformed_frames(), st.sampled_from(["UTC", "Europe/Berlin", "Asia/Almaty"]))
def test_from_frame_refuses_by_name_or_gives_a_frame_that_holds_up(frame: pd.DataFrame, tz: str) -> None:
    try:
        out = kzfigures.from_frame(frame, tz=tz)
    except errors.KzFiguresError as error:
        _rows_named(error, len(frame))
        return
    # Every input row is accounted for, in order.
    assert len(out) == len(frame)
    schema = list(kzfigures.COLUMNS)
    assert list(out.columns[: len(schema)]) == schema
    if "id" in frame.columns:
        given = [None if pd.isna(v) or str(v).strip() == "" else str(v) for v in frame["id"]]
        assert [g or f"row-{i}" for i, g in enumerate(given)] == out["id"].tolist()
    assert (out["low"] >= 0).all()
    assert ((out["high"] >= out["low"]) | out["high"].isna()).all()
    assert out["as_of"].notna().all()
    # It validates again, unchanged, and survives CSV.
    pd.testing.assert_frame_equal(kzfigures.from_frame(out), out)
    text = kzfigures.to_csv(out[schema])
    assert isinstance(text, str)
    offsets = {t.utcoffset() for name in ("as_of", "published") for t in out[name].dropna()}
    try:
        again = kzfigures.read_csv(io.StringIO(text))
    except errors.TimezoneError:
        # CSV keeps offsets, not zone names: a zone whose offset changes within the frame (summer
        # time) comes back as several offsets, stored in UTC, where a day no longer starts at midnight.
        assert len(offsets) > 1
        return
    pd.testing.assert_frame_equal(_in_utc(again), _in_utc(out[schema]))
    if len(offsets) <= 1 and len(out) > 0:
        assert {t.utcoffset() for t in again["as_of"]} == {t.utcoffset() for t in out["as_of"]}


def _in_utc(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(as_of=frame["as_of"].dt.tz_convert("UTC"), published=frame["published"].dt.tz_convert("UTC"))


# Text cells as a CSV gives them: digits with or without a point, zeros or other digits after
# it, exponents, signs, spaces, and texts around the 18 digits the fast path reads at once.
COUNT_TEXTS = st.one_of(
    st.from_regex(r"\s{0,2}[+-]?[0-9]{0,20}(\.[0-9]{0,3})?([eE][+-]?[0-9])?\s{0,2}", fullmatch=True),
    st.from_regex(r"[0-9]{17,19}\.0{0,2}", fullmatch=True),
    st.sampled_from(["7.", ".0", "00.0", "5.00", "\u0667.0", "7.0\n", "1_000"]),
)


@given(st.lists(COUNT_TEXTS, min_size=1, max_size=30, unique=True))
def test_reading_distinct_count_texts_at_once_is_reading_each(cells: list[str]) -> None:
    from kzfigures.frame import _count, _read_counts

    values, kinds = _read_counts(np.array(cells, dtype=object))
    read = [(None if pd.isna(v) else int(v), int(k)) for v, k in zip(values, kinds, strict=True)]
    assert read == [_count(cell) for cell in cells]
