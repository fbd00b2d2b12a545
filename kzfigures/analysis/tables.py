"""The result tables of the analyses, declared once: their columns and dtypes.

Each analysis returns its series key columns followed by the columns listed
here, in this order. ``"datetime"`` stands for the dtype of the input's
``as_of`` column (tz-aware, in the frame's zone). :data:`RESULT_COLUMNS`,
which :func:`~kzfigures.analysis.index.check_by` refuses as key names, is
derived from these tables, so a new result column is refused as a key
without anything else to update.

>>> sorted(ESTIMATE_COLUMNS)[:3]
['best', 'best_ids', 'cumulative']
>>> "superseded_by" in RESULT_COLUMNS and "as_of" not in RESULT_COLUMNS
True
>>> table = empty_table(pd.DataFrame({"metric": pd.Series([], dtype="string")}), ["metric"], {"n": "int64"})
>>> [str(dtype) for dtype in table.dtypes]
['string', 'int64']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kzfigures.frame import COLUMNS

__all__ = [
    "ESTIMATE_COLUMNS",
    "OFFENDER_COLUMNS",
    "RANGE_COLUMNS",
    "RANGE_EACH_COLUMNS",
    "REPLAY_COLUMNS",
    "RESULT_COLUMNS",
    "REVISION_COLUMNS",
    "SET_ASIDE_COLUMNS",
    "SPEAKER_REVISION_COLUMNS",
    "VIOLATION_COLUMNS",
    "dtypes",
    "empty_table",
]

#: :func:`~kzfigures.ranges`: the statistics columns, after the key columns.
RANGE_COLUMNS: Mapping[str, str] = {
    "min_stated": "Int64",
    "max_stated": "Int64",
    "hull_low": "Int64",
    "hull_high": "Int64",
    "consensus_low": "Int64",
    "consensus_high": "Int64",
    "consensus_empty": "bool",
    "n_observations": "int64",
    "n_claims": "int64",
    "n_speakers": "int64",
    "hull_low_ids": "object",
    "hull_high_ids": "object",
    "consensus_low_ids": "object",
    "consensus_high_ids": "object",
}

#: :func:`~kzfigures.ranges` with ``at="each"``: the time slot, between the key and the statistics.
RANGE_EACH_COLUMNS: Mapping[str, str] = {"slot": "int64", "slot_start": "datetime"}

#: :attr:`~kzfigures.ViolationReport.frame`: ``kind`` comes first, then the key columns, then these.
VIOLATION_COLUMNS: Mapping[str, str] = {
    "id": "string",
    "witness_id": "string",
    "relation": "string",
    "speaker": "string",
    "witness_speaker": "string",
    "slot": "int64",
    "witness_slot": "int64",
    "as_of": "datetime",
    "witness_as_of": "datetime",
    "low": "Int64",
    "high": "Int64",
    "point": "int64",
    "witness_low": "Int64",
    "witness_high": "Int64",
    "witness_point": "int64",
    "drop": "int64",
    "time_gap": "timedelta64[ns]",
    "n_conflicting_earlier": "int64",
}

#: :attr:`~kzfigures.Estimate.series`, after the key columns.
ESTIMATE_COLUMNS: Mapping[str, str] = {
    "time": "datetime",
    "slot": "int64",
    "slot_start": "datetime",
    "slot_end": "datetime",
    "low": "Int64",
    "best": "float64",
    "high": "Int64",
    "fit": "float64",
    "n_claims": "int64",
    "n_observations": "int64",
    "n_set_aside": "int64",
    "cumulative": "bool",
    "low_ids": "object",
    "best_ids": "object",
    "high_ids": "object",
}

#: :attr:`~kzfigures.Estimate.set_aside`: ``id``, then the key columns, then these.
SET_ASIDE_COLUMNS: Mapping[str, str] = {
    "as_of": "datetime",
    "low": "Int64",
    "high": "Int64",
    "reason": "string",
    "superseded_by": "string",
}

#: :attr:`~kzfigures.ViolationReport.offenders`: ``id``, then the key columns, then these.
OFFENDER_COLUMNS: Mapping[str, str] = {
    "as_of": "datetime",
    "low": "Int64",
    "high": "Int64",
    "speaker": "string",
    "n_contradicted": "int64",
    "first_contradicted_as_of": "datetime",
    "last_contradicted_as_of": "datetime",
    "contradicted_low": "Int64",
    "contradicted_high": "Int64",
}

#: :attr:`~kzfigures.Replay.series` and :attr:`~kzfigures.Replay.set_aside`: ``known_at`` comes
#: first (the knowledge time: the rows hold what was published by the end of its grid step), then
#: the columns of :attr:`Estimate.series <kzfigures.Estimate.series>` (the key, then
#: :data:`ESTIMATE_COLUMNS`) or of :attr:`Estimate.set_aside <kzfigures.Estimate.set_aside>`
#: (``id``, the key, then :data:`SET_ASIDE_COLUMNS`).
REPLAY_COLUMNS: Mapping[str, str] = {"known_at": "datetime"}

#: :attr:`~kzfigures.Revisions.series`, after the key columns: one row per series.
REVISION_COLUMNS: Mapping[str, str] = {
    "n_figures": "int64",
    "n_steps": "int64",
    "first": "Int64",
    "first_id": "string",
    "first_known_by": "datetime",
    "latest": "Int64",
    "latest_id": "string",
    "latest_known_by": "datetime",
    "n_up": "int64",
    "n_down": "int64",
    "largest_drop": "Int64",
    "largest_drop_share": "float64",
    "largest_drop_known_by": "datetime",
    "latest_over_first": "float64",
    "settled_known_by": "datetime",
    "time_to_settle": "timedelta64[ns]",
}

#: :attr:`~kzfigures.Revisions.speakers`: ``speaker`` first, then these; one row per speaker.
SPEAKER_REVISION_COLUMNS: Mapping[str, str] = {
    "n_series": "int64",
    "n_claims": "int64",
    "n_contradicted": "int64",
    "share_contradicted": "float64",
    "largest_excess": "Int64",
    "mean_excess_share": "float64",
    "largest_excess_share": "float64",
}

#: The analyses' own result column names beyond the observation schema (:data:`~kzfigures.COLUMNS`).
RESULT_COLUMNS: frozenset[str] = frozenset(
    {"kind"}.union(
        RANGE_COLUMNS,
        RANGE_EACH_COLUMNS,
        VIOLATION_COLUMNS,
        ESTIMATE_COLUMNS,
        SET_ASIDE_COLUMNS,
        OFFENDER_COLUMNS,
        REPLAY_COLUMNS,
        REVISION_COLUMNS,
        SPEAKER_REVISION_COLUMNS,
    )
    - set(COLUMNS)
)


def dtypes(table: Mapping[str, str], frame: pd.DataFrame) -> dict[str, Any]:
    """``table``'s dtypes, with ``"datetime"`` replaced by the dtype of ``frame``'s ``as_of``."""
    zone = frame["as_of"].dtype if "as_of" in frame else "datetime64[ns, UTC]"
    return {name: (zone if kind == "datetime" else kind) for name, kind in table.items()}


def empty_table(frame: pd.DataFrame, by: Sequence[str], *tables: Mapping[str, str]) -> pd.DataFrame:
    """A result with no rows: ``frame``'s key columns ``by`` (their dtypes kept), then ``tables``' columns."""
    data: dict[str, pd.Series] = {c: pd.Series([], dtype=frame[c].dtype) for c in by}
    for table in tables:
        data.update({name: pd.Series([], dtype=kind) for name, kind in dtypes(table, frame).items()})
    return pd.DataFrame(data)
