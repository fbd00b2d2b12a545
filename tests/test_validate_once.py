"""``validate=False``: a frame validated once gives the results of validating it in each analysis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings

from kzfigures import best_estimate, ranges, violations
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import FrameValidationError, InvalidArgumentError
from kzfigures.frame import as_frame, from_frame, to_observations
from tests._profiles import examples

from ._generated import frames


def _results(frame: Any, validate: bool) -> list[pd.DataFrame]:
    estimate = best_estimate(frame, validate=validate)
    return [
        ranges(frame, validate=validate),
        ranges(frame, at="each", validate=validate),
        violations(frame, validate=validate).frame,
        estimate.series,
        estimate.set_aside,
        estimate.observations,
    ]


def _assert_same(frame: Any, canonical: pd.DataFrame) -> None:
    for validated, trusted in zip(_results(frame, True), _results(canonical, False), strict=True):
        pd.testing.assert_frame_equal(trusted, validated, check_exact=True)


def test_dataset_validated_once_gives_the_same_results():
    _assert_same(kazakhstan_2022(), kazakhstan_2022())


def test_rows_selected_from_a_canonical_frame_need_no_revalidation():
    frame = kazakhstan_2022()
    subset = frame[frame["metric"] == "detained"]  # index 0..n-1 no longer
    assert not subset.index.equals(pd.RangeIndex(len(subset)))
    _assert_same(subset, subset)


def test_observations_are_converted_whatever_validate_says():
    observations = to_observations(kazakhstan_2022())
    pd.testing.assert_frame_equal(as_frame(observations, validate=False), as_frame(observations))


@settings(deadline=None, max_examples=examples(30))
@given(frames())
def test_generated_frames_validated_once(frame: pd.DataFrame):
    _assert_same(frame, from_frame(frame))


def _renamed_first_two(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[frame.columns[1], frame.columns[0], *frame.columns[2:]]]


# (how the frame is spoiled, the column the error names)
BAD_FRAMES: list[tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = [
    (lambda f: f.astype({"low": "float64"}), "low"),
    (lambda f: f.astype({"as_of": "object"}), "as_of"),
    (lambda f: f.assign(as_of=f["as_of"].dt.tz_localize(None)), "as_of"),
    (lambda f: f.assign(as_of=f["as_of"].dt.as_unit("s")), "as_of"),
    (lambda f: f.astype({"metric": "object"}), "metric"),
    (lambda f: f.astype({"cumulative": "object"}), "cumulative"),
    (lambda f: f.drop(columns=["note"]), "note"),
    (_renamed_first_two, "id"),
    (lambda f: pd.DataFrame({"metric": ["killed"], "stated": [18], "as_of": ["2022-01-07"]}), "id"),
]


@pytest.mark.parametrize(("spoil", "column"), BAD_FRAMES)
@pytest.mark.parametrize("analysis", [ranges, violations, best_estimate])
def test_validate_false_rejects_a_frame_that_is_not_canonical(
    spoil: Callable[[pd.DataFrame], pd.DataFrame], column: str, analysis: Callable[..., Any]
):
    bad = spoil(kazakhstan_2022())
    with pytest.raises(FrameValidationError) as caught:
        analysis(bad, validate=False)
    assert column in set(caught.value.failure_cases["column"])
    assert caught.value.failure_cases["reason"].str.contains("validate=False").all()


@pytest.mark.parametrize("value", [0, 1, None, "no", "False"])
@pytest.mark.parametrize("analysis", [ranges, violations, best_estimate])
def test_validate_must_be_a_bool(value: object, analysis: Callable[..., Any]):
    with pytest.raises(InvalidArgumentError, match="validate must be True or False"):
        analysis(kazakhstan_2022(), validate=value)


def test_validate_false_says_which_strings_a_text_column_holds():
    """A column of the other storage of text prints as "string" too: the error names both storages."""
    canonical = kazakhstan_2022()
    wanted = canonical["metric"].dtype.storage
    other = "python" if wanted == "pyarrow" else "pyarrow"
    if other == "pyarrow":
        pytest.importorskip("pyarrow")
    bad = canonical.astype({"metric": pd.StringDtype(other)})
    with pytest.raises(FrameValidationError) as caught:
        violations(bad, validate=False)
    cases = caught.value.failure_cases
    [row] = cases[cases["column"] == "metric"].itertuples()
    assert row.value == f"string ({other} storage)"
    assert f"expected dtype string ({wanted} storage" in row.reason
