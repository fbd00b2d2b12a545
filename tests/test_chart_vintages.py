"""The vintage chart: one line per knowledge date, each the estimate as it stood then (issue 21)."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("matplotlib")

import kzfigures as kz
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import InvalidArgumentError
from kzfigures.plot import vintages

DETAINED = {"metric": "detained", "group": "all"}


def _lines(fig):
    return [line for line in fig.axes[0].get_lines() if line.get_gid() in ("vintage", "latest")]


def test_each_line_ends_where_the_estimate_known_then_ends() -> None:
    frame = kazakhstan_2022()
    detained = kz.analysis.inputs.select_key(frame, DETAINED)
    fig = vintages(frame, key=DETAINED)
    known = kz.replay(detained).known_at
    lines = _lines(fig)
    assert len(lines) == len(known)
    assert [line.get_gid() for line in lines][-1] == "latest"
    for line, moment in zip(lines, known, strict=True):
        # The reference: best_estimate of what was public by the end of that day.
        then = kz.best_estimate(kz.as_known_at(detained, moment, precision="day")).series
        assert line.get_ydata()[-1] == then["best"].iloc[-1]
    labels = [t.get_text() for t in fig.axes[0].texts]
    last = kz.best_estimate(detained).series["best"].iloc[-1]
    assert last == 8000  # the Kazakh authorities' "about 8,000", labelled in their words
    assert labels[-1] == "As known by Jan 10, 2022: about 8,000"


def test_a_label_is_the_stated_words_never_a_number_nobody_stated() -> None:
    toll = pd.DataFrame(
        {
            "metric": "killed",
            "figure": ["over 40", "52", "about 20", "18"],
            "as_of": ["2024-03-15", "2024-03-16", "2024-03-17", "2024-03-18"],
            "authority": ["A", "A", "B", "C"],
        }
    )
    labels = [t.get_text() for t in vintages(toll).axes[0].texts]
    assert labels[0] == "Mar 15: over 40"  # its point is 41, which nobody said
    assert not any(": 41" in label for label in labels)


def test_a_corrected_toll_keeps_the_higher_earlier_lines() -> None:
    days = [(21, 207), (22, 290), (23, 321), (24, 359), (25, 253)]
    toll = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [n for _, n in days],
            "as_of": [f"2019-04-{d}" for d, _ in days],
            "authority": ["Police"] * 4 + ["Health Ministry"],
        }
    )
    fig = vintages(toll)
    ends = [line.get_ydata()[-1] for line in _lines(fig)]
    assert ends == [n for _, n in days]  # each day's line ends at that day's toll; the last at 253
    assert max(line.get_ydata().max() for line in _lines(fig)[:-1]) == 359


def test_vintages_draws_one_series() -> None:
    with pytest.raises(InvalidArgumentError):
        vintages(kazakhstan_2022(), key={"metric": "detained"})
