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
import pandas as pd

from kzfigures.claims import check_by
from kzfigures.errors import InvalidArgumentError, UnknownKeyError

__all__ = ["select_key"]


def select_key(frame: pd.DataFrame, key: Mapping[str, Any] | None) -> pd.DataFrame:
    """Return the rows of ``frame`` whose columns equal ``key``'s values (all rows for None).

    ``None`` as a value matches a missing cell. ``O(n)`` per key column.
    """
    if key is None:
        return frame
    if not isinstance(key, Mapping):
        raise InvalidArgumentError(
            f"key must be a mapping of column to value, e.g. {{'metric': 'detained'}} (got {key!r})"
        )
    columns = check_by(list(key), frame)
    mask = np.ones(len(frame), dtype=bool)
    for column in columns:
        value = key[column]
        cells = frame[column]
        if value is None or value is pd.NA:
            mask &= cells.isna().to_numpy(dtype=bool)
        else:
            mask &= (cells == value).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        wanted = ", ".join(f"{column}={key[column]!r}" for column in columns)
        known = frame[columns].drop_duplicates().head(5).astype("object").to_dict(orient="records")
        raise UnknownKeyError(f"no observation has {wanted}; keys present include {known}")
    return frame[mask]
