"""lexsort_stable is np.lexsort and argsort_stable is a stable argsort: same permutation, ties in row order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzfigures.analysis import _sorting
from kzfigures.analysis._sorting import argsort_stable, lexsort_stable, order_codes, text_order

_KEY_VALUES = st.one_of(st.integers(-3, 3), st.integers(0, 10**6), st.integers(-(2**63), 2**63 - 1))


@given(
    st.integers(1, 4).flatmap(lambda k: st.lists(st.tuples(*[_KEY_VALUES] * k), max_size=40)),
    st.sampled_from([0, 1024]),
)
def test_lexsort_stable_is_lexsort(rows: list[tuple[int, ...]], pack_from: int) -> None:
    if not rows:
        return
    keys = tuple(np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sorting, "_PACK_FROM", pack_from)  # 0: pack even the smallest arrays
        assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()


@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), unique=True, min_size=1, max_size=40).map(sorted),
    st.lists(st.integers(-3, 3), min_size=41, max_size=41),
    st.booleans(),
)
def test_lexsort_stable_of_a_primary_key_in_order(primary: list[int], other: list[int], tie: bool) -> None:
    # Strictly increasing: the order itself; one tie (a value repeated next to itself): sorted by the other key.
    if tie:
        primary.insert(len(primary) // 2, primary[len(primary) // 2])
    keys = (np.array(other[: len(primary)], dtype=np.int64), np.array(primary, dtype=np.int64))
    assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()


@pytest.mark.parametrize("spreads", [(3, 10**4), (10**6, 10**6, 10**6), (2**62, 5)])
def test_lexsort_stable_packs_large_arrays_exactly(spreads: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(spreads))
    keys = tuple(rng.integers(-s, s, size=5000, dtype=np.int64) for s in spreads)
    assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()


_TOP = 2**63 - 1


@given(st.lists(st.one_of(st.integers(-3, 3), st.integers(-(2**63), _TOP)), max_size=60))
def test_argsort_stable_is_the_stable_argsort(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sorting, "_PACK_FROM", 0)  # pack even the smallest arrays
        assert argsort_stable(array).tolist() == np.argsort(array, kind="stable").tolist()


# Each spread takes one path: one radix pass of 16 bits, two, codes packed with their row, the
# stable sort of values too wide to pack; "nearly sorted" has few descents (the stable sort's runs).
@pytest.mark.parametrize("spread", [3, 10**6, 2**40, 2**62])
@pytest.mark.parametrize("nearly_sorted", [False, True])
def test_argsort_stable_sorts_large_arrays_exactly(spread: int, nearly_sorted: bool) -> None:
    rng = np.random.default_rng(spread % 1000)
    array = rng.integers(-spread, spread, size=5000, dtype=np.int64)
    array[::97] = _TOP  # the unbounded high
    if nearly_sorted:
        array = np.sort(array)
        array[::500] = array[::-500].copy()
    order = argsort_stable(array)
    assert order.dtype == np.intp
    assert order.tolist() == np.argsort(array, kind="stable").tolist()


def test_argsort_stable_keeps_ties_in_row_order_in_two_radix_passes() -> None:
    # Codes wider than one 16-bit digit, with many ties: the second pass must keep the first's order.
    rng = np.random.default_rng(7)
    array = rng.integers(0, 3, size=20_000, dtype=np.int64) * 70_000 + rng.integers(0, 2, size=20_000)
    order = argsort_stable(array)
    assert order.tolist() == np.argsort(array, kind="stable").tolist()


@given(
    st.lists(st.one_of(st.integers(0, 50), st.integers(0, 2**62), st.just(_TOP)), max_size=40),
    st.integers(1, 2**62),
)
def test_order_codes_order_as_the_values_do(values: list[int], limit: int) -> None:
    array = np.array(values, dtype=np.int64)
    codes, width = order_codes(array, limit)
    assert codes.dtype == np.int64
    assert len(codes) == len(values)
    assert ((codes >= 0) & (codes < width)).all()
    # Same order, ties included: the sign of every pairwise difference is kept.
    assert (np.sign(codes[:, None] - codes[None, :]) == np.sign(np.subtract.outer(values, values))).all()
    distinct = len(set(values))
    # Within the limit whenever the dense ranks would be; never wider than the shifted values.
    assert width <= max(limit, distinct)


# Times in nanoseconds at hour or day precision: wide values on a coarse grid, which the codes
# divide by their common step (a few off the grid, so that the step is 1 again).
_ON_A_GRID = st.tuples(
    st.integers(-(2**40), 2**40),
    st.sampled_from([3_600 * 10**9, 86_400 * 10**9, 2**33, 7]),
    st.lists(st.one_of(st.integers(0, 5_000), st.just(None)), min_size=1, max_size=40),
    st.lists(st.integers(1, 10**6), max_size=2),
).map(lambda t: [_TOP if k is None else t[0] + t[1] * k for k in t[2]] + [t[0] + j for j in t[3]])


@given(_ON_A_GRID, st.integers(1, 2**62))
def test_order_codes_of_values_on_a_grid(values: list[int], limit: int) -> None:
    array = np.array(values, dtype=np.int64)
    codes, width = order_codes(array, limit)
    assert ((codes >= 0) & (codes < width)).all()
    exact = np.array(values, dtype=object)  # Python integers: the differences do not overflow
    assert (np.sign(codes[:, None] - codes[None, :]) == np.sign(np.subtract.outer(exact, exact)).astype(int)).all()
    assert width <= max(limit, len(set(values)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sorting, "_PACK_FROM", 0)
        assert argsort_stable(array).tolist() == np.argsort(array, kind="stable").tolist()
        keys = (array[::-1].copy(), array)
        assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()


@pytest.mark.parametrize("off_grid_at", [None, 1, 2_998])
def test_the_common_step_of_a_large_array_is_checked_on_every_value(off_grid_at: int | None) -> None:
    # 3,000 distinct hours of 10,000, in random order: coded as hours (width 10,000 at most,
    # under the limit), unless one value is off the hour, at a place the sample of every
    # second value skips (odd) or sees; then they are dense ranks (width 3,000).
    rng = np.random.default_rng(3)
    hour = 3_600 * 10**9
    array = 1_640_995_200 * 10**9 + hour * rng.choice(10_000, size=3_000, replace=False).astype(np.int64)
    expected_step = hour
    if off_grid_at is not None:
        array[off_grid_at] += 10**9  # one second past its hour
        expected_step = 10**9
    assert _sorting._common_step(array - array.min()) == expected_step
    codes, width = order_codes(array, 20_000)
    assert (np.argsort(codes, kind="stable") == np.argsort(array, kind="stable")).all()
    if off_grid_at is None:
        assert (codes == (array - array.min()) // hour).all()
    else:
        assert width == 3_000
    assert argsort_stable(array).tolist() == np.argsort(array, kind="stable").tolist()


def test_the_common_step_when_every_sampled_offset_is_zero() -> None:
    # A review's case: zeros where the sample looks (every second value), 3,600 and one 1,800
    # elsewhere. The step is 1,800, not lost: three codes.
    offsets = np.zeros(3_000, dtype=np.int64)
    offsets[1::2] = 3_600
    offsets[1] = 1_800
    assert _sorting._common_step(offsets) == 1_800
    codes, width = order_codes(offsets, 10)
    assert width == 3
    assert (codes == offsets // 1_800).all()


# Texts with ties, shared prefixes longer than a chunk, NUL bytes (numpy drops trailing ones),
# and sometimes a non-ASCII letter (the comparison sort's path).
_TEXTS = st.lists(
    st.text(alphabet=st.sampled_from(list("ab0-\x00")), max_size=20).map(
        lambda t: "obs-observation-" * (len(t) % 2) + t
    )
    | st.sampled_from(["", "a", "a\x00", "é"]),
    max_size=60,
)


@given(_TEXTS, st.sampled_from([0, 1024]))
def test_text_order_is_the_stable_order_of_the_python_strings(texts: list[str], pack_from: int) -> None:
    """Python's order, also where numpy's differs: it drops trailing NULs ("a" ties with "a\x00")."""
    array = np.array(texts, dtype=object)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sorting, "_PACK_FROM", pack_from)  # 0: the integer path even for a few texts
        assert text_order(array).tolist() == sorted(range(len(texts)), key=texts.__getitem__)


@pytest.mark.parametrize("pack_from", [0, 1024])
@pytest.mark.parametrize("texts", [["x\x00", "x", "z"], ["x", "x\x00\x00", "x\x00", "é"], ["b\x00", "a", "b"]])
def test_texts_that_differ_in_trailing_nuls_keep_pythons_order_in_any_row_order(
    texts: list[str], pack_from: int
) -> None:
    expected = sorted(texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sorting, "_PACK_FROM", pack_from)
        for shift in range(len(texts)):
            rotated = texts[shift:] + texts[:shift]
            order = text_order(np.array(rotated, dtype=object))
            assert [rotated[i] for i in order] == expected


@pytest.mark.parametrize("shape", ["random", "nearly sorted", "one prefix"])
def test_text_order_of_a_million_style_ids(shape: str) -> None:
    rng = np.random.default_rng(7)
    n = 5000
    if shape == "random":
        texts = ["".join(rng.choice(list("0123456789abcdef"), 12)) for _ in range(n)]
    elif shape == "nearly sorted":
        texts = [f"obs-{i}" for i in range(n)]
    else:
        texts = [f"kz22-{i % 7:03d}-{rng.integers(0, 50):02d}" for i in range(n)]
    array = np.array(texts, dtype=object)
    assert text_order(array).tolist() == sorted(range(n), key=texts.__getitem__)
