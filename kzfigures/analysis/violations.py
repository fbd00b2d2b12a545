r"""Monotonic-growth checks: did a running total ever go down?

>>> from kzfigures.datasets import kazakhstan_2022
>>> report = violations(kazakhstan_2022(), key={"metric": "detained", "group": "all"})
>>> report.frame[["kind", "id", "witness_id", "relation", "drop"]]
       kind           id   witness_id      relation  drop
0  conflict  kz22-004-05  kz22-004-08  disagreement    45
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
from kzfigures.analysis.tables import VIOLATION_COLUMNS, dtypes, empty_table
from kzfigures.model import Observation

__all__ = ["KINDS", "ViolationReport", "violation_pairs", "violations"]

#: The kinds of violation, most serious first (the frame's sort order).
KINDS: tuple[str, ...] = ("definite", "conflict", "soft")


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

    def __repr__(self) -> str:
        counts = self.frame["kind"].value_counts()
        found = ", ".join(f"{int(counts.get(kind, 0))} {kind}" for kind in KINDS)
        return (
            f"ViolationReport({found}; {len(self.checked_keys)} keys checked, "
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
        slot, kind (``definite``, ``conflict``, ``soft``) and id:

        =====================  ==================  ==============================================
        column                 dtype               meaning
        =====================  ==================  ==============================================
        kind                   string              ``definite``, ``conflict`` or ``soft``
        *by columns*           as in the input     the series key
        id                     string              the offending observation :math:`i`
        witness_id             string              the observation :math:`w` it contradicts
        relation               string              ``revision`` (same speaker: a revision
                                                   downwards) or ``disagreement``
        speaker                string              speaker of :math:`i` (see :mod:`kzfigures.analysis.index`)
        witness_speaker        string              speaker of :math:`w`
        slot, witness_slot     int64               time slots of :math:`i` and :math:`w`
        as_of, witness_as_of   datetime64[ns, tz]  their as-of times
        low, high              Int64               :math:`i`'s interval (``<NA>`` high: unbounded)
        point                  int64               :math:`i`'s point value :math:`p_i`
        witness_low, _high     Int64               :math:`w`'s interval
        witness_point          int64               :math:`p_w`
        drop                   int64               size of the fall (see Notes), > 0
        time_gap               timedelta64[ns]     :math:`\text{start}_i - \text{start}_w`
        n_conflicting_earlier  int64               :math:`\#\{j : s_j < s_i,\ l_j > h_i\}`
        =====================  ==================  ==============================================

    Raises
    ------
    UnknownColumnError, UnknownKeyError, TimezoneError
        As for :func:`kzfigures.ranges`.

    Notes
    -----
    Only cumulative observations are compared. Within one series, let
    observation :math:`i` have time slot :math:`s_i` (see
    :mod:`kzfigures.analysis.index`: "earlier" is :math:`s_j < s_i`), interval
    :math:`[l_i, h_i]` (:math:`h_i = \infty` if unbounded) and point value
    :math:`p_i` (:attr:`kzfigures.Figure.point`: the stated number clipped
    into :math:`[l_i, h_i]`; for range and vague figures the midpoint rounded
    down, or :math:`l_i` if unbounded). Write :math:`E_i = \{j : s_j < s_i\}`
    and :math:`T_i = \{j : s_j = s_i\}`. Ties in every arg max go to the
    smallest id.

    * **definite**: :math:`\max_{j \in E_i} l_j > h_i`. No non-decreasing
      count fits both. Witness :math:`w = \arg\max_{j \in E_i} l_j`;
      drop :math:`= l_w - h_i`.
    * **conflict**: :math:`\max_{j \in T_i} l_j > h_i`: an observation of
      the same slot lies wholly above :math:`i`. Witness
      :math:`w = \arg\max_{j \in T_i} l_j`; drop :math:`= l_w - h_i` (the
      gap between the intervals). Each disjoint pair is reported once, on its
      lower observation.
    * **soft**: not definite, and :math:`p_i < \max_{j \in E_i} p_j`: the
      numbers fall over time though the intervals still overlap (e.g. "about
      8,000" on one day, 7,939 the next). Witness
      :math:`w = \arg\max_{j \in E_i} p_j`; drop :math:`= p_w - p_i`.

    An observation can be both definite and conflict (two rows). The
    relation is ``revision`` when :math:`i` and :math:`w` have the same
    speaker.

    Complexity: one sort by (series, slot), then running maxima over slots
    (``O(n log n)``) give every kind and witness. ``n_conflicting_earlier``
    is 0 unless :math:`i` is definite (if :math:`\max_{j \in E_i} l_j \le h_i`
    no :math:`l_j` exceeds :math:`h_i`), so it is counted for the definite
    rows only, over the series that hold one: a dominance count by divide
    and conquer over slots, each level one vectorized sort and
    ``searchsorted``: ``O(n log n log s)`` for :math:`s` slots per series
    at worst. No pairwise loop.

    Examples
    --------
    The detention count never definitely falls; the Presidential Office's
    "almost 6,000" and the Police's 6,044 of January 9 are a conflict. The
    claim holds by the definition: no earlier low exceeds a later high.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> report = violations(frame)
    >>> report.frame[["kind", "metric", "group", "id", "witness_id", "drop"]]
       kind    metric group           id   witness_id  drop
    0  conflict  detained   all  kz22-004-05  kz22-004-08    45
    1      soft    killed   all  kz22-003-04  kz22-003-05   162
    >>> report.skipped_keys
    (('killed', 'security_forces', 'all'),)
    """
    inputs = Inputs.of(observations, by, key=key, validate=validate)
    frame, columns, shared = inputs.frame, list(inputs.by), inputs.shared
    cumulative = frame["cumulative"].to_numpy(dtype=bool)
    checked, skipped, mixed = _key_lists(frame, columns, cumulative, shared)
    skipped_ids = tuple(sorted(frame["id"].to_numpy(dtype=object)[~cumulative].tolist()))
    return ViolationReport(
        frame=violation_pairs(frame, shared, by=columns),
        by=tuple(columns),
        checked_keys=checked,
        skipped_keys=skipped,
        mixed_keys=mixed,
        skipped_ids=skipped_ids,
    )


