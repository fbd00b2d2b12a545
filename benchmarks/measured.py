"""What the benchmarks time: one callable per column of the table.

Each entry takes a canonical frame and returns whatever the measured code
returns. A library function that does not exist yet (a branch that has not
landed) is ``None`` and is reported as "not available".

``analyses_once`` is the same three analyses with the frame validated and
indexed once: :func:`kzfigures.prepare`, then each analysis of the
:class:`~kzfigures.Prepared`. ``prepared`` is the three analyses alone, of a
:class:`~kzfigures.Prepared` made before the clock starts: the work that
compares with the floor, which neither validates nor indexes.

:data:`OPTIONS` are the analyses called with their options (``at``, ``key``,
``method``, ``on_conflict``, ``freq``), each of a prepared frame, so that an
option far slower than the default call shows in the printout.

``report`` is the command line exactly as a user runs it,
``kzfigures report observations.csv`` with its output captured: reading and
validating the CSV, every analysis the CLI composes, and the text. Its
setup (writing the CSV) is not timed.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pandas as pd

import kzfigures
from kzfigures.frame import from_frame, to_csv

from .baselines import floor, naive

__all__ = ["ANALYSES", "COLUMNS", "OPTIONS", "OnPrepared", "Report", "callables", "first_use"]

#: The analyses whose sum is held to the speed targets.
ANALYSES = ("ranges", "violations", "best_estimate")

#: Every timed column, in table order.
COLUMNS = ("from_frame", *ANALYSES, "analyses", "analyses_once", "prepared", "report", "floor", "naive")


def _middle_time(frame: pd.DataFrame) -> pd.Timestamp:
    """The median ``as_of``: a time at which about half the record is known."""
    return frame["as_of"].sort_values().iloc[len(frame) // 2]


def _first_key(frame: pd.DataFrame) -> dict[str, Any]:
    """The first row's series key, for ``key=``."""
    return {column: frame[column].iloc[0] for column in ("metric", "group", "region")}


#: The analyses with their options, by label; each takes (a Prepared, the frame it was made from).
#: The default calls come first, for comparison.
OPTIONS: Mapping[str, Callable[[kzfigures.Prepared, pd.DataFrame], Any]] = {
    "ranges()": lambda p, f: kzfigures.ranges(p),
    "ranges(at='each')": lambda p, f: kzfigures.ranges(p, at="each"),
    "ranges(at=<median as_of>)": lambda p, f: kzfigures.ranges(p, at=_middle_time(f)),
    "ranges(key=<one key>)": lambda p, f: kzfigures.ranges(p, key=_first_key(f)),
    "violations()": lambda p, f: kzfigures.violations(p),
    "violations(key=<one key>)": lambda p, f: kzfigures.violations(p, key=_first_key(f)),
    "best_estimate()": lambda p, f: kzfigures.best_estimate(p),
    "best_estimate(method='latest')": lambda p, f: kzfigures.best_estimate(p, method="latest"),
    "best_estimate(method='median')": lambda p, f: kzfigures.best_estimate(p, method="median"),
    "best_estimate(method='conservative')": lambda p, f: kzfigures.best_estimate(p, method="conservative"),
    "best_estimate(on_conflict='drop-minority')": lambda p, f: kzfigures.best_estimate(p, on_conflict="drop-minority"),
    "best_estimate(freq='D')": lambda p, f: kzfigures.best_estimate(p, freq="D"),
    "best_estimate(freq='W')": lambda p, f: kzfigures.best_estimate(p, freq="W"),
}


def _library(name: str) -> Callable[..., Any] | None:
    function = getattr(kzfigures, name, None)
    return function if callable(function) else None


