"""The sentence a journalist can quote for each series: the latest best estimate in words.

Presentation only: it reads an :class:`~kzfigures.analysis.estimate.Estimate`
(the last row of each series, the first row for where the record starts) and
the observations behind those rows; it computes no figure.

The words follow three rules. A number printed is one a source stated, in the
words it was stated in ("about 8,000", "more than 3,000", "hundreds"), never
an interval end made by a convention ("3,001 or more"); an estimate that no
single figure states (a pooled fit) reads "an estimate of N ..., pooling" the figures. Every date has
its year. Observation ids appear only when asked for (``ids=True``).

>>> from kzfigures.datasets import kazakhstan_2022
>>> from kzfigures.analysis.estimate import best_estimate
>>> result = best_estimate(kazakhstan_2022().query("metric == 'detained' and group == 'all'"))
>>> print(summary_lines(result)[0])  # doctest: +NORMALIZE_WHITESPACE
detained: about 8,000 by Jan 10, 2022 (Kazakh authorities); Interior Ministry: 7,939;
earlier figures from more than 3,000 on Jan 7, 2022
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kzfigures.analysis.inputs import Prepared
from kzfigures.analysis.ranges import ranges
from kzfigures.present.words import ObservationWords, bound_words, date_words, series_words, speaker_words

__all__ = [
    "agreed_words",
    "known_words",
    "range_rows",
    "reported_words",
    "revision_sentences",
    "speaker_sentences",
    "summary_lines",
]


def summary_lines(result: Any, *, ids: bool = False, words: ObservationWords | None = None) -> list[str]:
    """One quotable sentence per series: its latest best estimate, who stated it, and the record's start.

    Parameters
    ----------
    result : Estimate
        What :func:`kzfigures.best_estimate` returns.
    ids : bool
        Add the ids of the observations behind each number, in brackets.
    words : ObservationWords, optional
        The words of ``result.observations``, if the caller has indexed them already.

    Returns
    -------
    list of str
        One sentence per series, in the order of ``result.series``:

        * ``"<series>: <figure> by <date> (<who>)"`` with the words and the
          day of the figure that sets the best estimate (", still the
          estimate on <date>" when the series runs later), or ``"an estimate
          of N by <date>, pooling <figures>"`` when the fit pools several;
        * ``"; <who>: <figure>"`` for a lower figure that bounds the estimate
          from below (the largest low kept, in its source's words);
        * ``"; revised down from <figure> (<who>, <date>)"`` when a later,
          lower figure superseded one (the highest such);
        * ``"; earlier figures from <figure> on <date>"`` when the series has
          earlier times;
        * with no stated number at all: ``"<series>: <words> by <date>
          (<who>); no figure states a number"``.

    Examples
    --------
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> from kzfigures.analysis.estimate import best_estimate
    >>> for line in summary_lines(best_estimate(kazakhstan_2022().query("group == 'all'"))):
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    detained: about 8,000 by Jan 10, 2022 (Kazakh authorities); Interior Ministry: 7,939; earlier
        figures from more than 3,000 on Jan 7, 2022
    injured: hundreds by Jan 8, 2022 (an unnamed source; CNN); no figure states a number
    killed: 164 by Jan 9, 2022 (Ministry of Health), still the estimate on Jan 10, 2022; earlier figures
        from dozens on Jan 8, 2022
    """
    series = result.series
    if len(series) == 0:
        return []
    by = list(result.by)
    words = ObservationWords(result.observations) if words is None else words
    firsts = series.groupby(by, sort=False, dropna=False).head(1).to_dict(orient="records")
    lasts = series.groupby(by, sort=False, dropna=False).tail(1).to_dict(orient="records")
    # The figures a later, lower one superseded, by series: a correction the sentence must name.
    aside = result.set_aside
    aside = aside[aside["reason"] == "superseded"]
    corrected: dict[tuple[Any, ...], list[str]] = {}
    for key, identifier in zip(aside[by].itertuples(index=False, name=None), aside["id"], strict=True):
        corrected.setdefault(tuple(key), []).append(identifier)
    return [
        _sentence(first, last, by, words, ids, corrected.get(tuple(last[c] for c in by), []))
        for first, last in zip(firsts, lasts, strict=True)
    ]


def _sentence(
    first: dict[str, Any],
    last: dict[str, Any],
    by: list[str],
    words: ObservationWords,
    ids: bool,
    corrected: Sequence[str] = (),
) -> str:
    what = series_words([last[c] for c in by], by)
    when = _by_when(last)
    best_ids, low_ids = tuple(last["best_ids"]), tuple(last["low_ids"])
    shown: list[str] = []
    if pd.isna(last["best"]):  # no figure states a number: the words that bound it, no point
        text = f"{what}: {_low_words(last['low'], low_ids, words)} by {when} ({words.speakers(low_ids)})"
        text += "; no figure states a number"
        shown += low_ids
    else:
        best = round(float(last["best"]))
        setting = [i for i in best_ids if words.point(i) == best]
        if setting:  # the number as its source stated it, dated as it was; the latest such figure
            latest = max(setting, key=words.moment)
            text = f"{what}: {words.words(latest)} by {words.day(latest)} ({words.speakers(setting)})"
            if words.day(latest) != when:
                text += f", still the estimate on {when}"
        else:  # a fit pools several figures: say so, and which
            pooled = [words.said([i]) for i in best_ids]
            more = len(pooled) - 3
            listed = (
                ", ".join(pooled[:2]) + f" and {more + 1} others"
                if more > 0
                else " and ".join([", ".join(pooled[:-1]), pooled[-1]])
                if len(pooled) > 1
                else pooled[0]
            )
            text = f"{what}: an estimate of {best:,} by {when}, pooling {listed}"
        shown += best_ids
        floor = int(last["low"])
        floor_ids = [i for i in low_ids if i not in best_ids and words.says_its_low(i)]
        if floor_ids and floor < best:  # a figure below the estimate that bounds it: who said what
            text += f"; {words.speakers(floor_ids)}: {words.words(floor_ids[0])}"
            shown += floor_ids
    if corrected:  # the highest figure a later, lower one superseded
        highest = max(corrected, key=lambda i: (words.stated(i) or 0, words.moment(i)))
        if words.stated(highest) is not None:
            text += f"; revised down from {words.said([highest])}"
            shown.append(highest)
    if first["time"] != last["time"] and len(first["low_ids"]):  # no kept figure: no number to print
        first_ids = tuple(first["low_ids"])
        text += f"; earlier figures from {_low_words(first['low'], first_ids, words)} on {_by_when(first)}"
        shown += first_ids
    if ids and shown:
        text += f" [{', '.join(dict.fromkeys(shown))}]"
    return text


def _low_words(low: Any, ids: Sequence[str], words: ObservationWords) -> str:
    """A low end in the words that set it: "more than 3,000", "7,939", "hundreds", or the number."""
    for identifier in ids:
        if words.says_its_low(identifier) or words.stated(identifier) is None:
            return words.words(identifier)
    return f"{int(low):,}" if not ids else f"{int(low):,} ({words.words(ids[0])})"


def _by_when(row: dict[str, Any]) -> str:
    """When a row's count holds: the day of a daily slot, else the end of the slot, with the year."""
    start, end = row["time"], row.get("slot_end")
    if end is None or pd.isna(end) or (start == start.normalize() and end - start == pd.Timedelta(days=1)):
        return date_words(start)
    return date_words(end, minutes=True)


def range_rows(prepared: Prepared) -> list[tuple[tuple[Any, ...], dict[Any, Any], bool]]:
    """The range each series reports: ``(key, row of kzfigures.ranges, running)`` per series, in key order.

    For a running total (every row ``cumulative``) the row is that of the
    claims current at the latest time, each source's latest figure
    (``ranges(at=...)``): the hull of a three-year running total's whole
    record says nothing. For any other series it is the whole record.

    >>> from kzfigures.analysis.inputs import prepare
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> key, row, running = range_rows(prepare(kazakhstan_2022()))[0]
    >>> key, running, int(row["min_stated"]), int(row["max_stated"])
    (('detained', 'all', 'all'), True, 4404, 8000)
    """
    frame = prepared.frame
    by = list(prepared.by)
    if len(frame) == 0:
        return []
    running = frame.groupby(by, sort=False, dropna=False)["cumulative"].all()
    current = ranges(prepared, by, at=frame["as_of"].max())
    latest = {tuple(r[c] for c in by): r for r in current.to_dict(orient="records")}
    rows = []
    for row in ranges(prepared, by).to_dict(orient="records"):
        key = tuple(row[c] for c in by)
        is_running = bool(running.get(key, False)) and key in latest
        rows.append((key, latest[key] if is_running else row, is_running))
    return rows


def known_words(moment: Any) -> str:
    """A knowledge time (the end of a period) as the day it closes: Jan 9 00:00 is "Jan 8, 2022".

    >>> import pandas as pd
    >>> known_words(pd.Timestamp("2022-01-09", tz="Asia/Almaty"))
    'Jan 8, 2022'
    """
    if pd.isna(moment):
        return ""
    if moment == moment.normalize():
        return date_words(moment - pd.Timedelta(1, "ns"))
    return date_words(moment, minutes=True)


def _times(n: int, word: str) -> str:
    return "no " + word + "s" if n == 0 else f"{n:,} {word}{'' if n == 1 else 's'}"


def revision_sentences(result: Any, observations: pd.DataFrame, *, ids: bool = False) -> list[str]:
    """One sentence per series: first and latest headline, rises and falls, largest fall, when it settled.

    >>> from kzfigures.analysis.revisions import revisions
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> frame = kazakhstan_2022()
    >>> revision_sentences(revisions(frame), frame)[1]
    'injured (armed assailants): 18 (Interior Ministry, Jan 7, 2022), never revised'
    """
    words = ObservationWords(observations)
    by = list(result.by)
    lines = []
    for row in result.series.to_dict(orient="records"):
        what = series_words([row[c] for c in by], by)
        revised = int(row["n_up"]) + int(row["n_down"]) > 0
        if not revised:
            text = f"{what}: {words.said([row['latest_id']])}, never revised"
        else:
            text = f"{what}: first {words.said([row['first_id']])}, latest {words.said([row['latest_id']])}"
            text += f"; {_times(int(row['n_up']), 'rise')}, {_times(int(row['n_down']), 'fall')}"
            if not pd.isna(row["largest_drop"]):
                share = row["largest_drop_share"]
                when = known_words(row["largest_drop_known_by"])
                text += f"; largest fall {int(row['largest_drop']):,} ({share:.0%}, known by {when})"
            days = row["time_to_settle"]
            text += f"; within {result.within:.0%} of the latest from {known_words(row['settled_known_by'])}"
            text += "" if pd.isna(days) or days == pd.Timedelta(0) else f" ({_duration(days)} after the first)"
        if ids:
            text += f" [{', '.join(dict.fromkeys([row['first_id'], row['latest_id']]))}]"
        lines.append(text)
    return lines


def _duration(span: pd.Timedelta) -> str:
    days = span / pd.Timedelta(days=1)
    if days == int(days):
        return f"{int(days):,} day{'' if days == 1 else 's'}"
    hours = span / pd.Timedelta(hours=1)
    return f"{hours:,.0f} hours"


def speaker_sentences(result: Any) -> list[str]:
    """One sentence per source, most often contradicted first: how many of its figures a later one put lower.

    >>> from kzfigures.analysis.revisions import revisions
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> speaker_sentences(revisions(kazakhstan_2022()))[0]
    'Interior Ministry: not contradicted (6 figures)'
    """
    table = result.speakers.sort_values(
        ["share_contradicted", "n_claims", "speaker"], ascending=[False, False, True], kind="stable"
    )
    lines = []
    for row in table.to_dict(orient="records"):
        n, hit = int(row["n_claims"]), int(row["n_contradicted"])
        who = speaker_words(row["speaker"])
        if hit == 0:
            lines.append(f"{who}: not contradicted ({_times(n, 'figure')})")
            continue
        lines.append(
            f"{who}: {hit:,} of {_times(n, 'figure')}, by up to {int(row['largest_excess']):,} "
            f"({row['largest_excess_share']:.0%} of its figure; {row['mean_excess_share']:.0%} on average)"
        )
    return lines


def reported_words(row: dict[Any, Any], words: ObservationWords) -> str:
    """The ends of a range row in the words of the figures that set them: "thousands", "dozens to scores".

    >>> from kzfigures.analysis.inputs import prepare
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> prepared = prepare(kazakhstan_2022())
    >>> key, row, running = range_rows(prepared)[0]
    >>> reported_words(row, ObservationWords(prepared.frame))
    'thousands'
    """
    low, high = words.words(row["hull_low_ids"][0]), words.words(row["hull_high_ids"][0])
    return low if low == high else f"{low} to {high}"


def agreed_words(row: dict[Any, Any], words: ObservationWords, running: bool) -> str:
    """What count every figure of a range row allows, or why none does.

    Of a running total's latest figures, an older one may be lower than a
    newer one without any disagreement: the count grew between their days.
    Two figures disagree only when the higher describes no later day.

    >>> from kzfigures.analysis.inputs import prepare
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> prepared = prepare(kazakhstan_2022())
    >>> key, row, running = range_rows(prepared)[0]
    >>> agreed_words(row, ObservationWords(prepared.frame), running)
    'no single count: these figures describe different days, Jan 8, 2022 to Jan 10, 2022'
    """
    if not row["consensus_empty"]:
        return bound_words(row["consensus_low"], row["consensus_high"])
    above, below = row["consensus_low_ids"][0], row["consensus_high_ids"][0]
    if running and words.moment(above) > words.moment(below):
        return f"no single count: these figures describe different days, {words.day(below)} to {words.day(above)}"
    return f"none - {words.said([above])} is above {words.said([below])}"
