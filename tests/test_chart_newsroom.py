"""The chart's newsroom promises (issue 20), each checked against what the chart draws.

Expectations are computed here from the observations (how many series, which years, which
ids, where ``best`` is missing), never read back from the plotting code. Four charts are
drawn once per module: the bundled detained series, all twelve bundled series as small
multiples, a two-week daily series across a new year, and a three-year archive.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

import kzfigures
from kzfigures import InvalidArgumentError
from kzfigures.datasets import kazakhstan_2022
from kzfigures.frame import from_frame
from kzfigures.plot import Theme, save, timeline

BY = ["metric", "group", "region"]
DETAINED = "metric=detained,group=all"


def two_weeks() -> pd.DataFrame:
    """A daily death toll from Dec 25, 2022 to Jan 7, 2023: the ministry every day, TV's "more than" every third."""
    days = pd.date_range("2022-12-25", periods=14, freq="D")
    counts = 100 + np.cumsum(np.arange(14) * 3 + 5)
    rows = []
    for i, (day, count) in enumerate(zip(days, counts, strict=True)):
        as_of = day.strftime("%Y-%m-%d")
        rows.append({"metric": "killed", "as_of": as_of, "stated": int(count), "authority": "Ministry of Health"})
        if i % 3 == 0:
            rows.append({"metric": "killed", "as_of": as_of, "figure": f"more than {count // 10 * 10}", "outlet": "TV"})
    return from_frame(pd.DataFrame(rows))


SPEAKERS = ["UN OCHA", "Ministry of Interior", "Red Crescent", "Human Rights Watch", "Amnesty", "Council", "Army"]


def three_years() -> pd.DataFrame:
    """Displaced, every third day from Mar 2021 to Feb 2024, seven speakers in turn, and one outlier."""
    days = pd.date_range("2021-03-01", "2024-02-28", freq="3D")
    counts = 50 + np.cumsum(np.random.default_rng(7).poisson(12, size=len(days)))
    rows = []
    for i, (day, count) in enumerate(zip(days, counts, strict=True)):
        figure = [str(count), f"at least {count}", f"about {round(count, -1)}"][i % 3]
        rows.append({"metric": "displaced", "as_of": day.strftime("%Y-%m-%d"), "figure": figure})
        rows[-1]["authority"] = SPEAKERS[i % len(SPEAKERS)]
        if i == 100:  # a channel's figure three times the count: later figures are all lower
            rows.append({"metric": "displaced", "as_of": day.strftime("%Y-%m-%d"), "stated": 3 * int(count)})
            rows[-1]["outlet"] = "Channel 9"
    return from_frame(pd.DataFrame(rows))


def _chart(frame: pd.DataFrame, **options):
    return timeline(frame, kzfigures.best_estimate(frame), violations=kzfigures.violations(frame), **options)


@pytest.fixture(scope="module")
def charts():
    bundled = kazakhstan_2022()
    frames = {"detained": bundled, "bundled": bundled, "two weeks": two_weeks(), "three years": three_years()}
    drawn = {
        "detained": _chart(bundled, key=DETAINED),
        "bundled": _chart(bundled),
        "two weeks": _chart(frames["two weeks"]),
        "three years": _chart(frames["three years"], speakers="top"),
    }
    return {name: (frames[name], drawn[name]) for name in drawn}


NAMES = ["detained", "bundled", "two weeks", "three years"]


