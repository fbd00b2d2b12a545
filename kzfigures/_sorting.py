"""Sorting helpers shared by the analyses.

>>> import numpy as np
>>> lexsort_stable((np.array([2, 1]), np.array([0, 0]))).tolist()
[1, 0]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["lexsort_stable"]


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
