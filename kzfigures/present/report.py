"""Plain-text rendering of observations and results for an 80-column terminal.

Presentation only: nothing here computes a figure; it formats what the
analyses return.

>>> from kzfigures.datasets import kazakhstan_2022
>>> text = observations_section(kazakhstan_2022())
>>> max(len(line) for line in text.splitlines()) <= 80
True
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kzfigures.analysis.index import DEFAULT_BY
from kzfigures.analysis.inputs import Prepared
from kzfigures.analysis.ranges import ranges
from kzfigures.analysis.tables import OFFENDER_COLUMNS
from kzfigures.analysis.violations import violations
from kzfigures.present.words import figure_words, key_label, sources_text, who_said

__all__ = [
    "estimate_section",
    "estimate_summary_line",
    "figure_words",
    "markdown_table",
    "observations_section",
    "observations_table",
    "ranges_section",
    "summary_lines",
    "summary_section",
    "violations_section",
    "when",
]

WIDTH = 80

# The whitespace textwrap replaces or splits on besides the space (textwrap._whitespace).
_OTHER_WHITESPACE = frozenset("\t\n\x0b\x0c\r")

# Where textwrap may break at a hyphen: before a letter (its ``-(?=[^\d\W]...)``) or at ``--``.
_HYPHEN_BREAK = re.compile(r"-[^\d\W]")


def _wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """``textwrap.wrap`` with the same arguments and result, without its work for plain text.

    textwrap splits every text into chunks with a regular expression first,
    the larger part of a long report's time (``docs/performance.md``). Most report lines fit in one line; most
    others are words joined by single spaces, where no hyphen can break
    (none before a letter, no ``--``) and every word fits a line. For those,
    textwrap's greedy fill is: a word joins the line while the line, a space
    and the word fit, else it starts the next line, and the spaces at line
    ends are dropped. Anything else goes to textwrap.

    >>> _wrap("Police in CNN", 80, initial_indent="- ")
    ['- Police in CNN']
    >>> _wrap("ten were detained", 10, subsequent_indent="  ") == textwrap.wrap("ten were detained", 10,
    ...                                                                            subsequent_indent="  ")
    True
    """
    if (
        not text
        or text[0].isspace()  # textwrap drops edge whitespace, Unicode included
        or text[-1].isspace()
        or not _OTHER_WHITESPACE.isdisjoint(text)
    ):
        return textwrap.wrap(text, width, initial_indent=initial_indent, subsequent_indent=subsequent_indent)
    if len(initial_indent) + len(text) <= width:
        return [initial_indent + text]
    words = text.split(" ")
    room = width - max(len(initial_indent), len(subsequent_indent))
    if (
        "" in words  # two spaces in a row
        or "--" in text
        or _HYPHEN_BREAK.search(text)
        or max(map(len, words)) > room  # textwrap would break a word
        or (not text.isascii() and any(map(str.isspace, words)))  # a word textwrap drops at a line end
    ):
        return textwrap.wrap(text, width, initial_indent=initial_indent, subsequent_indent=subsequent_indent)
    lines: list[str] = []
    line, used, left = [words[0]], len(words[0]), width - len(initial_indent)
    for word in words[1:]:
        if used + 1 + len(word) <= left:
            line.append(word)
            used += 1 + len(word)
        else:
            lines.append((subsequent_indent if lines else initial_indent) + " ".join(line))
            line, used, left = [word], len(word), width - len(subsequent_indent)
    lines.append((subsequent_indent if lines else initial_indent) + " ".join(line))
    return lines


def _interval(low: Any, high: Any) -> str:
    upper = "..." if pd.isna(high) else f"{int(high):,}"
    return f"[{int(low):,}, {upper}]"


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 claim", "9 claims".

    >>> count(1, "claim"), count(4404, "observation")
    ('1 claim', '4,404 observations')
    """
    return f"{int(n):,} {noun}{'' if n == 1 else 's'}"


