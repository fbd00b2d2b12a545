"""Plain-text rendering of observations and results for an 80-column terminal.

Presentation only: nothing here computes a figure; it formats what the
analyses return.

>>> from kzfigures.datasets import kazakhstan_2022
>>> text = observations_section(kazakhstan_2022())
>>> max(len(line) for line in text.splitlines()) <= 80
True
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kzfigures.claims import DEFAULT_BY, check_by
from kzfigures.errors import InvalidArgumentError, UnknownKeyError
from kzfigures.model import Qualifier

__all__ = [
    "figure_words",
    "filter_key",
    "key_label",
    "markdown_table",
    "observations_section",
    "observations_table",
    "parse_key",
    "select_series",
    "when",
]

WIDTH = 80

_WORDS = {
    Qualifier.MORE_THAN.value: "more than",
    Qualifier.AT_LEAST.value: "at least",
    Qualifier.FEWER_THAN.value: "fewer than",
    Qualifier.AT_MOST.value: "at most",
    Qualifier.ABOUT.value: "about",
    Qualifier.ALMOST.value: "almost",
}


def figure_words(low: Any, high: Any, stated: Any, qualifier: str, text: Any = None) -> str:
    """Words for a figure: the phrase as written if known, else canonical words.

    Open-ended figures read "more than 3,000", never "inf".

    >>> figure_words(3001, None, 3000, "more_than")
    'more than 3,000'
    >>> figure_words(24, 99, None, "vague", "dozens")
    'dozens'
    """
    if isinstance(text, str) and text:
        return text
    if qualifier in _WORDS and not pd.isna(stated):
        return f"{_WORDS[qualifier]} {int(stated):,}"
    if qualifier == Qualifier.EXACT.value:
        return f"{int(stated):,}"
    if pd.isna(high):
        return f"at least {int(low):,}"
    return f"between {int(low):,} and {int(high):,}"


def _interval(low: Any, high: Any) -> str:
    upper = "..." if pd.isna(high) else f"{int(high):,}"
    return f"[{int(low):,}, {upper}]"


def _source(row: pd.Series) -> str:
    parts = []
    if not pd.isna(row["authority"]):
        parts.append(str(row["authority"]))
    if not pd.isna(row["via"]):
        parts.append(f"via {row['via']}")
    if not pd.isna(row["outlet"]):
        parts.append(f"in {row['outlet']}")
    return " ".join(parts) if parts else "source not given"


def key_label(metric: str, group: str, region: str) -> str:
    """A short heading for a series key.

    >>> key_label("killed", "law_enforcement", "all")
    'killed - law_enforcement'
    """
    label = metric if group == "all" else f"{metric} - {group}"
    return label if region == "all" else f"{label} ({region})"


def observations_section(frame: pd.DataFrame) -> str:
    """The observations grouped by metric, group and region, oldest first.

    Each line: the as-of date, the figure as worded, its interval, and who
    said it through whom.
    """
    lines = ["OBSERVATIONS", "=" * WIDTH]
    ordered = frame.sort_values(["metric", "group", "region", "as_of", "id"], kind="stable")
    for (metric, group, region), rows in ordered.groupby(["metric", "group", "region"], sort=False):
        lines.append("")
        lines.append(f"{key_label(str(metric), str(group), str(region))}  ({len(rows)} observations)")
        for _, row in rows.iterrows():
            when = row["as_of"].strftime("%b %d") if row["as_of_precision"] == "day" else str(row["as_of"])[:16]
            words = figure_words(row["low"], row["high"], row["stated"], row["qualifier"], row["figure"])
            head = f"  {when:<7} {words:<18} {_interval(row['low'], row['high']):<16} "
            wrapped = textwrap.wrap(_source(row), WIDTH - len(head)) or [""]
            lines.append(head + wrapped[0])
            lines.extend(" " * len(head) + more for more in wrapped[1:])
    return "\n".join(lines)


def parse_key(key: Mapping[str, str] | str | None) -> dict[str, str]:
    """Read a key such as ``"metric=detained,group=all"`` into ``{column: value}``.

    >>> parse_key("metric=detained, group=all")
    {'metric': 'detained', 'group': 'all'}
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
        for part in key.split(","):
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
    if pairs:
        check_by(list(pairs))
    return {str(column): str(value) for column, value in pairs.items()}


def filter_key(frame: pd.DataFrame, key: Mapping[str, str] | str | None) -> pd.DataFrame:
    """The rows whose columns equal the key's values; all rows when ``key`` is None.

    Raises :class:`~kzfigures.UnknownKeyError` when no row matches, naming the
    values the column does hold.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> len(filter_key(kazakhstan_2022(), "metric=detained"))
    12
    >>> filter_key(kazakhstan_2022(), "metric=arrested")
    Traceback (most recent call last):
    ...
    kzfigures.errors.UnknownKeyError: no observation has metric='arrested'; metric holds: detained, injured, killed
    """
    pairs = parse_key(key)
    mask = pd.Series(True, index=frame.index)
    for column, value in pairs.items():
        if column not in frame.columns:
            raise UnknownKeyError(f"no observation has {column}={value!r}: the frame has no column {column!r}")
        matches = frame[column].astype("string") == value
        if not matches.any():
            held = ", ".join(sorted(frame[column].dropna().astype(str).unique()))
            raise UnknownKeyError(f"no observation has {column}={value!r}; {column} holds: {held}")
        mask &= matches.fillna(False).astype(bool)
    if not mask.any():
        raise UnknownKeyError(f"no observation matches the key {key!r}")
    return frame[mask.to_numpy()]


