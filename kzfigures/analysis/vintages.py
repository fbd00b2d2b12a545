"""What was known when: the observations public by a time, and the best estimate as it stood then.

A figure is *known* once its report is public. Its **knowledge time** is the end of its
publication's period: ``published`` plus the length of ``published_precision`` (a report dated
January 8 is public by the end of January 8, a report of 15:00 by 16:00), or, for a figure with no
``published``, the end of its ``as_of`` period (a figure as of January 7 with no publication date
is taken to be known by the end of January 7). A time asked about, ``when``, has a precision too,
read from how it is written as ``as_of`` is (``"2022-01-08"`` is the whole day). With
:math:`K_i` the knowledge time of figure :math:`i` and :math:`W` the end of ``when``'s period,

.. math:: \\mathrm{known}(W) = \\{\\, i : K_i \\le W \\,\\}.

:func:`as_known_at` returns those rows. :func:`replay` computes, for every knowledge time
:math:`t_v` of a grid (``freq``), the best estimate of what was known by the end of that step,
:math:`W_v = t_{v+1}`, for every series at once:

.. math:: \\mathrm{replay}(t_v) = \\mathrm{best\\_estimate}(\\mathrm{known}(W_v)).

>>> import kzfigures as kz
>>> from kzfigures.datasets import kazakhstan_2022
>>> detained = kazakhstan_2022().query("metric == 'detained' and group == 'all'")
>>> sorted(as_known_at(detained, "2022-01-08")["id"])
['kz22-001-04', 'kz22-001-11', 'kz22-002-05']
>>> history = replay(detained).series
>>> history[["known_at", "time", "low", "best", "high"]]
                   known_at                      time   low    best  high
0 2022-01-08 00:00:00+06:00 2022-01-07 00:00:00+06:00  3001  3001.0  4404
1 2022-01-08 00:00:00+06:00 2022-01-08 00:00:00+06:00  4404  4404.0  <NA>
2 2022-01-09 00:00:00+06:00 2022-01-07 00:00:00+06:00  3001  3001.0  4404
3 2022-01-09 00:00:00+06:00 2022-01-08 00:00:00+06:00  4404  4404.0  5999
4 2022-01-09 00:00:00+06:00 2022-01-09 00:00:00+06:00  6044  6044.0  <NA>
5 2022-01-10 00:00:00+06:00 2022-01-07 00:00:00+06:00  3001  3001.0  4404
6 2022-01-10 00:00:00+06:00 2022-01-08 00:00:00+06:00  4404  4404.0  5999
7 2022-01-10 00:00:00+06:00 2022-01-09 00:00:00+06:00  6044  6044.0  7939
8 2022-01-10 00:00:00+06:00 2022-01-10 00:00:00+06:00  7939  8000.0  <NA>
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis._sorting import argsort_stable, lexsort_stable
from kzfigures.analysis.estimate import MAX_GRID_POINTS, METHODS, ON_CONFLICT, best_estimate, inconsistencies
from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, precision_lengths, take_rows, utc_nanoseconds
from kzfigures.analysis.inputs import Inputs, Prepared
from kzfigures.analysis.tables import ESTIMATE_COLUMNS, REPLAY_COLUMNS, SET_ASIDE_COLUMNS, dtypes, empty_table
from kzfigures.analysis.weights import Weights, observation_weights
from kzfigures.errors import InconsistentObservationsError, InvalidArgumentError, TimezoneError
from kzfigures.frame import COLUMNS
from kzfigures.model import Observation, Precision, infer_precision

__all__ = ["MAX_VINTAGES", "Replay", "as_known_at", "known_by", "replay", "stacked_claims"]

#: The most knowledge times a ``replay`` grid may have: past it, the grid is refused up front.
MAX_VINTAGES = 100_000

# The stacked frame's key columns: each (vintage, series) pair is one series of one best_estimate
# call. Integers, not the key texts: grouping ints is cheap, and the texts are put back after.
_VINTAGE = "__kzfigures_vintage__"
_SERIES = "__kzfigures_series__"

_IntArray = npt.NDArray[np.int64]

#: How many rows the series of one batch of :func:`replay`'s changes hold, about: a batch is one
#: ``best_estimate`` call over those of their rows known by each change, which bounds its working
#: memory, while each call's fixed cost stays small beside the batch's.
_STACK_BATCH = 1_000_000

# The columns best_estimate reads from a prepared frame (its index holds the rest): the labels
# that no longer key anything, and the texts only people read, are not copied once per change.
_STACKED_COLUMNS = tuple(
    c for c in COLUMNS if c not in {"metric", "group", "region", "figure", "outlet_kind", "via", "quote", "url", "note"}
)


def known_by(frame: pd.DataFrame) -> _IntArray:
    """Each row's knowledge time, UTC nanoseconds: the end of its publication's period.

    ``published`` plus the length of ``published_precision``; for a row with no ``published``,
    the end of its ``as_of`` period. ``frame`` is canonical (:func:`~kzfigures.from_frame`).
    ``O(n)``.

    >>> from kzfigures.frame import from_frame
    >>> frame = from_frame(pd.DataFrame({"metric": "killed", "stated": [1, 2, 3],
    ...     "as_of": ["2022-01-07T00:00+06:00"] * 3,
    ...     "published": [None, "2022-01-08T00:00+06:00", "2022-01-08T15:00+06:00"]}))
    >>> [str(pd.Timestamp(t, tz="UTC").tz_convert("UTC+06:00")) for t in known_by(frame)]
    ['2022-01-08 00:00:00+06:00', '2022-01-09 00:00:00+06:00', '2022-01-08 16:00:00+06:00']
    """
    published = frame["published"].notna().to_numpy(dtype=bool)
    as_of = utc_nanoseconds(frame["as_of"]) + precision_lengths(frame["as_of_precision"])
    if not published.any():
        return as_of
    stamp = frame["published"].where(frame["published"].notna(), frame["as_of"])
    precision = frame["published_precision"].where(frame["published"].notna(), frame["as_of_precision"])
    return utc_nanoseconds(stamp) + precision_lengths(precision)


def _publication_starts(frame: pd.DataFrame) -> _IntArray:
    """Each row's publication time as written (``as_of`` where it has none), UTC nanoseconds."""
    return utc_nanoseconds(frame["published"].where(frame["published"].notna(), frame["as_of"]))


