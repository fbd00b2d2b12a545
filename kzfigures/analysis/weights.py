"""How much each figure weighs in the fit and in ``drop-minority``: the evidence behind it.

By default a figure's weight is the product of two factors, one for **who** stated it and one
for **how precisely**:

.. math:: w_i = \\mathrm{source}(i) \\times \\mathrm{precision}(i).

===============================  ======  ==========================================
who stated it                    factor  (:data:`SOURCE_WEIGHTS`)
===============================  ======  ==========================================
a named authority                2       "Interior Ministry", "Police"
the outlet's own figure          1       an outlet, no authority named
unattributed                     0.5     neither an authority nor an outlet
===============================  ======  ==========================================

===============================  ======  ==========================================
how it states its number         factor  (:data:`PRECISION_WEIGHTS`)
===============================  ======  ==========================================
exact                            3       "6,044"
approximate or a range           2       "about 8,000", "almost 6,000", "150-200"
open-ended or vague              1       "more than 3,000", "at most 40", "dozens"
===============================  ======  ==========================================

So an authority's exact figure (6) outweighs an outlet's own approximate one (2), which
outweighs an unattributed open-ended headline (0.5). Vague figures state no number and take
no part in the fit whatever their weight; their factor matters to ``drop-minority`` only.

A mapping overrides the *source* factor: the first key that names the figure's authority
(``"authority:Police"``), its outlet (``"outlet:CNN"``) or its outlet's kind
(``"outlet_kind:official"``, or the bare kind ``"official"``) sets it; the precision factor
stays. A callable returns every weight itself. ``weights="equal"`` weighs every figure 1.
A claim (one speaker's figure, however many outlets carried it) weighs the *largest* of its
observations' weights: echoing never adds weight.

>>> import pandas as pd
>>> frame = pd.DataFrame({"authority": ["Police", None, None], "outlet": ["CNN", "CNN", None],
...                       "outlet_kind": ["news_agency", "news_agency", None],
...                       "qualifier": ["exact", "about", "more_than"], "id": ["a", "b", "c"]})
>>> observation_weights(frame, None).tolist()
[6.0, 2.0, 0.5]
>>> observation_weights(frame, {"outlet:CNN": 3}).tolist()  # no key names Police: CNN's 3 applies
[9.0, 6.0, 0.5]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures import _strings
from kzfigures.errors import InvalidArgumentError
from kzfigures.model import OutletKind, Qualifier

__all__ = ["PRECISION_WEIGHTS", "SOURCE_WEIGHTS", "Weights", "observation_weights"]

#: The default source factor: who stated the figure.
SOURCE_WEIGHTS: Mapping[str, float] = {"authority": 2.0, "outlet": 1.0, "unattributed": 0.5}

#: The precision factor, by qualifier.
PRECISION_WEIGHTS: Mapping[str, float] = {
    Qualifier.EXACT.value: 3.0,
    Qualifier.ABOUT.value: 2.0,
    Qualifier.ALMOST.value: 2.0,
    Qualifier.RANGE.value: 2.0,
    Qualifier.MORE_THAN.value: 1.0,
    Qualifier.AT_LEAST.value: 1.0,
    Qualifier.FEWER_THAN.value: 1.0,
    Qualifier.AT_MOST.value: 1.0,
    Qualifier.VAGUE.value: 1.0,
}

#: What ``weights=`` accepts.
Weights = Mapping[str, float] | Callable[[pd.DataFrame], Any] | str | None

_PREFIXES = ("authority:", "outlet:", "outlet_kind:")


def observation_weights(frame: pd.DataFrame, weights: Weights) -> npt.NDArray[np.float64]:
    """One weight per observation (row order), finite and > 0 (see the module docstring).

    Raises
    ------
    InvalidArgumentError
        A mapping key that names no authority, outlet or outlet kind form, a weight that is not
        a finite number > 0, or a callable that returns anything but one such number per row.
    """
    n = len(frame)
    if isinstance(weights, str):
        if weights != "equal":
            raise InvalidArgumentError(f"weights must be None, 'equal', a mapping or a function (got {weights!r})")
        return np.ones(n)
    if weights is None or isinstance(weights, Mapping):
        return _source_factor(frame, _checked(weights or {})) * _precision_factor(frame)
    if callable(weights):
        try:
            values = np.asarray(weights(frame), dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidArgumentError(f"weights(frame) must return numbers, one per row: {error}") from error
        if values.shape != (n,):
            raise InvalidArgumentError(f"weights(frame) must return one weight per row ({n}); got shape {values.shape}")
        bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
        if len(bad):
            row = int(bad[0])
            raise InvalidArgumentError(
                f"weights must be finite and > 0; row {row} (id {frame['id'].iloc[row]!r}) has {values[row]!r}"
            )
        return values
    raise InvalidArgumentError(
        f"weights must be None, 'equal', a mapping of source to weight, or a function of the frame (got {weights!r})"
    )


def _checked(mapping: Mapping[str, Any]) -> dict[str, float]:
    """The mapping with bare outlet kinds spelled ``outlet_kind:KIND``, every key and value checked."""
    kinds = {kind.value for kind in OutletKind}
    checked: dict[str, float] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise InvalidArgumentError(f"weights keys must be texts such as 'authority:Police' (got {key!r})")
        name = f"outlet_kind:{key}" if key in kinds else key
        if not name.startswith(_PREFIXES) or name.partition(":")[2] == "":
            raise InvalidArgumentError(
                f"weights key {key!r} names no source: write 'authority:NAME', 'outlet:NAME' or "
                f"'outlet_kind:KIND' (KIND one of {', '.join(sorted(kinds))})"
            )
        if name.startswith("outlet_kind:") and name.partition(":")[2] not in kinds:
            raise InvalidArgumentError(f"weights key {key!r}: not an outlet kind ({', '.join(sorted(kinds))})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not (math.isfinite(value) and value > 0):
            raise InvalidArgumentError(f"weights[{key!r}] must be a finite number > 0 (got {value!r})")
        checked[name] = float(value)
    return checked


def _source_factor(frame: pd.DataFrame, mapping: dict[str, float]) -> npt.NDArray[np.float64]:
    authority = frame["authority"].astype("string")
    outlet = frame["outlet"].astype("string")
    factor = np.where(
        authority.notna().to_numpy(dtype=bool),
        SOURCE_WEIGHTS["authority"],
        np.where(outlet.notna().to_numpy(dtype=bool), SOURCE_WEIGHTS["outlet"], SOURCE_WEIGHTS["unattributed"]),
    )
    # The most specific named source wins: authority, then outlet, then outlet kind.
    for column, prefix in (("outlet_kind", "outlet_kind:"), ("outlet", "outlet:"), ("authority", "authority:")):
        named = {k.removeprefix(prefix): v for k, v in mapping.items() if k.startswith(prefix)}
        if named:
            chosen = frame[column].astype("string").map(named).to_numpy(dtype=np.float64, na_value=np.nan)
            factor = np.where(np.isnan(chosen), factor, chosen)
    return np.asarray(factor, dtype=np.float64)


def _precision_factor(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    # Each distinct qualifier looked up once, not a Python call per row.
    codes, distinct = _strings.factorize(frame["qualifier"])
    factors = np.array([PRECISION_WEIGHTS.get(str(q), 1.0) for q in distinct] + [1.0], dtype=np.float64)
    return np.asarray(factors[codes], dtype=np.float64)  # code -1 (missing) takes the last, 1
