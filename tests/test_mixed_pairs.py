"""The sweep over the mixed components of ``violations`` gives what checking every pair gave.

The library checks the pairs of rows of components of at most ``_PAIRS_UP_TO`` rows, the pairs
of periods of larger components of at most ``_PERIOD_PAIRS_UP_TO`` distinct periods, and sweeps
the others; each test runs the sweep alone (both set to 0) as well as the splits.

``pairs_in_mixed`` is ``violations._pairs_in_mixed`` as it was before issue 22's sweep (commit
0d23aa2), verbatim but for its name: every ordered pair of each mixed component, ``O(sum k^2)``.
``brute_force`` is the definition, one pair at a time in Python. The library's
``_mixed_best`` and ``_mixed_above`` must give the same five arrays as both, on random
intervals (ends cut short as a publication time cuts them, ties of starts, ends and codes) and,
through ``violations``, on random frames.
"""

from __future__ import annotations

import sys
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis import violations as module
from kzfigures.analysis.violations import _Components, _mixed_above, _mixed_best, violations
from kzfigures.frame import from_frame
from tests._profiles import examples

_PAIR_BATCH = 1 << 22


@attrs.frozen(eq=False)
class MixedPairs:
    """Per row (-1 or 0 outside the mixed components): what its own component's pairs say."""

    earlier_low: npt.NDArray[np.int64]  # largest low code among rows that end by its start
    earlier_point: npt.NDArray[np.int64]  # largest stated point code among them
    earlier_above: npt.NDArray[np.int64]  # how many of them have a low above its high
    overlapping: npt.NDArray[np.int64]  # largest low code among overlapping rows of other speakers
    overlapping_above: npt.NDArray[np.int64]  # how many of those have a low above its high


def pairs_in_mixed(
    parts: _Components,
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    speaker: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    enc_low: npt.NDArray[np.int64],
    enc_point: npt.NDArray[np.int64],
    batch: int = _PAIR_BATCH,
) -> MixedPairs:
    """Every ordered pair (i, j) of each mixed component, ``O(sum k^2)`` for components of ``k`` rows.

    Vectorized in batches of about ``batch`` pairs; the pairs of one ``j`` are
    contiguous, so each maximum and count is a ``reduceat``.
    """
    n = len(low)
    result = MixedPairs(
        earlier_low=np.full(n, -1, dtype=np.int64),
        earlier_point=np.full(n, -1, dtype=np.int64),
        earlier_above=np.zeros(n, dtype=np.int64),
        overlapping=np.full(n, -1, dtype=np.int64),
        overlapping_above=np.zeros(n, dtype=np.int64),
    )
    rows = np.flatnonzero(parts.mixed_rows)  # sorted by component: each component contiguous
    size = parts.size[parts.which[rows]]
    offset = parts.first[parts.which[rows]]
    cost = np.cumsum(size)
    lo = 0
    while lo < len(rows):
        taken = int(cost[lo] - size[lo])
        hi = max(int(np.searchsorted(cost, taken + batch, side="right")), lo + 1)
        sizes = size[lo:hi]
        j = np.repeat(rows[lo:hi], sizes)
        bounds = np.r_[0, np.cumsum(sizes)[:-1]]
        i = np.repeat(offset[lo:hi], sizes) + np.arange(len(j)) - np.repeat(bounds, sizes)
        before = end[i] <= start[j]
        meet = (start[i] < end[j]) & (start[j] < end[i]) & (speaker[i] != speaker[j])
        above = low[i] > high[j]
        mine = rows[lo:hi]
        result.earlier_low[mine] = np.maximum.reduceat(np.where(before, enc_low[i], -1), bounds)
        result.earlier_point[mine] = np.maximum.reduceat(np.where(before, enc_point[i], -1), bounds)
        result.earlier_above[mine] = np.add.reduceat((before & above).astype(np.int64), bounds)
        result.overlapping[mine] = np.maximum.reduceat(np.where(meet, enc_low[i], -1), bounds)
        result.overlapping_above[mine] = np.add.reduceat((meet & above).astype(np.int64), bounds)
        lo = hi
    return result


