"""Validate and index observations once, for several analyses.

Each analysis validates its input (:func:`~kzfigures.from_frame`) and
computes the series, time slots, speakers and claims of every row
(:func:`~kzfigures.analysis.index.annotate`). Calling :func:`ranges`,
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

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, annotate, check_by, restrict
from kzfigures.errors import InvalidArgumentError, UnknownKeyError
from kzfigures.frame import COLUMNS, as_frame
from kzfigures.model import Observation

__all__ = ["Inputs", "Prepared", "key_rows", "parse_key", "prepare", "select_key", "select_series"]


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
        (:func:`~kzfigures.analysis.index.annotate`) for the key columns ``index.by``.

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
        :func:`~kzfigures.analysis.index.annotate`, ``O(n log n)``.

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


@attrs.frozen(eq=False)
class Inputs:
    """What an analysis works on: the canonical rows, the series key, and their claim index.

    Every analysis starts with :meth:`Inputs.of`, its one front door: validate (or trust a
    :class:`Prepared`), select the rows of ``key``, check ``by``, and reuse the prepared index
    wherever it describes exactly these rows by exactly this key.

    Attributes
    ----------
    frame : DataFrame
        The rows to analyse, in the canonical schema.
    by : tuple of str
        The checked series key columns.
    shared : ClaimIndex or None
        The prepared index of ``frame`` by ``by``, or ``None`` when there is none to reuse.

    Examples
    --------
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> prepared = prepare(kazakhstan_2022())
    >>> inputs = Inputs.of(prepared, DEFAULT_BY, key={"metric": "detained"})
    >>> len(inputs.frame), inputs.shared is not None
    (12, True)
    >>> bool((inputs.index().claim == annotate(inputs.frame).claim).all())
    True
    """

    frame: pd.DataFrame
    by: tuple[str, ...]
    shared: ClaimIndex | None

    @classmethod
    def of(
        cls,
        observations: pd.DataFrame | Iterable[Observation] | Prepared,
        by: str | Sequence[str],
        *,
        key: Mapping[str, Any] | None = None,
        validate: bool = True,
    ) -> Inputs:
        """Validate, select ``key`` and check ``by``: the prologue every analysis shares."""
        frame, prepared = resolve(observations, validate=validate)
        if key is not None:
            index = prepared.index if prepared is not None else None
            keep = key_rows(frame, key, index)
            chosen = frame[keep]
            # A key on the index's columns selects whole series: the index restricted to them
            # equals indexing the rows again, at a fraction of the cost.
            restricted = index is not None and set(key) <= set(index.by)
            prepared = Prepared(chosen, restrict(index, keep)) if restricted and index is not None else None
            frame = chosen
        columns = tuple(check_by(by, frame))
        shared = prepared.index if prepared is not None and prepared.by == columns else None
        return cls(frame, columns, shared)

    def index(self) -> ClaimIndex:
        """The claim index of :attr:`frame` by :attr:`by`: the prepared one, else :func:`annotate`."""
        return annotate(self.frame, self.by) if self.shared is None else self.shared


def parse_key(key: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """Read a key such as ``"metric=detained,group=all"`` into ``{column: value}``.

    A comma separates two pairs only where a column name and ``=`` follow it,
    so values may hold commas: ``"region=Almaty, city"`` is one pair. A
    mapping is checked and returned as a dict; ``None`` is the empty key.
    Whether its columns exist is checked against the frame it selects from
    (:func:`key_rows`), which may have columns of its own (``event=...``).

    >>> parse_key("metric=detained, group=all")
    {'metric': 'detained', 'group': 'all'}
    >>> parse_key("region=Almaty, city,metric=killed")
    {'region': 'Almaty, city', 'metric': 'killed'}
    >>> parse_key("detained")
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: key must be column=value pairs separated by commas, ...
    """
    if key is None:
        return {}
    if isinstance(key, Mapping):
        pairs = dict(key)
    elif isinstance(key, str):
        pairs = {}
        for part in _PAIR_BREAK.split(key):
            column, sep, value = part.partition("=")
            if not sep or not column.strip() or not value.strip():
                raise InvalidArgumentError(
                    f"key must be column=value pairs separated by commas, "
                    f"e.g. 'metric=detained,group=all' (got {key!r})"
                )
            if column.strip() in pairs:
                raise InvalidArgumentError(f"key names column {column.strip()!r} twice (got {key!r})")
            pairs[column.strip()] = value.strip()
    else:
        raise InvalidArgumentError(f"key must be a mapping or a 'column=value,...' string (got {key!r})")
    for column in pairs:
        if not isinstance(column, str):
            raise InvalidArgumentError(f"key must map column names to values (got the column {column!r})")
    return pairs


# A comma that starts the next "column=" pair (a column name is a word); any other comma is in a value.
_PAIR_BREAK = re.compile(r",(?=\s*\w+\s*=)")


def select_key(frame: pd.DataFrame, key: Mapping[str, Any] | str | None) -> pd.DataFrame:
    """Return the rows of ``frame`` whose columns equal ``key``'s values (all rows for None).

    ``key`` is a mapping or a ``"column=value,..."`` text (:func:`parse_key`). ``None`` as a
    value matches a missing cell. ``O(n)`` per key column.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> len(select_key(kazakhstan_2022(), "metric=detained"))
    12
    """
    pairs = parse_key(key)
    return frame[key_rows(frame, pairs)] if pairs else frame


def select_series(frame: pd.DataFrame, key: Mapping[str, Any] | str | None, by: Sequence[str]) -> pd.DataFrame:
    """The rows of the one series ``key`` selects.

    Columns of ``by`` left out of the key match any value, but together the
    key must select a single series.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> len(select_series(kazakhstan_2022(), {"metric": "detained", "group": "all"}, DEFAULT_BY))
    11
    >>> select_series(kazakhstan_2022(), "metric=detained", DEFAULT_BY)
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: key 'metric=detained' matches 2 series; add columns to it: ...
    """
    columns = check_by(by, frame)
    rows = select_key(frame, key)
    keys = rows[columns].drop_duplicates()
    if len(keys) > 1:
        listed = "; ".join(
            ",".join(f"{c}={v}" for c, v in zip(columns, values, strict=True))
            for values in keys.astype(str).itertuples(index=False)
        )
        if key is None:
            raise InvalidArgumentError(f"the observations hold {len(keys)} series; choose one with a key: {listed}")
        said = key if isinstance(key, str) else ",".join(f"{c}={v}" for c, v in parse_key(key).items())
        raise InvalidArgumentError(f"key '{said}' matches {len(keys)} series; add columns to it: {listed}")
    return rows


def key_rows(frame: pd.DataFrame, key: Mapping[str, Any], index: ClaimIndex | None = None) -> npt.NDArray[np.bool_]:
    """Which rows of ``frame`` (observations, or a result table) hold ``key``'s values, as a mask.

    ``index``, the claim index of ``frame`` (a :class:`~kzfigures.Prepared`'s), answers a key on
    the index's schema columns once per series rather than once per row: every row of a series
    holds the same key cells (as grouping finds them: the missing markers alike), so one row
    stands for all of it.

    >>> from kzfigures.analysis.index import annotate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> key = {"metric": "detained", "group": "all"}
    >>> bool((key_rows(frame, key, annotate(frame)) == key_rows(frame, key)).all())
    True
    >>> key_rows(frame, {"metric": "arrested"})
    Traceback (most recent call last):
    ...
    kzfigures.errors.UnknownKeyError: no observation has metric='arrested'; metric holds: detained, injured, killed

    A desk types keys by hand, so a text value that no cell holds exactly matches the one
    value of its column that differs from it only in case and spacing; if the column holds
    several such values, it is refused rather than taking them together:

    >>> bool((key_rows(frame, {"metric": "Killed", "region": "ALMATY"})
    ...       == key_rows(frame, {"metric": "killed", "region": "Almaty"})).all())
    True

    Raises
    ------
    UnknownKeyError
        No row matches, or a value matches no cell exactly and several in another case. The
        message names the value no row holds and what its column does hold, or else the keys
        present.
    """
    if not isinstance(key, Mapping):
        raise InvalidArgumentError(
            f"key must be a mapping of column to value, e.g. {{'metric': 'detained'}} (got {key!r})"
        )
    columns = check_by(list(key), frame)
    mask = _key_mask(frame, columns, key, index)
    if not mask.any():
        resolved = _in_another_case(frame, columns, key)
        if resolved is not None:
            key = resolved
            mask = _key_mask(frame, columns, key, index)
    if not mask.any():
        for column in columns:
            if not _matches(frame, [column], key).any():
                held = ", ".join(sorted(frame[column].dropna().astype(str).unique()))
                raise UnknownKeyError(f"no observation has {column}={key[column]!r}; {column} holds: {held}")
        wanted = ", ".join(f"{column}={key[column]!r}" for column in columns)
        known = frame[columns].drop_duplicates().head(5).astype("object").to_dict(orient="records")
        raise UnknownKeyError(f"no observation has {wanted}; keys present include {known}")
    return mask


def _key_mask(
    frame: pd.DataFrame, columns: list[str], key: Mapping[str, Any], index: ClaimIndex | None
) -> npt.NDArray[np.bool_]:
    """Where ``frame`` holds ``key`` exactly; once per series when ``index`` allows."""
    if (
        index is not None
        and len(frame)
        and len(index.series) == len(frame)
        and set(columns) <= set(index.by) & set(COLUMNS)
    ):
        return _matches(index.series_keys(frame), columns, key)[index.series]
    return _matches(frame, columns, key)


def _folded(text: str) -> str:
    """A text compared without case and with its spaces collapsed: ``" Almaty "`` and ``"ALMATY"`` alike."""
    return " ".join(text.split()).casefold()


def _in_another_case(frame: pd.DataFrame, columns: list[str], key: Mapping[str, Any]) -> dict[str, Any] | None:
    """``key`` with each text value that its column does not hold replaced by the one it holds in another case.

    None when nothing was replaced. A value that its column holds in several cases is refused.
    """
    resolved = dict(key)
    for column in columns:
        value = key[column]
        cells = frame[column]
        if not isinstance(value, str) or (cells == value).fillna(False).any():
            continue
        held = sorted(
            {v for v in cells.dropna().unique().tolist() if isinstance(v, str) and _folded(v) == _folded(value)}
        )
        if len(held) > 1:
            raise UnknownKeyError(
                f"no observation has {column}={value!r}, and {column} holds it in {len(held)} spellings "
                f"({', '.join(map(repr, held))}), which are different series; give one of them exactly"
            )
        if held:
            resolved[column] = held[0]
    return resolved if resolved != dict(key) else None


def _matches(frame: pd.DataFrame, columns: list[str], key: Mapping[str, Any]) -> npt.NDArray[np.bool_]:
    mask = np.ones(len(frame), dtype=bool)
    for column in columns:
        value = key[column]
        cells = frame[column]
        if value is None or value is pd.NA:
            mask &= cells.isna().to_numpy(dtype=bool)
        else:
            mask &= (cells == value).fillna(False).to_numpy(dtype=bool)
    return mask
