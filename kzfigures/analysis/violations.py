r"""Monotonic-growth checks: did a running total ever go down?

A figure is the count at some moment of its period, so two figures of one day are unordered:
only a figure whose period ends before another's starts can contradict it by a fall. Figures
of different speakers for overlapping periods whose intervals are disjoint are *disagreements*,
listed apart and not counted as violations.

>>> from kzfigures.datasets import kazakhstan_2022
>>> report = violations(kazakhstan_2022(), key={"metric": "detained", "group": "all"})
>>> report
ViolationReport(0 definite, 0 soft; 1 disagreement; 1 keys checked, 0 skipped, 0 observations skipped)
>>> report.disagreements[["kind", "id", "witness_id", "drop"]]
           kind           id   witness_id  drop
0  disagreement  kz22-004-05  kz22-004-08    45
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis._sorting import PACK_LIMIT, UNBOUNDED, lexsort_stable, order_codes
from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, annotate, first_rows, point_values, restrict
from kzfigures.analysis.inputs import Inputs, Prepared
from kzfigures.analysis.offenders import empty_offenders, offender_table
from kzfigures.analysis.tables import VIOLATION_COLUMNS, dtypes, empty_table
from kzfigures.model import Observation

__all__ = ["KINDS", "ViolationReport", "violation_pairs", "violation_tables", "violations"]

#: The kinds of violation, most serious first (the frame's sort order). Disagreements are not
#: violations: their table's kind is ``"disagreement"``.
KINDS: tuple[str, ...] = ("definite", "soft")


def _keys_tuple(value: Any) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(k) for k in value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class ViolationReport:
    """What :func:`violations` found and which keys it looked at.

    Attributes
    ----------
    frame : DataFrame
        One row per violation (see :func:`violations` for the columns).
    disagreements : DataFrame
        One row per disagreement: the same columns as ``frame``, kind ``"disagreement"``.
        Figures of different speakers for overlapping periods whose intervals are disjoint:
        news, but no fall of the count, so not counted as violations.
    offenders : DataFrame
        One row per figure that a later figure contradicts (the one the ``latest`` policy sets
        aside), with how many later figures it is above, when, and their range:
        :func:`~kzfigures.analysis.offenders.offender_table`. One outlier above twelve later
        figures is one row here and twelve in ``frame``.
    by : tuple of str
        The key columns.
    checked_keys : tuple of tuples
        Keys with at least one cumulative observation, in key order; each key
        is a tuple of the ``by`` values (``None`` for a missing value).
    skipped_keys : tuple of tuples
        Keys with no cumulative observation: not checked.
    mixed_keys : tuple of tuples
        Checked keys that also hold non-cumulative observations; those rows
        were left out of the check (a one-off count cannot break a running
        total) and are listed in ``skipped_ids``.
    skipped_ids : tuple of str
        Ids of every non-cumulative observation, sorted: nothing is dropped
        silently.
    """

    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    by: tuple[str, ...] = attrs.field(converter=_strings)
    checked_keys: tuple[tuple[Any, ...], ...] = attrs.field(converter=_keys_tuple)
    skipped_keys: tuple[tuple[Any, ...], ...] = attrs.field(converter=_keys_tuple)
    mixed_keys: tuple[tuple[Any, ...], ...] = attrs.field(converter=_keys_tuple, default=())
    skipped_ids: tuple[str, ...] = attrs.field(converter=_strings, default=())
    # Built without one: an empty table of the frame's columns.
    disagreements: pd.DataFrame = attrs.field(
        default=attrs.Factory(lambda self: self.frame.iloc[:0].copy(), takes_self=True), eq=False, repr=False
    )
    # What offenders are computed from, on first use: (frame, its violations, key columns, index).
    _offender_inputs: tuple[Any, ...] | None = attrs.field(default=None, eq=False, repr=False, alias="offender_inputs")
    _computed: dict[str, pd.DataFrame] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    @property
    def offenders(self) -> pd.DataFrame:
        """One row per figure later figures contradict (computed on first use, then kept)."""
        if "offenders" not in self._computed:
            if self._offender_inputs is None:
                self._computed["offenders"] = pd.DataFrame()
            else:
                self._computed["offenders"] = _offenders(*self._offender_inputs)
        return self._computed["offenders"]

    def __repr__(self) -> str:
        counts = self.frame["kind"].value_counts()
        found = ", ".join(f"{int(counts.get(kind, 0))} {kind}" for kind in KINDS)
        n_split = len(self.disagreements)
        return (
            f"ViolationReport({found}; {n_split} disagreement{'s' if n_split != 1 else ''}; "
            f"{len(self.checked_keys)} keys checked, "
            f"{len(self.skipped_keys)} skipped, {len(self.skipped_ids)} observations skipped)"
        )


def violations(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    by: str | Sequence[str] = DEFAULT_BY,
    *,
    key: Mapping[str, Any] | None = None,
    validate: bool = True,
) -> ViolationReport:
    r"""Every cumulative observation that cannot be reconciled with a non-decreasing count.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts, or a
        :class:`~kzfigures.Prepared` (:func:`~kzfigures.prepare`) to validate and index once.
    by : str or sequence of str
        The series key columns (default ``("metric", "group", "region")``).
    key : mapping, optional
        Check only rows whose columns equal these values.
    validate : bool, keyword-only
        ``False`` skips validating ``observations`` for a frame that is
        canonical already (from :func:`~kzfigures.from_frame`,
        :func:`~kzfigures.read_csv` or :func:`~kzfigures.to_frame`, or rows
        selected from one, and not modified since); see
        :func:`kzfigures.frame.as_frame`. Validate once, analyse many times.

    Returns
    -------
    ViolationReport
        ``.frame`` has one row per (observation, kind) found, sorted by key,
        slot, kind (``definite``, ``soft``) and id; ``.disagreements`` has
        the same columns, kind ``disagreement``, sorted by key, slot and id:

        =====================  ==================  ==============================================
        column                 dtype               meaning
        =====================  ==================  ==============================================
        kind                   string              ``definite``, ``soft`` (or ``disagreement``)
        *by columns*           as in the input     the series key
        id                     string              the offending observation :math:`j`
        witness_id             string              the observation :math:`w` it contradicts
        relation               string              ``revision`` (same speaker: a revision
                                                   downwards) or ``disagreement``
        speaker                string              speaker of :math:`j` (see :mod:`kzfigures.analysis.index`)
        witness_speaker        string              speaker of :math:`w`
        slot, witness_slot     int64               overlap components of :math:`j` and :math:`w`
        as_of, witness_as_of   datetime64[ns, tz]  their as-of times
        low, high              Int64               :math:`j`'s interval (``<NA>`` high: unbounded)
        point                  int64               :math:`j`'s point value :math:`p_j`
        witness_low, _high     Int64               :math:`w`'s interval
        witness_point          int64               :math:`p_w`
        drop                   int64               size of the fall or gap (see Notes), > 0
        time_gap               timedelta64[ns]     :math:`s_j - s_w`
        n_conflicting_earlier  int64               definite: :math:`\#\{i \prec j : l_i > h_j\}`;
                                                   disagreement: :math:`\#\{i \in O_j : l_i > h_j\}`;
                                                   soft: 0
        =====================  ==================  ==============================================

    Raises
    ------
    UnknownColumnError, UnknownKeyError, TimezoneError
        As for :func:`kzfigures.ranges`.

    Notes
    -----
    Only cumulative observations are compared, within one series. Observation
    :math:`i` says :math:`l_i \le C(\tau_i) \le h_i` (:math:`h_i = \infty` if
    unbounded) for a non-decreasing count :math:`C` and some moment
    :math:`\tau_i` in its period :math:`[s_i, e_i)`
    (:func:`~kzfigures.analysis.index.period_bounds`). Write :math:`i \prec j`
    ("strictly before") iff :math:`e_i \le s_j`; overlapping periods are
    unordered. Its point value :math:`p_i` is the stated number clipped into
    :math:`[l_i, h_i]` (:func:`~kzfigures.analysis.index.point_values`).
    Ties in every arg max go to the smallest id.

    * **definite**: :math:`\max_{i \prec j} l_i > h_j`. No non-decreasing
      count meets both figures. Witness :math:`w = \arg\max_{i \prec j} l_i`;
      drop :math:`= l_w - h_j`.
    * **soft**: :math:`j` states a number, is not definite, and
      :math:`p_j < \max \{p_i : i \prec j,\ i \text{ states a number}\}`: the
      stated numbers fall though the intervals allow a rising count (e.g.
      "about 8,000" on one day, 7,939 the next). Witness: that arg max; drop
      :math:`= p_w - p_j`. A vague or open-ended figure without a number
      neither falls nor is fallen from.
    * **disagreement** (in ``.disagreements``): with
      :math:`O_j = \{i : \text{speaker}_i \ne \text{speaker}_j,\ s_i < e_j,\ s_j < e_i\}`,
      :math:`\max_{i \in O_j} l_i > h_j`: another speaker's figure for an
      overlapping period lies wholly above. Witness
      :math:`w = \arg\max_{i \in O_j} l_i`; drop :math:`= l_w - h_j` (the gap).
      One speaker's differing figures of one period are updates of a rising
      count, not a disagreement.

    The set of figures is consistent (some :math:`C` and moments meet every
    figure) iff no row is definite: :doc:`/ranges-and-violations` proves it.
    The relation is ``revision`` when :math:`j` and :math:`w` have the same
    speaker.

    Complexity: the rows sorted by (series, overlap component) come with the
    index. Components are totally ordered, so "strictly before" is "in an
    earlier component" plus, inside a component of mixed precisions (an hour
    inside a day), the rows of its own component that end by its start.
    Running maxima over components give the witnesses, ``O(n)`` after the
    index's sort; a component whose periods all overlap (its latest start is
    before its earliest end) finds its disagreements from its two best
    speakers, ``O(n)``; a mixed component of :math:`k` rows checks its
    :math:`k^2` pairs, vectorized. ``n_conflicting_earlier`` is counted for
    the definite rows only, by divide and conquer over components
    (``O(n log n log s)`` for :math:`s` components per series), and for
    the disagreement rows by ``searchsorted``. No per-row Python loop.

    Examples
    --------
    The detention count never definitely falls; the Presidential Office's
    "almost 6,000" and the Police's 6,044 of January 9 are a disagreement,
    not a violation: the count could have risen during the day. The deaths'
    "a large number" of January 10 states no number, so it is no soft fall.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> report = violations(frame)
    >>> len(report.frame)
    0
    >>> report.disagreements[["kind", "metric", "group", "id", "witness_id", "drop"]]
               kind    metric group           id   witness_id  drop
    0  disagreement  detained   all  kz22-004-05  kz22-004-08    45
    >>> report.skipped_keys
    (('killed', 'security_forces', 'all'),)

    The definition holding: a fall a day later, by one speaker, is definite.

    >>> import pandas as pd
    >>> from kzfigures.frame import from_frame
    >>> fall = from_frame(pd.DataFrame({"id": ["a", "b"], "metric": "detained", "stated": [6044, 5000],
    ...                                 "as_of": ["2022-01-09", "2022-01-10"], "authority": "Police"}))
    >>> violations(fall).frame[["kind", "id", "witness_id", "relation", "drop"]]
           kind id witness_id relation  drop
    0  definite  b          a  revision  1044
    """
    inputs = Inputs.of(observations, by, key=key, validate=validate)
    frame, columns, shared = inputs.frame, list(inputs.by), inputs.shared
    cumulative = frame["cumulative"].to_numpy(dtype=bool)
    checked, skipped, mixed = _key_lists(frame, columns, cumulative, shared)
    skipped_ids = tuple(sorted(frame["id"].to_numpy(dtype=object)[~cumulative].tolist()))
    found, split = violation_tables(frame, shared, by=columns)
    return ViolationReport(
        frame=found,
        disagreements=split,
        offender_inputs=(frame, found, columns, shared),
        by=tuple(columns),
        checked_keys=checked,
        skipped_keys=skipped,
        mixed_keys=mixed,
        skipped_ids=skipped_ids,
    )


def _offenders(frame: pd.DataFrame, found: pd.DataFrame, columns: list[str], shared: ClaimIndex | None) -> pd.DataFrame:
    """The offenders of the series that hold a definite violation (an offender makes one)."""
    definite = found[found["kind"] == "definite"]
    if definite.empty:
        return empty_offenders(frame, columns)
    if shared is not None:
        return offender_table(frame, shared)
    # Index only the series at fault: the others have no offender.
    at_fault = pd.MultiIndex.from_frame(frame[columns]).isin(pd.MultiIndex.from_frame(definite[columns]))
    rows = frame[at_fault].reset_index(drop=True)
    return offender_table(rows, annotate(rows, columns))


def violation_pairs(frame: pd.DataFrame, index: ClaimIndex | None, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """The kernel of :func:`violations`: every violation among the cumulative rows of ``frame``.

    ``frame`` is canonical; ``index`` is its claim index (whose ``by`` is the key), or ``None``
    to index the rows here by ``by``. Other analyses that hold the index (the estimate's
    ``on_conflict="raise"``) call this rather than :func:`violations`, which would validate and
    index the frame again. Disagreements are not violations: :func:`violation_tables` returns
    them too.

    >>> from kzfigures.analysis.index import annotate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> violation_pairs(frame, annotate(frame)).equals(violations(frame).frame)
    True
    """
    return violation_tables(frame, index, by=by)[0]


def violation_tables(
    frame: pd.DataFrame, index: ClaimIndex | None, *, by: Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`violation_pairs` and the disagreements, from one pass: ``(violations, disagreements)``.

    >>> from kzfigures.analysis.index import annotate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> found, split = violation_tables(frame, annotate(frame))
    >>> split.equals(violations(frame).disagreements)
    True
    """
    columns = list(index.by) if index is not None else list(DEFAULT_BY if by is None else by)
    cumulative = frame["cumulative"].to_numpy(dtype=bool)
    if not cumulative.any():
        return _empty(frame, columns), _empty(frame, columns)
    if index is not None and _whole_series(index, cumulative):  # restrict the index: no sort
        # Only the columns the check reads, so that dropping the daily rows copies less.
        read = [*dict.fromkeys([*columns, "id", "low", "high", "stated", "as_of"])]
        return _find(frame.loc[cumulative, read].reset_index(drop=True), restrict(index, cumulative))
    rows = frame[cumulative].reset_index(drop=True)  # annotate reads the speakers' and times' columns too
    return _find(rows, annotate(rows, columns))


