"""Every kzfigures error survives pickle and deepcopy with its message and attributes (issue 18)."""

from __future__ import annotations

import copy
import inspect
import pickle
from typing import Any

import pandas as pd
import pytest

import kzfigures
from kzfigures import errors


def _cases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.array([0, None], dtype="Int64"),
            "column": pd.array(["stated", "qualifer"], dtype="string"),
            "value": pd.array(["-3", "<column>"], dtype="string"),
            "reason": pd.array(["must be >= 0", "unknown column"], dtype="string"),
            "code": pd.array(["negative", "unknown_column"], dtype="string"),
        }
    )


# One instance of every error class, built as the library builds it.
EXAMPLES: dict[type[errors.KzFiguresError], errors.KzFiguresError] = {
    errors.KzFiguresError: errors.KzFiguresError("root"),
    errors.ValidationError: errors.ValidationError("'low' must be >= 0 (got -5)"),
    errors.ObservationTypeError: errors.ObservationTypeError("'low' must be a whole number"),
    errors.InvalidArgumentError: errors.InvalidArgumentError("'tz' must be a zone"),
    errors.UnknownColumnError: errors.UnknownColumnError("unknown column 'colour'"),
    errors.UnknownKeyError: errors.UnknownKeyError("metric=detained matches nothing"),
    errors.TimezoneError: errors.TimezoneError("no zone"),
    errors.InputFormatError: errors.InputFormatError("cannot read CSV"),
    errors.FigureParseError: errors.FigureParseError("\u22125", 0, "a count cannot be negative"),
    errors.FrameValidationError: errors.FrameValidationError(_cases()),
    errors.FrameTimezoneError: errors.FrameTimezoneError(
        _cases().assign(code=pd.array(["mixed_offsets", "unknown_column"], dtype="string"))
    ),
    errors.InconsistentObservationsError: errors.InconsistentObservationsError(
        pd.DataFrame({"kind": ["drop"], "id": ["a"], "witness_id": ["b"]})
    ),
}


def test_the_table_covers_every_error_class() -> None:
    declared = {
        value for value in vars(errors).values() if inspect.isclass(value) and issubclass(value, errors.KzFiguresError)
    }
    assert declared == set(EXAMPLES)
    assert all(name in errors.__all__ for name in (cls.__name__ for cls in declared))


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, pd.DataFrame):
        return isinstance(right, pd.DataFrame) and left.equals(right) and list(left.dtypes) == list(right.dtypes)
    return bool(left == right)


@pytest.mark.parametrize("copier", [lambda e: pickle.loads(pickle.dumps(e)), copy.deepcopy, copy.copy])
@pytest.mark.parametrize("cls", list(EXAMPLES), ids=lambda cls: cls.__name__)
def test_error_round_trips(cls: type[errors.KzFiguresError], copier: Any) -> None:
    error = EXAMPLES[cls]
    again = copier(error)
    assert type(again) is cls
    assert str(again) == str(error)
    assert again.args == error.args
    assert set(vars(again)) == set(vars(error))
    for name, value in vars(error).items():
        assert _same(getattr(again, name), value), name


def test_inconsistent_observations_keeps_its_count_of_violations() -> None:
    # A copy came back built from its message: "80 violations" (the message's length) instead of 1.
    error = errors.InconsistentObservationsError(pd.DataFrame({"id": ["a"]}))
    assert str(copy.deepcopy(error)).startswith("1 monotonic-growth violation ")
    assert len(pickle.loads(pickle.dumps(error)).violations) == 1


def test_a_raised_frame_error_round_trips() -> None:
    bad = pd.DataFrame({"metric": ["killed", "Killed"], "as_of": ["2022-01-09", "x"], "stated": [1, -3]})
    with pytest.raises(kzfigures.FrameValidationError) as raised:
        kzfigures.from_frame(bad)
    again = pickle.loads(pickle.dumps(raised.value))
    assert str(again) == str(raised.value)
    assert again.failure_cases.equals(raised.value.failure_cases)


def test_failure_reason_codes_are_their_values() -> None:
    assert {str(code) for code in errors.FailureReason} == {code.value for code in errors.FailureReason}
    assert len(set(errors.FailureReason)) == len(list(errors.FailureReason.__members__))