def select_series(
    frame: pd.DataFrame, key: Mapping[str, str] | str | None, by: Sequence[str] = DEFAULT_BY
) -> pd.DataFrame:
    """The rows of the one series ``key`` selects.

    Columns of ``by`` left out of the key match any value, but together the
    key must select a single series.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> len(select_series(kazakhstan_2022(), {"metric": "detained", "group": "all"}))
    11
    >>> select_series(kazakhstan_2022(), "metric=detained")
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: key 'metric=detained' matches 2 series; add columns to it: ...
    """
    columns = check_by(by, frame)
    rows = filter_key(frame, key)
    keys = rows[columns].drop_duplicates()
    if len(keys) > 1:
        listed = "; ".join(
            ",".join(f"{c}={v}" for c, v in zip(columns, values, strict=True))
            for values in keys.astype(str).itertuples(index=False)
        )
        raise InvalidArgumentError(f"key {key!r} matches {len(keys)} series; add columns to it: {listed}")
    return rows


def when(moment: Any, precision: Any) -> str:
    """A time as text at its precision: ``2022-01-07`` for a day, ISO 8601 with offset otherwise.

    >>> import pandas as pd
    >>> when(pd.Timestamp("2022-01-07T00:00+06:00"), "day")
    '2022-01-07'
    >>> when(pd.Timestamp("2022-01-07T15:00+06:00"), "hour")
    '2022-01-07T15:00+06:00'
    >>> when(pd.NaT, None)
    ''
    """
    if pd.isna(moment):
        return ""
    if precision == "day":
        return str(moment.strftime("%Y-%m-%d"))
    text = moment.isoformat(timespec="seconds" if precision == "second" else "minutes")
    return str(text)


def observations_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The observations as a flat table for markdown, CSV and JSON output.

    One row per observation, oldest first within each series. Columns:
    ``metric``, ``group``, ``region``, ``as_of`` (text at its precision),
    ``figure`` (the words), ``low``, ``high`` (``<NA>`` = unbounded),
    ``authority``, ``via``, ``outlet``, ``id``.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> table = observations_table(kazakhstan_2022())
    >>> table.query("figure == '7,939'")[["as_of", "low", "high", "authority"]].to_dict("records")
    [{'as_of': '2022-01-10', 'low': 7939, 'high': 7939, 'authority': 'Interior Ministry'}]
    """
    ordered = frame.sort_values(["metric", "group", "region", "as_of", "id"], kind="stable")
    words = [
        figure_words(low, high, stated, qualifier, text)
        for low, high, stated, qualifier, text in zip(
            ordered["low"], ordered["high"], ordered["stated"], ordered["qualifier"], ordered["figure"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "metric": ordered["metric"].astype("string"),
            "group": ordered["group"].astype("string"),
            "region": ordered["region"].astype("string"),
            "as_of": pd.array(
                [when(m, p) for m, p in zip(ordered["as_of"], ordered["as_of_precision"], strict=True)], dtype="string"
            ),
            "figure": pd.array(words, dtype="string"),
            "low": ordered["low"].astype("Int64"),
            "high": ordered["high"].astype("Int64"),
            "authority": ordered["authority"].astype("string"),
            "via": ordered["via"].astype("string"),
            "outlet": ordered["outlet"].astype("string"),
            "id": ordered["id"].astype("string"),
        }
    ).reset_index(drop=True)


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: pd.DataFrame, *, unbounded: Sequence[str] = ("high",)) -> str:
    """A GitHub-flavoured Markdown pipe table; numbers right-aligned with thousands separators.

    Missing values in the ``unbounded`` columns read "no upper bound"; other
    missing values are empty cells. Pipes in text are escaped.

    >>> import pandas as pd
    >>> print(markdown_table(pd.DataFrame({"figure": ["more than 3,000"], "low": pd.array([3001], dtype="Int64"),
    ...                                    "high": pd.array([None], dtype="Int64")})))
    | figure | low | high |
    |:---|---:|---:|
    | more than 3,000 | 3,001 | no upper bound |
    """
    numeric = [pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype) for dtype in table.dtypes]
    lines = [
        "| " + " | ".join(str(c) for c in table.columns) + " |",
        "|" + "|".join("---:" if n else ":---" for n in numeric) + "|",
    ]
    for values in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, values, strict=True):
            missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
            if missing and column in unbounded:
                cells.append("no upper bound")
            elif hasattr(value, "item") and not isinstance(value, str):
                cells.append(_cell(value.item()))
            else:
                cells.append(_cell(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
