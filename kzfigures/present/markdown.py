"""The report as Markdown for a CMS: headings, the summary as bullets, pipe tables of at most seven columns.

Presentation only, like :mod:`kzfigures.present.report`: the same sections
in the same words (figures as stated, dates with the year, ids only with
``ids=True``), laid out as tables a CMS accepts.

>>> from kzfigures.analysis.inputs import prepare
>>> from kzfigures.analysis.estimate import best_estimate
>>> from kzfigures.datasets import kazakhstan_2022
>>> prepared = prepare(kazakhstan_2022())
>>> parts = list(markdown_sections(prepared, best_estimate(prepared), ["summary"]))
>>> print(parts[0].splitlines()[2])  # doctest: +NORMALIZE_WHITESPACE
- detained: about 8,000 by Jan 10, 2022 (Kazakh authorities); Interior Ministry: 7,939;
  earlier figures from more than 3,000 on Jan 7, 2022
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from kzfigures.analysis.inputs import Prepared
from kzfigures.analysis.violations import violations
from kzfigures.present.summary import agreed_words, known_words, range_rows, reported_words, summary_lines
from kzfigures.present.words import (
    ObservationWords,
    bound_words,
    figure_words,
    series_words,
    speaker_words,
    time_words,
    who_said,
)

__all__ = ["MAX_COLUMNS", "markdown_sections", "markdown_table", "revisions_markdown"]

#: The widest table the Markdown report writes (with ``ids=True``).
MAX_COLUMNS = 7


def markdown_sections(prepared: Prepared, result: Any, sections: Sequence[str], *, ids: bool = False) -> Iterator[str]:
    """The Markdown report, one section at a time, in the order of ``sections``.

    ``sections`` holds names from ``summary``, ``estimates``, ``violations``,
    ``ranges`` and ``observations``; ``result`` is the
    :class:`~kzfigures.Estimate` of ``prepared``.

    >>> from kzfigures.analysis.inputs import prepare
    >>> from kzfigures.analysis.estimate import best_estimate
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> prepared = prepare(kazakhstan_2022())
    >>> [part.splitlines()[0] for part in markdown_sections(prepared, best_estimate(prepared), ["ranges", "summary"])]
    ['## Ranges', '## Summary']
    """
    makers = {
        "summary": _summary,
        "estimates": _estimates,
        "violations": _violations,
        "ranges": _ranges,
        "observations": _observations,
    }
    for name in sections:
        yield makers[name](prepared, result, ids)


def _summary(prepared: Prepared, result: Any, ids: bool) -> str:
    lines = ["## Summary", ""]
    lines += [f"- {line}" for line in summary_lines(result, ids=ids)]
    return "\n".join(lines)


def _estimates(prepared: Prepared, result: Any, ids: bool) -> str:
    series = result.series
    by = list(result.by)
    table = pd.DataFrame(
        {
            "series": [series_words(key, by) for key in series[by].itertuples(index=False, name=None)],
            "by the end of": [time_words(t) for t in series["time"]],
            "best": series["best"].round().astype("Int64"),
            "low": series["low"].astype("Int64"),
            "high": series["high"].astype("Int64"),
            "figures": series["n_claims"].astype("int64"),
        }
    )
    if ids:
        table["ids"] = [
            ", ".join(dict.fromkeys([*b, *lo])) for b, lo in zip(series["best_ids"], series["low_ids"], strict=True)
        ]
    parts = ["## Best estimates", "", _table(table, none={"best": "not stated", "high": "no upper bound"})]
    aside = result.set_aside
    if len(aside):
        words = ObservationWords(result.observations)
        set_aside = pd.DataFrame(
            {
                "series": [series_words(key, by) for key in aside[by].itertuples(index=False, name=None)],
                "figure set aside": [words.said([i]) for i in aside["id"]],
                "why": aside["reason"].astype("string"),
                "by": [words.said([i]) for i in aside["superseded_by"]],
            }
        )
        if ids:
            set_aside["ids"] = [f"{a} by {b}" for a, b in zip(aside["id"], aside["superseded_by"], strict=True)]
        parts += ["", "### Set aside", "", _table(set_aside)]
    return "\n".join(parts)


def _violations(prepared: Prepared, result: Any, ids: bool) -> str:
    report = violations(prepared, prepared.by)
    words = ObservationWords(prepared.frame)
    parts = ["## Violations of a non-decreasing count", ""]
    if len(report.frame) == 0:
        parts.append("None found.")
    else:
        found = report.frame
        table = pd.DataFrame(
            {
                "series": _series(found, prepared.by),
                "kind": found["kind"].astype("string"),
                "figure": [words.said([i]) for i in found["id"]],
                "is below": [words.said([i]) for i in found["witness_id"]],
                "drop": found["drop"].astype("int64"),
            }
        )
        if ids:
            table["ids"] = [f"{a} against {b}" for a, b in zip(found["id"], found["witness_id"], strict=True)]
        parts.append(_table(table))
    split = report.disagreements
    if len(split):
        parts += ["", "### Same day, different figures (not a fall)", ""]
        parts += ["Different sources, one day: a count can rise within a day, so these are no violation.", ""]
        table = pd.DataFrame(
            {
                "series": _series(split, prepared.by),
                "figure": [words.said([i]) for i in split["id"]],
                "and": [words.said([i]) for i in split["witness_id"]],
                "apart": split["drop"].astype("int64"),
            }
        )
        if ids:
            table["ids"] = [f"{a} and {b}" for a, b in zip(split["id"], split["witness_id"], strict=True)]
        parts.append(_table(table))
    return "\n".join(parts)


def _ranges(prepared: Prepared, result: Any, ids: bool) -> str:
    frame = prepared.frame
    by = list(prepared.by)
    words = ObservationWords(frame)
    rows = []
    for key, row, is_running in range_rows(prepared):
        stated = "" if pd.isna(row["min_stated"]) else bound_words(row["min_stated"], row["max_stated"])
        rows.append(
            {
                "series": series_words(key, by),
                "of": "latest figure of each source" if is_running else "whole record",
                "reported": reported_words(row, words),
                "numbers stated": stated,
                "agreed": agreed_words(row, words, is_running),
                "sources": int(row["n_speakers"]),
            }
            | (
                {"ids": ", ".join(dict.fromkeys([*row["consensus_low_ids"], *row["consensus_high_ids"]]))}
                if ids
                else {}
            )
        )
    return "\n".join(["## Ranges", "", _table(pd.DataFrame(rows))])


def _observations(prepared: Prepared, result: Any, ids: bool) -> str:
    by = list(prepared.by)
    frame = prepared.frame.sort_values([*by, "as_of", "id"], kind="stable")
    table = pd.DataFrame(
        {
            "series": _series(frame, by),
            "as of": [
                time_words(t, whole_day=p == "day")
                for t, p in zip(frame["as_of"], frame["as_of_precision"], strict=True)
            ],
            "figure": [
                figure_words(*cells)
                for cells in zip(
                    frame["low"], frame["high"], frame["stated"], frame["qualifier"], frame["figure"], strict=True
                )
            ],
            "low": frame["low"].astype("Int64"),
            "high": frame["high"].astype("Int64"),
            "source": [
                who_said(*cells) for cells in zip(frame["authority"], frame["via"], frame["outlet"], strict=True)
            ],
        }
    )
    if ids:
        table["id"] = frame["id"].astype("string").to_numpy()
    return "\n".join(["## Observations", "", _table(table, none={"high": "no upper bound"})])


def _ids(*groups: Sequence[str]) -> str:
    """The ids of several groups, each once, in order."""
    return ", ".join(dict.fromkeys(i for group in groups for i in group))


def _series(frame: pd.DataFrame, by: Sequence[str]) -> list[str]:
    return [series_words(key, by) for key in frame[list(by)].itertuples(index=False, name=None)]


def _table(table: pd.DataFrame, none: dict[str, str] | None = None) -> str:
    """A pipe table, no wider than :data:`MAX_COLUMNS`; ``none`` says what a missing cell of a column reads."""
    shown = table.copy()
    for column, text in (none or {}).items():
        shown[column] = shown[column].map(lambda v, t=text: t if pd.isna(v) else f"{int(v):,}").astype("string")
    return markdown_table(shown, unbounded=(), right=list(none or {}))


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: pd.DataFrame, *, unbounded: Sequence[str] = ("high",), right: Sequence[str] = ()) -> str:
    """A GitHub-flavoured Markdown pipe table; numbers right-aligned with thousands separators.

    Missing values in the ``unbounded`` columns read "no upper bound"; other
    missing values are empty cells; the ``right`` columns are right-aligned as numbers are. Pipes in text
    are escaped.

    >>> import pandas as pd
    >>> print(markdown_table(pd.DataFrame({"figure": ["more than 3,000"], "low": pd.array([3001], dtype="Int64"),
    ...                                    "high": pd.array([None], dtype="Int64")})))
    | figure | low | high |
    |:---|---:|---:|
    | more than 3,000 | 3,001 | no upper bound |
    """
    numeric = [
        column in right or (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))
        for column, dtype in table.dtypes.items()
    ]
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


def revisions_markdown(result: Any, observations: pd.DataFrame, *, ids: bool = False) -> str:
    """The revisions as Markdown: a table of series and a table of sources, at most seven columns each.

    >>> from kzfigures.analysis.revisions import revisions
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> print(revisions_markdown(revisions(frame), frame).splitlines()[4])
    | series | first | latest | rises | falls | largest fall | within 10% from |
    """
    words = ObservationWords(observations)
    by = list(result.by)
    series = result.series
    table = pd.DataFrame(
        {
            "series": [series_words(key, by) for key in series[by].itertuples(index=False, name=None)],
            "first": [words.said([i]) for i in series["first_id"]],
            "latest": [words.said([i]) for i in series["latest_id"]],
            "rises": series["n_up"].astype("int64"),
            "falls": series["n_down"].astype("int64"),
            "largest fall": series["largest_drop"].astype("Int64"),
            f"within {result.within:.0%} from": [known_words(t) for t in series["settled_known_by"]],
        }
    )
    if ids:  # the widest table stays at seven columns: ids replace the rises
        table = table.drop(columns="rises").assign(ids=[f"{a}, {b}" for a, b in _pairs(series)])
    speakers = result.speakers
    sources = pd.DataFrame(
        {
            "source": [speaker_words(s) for s in speakers["speaker"]],
            "figures": speakers["n_claims"].astype("int64"),
            "contradicted downwards": speakers["n_contradicted"].astype("int64"),
            "largest excess": speakers["largest_excess"].astype("Int64"),
            "mean excess": [("" if pd.isna(v) else f"{v:.0%}") for v in speakers["mean_excess_share"]],
        }
    )
    return "\n".join(
        [
            "# kzfigures revisions",
            "",
            "## Series",
            "",
            markdown_table(table, unbounded=()),
            "",
            "## Sources contradicted downwards",
            "",
            markdown_table(sources, unbounded=()),
        ]
    )


def _pairs(series: pd.DataFrame) -> Sequence[tuple[str, str]]:
    return list(zip(series["first_id"], series["latest_id"], strict=True))