def _when_end(when: Any, precision: Precision | str | None, tz: Any) -> int:
    """The end of ``when``'s period in UTC nanoseconds: ``when`` plus its precision's length."""
    if isinstance(when, bool) or not isinstance(when, str | dt.date | pd.Timestamp | np.datetime64):
        raise InvalidArgumentError(
            f"when must be a time such as '2022-01-08' or a Timestamp (got {when!r}, a {type(when).__name__})"
        )
    try:
        moment = pd.Timestamp(when)
    except (ValueError, TypeError) as error:
        raise InvalidArgumentError(f"when must be a time such as '2022-01-08' (got {when!r}): {error}") from None
    if pd.isna(moment):
        raise InvalidArgumentError(f"when must be a time, not missing (got {when!r})")
    if moment.tzinfo is None:
        moment = moment.tz_localize(tz)
    if precision is None:
        length = infer_precision(moment).length
    else:
        try:
            length = Precision(precision).length
        except ValueError:
            allowed = ", ".join(repr(p.value) for p in Precision)
            raise InvalidArgumentError(f"precision must be one of {allowed} or None (got {precision!r})") from None
    return int((moment + length).tz_convert("UTC").value)


def as_known_at(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    when: str | dt.date | pd.Timestamp,
    *,
    precision: Precision | str | None = None,
    validate: bool = True,
) -> pd.DataFrame:
    """The observations that were public by the end of ``when``: what a desk could have known then.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts.
    when : str, date or Timestamp
        The time asked about. A time without a zone is read in the zone of the observations'
        ``as_of``. Its precision is read from how it is written, as for ``as_of``
        (:func:`~kzfigures.infer_precision`): ``"2022-01-08"`` is the whole of January 8,
        ``"2022-01-08T15:00"`` the hour from 15:00.
    precision : Precision or str, optional, keyword-only
        The precision of ``when``, instead of the one read from it: ``"second"`` asks about
        (almost) an instant, ``"day"`` about the whole day ``when`` starts.
    validate : bool, keyword-only
        As for the analyses: ``False`` trusts a canonical frame.

    Returns
    -------
    DataFrame
        The canonical rows whose knowledge time is at or before the end of ``when``'s period,
        in their input order (index ``0..m-1``).

    Raises
    ------
    InvalidArgumentError
        ``when`` is not a time, or ``precision`` is not a precision.

    Notes
    -----
    Row :math:`i` is public from its knowledge time :math:`K_i`
    (:func:`~kzfigures.analysis.vintages.known_by`): the end of its ``published`` period, or
    of its ``as_of`` period when it has no ``published``. With
    :math:`W` the end of ``when``'s period, the rows returned are :math:`\\{i : K_i \\le W\\}`.
    So a report dated January 8 is known when asking about January 8, not about January 8 at
    15:00 (it may have appeared at 20:00); a report of 15:00 is known when asking about the
    hour of 15:00 or the day. ``O(n)``.

    Examples
    --------
    Dated publications decide, at their precision; a row without one counts from the end of
    its ``as_of`` period:

    >>> frame = pd.DataFrame({"metric": "detained", "stated": [3000, 4404, 5135],
    ...     "as_of": ["2022-01-07", "2022-01-08", "2022-01-09"],
    ...     "published": ["2022-01-08", "2022-01-08T18:00", None]})
    >>> as_known_at(frame, "2022-01-08")["stated"].tolist()
    [3000, 4404]
    >>> as_known_at(frame, "2022-01-08T18:00")["stated"].tolist()  # the day's report may not be out
    [4404]
    >>> as_known_at(frame, "2022-01-08T18:00", precision="day")["stated"].tolist()
    [3000, 4404]
    """
    frame = Inputs.of(observations, DEFAULT_BY[:1], validate=validate).frame
    tz = frame["as_of"].dt.tz
    end = _when_end(when, precision, tz)
    if len(frame) == 0:
        return frame.reset_index(drop=True)
    return frame[known_by(frame) <= end].reset_index(drop=True)


