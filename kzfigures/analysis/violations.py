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

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import compress
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures import _strings
from kzfigures.analysis._runs import run_starts
from kzfigures.analysis._sorting import PACK_LIMIT, UNBOUNDED, lexsort_stable, order_codes
from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, annotate, key_cells, point_values, restrict
from kzfigures.analysis.inputs import Inputs, Prepared
from kzfigures.analysis.offenders import empty_offenders, offender_table
from kzfigures.analysis.tables import VIOLATION_COLUMNS, dtypes, empty_table
from kzfigures.model import Observation

__all__ = ["KINDS", "ViolationReport", "violation_pairs", "violation_tables", "violations"]

#: The kinds of violation, most serious first (the frame's sort order). Disagreements are not
#: violations: their table's kind is ``"disagreement"``.
KINDS: tuple[str, ...] = ("definite", "soft")


def _keys_tuple(value: Any) -> tuple[tuple[Any, ...], ...]:
    return tuple(map(tuple, value))  # map: no Python frame per key (a series per row is 10^6 keys)


def _str_tuple(value: Any) -> tuple[str, ...]:
    return tuple(map(str, value))


def _optional_keys_tuple(value: Any) -> tuple[tuple[Any, ...], ...] | None:
    return None if value is None else _keys_tuple(value)


@attrs.frozen(eq=False)
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

    Notes
    -----
    :func:`violations` leaves ``offenders`` and the three key tuples to be built on first
    use, then keeps them: a frame of a series per row has a million keys, a Python tuple
    each, which a caller reading only ``frame`` should not pay for. They are built from the
    frame analysed, which for a :class:`~kzfigures.Prepared` is its ``frame``: change that in
    place only after reading them. Two reports are equal when their ``by``, key tuples and
    ``skipped_ids`` are.
    """

    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    by: tuple[str, ...] = attrs.field(converter=_str_tuple)
    # Given (as to any constructor) or built on first use from key_inputs.
    _checked_keys: tuple[tuple[Any, ...], ...] | None = attrs.field(
        default=None, converter=_optional_keys_tuple, alias="checked_keys"
    )
    _skipped_keys: tuple[tuple[Any, ...], ...] | None = attrs.field(
        default=None, converter=_optional_keys_tuple, alias="skipped_keys"
    )
    _mixed_keys: tuple[tuple[Any, ...], ...] | None = attrs.field(
        default=None, converter=_optional_keys_tuple, alias="mixed_keys"
    )
    skipped_ids: tuple[str, ...] = attrs.field(converter=_str_tuple, default=())
    # Built without one: an empty table of the frame's columns.
    disagreements: pd.DataFrame = attrs.field(
        default=attrs.Factory(lambda self: self.frame.iloc[:0].copy(), takes_self=True), eq=False, repr=False
    )
    # What offenders are computed from, on first use: (frame, its violations, key columns, index).
    _offender_inputs: tuple[Any, ...] | None = attrs.field(default=None, eq=False, repr=False, alias="offender_inputs")
    # What the key tuples not given are computed from, on first use: the arguments of _key_lists.
    _key_inputs: tuple[Any, ...] | None = attrs.field(default=None, eq=False, repr=False, alias="key_inputs")
    _computed: dict[str, Any] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    @property
    def offenders(self) -> pd.DataFrame:
        """One row per figure later figures contradict (computed on first use, then kept)."""
        if "offenders" not in self._computed:
            if self._offender_inputs is None:
                self._computed["offenders"] = pd.DataFrame()
            else:
                self._computed["offenders"] = _offenders(*self._offender_inputs)
        frame: pd.DataFrame = self._computed["offenders"]
        return frame

    @property
    def checked_keys(self) -> tuple[tuple[Any, ...], ...]:
        """Keys with at least one cumulative observation, in key order (built on first use)."""
        return self._keys()[0]

    @property
    def skipped_keys(self) -> tuple[tuple[Any, ...], ...]:
        """Keys with no cumulative observation: not checked (built on first use)."""
        return self._keys()[1]

    @property
    def mixed_keys(self) -> tuple[tuple[Any, ...], ...]:
        """Checked keys that also hold non-cumulative observations (built on first use)."""
        return self._keys()[2]

    def _keys(self) -> tuple[tuple[tuple[Any, ...], ...], ...]:
        if "keys" not in self._computed:
            built = _key_lists(*self._key_inputs) if self._key_inputs is not None else ((), (), ())
            given = (self._checked_keys, self._skipped_keys, self._mixed_keys)
            self._computed["keys"] = tuple(
                _keys_tuple(b) if g is None else g for g, b in zip(given, built, strict=True)
            )
        keys: tuple[tuple[tuple[Any, ...], ...], ...] = self._computed["keys"]
        return keys

    def _compared(self) -> tuple[Any, ...]:
        return (self.by, *self._keys(), self.skipped_ids)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ViolationReport)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

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
    speakers, ``O(n)``; a mixed component sweeps its starts and ends
    (``O(k log k)`` for :math:`k` rows; a component of at most 16 rows checks
    its pairs, which costs less). ``n_conflicting_earlier`` is counted for
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
    skipped_ids = tuple(sorted(frame["id"][~cumulative].to_numpy(dtype=object).tolist()))
    found, split = violation_tables(frame, shared, by=columns)
    return ViolationReport(
        frame=found,
        disagreements=split,
        offender_inputs=(frame, found, columns, shared),
        by=tuple(columns),
        key_inputs=(frame, columns, cumulative, shared),
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
        # A series of one row holds no pair to compare (a frame of a series a row holds none).
        keep = cumulative & (np.bincount(index.series)[index.series] > 1)
        if not keep.any():
            return _empty(frame, columns), _empty(frame, columns)
        # Only the columns the check reads, so that dropping the daily rows copies less.
        read = [*dict.fromkeys([*columns, "id", "low", "high", "stated", "as_of"])]
        rows = frame[read] if keep.all() else frame.loc[keep, read]  # all: no row mask to apply
        return _find(rows.reset_index(drop=True), restrict(index, keep))
    rows = frame[cumulative].reset_index(drop=True)  # annotate reads the speakers' and times' columns too
    return _find(rows, annotate(rows, columns))


def _whole_series(index: ClaimIndex, keep: npt.NDArray[np.bool_]) -> bool:
    """Whether ``keep`` selects whole series of ``index`` (every row of a series, or none)."""
    rows = np.bincount(index.series)
    kept = np.bincount(index.series, weights=keep, minlength=len(rows))
    return bool(((kept == 0) | (kept == rows)).all())


def _as_key(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(_as_cell(v) for v in values)


def _as_cell(v: Any) -> Any:
    """A key cell as the key lists show it: None for any missing marker, a Python bool for numpy's."""
    return None if v is pd.NA or v is None or v != v else (bool(v) if isinstance(v, np.bool_) else v)


