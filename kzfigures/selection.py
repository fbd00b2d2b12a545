"""Pick the rows of one series key out of an observation frame.

Analyses that take a ``key=`` option (``key={"metric": "detained"}``) call
:func:`select_key`: a column the schema cannot key by is an
:class:`~kzfigures.UnknownColumnError`, and a key that matches no row is an
:class:`~kzfigures.UnknownKeyError` - never an empty result.

>>> from kzfigures.datasets import kazakhstan_2022
>>> len(select_key(kazakhstan_2022(), {"metric": "detained", "group": "all"}))
11
>>> select_key(kazakhstan_2022(), {"metric": "arrested"})
Traceback (most recent call last):
...
kzfigures.errors.UnknownKeyError: no observation has metric='arrested'; ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.claims import ClaimIndex, check_by, first_rows
from kzfigures.errors import InvalidArgumentError, UnknownKeyError
from kzfigures.frame import COLUMNS

__all__ = ["key_rows", "select_key"]


def select_key(frame: pd.DataFrame, key: Mapping[str, Any] | None) -> pd.DataFrame:
    """Return the rows of ``frame`` whose columns equal ``key``'s values (all rows for None).

    ``None`` as a value matches a missing cell. ``O(n)`` per key column.
    """
    if key is None:
        return frame
    return frame[key_rows(frame, key)]


def key_rows(frame: pd.DataFrame, key: Mapping[str, Any], index: ClaimIndex | None = None) -> npt.NDArray[np.bool_]:
    """Which rows of ``frame`` :func:`select_key` keeps, as a mask.

    ``index``, the claim index of ``frame`` (a :class:`~kzfigures.Prepared`'s), answers a key on
    the index's schema columns once per series rather than once per row: every row of a series
    holds the same key cells (as grouping finds them: the missing markers alike), so one row
    stands for all of it.

    >>> from kzfigures.claims import annotate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> key = {"metric": "detained", "group": "all"}
    >>> bool((key_rows(frame, key, annotate(frame)) == key_rows(frame, key)).all())
    True
    """
    if not isinstance(key, Mapping):
        raise InvalidArgumentError(
            f"key must be a mapping of column to value, e.g. {{'metric': 'detained'}} (got {key!r})"
        )
    columns = check_by(list(key), frame)
    if (
        index is not None
        and len(frame)
        and len(index.series) == len(frame)
        and set(columns) <= set(index.by) & set(COLUMNS)
    ):
        mask = _matches(frame.iloc[first_rows(index.series)], columns, key)[index.series]
    else:
        mask = _matches(frame, columns, key)
    if not mask.any():
        wanted = ", ".join(f"{column}={key[column]!r}" for column in columns)
        known = frame[columns].drop_duplicates().head(5).astype("object").to_dict(orient="records")
        raise UnknownKeyError(f"no observation has {wanted}; keys present include {known}")
    return mask


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