@attrs.frozen(eq=False, repr=False)
class Replay:
    """What :func:`replay` returns: the best-estimate series as known at each knowledge time.

    Attributes
    ----------
    series : pandas.DataFrame
        One row per knowledge time, series key and time slot: ``known_at`` (the grid time; the
        row holds what was published by the end of its step, ``known_at + freq``), the ``by``
        columns, then the columns of :attr:`Estimate.series <kzfigures.Estimate.series>`
        (``time``, ``slot``, ``slot_start``, ``slot_end``, ``low``, ``best``, ``high``,
        ``fit``, ``n_claims``, ``n_observations``, ``n_set_aside``, ``cumulative``,
        ``low_ids``, ``best_ids``, ``high_ids``), each as ``best_estimate`` of the rows known
        then gives it. Sorted by ``known_at``, key, ``time``. A series appears from the first
        knowledge time at which one of its figures is public.
    set_aside : pandas.DataFrame
        What the conflict policy set aside at each knowledge time: ``known_at``, then the
        columns of :attr:`Estimate.set_aside <kzfigures.Estimate.set_aside>` (``id``, the key
        columns, ``as_of``, ``low``, ``high``, ``reason``, ``superseded_by``).
    known_at : pandas.DatetimeIndex
        The grid of knowledge times, in the observations' zone.
    freq : str
        The grid's frequency.
    method, on_conflict : str
        The estimate's options.
    by : tuple of str
        The key columns.
    observations : pandas.DataFrame
        The canonical observation frame.
    """

    series: pd.DataFrame
    set_aside: pd.DataFrame
    known_at: pd.DatetimeIndex
    freq: str
    method: str
    on_conflict: str
    by: tuple[str, ...]
    observations: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`series`, the tidy frame."""
        return self.series.copy()

    def __repr__(self) -> str:
        return (
            f"Replay(freq={self.freq!r}, known_at={len(self.known_at)} times, method={self.method!r}, "
            f"on_conflict={self.on_conflict!r}, by={self.by!r}, series={len(self.series)} rows, "
            f"set_aside={len(self.set_aside)})"
        )


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(map(repr, allowed))} (got {value!r})")
    return value


def _check_freq(freq: object) -> pd.offsets.BaseOffset:
    if not isinstance(freq, str | pd.DateOffset | pd.Timedelta | dt.timedelta) or isinstance(freq, bool):
        raise InvalidArgumentError(f"freq must be a pandas offset alias such as 'D' or 'h' (got {freq!r})")
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError):
        raise InvalidArgumentError(f"freq must be a pandas offset alias such as 'D' or 'h' (got {freq!r})") from None
    if offset is None or offset.n <= 0:
        raise InvalidArgumentError(f"freq must be a positive offset (got {freq!r})")
    return offset


def _grid(frame: pd.DataFrame, known: _IntArray, offset: pd.offsets.BaseOffset) -> tuple[_IntArray, _IntArray]:
    """The knowledge times ``t_v`` and the ends ``W_v = t_{v+1}`` of their steps, UTC ns.

    The grid starts at local midnight of the earliest publication (rolled back to the offset's
    anchor) and ends with the step in which the last figure becomes known.
    """
    tz = frame["as_of"].dt.tz
    last = int(known.max())
    try:
        first = offset.rollback(
            pd.Timestamp(int(_publication_starts(frame).min()), tz="UTC").tz_convert(tz).normalize()
        )
    except Exception as error:  # local midnight does not exist that day
        raise TimezoneError(
            f"the first knowledge time, local midnight of the earliest publication, is not a time in {tz}: "
            f"{error}. Convert the observations' times to UTC"
        ) from error
    try:
        step = max(int(((first + offset) - first).value), 1)
        if (last - first.value) // step + 2 > MAX_VINTAGES:
            raise InvalidArgumentError(
                f"freq={offset.freqstr!r} makes about {(last - first.value) // step + 2:,} knowledge times "
                f"(at most {MAX_VINTAGES:,}); choose a coarser freq"
            )
        points = pd.date_range(first, pd.Timestamp(last, tz="UTC").tz_convert(tz), freq=offset)
        ns = np.asarray(points.tz_convert("UTC").as_unit("ns").asi8, dtype=np.int64)
        if not len(ns) or ns[-1] < last:
            after = (points[-1] if len(points) else first) + offset
            ns = np.r_[ns, pd.Timestamp(after).tz_convert("UTC").value]
    except InvalidArgumentError:
        raise
    except Exception as error:  # a local time the zone skips or repeats (pytz's errors on pandas 2.2)
        raise TimezoneError(
            f"the freq={offset.freqstr!r} grid of knowledge times puts a time in a daylight-saving change of "
            f"{tz} (a local time that occurs twice or not at all): {error}. Choose a freq whose times avoid "
            "the change, or convert the observations' times to UTC"
        ) from error
    labels = ns[ns < last]
    return labels, ns[1 : len(labels) + 1]


def replay(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    *,
    freq: str | pd.DateOffset = "D",
    by: str | Sequence[str] = DEFAULT_BY,
    method: str = "isotonic",
    on_conflict: str = "latest",
    weights: Weights = None,
    validate: bool = True,
) -> Replay:
    """The best-estimate series as it stood at each knowledge time of a grid: what was known when.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts.
    freq : str or DateOffset, keyword-only
        The grid of knowledge times (default ``"D"``: each local midnight, the row holding what
        was public by the end of that day). The grid runs from the day of the earliest
        publication to the step in which the last figure becomes public.
    by, method, on_conflict : keyword-only
        As for :func:`~kzfigures.best_estimate`.
    weights : None, "equal", mapping or callable, keyword-only
        As for :func:`~kzfigures.best_estimate`; a callable is called once, on all the
        observations, and each row keeps its weight at every knowledge time.
    validate : bool, keyword-only
        As for the analyses.

    Returns
    -------
    Replay
        ``.series``: ``known_at``, the key, and the estimate's columns (see :class:`Replay`);
        ``.set_aside``: what was set aside at each knowledge time.

    Raises
    ------
    InvalidArgumentError
        An unknown ``method``, ``on_conflict`` or ``freq``, bad weights, a grid of more than
        :data:`~kzfigures.analysis.vintages.MAX_VINTAGES` knowledge times, or a ``series`` or
        ``set_aside`` table of more than ``MAX_GRID_POINTS`` rows (refused as soon as a lower
        bound of its rows is over: for ``series``, before any estimate).
    UnknownColumnError
        ``by`` names a column that cannot key a series.
    InconsistentObservationsError
        ``on_conflict="raise"`` and what was known at some time is inconsistent. Its
        ``violations`` has the columns of :func:`~kzfigures.violations`' frame with ``known_at``
        after ``kind``: each series' pairs at each knowledge time at which it changed (a figure
        of it became public), as they were known then, once some change was inconsistent.
    TimezoneError
        A knowledge time of the grid falls in a daylight-saving change of the frame's zone.

    Notes
    -----
    With :math:`K_i` each row's knowledge time (:func:`~kzfigures.analysis.vintages.known_by`) and grid times
    :math:`t_0 < t_1 < \\dots`, the rows at ``known_at`` :math:`= t_v` are those of

    .. math:: \\mathrm{best\\_estimate}(\\{i : K_i \\le t_{v+1}\\}),

    that is, ``best_estimate(as_known_at(observations, t_v))`` for a daily grid. No series'
    estimate depends on another's rows, so the rows of series :math:`s` at :math:`t_v` change
    only at the steps where a figure of :math:`s` becomes public. The estimate is computed once
    per such *change* :math:`(s, v)`, the changes stacked in batches (whose series hold about
    10^6 rows), one ``best_estimate`` call each whose series key is (change, series), and copied
    to the steps until the series' next change.

    Cost: with :math:`n` rows, :math:`m = \\sum_{\\text{changes } (s, v)} |\\mathrm{known}_s(v)|`
    stacked rows (at most :math:`n` times the number of knowledge times; in practice
    the rows of a series times the days on which it is reported) and :math:`r` result rows,
    :math:`O(m \\log m + r)`, in the memory of one batch and the result. ``docs/performance.md``
    measures it against one ``best_estimate`` call per knowledge time.

    Examples
    --------
    Sri Lanka's Easter 2019 toll as the police raised it, then as the health ministry corrected
    it: before April 25 the estimate followed the police; on April 25 the correction capped
    every earlier day whose figure was above it.

    >>> days = [(21, 207), (22, 290), (23, 321), (24, 359), (25, 253)]
    >>> toll = pd.DataFrame({"metric": "killed", "stated": [v for _, v in days],
    ...                      "as_of": [f"2019-04-{d}" for d, _ in days],
    ...                      "authority": ["Police"] * 4 + ["Health Ministry"]})
    >>> result = replay(toll)
    >>> latest = result.series.groupby("known_at")["best"].last()
    >>> [(str(t.date()), v) for t, v in latest.items()]
    [('2019-04-21', 207.0), ('2019-04-22', 290.0), ('2019-04-23', 321.0), ('2019-04-24', 359.0), ('2019-04-25', 253.0)]
    >>> result.set_aside.groupby("known_at").size().tolist()  # the police figures above 253, once corrected
    [3]
    >>> result.series[result.series["known_at"] == "2019-04-25"]["best"].tolist()
    [207.0, 253.0, 253.0, 253.0, 253.0]
    """
    method = _check_choice("method", method, METHODS)
    on_conflict = _check_choice("on_conflict", on_conflict, ON_CONFLICT)
    offset = _check_freq(freq)
    freq_label = freq if isinstance(freq, str) else offset.freqstr
    inputs = Inputs.of(observations, by, validate=validate)
    frame, columns = inputs.frame, list(inputs.by)
    observation_weight = observation_weights(frame, weights)
    tz = frame["as_of"].dt.tz
    if len(frame) == 0:
        return Replay(
            series=empty_table(frame, [], REPLAY_COLUMNS).join(empty_table(frame, columns, ESTIMATE_COLUMNS)),
            set_aside=_empty_set_aside(frame, columns),
            known_at=pd.DatetimeIndex([], tz=tz),
            freq=freq_label,
            method=method,
            on_conflict=on_conflict,
            by=tuple(columns),
            observations=frame,
        )
    index = inputs.index()
    known = known_by(frame)
    labels, ends = _grid(frame, known, offset)
    vintage = np.searchsorted(ends, known, side="left").astype(np.int64)
    pairs = _change_pairs(index.series, vintage, len(labels))
    # Refused before anything is stacked if its series table alone is over the limit: one series
    # reported daily over D days stacks about n D / 2 rows, which could exhaust the memory
    # before the result could be counted. Both tables' rows are counted exactly batch by batch.
    at_least = _over_limit("series", _result_rows_at_least(index.series, index.series_slot, vintage, pairs))
    if at_least is not None:
        raise at_least
    # The changes in batches whose series hold about _STACK_BATCH rows, one best_estimate call
    # each: series are independent, so the tables are the one call's, cut where the batches
    # meet, and the working memory is a batch's, not every change's.
    # Per table (series, set_aside): the batches' rows, and how many vintages each holds for.
    tables: dict[str, list[pd.DataFrame]] = {"series": [], "set_aside": []}
    copies: dict[str, list[_IntArray]] = {"series": [], "set_aside": []}
    counted = {"series": 0, "set_aside": 0}
    refusal: InvalidArgumentError | None = None
    read = frame[list(_STACKED_COLUMNS)]
    for stack in _stacks(pairs, index.series, vintage, index.start, _STACK_BATCH):
        stacked, stacked_index = _stacked(read, index, stack)
        try:
            estimate = best_estimate(
                Prepared(stacked, stacked_index),
                by=(_VINTAGE, _SERIES),
                method=method,
                on_conflict=on_conflict,
                weights=functools.partial(_given, observation_weight[stack.rows]),
            )
        except InconsistentObservationsError:  # one call listed the pairs of every change
            pairs_at_fault = _inconsistencies(read, index, pairs, vintage)
            named = _named(pairs_at_fault, labels, index.series_keys(frame), columns, tz, before=["kind"])
            raise InconsistentObservationsError(named) from None
        batch = {"series": estimate.series, "set_aside": estimate.set_aside}
        del stacked, stacked_index, estimate  # the batch's frames, before the next is stacked
        if refusal is not None:  # "raise" still checks the other batches, as one call did
            continue
        for name, table in batch.items():
            tables[name].append(table)
            copies[name].append(_copies(table, pairs, len(labels)))
            counted[name] += int(copies[name][-1].sum())
            refusal = refusal or _over_limit(name, counted[name])
        if refusal is not None:
            if on_conflict != "raise":
                raise refusal
            for name in tables:  # only the other batches' consistency is still asked
                tables[name].clear()
                copies[name].clear()
    if refusal is not None:
        raise refusal
    series_keys = index.series_keys(frame)
    spread = {}
    for name, result_columns, leading in (("series", ESTIMATE_COLUMNS, []), ("set_aside", SET_ASIDE_COLUMNS, ["id"])):
        table = _concat(tables.pop(name))
        spread[name] = _spread(
            table, np.concatenate(copies.pop(name)), labels, series_keys, columns, result_columns, tz, leading=leading
        )
    return Replay(
        series=spread["series"],
        set_aside=spread["set_aside"],
        known_at=pd.DatetimeIndex(pd.to_datetime(labels, unit="ns", utc=True)).tz_convert(tz),
        freq=freq_label,
        method=method,
        on_conflict=on_conflict,
        by=tuple(columns),
        observations=frame,
    )


def _empty_set_aside(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    data = {"known_at": pd.Series([], dtype=dtypes(REPLAY_COLUMNS, frame)["known_at"])}
    data["id"] = pd.Series([], dtype="string")
    table = pd.DataFrame(data)
    return table.join(empty_table(frame, columns, SET_ASIDE_COLUMNS))


@attrs.frozen(eq=False)
class _Stack:
    """A batch of changes' stacked rows: ``rows`` the frame rows of each change, change after
    change, each the rows of its series known by its vintage; ``vintage_of_row``/``series_of_row``
    their keys."""

    rows: npt.NDArray[np.intp]
    vintage_of_row: _IntArray
    series_of_row: _IntArray


def _change_pairs(series: _IntArray, vintage: _IntArray, n_vintages: int) -> tuple[_IntArray, _IntArray, _IntArray]:
    """The (series, vintage) pairs at which a series changes, sorted by series, then vintage, with each
    one's ``until``: its series' next change, or the number of vintages. ``O(n log n)``.

    >>> [a.tolist() for a in _change_pairs(np.array([0, 0, 1, 0]), np.array([2, 0, 1, 2]), 4)]
    [[0, 0, 1], [0, 2, 1], [2, 4, 4]]
    """
    by_pair = lexsort_stable((vintage, series))
    s_series, s_vintage = series[by_pair], vintage[by_pair]
    new_pair = np.r_[True, (s_series[1:] != s_series[:-1]) | (s_vintage[1:] != s_vintage[:-1])]
    pair_series, pair_vintage = s_series[new_pair], s_vintage[new_pair]
    same_next = np.r_[pair_series[1:] == pair_series[:-1], False]
    until = np.where(same_next, np.r_[pair_vintage[1:], 0], n_vintages)
    return pair_series, pair_vintage, until


def _result_rows_at_least(
    series: _IntArray, series_slot: _IntArray, vintage: _IntArray, pairs: tuple[_IntArray, _IntArray, _IntArray]
) -> int:
    """A lower bound of the rows of the replay's ``series`` table, from the frame's own slots
    (``series_slot``: :attr:`ClaimIndex.series_slot`, numbered in series order).

    Each change's estimate has a row per time slot of the rows known by its vintage, copied to
    every vintage up to ``until``. Periods that overlap (or chain) among the rows known by then
    overlap among all the rows, so each of those slots lies within one slot of the whole frame:
    there are at least as many of them as there are slots of the whole frame holding a known
    row. Those are counted per change by one search of each slot's first vintage:
    ``O(n log n)``, nothing stacked.

    >>> pairs = _change_pairs(np.array([0, 0, 0]), np.array([0, 1, 1]), 3)
    >>> _result_rows_at_least(np.array([0, 0, 0]), np.array([0, 1, 2]), np.array([0, 1, 1]), pairs)
    7
    """
    pair_series, pair_vintage, until = pairs
    n_slots = int(series_slot.max()) + 1
    first_vintage = np.full(n_slots, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_vintage, series_slot, vintage)
    slot_series = np.empty(n_slots, dtype=np.int64)
    slot_series[series_slot] = series
    n_vintages = max(int(first_vintage.max()), int(until.max())) + 1
    known_from = np.sort(slot_series * n_vintages + first_vintage)
    known = np.searchsorted(known_from, pair_series * n_vintages + pair_vintage, side="right") - np.searchsorted(
        known_from, pair_series * n_vintages
    )
    return int((known * (until - pair_vintage)).sum())


def _over_limit(table: str, rows: int) -> InvalidArgumentError | None:
    """The refusal of a replay whose ``table`` (``series`` or ``set_aside``) would have more than
    :data:`MAX_GRID_POINTS` rows, ``rows`` being a lower bound of how many it would have; None if
    that is within the limit."""
    if rows <= MAX_GRID_POINTS:
        return None
    return InvalidArgumentError(
        f"the replay's {table} would have at least {rows:,} rows (at most {MAX_GRID_POINTS:,}); choose a coarser freq"
    )


def _stacks(
    pairs: tuple[_IntArray, _IntArray, _IntArray],
    series: _IntArray,
    vintage: _IntArray,
    start: _IntArray,
    batch: int,
) -> Iterator[_Stack]:
    """The stacked rows of the changes ``pairs`` (:func:`_change_pairs`), in batches.

    The changes are stacked in the order of the stacked call's series key (vintage, then
    series), each change's rows (its series' rows known by its vintage) in order of ``start``:
    the order the index of the stacked rows sorts them in, so its sorts find them sorted. A
    batch is a run of changes in that order: a new one starts at each change where the running
    count of the changes' series rows passes a multiple of ``batch``, so a batch's series hold
    fewer than ``batch`` rows besides its last change's (and it stacks only those known by then).
    ``O(n log n + m)`` for ``m`` stacked rows.

    Rows 0 and 1 of series 0 known at vintages 0 and 1, row 2 of series 1 at vintage 0: the
    changes (0, 0), (0, 1) and (1, 0) stack rows 0; 2; 0 and 1. Batches cut where the series'
    rows passed a multiple of ``batch`` (2: after the first change).

    >>> series, vintage = np.array([0, 0, 1]), np.array([0, 1, 0])
    >>> pairs = _change_pairs(series, vintage, 2)
    >>> [s.rows.tolist() for s in _stacks(pairs, series, vintage, np.array([5, 6, 5]), 2)]
    [[0], [2, 0, 1]]
    """
    pair_series, pair_vintage, _ = pairs
    # Each series' rows by start; a change takes those of its series known by its vintage.
    by_start = lexsort_stable((start, series))
    size = np.bincount(series)
    first = np.cumsum(size) - size
    stacking = lexsort_stable((pair_series, pair_vintage))  # the changes in key order
    change_series, change_vintage = pair_series[stacking], pair_vintage[stacking]
    candidates = size[change_series]
    before = np.cumsum(candidates) - candidates
    cuts = np.flatnonzero(np.r_[True, np.diff(before // batch) > 0])
    for lo, hi in zip(cuts, np.r_[cuts[1:], len(stacking)], strict=True):
        offsets = before[lo:hi] - before[lo]
        at = np.repeat(first[change_series[lo:hi]] - offsets, candidates[lo:hi]) + np.arange(
            int(candidates[lo:hi].sum())
        )
        rows = by_start[at]
        change_of_row = np.repeat(np.arange(lo, hi), candidates[lo:hi])
        keep = vintage[rows] <= change_vintage[change_of_row]
        rows, change_of_row = rows[keep], change_of_row[keep]
        yield _Stack(
            rows=np.asarray(rows, dtype=np.intp),
            vintage_of_row=change_vintage[change_of_row],
            series_of_row=change_series[change_of_row],
        )


def _stacked(read: pd.DataFrame, index: ClaimIndex, stack: _Stack) -> tuple[pd.DataFrame, ClaimIndex]:
    """The rows ``stack`` of ``read`` (the frame's columns the estimate reads), keyed by
    (vintage, series), and their claim index.

    The stacked rows have the canonical columns only (the key is the two integers), and their
    claim index is derived from the frame's, not annotated again (docs/performance.md: the ids
    repeat once per change, and sorting them as texts was half the time). ``best_estimate`` is
    called as a whole, not through its private steps, but on a Prepared: nothing is validated or
    indexed twice, and no change to the estimate can leave the replay behind.
    """
    stacked = read.take(stack.rows).reset_index(drop=True)
    stacked[_VINTAGE] = stack.vintage_of_row
    stacked[_SERIES] = stack.series_of_row
    return stacked, stacked_claims(index, read, stack.rows, stack.vintage_of_row, stack.series_of_row)


def _inconsistencies(
    read: pd.DataFrame, index: ClaimIndex, pairs: tuple[_IntArray, _IntArray, _IntArray], vintage: _IntArray
) -> pd.DataFrame:
    """What ``on_conflict="raise"`` lists for the stacked changes: one call over all of them
    listed every change's pairs (:func:`~kzfigures.analysis.estimate.inconsistencies`), those of
    consistent changes too, so every batch's are listed, in the stacked key's order."""
    parts = [
        inconsistencies(*_stacked(read, index, stack))
        for stack in _stacks(pairs, index.series, vintage, index.start, _STACK_BATCH)
    ]
    return _concat(parts)


def _given(weight: npt.NDArray[np.float64], _: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The weights ``weight``, whatever frame is asked about: the stacked rows keep their own."""
    return weight


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches' tables as one (the first, if there is only one)."""
    return tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)