def _key_cells(values: pd.Series) -> list[Any]:
    """:func:`_as_cell` of each cell; text, the usual key, converted in one step (a series per row is 10^6 keys)."""
    if _strings.arrow(values) is not None:
        # From the distinct texts: equal cells share one Python string (Arrow would build one per
        # cell), so 10^6 keys hold a string per distinct text, as Python-string columns do.
        codes, distinct = _strings.factorize(values)
        return list(np.append(distinct, [None])[codes].tolist())  # code -1, missing, reads the None
    if isinstance(values.dtype, pd.StringDtype):
        # A copy: to_numpy of Python strings may hand out the frame's own array, which must not be written.
        cells = values.to_numpy(dtype=object, copy=True)
        cells[values.isna().to_numpy(dtype=bool)] = None
        return list(cells.tolist())
    return [_as_cell(v) for v in values.to_numpy(dtype=object).tolist()]


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
        cells = index.series_keys(frame)  # groupby's cells: each key's first row
        keys = list(zip(*(_key_cells(cells[column]) for column in columns), strict=True))
    checked = list(compress(keys, has_any.tolist()))
    skipped = list(compress(keys, (~has_any).tolist()))
    mixed = list(compress(keys, (has_any & ~has_all).tolist()))
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
    # own component that end by its start (a sweep over its starts and ends). The sweep comes
    # first: on one huge series it is the peak of memory, so the arrays below do not add to it.
    mixed_low, mixed_point, mixed_over = _mixed_best(parts, start, end, speaker, enc_low, enc_point)
    earlier_low = np.maximum(parts.before_component(enc_low), mixed_low)
    earlier_point = np.maximum(parts.before_component(enc_point), mixed_point)
    over = np.where(parts.mixed_rows, mixed_over, parts.overlapping_best(enc_low, speaker))
    del mixed_low, mixed_point, mixed_over
    low_witness, point_witness, over_witness = decode(earlier_low), decode(earlier_point), decode(over)
    definite = (earlier_low >= 0) & (low[low_witness] > high)
    soft = stated & ~definite & (earlier_point >= 0) & (point[point_witness] > point)
    disagree = (over >= 0) & (low[over_witness] > high)

    # Rows above them in their own mixed component: definite rows only (a row that is not definite
    # has none before it), and disagreements only.
    counts, above = _mixed_above(parts, start, end, speaker, low, high, definite, disagree)
    # Definite rows: add the rows above them in earlier components.
    if definite.any():
        involved = np.bincount(series[definite], minlength=int(series[-1]) + 1)[series] > 0
        counts[involved] += _count_earlier_above(
            series[involved], index.slot[order][involved], low[involved], high[involved], definite[involved]
        )
    # Disagreements outside the mixed components: the rows above them in their component.
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
    inside a day) the component is *mixed*: :func:`_mixed_best` looks inside it.
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

    def small(self) -> npt.NDArray[np.bool_]:
        """The mixed components of at most :data:`_PAIRS_UP_TO` rows, which check their pairs of rows."""
        return self.mixed & (self.size <= _PAIRS_UP_TO)

    def small_rows(self) -> npt.NDArray[np.bool_]:
        """The rows of :meth:`small` components."""
        return self.small()[self.which]

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