def brute_force(parts: _Components, start: Any, end: Any, speaker: Any, low: Any, high: Any, enc_low: Any,
                enc_point: Any) -> MixedPairs:  # fmt: skip
    """The five arrays from their definitions, one pair at a time."""
    n = len(low)
    out = {name: [-1] * n for name in ("earlier_low", "earlier_point", "overlapping")}
    out |= {name: [0] * n for name in ("earlier_above", "overlapping_above")}
    for j in range(n):
        if not parts.mixed_rows[j]:
            continue
        for i in range(n):
            if parts.which[i] != parts.which[j]:
                continue
            if end[i] <= start[j]:
                out["earlier_low"][j] = max(out["earlier_low"][j], int(enc_low[i]))
                out["earlier_point"][j] = max(out["earlier_point"][j], int(enc_point[i]))
                out["earlier_above"][j] += int(low[i] > high[j])
            if start[i] < end[j] and start[j] < end[i] and speaker[i] != speaker[j]:
                out["overlapping"][j] = max(out["overlapping"][j], int(enc_low[i]))
                out["overlapping_above"][j] += int(low[i] > high[j])
    return MixedPairs(**{name: np.array(values, dtype=np.int64) for name, values in out.items()})


def swept(parts: _Components, start: Any, end: Any, speaker: Any, low: Any, high: Any, enc_low: Any,
          enc_point: Any, pairs_up_to: int = 0, period_pairs_up_to: int = 0, batch: int = 7) -> MixedPairs:  # fmt: skip
    """The library's code, every count asked: the sweep alone, or pairs of rows in components up to
    ``pairs_up_to`` rows and pairs of periods in the other components up to ``period_pairs_up_to`` periods,
    in batches of about ``batch`` pairs (7: many batches)."""
    everyone = np.ones(len(low), dtype=bool)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.modules[module.__name__], "_PAIRS_UP_TO", pairs_up_to)
        patch.setattr(sys.modules[module.__name__], "_PERIOD_PAIRS_UP_TO", period_pairs_up_to)
        patch.setattr(sys.modules[module.__name__], "_PAIR_BATCH", batch)
        earlier_low, earlier_point, overlapping = _mixed_best(parts, start, end, speaker, enc_low, enc_point)
        earlier_above, overlapping_above = _mixed_above(parts, start, end, speaker, low, high, everyone, everyone)
    return MixedPairs(earlier_low, earlier_point, earlier_above, overlapping, overlapping_above)


def assert_same(got: MixedPairs, expected: MixedPairs) -> None:
    for field in attrs.fields(MixedPairs):
        np.testing.assert_array_equal(getattr(got, field.name), getattr(expected, field.name), err_msg=field.name)


@st.composite
def components(draw: st.DrawFn, *, max_rows: int = 30) -> tuple[Any, ...]:
    """Rows sorted by (series, component), with periods of few lengths, some cut short, and tied values."""
    n = draw(st.integers(1, max_rows))
    sizes = draw(st.lists(st.integers(1, n), min_size=1, max_size=4))
    component = np.repeat(np.arange(len(sizes)), sizes)[:n]
    n = len(component)
    series = component // 2  # two components a series
    start = np.array(draw(st.lists(st.integers(0, 12), min_size=n, max_size=n)), dtype=np.int64)
    length = np.array(draw(st.lists(st.sampled_from([1, 1, 2, 6, 24]), min_size=n, max_size=n)), dtype=np.int64)
    cut = np.array(draw(st.lists(st.integers(0, 23), min_size=n, max_size=n)), dtype=np.int64)
    end = start + np.maximum(1, np.minimum(length, length - cut))  # a publication may end a period early
    speaker = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    low = np.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), dtype=np.int64)
    width = draw(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=n, max_size=n))
    high = np.array([2**63 - 1 if w is None else int(v) + w for v, w in zip(low, width, strict=True)], dtype=np.int64)
    rank = np.array(draw(st.permutations(range(n))), dtype=np.int64)  # distinct codes, as _find's
    enc_low = low * n + (n - 1 - rank)
    stated = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    point = np.array(draw(st.lists(st.integers(0, 8), min_size=n, max_size=n)), dtype=np.int64)
    enc_point = np.where(stated, point * n + (n - 1 - rank), -1)
    parts = _Components.of(series.astype(np.int64), component.astype(np.int64), start, end)
    return parts, start, end, speaker, low, high, enc_low, enc_point


@settings(deadline=None, max_examples=examples(300))
@given(components(max_rows=12))
def test_the_sweep_equals_the_definition_on_small_inputs(arrays: tuple[Any, ...]) -> None:
    expected = brute_force(*arrays)
    assert_same(pairs_in_mixed(*arrays), expected)
    assert_same(swept(*arrays), expected)
    assert_same(swept(*arrays, pairs_up_to=5), expected)  # small components by pairs, the others by the sweep
    assert_same(swept(*arrays, period_pairs_up_to=64), expected)  # every component by pairs of periods
    assert_same(swept(*arrays, pairs_up_to=3, period_pairs_up_to=4), expected)  # all three ways at once


