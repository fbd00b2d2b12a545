"""Helpers for runs: stretches of equal keys in a sorted array.

>>> import numpy as np
>>> starts = run_starts(np.array([4, 4, 7, 9, 9]))
>>> starts.tolist(), run_tuples(["a", "b", "c", "d", "e"], starts).tolist()
([0, 2, 3], [('a', 'b'), ('c',), ('d', 'e')])
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["run_cumsum", "run_numbers", "run_prefix_max", "run_starts", "run_suffix_min", "run_tuples"]


def run_starts(values: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """Where each run of equal values in ``values`` (sorted, or grouped) begins.

    >>> run_starts(np.array([1, 1, 2, 1])).tolist(), run_starts(np.array([])).tolist()
    ([0, 2, 3], [])
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, values[1:] != values[:-1]])


def run_numbers(starts: npt.NDArray[np.intp], n: int) -> npt.NDArray[np.intp]:
    """Each of ``n`` elements' run: ``k`` from ``starts[k]`` up to the next start (the last run to ``n``).

    >>> run_numbers(np.array([0, 2, 3]), 5).tolist()
    [0, 0, 1, 2, 2]
    """
    return np.repeat(np.arange(len(starts), dtype=np.intp), np.diff(np.r_[starts, n]).astype(np.intp))


#: Runs of up to this many items are made by ``zip`` (one pass per length); longer ones by slices.
ZIPPED_UP_TO = 8


def run_tuples(listed: list[Any] | npt.NDArray[np.object_], starts: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
    """A tuple per run of ``listed``, run ``k`` from ``starts[k]`` to the next start (the last to the end).

    One slice per run, so the cost is one Python step per run rather than per item. Given an
    object array, the runs of up to :data:`ZIPPED_UP_TO` items (an archive with one figure a
    slot has a million runs of one) are made by ``zip`` over gathered columns instead, one
    ``zip`` per length, which builds the tuples in C.

    >>> run_tuples(["a", "b", "c", "d"], np.array([0, 1, 3])).tolist()
    [('a',), ('b', 'c'), ('d',)]
    >>> run_tuples(np.array(["a", "b", "c", "d"], dtype=object), np.array([0, 1, 3])).tolist()
    [('a',), ('b', 'c'), ('d',)]
    """
    if not isinstance(listed, np.ndarray):
        edges = np.r_[starts, len(listed)].tolist()
        return np.fromiter((tuple(listed[a:b]) for a, b in itertools.pairwise(edges)), dtype=object, count=len(starts))
    lengths = np.diff(np.r_[starts, len(listed)]).astype(np.intp)
    if len(starts) and bool((lengths == 1).all()):
        # A run per item (one figure a slot): zip the items where they lie, with no gathered copy
        # and no scatter into the result, each of which costs about as much as the tuples.
        return np.fromiter(zip(listed[int(starts[0]) :]), dtype=object, count=len(starts))
    out = np.empty(len(starts), dtype=object)
    zipped = (lengths >= 1) & (lengths <= ZIPPED_UP_TO)
    for length in np.flatnonzero(np.bincount(lengths[zipped])).tolist():
        chosen = np.flatnonzero(lengths == length)
        columns = [listed[starts[chosen] + j] for j in range(length)]
        out[chosen] = np.fromiter(zip(*columns, strict=True), dtype=object, count=len(chosen))
    other = np.flatnonzero(~zipped)
    if len(other):
        # Their items gathered together, then one list slice per run.
        offsets = np.r_[0, np.cumsum(lengths[other])].astype(np.intp)
        taken = np.repeat(starts[other] - offsets[:-1], lengths[other]) + np.arange(int(offsets[-1]))
        out[other] = run_tuples(listed[taken].tolist(), offsets[:-1])
    return out


def run_cumsum(values: npt.NDArray[np.float64], starts: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    """The running sum of ``values`` within each run, added in the same order as ``np.cumsum`` of the run.

    Not ``cumsum`` of the whole array minus each run's offset, which rounds differently: runs of
    about the same length (within a factor of two) are laid out as the rows of a zero-padded
    matrix and summed along its rows, so every element is the same float as ``np.cumsum`` of its
    run alone gives, in ``O(n)`` time and memory.

    >>> run_cumsum(np.array([0.1, 0.2, 0.3, 1.0, 2.0]), np.array([0, 3])).tolist() == [
    ...     *np.cumsum([0.1, 0.2, 0.3]).tolist(), 1.0, 3.0]
    True
    """
    n = len(values)
    out = np.empty(n, dtype=np.float64)
    if n == 0:
        return out
    lengths = np.diff(np.r_[starts, n]).astype(np.intp)
    width_class = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.intp)
    for cls in np.unique(width_class).tolist():
        chosen = np.flatnonzero(width_class == cls)
        width = int(lengths[chosen].max())
        column = np.arange(width, dtype=np.intp)
        present = column < lengths[chosen][:, None]
        where = (starts[chosen][:, None] + column)[present]
        matrix = np.zeros((len(chosen), width), dtype=np.float64)
        matrix[present] = values[where]
        out[where] = np.cumsum(matrix, axis=1)[present]
    return out


def _run_ranked(
    values: npt.NDArray[np.int64], run: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    # Each value's dense rank, offset by its run: keys of a later run are above all of an earlier one's.
    distinct, rank = np.unique(values, return_inverse=True)
    width = len(distinct)
    return distinct, np.asarray(run, dtype=np.int64) * width + rank.reshape(-1), width


def run_prefix_max(values: npt.NDArray[np.int64], run: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """Within each run (``run`` non-decreasing), the running maximum of the integers ``values`` up to each.

    One ``np.maximum.accumulate`` of the values' ranks offset by their run, so every run starts afresh.

    >>> run_prefix_max(np.array([3, 1, 5, 2, 4, 1]), np.array([0, 0, 0, 1, 1, 1])).tolist()
    [3, 3, 5, 2, 4, 4]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    distinct, key, width = _run_ranked(values, run)
    return distinct[np.maximum.accumulate(key) - np.asarray(run, dtype=np.int64) * width]


def run_suffix_min(values: npt.NDArray[np.int64], run: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """Within each run (``run`` non-decreasing), the minimum of the integers ``values`` from each to the run's end.

    >>> run_suffix_min(np.array([3, 1, 5, 2, 4, 1]), np.array([0, 0, 0, 1, 1, 1])).tolist()
    [1, 1, 5, 1, 1, 1]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    distinct, key, width = _run_ranked(values, run)
    return distinct[np.minimum.accumulate(key[::-1])[::-1] - np.asarray(run, dtype=np.int64) * width]
