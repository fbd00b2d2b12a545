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
from typing import Any

import pandas as pd

from kzfigures.model import Qualifier
from kzfigures.ranges import ranges
from kzfigures.violations import violations

__all__ = [
    "estimate_section",
    "estimate_summary_line",
    "figure_words",
    "observations_section",
    "ranges_section",
    "violations_section",
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


def _bound(low: Any, high: Any) -> str:
    """An interval in words: "7,939", "7,200 to 8,800" or "3,001 or more" (never "inf")."""
    if pd.isna(high):
        return f"{int(low):,} or more"
    if int(low) == int(high):
        return f"{int(low):,}"
    return f"{int(low):,} to {int(high):,}"


def ranges_section(frame: pd.DataFrame) -> str:
    """What range was reported for each key: hull, consensus and counts (see :func:`kzfigures.ranges`).

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> print(ranges_section(kazakhstan_2022()).splitlines()[3])
    detained  (11 observations, 9 claims, 8 speakers)
    """
    lines = ["RANGES", "=" * WIDTH]
    for row in ranges(frame).to_dict(orient="records"):
        lines.append("")
        lines.append(
            f"{key_label(str(row['metric']), str(row['group']), str(row['region']))}  ({row['n_observations']} "
            f"observations, {row['n_claims']} claims, {row['n_speakers']} speakers)"
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


def violations_section(frame: pd.DataFrame) -> str:
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
    'best estimate 7,939 detained as of Jan 10 (range 7,939 to 7,939), from Interior Ministry (kz22-003-03)'
    """
    from kzfigures.explain import source_words

    labels = [str(row[c]) for c in by[1:] if str(row[c]) != "all"]
    what = str(row[by[0]]) + (f" ({', '.join(labels)})" if labels else "")
    high = "unbounded" if pd.isna(row["high"]) else f"{int(row['high']):,}"
    ids = row["best_ids"] or row["low_ids"]
    source = source_words(observations, ids) if ids else "no kept report"
    return (
        f"best estimate {row['best']:,.0f} {what} as of {row['time'].strftime('%b %d')} "
        f"(range {int(row['low']):,} to {high}), from {source}"
    )


def estimate_section(frame: pd.DataFrame) -> str:
    """The best-estimate series of every key, its summary line and what was set aside.

    Uses :func:`kzfigures.best_estimate` with its defaults (isotonic,
    conflicts settled by the latest information).

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> text = estimate_section(kazakhstan_2022())
    >>> max(len(line) for line in text.splitlines()) <= 80
    True
    """
    from kzfigures.estimate import best_estimate

    result = best_estimate(frame)
    lines = ["BEST ESTIMATES", "=" * WIDTH]
    by = result.by
    for key, rows in result.series.groupby(list(by), sort=True):
        metric, group, region = (str(k) for k in key)
        lines.append("")
        kind = "cumulative" if bool(rows["cumulative"].iloc[0]) else "not cumulative"
        lines.append(f"{key_label(metric, group, region)}  ({kind})")
        row: Any
        for _, row in rows.iterrows():
            high = "..." if pd.isna(row["high"]) else f"{int(row['high']):,}"
            lines.append(
                f"  {row['time'].strftime('%b %d'):<7} best {row['best']:>9,.0f}   "
                f"range [{int(row['low']):,}, {high}]   {row['n_claims']} claims"
            )
        summary = estimate_summary_line(rows.iloc[-1], result.observations, by)
        lines.extend(textwrap.wrap(summary, WIDTH, initial_indent="  > ", subsequent_indent="    "))
        aside = result.set_aside
        mask = (aside["metric"] == metric) & (aside["group"] == group) & (aside["region"] == region)
        item: Any
        for item in aside[mask].itertuples():
            note = f"set aside {item.id} ({item.as_of.strftime('%b %d')}): {item.reason} by {item.superseded_by}"
            lines.extend(textwrap.wrap(note, WIDTH, initial_indent="  ! ", subsequent_indent="    "))
    return "\n".join(lines)
