"""Sorting helpers shared by the analyses.

>>> import numpy as np
>>> lexsort_stable((np.array([2, 1]), np.array([0, 0]))).tolist()
[1, 0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["PACK_LIMIT", "UNBOUNDED", "argsort_stable", "lexsort_stable", "order_codes", "text_order"]


#: Integers packed as ``code * n + r`` stay below this, so nothing overflows int64.
PACK_LIMIT = 2**62

#: Below this many values :func:`argsort_stable` just calls the stable sort.
_PACK_FROM = 1024

#: numpy's stable sort of integers of at most 16 bits is a radix sort: the digit width it serves.
_DIGIT = 16

#: Fewer than one descent per this many values: the stable sort (timsort) merges runs faster than any other.
_FEW_DESCENTS = 64

_INT64_MAX = int(np.iinfo(np.int64).max)

#: The int64 that stands for an unbounded ``high`` in the analyses' arrays: above every count.
UNBOUNDED = int(np.iinfo(np.int64).max)


def argsort_stable(key: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """``np.argsort(key, kind="stable")`` for integers, by radix sorts of small codes.

    Values nearly in order (few descents) take the stable sort itself, which
    merges their runs. Otherwise each value is shifted to start at 0 (and
    divided by the values' common step where that makes them fit); codes
    below ``2**32`` are sorted by numpy's stable sort of 16-bit integers,
    which is a radix sort: ``O(n)`` per 16-bit digit, least significant digit
    first, so one or two passes whatever the CPU. Wider codes are packed
    with their row, ``code * n + row``, so that no two are equal: numpy's
    default sort of those keys, which need not be stable, orders them as a
    stable sort would, and each key's remainder by ``n`` is its row. Values
    too wide even for that take the stable sort. ``docs/performance.md`` has
    the figures.

    >>> argsort_stable(np.array([2, 1, 2, 1, 0])).tolist()
    [4, 1, 3, 0, 2]
    """
    values = np.asarray(key, dtype=np.int64)
    n = len(values)
    if n < max(_PACK_FROM, 2) or np.count_nonzero(values[1:] < values[:-1]) * _FEW_DESCENTS < n:
        return np.asarray(np.argsort(values, kind="stable"), dtype=np.intp)
    shifted = _shifted_codes(values, PACK_LIMIT // n)
    if shifted is None:  # dense ranks would fit, but finding them costs more than this sort
        return np.asarray(np.argsort(values, kind="stable"), dtype=np.intp)
    codes, width = shifted
    if width <= 1 << (_DIGIT * 2):
        return _radix_order(codes, width)
    packed = codes * n + np.arange(n, dtype=np.int64)
    packed.sort()
    return np.asarray(np.remainder(packed, n, out=packed), dtype=np.intp)


def _radix_order(codes: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.intp]:
    """The stable order of codes ``0 <= c < width <= 2**32``: one or two radix passes of 16 bits."""
    mask = (1 << _DIGIT) - 1
    if width <= mask + 1:
        return np.asarray(np.argsort(codes.astype(np.uint16), kind="stable"), dtype=np.intp)
    order = np.argsort((codes & mask).astype(np.uint16), kind="stable")
    high = (codes >> _DIGIT).astype(np.uint16)
    return np.asarray(order[np.argsort(high[order], kind="stable")], dtype=np.intp)


def lexsort_stable(keys: tuple[npt.NDArray[np.int64], ...]) -> npt.NDArray[np.intp]:
    """``np.lexsort(keys)`` (last key primary) for integer keys, in as few sorts as fit.

    Keys are packed together, from the primary one down, while their codes
    (:func:`order_codes`) fit one int64 beside the row number; each packed
    group is one :func:`argsort_stable`, least significant group first.
    Two keys of a few thousand values each sort as one. A primary key that
    strictly increases is the order itself (a claim a slot, a row a series):
    nothing is sorted.

    >>> keys = (np.array([3, 1, 2, 1]), np.array([1, 0, 1, 0]))
    >>> lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()
    True
    """
    n = len(keys[0])
    primary = np.asarray(keys[-1])
    if bool((primary[1:] > primary[:-1]).all()):  # in order and no ties for the other keys to break
        return np.arange(n, dtype=np.intp)
    if n < max(_PACK_FROM, 2):
        order = np.argsort(keys[0], kind="stable")
        for key in keys[1:]:
            order = order[np.argsort(key[order], kind="stable")]
        return np.asarray(order, dtype=np.intp)
    limit = PACK_LIMIT // n
    groups: list[npt.NDArray[np.int64]] = []  # most significant first
    width = 0
    for key in reversed(keys):
        code, code_width = order_codes(np.asarray(key, dtype=np.int64), limit)
        if groups and width * code_width <= limit:
            groups[-1] = groups[-1] * code_width + code
            width *= code_width
        else:
            groups.append(code)
            width = code_width
    order = argsort_stable(groups[-1])
    for group in reversed(groups[:-1]):
        order = order[argsort_stable(group[order])]
    return np.asarray(order, dtype=np.intp)


def order_codes(values: npt.NDArray[np.int64], limit: int) -> tuple[npt.NDArray[np.int64], int]:
    """Integer codes ``0 <= c < width`` that order as ``values`` do, with ``width <= limit`` if possible.

    The analyses pack a code with another integer, ``code * n + r``, and need
    ``width * n`` to fit in int64. Counts are small numbers, so the values
    shifted to start at 0 usually fit, and times in nanoseconds do once divided
    by their common step (an hour, a day): that costs ``O(n)``. Otherwise the
    codes are dense ranks, one sort. The largest int64 (an unbounded high) orders
    above every other value either way.

    >>> codes, width = order_codes(np.array([7, 5, 2**63 - 1, 5]), limit=100)
    >>> codes.tolist(), width
    ([2, 0, 3, 0], 4)
    >>> order_codes(np.array([0, 10**15]), limit=100)[0].tolist()
    [0, 1]
    """
    shifted = _shifted_codes(values, limit)
    if shifted is not None:
        return shifted
    # Dense ranks by hashing, sorting only the distinct values: a third of np.unique's time on
    # 10^6 times of 35k distinct values.
    ranks, distinct = pd.factorize(values, sort=True)
    return ranks.astype(np.int64), len(distinct)


def _shifted_codes(values: npt.NDArray[np.int64], limit: int) -> tuple[npt.NDArray[np.int64], int] | None:
    """``(values - min) // step`` (an unbounded high one above the largest finite value) if under ``limit``, else None.

    ``step`` is 1 if that fits, else the largest integer dividing every ``value - min``
    (:func:`_common_step`): times in nanoseconds are wide, but at hour or day precision
    they are multiples of an hour, and a few years of hours fit where the nanoseconds
    do not.

    >>> [a.tolist() if hasattr(a, "tolist") else a for a in _shifted_codes(np.array([30, 10, 50, UNBOUNDED]), 5)]
    [[1, 0, 2, 3], 4]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), 1
    top, unbounded, finite = int(values.max()), None, values
    if top == UNBOUNDED:
        unbounded = values == UNBOUNDED
        finite = values[~unbounded]
        top = int(finite.max()) if len(finite) else 0
    low = int(finite.min()) if len(finite) else 0
    room = 0 if unbounded is None else 1  # the unbounded code, one above the top
    if top - low > _INT64_MAX:  # offsets would overflow int64: no step can be trusted
        return None
    codes, step = finite - low, 1  # the finite values' offsets, computed once
    if top - low + 1 + room > limit:
        step = _common_step(codes)
        if (top - low) // step + 1 + room > limit:
            return None
        codes = codes // step
    width = (top - low) // step + 1
    if unbounded is None:
        return codes, width
    with_unbounded = np.full(len(values), width, dtype=np.int64)
    with_unbounded[~unbounded] = codes
    return with_unbounded, width + 1


