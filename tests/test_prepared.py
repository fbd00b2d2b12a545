"""``prepare``: one validation and one claim index give every analysis the results of the frame itself."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzfigures.analysis.inputs
from kzfigures import Prepared, best_estimate, prepare, ranges, violations
from kzfigures.analysis.index import ClaimIndex, annotate, restrict
from kzfigures.analysis.inputs import key_rows
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import FrameValidationError, InvalidArgumentError, UnknownKeyError
from tests._profiles import examples

from ._generated import frames

_FIELDS = [f.name for f in ClaimIndex.__attrs_attrs__ if f.name != "by" and f.init]


def _results(observations: Any, by: tuple[str, ...], key: dict[str, str] | None) -> list[Any]:
    """Every table the analyses return, for one input."""
    report = violations(observations, by=by, key=key)
    estimate = best_estimate(observations, by=by)
    return [
        ranges(observations, by=by, key=key),
        ranges(observations, by=by, at="each"),
        ranges(observations, by=by, at="2022-01-08T12:00+06:00"),
        report.frame,
        (report.checked_keys, report.skipped_keys, report.mixed_keys, report.skipped_ids),
        estimate.series,
        estimate.set_aside,
        best_estimate(observations, by=by, on_conflict="drop-minority", method="median").series,
    ]


def _assert_same(left: list[Any], right: list[Any]) -> None:
    for a, b in zip(left, right, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        else:
            assert a == b
            assert repr(a) == repr(b)  # the same types too: True, not numpy's True_


@pytest.mark.parametrize(
    "by", [("metric", "group", "region"), ("metric",), ("metric", "authority"), ("metric", "cumulative")]
)
def test_the_dataset_prepared_gives_the_results_of_the_frame(by: tuple[str, ...]) -> None:
    frame = kazakhstan_2022()
    _assert_same(_results(prepare(frame, by=by), by, None), _results(frame, by, None))


@settings(deadline=None, max_examples=examples(40))
@given(frames(), st.sampled_from([("metric", "group", "region"), ("metric", "authority")]), st.booleans())
def test_generated_frames_prepared_give_the_results_of_the_frame(
    frame: pd.DataFrame, by: tuple[str, ...], with_key: bool
) -> None:
    # The generated series often mix cumulative and daily rows: violations() falls back to annotate.
    key = {"metric": str(frame["metric"].iloc[0])} if with_key else None
    _assert_same(_results(prepare(frame, by=by), by, key), _results(frame, by, key))


@settings(deadline=None, max_examples=examples(40))
@given(frames(max_size=20), st.sampled_from([("metric",), ("metric", "authority"), ("authority", "outlet")]), st.data())
def test_series_keys_are_each_series_first_row(frame: pd.DataFrame, by: tuple[str, ...], data: st.DataObject) -> None:
    index = annotate(frame, by)
    first: dict[int, int] = {}
    for row, series in enumerate(index.series.tolist()):
        first.setdefault(series, row)
    asked = np.array(data.draw(st.lists(st.sampled_from(sorted(first)), max_size=8)), dtype=np.int64)
    expected = frame[list(by)].iloc[[first[s] for s in asked.tolist()]].reset_index(drop=True)
    for _ in range(2):  # gathered, then kept: the same both times
        pd.testing.assert_frame_equal(index.series_keys(frame, asked), expected, check_exact=True)


def test_writing_to_results_changes_no_later_result() -> None:
    frame = kazakhstan_2022()
    prepared = prepare(frame)
    keys = prepared.index.series_keys(prepared.frame, np.array([0, 1]))
    keys.loc[0, "metric"] = "changed"
    table = ranges(prepared)
    table.loc[0, "metric"] = "changed"
    series = best_estimate(prepared).series
    series.loc[0, "region"] = "changed"
    pd.testing.assert_frame_equal(ranges(prepared), ranges(frame))
    pd.testing.assert_frame_equal(best_estimate(prepared).series, best_estimate(frame).series)
    assert prepared.index.series_keys(prepared.frame, np.array([0]))["metric"].tolist() == [frame["metric"].min()]


def test_a_prepared_index_for_another_by_is_not_used() -> None:
    frame = kazakhstan_2022()
    prepared = prepare(frame, by="metric")
    pd.testing.assert_frame_equal(ranges(prepared), ranges(frame))


def test_analyses_use_the_prepared_index_rather_than_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = prepare(kazakhstan_2022())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("annotate() called although the prepared index serves")

    for module in (kzfigures.analysis.inputs, sys.modules["kzfigures.analysis.violations"]):
        monkeypatch.setattr(module, "annotate", refuse)
    ranges(prepared)
    best_estimate(prepared)
    violations(prepared)  # the dataset's series are each cumulative or not: no mixed key


def test_a_key_on_the_prepared_series_columns_restricts_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = kazakhstan_2022()
    prepared = prepare(frame)
    key = {"metric": "detained", "group": "all"}
    expected_ranges, expected_report = ranges(frame, key=key), violations(frame, key=key)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("annotate() called although the restricted index serves")

    for module in (kzfigures.analysis.inputs, sys.modules["kzfigures.analysis.violations"]):
        monkeypatch.setattr(module, "annotate", refuse)
    pd.testing.assert_frame_equal(ranges(prepared, key=key), expected_ranges)
    pd.testing.assert_frame_equal(violations(prepared, key=key).frame, expected_report.frame)


@settings(deadline=None, max_examples=examples(60))
@given(frames(), st.sampled_from([("metric", "group", "region"), ("metric", "authority")]), st.data())
def test_key_rows_by_series_are_key_rows_by_row(frame: pd.DataFrame, by: tuple[str, ...], data: st.DataObject) -> None:
    """A key matched once per series (with the index) keeps the rows a match per row keeps."""
    row = data.draw(st.integers(0, len(frame) - 1))
    columns = data.draw(st.lists(st.sampled_from(by), min_size=1, unique=True))
    key = {c: None if pd.isna(frame.loc[row, c]) else frame.loc[row, c] for c in columns}
    if data.draw(st.booleans()):
        key[columns[0]] = "no such value"
    index = annotate(frame, by)
    try:
        expected = key_rows(frame, key)
    except UnknownKeyError:
        with pytest.raises(UnknownKeyError):
            key_rows(frame, key, index)
        return
    assert (key_rows(frame, key, index) == expected).all()


def test_edits_of_the_callers_frame_after_prepare_do_not_reach_it() -> None:
    frame = kazakhstan_2022()
    prepared = prepare(frame)
    expected = ranges(frame)
    frame.loc[:, "low"] = 0
    pd.testing.assert_frame_equal(ranges(prepared), expected)


def test_prepare_validates() -> None:
    with pytest.raises(FrameValidationError):
        prepare(pd.DataFrame({"metric": ["Killed"], "stated": [1], "as_of": ["2022-01-07"]}))


def test_prepare_of_a_prepared_keeps_it_or_reindexes_it() -> None:
    prepared = prepare(kazakhstan_2022())
    assert prepare(prepared) is prepared
    by_metric = prepare(prepared, by="metric")
    assert by_metric.by == ("metric",)
    assert by_metric.frame is prepared.frame
    assert (by_metric.index.series == annotate(prepared.frame, "metric").series).all()


def test_prepared_repr_and_length() -> None:
    frame = kazakhstan_2022()
    prepared = prepare(frame)
    n_series = len(frame.drop_duplicates(["metric", "group", "region"]))
    assert repr(prepared) == f"Prepared({len(frame)} observations in {n_series} series, by={prepared.by!r})"
    assert len(prepared) == len(frame)
    assert repr(prepare(frame.iloc[:0])) == "Prepared(0 observations in 0 series, by=('metric', 'group', 'region'))"


def test_a_prepared_needs_an_index_of_its_frame() -> None:
    frame = kazakhstan_2022()
    with pytest.raises(InvalidArgumentError, match="must describe the 43 rows"):
        Prepared(frame, annotate(frame.iloc[:5]))


@pytest.mark.parametrize("value", [0, None, "no"])
@pytest.mark.parametrize("analysis", [ranges, violations, best_estimate, prepare])
def test_validate_must_be_a_bool_for_a_prepared_too(value: object, analysis: Callable[..., Any]) -> None:
    with pytest.raises(InvalidArgumentError, match="validate must be True or False"):
        analysis(prepare(kazakhstan_2022()), validate=value)


# --- restrict ------------------------------------------------------------------------


def _assert_index_equal(left: ClaimIndex, right: ClaimIndex) -> None:
    assert left.by == right.by
    for name in _FIELDS:
        np.testing.assert_array_equal(getattr(left, name), getattr(right, name), err_msg=name)


@settings(deadline=None, max_examples=examples(60))
@given(frames(max_size=20), st.sampled_from([("metric",), ("metric", "authority"), ("authority", "outlet")]), st.data())
def test_restrict_equals_annotating_the_kept_series(frame: pd.DataFrame, by: tuple[str, ...], data: st.DataObject):
    index = annotate(frame, by)
    n_series = int(index.series.max()) + 1
    kept_series = data.draw(st.lists(st.booleans(), min_size=n_series, max_size=n_series))
    keep = np.array(kept_series)[index.series]
    _assert_index_equal(restrict(index, keep), annotate(frame[keep].reset_index(drop=True), by))


def test_restrict_refuses_part_of_a_series() -> None:
    frame = kazakhstan_2022()
    keep = np.zeros(len(frame), dtype=bool)
    keep[0] = True  # the first row's series has more than one row
    with pytest.raises(InvalidArgumentError, match="whole series"):
        restrict(annotate(frame), keep)


@pytest.mark.parametrize("keep", [np.ones(3, dtype=bool), np.ones(43, dtype=np.int64)])
def test_restrict_needs_one_bool_per_row(keep: np.ndarray) -> None:
    with pytest.raises(InvalidArgumentError, match="one bool per row"):
        restrict(annotate(kazakhstan_2022()), keep)


@settings(deadline=None, max_examples=examples(30))
@given(frames(max_size=20))
def test_id_rank_is_each_rows_place_in_id_order(frame: pd.DataFrame) -> None:
    ids = frame["id"].tolist()
    in_order = sorted(ids)
    assert annotate(frame).id_rank.tolist() == [in_order.index(i) for i in ids]


@pytest.mark.parametrize("cells", [[None, np.nan], [0.0, -0.0]], ids=["None-NaN", "zero-minus-zero"])
def test_a_key_shows_its_first_rows_cell_whichever_path(cells: list[Any]) -> None:
    """Cells that group together but differ (None and NaN, 0.0 and -0.0) show as the first row's,
    as groupby shows them, on a frame and on a Prepared alike. Row 0 is the later of two days."""
    src = pd.Series(cells, dtype=object)
    frame = pd.DataFrame({"metric": "killed", "stated": [5, 3], "as_of": ["2022-01-08", "2022-01-07"], "src": src})
    by = ("metric", "src")
    for observations in (frame, prepare(frame, by=by)):
        series = best_estimate(observations, by=by).series
        assert repr(series["src"].tolist()) == repr([cells[0]] * 2)
        report = violations(observations, by=by)
        assert repr(report.checked_keys) == repr(violations(frame, by=by).checked_keys)
        assert repr(ranges(observations, by=by)["src"].tolist()) == repr([cells[0]])
        # Per slot, and at a time, a group's first row among the rows that count: each its own.
        assert repr(ranges(observations, by=by, at="each")["src"].tolist()) == repr([cells[1], cells[0]])
        assert repr(ranges(observations, by=by, at="2022-01-07T12:00+06:00")["src"].tolist()) == repr([cells[1]])


def test_unused_categories_of_a_key_column_are_no_keys() -> None:
    frame = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [5, 7],
            "as_of": ["2022-01-07", "2022-01-08"],
            "src": pd.Categorical(["x", "x"], categories=["w", "x"]),
        }
    )
    by = ("metric", "src")
    plain, prepared = violations(frame, by=by), violations(prepare(frame, by=by), by=by)
    assert plain.checked_keys == prepared.checked_keys == (("killed", "x"),)
    assert plain.skipped_keys == prepared.skipped_keys == ()


@settings(deadline=None, max_examples=examples(40))
@given(frames(), st.sampled_from([("metric", "group", "region"), ("metric", "authority")]))
def test_the_analyses_leave_a_prepared_frame_as_it_was(frame: pd.DataFrame, by: tuple[str, ...]) -> None:
    """No analysis writes into the frame it is given.

    Without pyarrow, ``to_numpy`` of a text column may hand out the column's own array of
    Python strings; a key list once wrote ``None`` into it (a series of one row), which broke
    the next analysis of the same prepared frame.
    """
    prepared = prepare(frame, by=by)
    before = prepared.frame.copy(deep=True)
    _results(prepared, by, None)
    _results(prepared, by, {"metric": str(frame["metric"].iloc[0])})
    pd.testing.assert_frame_equal(prepared.frame, before, check_exact=True)


def test_a_key_cell_missing_in_a_series_of_one_row_stays_missing() -> None:
    """The case that broke without pyarrow: one row, a key column (authority) missing."""
    by = ("metric", "authority")
    frame = kzfigures.from_frame(pd.DataFrame({"metric": ["detained"], "low": [0], "as_of": ["2022-01-07"]}))
    prepared = prepare(frame, by=by)
    report = violations(prepared, by=by)
    assert prepared.frame["authority"].isna().tolist() == [True]
    assert report.checked_keys == (("detained", None),)
    assert best_estimate(prepared, by=by).series["authority"].isna().tolist() == [True]


def test_key_cells_of_python_strings_leave_the_column_as_it_was() -> None:
    """The key lists' cells of a column of Python strings (the text of pandas without pyarrow)."""
    column = pd.Series(pd.array(["a", None, "b"], dtype=pd.StringDtype("python")))
    before = column.copy(deep=True)
    assert kzfigures.analysis.violations._key_cells(column) == ["a", None, "b"]
    pd.testing.assert_series_equal(column, before)
