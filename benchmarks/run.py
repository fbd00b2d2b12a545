"""Time and measure kzfigures on synthetic workloads; print the table and the targets.

Usage (from a checkout; needs only the package and its test extras)::

    python benchmarks/run.py                     # issue 22's shapes at 1e4, 1e5, 1e6, with verdicts
    python benchmarks/run.py --shapes county-counts,crossing-speakers --shape-sizes 1e5,1e6
    python benchmarks/run.py --quick             # the shapes at 1e3, 1e4, one repeat, no verdicts
    python benchmarks/run.py --shapes none       # issue 7's tables: sizes 1e3 .. 1e6, keys = n / 100
    python benchmarks/run.py --shapes none --sizes 1e6 --keys 1,100,1e4 --repeat 5
    python benchmarks/run.py --shapes none --sizes 1e5 --options-max 1e5 --no-memory   # the options table

**Shapes** (:data:`benchmarks.workloads.SHAPES`, issue 22): per shape and size, one table of
``csv`` (``kzfigures.read_csv``, ``prepare(validate=False)``, the three analyses) against
``pandas_csv`` (``pandas.read_csv`` and the floor), ``prepared`` (the three of a prepared
frame) against ``floor``, and ``drop_minority`` (``best_estimate(on_conflict="drop-minority")``
of the prepared frame) against ``floor``, then the verdicts: ``csv`` within 3x of
``pandas_csv``, ``prepared`` within 2x and ``drop_minority`` within 5x of the floor at 10^6
rows, every 10x step of rows at most 12x the time, and the traced peak of ``prepare`` plus
the three under 3x the input frame (:class:`ShapeRun` says what each column runs).
``--classic`` adds issue 7's tables below them.

Time is the best of ``--repeat`` runs, garbage collected before each (a run
over 5 s is not repeated), measured two ways: **CPU** seconds of this process
(``time.process_time``, user + system) and **wall** seconds
(``time.perf_counter``). The measured code is single-threaded but for the
CSV readers: pyarrow's, and pandas 3.1's, read on both cores, so their CPU
seconds, summed over the threads, exceed their wall seconds (``csv`` and
``pandas_csv`` alike). Elsewhere the two agree on an idle machine; on a shared
machine wall time also counts the waits for a core, so the tables and the
verdicts use CPU time, and the wall-clock table and the load average are
printed beside them. Peak memory is
measured in a fresh subprocess per (column, size), two ways:

- **traced**: the ``tracemalloc`` peak of the call, i.e. the most bytes the
  call held at once beyond what existed before it. Without pyarrow every
  numpy buffer, pandas array and Python string is traced, and the figure
  does not depend on the allocator keeping or returning freed pages, so it
  is the one held to the "< 5x the input frame" target.
- **rss**: the growth of the process's resident-set high-water mark
  (``VmHWM``, reset through ``/proc/self/clear_refs`` just before the call),
  the operating system's view, allocator slack included.

For issue 22's shapes the figure is the peak of ``prepare`` and the three
analyses, their results kept: per step, ``tracemalloc``'s peak plus the Arrow
bytes held when the step starts plus the peak of a fresh Arrow pool for the
step (``tracemalloc`` does not see Arrow's buffers); the largest step's sum
bounds the peak of the two together from above.

``tracemalloc`` slows Python-level allocation, so it never runs in a timed
process. The input frame's size is ``DataFrame.memory_usage(deep=True)``.

The options table times each analysis with its options
(:data:`benchmarks.measured.OPTIONS`) on a prepared frame, up to
``--options-max`` rows, so that an option much slower than the default call
shows.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import the checkout, not an installed copy
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd
import scipy

import kzfigures
from benchmarks.baselines import floor
from benchmarks.measured import ANALYSES, COLUMNS, OPTIONS, OnPrepared, Report, callables, first_use
from benchmarks.workloads import SHAPES, TZ, generate, shape, users_frame
from kzfigures.frame import from_frame, to_csv

#: Targets from issue 7.
TARGET_N, TARGET_KEYS = 1_000_000, 10_000
TARGET_SECONDS = 1.0
TARGET_FLOOR_RATIO = 3.0
TARGET_GROWTH = 12.0
TARGET_MEMORY_RATIO = 5.0
NOT_REPEATED_ABOVE = 5.0  # seconds

MEMORY_COLUMNS = ("from_frame", *ANALYSES, "analyses", "analyses_once", "report", "floor", "naive")


def keys_for(n: int) -> int:
    """Default key count: 100 observations per key, 1 to 10^4 keys."""
    return int(min(max(1, n // 100), TARGET_KEYS))


def best_time(
    function: Callable[[pd.DataFrame], Any], frame: pd.DataFrame, repeat: int, *, cutoff: float | None = None
) -> tuple[float, float]:
    """Best of ``repeat`` runs: (CPU seconds, wall seconds), each the minimum over the runs.

    ``cutoff``: wall seconds after which a run is not repeated (None:
    :data:`NOT_REPEATED_ABOVE`); ``float("inf")`` repeats every run, so that the two
    sides of a ratio are measured alike (a first run pays for fresh memory that a
    repeat finds mapped).
    """
    limit = NOT_REPEATED_ABOVE if cutoff is None else cutoff
    cpu = wall = float("inf")
    for _ in range(max(1, repeat)):
        gc.collect()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        function(frame)
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start_wall)
        if wall > limit:
            break
    return cpu, wall


def time_options(frame: pd.DataFrame, repeat: int) -> dict[str, float]:
    """CPU seconds of each of :data:`OPTIONS` on the frame, prepared once (untimed)."""
    prepared = kzfigures.prepare(frame)
    return {
        label: best_time(lambda f, call=call: call(first_use(prepared), f), frame, repeat)[0]
        for label, call in OPTIONS.items()
    }


# --- memory, in a child process ---------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _memory_child(column: str, n: int, keys: int, seed: int, how: str) -> dict[str, Any]:
    function = callables()[column]
    if function is None:
        return {"bytes": None}
    frame = generate(n, keys, seed=seed).frame
    if column == "report":
        Report.prepare(frame)
    gc.collect()
    if how == "traced":
        tracemalloc.start()
        function(frame)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"bytes": peak}
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    except OSError:
        return {"bytes": None}
    before = _status_kib("VmRSS")
    function(frame)
    after = _status_kib("VmHWM")
    return {"bytes": None if before is None or after is None else (after - before) * 1024}


def measure_memory(column: str, n: int, keys: int, seed: int, how: str) -> int | None:
    """Peak bytes of ``column`` on the (n, keys, seed) workload, in a fresh interpreter."""
    command = [sys.executable, str(Path(__file__).resolve()), "--memory-child", column, how]
    command += ["--sizes", str(n), "--keys", str(keys), "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"  memory of {column} at n={n} failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    value = json.loads(done.stdout.strip().splitlines()[-1])["bytes"]
    return None if value is None else int(value)


# --- the run ----------------------------------------------------------------------


def run(
    sizes: Sequence[int],
    keys: Sequence[int | None],
    *,
    repeat: int,
    seed: int,
    memory: bool,
    naive_max: int,
    report_max: int,
    options_max: int = 0,
) -> list[dict[str, Any]]:
    """Measure every column at every (size, keys); return one record per pair."""
    functions = callables()
    records = []
    for n in sizes:
        for wanted in keys:
            k = keys_for(n) if wanted is None else min(wanted, n)
            started = time.perf_counter()
            work = generate(n, k, seed=seed)
            record: dict[str, Any] = {
                "n": n,
                "keys": k,
                "generate_s": time.perf_counter() - started,
                "input_bytes": work.input_bytes,
                "planted": len(work.planted),
                "time": {},
                "wall": {},
                "traced": {},
                "rss": {},
            }
            skipped = {"naive": n > naive_max, "report": n > report_max}
            for column in COLUMNS:
                function = functions[column]
                if function is None or skipped.get(column, False):
                    record["time"][column] = record["wall"][column] = None if function is None else "skipped"
                    continue
                if column == "report":
                    Report.prepare(work.frame)
                if column == "prepared":
                    OnPrepared.prepare(work.frame)
                record["time"][column], record["wall"][column] = best_time(function, work.frame, repeat)
            if n <= options_max:
                record["options"] = time_options(work.frame, repeat)
            if memory:
                for column in MEMORY_COLUMNS:
                    if functions[column] is None or skipped.get(column, False):
                        continue
                    for how in ("traced", "rss"):
                        record[how][column] = measure_memory(column, n, k, seed, how)
            records.append(record)
            print(f"  measured n={n:,} keys={k:,}", file=sys.stderr)
    return records


# --- the shapes of issue 22 ---------------------------------------------------------

#: Targets from issue 22, per shape at 10^6 rows.
SHAPE_N = 1_000_000
SHAPE_CSV_RATIO = 3.0  # read_csv + prepare + the three, over pandas.read_csv + the floor
SHAPE_PREPARED_RATIO = 2.0  # the three of a prepared frame, over the floor
SHAPE_DROP_MINORITY_RATIO = 5.0  # best_estimate(on_conflict="drop-minority") of a prepared frame, over the floor
SHAPE_MEMORY_RATIO = 3.0  # traced peak of prepare + the three, over the input frame

#: The columns of a shape's table.
SHAPE_COLUMNS = ("csv", "pandas_csv", "from_frame", "prepared", "floor", "drop_minority")


def _prepare(source: pd.DataFrame, options: dict[str, Any]) -> kzfigures.Prepared:
    """Validate and index a shape's frame (``prepare`` takes no ``tz``, so a zone goes to ``from_frame``)."""
    if options:
        return kzfigures.prepare(from_frame(source, **options), validate=False)
    return kzfigures.prepare(source)