def _common_step(offsets: npt.NDArray[np.int64]) -> int:
    """The largest integer dividing every one of ``offsets`` (``>= 0``; 1 if all are 0).

    The greatest common divisor of about a thousand of them, checked against all (one
    remainder each, a fraction of a full ``gcd`` reduction's cost); the full reduction only
    if that sample's divisor fails.

    >>> _common_step(np.array([0, 7200, 3600, 10800]))
    3600
    """
    sample = offsets[:: max(1, len(offsets) // 1024)]
    step = int(np.gcd.reduce(sample))  # 0 if every sampled offset is 0: nothing learnt
    if step == 0 or (step > 1 and np.any(offsets % step)):
        step = int(np.gcd.reduce(offsets))
    return max(step, 1)


def text_order(texts: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """The stable order of Python strings: ``sorted(range(len(texts)), key=texts.__getitem__)``.

    numpy sorts strings by comparing them: fast for texts nearly in order
    (its stable sort follows the runs), slow for ids in random order such as
    UUIDs or content hashes (``docs/performance.md``). ASCII texts in no particular order are sorted as integers
    instead: their bytes, read in big-endian 8-byte chunks, order as the
    texts do (a shorter text padded with zero bytes, as numpy pads it). The
    first chunk is one SIMD integer sort; only rows that tie on it are sorted
    again, by the remaining chunks and then their position, which makes the
    order stable. Other texts take the comparison sort. numpy's strings drop
    trailing NUL characters, so ``"a"`` and ``"a\\x00"`` tie there; such ties
    are put in Python's order at the end.

    >>> text_order(np.array(["b", "ab", "a", "ab", "a\\x00"], dtype=object)).tolist()
    [2, 4, 1, 3, 0]
    """
    try:
        raw = texts.astype("S")
    except (UnicodeEncodeError, TypeError, ValueError):  # not ASCII text: UTF-8 bytes would not line up
        wide = texts.astype(str)
        return _untied(texts, wide, np.asarray(np.argsort(wide, kind="stable"), dtype=np.intp))
    n, width = len(raw), raw.dtype.itemsize
    # Few descents: the comparison sort merges a few runs, which beats any conversion.
    if n < max(_PACK_FROM, 2) or width == 0 or np.count_nonzero(raw[1:] < raw[:-1]) * 64 < n:
        return _untied(texts, raw, np.asarray(np.argsort(raw, kind="stable"), dtype=np.intp))
    words = -(-width // 8)
    padded = np.zeros((n, words * 8), dtype=np.uint8)
    padded[:, :width] = raw.view(np.uint8).reshape(n, width)
    # Big-endian words compare as the bytes do; flipping the top bit keeps that order in int64.
    chunks = (padded.view(">u8").astype(np.uint64) ^ np.uint64(1 << 63)).view(np.int64)
    order = np.asarray(np.argsort(chunks[:, 0]), dtype=np.intp)  # not stable: ties are settled below
    first = chunks[order, 0]
    same = first[1:] == first[:-1]
    tied = np.r_[False, same] | np.r_[same, False]  # every row of a run of equal first chunks
    if tied.any():
        run = np.cumsum(np.r_[True, ~same])[tied]
        rows = order[tied]
        rest = tuple(chunks[rows, j] for j in range(words - 1, 0, -1))  # least significant first
        settled = rows[lexsort_stable((rows.astype(np.int64), *rest, run.astype(np.int64)))]
        order[tied] = settled
        # Only rows that tie on the first chunk can tie on all of them: check those neighbours.
        equal = run[1:] == run[:-1]
        for j in range(1, words):
            equal &= chunks[settled[1:], j] == chunks[settled[:-1], j]
        if equal.any():
            return _untied(texts, raw, order)
    return order


def _untied(
    texts: npt.NDArray[np.object_], keys: npt.NDArray[Any], order: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """``order`` (stable by ``keys``) with each run of equal ``keys`` put in the texts' Python order.

    Equal numpy strings are equal texts, or texts that differ only in trailing NUL characters,
    which numpy drops: one comparison of neighbours finds them, and only their runs are sorted
    again (stably, so equal texts keep their positions' order).
    """
    ranked = keys[order]
    same = ranked[1:] == ranked[:-1]
    if not same.any():
        return order
    starts = np.flatnonzero(np.r_[True, ~same])
    ends = np.r_[starts[1:], len(order)]
    tied = ends - starts > 1
    for first, end in zip(starts[tied].tolist(), ends[tied].tolist(), strict=True):
        order[first:end] = sorted(order[first:end].tolist(), key=texts.__getitem__)
    return order
