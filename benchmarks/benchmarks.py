"""The asv suite: one class per measured column, ``time_*`` and ``peakmem_*`` per size.

Run with ``asv run`` (``asv.conf.json`` at the repository root points here),
or without asv through ``python benchmarks/run.py``, which times the same
callables (:mod:`benchmarks.measured`) on the same workloads
(:mod:`benchmarks.workloads`, ``keys = n / 100``) and adds the floor and
naive ratios, memory ratios and target verdicts. A column whose library
function has not landed raises ``NotImplementedError`` in ``setup``, which
asv reports as skipped.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from . import measured
from .workloads import generate

SIZES = [1_000, 10_000, 100_000, 1_000_000]
SMALL_SIZES = [1_000, 10_000, 100_000]  # for the slow columns (CLI report, naive baseline)


def keys_for(n: int) -> int:
    """100 observations per key, 1 to 10^4 keys (as ``run.py``)."""
    return int(min(max(1, n // 100), 10_000))


class _Column:
    """Shared setup: the workload of size ``n`` and the callable for ``column``."""

    column = ""
    params: ClassVar[list[Any]] = [SIZES]
    param_names: ClassVar[list[str]] = ["n"]
    timeout = 600.0
    number = 1  # each call is long enough to time alone
    repeat = (1, 5, 60.0)

    def setup(self, n: int) -> None:
        function = measured.callables()[self.column]
        if function is None:
            raise NotImplementedError(f"kzfigures has no {self.column} yet")
        self.function = function
        self.frame: pd.DataFrame = generate(n, keys_for(n), seed=0).frame
        if self.column == "report":
            measured.Report.prepare(self.frame)
        if self.column == "prepared":
            measured.OnPrepared.prepare(self.frame)


class FromFrame(_Column):
    """Validation of an already canonical frame."""

    column = "from_frame"

    def time_from_frame(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_from_frame(self, n: int) -> None:
        self.function(self.frame)


class Ranges(_Column):
    """``kzfigures.ranges(frame)`` over the whole record."""

    column = "ranges"

    def time_ranges(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_ranges(self, n: int) -> None:
        self.function(self.frame)


class Violations(_Column):
    """``kzfigures.violations(frame)``."""

    column = "violations"

    def time_violations(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_violations(self, n: int) -> None:
        self.function(self.frame)


class BestEstimate(_Column):
    """``kzfigures.best_estimate(frame)`` with its defaults."""

    column = "best_estimate"

    def time_best_estimate(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_best_estimate(self, n: int) -> None:
        self.function(self.frame)


class Analyses(_Column):
    """Ranges, violations and the best estimate in sequence (the target's sum)."""

    column = "analyses"

    def time_analyses(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_analyses(self, n: int) -> None:
        self.function(self.frame)


class AnalysesOfPrepared(_Column):
    """The three analyses of a frame prepared (validated and indexed) in setup."""

    column = "prepared"

    def time_prepared(self, n: int) -> None:
        self.function(self.frame)


class Options:
    """Each analysis with its options (:data:`benchmarks.measured.OPTIONS`), of a prepared frame."""

    params: ClassVar[list[Any]] = [SIZES, list(measured.OPTIONS)]
    param_names: ClassVar[list[str]] = ["n", "option"]
    timeout = 600.0
    number = 1
    repeat = (1, 5, 60.0)

    def setup(self, n: int, option: str) -> None:
        import kzfigures

        self.frame: pd.DataFrame = generate(n, keys_for(n), seed=0).frame
        self.prepared = kzfigures.prepare(self.frame)
        self.call = measured.OPTIONS[option]

    def time_option(self, n: int, option: str) -> None:
        self.call(measured.first_use(self.prepared), self.frame)


class CommandLineReport(_Column):
    """``kzfigures report observations.csv``, output captured."""

    column = "report"
    params: ClassVar[list[Any]] = [SMALL_SIZES]

    def time_report(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_report(self, n: int) -> None:
        self.function(self.frame)


class Floor(_Column):
    """The minimal vectorized computation (:func:`benchmarks.baselines.floor`)."""

    column = "floor"

    def time_floor(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_floor(self, n: int) -> None:
        self.function(self.frame)


class Naive(_Column):
    """``groupby().apply`` with per-series Python (:func:`benchmarks.baselines.naive`)."""

    column = "naive"
    params: ClassVar[list[Any]] = [SMALL_SIZES]

    def time_naive(self, n: int) -> None:
        self.function(self.frame)

    def peakmem_naive(self, n: int) -> None:
        self.function(self.frame)


class Replay:
    """``replay`` of n rows in n / 100 series over 60 daily knowledge times, and the per-vintage loop.

    The workload and the loop are those of ``benchmarks/bench_replay.py``.
    """

    params: ClassVar[list[Any]] = [[10_000, 100_000]]
    param_names: ClassVar[list[str]] = ["n"]
    timeout = 600.0
    number = 1
    repeat = (1, 3, 60.0)

    def setup(self, n: int) -> None:
        import kzfigures

        from .bench_replay import workload

        self.prepared = kzfigures.prepare(workload(n, max(1, n // 100), 60))
        self.known_at = kzfigures.replay(self.prepared).known_at

    def time_replay(self, n: int) -> None:
        import kzfigures

        kzfigures.replay(self.prepared)

    def time_loop(self, n: int) -> None:
        from .bench_replay import loop

        loop(self.prepared, self.known_at)
