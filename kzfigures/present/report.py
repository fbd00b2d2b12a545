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
from kzfigures.analysis.inputs import Prepared, prepare
from kzfigures.analysis.tables import OFFENDER_COLUMNS
from kzfigures.analysis.violations import violations
from kzfigures.present.summary import (
    agreed_words,
    range_rows,
    reported_words,
    revision_sentences,
    speaker_sentences,
    summary_lines,
)
from kzfigures.present.words import (
    ObservationWords,
    bound_words,
    date_words,
    figure_words,
    series_words,
    time_words,
    who_said,
)

__all__ = [
    "estimate_section",
    "figure_words",
    "observations_section",
    "observations_table",
    "ranges_section",
    "revisions_text",
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


def observations_section(frame: pd.DataFrame, by: Sequence[str] = DEFAULT_BY) -> str:
    """The observations grouped by series (the columns ``by``), oldest first.

    Each line: the as-of date, the figure as worded, its interval, and who
    said it through whom.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> print(observations_section(kazakhstan_2022().query("metric == 'detained' and group == 'officials'")))
    OBSERVATIONS
    ================================================================================
    <BLANKLINE>
    detained (officials)  (1 report)
      Jan 8, 2022  several           [3, 9]          National Security Committee via
                                                     Khabar 24 in CNN
    """
    lines = ["OBSERVATIONS", "=" * WIDTH]
    keys = list(by)
    ordered = frame.sort_values([*keys, "as_of", "id"], kind="stable")
    # Each key is one run of the sorted rows. The cells become Python objects column by column
    # (missing: None), and the words of each distinct figure, source and wrapped line are made
    # once: an archive repeats them on most of its rows.
    when = _when_texts(ordered["as_of"], ordered["as_of_precision"])
    figures = _cells(ordered, ["low", "high", "stated", "qualifier", "figure"])
    sources = _cells(ordered, ["authority", "via", "outlet"])
    heads = functools.cache(lambda w, f: f"  {w:<12} {figure_words(*f):<17} {_interval(f[0], f[1]):<15} ")
    said = functools.cache(lambda s: who_said(*s))
    wrapped_in = functools.cache(lambda text, width: _wrap(text, width) or [""])
    key_cells = ordered[keys].to_numpy(dtype=object)
    for start, end in _runs(ordered, keys):
        lines.append("")
        lines.append(f"{series_words(key_cells[start], keys)}  ({count(end - start, 'report')})")
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
    texts = [date_words(t) if p == "day" else str(t)[:16] for t, p in distinct]
    return np.asarray(texts, dtype=object)[codes].tolist() if texts else []


def _day_texts(times: pd.Series) -> list[str]:
    """Each time as its day with the year ("Jan 7, 2022"), written once per distinct time."""
    codes, distinct = pd.factorize(times)
    if (codes < 0).any():  # a missing time: format each cell as it comes (and fail as it would)
        return [date_words(time) for time in times]
    texts: list[str] = np.asarray([date_words(time) for time in distinct], dtype=object)[codes].tolist()
    return texts


def ranges_section(frame: pd.DataFrame | Prepared, *, ids: bool = False) -> str:
    """What range was reported for each series (see :func:`kzfigures.ranges`).

    For a running total it is the range of what each source last said (the
    claims current at the latest time, ``ranges(at=...)``): the whole record's
    hull of a three-year running total says nothing. Other series show the
    whole record. Ends are written in the words their figures were stated in.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> for line in ranges_section(kazakhstan_2022()).splitlines()[3:7]:
    ...     print(line)
    detained  (running total: the latest figure of 8 sources)
      reported:  thousands
      numbers:   4,404 to 8,000
      agreed:    no single count: these figures describe different days, Jan 8, 2022
    """
    prepared = frame if isinstance(frame, Prepared) else prepare(frame)
    observations = prepared.frame
    by = list(prepared.by)
    lines = ["RANGES", "=" * WIDTH]
    if len(observations) == 0:
        return "\n".join([*lines, "", "no observations"])
    figures = ObservationWords(observations)
    for key, row, is_running in range_rows(prepared):
        if is_running:
            n = int(row["n_speakers"])
            head = "running total, one source" if n == 1 else f"running total: the latest figure of {n:,} sources"
        else:
            head = f"{count(row['n_observations'], 'report')} of {count(row['n_claims'], 'figure')} from " + count(
                row["n_speakers"], "source"
            )
        lines += ["", f"{series_words(key, by)}  ({head})"]
        reported = reported_words(row, figures)
        lines.append(f"  reported:  {reported}")
        if not pd.isna(row["min_stated"]) and bound_words(row["min_stated"], row["max_stated"]) != reported:
            lines.append(f"  numbers:   {bound_words(row['min_stated'], row['max_stated'])}")
        if row["n_claims"] == 1 and not ids:
            continue
        text = f"  agreed:    {agreed_words(row, figures, is_running)}"
        if ids:
            text += f"; {', '.join([*row['consensus_low_ids'], *row['consensus_high_ids']][:2])}"
        lines.extend(_wrap(text, WIDTH, subsequent_indent=" " * 13))
    return "\n".join(lines)


def violations_section(frame: pd.DataFrame | Prepared, *, ids: bool = False) -> str:
    """Where a running total falls (see :func:`kzfigures.violations`), then the figures of one time that
    differ (its disagreements, not a fall), and which series were checked.

    Figures are written in the words they were stated in; ids only with ``ids=True``.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> for line in violations_section(kazakhstan_2022()).splitlines()[3:8]:
    ...     print(line)
    none found
    <BLANKLINE>
    Same day, different figures (not a fall):
    detained: almost 6,000 (Presidential Office, Jan 9, 2022) and 6,044 (Police, Jan
        9, 2022): 45 apart. A count can rise within a day: no violation.
    """
    prepared = frame if isinstance(frame, Prepared) else prepare(frame)
    by = prepared.by
    report = violations(prepared, by)
    figures = ObservationWords(prepared.frame)
    lines = ["VIOLATIONS OF A NON-DECREASING COUNT", "=" * WIDTH, ""]
    if len(report.frame) == 0:
        lines.append("none found")
    else:  # first who is out of line, once each; then every pair
        lines.extend(_offender_lines(report.offenders, figures, ids))
    for key, kind, relation, drop, id_, witness_id in _sentences(report.frame, by):
        measure = "point value" if kind == "soft" else "interval"
        text = (
            f"{series_words(key, by)} - {kind}: {figures.said([id_])} is below "
            f"{figures.said([witness_id])}: a {relation}, {measure} {int(drop):,} lower"
        )
        text += f"; {id_} against {witness_id}." if ids else "."
        lines.extend(_wrap(text, WIDTH, subsequent_indent="    "))
    if len(report.disagreements):
        lines += ["", "Same day, different figures (not a fall):"]
    for key, _, _, drop, id_, witness_id in _sentences(report.disagreements, by):
        text = (
            f"{series_words(key, by)}: {figures.said([id_])} and "
            f"{figures.said([witness_id])}: {int(drop):,} apart. A count can rise within a day: no violation"
        )
        text += f"; {id_} and {witness_id}." if ids else "."
        lines.extend(_wrap(text, WIDTH, subsequent_indent="    "))
    lines.append("")
    n = len(report.checked_keys)
    lines.extend(
        _wrap(
            f"{count(n, 'running total')} checked; not checked (not running totals): "
            + (", ".join(series_words(k if isinstance(k, tuple) else (k,), by) for k in report.skipped_keys) or "none")
            + ".",
            WIDTH,
        )
    )
    return "\n".join(lines)


def _offender_lines(offenders: pd.DataFrame, figures: ObservationWords, ids: bool) -> list[str]:
    """One sentence per figure later figures contradict: "150 (Channel, Mar 23, 2020) is above 3 later
    figures, from 137 to 144 (Mar 24, 2020 to Mar 26, 2020)", under a heading that counts them."""
    if offenders.empty:
        return []
    n = len(offenders)
    lines = [
        "One figure is above later figures of its series:"
        if n == 1
        else f"{n:,} figures are above later figures of their series:"
    ]
    first, last = _day_texts(offenders["first_contradicted_as_of"]), _day_texts(offenders["last_contradicted_as_of"])
    by = [c for c in offenders.columns if c != "id" and c not in OFFENDER_COLUMNS]
    labels = [_label(by, key) for key in offenders[by].itertuples(index=False, name=None)]
    rows = zip(
        labels,
        offenders["n_contradicted"].tolist(),
        offenders["contradicted_low"].tolist(),
        offenders["contradicted_high"].tolist(),
        offenders["id"].tolist(),
        first,
        last,
        strict=True,
    )
    for label, n_later, c_low, c_high, id_, since, until in rows:
        later = count(int(n_later), "later figure")
        span = f"{int(c_low):,}" if c_low == c_high else f"from {int(c_low):,} to {int(c_high):,}"
        when = since if since == until else f"{since} to {until}"
        text = f"{label}: {figures.said([id_])} is above {later}, {span} ({when})"
        text += f"; {id_}." if ids else "."
        lines.extend(_wrap(text.strip(), WIDTH, initial_indent="- ", subsequent_indent="    "))
    lines.append("")
    return lines


def _sentences(found: pd.DataFrame, by: Sequence[str]) -> Any:
    """(key, kind, relation, drop, id, witness id) of each violation row, cells as Python objects."""
    # Each column's cells once (iterating the frame's rows boxes every cell).
    keys = list(zip(*(found[c].tolist() for c in by), strict=True))
    cells = [found[c].tolist() for c in ("kind", "relation", "drop", "id", "witness_id")]
    return zip(keys, *cells, strict=True)


def _estimate(
    frame_or_result: Any, method: str, freq: str | None, on_conflict: str
) -> Any:  # an Estimate; Any keeps presentation free of an analysis import at module level
    from kzfigures.analysis.estimate import Estimate, best_estimate

    if isinstance(frame_or_result, Estimate):
        return frame_or_result
    return best_estimate(frame_or_result, method=method, freq=freq, on_conflict=on_conflict)


def estimate_section(
    frame: Any,
    *,
    method: str = "isotonic",
    freq: str | None = None,
    on_conflict: str = "latest",
    ids: bool = False,
) -> str:
    """The best-estimate series of every key, its summary sentence and what was set aside.

    ``frame`` is the observations (then :func:`kzfigures.best_estimate` runs
    with the given options) or an :class:`~kzfigures.Estimate` already made.
    Each row is the count by the end of its day (or time slot): the best
    estimate, or "not stated" where no figure so far states a number, and the range
    ``[low, high]`` every kept figure allows.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> print(estimate_section(kazakhstan_2022().query("metric == 'detained' and group == 'all'")))
    BEST ESTIMATES
    ================================================================================
    <BLANKLINE>
    detained  (running total)
      by the end of          best        low             high   from
      Jan 7, 2022           3,001      3,001            4,404   1 figure
      Jan 8, 2022           4,404      4,404            5,999   3 figures
      Jan 9, 2022           6,044      6,044            7,939   3 figures
      Jan 10, 2022          8,000      7,939   no upper bound   2 figures
      > detained: about 8,000 by Jan 10, 2022 (Kazakh authorities); Interior
        Ministry: 7,939; earlier figures from more than 3,000 on Jan 7, 2022
    """
    result = _estimate(frame, method, freq, on_conflict)
    lines = ["BEST ESTIMATES", "=" * WIDTH]
    by = result.by
    figures = ObservationWords(result.observations)
    # The set-aside notes by key, in one pass over the set-aside rows.
    aside = result.set_aside
    notes: dict[tuple[Any, ...], list[str]] = {}
    for key, (id_, reason, superseded_by) in zip(
        _cells(aside, list(by)), _cells(aside, ["id", "reason", "superseded_by"]), strict=True
    ):
        note = f"set aside: {figures.said([id_])}, {reason} by {figures.said([superseded_by])}"
        note += f"; {id_} by {superseded_by}" if ids else ""
        notes.setdefault(key, []).extend(_wrap(note, WIDTH, initial_indent="  ! ", subsequent_indent="    "))
    # The series is sorted by key, then time: each key is one run of rows.
    series = result.series
    keys = _cells(series, list(by))
    columns = ["time", "best", "low", "high", "n_claims", "cumulative"]
    cells = list(zip(*(series[c].tolist() for c in columns), strict=True))
    sentences = iter(summary_lines(result, ids=ids, words=figures))
    days = [time_words(t) for t in series["time"]]
    for start, end in _runs(series, list(by)):
        key = keys[start]
        lines.append("")
        lines.append(f"{_label(by, key)}  ({'running total' if cells[start][5] else 'not a running total'})")
        lines.append(f"  {'by the end of':<16}{'best':>11}{'low':>11}{'high':>17}   from")
        for day, (_, best, low, high, n_claims, _) in zip(days[start:end], cells[start:end], strict=True):
            upper = "no upper bound" if pd.isna(high) else f"{int(high):,}"
            point = "not stated" if pd.isna(best) else f"{best:,.0f}"
            lines.append(f"  {day:<16}{point:>11}{int(low):>11,}{upper:>17}   {count(n_claims, 'figure')}")
        lines.extend(_wrap(next(sentences), WIDTH, initial_indent="  > ", subsequent_indent="    "))
        lines.extend(notes.get(key, []))
    return "\n".join(lines)


def _runs(frame: pd.DataFrame, keys: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal keys in a frame sorted by them (missing values form their own)."""
    if len(frame) == 0:
        return []
    run = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]]).tolist()
    return list(zip(starts, [*starts[1:], len(frame)], strict=True))


def _label(by: Sequence[str], key: Any) -> str:
    return series_words(key if isinstance(key, tuple) else (key,), by)


def summary_section(result: Any, *, ids: bool = False) -> str:
    """The summary: one quotable sentence per series (:func:`kzfigures.present.summary.summary_lines`).

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.analysis.estimate import best_estimate
    >>> print(summary_section(best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))))
    SUMMARY: 1 series, Jan 7, 2022 to Jan 10, 2022
    ================================================================================
    - detained: about 8,000 by Jan 10, 2022 (Kazakh authorities); Interior Ministry:
      7,939; earlier figures from more than 3,000 on Jan 7, 2022
    """
    series = result.series
    n = len(series.drop_duplicates(list(result.by))) if len(series) else 0
    span = ""
    if len(series):
        first, last = series["time"].min(), series["time"].max()
        span = f", {date_words(first)}" + ("" if first == last else f" to {date_words(last)}")
    lines = [f"SUMMARY: {n:,} series{span}", "=" * WIDTH]
    for line in summary_lines(result, ids=ids):
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


def observations_table(frame: pd.DataFrame, by: Sequence[str] = DEFAULT_BY) -> pd.DataFrame:
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
    ordered = frame.sort_values([*by, "as_of", "id"], kind="stable")
    words = [
        figure_words(low, high, stated, qualifier, text)
        for low, high, stated, qualifier, text in zip(
            ordered["low"], ordered["high"], ordered["stated"], ordered["qualifier"], ordered["figure"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            **{c: ordered[c].astype("string") for c in dict.fromkeys([*by, "metric", "group", "region"])},
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


def revisions_text(result: Any, observations: pd.DataFrame, *, ids: bool = False) -> str:
    """The revisions as text for an 80-column terminal: the series, then the sources.

    >>> from kzfigures.analysis.revisions import revisions
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> print(revisions_text(revisions(frame), frame).splitlines()[0])
    REVISIONS: 7 running totals with stated figures
    """
    n = len(result.series)
    lines = [f"REVISIONS: {n:,} running total{'' if n == 1 else 's'} with stated figures", "=" * WIDTH]
    for sentence in revision_sentences(result, observations, ids=ids):
        lines.extend(_wrap(sentence, WIDTH, initial_indent="- ", subsequent_indent="  "))
    lines += ["", "SOURCES CONTRADICTED DOWNWARDS", "=" * WIDTH]
    lines += _wrap("A figure is contradicted when one published later, about the same or a later day, is lower.", WIDTH)
    for sentence in speaker_sentences(result):
        lines.extend(_wrap(sentence, WIDTH, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(lines)