def _copies(table: pd.DataFrame, pairs: tuple[_IntArray, _IntArray, _IntArray], n_vintages: int) -> _IntArray:
    """How many vintages each row of the stacked estimate's ``table`` holds for: from its change's
    vintage to the series' next change (``pairs``: :func:`_change_pairs`)."""
    row_vintage = table[_VINTAGE].to_numpy(dtype=np.int64)
    pair_series, pair_vintage, until = pairs
    width = max(n_vintages, 1)
    change_key = pair_series * width + pair_vintage  # sorted: changes are by series, vintage
    which = np.searchsorted(change_key, table[_SERIES].to_numpy(dtype=np.int64) * width + row_vintage)
    return np.asarray(until[which] - row_vintage, dtype=np.int64)


def _spread(
    table: pd.DataFrame,
    copies: _IntArray,
    labels: _IntArray,
    key_rows: pd.DataFrame,
    columns: list[str],
    result_columns: Any,
    tz: Any,
    *,
    leading: list[str],
) -> pd.DataFrame:
    """The stacked estimate's rows, each copied to every vintage its change holds for.

    ``table`` is keyed by (vintage, series) and sorted by them; a row holds for ``copies``
    vintages from its own (:func:`_copies`). The result is sorted by vintage, series and the
    row's order.
    """
    row_vintage = table[_VINTAGE].to_numpy(dtype=np.int64)
    row_series = table[_SERIES].to_numpy(dtype=np.int64)
    total = int(copies.sum())
    source = np.repeat(np.arange(len(table)), copies)
    step = np.arange(total) - np.repeat(np.cumsum(copies) - copies, copies)
    at = row_vintage[source] + step
    order = lexsort_stable((source, row_series[source], at))
    source, at = source[order], at[order]
    body = table.take(source).reset_index(drop=True)
    body[_VINTAGE] = at
    return _named(body, labels, key_rows, columns, tz, leading=leading, after=[c for c in result_columns if c in body])