def _drawn_texts(fig):
    """Every text the renderer draws, with its extent: figure texts, titles, legend, labels, tick labels in view."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ticks = set()
    shown = []
    for ax in fig.axes:
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            for tick in axis.get_major_ticks():
                ticks.add(id(tick.label1))
                ticks.add(id(tick.label2))
            locs = axis.get_majorticklocs()
            for loc, tick in zip(locs, axis.get_major_ticks(len(locs)), strict=True):
                if min(limits) <= loc <= max(limits) and tick.label1.get_visible():
                    shown.append(tick.label1)
    shown += [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()]
    shown = [t for t in shown if t.get_text().strip()]
    return [(t, t.get_window_extent(renderer)) for t in shown]


@pytest.mark.parametrize("name", NAMES)
def test_no_two_texts_overlap(charts, name):
    _, fig = charts[name]
    texts = _drawn_texts(fig)
    assert len(texts) > 10
    clashes = [
        (a.get_text(), b.get_text())
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2)
        if box_a.x0 < box_b.x1 and box_b.x0 < box_a.x1 and box_a.y0 < box_b.y1 and box_b.y0 < box_a.y1
    ]
    assert clashes == []
    page = fig.bbox
    outside = [t.get_text() for t, box in texts if box.x0 < page.x0 or box.x1 > page.x1 or box.y0 < page.y0]
    assert outside == []


@pytest.mark.parametrize("name", NAMES)
def test_one_panel_per_series_and_no_observation_id_anywhere(charts, name):
    frame, fig = charts[name]
    drawn = frame if name != "detained" else frame.query("metric == 'detained' and group == 'all'")
    assert len(fig.axes) == drawn.groupby(BY).ngroups
    everything = " ".join(t.get_text() for t in fig.findobj(Text))
    assert [i for i in frame["id"] if i in everything] == []
    assert "_" not in everything  # no column codes such as law_enforcement


@pytest.mark.parametrize("name", NAMES)
def test_a_legend_of_at_most_six_entries(charts, name):
    _, fig = charts[name]
    (legend,) = fig.legends
    assert 1 <= len(legend.get_texts()) <= 6


def test_top_speakers_are_named_and_the_rest_are_others(charts):
    frame, fig = charts["three years"]
    entries = [t.get_text() for t in fig.legends[0].get_texts()]
    # Six entries: the set-aside mark, four speakers, "Other sources". Seven authorities take
    # turns in 365 reports (UN OCHA 53 times, the others 52) and one channel speaks once.
    speaker = frame["authority"].fillna(frame["outlet"])
    counts = speaker.value_counts()
    top = sorted(counts.index, key=lambda s: (-counts[s], s))[:4]
    assert entries == [*top, "Other sources", "Set aside"]


@pytest.mark.parametrize(
    ("name", "years"),
    [("detained", {2022}), ("bundled", {2022}), ("two weeks", {2022, 2023}), ("three years", {2021, 2022, 2023, 2024})],
)
def test_dates_carry_every_year_of_the_span(charts, name, years):
    frame, fig = charts[name]
    assert set(frame["as_of"].dt.year) == years  # the fixture spans what the test says
    _drawn_texts(fig)
    # The panels whose date labels show (the bottom row): Axis.get_tick_params is matplotlib 3.7+
    # and lists only changed settings on 3.8, so ask the labels themselves.
    bottom = [ax for ax in fig.axes if any(label.get_visible() for label in ax.get_xticklabels())]
    assert bottom
    for ax in bottom:
        left, right = ax.get_xlim()
        labels = [
            label.get_text()
            for loc, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
            if left <= loc <= right
        ]
        shown = {year for year in years if any(str(year) in label for label in labels)}
        # Every year whose first day is in view, and the first tick's year, is written out.
        first = mdates.num2date(min(loc for loc in ax.get_xticks() if loc >= left)).year
        expected = {year for year in years if mdates.date2num(pd.Timestamp(year, 1, 1)) >= left} | {first}
        assert shown == expected, labels


def test_a_two_week_daily_series_gets_day_ticks_with_the_month_and_year_at_the_turn(charts):
    _, fig = charts["two weeks"]
    _drawn_texts(fig)
    labels = [label.get_text() for label in fig.axes[0].get_xticklabels()]
    assert "Jan 1\n2023" in labels
    assert any(label.startswith("Dec ") and label.endswith("\n2022") for label in labels)


def _step_segments(line):
    """The horizontal segments a step line draws, as (x0, x1, y), from its path."""
    vertices = line.get_path().vertices
    segments = []
    for (x0, y0), (x1, y1) in itertools.pairwise(vertices):
        if np.isfinite([x0, y0, x1, y1]).all() and y0 == y1 and x1 > x0:
            segments.append((x0, x1, y0))
    return segments


def _best_line_at_slot_middles(fig, panel, rows):
    """The best line's height at the middle of each estimate row's slot (NaN where it draws nothing)."""
    (line,) = [line for line in fig.axes[panel].get_lines() if line.get_gid() == "best"]
    segments = _step_segments(line)
    middles = rows["slot_start"] + (rows["slot_end"] - rows["slot_start"]) / 2
    values = []
    for middle in mdates.date2num(middles.dt.tz_localize(None)):
        covering = [y for x0, x1, y in segments if x0 < middle < x1]
        values.append(covering[0] if covering else np.nan)
    return np.array(values)


def test_the_best_line_breaks_where_best_is_missing():
    # "dozens" first (no number: no best), then stated figures.
    frame = from_frame(
        pd.DataFrame(
            {
                "metric": "killed",
                "as_of": ["2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04"],
                "figure": ["dozens", "12", "40", "41"],
                "authority": "Police",
            }
        )
    )
    estimate = kzfigures.best_estimate(frame)
    rows = estimate.series
    assert np.isnan(rows["best"]).tolist() == [True, False, False, False]
    np.testing.assert_array_equal(_best_line_at_slot_middles(timeline(frame, estimate), 0, rows), rows["best"])
    # A gap inside the series (an estimate table may have one anywhere): the line breaks there too.
    gappy = rows.assign(best=[np.nan, 12.0, np.nan, 41.0])
    drawn = _best_line_at_slot_middles(timeline(frame, gappy), 0, gappy)
    np.testing.assert_array_equal(drawn, gappy["best"])


def test_the_bundled_killed_line_starts_where_a_figure_first_states_a_number(charts):
    frame, fig = charts["bundled"]
    rows = kzfigures.best_estimate(frame).series.query("metric == 'killed' and group == 'all'")
    panel = [ax.get_title(loc="left") for ax in fig.axes].index("Killed")
    assert np.isnan(rows["best"].iloc[0])  # Jan 8: "dozens" and "multiple" state no number
    np.testing.assert_array_equal(_best_line_at_slot_middles(fig, panel, rows), rows["best"])


def test_an_outlier_set_aside_is_ringed_and_labelled_and_what_it_contradicted_is_not():
    frame = from_frame(
        pd.DataFrame(
            {
                "metric": "killed",
                "stated": [60, 150, 137, 140, 144],
                "as_of": ["2024-03-22", "2024-03-23", "2024-03-24", "2024-03-25", "2024-03-26"],
                "outlet": ["Agency", "Channel", "Agency", "Agency", "Agency"],
            }
        )
    )
    estimate, found = kzfigures.best_estimate(frame), kzfigures.violations(frame)
    aside = frame.set_index("id").loc[estimate.set_aside["id"], "stated"].tolist()
    assert aside == [150]  # and the violations name 137, 140 and 144 as the figures that fell
    assert sorted(frame.set_index("id").loc[found.frame["id"], "stated"]) == [137, 140, 144]
    charts = {
        "Set aside": timeline(frame, estimate, violations=found),
        "Above later figures": timeline(frame, violations=found),
    }
    for entry, chart in charts.items():
        ax = chart.axes[0]
        rings = [c for c in ax.collections if c.get_gid() == "set-aside"]
        assert [y for ring in rings for _, y in ring.get_offsets()] == aside
        labels = [t.get_text() for t in ax.texts if t.get_gid() == "set-aside-label"]
        assert len(labels) == 1
        assert labels[0].startswith("150 (Channel)")
        assert [t.get_text() for t in chart.legends[0].get_texts()] == ["Media (own figures)", entry]


def test_title_subtitle_and_a_source_line_shortened_with_and_n_others(charts):
    frame, fig = charts["three years"]
    by_gid = {t.get_gid(): t.get_text() for t in fig.texts}
    subtitle = by_gid["subtitle"].replace("\n", " ")
    assert by_gid["title"] == "Displaced: reported figures"
    assert "The line is the best estimate" in subtitle
    assert "the shaded band the range" in subtitle
    assert "Mar 1, 2021 to Feb 26, 2024" in subtitle  # the first and last as-of dates of the frame
    assert frame["as_of"].min().strftime("%b %-d, %Y") == "Mar 1, 2021"
    assert frame["as_of"].max().strftime("%b %-d, %Y") == "Feb 26, 2024"
    source = by_gid["source"].replace("\n", " ")
    # Eight speakers, most quoted first (UN OCHA 53 times, six others 52 times, a channel once): all fit.
    assert source == "Source: " + "; ".join(pd.unique(frame["authority"].fillna(frame["outlet"])))


@pytest.mark.parametrize("name", ["bundled", "detained"])
def test_a_long_source_line_is_shortened_with_and_n_others(charts, name):
    frame, fig = charts[name]
    (text,) = [t.get_text() for t in fig.texts if t.get_gid() == "source"]
    assert len(text.splitlines()) <= 2
    source = text.replace("\n", " ").removeprefix("Source: ")
    drawn = frame if name == "bundled" else frame.query("metric == 'detained' and group == 'all'")
    # One entry per way a figure reached the page: who said it, through whom, in which outlet.
    ways = drawn[["authority", "via", "outlet"]].drop_duplicates()
    named, _, rest = source.partition(" and ")
    others = int(rest.split()[0]) if rest else 0
    assert len(named.split("; ")) + others == len(ways)
    assert (others > 0) == (name == "bundled")  # 29 ways do not fit in two lines; the detained 10 do


def test_title_subtitle_and_source_are_the_callers_when_given():
    bundled = kazakhstan_2022()
    chart = timeline(bundled, key=DETAINED, title="Detentions rose to 8,000", subtitle="In four days.", source="Me")
    assert [t.get_text() for t in chart.texts] == ["Detentions rose to 8,000", "In four days.", "Me"]


def test_the_source_line_names_the_most_quoted_first():
    frame = kazakhstan_2022().query("metric == 'detained' and group == 'all'")
    fig = timeline(frame)
    (source,) = [t.get_text() for t in fig.texts if t.get_gid() == "source"]
    first = source.removeprefix("Source: ").split("; ")[0]
    # Who said it, through whom, where: "about 8,000" is in the headline and the body (the
    # Kazakh authorities, twice, the same way); every other way of reporting occurs once.
    counts = frame.groupby(["authority", "via", "outlet"], dropna=False).size().sort_values(ascending=False)
    assert counts.iloc[0] == 2
    assert counts.iloc[1] == 1
    assert first == counts.index[0][0] == "Kazakh authorities"


def test_small_multiples_share_y_only_when_asked():
    frame = kazakhstan_2022()
    free = timeline(frame, key="metric=killed")
    shared = timeline(frame, key="metric=killed", sharey=True)
    assert len({ax.get_ylim() for ax in shared.axes}) == 1
    assert len({ax.get_ylim() for ax in free.axes}) == len(free.axes)
    highest = frame.query("metric == 'killed'")[["low", "high"]].max().max()
    assert shared.axes[0].get_ylim()[1] > highest


def test_theme_sets_fonts_and_colours():
    fig = timeline(
        kazakhstan_2022(),
        kzfigures.best_estimate(kazakhstan_2022()),
        key=DETAINED,
        theme={"font": "DejaVu Serif", "line": "#aa0000"},
    )
    (title,) = [t for t in fig.texts if t.get_gid() == "title"]
    assert title.get_fontfamily() == ["DejaVu Serif"]
    (best,) = [line for line in fig.axes[0].get_lines() if line.get_gid() == "best"]
    assert best.get_color() == "#aa0000"
    assert Theme(font="Georgia").font == ("Georgia",)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"theme": {"colour": "red"}}, "theme has no field 'colour'"),
        ({"theme": 42}, "theme must be a Theme"),
        ({"theme": {"width": -1}}, "'width' must be > 0"),
        ({"theme": {"title_size": "big"}}, "'title_size' must be > 0"),
        ({"theme": {"palette": ("red",)}}, "'palette' needs at least 5 colours"),
        ({"speakers": "all"}, "speakers must be one of 'kind', 'top'"),
        ({"ncols": 0}, "ncols must be a whole number >= 1"),
        ({"ncols": 2.5}, "ncols must be a whole number >= 1"),
    ],
)
def test_bad_options_raise(options, says):
    with pytest.raises(InvalidArgumentError, match=says):
        timeline(kazakhstan_2022(), key=DETAINED, **options)


def test_nothing_to_draw_raises():
    with pytest.raises(InvalidArgumentError, match="no observations to draw"):
        timeline(kazakhstan_2022().iloc[:0])


def test_save_writes_png_and_svg_with_editable_text_and_no_ids(tmp_path):
    frame = kazakhstan_2022()
    fig = timeline(frame, key="metric=killed,group=all")
    png = save(fig, tmp_path / "killed.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save(fig, tmp_path / "killed.svg")
    root = ET.parse(svg).getroot()
    texts = " ".join("".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Killed: reported figures" in texts
    assert [i for i in frame["id"] if i in svg.read_text(encoding="utf-8")] == []
    with pytest.raises(InvalidArgumentError, match="suffix"):
        save(fig, tmp_path / "killed.gif")


def test_on_one_scale_only_the_first_column_names_the_counts():
    fig = timeline(kazakhstan_2022(), key="metric=killed", sharey=True)
    fig.draw_without_rendering()
    first_column = [ax for ax in fig.axes if ax.get_subplotspec().colspan.start == 0]
    for ax in fig.axes:
        shown = [label.get_text() for label in ax.get_yticklabels() if label.get_visible() and label.get_text()]
        assert bool(shown) == (ax in first_column) == any(label.get_visible() for label in ax.get_yticklabels())


@pytest.mark.parametrize("precision", ["hour", "day"])
def test_each_exact_figure_is_a_dot_inside_its_own_period(precision):
    times = ["2024-05-01T06:00", "2024-05-01T09:00", "2024-05-01T14:00"]
    if precision == "day":
        times = ["2024-05-01", "2024-05-02", "2024-05-04"]
    frame = from_frame(pd.DataFrame({"metric": "killed", "as_of": times, "stated": [3, 5, 9], "authority": "Police"}))
    assert set(frame["as_of_precision"]) == {precision}
    ax = timeline(frame).axes[0]
    (dots,) = [line for line in ax.get_lines() if line.get_gid() == "claim"]
    start = frame["as_of"].dt.tz_localize(None)
    end = start + pd.Timedelta(1, unit="h" if precision == "hour" else "D")
    x = mdates.date2num(np.asarray(dots.get_xdata()))
    assert list(dots.get_ydata()) == frame["stated"].tolist()
    assert (mdates.date2num(start) <= x).all()
    assert (x < mdates.date2num(end)).all()