def _whole_series(index: ClaimIndex, keep: npt.NDArray[np.bool_]) -> bool:
    """Whether ``keep`` selects whole series of ``index`` (every row of a series, or none)."""
    rows = np.bincount(index.series)
    kept = np.bincount(index.series, weights=keep, minlength=len(rows))
    return bool(((kept == 0) | (kept == rows)).all())


def _as_key(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        None if v is pd.NA or v is None or v != v else (bool(v) if isinstance(v, np.bool_) else v) for v in values
    )


def _key_lists(
    frame: pd.DataFrame, columns: list[str], cumulative: npt.NDArray[np.bool_], index: ClaimIndex | None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The keys checked (some cumulative row), skipped (none) and mixed (some, not all), in key order."""
    if len(frame) == 0:
        return [], [], []
    if index is None:
        # observed=True: a categorical key's unused categories are no keys (pandas 2.2 listed them).
        flags = frame.groupby(columns, sort=True, dropna=False, observed=True)["cumulative"].agg(["any", "all"])
        keys = [_as_key(k if isinstance(k, tuple) else (k,)) for k in flags.index.to_list()]
        has_any = flags["any"].to_numpy(dtype=bool)
        has_all = flags["all"].to_numpy(dtype=bool)
    else:  # the index numbers the series in the same key order (sorted, missing last): no grouping
        rows = np.bincount(index.series)
        n_cumulative = np.bincount(index.series, weights=cumulative, minlength=len(rows))
        has_any, has_all = n_cumulative > 0, n_cumulative == rows
        first = first_rows(index.series)  # the cells groupby would show: each key's first row
        cells = zip(*(frame[column].to_numpy(dtype=object)[first].tolist() for column in columns), strict=True)
        keys = [_as_key(k) for k in cells]
    checked = [k for k, a in zip(keys, has_any, strict=True) if a]
    skipped = [k for k, a in zip(keys, has_any, strict=True) if not a]
    mixed = [k for k, a, b in zip(keys, has_any, has_all, strict=True) if a and not b]
    return checked, skipped, mixed


def _find(rows: pd.DataFrame, index: ClaimIndex) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The violations and the disagreements among ``rows`` (all cumulative), indexed by ``index``."""
    n = len(rows)
    columns = list(index.by)
    id_rank = index.id_rank
    # Everything below runs on the rows sorted by (series, component): index.order, no sort.
    order = index.order
    series, component = index.series[order], index.series_slot[order]
    start, end, speaker = index.start[order], index.end[order], index.speaker[order]
    low = rows["low"].to_numpy(dtype=np.int64)[order]
    high = rows["high"].to_numpy(dtype=np.int64, na_value=UNBOUNDED)[order]
    all_points = point_values(rows)
    point = all_points[order]
    stated = rows["stated"].notna().to_numpy(dtype=bool)[order]

    # One integer per (value, id) so that max picks the largest value, then the smallest id;
    # id_rank is a permutation, so a code's remainder mod n names its row: no search needed.
    rank = id_rank[order]
    position_of_rank = np.empty(n, dtype=np.intp)
    position_of_rank[rank] = np.arange(n)

    def encode(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return order_codes(values, PACK_LIMIT // n)[0] * n + (n - 1 - rank)

    def decode(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:  # -1 (none) decodes to 0: mask it
        return np.asarray(position_of_rank[n - 1 - np.maximum(codes, 0) % n], dtype=np.intp)

    enc_low = encode(low)
    enc_point = np.where(stated, encode(point), -1)
    parts = _Components.of(series, component, start, end)

    # Strictly before j: every row of an earlier component of its series (a running maximum up
    # to the component's first row), and, in a component of mixed precisions, the rows of its
    # own component that end by its start (checked pair by pair).
    earlier_low = parts.before_component(enc_low)
    earlier_point = parts.before_component(enc_point)
    over = parts.overlapping_best(enc_low, speaker)
    pairs = _pairs_in_mixed(parts, start, end, speaker, low, high, enc_low, enc_point)
    earlier_low = np.maximum(earlier_low, pairs.earlier_low)
    earlier_point = np.maximum(earlier_point, pairs.earlier_point)
    over = np.where(parts.mixed_rows, pairs.overlapping, over)
    low_witness, point_witness, over_witness = decode(earlier_low), decode(earlier_point), decode(over)
    definite = (earlier_low >= 0) & (low[low_witness] > high)
    soft = stated & ~definite & (earlier_point >= 0) & (point[point_witness] > point)
    disagree = (over >= 0) & (low[over_witness] > high)

    counts = pairs.earlier_above  # definite rows: add the rows above them in earlier components
    if definite.any():
        involved = np.bincount(series[definite], minlength=int(series[-1]) + 1)[series] > 0
        counts[involved] += _count_earlier_above(
            series[involved], index.slot[order][involved], low[involved], high[involved], definite[involved]
        )
    above = pairs.overlapping_above  # disagreements: the rows above them in their component
    flat_hits = disagree & ~parts.mixed_rows
    if flat_hits.any():
        above[flat_hits] = parts.overlapping_above(flat_hits, speaker, low, high)

    def piece(kind: str, mask: npt.NDArray[np.bool_], witness: Any, drop: Any, count: Any) -> Any:
        chosen = np.flatnonzero(mask)
        return (kind, order[chosen], order[witness[chosen]], drop[chosen], count[chosen])

    found = _assemble(
        rows,
        columns,
        index,
        all_points,
        [
            piece("definite", definite, low_witness, low[low_witness] - high, counts),
            piece("soft", soft, point_witness, point[point_witness] - point, counts),
        ],
        KINDS,
    )
    split = _assemble(
        rows,
        columns,
        index,
        all_points,
        [piece("disagreement", disagree, over_witness, low[over_witness] - high, above)],
        ("disagreement",),
    )
    return found, split


@attrs.frozen(eq=False)
class _Components:
    """The overlap components of rows sorted by (series, component), and which are of mixed precisions.

    A component's periods all overlap iff its latest start is before its earliest end
    (intervals that meet pairwise share a point); then "overlapping j" is "in j's component",
    and "strictly before j" is "in an earlier component of j's series". Otherwise (an hour
    inside a day) the component is *mixed* and its pairs are checked one by one.
    """

    series: npt.NDArray[np.int64]
    first: npt.NDArray[np.intp]  # each component's first sorted position
    size: npt.NDArray[np.intp]  # and its number of rows
    which: npt.NDArray[np.intp]  # each row's component, numbered 0, 1, ... in sorted order
    mixed: npt.NDArray[np.bool_]  # per component
    mixed_rows: npt.NDArray[np.bool_]  # per row

    @classmethod
    def of(
        cls,
        series: npt.NDArray[np.int64],
        component: npt.NDArray[np.int64],
        start: npt.NDArray[np.int64],
        end: npt.NDArray[np.int64],
    ) -> _Components:
        new = np.r_[True, component[1:] != component[:-1]]
        first = np.flatnonzero(new)
        mixed = np.maximum.reduceat(start, first) >= np.minimum.reduceat(end, first)
        which = np.cumsum(new) - 1
        size = np.diff(np.r_[first, len(component)])
        return cls(series, first, size, which, mixed, mixed[which])

    def before_component(self, codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Per row, the largest code in the earlier components of its series (-1 if none; codes >= -1)."""
        running = pd.Series(codes).groupby(self.series).cummax().to_numpy()
        previous = self.first[self.which] - 1  # the last row of the component before
        has_earlier = (previous >= 0) & (self.series[np.maximum(previous, 0)] == self.series)
        return np.where(has_earlier, running[np.maximum(previous, 0)], -1)

    def overlapping_best(self, codes: npt.NDArray[np.int64], speaker: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Per row, the largest code among the other speakers' rows of its component (-1 if none).

        The component's top code, unless that is the row's own speaker's: then the top among
        the rows of every other speaker. ``O(n)``.
        """
        top = np.maximum.reduceat(codes, self.first)
        # The codes are distinct (they hold the id), so one row of each component holds its top.
        holder = np.maximum.reduceat(np.where(codes == top[self.which], np.arange(len(codes)), -1), self.first)
        top_speaker = speaker[holder][self.which]
        second = np.maximum.reduceat(np.where(speaker != top_speaker, codes, -1), self.first)
        return np.where(speaker != top_speaker, top[self.which], second[self.which])

    def overlapping_above(
        self,
        asked: npt.NDArray[np.bool_],
        speaker: npt.NDArray[np.int64],
        low: npt.NDArray[np.int64],
        high: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64]:
        r"""For each row ``asked`` (in components whose periods all overlap), :math:`\#\{i : \text{same
        component, other speaker},\ l_i > h_j\}`: the rows of its component above it, less its own
        speaker's. Sorts only the components that hold an asked row."""
        involved = np.bincount(self.which[asked], minlength=len(self.first))[self.which] > 0
        which, who, lo, hi = self.which[involved], speaker[involved], low[involved], high[involved]
        query = asked[involved]
        m = len(which)
        ranks, width = order_codes(np.r_[lo, hi], PACK_LIMIT // (2 * m))
        low_rank, high_rank = ranks[:m], ranks[m:]
        dense_component = np.cumsum(np.r_[True, which[1:] != which[:-1]]) - 1
        group = np.unique(dense_component * (int(who.max()) + 1) + who, return_inverse=True)[1].reshape(-1)

        def above_in(owner: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
            codes = np.sort(owner * width + low_rank)
            base = owner[query] * width
            found = np.searchsorted(codes, base + width) - np.searchsorted(codes, base + high_rank[query], side="right")
            return np.asarray(found, dtype=np.int64)

        return above_in(dense_component) - above_in(group)


#: Pairs examined at once in components of mixed precisions (bounds the memory, not the time).
_PAIR_BATCH = 1 << 22


@attrs.frozen(eq=False)
class _MixedPairs:
    """Per row (-1 or 0 outside the mixed components): what its own component's pairs say."""

    earlier_low: npt.NDArray[np.int64]  # largest low code among rows that end by its start
    earlier_point: npt.NDArray[np.int64]  # largest stated point code among them
    earlier_above: npt.NDArray[np.int64]  # how many of them have a low above its high
    overlapping: npt.NDArray[np.int64]  # largest low code among overlapping rows of other speakers
    overlapping_above: npt.NDArray[np.int64]  # how many of those have a low above its high


def _pairs_in_mixed(
    parts: _Components,
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    speaker: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    enc_low: npt.NDArray[np.int64],
    enc_point: npt.NDArray[np.int64],
) -> _MixedPairs:
    """Every ordered pair (i, j) of each mixed component, ``O(sum k^2)`` for components of ``k`` rows.

    Vectorized in batches of about :data:`_PAIR_BATCH` pairs; the pairs of one ``j`` are
    contiguous, so each maximum and count is a ``reduceat``.
    """
    n = len(low)
    result = _MixedPairs(
        earlier_low=np.full(n, -1, dtype=np.int64),
        earlier_point=np.full(n, -1, dtype=np.int64),
        earlier_above=np.zeros(n, dtype=np.int64),
        overlapping=np.full(n, -1, dtype=np.int64),
        overlapping_above=np.zeros(n, dtype=np.int64),
    )
    rows = np.flatnonzero(parts.mixed_rows)  # sorted by component: each component contiguous
    size = parts.size[parts.which[rows]]
    offset = parts.first[parts.which[rows]]
    cost = np.cumsum(size)
    lo = 0
    while lo < len(rows):
        taken = int(cost[lo] - size[lo])
        hi = max(int(np.searchsorted(cost, taken + _PAIR_BATCH, side="right")), lo + 1)
        sizes = size[lo:hi]
        j = np.repeat(rows[lo:hi], sizes)
        bounds = np.r_[0, np.cumsum(sizes)[:-1]]
        i = np.repeat(offset[lo:hi], sizes) + np.arange(len(j)) - np.repeat(bounds, sizes)
        before = end[i] <= start[j]
        meet = (start[i] < end[j]) & (start[j] < end[i]) & (speaker[i] != speaker[j])
        above = low[i] > high[j]
        mine = rows[lo:hi]
        result.earlier_low[mine] = np.maximum.reduceat(np.where(before, enc_low[i], -1), bounds)
        result.earlier_point[mine] = np.maximum.reduceat(np.where(before, enc_point[i], -1), bounds)
        result.earlier_above[mine] = np.add.reduceat((before & above).astype(np.int64), bounds)
        result.overlapping[mine] = np.maximum.reduceat(np.where(meet, enc_low[i], -1), bounds)
        result.overlapping_above[mine] = np.add.reduceat((meet & above).astype(np.int64), bounds)
        lo = hi
    return result


def _count_earlier_above(
    series: npt.NDArray[np.int64],
    g: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    asked: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    r"""For each row ``asked``, :math:`\#\{j : \text{same series},\ g_j < g_i,\ l_j > h_i\}`; 0 elsewhere.

    Rows sorted by series, g. Divide and conquer on the bits of ``g``: a
    pair with :math:`g_j < g_i` is counted once, at the highest bit where
    they differ, with ``j`` in the left half and ``i`` in the right half of a
    block. Each level sorts the left halves by (block, low) and counts with
    two ``searchsorted`` for the asked rows of the right halves.
    """
    n = len(g)
    counts = np.zeros(n, dtype=np.int64)
    if n == 0:
        return counts
    ranks, width = order_codes(np.concatenate([low, high]), PACK_LIMIT // n)  # block ids number < n
    low_rank, high_rank = ranks[:n], ranks[n:]
    n_slots = int(g.max()) + 1
    level = 0
    while (1 << level) < n_slots:
        block = g >> (level + 1)
        right = ((g >> level) & 1).astype(bool)
        changed = np.r_[True, (block[1:] != block[:-1]) | (series[1:] != series[:-1])]
        block_id = np.cumsum(changed) - 1
        left_codes = np.sort(block_id[~right] * width + low_rank[~right])
        query = right & asked
        base = block_id[query] * width
        counts[query] += np.searchsorted(left_codes, base + width, side="left") - np.searchsorted(
            left_codes, base + high_rank[query], side="right"
        )
        level += 1
    return counts


def _assemble(
    rows: pd.DataFrame,
    columns: list[str],
    index: ClaimIndex,
    point: npt.NDArray[np.int64],
    pieces: list[tuple[str, Any, Any, Any, Any]],
    kinds: tuple[str, ...],
) -> pd.DataFrame:
    who = np.concatenate([p[1] for p in pieces]).astype(np.intp)
    witness = np.concatenate([p[2] for p in pieces]).astype(np.intp)
    drop = np.concatenate([p[3] for p in pieces]).astype(np.int64)
    counts = np.concatenate([p[4] for p in pieces]).astype(np.int64)
    series, slot, start, speaker = index.series, index.slot, index.start, index.speaker
    # Sort by key, slot, kind, id before gathering anything. Series ids number the keys in key
    # order (missing last, as sort_values puts them) and id_rank is the ids' order, so integer keys
    # give the same order as sorting the frame; (kind, id) is unique, so the order is total.
    kind_rank = np.concatenate([np.full(len(p[1]), kinds.index(p[0]), dtype=np.int64) for p in pieces])
    id_rank, k = index.id_rank, len(kinds)
    n = len(id_rank)
    if k * n * n < PACK_LIMIT:  # series_slot orders (series, slot), and both it and id_rank are < n
        ordering = np.argsort((index.series_slot[who] * k + kind_rank) * n + id_rank[who])
    else:
        ordering = lexsort_stable((id_rank[who], kind_rank, slot[who], series[who]))
    kind_rank, who, witness, drop, counts = (a[ordering] for a in (kind_rank, who, witness, drop, counts))
    same = speaker[who] == speaker[witness]

    def take(column: str, positions: npt.NDArray[np.intp]) -> Any:
        # Gather the column's own array: to_numpy() would box tz-aware times and Int64 with NA
        # into Python objects, one per row, and a string array built from objects checks each one.
        return rows[column].array.take(positions)

    # The texts drawn from a few values are string arrays of those values, gathered: no check per row.
    kind_names = _string(np.array(kinds, dtype=object))
    relations = _string(np.array(["disagreement", "revision"], dtype=object))
    names = _string(index.speaker_names)
    # Build every column first and the frame once: inserting columns one by one re-infers each.
    data: dict[str, Any] = {"kind": kind_names.take(kind_rank)}
    # A string key column holds one value per series: gathered from one row per series, the
    # result's cells point at a few thousand strings instead of one scattered string per row.
    one_row = first_rows(series)
    data.update(
        {
            column: take(column, one_row).take(series[who]) if rows[column].dtype == "string" else take(column, who)
            for column in columns
        }
    )
    data.update(
        {
            "id": take("id", who),
            "witness_id": take("id", witness),
            "relation": relations.take(same.astype(np.intp)),
            "speaker": names.take(speaker[who]),
            "witness_speaker": names.take(speaker[witness]),
            "slot": slot[who],
            "witness_slot": slot[witness],
            "as_of": take("as_of", who),
            "witness_as_of": take("as_of", witness),
            "low": take("low", who),
            "high": take("high", who),
            "point": point[who],
            "witness_low": take("low", witness),
            "witness_high": take("high", witness),
            "witness_point": point[witness],
            "drop": drop,
            "time_gap": pd.to_timedelta(start[who] - start[witness], unit="ns"),
            "n_conflicting_earlier": counts,
        }
    )
    return pd.DataFrame(data, copy=False).astype(dtypes(VIOLATION_COLUMNS, rows))


def _string(texts: npt.NDArray[np.object_]) -> Any:
    # Texts straight into a string array: DataFrame.astype("string") of an object column copies
    # and checks it twice.
    return pd.array(texts, dtype="string")


def _empty(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    table = empty_table(frame, columns, VIOLATION_COLUMNS)
    table.insert(0, "kind", pd.Series([], dtype="string"))
    return table
