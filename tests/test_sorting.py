"""lexsort_stable is np.lexsort: same permutation, ties kept in row order."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kzfigures._sorting import lexsort_stable


@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.tuples(*[st.integers(-3, 3)] * k), max_size=40)))
def test_lexsort_stable_is_lexsort(rows: list[tuple[int, ...]]) -> None:
    if not rows:
        return
    keys = tuple(np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()