def violation_pairs(frame: pd.DataFrame, index: ClaimIndex | None, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """The kernel of :func:`violations`: every violation among the cumulative rows of ``frame``.

    ``frame`` is canonical; ``index`` is its claim index (whose ``by`` is the key), or ``None``
    to index the rows here by ``by``. Other analyses that hold the index (the estimate's
    ``on_conflict="raise"``) call this rather than :func:`violations`, which would validate and
    index the frame again.

    >>> from kzfigures.analysis.index import annotate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> violation_pairs(frame, annotate(frame)).equals(violations(frame).frame)
    True
    """
    columns = list(index.by) if index is not None else list(DEFAULT_BY if by is None else by)
    cumulative = frame["cumulative"].to_numpy(dtype=bool)
    if not cumulative.any():
        return _empty(frame, columns)
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


def _find(rows: pd.DataFrame, index: ClaimIndex) -> pd.DataFrame:
    n = len(rows)
    columns = list(index.by)
    series = index.series
    low = rows["low"].to_numpy(dtype=np.int64)
    high = rows["high"].fillna(UNBOUNDED).to_numpy(dtype=np.int64)
    point = point_values(rows)
    id_rank = index.id_rank

    # Rows sorted by (series, slot); g numbers the (series, slot) runs 0, 1, ... in that order.
    order = index.order
    s_series, g = series[order], index.series_slot[order]
    new_series = np.r_[True, s_series[1:] != s_series[:-1]]
    new_slot = np.r_[True, g[1:] != g[:-1]]
    positions = np.arange(n)
    series_first = np.maximum.accumulate(np.where(new_series, positions, 0))
    slot_first = np.maximum.accumulate(np.where(new_slot, positions, 0))
    has_earlier = slot_first > series_first
    before = np.maximum(slot_first - 1, 0)

    # One integer per (value, id) so that max picks the largest value, then the smallest id.
    def encode(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return order_codes(values, PACK_LIMIT // n)[0][order] * n + (n - 1 - id_rank[order])

    # id_rank is a permutation, so a code's remainder mod n names its row: no search needed.
    position_of_rank = np.empty(n, dtype=np.intp)
    position_of_rank[id_rank[order]] = np.arange(n)

    def decode(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        return np.asarray(position_of_rank[n - 1 - codes % n], dtype=np.intp)

    enc_low, enc_point = encode(low), encode(point)
    running_low = pd.Series(enc_low).groupby(s_series).cummax().to_numpy()
    running_point = pd.Series(enc_point).groupby(s_series).cummax().to_numpy()
    earlier_low = decode(running_low[before])  # sorted positions of the witnesses
    earlier_point = decode(running_point[before])
    # The rows are in slot order, so each slot's largest low is a reduceat over its run.
    slot_starts = np.flatnonzero(new_slot)
    slot_low = decode(np.repeat(np.maximum.reduceat(enc_low, slot_starts), np.diff(np.r_[slot_starts, n])))

    s_low, s_high, s_point = low[order], high[order], point[order]
    definite = has_earlier & (s_low[earlier_low] > s_high)
    conflict = s_low[slot_low] > s_high
    soft = has_earlier & ~definite & (s_point < s_point[earlier_point])

    # #{j earlier: l_j > h_i} is 0 unless i is definite (then max l_j > h_i), so only the definite
    # rows are counted, against the rows of their own series. Slots within the series, not across
    # all of them: the levels of the count are log2 of the largest series' slots.
    counts = np.zeros(n, dtype=np.int64)
    if definite.any():
        n_series = int(s_series[-1]) + 1
        involved = np.bincount(s_series[definite], minlength=n_series)[s_series] > 0
        counts[involved] = _count_earlier_above(
            s_series[involved], index.slot[order][involved], s_low[involved], s_high[involved], definite[involved]
        )
    pieces = []
    for kind, mask, witness, drop in (
        ("definite", definite, earlier_low, s_low[earlier_low] - s_high),
        ("conflict", conflict, slot_low, s_low[slot_low] - s_high),
        ("soft", soft, earlier_point, s_point[earlier_point] - s_point),
    ):
        chosen = np.flatnonzero(mask)
        pieces.append((kind, order[chosen], order[witness[chosen]], drop[chosen], counts[chosen]))
    return _assemble(rows, columns, index, point, id_rank, pieces)


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
    id_rank: npt.NDArray[np.int64],
    pieces: list[tuple[str, Any, Any, Any, Any]],
) -> pd.DataFrame:
    who = np.concatenate([p[1] for p in pieces]).astype(np.intp)
    witness = np.concatenate([p[2] for p in pieces]).astype(np.intp)
    drop = np.concatenate([p[3] for p in pieces]).astype(np.int64)
    counts = np.concatenate([p[4] for p in pieces]).astype(np.int64)
    series, slot, start, speaker = index.series, index.slot, index.start, index.speaker
    # Sort by key, slot, kind, id before gathering anything. Series ids number the keys in key
    # order (missing last, as sort_values puts them) and id_rank is the ids' order, so integer keys
    # give the same order as sorting the frame; (kind, id) is unique, so the order is total.
    kind_rank = np.concatenate([np.full(len(p[1]), KINDS.index(p[0]), dtype=np.int64) for p in pieces])
    n = len(id_rank)
    if 3 * n * n < PACK_LIMIT:  # series_slot orders (series, slot), and both it and id_rank are < n
        ordering = np.argsort((index.series_slot[who] * 3 + kind_rank) * n + id_rank[who])
    else:
        ordering = lexsort_stable((id_rank[who], kind_rank, slot[who], series[who]))
    kind_rank, who, witness, drop, counts = (a[ordering] for a in (kind_rank, who, witness, drop, counts))
    same = speaker[who] == speaker[witness]

    def take(column: str, positions: npt.NDArray[np.intp]) -> Any:
        # Gather the column's own array: to_numpy() would box tz-aware times and Int64 with NA
        # into Python objects, one per row, and a string array built from objects checks each one.
        return rows[column].array.take(positions)

    # The texts drawn from a few values are string arrays of those values, gathered: no check per row.
    kinds = _string(np.array(KINDS, dtype=object))
    relations = _string(np.array(["disagreement", "revision"], dtype=object))
    names = _string(index.speaker_names)
    # Build every column first and the frame once: inserting columns one by one re-infers each.
    data: dict[str, Any] = {"kind": kinds.take(kind_rank)}
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
