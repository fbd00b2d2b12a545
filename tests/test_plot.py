"""The timeline chart: the artists it draws, counted against the dataset read by hand.

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


def _interval_bars(ax):
    from matplotlib.container import ErrorbarContainer

    return sum(len(c.lines[2][0].get_segments()) for c in ax.containers if isinstance(c, ErrorbarContainer))


def _bands(ax):
    return sum(len(c.get_segments()) for c in ax.collections if c.get_gid() == "vague-band")


# Detained: 9 claims, of which 6 state a number (markers) and 3 are "thousands" (bands). Killed:
# 7 claims: 164 and "about 164" state a number; three "dozens" are bands; "multiple" and "a large
# number" are open-ended arrows. Only stated figures with a range get error bars.
@pytest.mark.parametrize(
    ("key", "markers", "bands", "echoes", "open_ended", "intervals"),
    [(DETAINED, 6, 3, 2, 1, 2), (KILLED, 2, 3, 1, 2, 1)],  # an echo of "dozens" has no point to mark
)
def test_one_marker_per_stated_claim_bands_for_vague_ones_echoes_arrows_and_bars(
    key, markers, bands, echoes, open_ended, intervals
):
    ax = timeline(kazakhstan_2022(), key=key).axes[0]
    assert _points(ax, "claim") == markers
    assert _bands(ax) == bands
    assert _points(ax, "echo") == echoes
    assert len(_arrows(ax)) == open_ended
    assert _interval_bars(ax) == intervals
    claim_size = {line.get_markersize() for line in ax.get_lines() if line.get_gid() == "claim"}
    echo_size = {line.get_markersize() for line in ax.get_lines() if line.get_gid() == "echo"}
    assert max(echo_size) < min(claim_size)


def test_open_ended_arrow_starts_at_low_and_points_up():
    ax = timeline(kazakhstan_2022(), key=DETAINED).axes[0]
    (arrow,) = _arrows(ax)
    (x_tip, y_tip), (x_tail, y_tail) = arrow.xy, arrow.xyann
    assert y_tail == 3001  # "more than 3,000" allows 3,001 and up
    assert y_tip > y_tail
    assert x_tip == x_tail
    labels = [text.get_text() for text in ax.texts if text.get_gid() == "open-ended"]
    assert labels == ["more than 3,000"]


def test_one_colour_and_marker_per_speaker_in_the_legend():
    ax = timeline(kazakhstan_2022(), key=DETAINED).axes[0]
    claim_lines = [line for line in ax.get_lines() if line.get_gid() == "claim"]
    # Speakers of the detained claims, by hand: Interior Ministry, the paraphrase
    # (unattributed, via CNN), CNN, Asian Lite News, Presidential Office, Police,
    # hamslivenews.com, Kazakh authorities.
    assert len(claim_lines) == 8
    assert len({(line.get_marker(), line.get_color()) for line in claim_lines}) == 8
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "Interior Ministry" in legend
    assert "unattributed, via CNN" in legend
    assert "CNN (own figure)" in legend


def test_estimate_band_and_best_line_carried_forward():
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
    bands = [c for c in ax.collections if c.get_gid() == "estimate-band"]
    assert len(bands) == 1
    # The unbounded high of the last point is drawn to the top of the axes, not to infinity.
    top = ax.get_ylim()[1]
    assert bands[0].get_paths()[0].vertices[:, 1].max() == pytest.approx(top)


def test_violations_are_circled_and_labelled():
    violations = pd.DataFrame({"id": ["kz22-004-05"], "kind": ["definite"], "witness_id": ["kz22-004-08"]})
    ax = timeline(kazakhstan_2022(), key=DETAINED, violations=violations).axes[0]
    (marks,) = [c for c in ax.collections if c.get_gid() == "violation"]
    assert len(marks.get_offsets()) == 1
    assert marks.get_offsets()[0][1] == 5999  # "almost 6,000" is drawn at its point value, 5,999
    labels = [text.get_text() for text in ax.texts if text.get_gid() == "violation-label"]
    assert labels == ["definite vs kz22-004-08"]


def test_disagreements_are_not_circled_as_violations():
    report = kzfigures.violations(kazakhstan_2022())
    both = pd.concat([report.frame, report.disagreements])  # the Jan 9 disagreement, and nothing else
    assert list(both["kind"]) == ["disagreement"]
    ax = timeline(kazakhstan_2022(), key=DETAINED, violations=both).axes[0]
    assert not [c for c in ax.collections if c.get_gid() == "violation"]
    assert not [text for text in ax.texts if text.get_gid() == "violation-label"]


def test_legend_outside_the_data_and_dates_readable():
    fig = timeline(kazakhstan_2022(), key=DETAINED)
    ax = fig.axes[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legend_box = ax.get_legend().get_window_extent(renderer)
    axes_box = ax.get_window_extent(renderer)
    assert legend_box.x0 >= axes_box.x1
    assert legend_box.x1 <= fig.bbox.x1  # and not cut off
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert {"Jan 07", "Jan 08", "Jan 09", "Jan 10"} <= set(labels)
    assert ax.yaxis.get_major_formatter()(8000, 0) == "8,000"


def test_accepts_observations_and_an_existing_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert timeline(kazakhstan_2022(as_frame=False), key=DETAINED, ax=ax) is fig
    assert _points(ax, "claim") + _bands(ax) == 9


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("metric=arrested", UnknownKeyError),
        ({"metric": "detained", "group": "nobody"}, UnknownKeyError),
        ("metric=detained", InvalidArgumentError),  # two series: all and officials
        (None, InvalidArgumentError),  # the dataset holds many series
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
    # Nothing is marked: the Jan 9 figures of two speakers are a disagreement, not a violation.
    labels = [text.get_text() for text in ax.texts if text.get_gid() == "violation-label"]
    assert labels == []
