"""Placeholder until the parser's Conventions land (replaced on merge)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


class Conventions:
    """Temporary default conventions (bounds only)."""

    about_relative = 0.10
    almost_relative = 0.10

    def bounds(
        self, qualifiers: npt.NDArray[np.object_], stated: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        n = len(stated)
        low = np.zeros(n, dtype=np.int64)
        high = np.full(n, -1, dtype=np.int64)
        problem = np.zeros(n, dtype=bool)
        for i, (q, s) in enumerate(zip(qualifiers, stated, strict=True)):
            s = int(s)
            if q == "exact":
                low[i], high[i] = s, s
            elif q == "more_than":
                low[i] = s + 1
            elif q == "at_least":
                low[i] = s
            elif q == "fewer_than":
                low[i], high[i] = 0, s - 1
                problem[i] = s < 1
            elif q == "at_most":
                low[i], high[i] = 0, s
            elif q == "about":
                trailing = len(str(s)) - len(str(s).rstrip("0")) if s else 0
                h = max(self.about_relative * s, 0.5 * 10**trailing)
                low[i], high[i] = max(0, math.ceil(s - h)), math.floor(s + h)
            elif q == "almost":
                low[i], high[i] = math.ceil(s * (1 - self.almost_relative)), s - 1
                problem[i] = s < 1
            else:
                problem[i] = True
        return low, high, problem


DEFAULT_CONVENTIONS = Conventions()
