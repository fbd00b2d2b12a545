"""How tolls were revised: ``revisions`` by hand on real tolls, and against its definitions by brute force."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzfigures as kz
from kzfigures.analysis.index import annotate, point_values
from kzfigures.analysis.revisions import contradicted_downwards
from kzfigures.analysis.vintages import known_by
from kzfigures.datasets import kazakhstan_2022
from kzfigures.strategies import figures, observation_frames, observations

ALMATY = "UTC+06:00"


def test_the_detained_series_by_hand() -> None:
    # The stated figures of detained/all, by the day their report appeared (docs/datasheet.md):
    #   published Jan 8: "more than 3,000" as of Jan 7 (point 3,001), 4,404 as of Jan 8;
    #   published Jan 9: "more than 3,000" as of Jan 7 again, "almost 6,000" (5,999) and 6,044
    #                    as of Jan 9;
    #   published Jan 10: "about 8,000" twice and 7,939, as of Jan 10.
    # ("Thousands", three times, states no number.) Headlines, known by the end of each day:
    # 4,404 (the latest moment, Jan 8); 6,044 (Jan 9: exact, narrower than "almost 6,000");
    # 7,939 (Jan 10: exact, narrower than "about 8,000"). Two rises, no fall; within 10 % of
    # 7,939 ([7,145.1, 8,732.9]) from the third step on: settled two days after the first.
    detained = kazakhstan_2022().query("metric == 'detained' and group == 'all'")
    row = kz.revisions(detained).series.iloc[0].to_dict()
    missing = [row.pop(c) for c in ("largest_drop", "largest_drop_share", "largest_drop_known_by")]
    assert all(pd.isna(value) for value in missing)  # no fall
    day = pd.Timestamp("2022-01-09", tz=ALMATY)
    assert row == {
        "metric": "detained",
        "group": "all",
        "region": "all",
        "n_figures": 8,
        "n_steps": 3,
        "first": 4404,
        "first_id": "kz22-002-05",
        "first_known_by": day,
        "latest": 7939,
        "latest_id": "kz22-003-03",
        "latest_known_by": day + pd.Timedelta(days=2),
        "n_up": 2,
        "n_down": 0,
        "latest_over_first": pytest.approx(7939 / 4404),
        "settled_known_by": day + pd.Timedelta(days=2),
        "time_to_settle": pd.Timedelta(days=2),
    }


def test_the_dataset_has_no_downward_contradiction() -> None:
    # Every stated figure is followed only by equal or higher ones about later moments (the
    # retracted 164 was never followed by a lower stated figure of killed/all in these articles).
    result = kz.revisions(kazakhstan_2022())
    assert result.speakers["n_contradicted"].sum() == 0
    assert result.speakers.set_index("speaker").loc["Interior Ministry", ["n_series", "n_claims"]].tolist() == [5, 6]
    assert len(result.series) == 7  # the cumulative series with a stated figure


def sri_lanka() -> pd.DataFrame:
    # The police toll (Apr 21 evening to Apr 24), then the health ministry's correction (Apr 25).
    days = [(21, 207), (22, 290), (23, 310), (23, 321), (24, 359), (25, 253)]
    return pd.DataFrame(
        {
            "metric": "killed",
            "stated": [v for _, v in days],
            "qualifier": ["exact"] * 5 + ["about"],
            "as_of": [f"2019-04-{d}" for d, _ in days],
            "published": [f"2019-04-{d}" for d, _ in days],
            "authority": ["Police"] * 5 + ["Health Ministry"],
        }
    )


def test_sri_lanka_by_hand() -> None:
    # Steps (known by the end of each day): 207; 290; 310 and 321 the same day, both exact: the
    # larger, 321; 359; then "about 253". Up three times, down once by 106 (359 -> 253, 106/359 of
    # the headline); within 10 % of 253 ([227.7, 278.3]) only at the last step: settled four
    # days after the first.
    result = kz.revisions(sri_lanka())
    row = result.series.iloc[0]
    assert (int(row["first"]), int(row["latest"]), int(row["n_up"]), int(row["n_down"])) == (207, 253, 3, 1)
    assert int(row["largest_drop"]) == 106
    assert row["largest_drop_share"] == pytest.approx(106 / 359)
    assert row["largest_drop_known_by"] == pd.Timestamp("2019-04-26", tz="UTC")
    assert row["latest_over_first"] == pytest.approx(253 / 207)
    assert row["time_to_settle"] == pd.Timedelta(days=4)
    assert row["latest_id"] == "row-5"
    # Police: 207 is never undercut; 290, 310, 321 and 359 are, each by 253 (known later, about a
    # later day): excesses 37, 57, 68, 106.
    police = result.speakers.set_index("speaker").loc["Police"]
    assert (police["n_claims"], police["n_contradicted"], police["largest_excess"]) == (5, 4, 106)
    shares = [37 / 290, 57 / 310, 68 / 321, 106 / 359]
    assert police["mean_excess_share"] == pytest.approx(sum(shares) / 4)
    assert police["largest_excess_share"] == pytest.approx(106 / 359)
    assert police["share_contradicted"] == pytest.approx(0.8)
    health = result.speakers.set_index("speaker").loc["Health Ministry"]
    assert health["n_contradicted"] == 0
    assert pd.isna(health["largest_excess"])


def test_a_repeat_about_an_older_moment_is_no_revision() -> None:
    # Monday's toll repeated on Wednesday, under Tuesday's higher one: the headline stays.
    frame = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [100, 150, 100],
            "as_of": ["2022-01-03", "2022-01-04", "2022-01-03"],
            "published": ["2022-01-03", "2022-01-04", "2022-01-05"],
        }
    )
    row = kz.revisions(frame).series.iloc[0]
    assert (int(row["n_up"]), int(row["n_down"]), int(row["latest"]), int(row["n_steps"])) == (1, 0, 150, 3)


def test_vague_and_non_cumulative_figures_take_no_part() -> None:
    frame = pd.DataFrame(
        {
            "metric": ["killed", "killed", "honoured", "honoured"],
            "figure": ["dozens", "hundreds", "12", "9"],
            "as_of": ["2022-01-03", "2022-01-04", "2022-01-03", "2022-01-04"],
            "cumulative": [True, True, False, False],
        }
    )
    result = kz.revisions(frame)
    assert len(result.series) == 0
    assert len(result.speakers) == 0
    assert list(result.series.columns)[:3] == ["metric", "group", "region"]
    assert next(iter(result.speakers.columns)) == "speaker"
    assert len(kz.revisions([]).series) == 0


def test_within_sets_the_settling_tolerance() -> None:
    days = {
        within: kz.revisions(sri_lanka(), within=within).series["time_to_settle"].iloc[0].days
        for within in (0.0, 0.10, 0.41, 0.42)
    }
    # The farthest headline from 253 is 359, 106 away: 41 % of 253 is 103.73, 42 % is 106.26.
    assert days == {0.0: 4, 0.10: 4, 0.41: 4, 0.42: 0}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"within": -0.1}, "within must be a finite number >= 0"),
        ({"within": math.nan}, "within must be a finite number >= 0"),
        ({"within": "10%"}, "within must be a finite number >= 0"),
        ({"within": True}, "within must be a finite number >= 0"),
        ({"by": ()}, "by must name at least one column"),
        ({"validate": 1}, "validate must be True or False"),
    ],
)
def test_bad_arguments_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(kz.InvalidArgumentError, match=message):
        kz.revisions(kazakhstan_2022(), **options)


# --- brute force, from the definitions ---------------------------------------------------


def brute_force(frame: pd.DataFrame, within: float) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """Per series its headline path (first, latest, ups, downs, drop, settling step), and per speaker
    its claims' excesses (0 = not contradicted), by the definitions, O(n^2)."""
    frame = kz.from_frame(frame)
    index = annotate(frame)
    known, point = known_by(frame), point_values(frame)
    series_rows: list[dict[str, Any]] = []
    claims: dict[int, dict[str, Any]] = {}
    for s in sorted(set(index.series.tolist())):
        rows = [i for i in range(len(frame)) if index.series[i] == s]
        if not frame["cumulative"].iloc[rows].all():
            continue
        stated = [i for i in rows if not pd.isna(frame["stated"].iloc[i])]
        if not stated:
            continue
        high = [math.inf if pd.isna(frame["high"].iloc[i]) else int(frame["high"].iloc[i]) for i in range(len(frame))]

        def order(i: int, high: list[float] = high) -> tuple[int, int, float, int]:
            return (int(index.start[i]), int(known[i]), -(high[i] - int(frame["low"].iloc[i])), int(point[i]))

        steps = sorted({int(known[i]) for i in stated})
        heads = []
        for t in steps:
            top = max(order(i) for i in stated if known[i] <= t)
            heads.append(
                min((i for i in stated if known[i] <= t and order(i) == top), key=lambda i: frame["id"].iloc[i])
            )
        values = [int(point[i]) for i in heads]
        changes = [b - a for a, b in itertools.pairwise(values)]
        drops = [-d for d in changes if d < 0]
        latest = values[-1]
        settle = min(j for j in range(len(values)) if all(abs(v - latest) <= within * latest for v in values[j:]))
        series_rows.append(
            {
                "first": values[0],
                "latest": latest,
                "first_id": frame["id"].iloc[heads[0]],
                "latest_id": frame["id"].iloc[heads[-1]],
                "n_up": sum(d > 0 for d in changes),
                "n_down": sum(d < 0 for d in changes),
                "largest_drop": max(drops) if drops else None,
                "time_to_settle": steps[settle] - steps[0],
            }
        )
        for i in stated:
            c = claims.setdefault(
                int(index.claim[i]),
                {"p": math.inf, "K": math.inf, "a": math.inf, "s": s, "who": index.speaker_texts()[i]},
            )
            c["p"], c["K"], c["a"] = min(c["p"], point[i]), min(c["K"], known[i]), min(c["a"], index.start[i])
    excess: dict[str, list[int]] = {}
    for c in claims.values():
        later = [d["p"] for d in claims.values() if d["s"] == c["s"] and d["K"] > c["K"] and d["a"] >= c["a"]]
        lowest = min(later, default=math.inf)
        excess.setdefault(str(c["who"]), []).append(int(c["p"] - lowest) if lowest < c["p"] else 0)
    return series_rows, excess


