r"""The analyses on Dask: archives larger than one machine's memory.

Install with ``pip install "kzfigures[dask]"``. Every analysis of kzfigures is
independent per series key, so a Dask frame is analysed by shuffling it once
on the key, which puts every series in one partition, and running the pandas
analysis on each partition. Nothing is computed until you ask: each function
returns lazy Dask frames whose columns and dtypes are those of the pandas
results, declared up front (the pandas function run on an empty canonical
frame), never inferred by running on a sample.

>>> import dask.dataframe as dd
>>> import kzfigures
>>> import kzfigures.dask as kzd
>>> from kzfigures.datasets import kazakhstan_2022
>>> archive = dd.from_pandas(kazakhstan_2022(), npartitions=3)
>>> lazy = kzd.ranges(archive)
>>> result = lazy.compute(scheduler="sync")
>>> expected = kzfigures.ranges(kazakhstan_2022())
>>> result.sort_values(["metric", "group", "region"]).reset_index(drop=True).equals(expected)
True

The steps of every analysis, and what each costs:

1. **Validate** (unless ``validate=False``): :func:`~kzfigures.from_frame` on each
   partition, after one pass that counts each partition's rows, so that an
   error names the rows by their *global position* (0-based, in partition
   order: the row of the frame that ``compute()`` would return) and a row
   without an id gets the id ``row-<global position>``, as pandas gives it in
   the whole frame. The count reads one column (Dask pushes the projection
   into ``read_csv`` and ``read_parquet``).
2. **Select** the rows of ``key`` (exact values: no case folding, and a key
   that matches nothing gives an empty result rather than an error).
3. **Shuffle** on the series key (``frame.shuffle(on=by)``), unless the frame
   is partitioned by it already: Dask knows so when the frame was shuffled on
   the key (or on some of its columns) before; for a frame partitioned by key
   some other way (one file per series), say so with ``partitioned=True``.
4. **Analyse** each partition with the pandas function.

The results' rows come partition by partition: sort them (by key, and time)
for the pandas order. Frames computed together (``dask.compute(a, b)``)
share the validation and the shuffle, and the two frames of one result
(``series`` and ``set_aside``) share the analysis: it runs once per
partition for both.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import dask.dataframe as dd
import numpy as np
import pandas as pd

import kzfigures
from kzfigures import _strings
from kzfigures.analysis.index import DEFAULT_BY, check_by
from kzfigures.analysis.vintages import known_by
from kzfigures.analysis.weights import Weights
from kzfigures.conventions import Conventions
from kzfigures.errors import FrameValidationError, InputFormatError, InvalidArgumentError
from kzfigures.frame import as_frame, from_frame

if TYPE_CHECKING:  # pragma: no cover
    # Dask's frames by these names in annotations only: the documentation shows them as written.
    from dask.dataframe import DataFrame, Series

__all__ = [
    "EstimateFrames",
    "ReplayFrames",
    "ViolationFrames",
    "best_estimate",
    "from_dask",
    "ranges",
    "read_csv",
    "replay",
    "violations",
]

# The first key column of the replay's grid series: a label no observation can hold (labels are
# lower-case words, and this one starts with a control character).
_GRID_SERIES = "\x00kzfigures-grid"


@attrs.frozen(eq=False)
class ViolationFrames:
    """What :func:`violations` returns: the lazy tables of :class:`~kzfigures.ViolationReport`.

    Attributes
    ----------
    frame : dask.dataframe.DataFrame
        One row per violation, the columns of :attr:`ViolationReport.frame
        <kzfigures.ViolationReport.frame>`.
    disagreements : dask.dataframe.DataFrame
        One row per disagreement, the same columns. It and ``frame`` are filters of one
        analysis: computed together, the analysis runs once.
    offenders : dask.dataframe.DataFrame
        One row per figure that later figures contradict, the columns of
        :attr:`ViolationReport.offenders <kzfigures.ViolationReport.offenders>`.
    """

    frame: DataFrame
    disagreements: DataFrame
    offenders: DataFrame


@attrs.frozen(eq=False)
class EstimateFrames:
    """What :func:`best_estimate` returns: the lazy tables of :class:`~kzfigures.Estimate`.

    Attributes
    ----------
    series : dask.dataframe.DataFrame
        The columns of :attr:`Estimate.series <kzfigures.Estimate.series>`.
    set_aside : dask.dataframe.DataFrame
        The columns of :attr:`Estimate.set_aside <kzfigures.Estimate.set_aside>`.
    """

    series: DataFrame
    set_aside: DataFrame


@attrs.frozen(eq=False)
class ReplayFrames:
    """What :func:`replay` returns: the lazy tables of :class:`~kzfigures.Replay`.

    Attributes
    ----------
    series : dask.dataframe.DataFrame
        The columns of :attr:`Replay.series <kzfigures.Replay.series>`.
    set_aside : dask.dataframe.DataFrame
        The columns of :attr:`Replay.set_aside <kzfigures.Replay.set_aside>`.
    """

    series: DataFrame
    set_aside: DataFrame


# --- reading and validating ---------------------------------------------------------


def read_csv(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    tz: str | dt.tzinfo = "UTC",
    conventions: Conventions | None = None,
    extra_columns: Iterable[str] | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> DataFrame:
    """Read many CSV files (a glob) into one lazy, validated Dask frame of the canonical schema.

    Each file is one partition, read as :func:`kzfigures.read_csv` reads a file (every cell as
    text, a repeated header name refused) and validated by :func:`from_dask`: the result equals
    :func:`kzfigures.read_csv` of the files' rows one after another, files in sorted order.

    Parameters
    ----------
    paths : str, path or sequence of them
        A glob pattern (``"archive/*.csv"``), one path, or a list of paths (read in that order).
        Every file must have the same header (the same names, in any order).
    tz, conventions, extra_columns, dayfirst, date_format
        As for :func:`kzfigures.from_frame`; ``tz`` is also the zone of the frame's times
        (see :func:`from_dask`).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy, one partition per file, columns and dtypes those of :data:`kzfigures.COLUMNS`
        (then any columns of your own). Analyse it with ``validate=False``: it is validated.

    Raises
    ------
    FileNotFoundError
        The pattern matches no file.
    kzfigures.errors.InputFormatError
        A file's header cannot be read or differs from the first file's (raised now); a file
        that is not CSV (raised when computed, naming the file).
    FrameValidationError
        When computed: as for :func:`from_dask`, rows by global position, with a note naming
        the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("metric,as_of,stated\\nkilled,2022-01-07,18\\n")
    >>> _ = (folder / "b.csv").write_text("metric,as_of,stated\\nkilled,2022-01-08,164\\n")
    >>> archive = read_csv(str(folder / "*.csv"))
    >>> archive.npartitions
    2
    >>> archive.compute(scheduler="sync")[["id", "stated"]].values.tolist()
    [['row-0', 18], ['row-1', 164]]
    """
    files = _paths(paths)
    header = _header(files[0])
    for path in files[1:]:
        other = _header(path)
        if sorted(other) != sorted(header):
            raise InputFormatError(
                f"the CSV files must share one header: {files[0]!r} has {header}, {path!r} has {other}"
            )
    meta = pd.DataFrame([], columns=pd.Index(header, dtype=object), dtype=object)  # a repeated name is refused now
    cells = dd.from_map(_read_cells, files, header=header, meta=meta, enforce_metadata=False)  # type: ignore[no-untyped-call]
    options = _options(tz, conventions, extra_columns, dayfirst, date_format)
    return _validated(cells, options, sources=files)


def _paths(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        text = os.fspath(paths)
        files = sorted(glob.glob(text)) if glob.has_magic(text) else [text]
    elif isinstance(paths, Sequence):
        files = [os.fspath(path) for path in paths]
    else:
        raise InvalidArgumentError(f"paths must be a glob pattern, a path or a list of paths (got {paths!r})")
    if not files:
        raise FileNotFoundError(f"no file matches {paths!r}")
    return files


def _header(path: str) -> list[str]:
    """A CSV file's header names, read now (the first record only)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))
    except StopIteration:
        raise InputFormatError(f"cannot read the CSV in {path!r}: it is empty (a header row is required)") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputFormatError(f"cannot read the CSV in {path!r}: {error}") from error