def observations_section(frame: pd.DataFrame) -> str:
    """The observations grouped by metric, group and region, oldest first.

    Each line: the as-of date, the figure as worded, its interval, and who
    said it through whom.
    """
    lines = ["OBSERVATIONS", "=" * WIDTH]
    keys = ["metric", "group", "region"]
    ordered = frame.sort_values([*keys, "as_of", "id"], kind="stable")
    # Each key is one run of the sorted rows. The cells become Python objects column by column
    # (missing: None), and the words of each distinct figure, source and wrapped line are made
    # once: an archive repeats them on most of its rows.
    when = _when_texts(ordered["as_of"], ordered["as_of_precision"])
    figures = _cells(ordered, ["low", "high", "stated", "qualifier", "figure"])
    sources = _cells(ordered, ["authority", "via", "outlet"])
    heads = functools.cache(lambda w, f: f"  {w:<7} {figure_words(*f):<18} {_interval(f[0], f[1]):<16} ")
    said = functools.cache(lambda s: who_said(*s))
    wrapped_in = functools.cache(lambda text, width: _wrap(text, width) or [""])
    key_cells = ordered[keys].to_numpy(dtype=object)
    for start, end in _runs(ordered, keys):
        metric, group, region = (str(cell) for cell in key_cells[start])
        lines.append("")
        lines.append(f"{key_label(metric, group, region)}  ({count(end - start, 'observation')})")
        for position in range(start, end):
            head = heads(when[position], figures[position])
            wrapped = wrapped_in(said(sources[position]), WIDTH - len(head))
            lines.append(head + wrapped[0])
            lines.extend(" " * len(head) + more for more in wrapped[1:])
    return "\n".join(lines)


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    """The rows' cells of ``columns`` as tuples of Python objects, None where missing (hashable, no NA)."""
    part = frame[columns].astype(object)
    values = part.where(part.notna(), None)
    return list(zip(*(values[c].tolist() for c in columns), strict=True))


