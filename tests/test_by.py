"""The by option: which columns can key a series, and the names it refuses."""

from __future__ import annotations

import pandas as pd
import pytest

import kzfigures
from kzfigures.analysis.tables import RESULT_COLUMNS
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import InvalidArgumentError
from kzfigures.frame import COLUMNS


def _result_frames(frame: pd.DataFrame, by: list[str]) -> list[pd.DataFrame]:
    estimate = kzfigures.best_estimate(frame, by=by)
    return [
        kzfigures.ranges(frame, by=by),
        kzfigures.ranges(frame, by=by, at="each"),
        kzfigures.ranges(frame, by=by, at=frame["as_of"].iloc[len(frame) // 2]),
        kzfigures.violations(frame, by=by).frame,
        estimate.series,
        estimate.set_aside,
        kzfigures.best_estimate(frame, by=by, freq="D").series,
    ]


def test_every_result_column_beyond_the_schema_is_listed() -> None:
    frame = kazakhstan_2022().assign(desk="news")
    for result in _result_frames(frame, ["metric", "desk"]):
        assert set(result.columns) - set(COLUMNS) - {"desk"} <= RESULT_COLUMNS


@pytest.mark.parametrize("name", ["time", "reason", "superseded_by", "kind", "hull_low", "n_claims"])
@pytest.mark.parametrize("analysis", ["ranges", "violations", "best_estimate", "prepare"])
def test_an_extra_column_named_like_a_result_column_cannot_key_a_series(name: str, analysis: str) -> None:
    """Keyed by it, the result's own column would overwrite the key (by=["time"] lost every key)."""
    frame = kazakhstan_2022().assign(**{name: "a desk"})
    with pytest.raises(InvalidArgumentError, match=f"column '{name}', which the results use"):
        getattr(kzfigures, analysis)(frame, by=["metric", name])


def test_an_extra_column_with_another_name_keys_series() -> None:
    frame = kazakhstan_2022()
    desks = frame.assign(desk=frame["metric"].str.upper())
    expected = kzfigures.best_estimate(frame, by=["metric"]).series["best"]
    pd.testing.assert_series_equal(kzfigures.best_estimate(desks, by=["desk"]).series["best"], expected)
    assert expected.notna().any()
