"""Validate and index observations once, for several analyses.

Each analysis validates its input (:func:`~kzfigures.from_frame`) and
computes the series, time slots, speakers and claims of every row
(:func:`~kzfigures.claims.annotate`). Calling :func:`ranges`,
:func:`violations` and :func:`best_estimate` on one set of observations
repeats both. :func:`prepare` does them once and returns a
:class:`Prepared` that every analysis accepts in place of a frame, with
results equal to those of the frame itself:

>>> import kzfigures as kz
>>> from kzfigures.datasets import kazakhstan_2022
>>> prepared = kz.prepare(kazakhstan_2022())
>>> prepared
Prepared(43 observations in 12 series, by=('metric', 'group', 'region'))
>>> kz.ranges(prepared).equals(kz.ranges(kazakhstan_2022()))
True

The index serves analyses by the same ``by``: of the whole frame, or with
``key=`` on its key columns, which selects whole series and so the index
restricted to them. An analysis by another ``by``, or with a ``key=`` on
other columns, indexes the rows it needs itself, as it would for a frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pandas as pd

from kzfigures.claims import DEFAULT_BY, ClaimIndex, annotate, check_by, restrict
from kzfigures.errors import InvalidArgumentError
from kzfigures.frame import as_frame
from kzfigures.model import Observation
from kzfigures.selection import key_rows

# resolve, select, prepared_index and index_for are the analyses' helpers, not part of the API.
__all__ = ["Prepared", "prepare"]


def _same_length(instance: Prepared, attribute: attrs.Attribute[ClaimIndex], index: ClaimIndex) -> None:
    if len(index.series) != len(instance.frame):
        raise InvalidArgumentError(
            f"'index' must describe the {len(instance.frame)} rows of 'frame' (got {len(index.series)} rows); "
            "build a Prepared with prepare()"
        )


@attrs.frozen(eq=False, repr=False)
class Prepared:
    """A canonical frame of observations with its claim index, from :func:`prepare`.

    Attributes
    ----------
    frame : DataFrame
        The observations in the canonical schema (:data:`~kzfigures.COLUMNS`).
        Treat it as read-only: the index describes it as it was prepared.
    index : ClaimIndex
        Series, time slot, speaker and claim of every row of ``frame``
        (:func:`~kzfigures.claims.annotate`) for the key columns ``index.by``.

    Examples
    --------
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> prepared = prepare(kazakhstan_2022(), by=("metric", "group"))
    >>> prepared.by, len(prepared), int(prepared.index.series.max()) + 1
    (('metric', 'group'), 43, 12)
    """

    frame: pd.DataFrame = attrs.field(validator=attrs.validators.instance_of(pd.DataFrame))
    index: ClaimIndex = attrs.field(validator=[attrs.validators.instance_of(ClaimIndex), _same_length])

    @property
    def by(self) -> tuple[str, ...]:
        """The series key columns the index was built for."""
        return self.index.by

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        n_series = int(self.index.series.max()) + 1 if len(self.index.series) else 0
        return f"Prepared({len(self.frame)} observations in {n_series} series, by={self.by!r})"


def prepare(
    observations: pd.DataFrame | Iterable[Observation] | Prepared,
    by: str | Sequence[str] = DEFAULT_BY,
    *,
    validate: bool = True,
) -> Prepared:
    """Validate observations and index their claims once, for several analyses.

    Parameters
    ----------
    observations : DataFrame, iterable of Observation or Prepared
        Anything :func:`kzfigures.frame.as_frame` accepts.
    by : str or sequence of str
        The series key the analyses will use (default ``("metric", "group", "region")``).
    validate : bool, keyword-only
        As for the analyses: ``False`` trusts a frame that is canonical
        already (see :func:`kzfigures.frame.as_frame`).

    Returns
    -------
    Prepared
        Accepted by :func:`~kzfigures.ranges`, :func:`~kzfigures.violations`
        and :func:`~kzfigures.best_estimate` wherever a frame is, with the
        same results. Cost: one validation and one
        :func:`~kzfigures.claims.annotate`, ``O(n log n)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzfigures import best_estimate, prepare, violations
    >>> prepared = prepare(pd.DataFrame({
    ...     "metric": ["detained"] * 3, "stated": [3000, 4404, 4000],
    ...     "as_of": ["2022-01-07", "2022-01-08", "2022-01-09"],
    ... }))
    >>> violations(prepared).frame[["kind", "id", "witness_id", "drop"]]
           kind     id witness_id  drop
    0  definite  row-2      row-1   404
    >>> best_estimate(prepared).set_aside[["id", "reason", "superseded_by"]]
          id      reason superseded_by
    0  row-1  superseded         row-2
    """
    frame, prepared = resolve(observations, validate=validate)
    columns = check_by(by, frame)
    if prepared is not None and prepared.by == tuple(columns):
        return prepared
    if prepared is None:  # a frame of our own: later edits of the caller's cannot reach the index's rows
        frame = frame.copy(deep=True)
    return Prepared(frame, annotate(frame, columns))


def resolve(
    observations: pd.DataFrame | Iterable[Observation] | Prepared, *, validate: bool
) -> tuple[pd.DataFrame, Prepared | None]:
    """The canonical frame of an analysis's input, and the Prepared it came from (if any)."""
    if isinstance(observations, Prepared):
        if not isinstance(validate, bool):
            raise InvalidArgumentError(f"validate must be True or False (got {validate!r})")
        return observations.frame, observations
    return as_frame(observations, validate=validate), None


def prepared_index(prepared: Prepared | None, frame: pd.DataFrame, columns: list[str]) -> ClaimIndex | None:
    """The prepared index if it describes ``frame`` (not rows selected from it) by ``columns``."""
    if prepared is not None and prepared.frame is frame and prepared.by == tuple(columns):
        return prepared.index
    return None


def select(
    frame: pd.DataFrame, prepared: Prepared | None, key: Mapping[str, Any] | None
) -> tuple[pd.DataFrame, Prepared | None]:
    """The rows of ``key`` (:func:`~kzfigures.selection.select_key`), and their Prepared if the index serves.

    A key on the prepared index's columns selects whole series, so the index
    restricted to them (:func:`~kzfigures.claims.restrict`) equals indexing
    the rows again, at a fraction of the cost.
    """
    if key is None:
        return frame, prepared
    index = prepared.index if prepared is not None and prepared.frame is frame else None
    keep = key_rows(frame, key, index)
    chosen = frame[keep]
    if index is None or not set(key) <= set(index.by):
        return chosen, None
    return chosen, Prepared(chosen, restrict(index, keep))


def index_for(prepared: Prepared | None, frame: pd.DataFrame, columns: list[str]) -> ClaimIndex:
    """The prepared index if it describes ``frame`` by ``columns``; else :func:`annotate` ``frame``."""
    shared = prepared_index(prepared, frame, columns)
    return annotate(frame, columns) if shared is None else shared