def _mixed_best(
    parts: _Components,
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    speaker: npt.NDArray[np.int64],
    enc_low: npt.NDArray[np.int64],
    enc_point: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    r"""Per row, what the rows of its own mixed component say: ``(earlier_low, earlier_point, overlapping)``.

    For row :math:`j` of a mixed component, with :math:`B_j = \{i : e_i \le s_j\}` (the rows
    before it) and :math:`O_j = \{i : s_i < e_j,\ s_j < e_i,\ \text{speaker}_i \ne
    \text{speaker}_j\}` (overlapping it, another speaker), :math:`i` in its component: the
    largest ``enc_low`` and ``enc_point`` over :math:`B_j` and the largest ``enc_low`` over
    :math:`O_j`; -1 if empty and outside the mixed components. Components of at most
    :data:`_PAIRS_UP_TO` rows check their pairs; in the others, maxima over :math:`B_j` are
    running maxima over the ends and starts sorted together, over :math:`O_j` a divide and
    conquer over those events (:func:`_best_overlapping`): ``O(m log m)`` for :math:`m` rows in
    mixed components, where checking every pair cost :math:`\sum k^2` for components of
    :math:`k` rows (``tests/test_mixed_pairs.py`` compares the two). :math:`B_j` depends on
    :math:`j` only through its period and :math:`O_j` through its period and speaker, so each
    sweep runs over those units of a component (:func:`_units`), each unit holding its rows'
    largest code, and its answer is every one of its rows'. A larger component of at most
    :data:`_PERIOD_PAIRS_UP_TO` distinct periods checks its pairs of periods instead
    (:func:`_by_period_pairs`): :math:`d^2` pairs for :math:`d` periods, cheaper than the sweep
    where an hourly archive repeats a few dozen periods a day.
    """
    n = len(start)
    earlier_low, earlier_point, overlapping = (np.full(n, -1, dtype=np.int64) for _ in range(3))
    small = parts.small_rows()
    for rows in _cubes(parts, np.flatnonzero(parts.small())):
        s, e, who = start[rows], end[rows], speaker[rows]
        # [c, j, i]: i ends by the time j starts; i and j overlap and are other speakers'. i = j is neither
        # (its period is not empty, and it is its own speaker's).
        before = e[:, None, :] <= s[:, :, None]
        meet = (s[:, None, :] < e[:, :, None]) & (s[:, :, None] < e[:, None, :]) & (who[:, None, :] != who[:, :, None])
        earlier_low[rows] = np.where(before, enc_low[rows][:, None, :], -1).max(axis=2)
        earlier_point[rows] = np.where(before, enc_point[rows][:, None, :], -1).max(axis=2)
        overlapping[rows] = np.where(meet, enc_low[rows][:, None, :], -1).max(axis=2)
    rows = np.flatnonzero(parts.mixed_rows & ~small)  # sorted by component: each component contiguous
    if len(rows) == 0:
        return earlier_low, earlier_point, overlapping

    def of_rows(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return values if len(rows) == n else values[rows]  # one huge series: every row, no copy

    group = _dense(parts.which[rows])
    t_start, t_end, width = _time_codes(of_rows(start), of_rows(end))
    # Rows of one period in one component have the same rows before them, and rows of one period and
    # speaker the same rows overlapping them: each sweep runs over those units, each holding its rows'
    # best code, and gives its answer to all of them (an hourly archive repeats its periods often).
    period, first = _units(_units(group, t_start, width)[0], t_end, width)
    few = np.bincount(group[first])[group] <= _PERIOD_PAIRS_UP_TO  # per row: its component has few periods
    if few.any():
        answers = _by_period_pairs(
            group, t_start, t_end, period, first, of_rows(speaker), of_rows(enc_low), of_rows(enc_point), few
        )
        for target, answer in zip((earlier_low, earlier_point, overlapping), answers, strict=True):
            target[rows[few]] = answer
        if few.all():
            return earlier_low, earlier_point, overlapping
        rows, group, t_start, t_end = rows[~few], _dense(group[~few]), t_start[~few], t_end[~few]
        period, first = _units(_units(group, t_start, width)[0], t_end, width)
    # Before: a unit's end at or before another's start, each unit a point at its end and a query at its start.
    events = _Events.of(group[first], t_end[first], t_start[first], width, strict=False)
    asked = ~events.is_point
    for codes, target in ((enc_low, earlier_low), (enc_point, earlier_point)):
        seen = _running_max(events.group, np.where(events.is_point, _unit_max(period, of_rows(codes))[events.row], -1))
        answer = np.empty(len(first), dtype=np.int64)
        answer[events.row[asked]] = seen[asked]
        target[rows] = answer[period]
    del events, seen, asked  # freed before the overlap sweep builds its own (the peak of one huge series)
    who = of_rows(speaker)
    unit, first = _units(period, who, int(who.max()) + 1)
    best = _best_overlapping(
        group[first], t_start[first], t_end[first], width, who[first], _unit_max(unit, of_rows(enc_low))
    )
    overlapping[rows] = best[unit]
    return earlier_low, earlier_point, overlapping


def _units(
    unit: npt.NDArray[np.int64], codes: npt.NDArray[np.int64], width: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """The rows' distinct ``(unit, code)`` pairs, numbered in order of first appearance, and each one's first row.

    ``unit`` is below ``len(unit)`` and ``codes`` below ``width`` (times here: at most ``4m + 2``
    for ``m`` rows), so the packed pairs fit an int64. Numbered by first appearance: where rows
    come grouped (a component's rows together), a group's pairs are numbered after those of the
    groups before it, so the new units stay in group order.

    >>> [a.tolist() for a in _units(np.array([0, 0, 1, 1]), np.array([5, 5, 5, 2]), 6)]
    [[0, 0, 1, 2], [0, 2, 3]]
    """
    pairs = pd.factorize(unit * width + codes)[0].astype(np.int64)
    if len(pairs) == 0:
        return pairs, np.zeros(0, dtype=np.intp)
    # Numbered by first appearance: a pair appears first where its number exceeds every one before.
    first = np.flatnonzero(np.r_[True, pairs[1:] > np.maximum.accumulate(pairs)[:-1]])
    return pairs, first


def _unit_max(unit: npt.NDArray[np.int64], codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The largest of ``codes`` (``>= -1``) over each unit's rows.

    >>> _unit_max(np.array([0, 1, 0]), np.array([3, -1, 7])).tolist()
    [7, -1]
    """
    best = np.full(int(unit.max()) + 1 if len(unit) else 0, -1, dtype=np.int64)
    np.maximum.at(best, unit, codes)
    return best


def _by_period_pairs(
    group: npt.NDArray[np.int64],
    t_start: npt.NDArray[np.int64],
    t_end: npt.NDArray[np.int64],
    period: npt.NDArray[np.int64],
    first: npt.NDArray[np.intp],
    speaker: npt.NDArray[np.int64],
    enc_low: npt.NDArray[np.int64],
    enc_point: npt.NDArray[np.int64],
    wanted: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    r""":func:`_mixed_best`'s three maxima for the ``wanted`` rows, by comparing their components' periods in pairs.

    Rows are those of large mixed components, sorted by ``group`` (their component); ``period``
    numbers each row's distinct (component, start, end), the periods of a component consecutive,
    and ``first`` is each period's first row; ``wanted`` takes whole components. A component of
    :math:`d` distinct periods has :math:`d^2` pairs of periods, against :math:`k^2` pairs of rows
    for :math:`k` rows (an hourly archive: 33 periods for 137 rows a day). :math:`B_j` and
    :math:`O_j` depend on :math:`j`'s period, and :math:`O_j` on its speaker too: each period
    :math:`q` keeps its largest ``enc_low`` and ``enc_point`` and its top two ``enc_low`` of
    different speakers (codes are distinct where :math:`\ge 0`, so the top names one speaker). Per
    period :math:`p`, ``best`` is the largest top over the periods overlapping it and ``other`` the
    largest over them of a different speaker than ``best``'s; a row of :math:`p` takes ``best``
    unless it is its own speaker's, then ``other``.
    """
    n_periods = len(first)
    p_start, p_end, p_group = t_start[first], t_end[first], group[first]
    low_top, point_top = _unit_max(period, enc_low), _unit_max(period, enc_point)
    unit, unit_first = _units(period, speaker, int(speaker.max()) + 1)
    unit_code, unit_period, unit_speaker = _unit_max(unit, enc_low), period[unit_first], speaker[unit_first]
    top_speaker = np.full(n_periods, -1, dtype=np.int64)
    holds = (unit_code == low_top[unit_period]) & (unit_code >= 0)  # a period's top unit holds its top row
    top_speaker[unit_period[holds]] = unit_speaker[holds]
    second = np.full(n_periods, -1, dtype=np.int64)
    np.maximum.at(second, unit_period, np.where(unit_speaker != top_speaker[unit_period], unit_code, -1))

    count = np.bincount(p_group)  # periods per component, numbered in component order
    asking = np.flatnonzero(wanted[first])
    size = count[p_group[asking]]
    earlier_low, earlier_point, best, best_speaker, other = (np.full(n_periods, -1, dtype=np.int64) for _ in range(5))
    # The components of d periods each, as a (component, p, q) cube: both sides are the
    # component's own periods, so every array is a broadcast of a (component, period) matrix
    # and nothing is gathered per pair.
    for d in np.unique(size).tolist():
        components = asking[size == d].reshape(-1, d)  # whole components, their periods in order
        step = max(1, (_PAIR_BATCH // 4) // (d * d))  # bounds the memory, not the time
        for lo in range(0, len(components), step):
            mine = components[lo : lo + step]
            starts, ends = p_start[mine], p_end[mine]
            before = ends[:, None, :] <= starts[:, :, None]  # [c, p, q]: q ends by the time p starts
            meet = (starts[:, None, :] < ends[:, :, None]) & (starts[:, :, None] < ends[:, None, :])
            earlier_low[mine] = np.where(before, low_top[mine][:, None, :], -1).max(axis=2)
            earlier_point[mine] = np.where(before, point_top[mine][:, None, :], -1).max(axis=2)
            top_q = np.where(meet, low_top[mine][:, None, :], -1)
            best_p = top_q.max(axis=2)
            q_speaker = top_speaker[mine][:, None, :]
            holder = (top_q == best_p[:, :, None]) & (top_q >= 0)
            speaker_p = np.where(holder, q_speaker, -1).max(axis=2)
            # Where q's top is p's best speaker's, its second; elsewhere its top (-1 where q does not meet p).
            same = meet & (q_speaker == speaker_p[:, :, None])
            other[mine] = np.where(same, second[mine][:, None, :], top_q).max(axis=2)
            best[mine], best_speaker[mine] = best_p, speaker_p
    rows = np.flatnonzero(wanted)
    at = period[rows]
    overlapping = np.where(speaker[rows] != best_speaker[at], best[at], other[at])
    return earlier_low[at], earlier_point[at], overlapping


def _mixed_above(
    parts: _Components,
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    speaker: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    count_earlier: npt.NDArray[np.bool_],
    count_overlapping: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    r"""Per row of a mixed component asked, how many rows of :math:`B_j` and of :math:`O_j` are above it.

    ``(earlier_above, overlapping_above)``: :math:`\#\{i \in B_j : l_i > h_j\}` for the rows in
    ``count_earlier`` and :math:`\#\{i \in O_j : l_i > h_j\}` for those in
    ``count_overlapping`` (:func:`_mixed_best` defines the sets), 0 elsewhere. The second is
    :math:`\#\{s_i < e_j,\ l_i > h_j\} - \#\{e_i \le s_j,\ l_i > h_j\}` (a row before
    :math:`j` starts before :math:`j` ends), over the component less over the component's rows of
    :math:`j`'s speaker, each count by :func:`_count_before`, on the components that hold an
    asked row only; components of at most :data:`_PAIRS_UP_TO` rows count their pairs. ``O(m log m)``.
    """
    n = len(start)
    earlier_above, overlapping_above = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    asked_earlier, asked_over = parts.mixed_rows & count_earlier, parts.mixed_rows & count_overlapping
    small = parts.small_rows()
    holding = np.bincount(parts.which[(asked_earlier | asked_over) & small], minlength=len(parts.first))
    for rows in _cubes(parts, np.flatnonzero(holding)):
        s, e, who = start[rows], end[rows], speaker[rows]
        # [c, j, i] as in _mixed_best, where i is above j.
        above = low[rows][:, None, :] > high[rows][:, :, None]
        above_before = (e[:, None, :] <= s[:, :, None]) & above
        meet = (s[:, None, :] < e[:, :, None]) & (s[:, :, None] < e[:, None, :]) & (who[:, None, :] != who[:, :, None])
        earlier_above[rows] = np.where(asked_earlier[rows], above_before.sum(axis=2), 0)
        overlapping_above[rows] = np.where(asked_over[rows], (meet & above).sum(axis=2), 0)
    asked_earlier &= ~small
    asked_over &= ~small
    asked = asked_earlier | asked_over
    if not asked.any():
        return earlier_above, overlapping_above
    involved = np.bincount(parts.which[asked], minlength=len(parts.first))[parts.which] > 0
    mine = np.flatnonzero(involved)
    group = _dense(parts.which[mine])
    t_start, t_end, width = _time_codes(start[mine], end[mine])
    bounds, bound_width = order_codes(np.concatenate([low[mine], high[mine]]), PACK_LIMIT // (4 * len(mine) + 2))
    m_low, m_high = bounds[: len(mine)], bounds[len(mine) :]
    query = asked[mine]
    asking = np.flatnonzero(query)  # every row is a point, only these are queries: few, in one huge series

    def count(groups: npt.NDArray[np.int64], point_at: Any, query_at: Any, strict: bool) -> npt.NDArray[np.int64]:
        events = _Events.of(groups, point_at, query_at, width, strict=strict, queries=asking)
        return _count_before(events, m_low, m_high, bound_width, query)

    before = count(group, t_end, t_start, False)
    earlier_above[mine] = np.where(asked_earlier[mine], before, 0)
    if asked_over.any():
        own = np.unique(group * (int(speaker.max()) + 1) + speaker[mine], return_inverse=True)[1].reshape(-1)
        started = count(group, t_start, t_end, True)
        own_before, own_started = count(own, t_end, t_start, False), count(own, t_start, t_end, True)
        overlapping_above[mine] = np.where(asked_over[mine], (started - before) - (own_started - own_before), 0)
    return earlier_above, overlapping_above


#: Mixed components of at most this many rows check their pairs: ``k`` pairs a row cost less than
#: the sweep's ``log k`` levels (docs/performance.md, second fast paths).
_PAIRS_UP_TO = 16

#: Larger mixed components of at most this many distinct periods compare their periods in pairs
#: rather than sweep: ``d`` periods cost ``d**2`` pairs (docs/performance.md, second fast paths).
_PERIOD_PAIRS_UP_TO = 64

#: Pairs examined at once (bounds the memory, not the time).
_PAIR_BATCH = 1 << 22


def _cubes(parts: _Components, components: npt.NDArray[np.intp]) -> Iterator[npt.NDArray[np.intp]]:
    """The rows of ``components`` (component numbers), as one matrix per component size ``k``: a
    matrix row per component, its rows in order, in batches of about :data:`_PAIR_BATCH` pairs.

    A component's rows are consecutive, so its pairs of rows are the ``[component, j, i]`` cube
    of broadcasts of these matrices: nothing is gathered per pair.

    >>> parts = _Components.of(*(np.array(a) for a in ([0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1], [1, 2, 1, 2])))
    >>> [m.tolist() for m in _cubes(parts, np.array([0, 1]))]
    [[[0, 1], [2, 3]]]
    """
    size = parts.size[components]
    for k in np.unique(size).tolist():
        chosen = components[size == k]
        step = max(1, _PAIR_BATCH // (k * k))
        for lo in range(0, len(chosen), step):
            yield parts.first[chosen[lo : lo + step], None] + np.arange(k)


def _dense(group: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Group numbers ``0, 1, ...`` in order of appearance of a sorted (or grouped) array."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.cumsum(np.r_[True, group[1:] != group[:-1]]) - 1


def _time_codes(
    start: npt.NDArray[np.int64], end: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """Starts and ends as codes ``< width`` that order as the times do, ``width`` at most ``4m + 2`` for ``m`` rows."""
    m = len(start)
    codes, width = order_codes(np.concatenate([start, end]), 4 * m + 2)
    return codes[:m], codes[m:], width


@attrs.frozen(eq=False)
class _Events:
    """Each row as a *point* and each asking row as a *query*, sorted by (group, time): ``2m`` events if all ask.

    ``row`` is each event's row, ``is_point`` whether it is the row's point, ``group`` its group
    (dense, sorted) and ``position`` its number within its group. A point comes before a query
    iff its time is below the query's (``strict``) or at most it (otherwise).
    """

    row: npt.NDArray[np.int64]
    is_point: npt.NDArray[np.bool_]
    group: npt.NDArray[np.int64]
    position: npt.NDArray[np.int64]

    @classmethod
    def of(
        cls,
        group: npt.NDArray[np.int64],
        point_at: npt.NDArray[np.int64],
        query_at: npt.NDArray[np.int64],
        width: int,
        *,
        strict: bool,
        queries: npt.NDArray[np.intp] | None = None,
    ) -> _Events:
        """``group`` per row (dense numbers), times as codes ``< width``; the rows ``queries`` ask (all if None)."""
        m = len(group)
        # Every row asks unless told otherwise: then no gather of the query side at all.
        q_group, q_at = (group, query_at) if queries is None else (group[queries], query_at[queries])
        doubled = np.r_[group, q_group].astype(np.int64)
        tag = np.r_[np.full(m, 1 if strict else 0), np.full(len(q_group), 0 if strict else 1)].astype(np.int64)
        times = np.r_[point_at, q_at].astype(np.int64)
        if (int(doubled.max()) + 1) * width * 2 < PACK_LIMIT:
            # Stable: nearly in order already (rows come sorted by group), which the stable sort exploits.
            order = np.argsort((doubled * width + times) * 2 + tag, kind="stable")
        else:
            order = lexsort_stable((tag, times, doubled))
        event_group = doubled[order]
        first = run_starts(event_group)
        position = np.arange(len(order), dtype=np.int64) - first[_dense(event_group)]
        row = order % m if queries is None else np.r_[np.arange(m, dtype=np.intp), queries][order]
        return cls(row=row, is_point=order < m, group=event_group, position=position)

    def halves(
        self, point_key: npt.NDArray[np.int64], query_key: npt.NDArray[np.int64], width: int
    ) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
        """Divide and conquer on the bits of ``position``: per level, ``(left, left_block, right, right_block)``.

        A point and a later query of one group are in one *block* at exactly one level (the highest
        bit where their positions differ), the point in its left half and the query in its right.
        ``left`` are the points of left halves sorted by (block, ``point_key``), ``right`` the
        queries of right halves sorted by (block, ``query_key``), both as event numbers, with
        their blocks numbered ``0, 1, ...`` in order: so ``block * width + key`` is sorted for
        both, and ``searchsorted`` runs with sorted needles. Each level's order is the previous
        level's re-sorted by the stable sort, which merges the two sorted runs of each block in
        linear time. Keys are ``< width``.
        """
        points = np.flatnonzero(self.is_point)  # level 0: every event alone, in position order
        queries = np.flatnonzero(~self.is_point)
        p_key, q_key = point_key[self.row[points]], query_key[self.row[queries]]
        p_group, q_group = self.group[points], self.group[queries]
        p_position, q_position = self.position[points], self.position[queries]
        size = np.bincount(self.group)  # events per group
        top = int(size.max()) - 1 if len(size) else 0
        for level in range(top.bit_length()):
            if level:
                # Number the halves of every group in turn: a group's come after the previous groups'.
                first = np.r_[0, np.cumsum(((size - 1) >> level) + 1)[:-1]]
                by_points = np.argsort((first[p_group] + (p_position >> level)) * width + p_key, kind="stable")
                points, p_key, p_group, p_position = (a[by_points] for a in (points, p_key, p_group, p_position))
                by_queries = np.argsort((first[q_group] + (q_position >> level)) * width + q_key, kind="stable")
                queries, q_key, q_group, q_position = (a[by_queries] for a in (queries, q_key, q_group, q_position))
            first = np.r_[0, np.cumsum(((size - 1) >> (level + 1)) + 1)[:-1]]
            left = ((p_position >> level) & 1) == 0
            right = ((q_position >> level) & 1) == 1
            if left.any() and right.any():
                left_block = first[p_group[left]] + (p_position[left] >> (level + 1))
                right_block = first[q_group[right]] + (q_position[right] >> (level + 1))
                yield points[left], left_block, queries[right], right_block


def _running_max(group: npt.NDArray[np.int64], values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The running maximum of ``values`` (``>= -1``) within each run of equal ``group`` (dense numbers, sorted).

    >>> _running_max(np.array([0, 0, 1, 1]), np.array([3, -1, -1, 2])).tolist()
    [3, 3, -1, 2]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    table = None
    width = int(values.max()) + 2
    if width * (int(group[-1]) + 1) >= PACK_LIMIT:  # too wide to pack with the group: as ranks (< n, so they fit)
        values, table = _ranked(values)
        width = len(table) + 1
    best = np.asarray(np.maximum.accumulate(group * width + values + 1) - group * width - 1, dtype=np.int64)
    return best if table is None else table[best]


def _ranked(values: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Values ``>= -1`` as dense ranks (-1 stays -1) and the table back: ``table[ranks]`` is ``values``.

    >>> ranks, table = _ranked(np.array([10**15, -1, 7]))
    >>> ranks.tolist(), table[ranks].tolist()
    ([1, -1, 0], [1000000000000000, -1, 7])
    """
    ranks, present = pd.factorize(values, sort=True)
    none = int(len(present) > 0 and present[0] == -1)
    table = np.r_[present[none:], -1].astype(np.int64)  # rank -1 reads the last entry: -1
    return ranks.astype(np.int64) - none, table


def _best_overlapping(
    group: npt.NDArray[np.int64],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    width: int,
    speaker: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Per row :math:`j` (sorted by ``group``), the largest code among the rows :math:`i` of its group with
    :math:`s_i < e_j`, :math:`s_j < e_i` and another speaker (-1 if none).

    Times are codes ``< width``; codes ``>= -1``, distinct where ``>= 0``. Every row is a point
    at its start and a query at its end (:class:`_Events`: a point before a query iff
    :math:`s_i < e_j`), split into halves (:meth:`_Events.halves`): per level, the left points of
    each block sorted by end give, from each position on, the best code and the best code of
    another speaker than that one's (:func:`_suffix_top_two`), and a query finds the first point
    of its block that ends after it starts. ``O(m log m)``: :math:`\\log k` levels for groups of
    at most :math:`k` rows, each linear but for a ``searchsorted`` of sorted needles.

    >>> _best_overlapping(np.array([0, 0, 0]), np.array([0, 0, 5]), np.array([10, 5, 6]), 11, np.array([0, 1, 1]),
    ...                   np.array([7, 3, 9])).tolist()
    [9, 7, 7]
    """
    m = len(group)
    best = np.full(m, -1, dtype=np.int64)
    if m == 0:
        return best
    table = None
    if (int(codes.max()) + 2) * (2 * m + 1) >= PACK_LIMIT:  # too wide for running maxima to pack
        codes, table = _ranked(codes)
    events = _Events.of(group, start, end, width, strict=True)
    for left, left_block, right, right_block in events.halves(end, start, width):
        points, queries = events.row[left], events.row[right]
        keys = left_block * width + end[points]
        top, top_speaker, second = _suffix_top_two(left_block, codes[points], speaker[points])
        found = np.searchsorted(keys, right_block * width + start[queries], side="right")
        inside = found < len(keys)
        inside[inside] = left_block[found[inside]] == right_block[inside]
        at, queries = found[inside], queries[inside]
        value = np.where(top_speaker[at] != speaker[queries], top[at], second[at])
        best[queries] = np.maximum(best[queries], value)
    return best if table is None else table[best]


def _suffix_top_two(
    group: npt.NDArray[np.int64], codes: npt.NDArray[np.int64], speaker: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """From each position to the end of its group (sorted): the top code, its speaker, the top code of another speaker.

    Codes are ``>= -1`` and distinct where ``>= 0``; -1 (and speaker -1) where there is none.
    Scanned from the end: the running top; while its holder's speaker stays the same, the top
    of another speaker is the larger of the top just before that speaker took the lead (held by
    another) and the running top of the other speakers' codes since.

    >>> [a.tolist() for a in _suffix_top_two(np.array([0, 0, 0]), np.array([5, 2, 4]), np.array([1, 1, 2]))]
    [[5, 4, 4], [1, 2, 2], [4, 2, -1]]
    """
    g, c, s = _dense(group[::-1]), codes[::-1], speaker[::-1]
    top = _running_max(g, c)
    holder = np.maximum.accumulate(np.where((c == top) & (c >= 0), np.arange(len(c)), -1))
    top_speaker = np.where(top >= 0, s[np.maximum(holder, 0)], -1)
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_run = new_group | np.r_[True, top_speaker[1:] != top_speaker[:-1]]
    run = np.cumsum(new_run) - 1
    before = np.where(new_group, -1, np.r_[-1, top[:-1]])[new_run][run]  # the top before the run began
    others = _running_max(run, np.where((s != top_speaker) & (c >= 0), c, -1))
    second = np.maximum(before, others)
    return top[::-1], top_speaker[::-1], second[::-1]


def _count_before(
    events: _Events,
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    width: int,
    asked: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    r"""Per row :math:`j` ``asked``, how many points of its group come before its query with :math:`l_i > h_j`.

    ``low`` and ``high`` are codes ``< width`` that order as the bounds do. Split into halves
    (:meth:`_Events.halves`): per level, the left points of each block sorted by low, two
    ``searchsorted`` of sorted needles per query. ``O(m log m)``; 0 for rows not asked.

    >>> events = _Events.of(np.array([0, 0, 0]), np.array([1, 2, 3]), np.array([2, 2, 9]), 10, strict=False)
    >>> _count_before(events, np.array([5, 5, 5]), np.array([4, 4, 9]), 10, np.ones(3, dtype=bool)).tolist()
    [2, 2, 0]
    """
    counts = np.zeros(len(low), dtype=np.int64)
    for left, left_block, right, right_block in events.halves(low, high, width):
        queries = events.row[right]
        wanted = asked[queries]
        keys = left_block * width + low[events.row[left]]
        base = right_block[wanted] * width
        above = np.searchsorted(keys, base + width) - np.searchsorted(keys, base + high[queries[wanted]], side="right")
        counts[queries[wanted]] += above  # a row's query is in one right half a level
    return counts


#: The table of :func:`_count_earlier_above_by_table` may have up to this many cells per row counted:
#: with the one temporary its sums need, as much memory as 8 int64 arrays of the rows, briefly.
TABLE_CELLS_PER_ROW = 4


def _count_earlier_above(
    series: npt.NDArray[np.int64],
    g: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    asked: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    r"""For each row ``asked``, :math:`\#\{j : \text{same series},\ g_j < g_i,\ l_j > h_i\}`; 0 elsewhere.

    Rows sorted by series, g. With few rows asked (:math:`q` of them, with :math:`t` distinct
    highs, and :math:`q(t + 1)` at most :data:`TABLE_CELLS_PER_ROW` cells a row), by a table of
    counts (:func:`_count_earlier_above_by_table`, ``O(n log q + q t)``); otherwise by halves
    (:func:`_count_earlier_above_by_halves`, ``O(n log^2 n)``). Both count the same pairs.

    >>> series, g = np.zeros(4, dtype=np.int64), np.array([0, 1, 1, 2])
    >>> low, high, asked = np.array([9, 5, 7, 1]), np.array([9, 5, 7, 4]), np.array([False, True, False, True])
    >>> _count_earlier_above(series, g, low, high, asked).tolist()
    [0, 1, 0, 3]
    """
    n_asked = int(np.count_nonzero(asked))
    if n_asked == 0:
        return np.zeros(len(g), dtype=np.int64)
    n_highs = len(pd.unique(high[asked]))  # hashed: many rows asked go by halves, and need no sort here
    if n_asked * (n_highs + 1) <= TABLE_CELLS_PER_ROW * len(g):
        return _count_earlier_above_by_table(series, g, low, high, asked)
    return _count_earlier_above_by_halves(series, g, low, high, asked)


def _count_earlier_above_by_table(
    series: npt.NDArray[np.int64],
    g: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    asked: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    r""":func:`_count_earlier_above` by a table of counts: rows by the next asked row, by rank of low among the highs.

    Number the asked rows :math:`0 .. q-1` in row order and their distinct highs
    :math:`T_0 < \dots < T_{t-1}`. Row :math:`j` counts for asked row :math:`i` iff it comes
    before :math:`i`'s run of equal (series, g) in its series and :math:`l_j > h_i`. Put row
    :math:`j` in *block* :math:`b_j`, the first asked row after its own run of (series, g) (rows
    with none in their series count for no one), and in column :math:`k_j = \#\{T < l_j\}`, so
    that :math:`l_j > T_m \iff k_j > m`. Then asked row :math:`p`, of high :math:`T_m`, counts
    the rows of blocks :math:`f .. p` (:math:`f` its series' first asked row) in columns above
    :math:`m`: with the table :math:`H[b, k]` of rows summed over blocks (down) and over columns
    (from the right), a difference of two cells. ``O(n log q + q t)`` time, ``q (t + 1)`` cells.
    """
    n = len(g)
    counts = np.zeros(n, dtype=np.int64)
    chosen = np.flatnonzero(asked)
    thresholds = np.unique(high[chosen])
    width = len(thresholds) + 1
    # Each row's run of equal (series, g) ends at run_end: the asked rows after it are later in g.
    new_run = np.r_[(series[1:] != series[:-1]) | (g[1:] != g[:-1]), True]
    run_end = np.flatnonzero(new_run)[np.cumsum(np.r_[True, new_run[:-1]]) - 1]
    block = np.searchsorted(chosen, run_end, side="right")
    counted = block < len(chosen)
    counted[counted] = series[chosen[block[counted]]] == series[counted]
    column = np.searchsorted(thresholds, low[counted], side="left")
    table = np.bincount(block[counted] * width + column, minlength=len(chosen) * width).reshape(len(chosen), width)
    np.cumsum(table, axis=0, out=table)
    table = np.cumsum(table[:, ::-1], axis=1)[:, ::-1]  # table[p, k]: rows of blocks <= p in columns >= k
    first = np.r_[True, series[chosen][1:] != series[chosen][:-1]]
    first_block = np.maximum.accumulate(np.where(first, np.arange(len(chosen)), 0))
    above = np.searchsorted(thresholds, high[chosen]) + 1
    before = np.where(first_block > 0, table[np.maximum(first_block - 1, 0), above], 0)
    counts[chosen] = table[np.arange(len(chosen)), above] - before
    return counts


def _count_earlier_above_by_halves(
    series: npt.NDArray[np.int64],
    g: npt.NDArray[np.int64],
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    asked: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    r""":func:`_count_earlier_above` by divide and conquer on the bits of ``g``.

    A pair with :math:`g_j < g_i` is counted once, at the highest bit where
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
        query = right & asked
        # Only the left halves of blocks that hold a query count: few, where few rows are asked.
        active = np.zeros(int(block_id[-1]) + 1, dtype=bool)
        active[block_id[query]] = True
        points = ~right & active[block_id]
        left_codes = np.sort(block_id[points] * width + low_rank[points])
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
    data: dict[str, Any] = {"kind": kind_names.take(kind_rank), **key_cells(rows, columns, series, who)}
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