@settings(deadline=None, max_examples=examples(300))
@given(components(max_rows=60))
def test_the_sweep_equals_every_pair(arrays: tuple[Any, ...]) -> None:
    expected = pairs_in_mixed(*arrays)
    assert_same(swept(*arrays), expected)
    assert_same(swept(*arrays, pairs_up_to=module._PAIRS_UP_TO), expected)
    assert_same(swept(*arrays, period_pairs_up_to=module._PERIOD_PAIRS_UP_TO), expected)
    assert_same(swept(*arrays, pairs_up_to=module._PAIRS_UP_TO, period_pairs_up_to=6), expected)


@pytest.mark.parametrize("seed", range(5))
def test_the_sweep_equals_every_pair_on_large_components(seed: int) -> None:
    """Components of hundreds of rows (many levels of the divide and conquer), a day of hours each."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 400, size=12)
    component = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    n = len(component)
    hour = 3_600
    day_start = component * 24 * hour
    hourly = rng.random(n) < 0.5
    start = day_start + np.where(hourly, rng.integers(0, 24, n) * hour, 0)
    end = start + np.where(hourly, hour, 24 * hour)
    cut = rng.random(n) < 0.2
    end = np.where(cut, start + (end - start) * rng.random(n), end).astype(np.int64)
    end = np.maximum(end, start + 1)
    speaker = rng.integers(0, 5, n).astype(np.int64)
    low = rng.integers(0, 50, n).astype(np.int64)
    high = np.where(rng.random(n) < 0.1, 2**63 - 1, low + rng.integers(0, 10, n)).astype(np.int64)
    rank = rng.permutation(n).astype(np.int64)
    enc_low = low * n + (n - 1 - rank)
    enc_point = np.where(rng.random(n) < 0.7, rng.integers(0, 60, n) * n + (n - 1 - rank), -1).astype(np.int64)
    parts = _Components.of(component // 3, component, start, end)
    arrays = (parts, start, end, speaker, low, high, enc_low, enc_point)
    expected = pairs_in_mixed(*arrays, batch=997)
    assert_same(swept(*arrays), expected)
    assert_same(swept(*arrays, pairs_up_to=module._PAIRS_UP_TO), expected)
    assert_same(
        swept(*arrays, pairs_up_to=module._PAIRS_UP_TO, period_pairs_up_to=module._PERIOD_PAIRS_UP_TO), expected
    )
    assert_same(swept(*arrays, period_pairs_up_to=30), expected)  # some components each way
    assert_same(swept(*arrays, period_pairs_up_to=30, batch=256), expected)  # batches of a few periods each
    with pytest.MonkeyPatch.context() as patch:  # nothing packs: every fallback to ranks and lexsort
        patch.setattr(sys.modules[module.__name__], "PACK_LIMIT", 1000)
        assert_same(swept(*arrays), expected)


def test_only_the_asked_rows_are_counted() -> None:
    rng = np.random.default_rng(7)
    n = 200
    component = np.repeat(np.arange(4), 50).astype(np.int64)
    start = rng.integers(0, 30, n).astype(np.int64)
    end = start + rng.choice([1, 24], n)
    speaker, low = rng.integers(0, 3, n).astype(np.int64), rng.integers(0, 20, n).astype(np.int64)
    high = low + rng.integers(0, 3, n)
    parts = _Components.of(component, component, start, end)
    asked_earlier, asked_over = rng.random(n) < 0.1, rng.random(n) < 0.1
    expected = pairs_in_mixed(parts, start, end, speaker, low, high, low * n, low * n)
    for pairs_up_to in (0, 60):  # the sweep; the pairs
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys.modules[module.__name__], "_PAIRS_UP_TO", pairs_up_to)
            earlier_above, overlapping_above = _mixed_above(
                parts, start, end, speaker, low, high, asked_earlier, asked_over
            )
        np.testing.assert_array_equal(earlier_above, np.where(asked_earlier, expected.earlier_above, 0))
        np.testing.assert_array_equal(overlapping_above, np.where(asked_over, expected.overlapping_above, 0))


def _old_best(parts: _Components, start: Any, end: Any, speaker: Any, enc_low: Any, enc_point: Any) -> Any:
    zero = np.zeros(len(start), dtype=np.int64)
    pairs = pairs_in_mixed(parts, start, end, speaker, zero, zero, enc_low, enc_point)
    return pairs.earlier_low, pairs.earlier_point, pairs.overlapping


def _old_above(parts: _Components, start: Any, end: Any, speaker: Any, low: Any, high: Any, count_earlier: Any,
               count_overlapping: Any) -> Any:  # fmt: skip
    codes = np.full(len(start), -1, dtype=np.int64)
    pairs = pairs_in_mixed(parts, start, end, speaker, low, high, codes, codes)
    return pairs.earlier_above, pairs.overlapping_above


@st.composite
def published_frames(draw: st.DrawFn, *, max_size: int = 40) -> pd.DataFrame:
    """Frames of one or two series, figures of days, hours and minutes, some published within their period."""
    n = draw(st.integers(1, max_size))
    rows = []
    for i in range(n):
        day, hour, minute = draw(st.integers(7, 8)), draw(st.integers(0, 23)), draw(st.integers(0, 59))
        precision = draw(st.sampled_from(["day", "day", "hour", "minute"]))
        as_of = {"day": f"2022-01-{day:02d}T00:00", "hour": f"2022-01-{day:02d}T{hour:02d}:00",
                 "minute": f"2022-01-{day:02d}T{hour:02d}:{minute:02d}"}[precision]  # fmt: skip
        published = draw(st.one_of(st.none(), st.integers(0, 23)))
        low, width = draw(st.integers(0, 9)), draw(st.one_of(st.none(), st.integers(0, 3)))
        stated = draw(st.one_of(st.none(), st.integers(0, 12)))
        rows.append(
            {
                "id": f"obs-{i:03d}",
                "metric": draw(st.sampled_from(["detained", "killed"])),
                "as_of": as_of + "+06:00",
                "as_of_precision": precision,
                "published": None if published is None else f"2022-01-{day:02d}T{published:02d}:00+06:00",
                "low": low,
                "high": None if width is None else low + width,
                "stated": stated,
                "qualifier": "range" if stated is None else "about",
                "authority": draw(st.sampled_from(["Interior Ministry", "Police", "Akimat", None])),
                "outlet": draw(st.sampled_from(["CNN", "Xinhua", None])),
            }
        )
    raw = pd.DataFrame(rows)
    for column in ("low", "high", "stated"):
        raw[column] = raw[column].astype("Int64")
    return from_frame(raw)


@settings(deadline=None, max_examples=examples(200))
@given(published_frames())
def test_violations_are_the_same_as_with_every_pair(frame: pd.DataFrame) -> None:
    """Through ``violations``: every column of both tables equal to the pairs' (the code before the sweep)."""
    found = violations(frame)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.modules[module.__name__], "_PAIRS_UP_TO", 0)  # the sweep alone
        patch.setattr(sys.modules[module.__name__], "_PERIOD_PAIRS_UP_TO", 0)
        swept_alone = violations(frame)
    pd.testing.assert_frame_equal(found.frame, swept_alone.frame)
    pd.testing.assert_frame_equal(found.disagreements, swept_alone.disagreements)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.modules[module.__name__], "_mixed_best", _old_best)
        patch.setattr(sys.modules[module.__name__], "_mixed_above", _old_above)
        paired = violations(frame)
    pd.testing.assert_frame_equal(found.frame, paired.frame)
    pd.testing.assert_frame_equal(found.disagreements, paired.disagreements)


@settings(deadline=None, max_examples=examples(200))
@given(components(max_rows=40), st.data())
def test_counts_for_some_rows_equal_the_counts_for_all(arrays: tuple[Any, ...], data: st.DataObject) -> None:
    """Only the rows asked are queries of the sweep: each asked row's counts are its counts when all
    are asked, and a row not asked gets 0."""
    parts, start, end, speaker, low, high, _, _ = arrays
    n = len(low)
    earlier = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    overlapping = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    everyone = np.ones(n, dtype=bool)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.modules[module.__name__], "_PAIRS_UP_TO", 0)  # the sweep alone
        all_earlier, all_overlapping = _mixed_above(parts, start, end, speaker, low, high, everyone, everyone)
        some_earlier, some_overlapping = _mixed_above(parts, start, end, speaker, low, high, earlier, overlapping)
    np.testing.assert_array_equal(some_earlier, np.where(earlier, all_earlier, 0))
    np.testing.assert_array_equal(some_overlapping, np.where(overlapping, all_overlapping, 0))
