"""What was known when: ``replay`` against one ``best_estimate`` call per knowledge time.

Run from a checkout::

    python benchmarks/bench_replay.py                       # 1e5 rows, 1e3 series, 60 daily vintages
    python benchmarks/bench_replay.py --sizes 1e4,1e5 --repeat 3
    python benchmarks/bench_replay.py --check              # also compare the results, frame by frame

The workload is :func:`benchmarks.workloads.generate` with each series moved to start on one
day and its days compressed into ``--days`` (60) days, so that the grid of daily knowledge
times has ``days`` steps plus the days the last reports take to appear (published 1-48 hours
after their ``as_of``). Three ways to the same frames are timed (CPU seconds, the best of
``--repeat``, as ``benchmarks/run.py`` times them; wall seconds beside them):

- **loop**: for each knowledge time ``t``, ``best_estimate(as_known_at(prepared, t))``, on a
  frame validated once (the baseline the issue names);
- **stack all**: every (knowledge time, series) pair stacked into one frame with the knowledge
  time added to the key, and one ``best_estimate`` call;
- **replay**: :func:`kzfigures.replay`, which stacks only the pairs at which a series changes
  (a figure of it becomes public) and copies the rest.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import the checkout, not an installed copy
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

import kzfigures
from benchmarks.run import machine
from benchmarks.workloads import TZ, generate
from kzfigures.analysis.vintages import _change_pairs, _stacks, known_by

_DAY_NS = 86_400 * 10**9


def workload(n: int, keys: int, days: int, seed: int = 0) -> pd.DataFrame:
    """``generate(n, keys)`` with every series starting on 2022-01-01 and spread over ``days`` days.

    A series reported on more than ``days`` days has its days compressed (day ``d`` of ``D``
    becomes ``d * days // D``), which keeps its order; publication lags are kept.
    """
    frame = generate(n, keys, seed=seed).frame
    offset = 6 * 3_600 * 10**9  # the workload's zone, UTC+06:00
    as_of = frame["as_of"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
    lag = frame["published"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
    lag = lag - as_of
    local = as_of + offset
    day, within = local // _DAY_NS, local % _DAY_NS
    key = frame.groupby(["metric", "group", "region"], sort=False).ngroup().to_numpy()
    first = pd.Series(day).groupby(key).transform("min").to_numpy()
    span = pd.Series(day).groupby(key).transform("max").to_numpy() - first + 1
    new_day = (day - first) * days // np.maximum(span, days)
    start = pd.Timestamp("2022-01-01").value
    new_as_of = start + new_day * _DAY_NS + within - offset
    frame["as_of"] = _times(new_as_of)
    frame["published"] = _times(new_as_of + lag)
    return kzfigures.from_frame(frame)


def _times(utc_ns: np.ndarray) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(TZ))


def loop(prepared: kzfigures.Prepared, known_at: pd.DatetimeIndex) -> list[pd.DataFrame]:
    """The baseline: one ``best_estimate`` of the rows known at each knowledge time."""
    return [
        kzfigures.best_estimate(kzfigures.as_known_at(prepared, t), validate=False).series.assign(known_at=t)
        for t in known_at
    ]


def stack_all(frame: pd.DataFrame, known_at: pd.DatetimeIndex) -> pd.DataFrame:
    """Every (knowledge time, series) pair stacked, one ``best_estimate`` call."""
    known = known_by(frame)
    ends = np.r_[known_at.asi8[1:], known_at.asi8[-1] + (known_at.asi8[-1] - known_at.asi8[-2])]
    vintage = np.searchsorted(ends, known, side="left")
    order = np.argsort(vintage, kind="stable")
    counts = np.searchsorted(vintage[order], np.arange(len(known_at)), side="right")
    rows = np.concatenate([order[:c] for c in counts])
    stacked = frame.take(rows).reset_index(drop=True)
    stacked["vintage"] = np.repeat(np.arange(len(known_at)), counts)
    return kzfigures.best_estimate(stacked, by=("vintage", "metric", "group", "region"), validate=False).series


def best_time(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    cpu = wall = float("inf")
    for _ in range(max(1, repeat)):
        gc.collect()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        function()
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start_wall)
    return cpu, wall


def check(frame: pd.DataFrame) -> None:
    """The replay equals the loop, frame by frame (raises otherwise).

    ``best_ids`` are left out when cumulative and non-cumulative series mix: best_estimate then
    lets one series' ids into another's (tests/test_vintages.py pins the bug), in the loop and
    the replay differently.
    """
    result = kzfigures.replay(frame, validate=False)
    skip = ["known_at", "best_ids"] if frame["cumulative"].nunique() > 1 else ["known_at"]
    for t, expected in zip(result.known_at, loop(kzfigures.prepare(frame), result.known_at), strict=True):
        got = result.series[result.series["known_at"] == t].drop(columns=skip).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.drop(columns=skip).reset_index(drop=True))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e5", help="observation counts (default %(default)s)")
    parser.add_argument("--keys", type=float, default=1e3, help="series (default 1e3)")
    parser.add_argument("--days", type=int, default=60, help="days the reports span (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts (default 3)")
    parser.add_argument("--no-stack-all", action="store_true", help="skip the stack-everything variant")
    parser.add_argument("--check", action="store_true", help="check replay against the loop first")
    args = parser.parse_args(argv)
    print("kzfigures replay benchmark")
    for name, value in machine().items():
        print(f"{name}: {value}")
    print("command: python benchmarks/bench_replay.py " + " ".join(sys.argv[1:] if argv is None else argv))
    header = "n  series  vintages  stacked rows  result rows  loop CPU (wall)  stack all CPU (wall)  replay CPU (wall)"
    print(header)
    for n in (int(float(x)) for x in args.sizes.split(",")):
        frame = workload(n, int(args.keys), args.days)
        if args.check:
            check(frame)
        prepared = kzfigures.prepare(frame)
        result = kzfigures.replay(prepared)
        times = result.known_at
        known = known_by(frame)
        ends = np.r_[times.asi8[1:], np.iinfo(np.int64).max]
        vintage = np.searchsorted(ends, known, side="left")
        index = prepared.index
        pairs = _change_pairs(index.series, vintage, len(times))
        stacked = sum(len(s.rows) for s in _stacks(pairs, index.series, vintage, index.start, 2**62))
        t_loop = best_time(lambda p=prepared, t=times: loop(p, t), args.repeat)
        t_all = None if args.no_stack_all else best_time(lambda f=frame, t=times: stack_all(f, t), args.repeat)
        t_replay = best_time(lambda p=prepared: kzfigures.replay(p), args.repeat)

        def cell(t: tuple[float, float] | None) -> str:
            return "skipped" if t is None else f"{t[0]:.2f} s ({t[1]:.2f})"

        print(
            f"{n:,}  {int(args.keys):,}  {len(times)}  {stacked:,}  "
            f"{len(result.series):,}  {cell(t_loop)}  {cell(t_all)}  {cell(t_replay)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