def callables() -> dict[str, Callable[[pd.DataFrame], Any] | None]:
    """The timed callables by column name; ``None`` where the library lacks the function."""
    found: dict[str, Callable[[pd.DataFrame], Any] | None] = {
        "from_frame": from_frame,
        **{name: _library(name) for name in ANALYSES},
    }
    parts = [found[name] for name in ANALYSES]
    if all(part is not None for part in parts):

        def analyses(frame: pd.DataFrame) -> list[Any]:
            return [part(frame) for part in parts if part is not None]

        def analyses_once(frame: pd.DataFrame) -> list[Any]:
            prepared = kzfigures.prepare(frame)
            return [part(prepared) for part in parts if part is not None]

        found["analyses"] = analyses
        found["analyses_once"] = analyses_once
        found["prepared"] = OnPrepared.run
    else:
        found["analyses"] = found["analyses_once"] = found["prepared"] = None
    found["report"] = Report.run
    found["floor"] = floor
    found["naive"] = naive
    return found


def first_use(prepared: kzfigures.Prepared) -> kzfigures.Prepared:
    """``prepared`` as ``prepare`` left it: the same frame and index, nothing an analysis gathered since.

    The index keeps what an analysis gathers for the next (the key cells of each series,
    :meth:`~kzfigures.analysis.index.ClaimIndex.series_keys`); a timed repeat on the same
    ``Prepared`` would find them gathered and time less than a first pass does. The first call
    for an index keeps a snapshot of its cache, which must be what ``prepare`` made (the key
    cells, which ``annotate`` takes from the key codes where it can): call it before any
    analysis of ``prepared``. Every copy starts from that snapshot, so an analysis of the
    original between repeats changes no copy, and a cache that grew since raises. The copy
    shares the arrays, so it costs microseconds.
    """
    index = prepared.index
    made = _SNAPSHOTS.setdefault(index, dict(index._cache))
    if set(index._cache) - set(made) or set(made) - _MADE_BY_PREPARE:
        # Analysed before the first copy, or since: a repeat would time less than a first pass.
        raise RuntimeError(f"first_use: the index holds what an analysis gathered ({sorted(index._cache)})")
    copy = attrs.evolve(index)
    copy._cache.update(made)
    return kzfigures.Prepared(prepared.frame, copy)


#: What ``annotate`` puts in an index's cache (the key cells of each series, where the codes give them).
_MADE_BY_PREPARE = frozenset({"series_keys"})

#: Each index's cache as :func:`first_use` first saw it.
_SNAPSHOTS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


class OnPrepared:
    """The three analyses of a :class:`~kzfigures.Prepared` made (untimed) by :meth:`prepare`."""

    _latest: ClassVar[list[Any]] = []  # [frame, its Prepared]: the frame itself, not its id, which is reused

    @classmethod
    def prepare(cls, frame: pd.DataFrame) -> None:
        """Validate and index the frame (untimed); only the latest frame's is kept."""
        cls._latest[:] = [frame, kzfigures.prepare(frame)]

    @classmethod
    def run(cls, frame: pd.DataFrame) -> list[Any]:
        """``ranges``, ``violations`` and ``best_estimate`` of the prepared frame."""
        if not cls._latest or cls._latest[0] is not frame:
            cls.prepare(frame)
        prepared = first_use(cls._latest[1])
        return [kzfigures.ranges(prepared), kzfigures.violations(prepared), kzfigures.best_estimate(prepared)]


class Report:
    """``kzfigures report PATH`` on a CSV of the frame, output captured."""

    _paths: dict[int, Path] = {}  # noqa: RUF012 - one CSV per frame, written once
    _directory = tempfile.TemporaryDirectory(prefix="kzfigures-bench-")

    @classmethod
    def prepare(cls, frame: pd.DataFrame) -> Path:
        """Write the frame as CSV (untimed); :meth:`run` then reads it."""
        path = Path(cls._directory.name) / f"observations-{id(frame)}.csv"
        if not path.exists():
            to_csv(frame, path)
        cls._paths[id(frame)] = path
        return path

    @classmethod
    def run(cls, frame: pd.DataFrame) -> str:
        """Run the CLI on the prepared CSV and return what it printed."""
        from kzfigures.cli import main

        path = cls._paths.get(id(frame)) or cls.prepare(frame)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["report", str(path)])
        if status != 0:
            raise RuntimeError(f"kzfigures report failed ({status}): {err.getvalue()[:500]}")
        return out.getvalue()