_ANALYSES = (kzfigures.ranges, kzfigures.violations, kzfigures.best_estimate)


def _three(prepared: kzfigures.Prepared) -> list[Any]:
    return [analysis(prepared) for analysis in _ANALYSES]


class ShapeRun:
    """One shape at one size: its frames, its CSV and the timed callables of :data:`SHAPE_COLUMNS`.

    ``source`` is the frame as the shape hands it over (the canonical frame, or for ``users-csv``
    :func:`~benchmarks.workloads.users_frame` of it: no ids, naive times, object strings); the CSV
    is ``source`` written out (by :func:`kzfigures.frame.to_csv`, or for ``users-csv`` by
    ``DataFrame.to_csv``, as a user writes one). Columns:

    - ``csv``: ``kzfigures.read_csv`` (which validates), ``prepare(validate=False)``, the three;
    - ``pandas_csv``: ``pandas.read_csv`` (``as_of`` parsed as dates) and the floor;
    - ``from_frame``: validating ``source`` (information);
    - ``prepared``: the three of a ``Prepared`` of ``source`` made before the clock starts, as it
      was before any analysis in every repeat (:func:`~benchmarks.measured.first_use`);
    - ``floor``: :func:`benchmarks.baselines.floor` of the canonical frame;
    - ``drop_minority``: ``best_estimate(on_conflict="drop-minority")`` of that ``Prepared``.
    """

    def __init__(self, name: str, n: int, seed: int, directory: Path) -> None:
        self.work = shape(name, n, seed=seed)
        self.users = name == "users-csv"
        self.source = users_frame(self.work.frame) if self.users else self.work.frame
        self.options: dict[str, Any] = {"tz": TZ} if self.users else {}
        self.path = directory / f"{name}-{n}.csv"
        if self.users:
            self.source.to_csv(self.path, index=False)
        else:
            to_csv(self.work.frame, self.path)
        self.prepared = _prepare(self.source, self.options)

    def callables(self) -> dict[str, Callable[[], Any]]:
        """The timed callables by column."""
        return {
            "csv": lambda: _three(kzfigures.prepare(kzfigures.read_csv(self.path, **self.options), validate=False)),
            "pandas_csv": lambda: floor(pd.read_csv(self.path, parse_dates=["as_of"])),
            "from_frame": lambda: from_frame(self.source, **self.options),
            # first_use: each repeat a first pass, as a user's analyses of a new Prepared are.
            "prepared": lambda: _three(first_use(self.prepared)),
            "floor": lambda: floor(self.work.frame),
            "drop_minority": lambda: kzfigures.best_estimate(first_use(self.prepared), on_conflict="drop-minority"),
        }


