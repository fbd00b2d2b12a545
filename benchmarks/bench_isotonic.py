"""Many small isotonic fits: one scipy call per key versus :func:`~kzfigures.analysis.estimate.isotonic_by_series`.

Run: ``PYTHONPATH=. python benchmarks/bench_isotonic.py [keys] [points]`` (default 10,000 x 100).
``isotonic_by_series`` fits only the series that fall somewhere, one scipy call each (a series
that never falls is its own fit); the generated series here fall often, so it makes about as
many calls as the loop, and the two should agree exactly.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy.optimize import isotonic_regression

from kzfigures.analysis.estimate import isotonic_by_series


def main(keys: int = 10_000, points: int = 100) -> None:
    rng = np.random.default_rng(0)
    series = np.repeat(np.arange(keys), points)
    w = rng.integers(1, 4, size=keys * points).astype(np.float64)
    # Falling somewhere in every series, then never falling (running totals that only rise).
    for label, lowest in (("falling", -50), ("never falling", 0)):
        y = np.cumsum(rng.integers(lowest, 100, size=keys * points)).astype(np.float64)
        began = time.process_time()
        looped = np.concatenate(
            [
                isotonic_regression(y[k * points : (k + 1) * points], weights=w[k * points : (k + 1) * points]).x
                for k in range(keys)
            ]
        )
        per_key = time.process_time() - began
        began = time.process_time()
        by_series = isotonic_by_series(series, y, w)
        vectorized = time.process_time() - began
        error = float(np.max(np.abs(looped - by_series)))
        print(
            f"{keys} keys x {points} points, {label}: one scipy call per key {per_key:.3f} s, "
            f"isotonic_by_series {vectorized:.3f} s of CPU; max difference {error:.2g}"
        )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
