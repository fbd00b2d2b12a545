"""Conflict policies against plain-Python walks of their stated rules."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kzfigures.conflicts import HI_INF, REASONS, settle_latest

from .brute_force import settle_latest_walk

claims = st.lists(
    st.tuples(
        st.integers(0, 4),  # slot
        st.integers(0, 12),  # lo
        st.one_of(st.integers(0, 6), st.none()),  # width, None = unbounded
        st.sampled_from([1.0, 2.0, 0.5, 3.0]),  # weight
    ),
    min_size=1,
    max_size=14,
)


@given(claims, st.booleans())
def test_settle_latest_follows_the_walk(rows: list[tuple[int, int, int | None, float]], cumulative: bool) -> None:
    slot = [r[0] for r in rows]
    lo = [r[1] for r in rows]
    hi = [math.inf if r[2] is None else r[1] + r[2] for r in rows]
    weight = [r[3] for r in rows]
    expected = settle_latest_walk(slot, lo, hi, weight, cumulative=cumulative)
    got = settle_latest(
        np.array(slot, dtype=np.int64),
        np.array(lo, dtype=np.int64),
        np.array([HI_INF if h == math.inf else h for h in hi], dtype=np.int64),
        np.array(weight),
        cumulative=cumulative,
    )
    assert got.kept.tolist() == expected[0]
    assert [REASONS[r] for r in got.reason] == expected[1]
    assert got.witness.tolist() == expected[2]


def test_settle_latest_of_nothing() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert settle_latest(empty, empty, empty, np.zeros(0), cumulative=True).kept.tolist() == []