def _shape_memory_child(name: str, n: int, seed: int) -> dict[str, Any]:
    work = shape(name, n, seed=seed)
    source = users_frame(work.frame) if name == "users-csv" else work.frame
    options: dict[str, Any] = {"tz": TZ} if name == "users-csv" else {}
    # tracemalloc does not see Arrow's buffers (Arrow strings). Each step (prepare, then each
    # analysis, its result kept as _three keeps it) gets a fresh Arrow pool, and its bound is
    # its tracemalloc peak plus the Arrow bytes held when it starts plus its own pool's peak:
    # the most the two together can have held during it. The largest bound is the figure.
    bounds: list[int] = []
    gc.collect()
    tracemalloc.start()
    prepared = _bounded_step(functools.partial(_prepare, source, options), _POOLS, bounds)
    _KEPT.extend(_bounded_step(functools.partial(analysis, prepared), _POOLS, bounds) for analysis in _ANALYSES)
    tracemalloc.stop()
    return {"bytes": max(bounds)}


# A buffer must not outlive the pool it came from: the child keeps both until it leaves.
_POOLS: list[Any] = []
_KEPT: list[Any] = []
_ARROW_BASE: list[Any] = []


def _bounded_step(step: Callable[[], Any], pools: list[Any], bounds: list[int]) -> Any:
    """``step()``, appending to ``bounds`` the most traced and Arrow bytes held at once during it."""
    held = sum(int(pool.bytes_allocated()) for pool in pools)
    pool = _fresh_arrow_pool()
    tracemalloc.reset_peak()
    result = step()
    _, peak = tracemalloc.get_traced_memory()
    if pool is not None:
        pools.append(pool)
    bounds.append(peak + held + (0 if pool is None else int(pool.max_memory())))
    return result