FRAMES = observation_frames(
    elements=observations(
        keys=st.sampled_from([("detained", "all", "all"), ("killed", "all", "all")]),
        figures=figures(max_value=40),
        tz=st.just(dt.timezone(dt.timedelta(hours=6))),
        min_date=dt.date(2022, 1, 7),
        max_date=dt.date(2022, 1, 10),
    ),
    max_size=10,
)


@settings(max_examples=min(40, settings.default.max_examples), deadline=None)
@given(FRAMES, st.sampled_from([0.0, 0.1, 0.5]))
def test_revisions_are_their_definitions(frame: pd.DataFrame, within: float) -> None:
    result = kz.revisions(frame, within=within)
    expected_series, expected_excess = brute_force(frame, within)
    got = [
        {
            "first": int(r["first"]),
            "latest": int(r["latest"]),
            "first_id": r["first_id"],
            "latest_id": r["latest_id"],
            "n_up": int(r["n_up"]),
            "n_down": int(r["n_down"]),
            "largest_drop": None if pd.isna(r["largest_drop"]) else int(r["largest_drop"]),
            "time_to_settle": int(r["time_to_settle"].value),
        }
        for _, r in result.series.iterrows()
    ]
    assert got == expected_series
    speakers = result.speakers.set_index("speaker")
    assert sorted(speakers.index) == sorted(expected_excess)
    for who, excesses in expected_excess.items():
        row = speakers.loc[who]
        hits = [e for e in excesses if e > 0]
        assert (int(row["n_claims"]), int(row["n_contradicted"])) == (len(excesses), len(hits))
        assert (None if pd.isna(row["largest_excess"]) else int(row["largest_excess"])) == max(hits, default=None)


@settings(max_examples=min(50, settings.default.max_examples), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4), st.integers(0, 4), st.integers(0, 20)), max_size=25))
def test_contradicted_downwards_is_its_definition(figures_: list[tuple[int, int, int, int]]) -> None:
    series, start, known, point = (np.array([f[k] for f in figures_], dtype=np.int64) for k in range(4))
    expected = [
        min(
            (
                int(point[d])
                for d in range(len(point))
                if series[d] == series[c] and known[d] > known[c] and start[d] >= start[c]
            ),
            default=-1,
        )
        for c in range(len(point))
    ]
    assert contradicted_downwards(series, start, known, point).tolist() == expected
