"""How a toll was revised: per series the headline's path, per speaker how often it was contradicted downwards.

**The headline.** A desk's current number for a running total is the most recent figure about
the most recent moment. Only figures that state a number take part (their *point*, the stated
number clipped into the interval: "almost 6,000" is 5,999, "more than 3,000" is 3,001); vague
words ("dozens", "thousands") bound a count but say no number, so they are never a headline and
never a revision. Each figure :math:`i` has a point :math:`p_i`, the start :math:`a_i` of its
``as_of`` period, an interval width :math:`w_i = hi_i - lo_i` (:math:`\\infty` when unbounded)
and a knowledge time :math:`K_i` (:func:`~kzfigures.analysis.vintages.known_by`: the end of its
publication's period). The *steps* of a series are the distinct knowledge times of its figures,
:math:`t_1 < \\dots < t_m`. At step :math:`t_j` the headline :math:`H_j` is the point of the
figure known by then (:math:`K_i \\le t_j`) that is greatest in the order

.. math:: (a_i,\\ K_i,\\ -w_i,\\ p_i,\\ -\\mathrm{id}_i):

the latest moment described; of its figures, the one learned last; then the most precise
("7,939" before "about 8,000" of the same day); then the larger (a running total by the end of
its period); then the smallest id. A report about an older moment (a wire repeating Monday's
toll on Wednesday) does not move the headline.

**Revisions** are the changes of the headline between consecutive steps:
:math:`d_j = H_j - H_{j-1}`, upward when :math:`d_j > 0`, downward when :math:`d_j < 0`. They are
defined on points, not intervals, because a desk revises the number it prints; whether two
intervals can both be true is the question :func:`~kzfigures.violations` answers. The *settling
step* is the first :math:`j^*` with :math:`|H_j - H_m| \\le \\text{within} \\cdot H_m` for every
:math:`j \\ge j^*`, and the time to settle is :math:`t_{j^*} - t_1`.

**Contradicted downwards.** Per claim :math:`c` (one speaker's figure, however many outlets
carried it; its point the smallest of its observations', known from the first of them), let

.. math:: m_c = \\min\\{p_d : K_d > K_c,\\ a_d \\ge a_c\\},

the lowest figure that became known later about the same or a later moment. The claim is
*contradicted downwards* when :math:`m_c < p_c`, by :math:`p_c - m_c` (its *excess*): for a
count that never falls, a later statement about a later moment cannot be lower unless the
earlier figure was too high (or the later one too low: a desk reading the table decides which).

Only cumulative series take part (a series with a non-cumulative row counts different days,
whose differences are no revisions), and only series with at least one stated figure.

>>> import pandas as pd
>>> days = [(21, 207), (22, 290), (23, 310), (23, 321), (24, 359), (25, 253)]
>>> toll = pd.DataFrame({"metric": "killed", "stated": [v for _, v in days],
...                      "as_of": [f"2019-04-{d}" for d, _ in days],
...                      "authority": ["Police"] * 5 + ["Health Ministry"]})
>>> result = revisions(toll)
>>> result.series[["first", "latest", "n_up", "n_down", "largest_drop", "time_to_settle"]]
   first  latest  n_up  n_down  largest_drop time_to_settle
0    207     253     3       1           106         4 days
>>> result.speakers[["speaker", "n_claims", "n_contradicted", "largest_excess"]]
           speaker  n_claims  n_contradicted  largest_excess
0  Health Ministry         1               0            <NA>
1           Police         5               4             106
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis._sorting import UNBOUNDED, lexsort_stable
from kzfigures.analysis.index import DEFAULT_BY, first_rows, point_values, take_rows
from kzfigures.analysis.inputs import Inputs, Prepared
from kzfigures.analysis.tables import REVISION_COLUMNS, SPEAKER_REVISION_COLUMNS, dtypes, empty_table
from kzfigures.analysis.vintages import known_by
from kzfigures.errors import InvalidArgumentError
from kzfigures.model import Observation

__all__ = ["Revisions", "contradicted_downwards", "revisions"]

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]


@attrs.frozen(eq=False, repr=False)
class Revisions:
    """What :func:`revisions` returns: each series' revisions and each speaker's record.

    Attributes
    ----------
    series : pandas.DataFrame
        One row per cumulative series with a stated figure: the key columns, then
        ``n_figures`` (stated observations), ``n_steps`` (distinct knowledge times among
        them), ``first``, ``first_id``, ``first_known_by`` (the first headline, the id of its
        figure and that figure's knowledge time), ``latest``, ``latest_id``,
        ``latest_known_by`` (the last headline, likewise), ``n_up``, ``n_down`` (headline
        changes up and down), ``largest_drop`` (Int64: the largest downward change, ``<NA>``
        if none), ``largest_drop_share`` (it over the headline before it), ``largest_drop_known_by``
        (the step it happened), ``latest_over_first`` (``latest / first``; NaN when ``first``
        is 0), ``settled_known_by`` (the step from which every headline stayed within
        ``within`` of the latest) and ``time_to_settle`` (that step minus the first step).
        Knowledge times are tz-aware instants in the frame's zone: a report dated January 8 is
        known by 2022-01-09 00:00.
    speakers : pandas.DataFrame
        One row per speaker (authority, else ``outlet: <outlet>``, as everywhere), sorted:
        ``speaker``, ``n_series``, ``n_claims`` (its stated claims in those series),
        ``n_contradicted`` (claims contradicted downwards), ``share_contradicted``,
        ``largest_excess`` (Int64, ``<NA>`` if none), ``mean_excess_share`` and
        ``largest_excess_share`` (excess over the claim's point, over its contradicted claims;
        NaN if none).
    within : float
        The settling tolerance used.
    by : tuple of str
        The key columns.
    """

    series: pd.DataFrame
    speakers: pd.DataFrame
    within: float
    by: tuple[str, ...]

    def __repr__(self) -> str:
        return (
            f"Revisions(by={self.by!r}, within={self.within!r}, series={len(self.series)} rows, "
            f"speakers={len(self.speakers)} rows)"
        )


def revisions(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    *,
    by: str | Sequence[str] = DEFAULT_BY,
    within: float = 0.10,
    validate: bool = True,
) -> Revisions:
    """How each series' headline was revised, and how often each speaker was contradicted downwards.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts.
    by : str or sequence of str, keyword-only
        The series key (default ``("metric", "group", "region")``).
    within : float, keyword-only
        The settling tolerance, a share of the latest headline (default 0.10: within 10 %).
    validate : bool, keyword-only
        As for the analyses.

    Returns
    -------
    Revisions
        ``.series`` (one row per series) and ``.speakers`` (one row per speaker); the columns
        are listed in :class:`Revisions`.

    Raises
    ------
    InvalidArgumentError
        ``within`` is not a finite number >= 0.
    UnknownColumnError
        ``by`` names a column that cannot key a series.

    Notes
    -----
    The definitions (headline, revision, settling step, contradicted downwards) are in the
    module docstring and in ``docs/revisions.md``. The headline at each step is a running
    maximum in a total order, so the series table costs one sort, ``O(n log n)``; the
    contradictions are a two-sided dominance minimum, swept in knowledge-time order with a
    Fenwick tree over ``as_of``, ``O(n log n)`` (a Python loop over the claims).

    Examples
    --------
    The detained count of the bundled dataset: 4,404 by the end of January 8; on January 9,
    "almost 6,000" and 6,044 about that day, the exact figure the more precise; on January 10,
    7,939 and "about 8,000", 7,939 the more precise.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> detained = kazakhstan_2022().query("metric == 'detained' and group == 'all'")
    >>> row = revisions(detained).series.iloc[0]
    >>> int(row["first"]), int(row["latest"]), int(row["n_up"]), int(row["n_down"])
    (4404, 7939, 2, 0)
    >>> str(row["first_known_by"]), str(row["time_to_settle"])
    ('2022-01-09 00:00:00+06:00', '2 days 00:00:00')
    """
    if isinstance(within, bool) or not isinstance(within, int | float) or not math.isfinite(within) or within < 0:
        raise InvalidArgumentError(
            f"within must be a finite number >= 0, a share of the latest figure (got {within!r})"
        )
    inputs = Inputs.of(observations, by, validate=validate)
    frame, columns = inputs.frame, list(inputs.by)
    if len(frame) == 0:
        return _empty(frame, columns, float(within))
    index = inputs.index()
    cumulative = pd.Series(frame["cumulative"].to_numpy(dtype=bool)).groupby(index.series).transform("all")
    rows = np.flatnonzero(cumulative.to_numpy(dtype=bool) & frame["stated"].notna().to_numpy(dtype=bool))
    if len(rows) == 0:
        return _empty(frame, columns, float(within))
    figures = _Figures.of(frame, index.series, index.start, index.id_rank, rows)
    series_table = _series_table(frame, columns, figures, float(within), index.series)
    speakers = _speaker_table(frame, figures, index.claim[rows], index.speaker[rows], index.speaker_names)
    return Revisions(series=series_table, speakers=speakers, within=float(within), by=tuple(columns))


def _empty(frame: pd.DataFrame, columns: list[str], within: float) -> Revisions:
    speakers = pd.DataFrame({"speaker": pd.Series([], dtype="string")}).join(
        empty_table(frame, [], SPEAKER_REVISION_COLUMNS)
    )
    return Revisions(empty_table(frame, columns, REVISION_COLUMNS), speakers, within, tuple(columns))


@attrs.frozen(eq=False)
class _Figures:
    """The stated figures of the cumulative series: their rows and what the definitions use."""

    rows: npt.NDArray[np.intp]
    series: _IntArray
    start: _IntArray
    known: _IntArray
    width: _IntArray
    point: _IntArray
    id_rank: _IntArray

    @classmethod
    def of(
        cls, frame: pd.DataFrame, series: _IntArray, start: _IntArray, id_rank: _IntArray, rows: npt.NDArray[np.intp]
    ) -> _Figures:
        part = frame.iloc[rows]
        low = part["low"].to_numpy(dtype=np.int64)
        high = part["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)
        width = np.where(high == UNBOUNDED, UNBOUNDED, high - low)
        return cls(
            rows=rows,
            series=series[rows],
            start=start[rows],
            known=known_by(part),
            width=width,
            point=point_values(part),
            id_rank=id_rank[rows],
        )


def _series_table(
    frame: pd.DataFrame, columns: list[str], f: _Figures, within: float, all_series: _IntArray
) -> pd.DataFrame:
    """One row per series: the headline at each step, then its first, latest, changes and settling."""
    n = len(f.rows)
    # Rank every figure in the headline order (within its series the greatest rank wins).
    rank = np.empty(n, dtype=np.int64)
    rank[lexsort_stable((-f.id_rank, f.point, -f.width, f.known, f.start, f.series))] = np.arange(n)
    # In knowledge-time order, the running maximum of the rank is the headline at each figure.
    order = lexsort_stable((f.known, f.series))
    series, known = f.series[order], f.known[order]
    best = pd.Series(rank[order]).groupby(series).cummax().to_numpy()
    by_rank = np.empty(n, dtype=np.intp)
    by_rank[rank] = np.arange(n)
    head = by_rank[best]  # the headline figure after each figure, in knowledge-time order
    step_end = np.r_[(series[1:] != series[:-1]) | (known[1:] != known[:-1]), True]
    s_series, s_known, s_head = series[step_end], known[step_end], head[step_end]
    value = f.point[s_head]
    first = np.r_[True, s_series[1:] != s_series[:-1]]
    last = np.r_[s_series[1:] != s_series[:-1], True]
    change = np.where(first, 0, value - np.r_[0, value[:-1]])
    step_series = np.cumsum(first) - 1  # each step's series number among those with figures
    n_out = int(first.sum())
    n_up = np.bincount(step_series, weights=change > 0, minlength=n_out).astype(np.int64)
    n_down = np.bincount(step_series, weights=change < 0, minlength=n_out).astype(np.int64)
    # The largest drop: the smallest change, where negative; ties go to the earliest step.
    drop_at = _first_of_runs(step_series, change)
    has_drop = change[drop_at] < 0
    previous = np.r_[0, value[:-1]]
    latest = value[last]
    latest_of_step = latest[step_series]
    bad = np.abs(value - latest_of_step) > within * latest_of_step
    last_bad = np.full(n_out, -1, dtype=np.int64)
    np.maximum.at(last_bad, step_series[bad], np.flatnonzero(bad))
    first_step = np.flatnonzero(first)
    settle = np.where(last_bad >= 0, last_bad + 1, first_step)
    tz = frame["as_of"].dt.tz
    ids = frame["id"].to_numpy(dtype=object)
    first_fig, latest_fig = s_head[first], s_head[last]
    out_series = s_series[first]
    keys = take_rows(frame[columns], first_rows(all_series)[out_series])
    first_value = value[first]
    drop = np.where(has_drop, -change[drop_at], 0)
    table = pd.DataFrame(
        {
            **{c: keys[c] for c in columns},
            "n_figures": np.bincount(np.searchsorted(out_series, f.series), minlength=n_out).astype(np.int64),
            "n_steps": np.bincount(step_series, minlength=n_out).astype(np.int64),
            "first": pd.array(first_value, dtype="Int64"),
            "first_id": pd.array(ids[f.rows[first_fig]], dtype="string"),
            "first_known_by": _times(f.known[first_fig], tz),
            "latest": pd.array(latest, dtype="Int64"),
            "latest_id": pd.array(ids[f.rows[latest_fig]], dtype="string"),
            "latest_known_by": _times(f.known[latest_fig], tz),
            "n_up": n_up,
            "n_down": n_down,
            "largest_drop": pd.array(np.where(has_drop, drop, 0), dtype="Int64"),
            "largest_drop_share": np.where(has_drop, drop / np.maximum(previous[drop_at], 1), np.nan),
            "largest_drop_known_by": _times(s_known[drop_at], tz),
            "latest_over_first": np.where(first_value > 0, latest / np.maximum(first_value, 1), np.nan),
            "settled_known_by": _times(s_known[settle], tz),
            "time_to_settle": pd.to_timedelta(s_known[settle] - s_known[first_step], unit="ns"),
        }
    )
    table.loc[~has_drop, "largest_drop"] = pd.NA
    table.loc[~has_drop, "largest_drop_known_by"] = pd.NaT
    return table.astype(dtypes(REVISION_COLUMNS, frame))


def _first_of_runs(group: _IntArray, value: _IntArray) -> _IntArray:
    """Per group (``group`` sorted, numbered from 0), the position of its smallest value, the earliest of ties."""
    order = lexsort_stable((np.arange(len(value)), value, group))
    starts = np.r_[True, group[order][1:] != group[order][:-1]]
    return np.asarray(order[starts], dtype=np.int64)


def _times(ns: _IntArray, tz: Any) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(ns, dtype=np.int64), unit="ns", utc=True)).dt.tz_convert(tz)


def contradicted_downwards(series: _IntArray, start: _IntArray, known: _IntArray, point: _IntArray) -> _IntArray:
    """Per figure, the lowest point known strictly later about the same or a later moment (-1 if none).

    :math:`m_c = \\min\\{p_d : s_d = s_c,\\ K_d > K_c,\\ a_d \\ge a_c\\}`, with ``series`` :math:`s`,
    ``start`` :math:`a`, ``known`` :math:`K` and ``point`` :math:`p`. Swept in decreasing
    knowledge time, each series a Fenwick tree of suffix minima over the ranks of ``start``;
    the figures of one knowledge time are queried before any of them is added. ``O(n log n)``.

    >>> contradicted_downwards(np.array([0, 0, 0, 1]), np.array([1, 2, 3, 1]), np.array([1, 2, 3, 1]),
    ...                        np.array([290, 359, 253, 7])).tolist()
    [253, 253, -1, -1]
    """
    n = len(point)
    result = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return result
    # Ranks of start within each series, counted from the latest (a suffix becomes a prefix).
    by_start = lexsort_stable((-start, series))
    first_of_series = np.r_[True, series[by_start][1:] != series[by_start][:-1]]
    base = np.maximum.accumulate(np.where(first_of_series, np.arange(n), 0))
    s_series, s_start = series[by_start], start[by_start]
    distinct = np.r_[True, (s_series[1:] != s_series[:-1]) | (s_start[1:] != s_start[:-1])]
    dense = np.cumsum(distinct) - 1
    rank = np.empty(n, dtype=np.int64)
    rank[by_start] = dense - dense[base] + 1  # 1-based within the series
    offset = np.empty(n, dtype=np.int64)
    offset[by_start] = base  # each series' own stretch of one shared tree array
    size = np.zeros(n, dtype=np.int64)
    np.maximum.at(size, offset, rank)
    tree = [math.inf] * (n + 1)
    order = lexsort_stable((-known, series)).tolist()
    k_list, r_list, o_list, s_list, p_list = (a.tolist() for a in (known, rank, offset, size, point))
    i = 0
    while i < n:
        j = i
        while j < n and series[order[j]] == series[order[i]] and k_list[order[j]] == k_list[order[i]]:
            j += 1
        for position in order[i:j]:  # query: the minimum over ranks 1 .. rank (starts >= own)
            base_at, r, best = o_list[position], r_list[position], math.inf
            while r > 0:
                best = min(best, tree[base_at + r])
                r -= r & -r
            if best != math.inf:
                result[position] = int(best)
        for position in order[i:j]:
            base_at, r, limit, value = o_list[position], r_list[position], s_list[o_list[position]], p_list[position]
            while r <= limit:
                if value < tree[base_at + r]:
                    tree[base_at + r] = value
                r += r & -r
        i = j
    return result


def _speaker_table(
    frame: pd.DataFrame, f: _Figures, claim: _IntArray, speaker: _IntArray, names: npt.NDArray[np.object_]
) -> pd.DataFrame:
    """One row per speaker: its claims, and how many were contradicted downwards and by how much."""
    codes, first_at = np.unique(claim, return_index=True)
    which = np.searchsorted(codes, claim)
    m = len(codes)
    point = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(point, which, f.point)
    known = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(known, which, f.known)
    start = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(start, which, f.start)
    series = f.series[first_at]
    who = speaker[first_at]
    lowest = contradicted_downwards(series, start, known, point)
    hit = (lowest >= 0) & (lowest < point)
    excess = np.where(hit, point - lowest, 0)
    share = np.where(hit, excess / np.maximum(point, 1), 0.0)
    used, who = np.unique(who, return_inverse=True)
    k = len(used)
    n_claims = np.bincount(who, minlength=k)
    n_hit = np.bincount(who, weights=hit, minlength=k).astype(np.int64)
    largest = np.zeros(k, dtype=np.int64)
    np.maximum.at(largest, who, excess)
    largest_share = np.zeros(k)
    np.maximum.at(largest_share, who, share)
    mean_share = np.bincount(who, weights=share, minlength=k) / np.maximum(n_hit, 1)
    pairs = np.unique(np.c_[who, series], axis=0)
    table = pd.DataFrame(
        {
            "speaker": pd.array(names[used].astype(object), dtype="string"),
            "n_series": np.bincount(pairs[:, 0], minlength=k).astype(np.int64),
            "n_claims": n_claims.astype(np.int64),
            "n_contradicted": n_hit,
            "share_contradicted": n_hit / n_claims,
            "largest_excess": pd.array(largest, dtype="Int64"),
            "mean_excess_share": np.where(n_hit > 0, mean_share, np.nan),
            "largest_excess_share": np.where(n_hit > 0, largest_share, np.nan),
        }
    )
    table.loc[n_hit == 0, "largest_excess"] = pd.NA
    return table.astype({"speaker": "string", **dtypes(SPEAKER_REVISION_COLUMNS, frame)})