def _read_cells(path: str, header: list[str]) -> pd.DataFrame:
    """One file's cells as text, read as :func:`kzfigures.read_csv` reads them, columns in ``header``'s order."""
    try:
        cells = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], header=None, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputFormatError(f"cannot read the CSV in {path!r}: {error}") from error
    names = [f"Unnamed: {i}" if pd.isna(name) else str(name) for i, name in enumerate(cells.iloc[0])]
    raw = cells.iloc[1:].reset_index(drop=True).astype(object)
    raw.columns = pd.Index(names, dtype=object)
    if len(set(names)) < len(names):
        return raw  # from_frame refuses the repeated name, with its reason
    return raw[header]


def from_dask(
    frame: DataFrame,
    *,
    tz: str | dt.tzinfo = "UTC",
    conventions: Conventions | None = None,
    extra_columns: Iterable[str] | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> DataFrame:
    """Validate a Dask frame of observations lazily and return it in the canonical schema.

    :func:`kzfigures.from_frame` runs on each partition. Rows are named by their global
    position: the count of rows in the partitions before theirs plus their place in their
    own, which is their position in the frame that ``frame.compute()`` returns. A row without
    an id gets ``row-<global position>``, the id :func:`kzfigures.from_frame` gives it in that
    frame. To know each partition's first position, the rows of every partition are counted
    first, reading one column.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        Raw observations, as :func:`kzfigures.from_frame` takes them.
    tz : str or tzinfo
        As for :func:`kzfigures.from_frame`, and the zone of the result's times: a Dask frame
        declares its dtypes before any row is read, so times written with an offset are
        converted to ``tz`` (the same instants). pandas keeps one offset that every row
        shares; pass it as ``tz`` (``"UTC+06:00"``) for the same dtypes.
    conventions, extra_columns, dayfirst, date_format
        As for :func:`kzfigures.from_frame`.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; the same partitions, in the canonical schema.

    Raises
    ------
    FrameValidationError
        Now, for a problem of the columns (a required column missing, a misspelt name). When
        computed, for bad rows: ``failure_cases`` as :func:`kzfigures.from_frame` gives them,
        ``row`` the global position. Partitions are validated apart: the error lists the bad
        rows of the first partition found to hold one, and a repeated id is found within a
        partition (the analyses, after their shuffle, also within a series).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> raw = pd.DataFrame({"metric": ["killed"] * 4, "stated": [18, 26, -3, 164],
    ...                     "as_of": ["2022-01-06", "2022-01-07", "2022-01-08", "2022-01-09"]})
    >>> lazy = from_dask(dd.from_pandas(raw, npartitions=2))
    >>> try:
    ...     lazy.compute(scheduler="sync")
    ... except kzfigures.FrameValidationError as error:
    ...     print(error.failure_cases[["row", "column", "value", "code"]])
       row  column value      code
    0    2  stated    -3  negative
    """
    return _validated(frame, _options(tz, conventions, extra_columns, dayfirst, date_format), sources=None)


def _options(
    tz: str | dt.tzinfo,
    conventions: Conventions | None,
    extra_columns: Iterable[str] | None,
    dayfirst: bool | None,
    date_format: str | None,
) -> dict[str, Any]:
    """The options of :func:`kzfigures.from_frame`, as keywords."""
    return {
        "tz": tz,
        "conventions": conventions,
        "extra_columns": None if extra_columns is None else list(extra_columns),
        "dayfirst": dayfirst,
        "date_format": date_format,
    }


def _validated(frame: DataFrame, options: dict[str, Any], *, sources: Sequence[str] | None) -> DataFrame:
    if not isinstance(frame, dd.DataFrame):
        raise InvalidArgumentError(f"expected a dask.dataframe.DataFrame (got {type(frame).__name__})")
    meta = _canonical_meta(frame._meta, options)
    # Count the rows of one column: Dask reads only it from a file (the frame is read again, whole,
    # partition by partition, to validate it, rather than held in memory until every count is known).
    sizes = _per_partition(frame[[frame.columns[0]]], len, meta=(None, "int64"))
    starts = _gathered(sizes, _same, _starts)
    return _per_partition(frame, _canonical_partition, starts, options, meta, sources, meta=meta)


def _canonical_meta(raw: pd.DataFrame, options: dict[str, Any]) -> pd.DataFrame:
    """The canonical frame of no rows that ``raw``'s columns give: :func:`from_frame` of the empty frame."""
    empty = from_frame(raw.iloc[:0], **options)
    zone = pd.DatetimeTZDtype(unit="ns", tz=empty["as_of"].dt.tz)
    return empty.astype({"as_of": zone, "published": zone})


def _starts(sizes: pd.Series) -> tuple[int, ...]:
    """Each partition's first global position, from the partitions' row counts (in partition order)."""
    counts = np.asarray(sizes, dtype=np.int64)
    return tuple(np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist())


def _same(part: Any) -> Any:
    return part


def _canonical_partition(
    raw: pd.DataFrame,
    starts: Any,
    options: dict[str, Any],
    meta: pd.DataFrame,
    sources: Sequence[str] | None,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """One partition in the canonical schema: :func:`from_frame`, with global positions."""
    number = 0 if partition_info is None else int(partition_info["number"])
    start = int(starts[number])
    raw = raw.reset_index(drop=True)
    positions = _strings.row_ids(len(raw), start)
    if "id" not in raw.columns:
        raw = raw.assign(id=positions)
    else:  # a blank or missing id takes its global position, as from_frame would in the whole frame
        cells = raw["id"].astype(object)
        blank = cells.isna().to_numpy(dtype=bool) | np.array(
            [isinstance(v, str) and (not v or v.isspace()) for v in cells], dtype=bool
        )
        if blank.any():
            raw = raw.assign(id=cells.where(~blank, positions.astype(object)))
    try:
        canonical = from_frame(raw, **options)
    except FrameValidationError as error:
        cases = error.failure_cases.copy()
        cases["row"] = cases["row"] + start
        moved = type(error)(cases)
        if sources is not None:
            moved.add_note(f"rows {start} to {start + len(raw) - 1} are the data rows of {sources[number]!r}")
        raise moved from None
    return canonical.astype(meta.dtypes.to_dict())


# --- the analyses ---------------------------------------------------------------


def ranges(
    observations: DataFrame,
    by: str | Sequence[str] = DEFAULT_BY,
    at: dt.datetime | str | None = None,
    *,
    key: Mapping[str, Any] | None = None,
    validate: bool = True,
    partitioned: bool | None = None,
) -> DataFrame:
    """:func:`kzfigures.ranges` of a Dask frame: one lazy row per key (per key and slot).

    Parameters
    ----------
    observations : dask.dataframe.DataFrame
        Raw observations (validated by :func:`from_dask`), or canonical ones with
        ``validate=False`` (from :func:`read_csv` or :func:`from_dask`).
    by, at
        As for :func:`kzfigures.ranges`.
    key : mapping, optional
        Keep the rows whose columns equal these values exactly (``None`` matches a missing
        cell); unlike pandas, no other case is tried and no match is an empty result.
    validate : bool, keyword-only
        ``False`` trusts a frame whose partitions are canonical.
    partitioned : bool or None, keyword-only
        ``None`` shuffles on ``by`` unless Dask knows the frame is partitioned by it (or by
        some of its columns). ``True``: every series lies in one partition already (the
        caller's word: a series split over partitions gives one row per part). ``False``:
        shuffle.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy, the columns and dtypes of :func:`kzfigures.ranges`; rows by partition, each
        partition's sorted by key, its index a ``RangeIndex`` of its own.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> lazy = ranges(dd.from_pandas(kazakhstan_2022(), npartitions=2), key={"metric": "detained"})
    >>> lazy.compute(scheduler="sync").sort_values("group")[["group", "hull_low", "n_observations"]].values.tolist()
    [['all', 2000, 11], ['officials', 3, 1]]
    """
    frame, columns = _keyed(observations, by, key=key, validate=validate, partitioned=partitioned)
    meta = kzfigures.ranges(frame._meta, columns, at, validate=False)
    return _per_partition(frame, _ranges_partition, columns, at, meta=meta)


def _ranges_partition(part: pd.DataFrame, columns: list[str], at: Any) -> pd.DataFrame:
    return kzfigures.ranges(part, columns, at, validate=False)


def violations(
    observations: DataFrame,
    by: str | Sequence[str] = DEFAULT_BY,
    *,
    key: Mapping[str, Any] | None = None,
    validate: bool = True,
    partitioned: bool | None = None,
) -> ViolationFrames:
    """:func:`kzfigures.violations` of a Dask frame: its tables, lazy.

    Parameters
    ----------
    observations, by, key, validate, partitioned
        As for :func:`ranges`.

    Returns
    -------
    ViolationFrames
        ``frame``, ``disagreements`` and ``offenders``, with the columns and dtypes of the
        :class:`~kzfigures.ViolationReport`'s. The report's key lists are not kept: they are
        the keys of ``frame`` and of the observations.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> found = violations(dd.from_pandas(kazakhstan_2022(), npartitions=2))
    >>> len(found.frame.compute(scheduler="sync"))
    0
    >>> found.disagreements.compute(scheduler="sync")[["kind", "id", "witness_id", "drop"]]
               kind           id   witness_id  drop
    0  disagreement  kz22-004-05  kz22-004-08    45
    """
    frame, columns = _keyed(observations, by, key=key, validate=validate, partitioned=partitioned)
    empty = kzfigures.violations(frame._meta, columns, validate=False)
    both = _per_partition(frame, _violations_partition, columns, meta=empty.frame)
    is_disagreement = both["kind"] == "disagreement"
    offenders = _per_partition(frame, _offenders_partition, columns, meta=empty.offenders)
    return ViolationFrames(frame=both[~is_disagreement], disagreements=both[is_disagreement], offenders=offenders)


def _violations_partition(part: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    report = kzfigures.violations(part, columns, validate=False)
    return pd.concat([report.frame, report.disagreements], ignore_index=True)


def _offenders_partition(part: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return kzfigures.violations(part, columns, validate=False).offenders


def best_estimate(
    observations: DataFrame,
    by: str | Sequence[str] = DEFAULT_BY,
    method: str = "isotonic",
    freq: str | pd.DateOffset | None = None,
    weights: Weights = None,
    on_conflict: str = "latest",
    *,
    validate: bool = True,
    partitioned: bool | None = None,
) -> EstimateFrames:
    """:func:`kzfigures.best_estimate` of a Dask frame: its series and set-aside rows, lazy.

    Parameters
    ----------
    observations, validate, partitioned
        As for :func:`ranges`.
    by, method, freq, weights, on_conflict
        As for :func:`kzfigures.best_estimate`. A callable ``weights`` is called on each
        partition's rows (whole series), so it must weigh a row by its own cells.

    Returns
    -------
    EstimateFrames
        ``series`` and ``set_aside``, with the columns and dtypes of the
        :class:`~kzfigures.Estimate`'s. With ``on_conflict="raise"``, computing raises
        :class:`~kzfigures.InconsistentObservationsError` for the first partition found
        inconsistent.

    Examples
    --------
    >>> import dask, dask.dataframe as dd
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> lazy = best_estimate(dd.from_pandas(kazakhstan_2022(), npartitions=2))
    >>> series, set_aside = dask.compute(lazy.series, lazy.set_aside, scheduler="sync")
    >>> detained = series.query("metric == 'detained' and group == 'all'").sort_values("time")
    >>> detained["best"].tolist()
    [3001.0, 4404.0, 6044.0, 8000.0]
    """
    frame, columns = _keyed(observations, by, key=None, validate=validate, partitioned=partitioned)
    options: dict[str, Any] = {"method": method, "freq": freq, "weights": weights, "on_conflict": on_conflict}
    empty = kzfigures.best_estimate(frame._meta, columns, validate=False, **options)
    held = _per_partition(frame, _estimate_partition, columns, options, meta=_HELD)
    series = _per_partition(held, _held_table, "series", meta=empty.series)
    aside = _per_partition(held, _held_table, "set_aside", meta=empty.set_aside)
    return EstimateFrames(series=series, set_aside=aside)


def _estimate_partition(part: pd.DataFrame, columns: list[str], options: dict[str, Any]) -> pd.DataFrame:
    estimate = kzfigures.best_estimate(part, columns, validate=False, **options)
    return _holding({"series": estimate.series, "set_aside": estimate.set_aside})


def replay(
    observations: DataFrame,
    *,
    freq: str | pd.DateOffset = "D",
    by: str | Sequence[str] = DEFAULT_BY,
    method: str = "isotonic",
    on_conflict: str = "latest",
    weights: Weights = None,
    validate: bool = True,
    partitioned: bool | None = None,
) -> ReplayFrames:
    """:func:`kzfigures.replay` of a Dask frame: the estimate as known at each knowledge time, lazy.

    The grid of knowledge times is the whole archive's, as in pandas: from the earliest
    publication to the last. A reduction finds the two observations that bound it, and each
    partition is replayed with copies of them as a series of its own, which sets its grid
    and is dropped from the result. The key's first text column holds that series' label,
    so ``by`` needs a text column (``metric`` is one).

    Parameters
    ----------
    observations, validate, partitioned
        As for :func:`ranges`.
    freq, by, method, on_conflict, weights
        As for :func:`kzfigures.replay` (``weights``: as for :func:`best_estimate`).

    Returns
    -------
    ReplayFrames
        ``series`` and ``set_aside``, with the columns and dtypes of the
        :class:`~kzfigures.Replay`'s.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> lazy = replay(dd.from_pandas(kazakhstan_2022(), npartitions=3))
    >>> series = lazy.series.compute(scheduler="sync")
    >>> series["known_at"].nunique() == kzfigures.replay(kazakhstan_2022()).known_at.size
    True
    """
    frame, columns = _keyed(observations, by, key=None, validate=validate, partitioned=partitioned)
    label_column = next((c for c in columns if pd.api.types.is_string_dtype(frame._meta[c].dtype)), None)
    if label_column is None:
        raise InvalidArgumentError(f"replay on Dask needs a text column in by (got {columns})")
    options: dict[str, Any] = {"freq": freq, "method": method, "on_conflict": on_conflict, "weights": weights}
    empty = kzfigures.replay(frame._meta, by=columns, validate=False, **options)
    bounds = _gathered(frame, _grid_candidates, _grid_bounds)
    args = (columns, label_column, options, bounds)
    held = _per_partition(frame, _replay_partition, *args, meta=_HELD)
    series = _per_partition(held, _held_table, "series", meta=empty.series)
    aside = _per_partition(held, _held_table, "set_aside", meta=empty.set_aside)
    return ReplayFrames(series=series, set_aside=aside)


def _grid_candidates(part: pd.DataFrame) -> pd.DataFrame:
    """The rows of a partition with the earliest publication and the latest knowledge time."""
    if part.empty:
        return part
    published = part["published"].where(part["published"].notna(), part["as_of"])
    first = int(np.argmin(published.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]")))
    last = int(np.argmax(known_by(part)))
    return part.iloc[[first, last]]


def _grid_bounds(candidates: pd.DataFrame) -> pd.DataFrame:
    """The two rows that bound the whole archive's grid, among every partition's candidates."""
    return _grid_candidates(candidates.reset_index(drop=True))


def _replay_partition(
    part: pd.DataFrame,
    columns: list[str],
    label_column: str,
    options: dict[str, Any],
    bounds: pd.DataFrame,
) -> pd.DataFrame:
    grid = bounds.copy()
    grid[label_column] = _GRID_SERIES
    grid["id"] = [f"{_GRID_SERIES}-{i}" for i in range(len(grid))]
    rows = pd.concat([part, grid.astype(part.dtypes.to_dict())], ignore_index=True)
    result = kzfigures.replay(rows, by=columns, validate=False, **options)
    return _holding(
        {
            name: table[table[label_column] != _GRID_SERIES].reset_index(drop=True)
            for name, table in (("series", result.series), ("set_aside", result.set_aside))
        }
    )


# Two tables of one analysis from one run per partition: the run's task holds both, in a frame of one
# object cell, and each table is taken from it (a task that Dask runs once for both when they are
# computed together).
_HELD = pd.DataFrame({"tables": pd.Series([], dtype=object)})


def _holding(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    held = pd.Series([None], dtype=object)
    held.iloc[0] = tables
    return pd.DataFrame({"tables": held})


def _held_table(held: pd.DataFrame, name: str) -> pd.DataFrame:
    table: pd.DataFrame = held["tables"].iloc[0][name]
    return table


# --- the key: select, shuffle -------------------------------------------------------


def _keyed(
    observations: DataFrame,
    by: str | Sequence[str],
    *,
    key: Mapping[str, Any] | None,
    validate: bool,
    partitioned: bool | None,
) -> tuple[DataFrame, list[str]]:
    """The canonical rows of ``key``, each series in one partition, and the checked key columns."""
    if not isinstance(observations, dd.DataFrame):
        raise InvalidArgumentError(
            f"expected a dask.dataframe.DataFrame (got {type(observations).__name__}); "
            "for a pandas frame use kzfigures.ranges and the other functions of kzfigures"
        )
    if not isinstance(validate, bool):
        raise InvalidArgumentError(f"validate must be True or False (got {validate!r})")
    if partitioned not in (None, True, False):
        raise InvalidArgumentError(f"partitioned must be None, True or False (got {partitioned!r})")
    known = partitioned if partitioned is not None else _known_partitioned(observations, by)
    frame = from_dask(observations) if validate else observations
    as_frame(frame._meta, validate=False)  # a frame trusted as canonical has its columns and dtypes
    columns = check_by(by, frame._meta)
    if key is not None:
        frame = frame[_key_mask(frame, key)]
    if not known:
        shuffled = frame.shuffle(on=columns)
        # Older Dask shuffles through Arrow and can return a fixed-offset zone's times as objects.
        frame = _per_partition(shuffled, _with_dtypes, frame._meta.dtypes.to_dict(), meta=frame._meta)
    return frame, columns


def _with_dtypes(part: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    """``part`` with the declared dtypes (a copy only where one differs)."""
    changed = {name: dtype for name, dtype in dtypes.items() if part[name].dtype != dtype}
    return part.astype(changed) if changed else part


def _known_partitioned(frame: DataFrame, by: str | Sequence[str]) -> bool:
    """Whether Dask knows that ``frame``'s partitions hold whole series of ``by``."""
    columns = {by} if isinstance(by, str) else set(by)
    known: set[tuple[Hashable, ...]] = getattr(frame.expr, "unique_partition_mapping_columns_from_shuffle", set())
    return any(set(shuffled) <= columns for shuffled in known)


def _key_mask(frame: DataFrame, key: Mapping[str, Any]) -> Any:
    """Rows whose columns equal ``key``'s values exactly (``None`` matches a missing cell)."""
    if not isinstance(key, Mapping) or not key:
        raise InvalidArgumentError(
            f"key must be a mapping of column to value, e.g. {{'metric': 'detained'}} (got {key!r})"
        )
    missing = [column for column in key if column not in frame.columns]
    if missing:
        raise kzfigures.UnknownColumnError(f"key names columns the observations do not have: {missing}")
    mask: Any = None
    for column, value in key.items():
        cells = frame[column]
        matched = cells.isna() if value is None or value is pd.NA else (cells == value).fillna(False)
        mask = matched if mask is None else mask & matched
    return mask


def _per_partition(frame: DataFrame, func: Callable[..., Any], *args: Any, meta: Any) -> DataFrame:
    """``func`` on each partition, its result of the declared ``meta`` (trusted, not checked per partition)."""
    result: DataFrame = frame.map_partitions(func, *args, meta=meta, enforce_metadata=False)  # type: ignore[no-untyped-call]
    return result


def _gathered(frame: DataFrame | Series, each: Callable[[Any], Any], whole: Callable[[Any], Any]) -> Any:
    """A lazy value that every partition's task can take: ``whole`` of the ``each`` of every partition.

    The pieces are concatenated in partition order, all at once (they are small). A Dask
    ``Scalar``, which ``map_partitions`` hands to every partition (a ``Delayed`` it does not
    resolve before dask 2025.2).
    """
    return frame.reduction(chunk=each, combine=_same, aggregate=whole, split_every=False, meta=object)  # type: ignore[no-untyped-call]
