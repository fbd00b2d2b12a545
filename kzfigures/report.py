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
from kzfigures.prepared import Prepared
from kzfigures.ranges import ranges
from kzfigures.selection import select_key
from kzfigures.violations import violations
from kzfigures.words import figure_words, who_said

__all__ = [
    "estimate_section",
    "estimate_summary_line",
    "figure_words",
    "filter_key",
    "key_label",
    "markdown_table",
    "observations_section",
    "observations_table",
    "parse_key",
    "ranges_section",
    "select_series",
    "summary_lines",
    "summary_section",
    "violations_section",
    "when",
]

WIDTH = 80


def _interval(low: Any, high: Any) -> str:
    upper = "..." if pd.isna(high) else f"{int(high):,}"
    return f"[{int(low):,}, {upper}]"


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 claim", "9 claims".

    >>> count(1, "claim"), count(4404, "observation")
    ('1 claim', '4,404 observations')
    """
    return f"{int(n):,} {noun}{'' if n == 1 else 's'}"


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
        lines.append(f"{key_label(str(metric), str(group), str(region))}  ({count(len(rows), 'observation')})")
        # itertuples, not iterrows: no Series per row (about ten times faster on a large file).
        row: Any
        for row in rows.itertuples(index=False):
            when = row.as_of.strftime("%b %d") if row.as_of_precision == "day" else str(row.as_of)[:16]
            words = figure_words(row.low, row.high, row.stated, row.qualifier, row.figure)
            head = f"  {when:<7} {words:<18} {_interval(row.low, row.high):<16} "
            wrapped = textwrap.wrap(who_said(row.authority, row.via, row.outlet), WIDTH - len(head)) or [""]
            lines.append(head + wrapped[0])
            lines.extend(" " * len(head) + more for more in wrapped[1:])
    return "\n".join(lines)


def _bound(low: Any, high: Any) -> str:
    """An interval in words: "7,939", "7,200 to 8,800" or "3,001 or more" (never "inf")."""
    if pd.isna(high):
        return f"{int(low):,} or more"
    if int(low) == int(high):
        return f"{int(low):,}"
    return f"{int(low):,} to {int(high):,}"


def ranges_section(frame: pd.DataFrame | Prepared) -> str:
    """What range was reported for each key: hull, consensus and counts (see :func:`kzfigures.ranges`).

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> print(ranges_section(kazakhstan_2022()).splitlines()[3])
    detained  (11 observations, 9 claims, 8 speakers)
    """
    lines = ["RANGES", "=" * WIDTH]
    for row in ranges(frame).to_dict(orient="records"):
        lines.append("")
        lines.append(
            f"{key_label(str(row['metric']), str(row['group']), str(row['region']))}  "
            f"({count(row['n_observations'], 'observation')}, {count(row['n_claims'], 'claim')}, "
            f"{count(row['n_speakers'], 'speaker')})"
        )
        lines.append(f"  reported:   {_bound(row['hull_low'], row['hull_high'])}")
        if row["consensus_empty"]:
            lines.append(
                f"  consensus:  none - a low of {int(row['consensus_low']):,} is above a high of "
                f"{int(row['consensus_high']):,}"
            )
        else:
            lines.append(f"  consensus:  {_bound(row['consensus_low'], row['consensus_high'])}")
    return "\n".join(lines)


def violations_section(frame: pd.DataFrame | Prepared) -> str:
    """Where a running total falls (see :func:`kzfigures.violations`), and which keys were checked.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> print(violations_section(kazakhstan_2022()).splitlines()[3])
    detained - conflict: 5,400 to 5,999 (Presidential Office, Jan 09) is below 6,044
    """
    report = violations(frame)
    lines = ["VIOLATIONS OF A NON-DECREASING COUNT", "=" * WIDTH, ""]
    if len(report.frame) == 0:
        lines.append("none found")
    for row in report.frame.to_dict(orient="records"):
        label = key_label(str(row["metric"]), str(row["group"]), str(row["region"]))
        measure = "point value" if row["kind"] == "soft" else "interval"
        text = (
            f"{label} - {row['kind']}: {_bound(row['low'], row['high'])} ({row['speaker']}, "
            f"{row['as_of']:%b %d}) is below {_bound(row['witness_low'], row['witness_high'])} "
            f"({row['witness_speaker']}, {row['witness_as_of']:%b %d}): a {row['relation']}, {measure} "
            f"{int(row['drop']):,} lower; {row['id']} against {row['witness_id']}."
        )
        lines.extend(textwrap.wrap(text, WIDTH, subsequent_indent="    "))
    lines.append("")
    lines.extend(
        textwrap.wrap(
            f"{len(report.checked_keys)} cumulative keys checked; not checked (not running totals): "
            + (", ".join(key_label(*map(str, k)) for k in report.skipped_keys) or "none")
            + ".",
            WIDTH,
        )
    )
    return "\n".join(lines)


def estimate_summary_line(row: Any, observations: pd.DataFrame, by: tuple[str, ...]) -> str:
    """The sentence a journalist can quote for one key's latest best estimate.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.estimate import best_estimate
    >>> result = best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))
    >>> estimate_summary_line(result.series.iloc[-1], result.observations, result.by)
    'best estimate 7,939 detained as of Jan 10 (range 7,939), from Interior Ministry (kz22-003-03)'
    """
    return _summary_line(row, observations.set_index("id"), by)


def _summary_line(row: Any, by_id: pd.DataFrame, by: tuple[str, ...]) -> str:
    from kzfigures.explain import source_words_by_id

    labels = [str(row[c]) for c in by[1:] if str(row[c]) != "all"]
    what = str(row[by[0]]) + (f" ({', '.join(labels)})" if labels else "")
    ids = row["best_ids"] or row["low_ids"]
    source = source_words_by_id(by_id, ids) if ids else "no kept report"
    return (
        f"best estimate {row['best']:,.0f} {what} as of {row['time'].strftime('%b %d')} "
        f"(range {_bound(row['low'], row['high'])}), from {source}"
    )


def _estimate(
    frame_or_result: Any, method: str, freq: str | None, on_conflict: str
) -> Any:  # an Estimate; Any keeps presentation free of an analysis import at module level
    from kzfigures.estimate import Estimate, best_estimate

    if isinstance(frame_or_result, Estimate):
        return frame_or_result
    return best_estimate(frame_or_result, method=method, freq=freq, on_conflict=on_conflict)


def estimate_section(
    frame: Any, *, method: str = "isotonic", freq: str | None = None, on_conflict: str = "latest"
) -> str:
    """The best-estimate series of every key, its summary line and what was set aside.

    ``frame`` is the observations (then :func:`kzfigures.best_estimate` runs
    with the given options) or an :class:`~kzfigures.Estimate` already made.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> text = estimate_section(kazakhstan_2022())
    >>> max(len(line) for line in text.splitlines()) <= 80
    True
    """
    result = _estimate(frame, method, freq, on_conflict)
    lines = ["BEST ESTIMATES", "=" * WIDTH]
    by = result.by
    # Index the observations and split the set-aside rows by key once, not once per key.
    by_id = result.observations.set_index("id")
    aside_of = dict(iter(result.set_aside.groupby(list(by), sort=False)))
    no_aside = result.set_aside.iloc[:0]
    for key, rows in result.series.groupby(list(by), sort=True):
        lines.append("")
        kind = "cumulative" if bool(rows["cumulative"].iloc[0]) else "not cumulative"
        lines.append(f"{_label(by, key)}  ({kind})")
        row: Any
        for _, row in rows.iterrows():
            high = "..." if pd.isna(row["high"]) else f"{int(row['high']):,}"
            lines.append(
                f"  {row['time'].strftime('%b %d'):<7} best {row['best']:>9,.0f}   "
                f"range [{int(row['low']):,}, {high}]   {count(row['n_claims'], 'claim')}"
            )
        summary = _summary_line(rows.iloc[-1], by_id, by)
        lines.extend(textwrap.wrap(summary, WIDTH, initial_indent="  > ", subsequent_indent="    "))
        item: Any
        for item in aside_of.get(key, no_aside).itertuples():
            note = f"set aside {item.id} ({item.as_of.strftime('%b %d')}): {item.reason} by {item.superseded_by}"
            lines.extend(textwrap.wrap(note, WIDTH, initial_indent="  ! ", subsequent_indent="    "))
    return "\n".join(lines)


def _label(by: Sequence[str], key: Any) -> str:
    values = [str(k) for k in (key if isinstance(key, tuple) else (key,))]
    if tuple(by) == DEFAULT_BY:
        return key_label(*values)
    return ", ".join(f"{c}={v}" for c, v in zip(by, values, strict=True))


def summary_lines(result: Any) -> list[str]:
    """One quotable sentence per key: its latest best estimate, range and source.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.estimate import best_estimate
    >>> lines = summary_lines(best_estimate(kazakhstan_2022().query("group == 'all'")))
    >>> [line.split(", from")[0] for line in lines]  # doctest: +NORMALIZE_WHITESPACE
    ['best estimate 7,939 detained as of Jan 10 (range 7,939)',
     'best estimate 400 injured as of Jan 08 (range 200 to 999)',
     'best estimate 164 killed as of Jan 10 (range 164 or more)']
    """
    series = result.series
    if len(series) == 0:
        return []
    last = series.groupby(list(result.by), sort=True).tail(1)
    by_id = result.observations.set_index("id")
    return [_summary_line(row, by_id, result.by) for _, row in last.iterrows()]


def summary_section(result: Any) -> str:
    """The summary lines under a heading, wrapped to 80 columns.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.estimate import best_estimate
    >>> print(summary_section(best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))))
    SUMMARY
    ================================================================================
    <BLANKLINE>
    - best estimate 7,939 detained as of Jan 10 (range 7,939), from Interior
      Ministry (kz22-003-03)
    """
    lines = ["SUMMARY", "=" * WIDTH, ""]
    for line in summary_lines(result):
        lines.extend(textwrap.wrap(line, WIDTH, initial_indent="- ", subsequent_indent="  "))
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
    try:
        return select_key(frame, pairs or None)
    except UnknownKeyError:
        # Say which value is unknown, and what the column holds: a desk types
        # these keys by hand.
        for column, value in pairs.items():
            if not (frame[column].astype("string") == value).any():
                held = ", ".join(sorted(frame[column].dropna().astype(str).unique()))
                raise UnknownKeyError(f"no observation has {column}={value!r}; {column} holds: {held}") from None
        raise


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
