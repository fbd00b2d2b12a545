"""``series_ids`` numbers keys in key order, as ``groupby(sort=True, dropna=False).ngroup()`` does.

``series_ids`` numbers the combined codes of the key columns itself rather than
asking ``groupby``; these tests hold it to the definition (the rank of a row's key
among the sorted distinct keys, a missing cell after every value) and to the
``groupby`` numbering it replaced, for every kind of column a key can be.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzfigures.analysis.index import _dense_ranks, _series_numbers, annotate, first_rows, series_ids, take_rows
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import InvalidArgumentError

WORDS = st.one_of(st.none(), st.sampled_from(["a", "b", "B", "é", "a b", ""]), st.text(max_size=2))


def _grouped(frame: pd.DataFrame, columns: list[str]) -> list[int]:
    return [int(i) for i in frame.groupby(columns, sort=True, dropna=False, observed=True).ngroup()]


def _by_definition(cells: list[tuple[Any, ...]]) -> list[int]:
    # Missing sorts after every value of its column; distinct keys ranked in that order.
    def order(key: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
        return tuple((value is None, "" if value is None else value) for value in key)

    ranked = sorted(set(cells), key=order)
    return [ranked.index(key) for key in cells]


@pytest.mark.parametrize("storage", ["python", "pyarrow", "object"])
@given(st.lists(st.tuples(WORDS, WORDS, WORDS), min_size=1, max_size=40))
def test_text_keys_are_numbered_in_key_order_missing_last(storage: str, rows: list[tuple[Any, ...]]) -> None:
    if storage == "pyarrow":
        pytest.importorskip("pyarrow")
    dtype: Any = object if storage == "object" else pd.StringDtype(storage)  # type: ignore[arg-type]
    frame = pd.DataFrame(
        {
            name: pd.Series(list(column), dtype=dtype)
            for name, column in zip(("metric", "group", "region"), zip(*rows, strict=True), strict=True)
        }
    )
    ids = series_ids(frame).tolist()
    assert ids == _by_definition(rows)
    assert ids == _grouped(frame, ["metric", "group", "region"])


@st.composite
def _key_columns(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    kinds = draw(
        st.lists(
            st.sampled_from(["category", "ordered", "Int64", "float", "bool", "boolean", "mixed", "time"]),
            min_size=1,
            max_size=3,
        )
    )
    columns: dict[str, pd.Series] = {}
    for i, kind in enumerate(kinds):
        if kind in ("category", "ordered"):
            categories = ["z", "a", "m"]  # not in text order, one of them perhaps unobserved
            cells = draw(st.lists(st.sampled_from([*categories, None]), min_size=n, max_size=n))
            column = pd.Series(pd.Categorical(cells, categories=categories, ordered=kind == "ordered"))
        elif kind == "Int64":
            column = pd.Series(
                draw(st.lists(st.one_of(st.none(), st.integers(-3, 3)), min_size=n, max_size=n)), dtype="Int64"
            )
        elif kind == "float":
            cells = draw(
                st.lists(
                    st.one_of(st.just(np.nan), st.sampled_from([-1.5, 0.0, -0.0, 2.0, 1e300, np.inf])),
                    min_size=n,
                    max_size=n,
                )
            )
            column = pd.Series(cells, dtype="float64")
        elif kind == "bool":
            column = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        elif kind == "boolean":
            column = pd.Series(
                draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)), dtype="boolean"
            )
        elif kind == "mixed":
            column = pd.Series(draw(st.lists(st.sampled_from([1, 2, "x", None]), min_size=n, max_size=n)), dtype=object)
        else:
            days = draw(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=n, max_size=n))
            column = pd.Series(
                [None if d is None else pd.Timestamp("2022-01-05", tz="UTC") + pd.Timedelta(days=d) for d in days]
            )
        columns[f"key_{i}"] = column
    return pd.DataFrame(columns)


@given(_key_columns())
def test_any_key_columns_are_numbered_as_groupby_numbers_them(frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    assert series_ids(frame, columns).tolist() == _grouped(frame, columns)


def test_keys_of_many_columns_are_renumbered_before_their_codes_overflow() -> None:
    # 45 columns of 3 values: 3**40 > 2**62, so the codes are renumbered at column 40. Pairs of
    # rows agree on the first 39 columns and differ only after, so every column counts.
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({f"key_{i:02d}": rng.choice(["x", "y", "z"], size=60) for i in range(45)})
    frame.iloc[30:, :39] = frame.iloc[:30, :39].to_numpy()
    frame = pd.concat([frame, frame.iloc[::4]], ignore_index=True)  # some keys twice
    columns = list(frame.columns)
    ids = series_ids(frame, columns).tolist()
    assert ids == _by_definition(list(frame.itertuples(index=False, name=None)))
    assert ids == _grouped(frame, columns)


def test_a_key_column_that_appears_twice_in_the_frame_is_refused() -> None:
    frame = pd.DataFrame([["a", "b", "c"]], columns=["metric", "metric", "region"])
    with pytest.raises(InvalidArgumentError, match="more than one column named 'metric'"):
        series_ids(frame, ["metric", "region"])


@given(st.lists(st.integers(0, 60), min_size=1, max_size=40), st.integers(0, 3))
def test_dense_ranks_number_the_distinct_values_in_order(values: list[int], spread: int) -> None:
    key = np.array(values, dtype=np.int64) * 10**spread  # wide keys take the sort, narrow ones the table
    ranks, found = _dense_ranks(key, int(key.max()) + 1)
    distinct = sorted(set(key.tolist()))
    assert ranks.tolist() == [distinct.index(v) for v in key.tolist()]
    assert found.tolist() == distinct


def _gathered_keys(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    # What series_keys gathered before: each series' cells at its first row.
    return take_rows(frame[columns], first_rows(series_ids(frame, columns)))


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@given(st.lists(st.tuples(WORDS, WORDS, WORDS), min_size=1, max_size=40))
def test_key_cells_from_the_codes_are_each_series_first_row(storage: str, rows: list[tuple[Any, ...]]) -> None:
    if storage == "pyarrow":
        pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            name: pd.Series(list(column), dtype=pd.StringDtype(storage))  # type: ignore[arg-type]
            for name, column in zip(("metric", "group", "region"), zip(*rows, strict=True), strict=True)
        }
    )
    columns = ["metric", "group", "region"]
    ids, keys = _series_numbers(frame, columns, keys=True)
    assert ids.tolist() == series_ids(frame, columns).tolist()
    assert keys is not None
    pd.testing.assert_frame_equal(keys, _gathered_keys(frame, columns))


@given(_key_columns(), WORDS)
def test_key_cells_of_other_columns_are_each_series_first_row(frame: pd.DataFrame, word: Any) -> None:
    frame = frame.assign(text=pd.Series([word] * len(frame), dtype="string"))
    columns = ["text", *[c for c in frame.columns if c != "text"]]
    keys = _series_numbers(frame, columns, keys=True)[1]
    assert keys is not None
    pd.testing.assert_frame_equal(keys, _gathered_keys(frame, columns))


def test_renumbered_codes_give_no_key_cells_and_the_index_gathers_them() -> None:
    frame = pd.DataFrame({f"key_{i:02d}": ["x", "y", "z"] * 4 for i in range(45)})
    assert _series_numbers(frame, list(frame.columns), keys=True)[1] is None
    # The same in an index: no cells from annotate, and series_keys gathers each series' first row.
    data = kazakhstan_2022()
    extra = {f"key_{i:02d}": np.resize(np.array(["x", "y", "z"], dtype=object), len(data)) for i in range(45)}
    data = data.assign(**{name: pd.Series(cells, dtype="string") for name, cells in extra.items()})
    by = ["metric", *extra]
    index = annotate(data, by)
    assert "series_keys" not in index._cache
    pd.testing.assert_frame_equal(index.series_keys(data), _gathered_keys(data, by))
    assert "series_keys" in index._cache


def test_the_index_keeps_the_key_cells_the_codes_give() -> None:
    frame = kazakhstan_2022()
    for by in (["metric", "group", "region"], ["metric", "authority"], ["cumulative", "metric"]):
        index = annotate(frame, by)
        assert "series_keys" in index._cache
        pd.testing.assert_frame_equal(index.series_keys(frame), _gathered_keys(frame, by))


def test_an_object_key_column_keeps_its_dtype_in_the_key_cells() -> None:
    # A frame built from object arrays of text would infer pandas' text dtype; the cells keep the column's.
    frame = pd.DataFrame(
        {"text": pd.Series([None, "a", "a"], dtype="string"), "k": pd.Series(["x", "y", "x"], dtype=object)}
    )
    keys = _series_numbers(frame, ["text", "k"], keys=True)[1]
    assert keys is not None
    assert keys["k"].dtype == object
    pd.testing.assert_frame_equal(keys, _gathered_keys(frame, ["text", "k"]))