def _fresh_arrow_pool() -> Any:
    """With pyarrow installed, a pool with its own statistics from now on, made Arrow's default; else None."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    # Each proxies the pool Arrow started with, not the previous proxy, whose statistics
    # would then count the new pool's bytes too.
    if not _ARROW_BASE:
        _ARROW_BASE.append(pa.default_memory_pool())
    pool = pa.proxy_memory_pool(_ARROW_BASE[0])
    pa.set_memory_pool(pool)
    return pool


def run_shapes(
    names: Sequence[str], sizes: Sequence[int], *, repeat: int, seed: int, memory: bool
) -> list[dict[str, Any]]:
    """Measure every column of every shape at every size; one record per (shape, size)."""
    records = []
    with tempfile.TemporaryDirectory(prefix="kzfigures-shapes-") as directory:
        for name in names:
            for n in sizes:
                measured = ShapeRun(name, n, seed, Path(directory))
                record: dict[str, Any] = {
                    "shape": name,
                    "n": n,
                    "keys": int(measured.prepared.index.series.max()) + 1 if n else 0,
                    "input_bytes": measured.work.input_bytes,
                    "time": {},
                    "traced": None,
                }
                for column, function in measured.callables().items():
                    # Every column repeated alike: the ratios compare best with best.
                    timed = best_time(lambda _frame, f=function: f(), measured.source, repeat, cutoff=float("inf"))
                    record["time"][column] = timed[0]
                measured.path.unlink()
                del measured
                if memory and n == max(sizes):
                    command = [sys.executable, str(Path(__file__).resolve()), "--shape-memory-child", name]
                    command += ["--sizes", str(n), "--seed", str(seed)]
                    done = subprocess.run(command, capture_output=True, text=True, check=False)
                    if done.returncode == 0:
                        record["traced"] = json.loads(done.stdout.strip().splitlines()[-1])["bytes"]
                    else:
                        print(f"  memory of {name} at n={n} failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
                records.append(record)
                print(f"  measured {name} n={n:,}", file=sys.stderr)
    return records


def shape_table(records: Sequence[dict[str, Any]]) -> str:
    """CPU seconds per column and size of one shape, with the ratios the targets judge."""
    header = ["n", "series", "input MB", *SHAPE_COLUMNS, "csv/pandas", "prepared/floor", "drop-minority/floor"]
    rows = []
    for r in records:
        t = r["time"]
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['keys']:,}",
                f"{r['input_bytes'] / 1e6:.1f}",
                *[_seconds(t[c]) for c in SHAPE_COLUMNS],
                _ratio(t["csv"], t["pandas_csv"]),
                _ratio(t["prepared"], t["floor"]),
                _ratio(t["drop_minority"], t["floor"]),
            ]
        )
    return _table(header, rows)


def shape_verdicts(records: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/MISS/not measured) for issue 22's targets, of one shape's records."""

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("PASS" if ok else "MISS")

    at = next((r for r in records if r["n"] == SHAPE_N), None)
    results = []
    for top, bottom, limit, label in [
        ("csv", "pandas_csv", SHAPE_CSV_RATIO, "read_csv + the three within 3x of pandas.read_csv + the floor"),
        ("prepared", "floor", SHAPE_PREPARED_RATIO, "the three of a prepared frame within 2x of the floor"),
        ("drop_minority", "floor", SHAPE_DROP_MINORITY_RATIO, "drop-minority within 5x of the floor"),
    ]:
        ratio = at["time"][top] / at["time"][bottom] if at else None
        results.append(
            (f"{label} (1e6 rows)", f"{ratio:.1f}x" if ratio else "n/a", verdict(ratio <= limit if ratio else None))
        )
    ordered = sorted(records, key=lambda r: r["n"])
    for column in ("csv", "prepared"):
        steps = [(a, b, b["time"][column] / a["time"][column]) for a, b in itertools.pairwise(ordered) if a["n"] > 0]
        worst = max(steps, key=lambda s: s[2] / (s[1]["n"] / s[0]["n"]), default=None)
        results.append(
            (
                f"linear growth ({column}): 10x rows costs <= 12x time",
                f"worst {worst[2]:.1f}x for {worst[0]['n']:,} -> {worst[1]['n']:,}" if worst else "n/a",
                verdict(
                    all(ratio <= TARGET_GROWTH * (b["n"] / a["n"]) / 10 for a, b, ratio in steps) if steps else None
                ),
            )
        )
    largest = max((r for r in records if r["traced"] is not None), key=lambda r: r["n"], default=None)
    ratio = largest["traced"] / largest["input_bytes"] if largest else None
    results.append(
        (
            "peak memory (traced, plus Arrow's pool) of prepare + the three < 3x the input frame",
            f"{ratio:.2f}x at n={largest['n']:,}" if largest and ratio is not None else "n/a",
            verdict(ratio < SHAPE_MEMORY_RATIO if ratio is not None else None),
        )
    )
    return results


