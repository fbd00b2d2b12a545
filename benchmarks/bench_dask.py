"""The three analyses of one archive: pandas in one process against kzfigures.dask on a local cluster.

Run from a checkout (with ``pip install -e ".[dask]"``)::

    python benchmarks/bench_dask.py                         # 10^6 rows
    python benchmarks/bench_dask.py --sizes 1e6,1e7 --workers 2

The archive is ``shape("conflict-mix", n)`` (:mod:`benchmarks.workloads`: ``n / 100`` series, at
most 10^4), written once to Parquet files of about 250,000 rows each in ``--folder`` (not timed).
Each engine then runs in a fresh process, so that its peak memory is its own:

- **pandas**: read the files into one frame, :func:`kzfigures.prepare` it (validate and index
  once), then :func:`~kzfigures.ranges`, :func:`~kzfigures.violations` and
  :func:`~kzfigures.best_estimate` of the prepared frame;
- **dask**: a ``LocalCluster`` of ``--workers`` worker processes of one thread each;
  :func:`kzfigures.dask.from_dask` of ``dask.dataframe.read_parquet``, then the three analyses
  of it (``validate=False``: it is validated), all their frames computed in one
  ``dask.compute``, which shares the validation and the one shuffle on the series key.

Wall seconds are the whole run from reading the files to the results in the driver; CPU seconds
add the user and system time of every process of the run (driver and workers). Peak memory is
the largest resident set of the process (pandas) or of each worker, sampled every 50 ms (dask).
Timings on a shared machine are noisy: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import the checkout, not an installed copy
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from benchmarks.run import machine
from benchmarks.workloads import shape

ROWS_PER_FILE = 250_000


def write_archive(n: int, folder: Path) -> Path:
    """Write ``shape("conflict-mix", n)`` to Parquet files under ``folder`` (once), and return their folder."""
    target = folder / f"conflict-mix-{n}"
    done = target / "_done"
    if done.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    frame = shape("conflict-mix", n).frame
    for number, start in enumerate(range(0, n, ROWS_PER_FILE)):
        frame.iloc[start : start + ROWS_PER_FILE].to_parquet(target / f"part-{number:04d}.parquet", index=False)
    done.write_text("")
    return target


def run_pandas(folder: Path) -> dict[str, Any]:
    import resource

    import kzfigures

    started, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_parquet(folder)
    prepared = kzfigures.prepare(frame)
    ranges = kzfigures.ranges(prepared)
    report = kzfigures.violations(prepared)
    estimate = kzfigures.best_estimate(prepared)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_gib": [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20],
        "rows": [len(ranges), len(report.frame), len(report.disagreements), len(estimate.series)],
    }


def run_dask(folder: Path, workers: int) -> dict[str, Any]:
    import dask
    import dask.dataframe as dd
    import psutil
    from distributed import Client, LocalCluster

    import kzfigures.dask as kzd

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        pids = list(client.run(lambda: __import__("os").getpid()).values())
        processes = [psutil.Process(pid) for pid in pids]
        here = psutil.Process()
        peaks = dict.fromkeys(pids, 0)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                for process in processes:
                    peaks[process.pid] = max(peaks[process.pid], process.memory_info().rss)
                stop.wait(0.05)

        def cpu_seconds() -> float:
            times = [process.cpu_times() for process in [*processes, here]]
            return sum(t.user + t.system for t in times)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started, cpu = time.perf_counter(), cpu_seconds()
        observations = kzd.from_dask(dd.read_parquet(str(folder)))
        ranges = kzd.ranges(observations, validate=False)
        found = kzd.violations(observations, validate=False)
        estimate = kzd.best_estimate(observations, validate=False)
        results = dask.compute(ranges, found.frame, found.disagreements, estimate.series, estimate.set_aside)
        wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        stop.set()
        sampler.join()
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_gib": [peak / 2**30 for peak in peaks.values()],
        "rows": [len(results[0]), len(results[1]), len(results[2]), len(results[3])],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6", help="comma-separated row counts (default 1e6)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kzfigures-bench-dask"))
    parser.add_argument("--engines", default="pandas,dask")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one engine, print JSON
    args = parser.parse_args(argv)
    if args.one:
        engine, folder = args.one.split(":", 1)
        result = run_pandas(Path(folder)) if engine == "pandas" else run_dask(Path(folder), args.workers)
        print(json.dumps(result))
        return
    for key, value in machine().items():
        print(f"{key}: {value}")
    print()
    print("| rows | engine | wall s | CPU s | peak GiB | rows out (ranges, violations, disagreements, series) |")
    print("|---:|---|---:|---:|---|---|")
    for size in (int(float(s)) for s in args.sizes.split(",")):
        folder = write_archive(size, args.folder)
        for engine in args.engines.split(","):
            output = subprocess.run(
                [sys.executable, __file__, "--one", f"{engine}:{folder}", "--workers", str(args.workers)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            label = "pandas" if engine == "pandas" else f"dask, {args.workers} workers"
            peaks = ", ".join(f"{p:.2f}" for p in result["peak_gib"])
            print(
                f"| {size:.0e} | {label} | {result['wall']:.1f} | {result['cpu']:.1f} | {peaks} | {result['rows']} |",
                flush=True,
            )
    load = ", ".join(f"{x:.2f}" for x in __import__("os").getloadavg())
    print(f"\nload average at end: {load}")


if __name__ == "__main__":
    main()
