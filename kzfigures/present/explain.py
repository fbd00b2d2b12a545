"""Say in words why one point of a best-estimate series is what it is.

Presentation only: it reads an :class:`~kzfigures.analysis.estimate.Estimate` and its
observations; it computes nothing new.

>>> from kzfigures.datasets import kazakhstan_2022
>>> from kzfigures.analysis.estimate import best_estimate
>>> result = best_estimate(kazakhstan_2022())
>>> print(explain(result, "2022-01-09", key=("detained", "all", "all")))
detained (all, all) by the end of Jan 09, 2022:
  low 6,044 from Police in hamslivenews.com (kz22-004-08)
  high 7,939 from Interior Ministry (kz22-003-03)
  best 6,044: the isotonic fit, pooled from Police in hamslivenews.com
    (kz22-004-08)
>>> print(explain(result, "2022-01-08", key=("injured", "all", "all")))
injured (all, all) by the end of Jan 08, 2022:
  low 200 from an unnamed source via CNN (kz22-000-04); CNN (kz22-001-03)
  high unbounded (no kept report after this time sets an upper bound)
  no best: no figure so far states a number (vague words bound the range only)
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kzfigures.analysis.estimate import Estimate
from kzfigures.analysis.inputs import key_rows
from kzfigures.errors import InvalidArgumentError, TimezoneError
from kzfigures.present.words import figure_words, sources_text

__all__ = ["explain", "source_words", "source_words_by_id"]

_WIDTH = 80


def source_words(observations: pd.DataFrame, ids: Sequence[str]) -> str:
    """Who said the observations ``ids``: "Police in hamslivenews.com (kz22-004-08)", joined by "; ".

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> source_words(kazakhstan_2022(), ["kz22-003-03"])
    'Interior Ministry (kz22-003-03)'
    """
    return source_words_by_id(observations.set_index("id"), ids)


def source_words_by_id(by_id: pd.DataFrame, ids: Sequence[str]) -> str:
    """:func:`source_words` for observations already indexed by id (index them once, look up many times).

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> by_id = kazakhstan_2022().set_index("id")
    >>> source_words_by_id(by_id, ["kz22-003-03"])
    'Interior Ministry (kz22-003-03)'
    """
    rows = by_id.loc[list(ids)]
    return sources_text(zip(rows.index, rows["authority"], rows["via"], rows["outlet"], strict=True))


def _figure(row: pd.Series) -> str:
    return figure_words(row["low"], row["high"], row["stated"], row["qualifier"], row["figure"])


def _select(estimate: Estimate, key: Any) -> pd.DataFrame:
    series = estimate.series
    columns = list(estimate.by)
    if key is None:
        keys = series[columns].drop_duplicates()
        if len(keys) != 1:
            raise InvalidArgumentError(f"the estimate has {len(keys)} series; give key= (values of {columns})")
        return series
    given = [key] if isinstance(key, str) else key
    if not isinstance(key, Mapping) and len(given) != len(columns):
        raise InvalidArgumentError(f"key must give a value for each of {columns} (got {key!r})")
    values = dict(key) if isinstance(key, Mapping) else dict(zip(columns, given, strict=True))
    if sorted(values) != sorted(columns):
        raise InvalidArgumentError(f"key must give a value for each of {columns} (got {key!r})")
    return series[key_rows(series, values)]


def explain(estimate: Estimate, time: str | pd.Timestamp, key: Any = None) -> str:
    """Explain the row of ``estimate`` at ``time`` (the last row at or before it).

    Parameters
    ----------
    estimate : Estimate
        A result of :func:`kzfigures.best_estimate`.
    time : str or Timestamp
        A time; without a zone it is read in the series' zone.
    key : tuple, mapping or None
        The series: values of the estimate's ``by`` columns, in order or by
        name. May be omitted when the estimate has one series.

    Returns
    -------
    str
        Several lines: where ``low`` and ``high`` come from, how ``best`` was
        reached, and what was set aside at that slot and why.

    Raises
    ------
    UnknownKeyError
        No series has that key.
    InvalidArgumentError
        ``key`` is malformed or ambiguous, or ``time`` is before the series.
    """
    rows = _select(estimate, key)
    zone = rows["time"].dt.tz
    moment = pd.Timestamp(time)
    if moment.tzinfo is None:
        moment = moment.tz_localize(zone)
    if pd.isna(moment):
        raise TimezoneError(f"cannot read a time from {time!r}")
    before = rows[rows["time"] <= moment]
    if before.empty:
        raise InvalidArgumentError(f"{time!r} is before the first report of this series ({rows['time'].iloc[0]})")
    row = before.iloc[-1]
    observations = estimate.observations
    label = ", ".join(str(row[c]) for c in estimate.by[1:])
    head = f"{row[estimate.by[0]]}" + (f" ({label})" if label else "")
    lines = [f"{head} by the end of {row['time'].strftime('%b %d, %Y')}:"]
    low = int(row["low"])
    if row["low_ids"]:
        lines.append(f"low {low:,} from {source_words(observations, row['low_ids'])}")
    else:
        lines.append(f"low {low:,} (no kept report sets a lower bound yet)")
    if pd.isna(row["high"]):
        lines.append("high unbounded (no kept report after this time sets an upper bound)")
    else:
        lines.append(f"high {int(row['high']):,} from {source_words(observations, row['high_ids'])}")
    lines.append(_best_words(estimate, row))
    aside = estimate.set_aside
    mask = pd.Series(True, index=aside.index)
    for column in estimate.by:
        mask &= aside[column].astype("string") == str(row[column])
    here = aside[mask & (aside["as_of"] >= row["slot_start"]) & (aside["as_of"] < row["slot_end"])]
    if not here.empty and row["n_claims"] > 0:
        words = []
        by_id = observations.set_index("id")
        for item in here.itertuples():
            words.append(
                f"{_figure(by_id.loc[item.id])} from {source_words(observations, [item.id])}, "
                f"{item.reason} by {item.superseded_by}"
            )
        lines.append("set aside here: " + "; ".join(words))
    out = [lines[0]]
    for line in lines[1:]:
        out.extend(textwrap.wrap(line, _WIDTH, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(out)


def _best_words(estimate: Estimate, row: pd.Series) -> str:
    best, fit = float(row["best"]), float(row["fit"])
    if pd.isna(best):  # no invented precision: say why there is no number
        return "no best: no figure so far states a number (vague words bound the range only)"
    shown = f"{best:,.0f}" if best == round(best) else f"{best:,.1f}"
    fit_shown = f"{fit:,.0f}" if fit == round(fit) else f"{fit:,.1f}"
    if estimate.method == "conservative":
        return f"best {shown}: the low (conservative method)"
    what = {
        "isotonic": "the isotonic fit",
        "median": "the weighted median made monotone",
        "latest": "the latest figure",
    }[estimate.method]
    if fit < float(row["low"]) and best == float(row["low"]):
        return f"best {shown}: {what} ({fit_shown}), raised to the low"
    if not pd.isna(row["high"]) and fit > float(row["high"]) and best == float(row["high"]):
        return f"best {shown}: {what} ({fit_shown}), lowered to the high"
    return f"best {shown}: {what}, pooled from {source_words(estimate.observations, row['best_ids'])}"