def _when_texts(as_of: pd.Series, precision: pd.Series) -> list[str]:
    """Each row's as-of time in words: "Jan 07" for a day, "2022-01-07 14:00" otherwise; once per distinct time."""
    time_code, times = pd.factorize(as_of)
    precision_code, precisions = pd.factorize(precision)
    distinct: Any
    if (time_code < 0).any() or (precision_code < 0).any():  # a missing cell: pairs through a MultiIndex
        codes, distinct = pd.factorize(pd.MultiIndex.from_arrays([as_of, precision]))
    else:  # the distinct (time, precision) pairs as integers: factorizing a MultiIndex costs ten times more
        codes, pairs = pd.factorize(time_code * len(precisions) + precision_code)
        distinct = [(times[pair // len(precisions)], precisions[pair % len(precisions)]) for pair in pairs.tolist()]
    texts = [t.strftime("%b %d") if p == "day" else str(t)[:16] for t, p in distinct]
    return np.asarray(texts, dtype=object)[codes].tolist() if texts else []


def _day_texts(times: pd.Series) -> list[str]:
    """Each time as ``f"{time:%b %d}"`` ("Jan 07"), written once per distinct time."""
    codes, distinct = pd.factorize(times)
    if (codes < 0).any():  # a missing time: format each cell as it comes (and fail as it would)
        return [f"{time:%b %d}" for time in times]
    texts: list[str] = np.asarray([f"{time:%b %d}" for time in distinct], dtype=object)[codes].tolist()
    return texts


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


# The columns of a violation its sentence uses.
_VIOLATION_WORDS = (
    "metric", "group", "region", "kind", "low", "high", "speaker", "as_of", "witness_low", "witness_high",
    "witness_speaker", "witness_as_of", "relation", "drop", "id", "witness_id",
)  # fmt: skip


def violations_section(frame: pd.DataFrame | Prepared) -> str:
    """Where a running total falls (see :func:`kzfigures.violations`), then the figures of one time that
    differ (its disagreements, not a fall), and which keys were checked.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> for line in violations_section(kazakhstan_2022()).splitlines()[3:9]:
    ...     print(line)
    none found
    <BLANKLINE>
    Same day, different figures (not a fall):
    detained - 5,400 to 5,999 (Presidential Office, Jan 09) and 6,044 (Police, Jan
        09): 45 apart. A count can rise within the day, so this is no violation;
        kz22-004-05 and kz22-004-08.
    """
    report = violations(frame)
    lines = ["VIOLATIONS OF A NON-DECREASING COUNT", "=" * WIDTH, ""]
    if len(report.frame) == 0:
        lines.append("none found")
    else:  # first who is out of line, once each; then every pair
        lines.extend(_offender_lines(report.offenders))
    for cells in _sentences(report.frame):
        (
            metric, group, region, kind, low, high, speaker, as_of,
            w_low, w_high, w_speaker, w_as_of, relation, drop, id_, witness_id,
        ) = cells  # fmt: skip
        measure = "point value" if kind == "soft" else "interval"
        text = (
            f"{key_label(str(metric), str(group), str(region))} - {kind}: {_bound(low, high)} ({speaker}, "
            f"{as_of}) is below {_bound(w_low, w_high)} ({w_speaker}, {w_as_of}): a {relation}, {measure} "
            f"{int(drop):,} lower; {id_} against {witness_id}."
        )
        lines.extend(_wrap(text, WIDTH, subsequent_indent="    "))
    if len(report.disagreements):
        lines += ["", "Same day, different figures (not a fall):"]
    for cells in _sentences(report.disagreements):
        metric, group, region, _, low, high, speaker, as_of, w_low, w_high, w_speaker, w_as_of, _, drop, id_, w_id = (
            cells
        )
        text = (
            f"{key_label(str(metric), str(group), str(region))} - {_bound(low, high)} ({speaker}, {as_of}) and "
            f"{_bound(w_low, w_high)} ({w_speaker}, {w_as_of}): {int(drop):,} apart. A count can rise within the "
            f"day, so this is no violation; {id_} and {w_id}."
        )
        lines.extend(_wrap(text, WIDTH, subsequent_indent="    "))
    lines.append("")
    lines.extend(
        _wrap(
            f"{len(report.checked_keys)} cumulative keys checked; not checked (not running totals): "
            + (", ".join(key_label(*map(str, k)) for k in report.skipped_keys) or "none")
            + ".",
            WIDTH,
        )
    )
    return "\n".join(lines)


def _offender_lines(offenders: pd.DataFrame) -> list[str]:
    """One sentence per figure later figures contradict: "150 (outlet: Channel, Mar 23) is above 3 later
    figures, from 137 to 144 (Mar 24 to Mar 26)", under a heading that counts them."""
    if offenders.empty:
        return []
    n = len(offenders)
    lines = [
        "One figure is above later figures of its series:"
        if n == 1
        else f"{n:,} figures are above later figures of their series:"
    ]
    days = _day_texts(offenders["as_of"])
    first, last = _day_texts(offenders["first_contradicted_as_of"]), _day_texts(offenders["last_contradicted_as_of"])
    by = [c for c in offenders.columns if c != "id" and c not in OFFENDER_COLUMNS]
    labels = [_label(by, key) for key in offenders[by].itertuples(index=False, name=None)]
    rows = zip(
        labels,
        offenders["low"].tolist(),
        offenders["high"].tolist(),
        offenders["speaker"].tolist(),
        offenders["n_contradicted"].tolist(),
        offenders["contradicted_low"].tolist(),
        offenders["contradicted_high"].tolist(),
        offenders["id"].tolist(),
        days,
        first,
        last,
        strict=True,
    )
    for label, low, high, speaker, n_later, c_low, c_high, id_, day, since, until in rows:
        later = count(int(n_later), "later figure")
        span = f"{int(c_low):,}" if c_low == c_high else f"from {int(c_low):,} to {int(c_high):,}"
        when = since if since == until else f"{since} to {until}"
        text = f"{label}: {_bound(low, high)} ({speaker}, {day}) is above {later}, {span} ({when}); {id_}."
        lines.extend(_wrap(text.strip(), WIDTH, initial_indent="- ", subsequent_indent="    "))
    lines.append("")
    return lines


def _sentences(found: pd.DataFrame) -> Any:
    """The cells a sentence uses, row by row (:data:`_VIOLATION_WORDS`, days as text)."""
    # Each column's cells once as Python objects (iterating the frame's rows boxes every cell),
    # and each distinct day written once.
    table = found[list(_VIOLATION_WORDS)]
    cells = {name: table[name].tolist() for name in _VIOLATION_WORDS}
    cells["as_of"], cells["witness_as_of"] = _day_texts(table["as_of"]), _day_texts(table["witness_as_of"])
    return zip(*cells.values(), strict=True)


def estimate_summary_line(row: Any, observations: pd.DataFrame, by: tuple[str, ...]) -> str:
    """The sentence a journalist can quote for one key's latest best estimate.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.analysis.estimate import best_estimate
    >>> result = best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))
    >>> print(estimate_summary_line(result.series.iloc[-1], result.observations, result.by))
    best estimate 8,000 detained by the end of Jan 10 (range 7,939 or more), from Kazakh authorities
    (kz22-003-01); Kazakh authorities (kz22-003-02)
    """
    return _summary_line(row, _SourceWords(observations), by)


class _SourceWords:
    """Who said each observation, by id: :func:`kzfigures.present.explain.source_words` for many lookups.

    The observations are indexed once; a lookup is a dict access per id
    (``DataFrame.loc`` costs about a millisecond a call).
    """

    def __init__(self, observations: pd.DataFrame) -> None:
        self._row = dict(zip(observations["id"].tolist(), range(len(observations)), strict=True))
        self._who = _cells(observations, ["authority", "via", "outlet"])

    def __call__(self, ids: Sequence[str]) -> str:
        return sources_text((i, *self._who[self._row[i]]) for i in ids)


def _summary_line(row: Any, sources: _SourceWords, by: tuple[str, ...]) -> str:
    labels = [_key_text(row[c]) for c in by[1:] if _key_text(row[c]) != "all"]
    what = _key_text(row[by[0]]) + (f" ({', '.join(labels)})" if labels else "")
    ids = row["best_ids"] or row["low_ids"]
    source = sources(ids) if ids else "no kept report"
    by_the_end = f"by the end of {row['time'].strftime('%b %d')}"
    if pd.isna(row["best"]):  # no figure states a number: say the range, print no point
        bound = _bound(row["low"], row["high"])
        return f"no best estimate of {what} {by_the_end}: the figures give {bound}, from {source}"
    return (
        f"best estimate {row['best']:,.0f} {what} {by_the_end} (range {_bound(row['low'], row['high'])}), from {source}"
    )


def _estimate(
    frame_or_result: Any, method: str, freq: str | None, on_conflict: str
) -> Any:  # an Estimate; Any keeps presentation free of an analysis import at module level
    from kzfigures.analysis.estimate import Estimate, best_estimate

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
    sources = _SourceWords(result.observations)
    # The set-aside notes by key, in one pass over the set-aside rows.
    aside = result.set_aside
    notes: dict[tuple[Any, ...], list[str]] = {}
    for key, (id_, as_of, reason, superseded_by) in zip(
        _cells(aside, list(by)), _cells(aside, ["id", "as_of", "reason", "superseded_by"]), strict=True
    ):
        note = f"set aside {id_} ({as_of.strftime('%b %d')}): {reason} by {superseded_by}"
        notes.setdefault(key, []).extend(_wrap(note, WIDTH, initial_indent="  ! ", subsequent_indent="    "))
    # The series is sorted by key, then time: each key is one run of rows.
    series = result.series
    keys = _cells(series, list(by))
    columns = ["time", "best", "low", "high", "n_claims", "cumulative", "best_ids", "low_ids"]
    cells = list(zip(*(series[c].tolist() for c in columns), strict=True))
    for start, end in _runs(series, list(by)):
        key = keys[start]
        lines.append("")
        lines.append(f"{_label(by, key)}  ({'cumulative' if cells[start][5] else 'not cumulative'})")
        for time, best, low, high, n_claims, *_ in cells[start:end]:
            upper = "..." if pd.isna(high) else f"{int(high):,}"
            point = "no number" if pd.isna(best) else f"{best:,.0f}"
            lines.append(
                f"  {time.strftime('%b %d'):<7} best {point:>9}   "
                f"range [{int(low):,}, {upper}]   {count(n_claims, 'claim')}"
            )
        last = dict(zip(by, key, strict=True)) | dict(zip(columns, cells[end - 1], strict=True))
        summary = _summary_line(last, sources, by)
        lines.extend(_wrap(summary, WIDTH, initial_indent="  > ", subsequent_indent="    "))
        lines.extend(notes.get(key, []))
    return "\n".join(lines)


def _runs(frame: pd.DataFrame, keys: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal keys in a frame sorted by them (missing values form their own)."""
    if len(frame) == 0:
        return []
    run = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]]).tolist()
    return list(zip(starts, [*starts[1:], len(frame)], strict=True))


def _key_text(value: Any) -> str:
    """A key value as text; a missing one (a series of observations without it) as ``<missing>``."""
    return "<missing>" if value is None or pd.isna(value) else str(value)


def _label(by: Sequence[str], key: Any) -> str:
    values = [_key_text(k) for k in (key if isinstance(key, tuple) else (key,))]
    if tuple(by) == DEFAULT_BY:
        return key_label(*values)
    return ", ".join(f"{c}={v}" for c, v in zip(by, values, strict=True))


def summary_lines(result: Any) -> list[str]:
    """One quotable sentence per key: its latest best estimate, range and source.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.analysis.estimate import best_estimate
    >>> lines = summary_lines(best_estimate(kazakhstan_2022().query("group == 'all'")))
    >>> [line.split(", from")[0] for line in lines]  # doctest: +NORMALIZE_WHITESPACE
    ['best estimate 8,000 detained by the end of Jan 10 (range 7,939 or more)',
     'no best estimate of injured by the end of Jan 08: the figures give 200 or more',
     'best estimate 164 killed by the end of Jan 10 (range 164 or more)']
    """
    series = result.series
    if len(series) == 0:
        return []
    last = series.groupby(list(result.by), sort=True, dropna=False).tail(1)
    sources = _SourceWords(result.observations)
    return [_summary_line(row, sources, result.by) for row in last.to_dict(orient="records")]


def summary_section(result: Any) -> str:
    """The summary lines under a heading, wrapped to 80 columns.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.analysis.estimate import best_estimate
    >>> print(summary_section(best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))))
    SUMMARY
    ================================================================================
    <BLANKLINE>
    - best estimate 8,000 detained by the end of Jan 10 (range 7,939 or more), from
      Kazakh authorities (kz22-003-01); Kazakh authorities (kz22-003-02)
    """
    lines = ["SUMMARY", "=" * WIDTH, ""]
    for line in summary_lines(result):
        lines.extend(_wrap(line, WIDTH, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(lines)


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
