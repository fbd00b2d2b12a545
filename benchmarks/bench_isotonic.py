"""Many small isotonic fits: one scipy call per key versus one shifted call for all keys.

Run: ``PYTHONPATH=. python benchmarks/bench_isotonic.py [keys] [points]`` (default 10,000 x 100).
The shifted call is what :func:`kzfigures.analysis.estimate.isotonic_by_series` does.
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
    y = np.cumsum(rng.integers(-50, 100, size=keys * points)).astype(np.float64)
    w = rng.integers(1, 4, size=keys * points).astype(np.float64)

    began = time.perf_counter()
    looped = np.concatenate(
        [
            isotonic_regression(y[k * points : (k + 1) * points], weights=w[k * points : (k + 1) * points]).x
            for k in range(keys)
        ]
    )
    per_key = time.perf_counter() - began

    began = time.perf_counter()
    shifted = isotonic_by_series(series, y, w)
    one_call = time.perf_counter() - began

    error = float(np.max(np.abs(looped - shifted)))
    print(f"{keys} keys x {points} points: one scipy call per key {per_key:.3f} s, one shifted call {one_call:.3f} s")
    print(f"max difference {error:.2g} (values up to {np.abs(y).max():.3g})")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
