"""Sorting helpers shared by the analyses.

>>> import numpy as np
>>> lexsort_stable((np.array([2, 1]), np.array([0, 0]))).tolist()
[1, 0]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["PACK_LIMIT", "lexsort_stable", "order_codes"]


def lexsort_stable(keys: tuple[npt.NDArray[np.int64], ...]) -> npt.NDArray[np.intp]:
    """``np.lexsort(keys)`` (last key primary) as a chain of stable argsorts, about twice as fast.

    >>> keys = (np.array([3, 1, 2, 1]), np.array([1, 0, 1, 0]))
    >>> lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()
    True
    """
    order = np.argsort(keys[0], kind="stable")
    for key in keys[1:]:
        order = order[np.argsort(key[order], kind="stable")]
    return np.asarray(order, dtype=np.intp)


#: Integers packed as ``code * n + r`` stay below this, so nothing overflows int64.
PACK_LIMIT = 2**62

#: The largest int64, used by the analyses for an unbounded high.
_TOP = int(np.iinfo(np.int64).max)


def order_codes(values: npt.NDArray[np.int64], limit: int) -> tuple[npt.NDArray[np.int64], int]:
    """Integer codes ``0 <= c < width`` that order as ``values`` do, with ``width <= limit`` if possible.

    The analyses pack a code with another integer, ``code * n + r``, and need
    ``width * n`` to fit in int64. Counts are small numbers, so the values
    shifted to start at 0 usually fit: that costs ``O(n)``. Otherwise the codes
    are dense ranks, one sort. The largest int64 (an unbounded high) orders
    above every other value either way.

    >>> codes, width = order_codes(np.array([7, 5, 2**63 - 1, 5]), limit=100)
    >>> codes.tolist(), width
    ([2, 0, 3, 0], 4)
    >>> order_codes(np.array([0, 10**15]), limit=100)[0].tolist()
    [0, 1]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), 1
    unbounded = values == _TOP
    finite = values[~unbounded]
    low = int(finite.min()) if len(finite) else 0
    top = int(finite.max()) if len(finite) else 0
    width = top - low + 2  # room for the unbounded code, top - low + 1
    if width <= limit:
        return np.where(unbounded, top - low + 1, values - low).astype(np.int64), width
    distinct, ranks = np.unique(values, return_inverse=True)
    return ranks.astype(np.int64).reshape(-1), len(distinct)
