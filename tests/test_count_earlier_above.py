"""The two ways of counting the earlier rows above a row in ``violations`` count the same pairs.

``_count_earlier_above`` counts, for each asked row, the rows of its series with an earlier slot
and a low above its high: by a table of counts where few rows are asked, by halves otherwise.
Both are checked against the definition, one pair at a time, on drawn rows (ties of slots,
lows and highs, series with no asked row, asked rows sharing a slot), and through the
dispatcher at both sides of its size limit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis import violations as module
from kzfigures.analysis.violations import (
    _count_earlier_above,
    _count_earlier_above_by_halves,
    _count_earlier_above_by_table,
)
from tests._profiles import examples

_Rows = tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]
]


@st.composite
def sorted_rows(draw: st.DrawFn) -> _Rows:
    """Rows sorted by (series, g), with lows and highs from a small range so that they tie."""
    n = draw(st.integers(1, 60))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, 3), st.integers(0, 6), st.integers(0, 9), st.integers(0, 9), st.booleans()),
            min_size=n,
            max_size=n,
        )
    )
    cells.sort(key=lambda cell: (cell[0], cell[1]))
    series, g, low, high, asked = (np.array(column) for column in zip(*cells, strict=True))
    return series.astype(np.int64), g.astype(np.int64), low.astype(np.int64), high.astype(np.int64), asked.astype(bool)


def _definition(rows: _Rows) -> list[int]:
    series, g, low, high, asked = (column.tolist() for column in rows)
    return [
        sum(1 for j in range(len(g)) if series[j] == series[i] and g[j] < g[i] and low[j] > high[i]) if asked[i] else 0
        for i in range(len(g))
    ]


@settings(deadline=None, max_examples=examples(300))
@given(sorted_rows())
def test_both_ways_count_the_definition(rows: _Rows) -> None:
    expected = _definition(rows)
    assert _count_earlier_above_by_table(*rows).tolist() == expected
    assert _count_earlier_above_by_halves(*rows).tolist() == expected


@pytest.mark.parametrize("cells_per_row", [0, 10**6])
@settings(deadline=None, max_examples=examples(50))
@given(rows=sorted_rows())
def test_the_dispatcher_counts_the_definition_either_way(rows: _Rows, cells_per_row: int) -> None:
    with pytest.MonkeyPatch.context() as patch:  # 0: always by halves; 10^6: by the table whenever a row is asked
        patch.setattr(module, "TABLE_CELLS_PER_ROW", cells_per_row)
        assert _count_earlier_above(*rows).tolist() == _definition(rows)


def test_lows_and_highs_beyond_int32_are_compared_as_they_are() -> None:
    big = np.int64(2**62)
    series, g = np.zeros(3, dtype=np.int64), np.array([0, 1, 2], dtype=np.int64)
    low, high = np.array([big, big - 1, 0]), np.array([big, big - 2, big - 1])
    asked = np.ones(3, dtype=bool)
    assert _count_earlier_above_by_table(series, g, low, high, asked).tolist() == [0, 1, 1]
    assert _count_earlier_above_by_halves(series, g, low, high, asked).tolist() == [0, 1, 1]