def render_shapes(records: Sequence[dict[str, Any]]) -> str:
    """One table and the verdicts per shape."""
    parts = []
    for name in dict.fromkeys(r["shape"] for r in records):
        mine = [r for r in records if r["shape"] == name]
        parts += [f"shape {name}: CPU s (best of repeats)", shape_table(mine), ""]
        parts += [_table(["target", "measured", "result"], shape_verdicts(mine)), ""]
    return "\n".join(parts)


# --- printing ---------------------------------------------------------------------


def machine() -> dict[str, str]:
    """The machine and library versions, as printed above the tables."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    with contextlib.suppress(ValueError, OSError, AttributeError):
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "load average at start": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "kzfigures": kzfigures.__version__,
    }


def _seconds(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _ratio(top: Any, bottom: Any) -> str:
    if isinstance(top, float) and isinstance(bottom, float) and bottom > 0:
        return f"{top / bottom:.1f}x"
    return "n/a"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(c).rjust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def time_table(records: Sequence[dict[str, Any]], clock: str = "time") -> str:
    """Seconds per column, then the analyses against the floor and the naive baseline."""
    header = ["n", "keys", "input MB", *COLUMNS, "analyses/floor", "prepared/floor", "naive/analyses"]
    rows = []
    for r in records:
        t = r[clock]
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['keys']:,}",
                f"{r['input_bytes'] / 1e6:.1f}",
                *[_seconds(t[c]) for c in COLUMNS],
                _ratio(t["analyses"], t["floor"]),
                _ratio(t["prepared"], t["floor"]),
                _ratio(t["naive"], t["analyses"]),
            ]
        )
    return _table(header, rows)


def options_table(records: Sequence[dict[str, Any]]) -> str:
    """CPU seconds per option and size, and each option's time over its analysis's default call."""
    measured = [r for r in records if r.get("options")]
    header = ["option", *[f"n={r['n']:,} keys={r['keys']:,}" for r in measured], "/ default"]
    rows = []
    for label in OPTIONS:
        default = f"{label.split('(')[0]}()"
        last = measured[-1]["options"]
        rows.append([label, *[_seconds(r["options"][label]) for r in measured], _ratio(last[label], last[default])])
    return _table(header, rows)


def memory_table(records: Sequence[dict[str, Any]], how: str) -> str:
    """Peak bytes per column as a multiple of the input frame (MB in brackets)."""
    header = ["n", "keys", "input MB", *MEMORY_COLUMNS]
    rows = []
    for r in records:
        cells = []
        for column in MEMORY_COLUMNS:
            value = r[how].get(column)
            cells.append("n/a" if value is None else f"{value / r['input_bytes']:.2f}x ({value / 1e6:.0f})")
        rows.append([f"{r['n']:,}", f"{r['keys']:,}", f"{r['input_bytes'] / 1e6:.1f}", *cells])
    return _table(header, rows)


def growth_table(records: Sequence[dict[str, Any]]) -> str:
    """Time ratio between consecutive sizes (same keys-per-observation rule), per column."""
    header = ["from n", "to n", "n ratio", *COLUMNS]
    rows = []
    for a, b in _growth_pairs(records):
        cells = [_ratio(b["time"][c], a["time"][c]) for c in COLUMNS]
        rows.append([f"{a['n']:,}", f"{b['n']:,}", f"{b['n'] / a['n']:.0f}x", *cells])
    return _table(header, rows)


def _growth_pairs(records: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    auto = [r for r in records if r["keys"] == keys_for(r["n"])]
    auto.sort(key=lambda r: r["n"])
    return list(itertools.pairwise(auto))


def targets(records: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/MISS/not measured) for each target of issue 7."""
    at = next((r for r in records if r["n"] == TARGET_N and r["keys"] == TARGET_KEYS), None)
    results = []

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("PASS" if ok else "MISS")

    floor = at["time"]["floor"] if at else None
    # Two readings of "the three together" (docs/performance.md, Summary): of validated input, as
    # the floor's arrays are (a Prepared made before the clock starts; validation has its own
    # target below), and each call validating and indexing its frame, as a plain call does.
    readings = [
        ("prepared", "of a prepared frame (validated input, as the floor's)"),
        ("analyses", "each validating its frame"),
    ]
    for column, label in readings:
        seconds = at["time"].get(column) if at else None
        timed = isinstance(seconds, float)
        results.append(
            (
                f"ranges + violations + best_estimate {label}, 1e6 rows / 1e4 keys < 1 s (CPU)",
                f"{seconds:.2f} s" if timed else "n/a (not available)" if at else "n/a",
                verdict(seconds < TARGET_SECONDS if timed else None),
            )
        )
        results.append(
            (
                "... within 3x of the floor",
                _ratio(seconds, floor) if timed else "n/a",
                verdict(seconds / floor <= TARGET_FLOOR_RATIO if timed and isinstance(floor, float) else None),
            )
        )
    once = at["time"].get("analyses_once") if at else None
    results.append(
        (
            "(info) the three with prepare() timed: validated and indexed once",
            f"{once:.2f} s, {_ratio(once, floor)}" if isinstance(once, float) else "n/a",
            "info",
        )
    )
    steps = [
        (a, b, b["time"]["analyses"] / a["time"]["analyses"])
        for a, b in _growth_pairs(records)
        if isinstance(a["time"]["analyses"], float) and isinstance(b["time"]["analyses"], float)
    ]
    worst = max(steps, key=lambda s: s[2] / (s[1]["n"] / s[0]["n"]), default=None)
    results.append(
        (
            "linear growth: 10x rows costs <= 12x time (analyses)",
            f"worst {worst[2]:.1f}x for {worst[0]['n']:,} -> {worst[1]['n']:,}" if worst else "n/a",
            verdict(all(ratio <= TARGET_GROWTH * (b["n"] / a["n"]) / 10 for a, b, ratio in steps) if steps else None),
        )
    )
    largest = max((r for r in records if r["traced"].get("analyses") is not None), key=lambda r: r["n"], default=None)
    ratio = largest["traced"]["analyses"] / largest["input_bytes"] if largest else None
    results.append(
        (
            "peak memory (traced) of the analyses < 5x the input frame",
            f"{ratio:.2f}x at n={largest['n']:,}" if largest and ratio is not None else "n/a",
            verdict(ratio < TARGET_MEMORY_RATIO if ratio is not None else None),
        )
    )
    parse = at["time"]["from_frame"] if at else None
    results.append(
        (
            "from_frame of 1e6 valid rows < 1 s (CPU)",
            f"{parse:.2f} s" if isinstance(parse, float) else "n/a",
            verdict(parse < TARGET_SECONDS if isinstance(parse, float) else None),
        )
    )
    return results