def _named(
    table: pd.DataFrame,
    labels: _IntArray,
    key_rows: pd.DataFrame,
    columns: list[str],
    tz: Any,
    *,
    before: Sequence[str] = (),
    leading: Sequence[str] = (),
    after: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``table`` keyed by (vintage, series) as a reader sees it: its columns ``before``,
    ``known_at``, its columns ``leading``, the key columns (``key_rows``: one row per series) in
    place of the two integers, then ``after`` (by default every other column)."""
    keys = take_rows(key_rows, table[_SERIES].to_numpy(dtype=np.int64))
    vintage = table[_VINTAGE].to_numpy(dtype=np.int64)
    known_at = pd.Series(pd.to_datetime(labels[vintage], unit="ns", utc=True)).dt.tz_convert(tz)
    if after is None:
        after = [c for c in table.columns if c not in (*before, *leading, _VINTAGE, _SERIES)]
    parts = {**{c: table[c] for c in before}, "known_at": known_at, **{c: table[c] for c in leading}}
    parts.update({c: keys[c] for c in columns})
    parts.update({c: table[c] for c in after})
    return pd.DataFrame(parts)


def stacked_claims(
    index: ClaimIndex, frame: pd.DataFrame, rows: npt.NDArray[np.intp], vintage: _IntArray, series: _IntArray
) -> ClaimIndex:
    """The claim index of ``frame``'s rows ``rows``, stacked, keyed by (``vintage``, ``series``).

    Equal to ``annotate(stacked, (vintage column, series column))`` for the stacked frame
    (``frame.take(rows)`` with the two integer columns added), derived from ``index``, the
    frame's own: a row's period and speaker do not depend on the rows beside it, and its id's
    rank among the stacked rows is its rank in the frame, ties (the same row in two vintages) in
    stacked order, as a stable sort of the ids gives them. Only the slots and claims, which
    depend on which rows share a series, are computed again, by integer sorts: ``O(m log m)``
    for ``m`` stacked rows, without sorting the ids as texts.

    >>> from kzfigures.analysis.index import annotate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> rows = np.r_[np.arange(20), np.arange(43)]
    >>> vintage, series = np.repeat([0, 1], [20, 43]), annotate(frame).series[rows]
    >>> derived = stacked_claims(annotate(frame), frame, rows, vintage, series)
    >>> stacked = frame.take(rows).reset_index(drop=True).assign(v=vintage, s=series)
    >>> direct = annotate(stacked, ("v", "s"))
    >>> fields = ("series", "slot", "start", "end", "series_slot", "speaker", "claim", "order", "id_rank")
    >>> all((getattr(derived, f) == getattr(direct, f)).all() for f in fields)
    True
    """
    m = len(rows)
    # Stacked series in key order: by vintage, then series.
    # Numbered by their distinct (vintage, series) keys, found once per run of equal keys.
    run = np.flatnonzero(np.r_[True, (vintage[1:] != vintage[:-1]) | (series[1:] != series[:-1])]) if m else rows[:0]
    pair = vintage[run] * (int(series.max()) + 1 if m else 1) + series[run]
    _, numbered = np.unique(pair, return_inverse=True)
    stacked_series = np.repeat(np.asarray(numbered, dtype=np.int64).reshape(-1), np.diff(np.r_[run, m]))
    start, end = index.start[rows], index.end[rows]
    # Time slots, as index.annotate makes them: periods merged while they overlap.
    by_time = lexsort_stable((start, stacked_series))
    s_series, s_start, s_end = stacked_series[by_time], start[by_time], end[by_time]
    new_series = np.r_[True, s_series[1:] != s_series[:-1]] if m else np.zeros(0, dtype=bool)
    running_end = pd.Series(s_end).groupby(s_series).cummax().to_numpy()
    new_slot = new_series.copy()
    new_slot[1:] |= s_start[1:] >= running_end[:-1]
    global_slot = np.cumsum(new_slot) - 1
    first_slot = np.maximum.accumulate(np.where(new_series, global_slot, 0))
    slot = np.empty(m, dtype=np.int64)
    slot[by_time] = global_slot - first_slot
    series_slot = np.empty(m, dtype=np.int64)
    series_slot[by_time] = global_slot
    # Claims: (series, slot, speaker, low, high), numbered in that order.
    speaker = index.speaker[rows]
    names = index.speaker_names
    low = frame["low"].to_numpy(dtype=np.int64)[rows]
    high = frame["high"].fillna(-1).to_numpy(dtype=np.int64)[rows]
    by_claim = lexsort_stable((high, low, series_slot * len(names) + speaker))
    key = (series_slot[by_claim], speaker[by_claim], low[by_claim], high[by_claim])
    new_claim = np.ones(m, dtype=bool)
    new_claim[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in key])
    claim = np.empty(m, dtype=np.int64)
    claim[by_claim] = np.cumsum(new_claim) - 1
    id_rank = np.empty(m, dtype=np.int64)
    id_rank[argsort_stable(index.id_rank[rows])] = np.arange(m)
    return ClaimIndex(
        by=(_VINTAGE, _SERIES),
        series=stacked_series,
        slot=slot,
        start=start,
        end=end,
        series_slot=series_slot,
        speaker=speaker,
        speaker_names=names,
        claim=claim,
        order=np.asarray(argsort_stable(series_slot), dtype=np.intp),
        id_rank=id_rank,
    )
