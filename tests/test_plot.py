"""The timeline chart: the artists it draws, counted against the dataset read by hand.

(The newsroom promises, layout, labels, dates, panels, are tested in test_chart_newsroom.py.)

Expectations come from the articles (see docs/datasheet.md), not from the
plotting code:

- detained, all: 11 observations. "more than 3,000" (Interior Ministry) is
  carried by CNN and by a paraphrase of CNN: one claim. "about 8,000" (Kazakh
  authorities) is in the headline and the body: one claim. CNN's own
  "thousands", the unattributed paraphrase's "thousands" (no authority, no
  outlet) and hamslivenews.com's own "Thousands" are three speakers, so three
  claims. 9 claims, 2 echoes; 1 open-ended figure (more than 3,000); 5
  bounded intervals (three "thousands", "almost 6,000", "about 8,000").
- killed, all: 9 observations. Ministry of Health's 164 twice (one claim) and
  "about 164"; Asian Lite News's "multiple" twice (one claim) and "Dozens";
  CNN's "Dozens"; the paraphrase's "dozens"; "large number" (no source).
  7 claims, 2 echoes; 2 open-ended ("multiple", "large number"); 4 bounded
  intervals (three "dozens", "about 164").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("matplotlib")

import kzfigures
from kzfigures import InvalidArgumentError, UnknownColumnError, UnknownKeyError
from kzfigures.datasets import kazakhstan_2022
from kzfigures.present.plot import timeline

DETAINED = {"metric": "detained", "group": "all"}
KILLED = "metric=killed,group=all"


def _points(ax, gid):
    return sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_gid() == gid)


def _arrows(ax):
    return [text for text in ax.texts if text.get_gid() == "open-ended-arrow"]


def _bars(ax, gid):
    return sum(len(c.get_segments()) for c in ax.collections if c.get_gid() == gid)


def _labels(fig, gid):
    return [text.get_text() for ax in fig.axes for text in ax.texts if text.get_gid() == gid]


# Detained: 9 claims. Six state a number and get a mark at it: three exact figures (4,404, 6,044,
# 7,939) as dots, "almost 6,000" and "about 8,000" as dashes inside their bars, and the base of the
# "more than 3,000" arrow. The three "thousands" state none: bars only. Killed: 7 claims: 164 (a
# dot) and "about 164" (a dash in a bar) state a number; three "dozens" are bars; "multiple" and
# "a large number" are arrows. Echoes (the same claim in another report) get no mark of their own.
@pytest.mark.parametrize(
    ("key", "marks", "vague", "intervals", "open_ended"),
    [(DETAINED, 6, 3, 2, 1), (KILLED, 2, 3, 1, 2)],
)
def test_one_mark_per_claim_bars_for_ranges_arrows_for_open_ended_figures(key, marks, vague, intervals, open_ended):
    ax = timeline(kazakhstan_2022(), key=key).axes[0]
    assert _points(ax, "claim") == marks
    assert _bars(ax, "vague-band") == vague
    assert _bars(ax, "interval") == intervals
    assert len(_arrows(ax)) == open_ended
    assert _points(ax, "echo") == 0


def test_open_ended_arrow_starts_at_low_and_points_up():
    fig = timeline(kazakhstan_2022(), key=DETAINED)
    (arrow,) = _arrows(fig.axes[0])
    (x_tip, y_tip), (x_tail, y_tail) = arrow.xy, arrow.xyann
    assert y_tail == 3001  # "more than 3,000" allows 3,001 and up
    assert y_tip > y_tail
    assert x_tip == x_tail
    assert "more than 3,000" in _labels(fig, "figure-label")


def test_colours_stand_for_kinds_of_speaker_in_a_legend_of_three():
    frame = kazakhstan_2022()
    fig = timeline(frame, key=DETAINED)
    legend = fig.legends[0]
    colours = {
        text.get_text(): handle.get_color()
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }
    # By hand: the Interior Ministry, the Presidential Office, the Police and the Kazakh
    # authorities are named authorities; CNN, Asian Lite News and hamslivenews.com give their own
    # figures; the paraphrase of CNN's "thousands" names no one.
    assert list(colours) == ["Authorities", "Media (own figures)", "Unnamed sources"]
    assert len(set(colours.values())) == 3
    ax = fig.axes[0]
    dots = {
        y: line.get_color()
        for line in ax.get_lines()
        if line.get_gid() == "claim" and line.get_marker() == "o"
        for y in line.get_ydata()
    }
    assert dots == {
        4404: colours["Media (own figures)"],  # Asian Lite News via Xinhua, no authority
        6044: colours["Authorities"],  # Police
        7939: colours["Authorities"],  # Interior Ministry
    }


def test_estimate_band_and_best_line_held_over_each_slot():
    estimate = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2022-01-07", "2022-01-08", "2022-01-09", "2022-01-10"]).tz_localize(
                "Asia/Almaty"
            ),
            "low": pd.array([3001, 4404, 6044, 7939], dtype="Int64"),
            "best": [3001.0, 4404.0, 6044.0, 7939.0],
            "high": pd.array([4404, 6044, 7939, None], dtype="Int64"),
        }
    )
    ax = timeline(kazakhstan_2022(), estimate, key=DETAINED).axes[0]
    (best,) = [line for line in ax.get_lines() if line.get_gid() == "best"]
    # The four points, and the last one held to the end of its day.
    assert list(best.get_ydata()) == [3001, 4404, 6044, 7939, 7939]
    assert len([c for c in ax.collections if c.get_gid() == "estimate-band"]) == 1
    # The unbounded high of the last point is drawn, lighter, to the top of the axes, not to infinity.
    (open_band,) = [c for c in ax.collections if c.get_gid() == "estimate-band-open"]
    top = ax.get_ylim()[1]
    assert open_band.get_paths()[0].vertices[:, 1].max() == pytest.approx(top)


def test_a_violation_table_rings_the_earlier_higher_figure_not_the_later_one():
    # Read as a fall: the later "almost 6,000" below the 6,044 before it. The 6,044 is out of line.
    violations = pd.DataFrame({"id": ["kz22-004-05"], "kind": ["definite"], "witness_id": ["kz22-004-08"]})
    fig = timeline(kazakhstan_2022(), key=DETAINED, violations=violations)
    (ring,) = [c for c in fig.axes[0].collections if c.get_gid() == "set-aside"]
    assert [y for _, y in ring.get_offsets()] == [6044]
    (label,) = _labels(fig, "set-aside-label")
    assert label.startswith("6,044 (Police)")
    assert "kz22" not in label


def test_disagreements_are_not_ringed():
    report = kzfigures.violations(kazakhstan_2022())
    both = pd.concat([report.frame, report.disagreements])  # the Jan 9 disagreement, and nothing else
    assert list(both["kind"]) == ["disagreement"]
    fig = timeline(kazakhstan_2022(), key=DETAINED, violations=both)
    assert not [c for c in fig.axes[0].collections if c.get_gid() == "set-aside"]
    assert not _labels(fig, "set-aside-label")


def test_dates_readable_and_counts_with_thousands_separators():
    fig = timeline(kazakhstan_2022(), key=DETAINED)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert {"Jan 7\n2022", "8", "9", "10"} <= set(labels)
    assert ax.yaxis.get_major_formatter()(8000, 0) == "8,000"


def test_accepts_observations_and_an_existing_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert timeline(kazakhstan_2022(as_frame=False), key=DETAINED, ax=ax) is fig
    assert _points(ax, "claim") + _bars(ax, "vague-band") == 9
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "Authorities",
        "Media (own figures)",
        "Unnamed sources",
    ]


def test_an_existing_axes_takes_one_series():
    from matplotlib.figure import Figure

    with pytest.raises(InvalidArgumentError, match="ax draws one series"):
        timeline(kazakhstan_2022(), key="metric=detained", ax=Figure().add_subplot())


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("metric=arrested", UnknownKeyError),
        ({"metric": "detained", "group": "nobody"}, UnknownKeyError),
        ("detained", InvalidArgumentError),
        ("metric=detained,metric=killed", InvalidArgumentError),
        ("colour=red", UnknownColumnError),
        (42, InvalidArgumentError),
    ],
)
def test_bad_keys_raise(key, error):
    with pytest.raises(error):
        timeline(kazakhstan_2022(), key=key)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "kzfigures\[plot\]"'):
        timeline(kazakhstan_2022(), key=DETAINED)


def test_headless_without_pyplot(tmp_path):
    out = tmp_path / "detained.png"
    code = (
        "import sys\n"
        "from kzfigures.datasets import kazakhstan_2022\n"
        "from kzfigures.present.plot import timeline\n"
        f"timeline(kazakhstan_2022(), key='metric=detained,group=all').savefig({str(out)!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_draws_the_real_estimate_and_violation_objects():
    import kzfigures

    frame = kazakhstan_2022()
    ax = timeline(frame, kzfigures.best_estimate(frame), key=DETAINED, violations=kzfigures.violations(frame)).axes[0]
    (best,) = [line for line in ax.get_lines() if line.get_gid() == "best"]
    # By hand (docs/estimate.md): by the end of each day 3,001, 4,404, 6,044 and 8,000 ("about
    # 8,000" is the day's largest stated figure); the last held a day.
    assert list(best.get_ydata()) == [3001, 4404, 6044, 8000, 8000]
    # Nothing is ringed: the Jan 9 figures of two speakers are a disagreement, not a fall.
    assert not [c for c in ax.collections if c.get_gid() == "set-aside"]