def render(records: Sequence[dict[str, Any]], command: str, memory: bool, *, header: bool = True) -> str:
    """The whole printout: machine, command (unless ``header`` is false), tables, targets."""
    parts = []
    if header:
        parts += ["kzfigures benchmarks", ""]
        parts += [f"{name}: {value}" for name, value in machine().items()]
        parts += [f"command: {command}", ""]
    parts += ["time, CPU s (best of repeats; n/a = not available, skipped = over --naive-max/--report-max)"]
    parts += [time_table(records), ""]
    parts += ["time, wall s (best of repeats)", time_table(records, "wall"), ""]
    parts += ["growth (CPU time ratio between consecutive sizes)", growth_table(records), ""]
    if any(r.get("options") for r in records):
        parts += ["options, of a prepared frame (CPU s, best of repeats)", options_table(records), ""]
    if memory:
        parts += ["peak memory, traced (tracemalloc peak / input frame; MB)", memory_table(records, "traced"), ""]
        parts += ["peak memory, rss (VmHWM growth / input frame; MB)", memory_table(records, "rss"), ""]
    parts += ["targets", _table(["target", "measured", "result"], targets(records))]
    return "\n".join(parts)


def _numbers(text: str) -> list[int]:
    return [int(float(part)) for part in text.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5,1e6", help="observation counts (default %(default)s)")
    parser.add_argument("--keys", default="auto", help="key counts, or 'auto' = n / 100 capped to 1..1e4")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per cell; the best counts (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="workload seed (default 0)")
    parser.add_argument("--quick", action="store_true", help="sizes 1e3,1e4,1e5, one repeat")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--naive-max", type=float, default=1e6, help="largest n for the naive baseline")
    parser.add_argument("--report-max", type=float, default=1e5, help="largest n for the CLI report")
    parser.add_argument(
        "--options-max", type=float, default=1e6, help="largest n for the options table (0: none; default 1e6)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    parser.add_argument(
        "--shapes",
        default=",".join(SHAPES),
        help="issue 22's shapes to measure, comma-separated, or 'none' (default: all)",
    )
    parser.add_argument("--shape-sizes", default="1e4,1e5,1e6", help="sizes of the shapes (default %(default)s)")
    parser.add_argument(
        "--classic", action="store_true", help="also the issue-7 tables of the conflict mix at --sizes / --keys"
    )
    parser.add_argument("--memory-child", nargs=2, metavar=("COLUMN", "HOW"), help=argparse.SUPPRESS)
    parser.add_argument("--shape-memory-child", metavar="SHAPE", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the report."""
    args = _parser().parse_args(argv)
    if args.memory_child:
        column, how = args.memory_child
        print(json.dumps(_memory_child(column, _numbers(args.sizes)[0], _numbers(args.keys)[0], args.seed, how)))
        return 0
    if args.shape_memory_child:
        print(json.dumps(_shape_memory_child(args.shape_memory_child, _numbers(args.sizes)[0], args.seed)), flush=True)
        # Arrow's buffers made during the measurement belong to its pool; leave without
        # destructors, which would free them after the pool (a crash at exit).
        os._exit(0)
    sizes = [1_000, 10_000, 100_000] if args.quick else _numbers(args.sizes)
    keys: list[int | None] = [None] if args.keys == "auto" else list(_numbers(args.keys))
    repeat = 1 if args.quick else args.repeat
    memory = not args.no_memory
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    names = [] if args.shapes == "none" else [name.strip() for name in args.shapes.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SHAPES))
    if unknown:
        raise SystemExit(f"unknown shapes {unknown}; expected some of {', '.join(SHAPES)}")
    shape_sizes = [1_000, 10_000] if args.quick else _numbers(args.shape_sizes)
    parts = ["kzfigures benchmarks", ""]
    parts += [f"{name}: {value}" for name, value in machine().items()]
    parts += [f"command: {command.strip()}", ""]
    raw: dict[str, Any] = {"machine": machine(), "command": command}
    if names:
        shapes = run_shapes(names, shape_sizes, repeat=repeat, seed=args.seed, memory=memory)
        parts += [render_shapes(shapes)]
        raw["shapes"] = shapes
    if args.classic or not names:
        records = run(
            sizes,
            keys,
            repeat=repeat,
            seed=args.seed,
            memory=memory,
            naive_max=int(args.naive_max),
            report_max=int(args.report_max),
            options_max=0 if args.quick else int(args.options_max),
        )
        parts += [render(records, command.strip(), memory, header=False)]
        raw["records"] = records
    print("\n".join(parts))
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
