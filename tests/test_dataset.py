"""The bundled Kazakhstan 2022 dataset against facts read by hand from the five seed articles.

The expected values below were read from the articles in ``/work/shared/seeds`` (see ``docs/datasheet.md``),
not from the CSV: if a test fails, the CSV or the loader is wrong, not the test.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from kzfigures.analysis.violations import violations
from kzfigures.datasets import kazakhstan_2022
from kzfigures.model import Observation

COLUMNS = [
    "id",
    "metric",
    "group",
    "region",
    "low",
    "high",
    "stated",
    "qualifier",
    "figure",
    "as_of",
    "as_of_precision",
    "published",
    "published_precision",
    "outlet",
    "outlet_kind",
    "authority",
    "via",
    "cumulative",
    "quote",
    "url",
    "note",
]

GROUPS = {"all", "law_enforcement", "security_forces", "protesters", "children", "armed_assailants", "officials"}

# The library's documented spans for vague words; "large number" is read with the "many" convention.
VAGUE = {
    "a few": (2, 5),
    "several": (3, 9),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "tens of thousands": (20000, 99999),
    "multiple": (2, None),
    "many": (2, None),
    "large number": (2, None),
}


def day(d: int) -> pd.Timestamp:
    """Local midnight (UTC+06:00) of January ``d``, 2022."""
    return pd.Timestamp(f"2022-01-{d:02d}T00:00:00+06:00")


def conventional_interval(qualifier: str, stated: int | None, figure: str) -> tuple[int, int | None]:
    """The interval the library's default conventions give a figure."""
    if qualifier == "exact":
        return stated, stated
    if qualifier == "more_than":
        return stated + 1, None
    if qualifier == "at_least":
        return stated, None
    if qualifier == "fewer_than":
        return 0, stated - 1
    if qualifier == "at_most":
        return 0, stated
    if qualifier == "about":
        digits = str(stated)
        unit = 10 ** (len(digits) - len(digits.rstrip("0")))
        h = max(0.10 * stated, unit / 2)
        return math.ceil(stated - h), math.floor(stated + h)
    if qualifier == "almost":
        return math.ceil(0.9 * stated), stated - 1
    if qualifier == "vague":
        return VAGUE[figure.lower()]
    raise AssertionError(f"no convention for qualifier {qualifier!r}")


def _none(value: object) -> object:
    return None if pd.isna(value) else value


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return kazakhstan_2022()


@pytest.fixture(scope="module")
def observations() -> list[Observation]:
    return kazakhstan_2022(as_frame=False)


def rows(frame: pd.DataFrame, **where: object) -> pd.DataFrame:
    """Rows whose columns equal the given values (missing values never match)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= (frame[column] == value).fillna(False).astype(bool)
    return frame[mask]


# --- schema -----------------------------------------------------------------------


def test_columns_in_schema_order(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == COLUMNS


def test_canonical_dtypes(frame: pd.DataFrame) -> None:
    for column in ("low", "high", "stated"):
        assert frame[column].dtype == "Int64", column
    for column in ("as_of", "published"):
        assert isinstance(frame[column].dtype, pd.DatetimeTZDtype), column
    assert frame["cumulative"].dtype == bool
    for column in ("id", "metric", "group", "figure", "authority", "quote", "note"):
        assert frame[column].dtype == "string", column


def test_row_count_matches_observations(frame: pd.DataFrame, observations: list[Observation]) -> None:
    assert len(frame) == len(observations) == 43


def test_ids_unique_and_name_their_article(frame: pd.DataFrame) -> None:
    assert frame["id"].is_unique
    assert all(re.fullmatch(r"kz22-00[0-4]-\d\d", i) for i in frame["id"])


def test_every_row_is_an_observation(frame: pd.DataFrame, observations: list[Observation]) -> None:
    assert all(isinstance(o, Observation) for o in observations)
    assert [o.id for o in observations] == list(frame["id"])


def test_metrics_and_groups_from_the_vocabulary(frame: pd.DataFrame) -> None:
    assert set(frame["metric"]) == {"killed", "injured", "detained"}
    assert set(frame["group"]) <= GROUPS


def test_intervals_follow_the_default_conventions(observations: list[Observation]) -> None:
    for o in observations:
        f = o.figure
        assert (f.low, f.high) == conventional_interval(f.qualifier.value, f.stated, f.text), o.id


def test_times_are_local_midnights_and_as_of_not_after_published(observations: list[Observation]) -> None:
    for o in observations:
        local = o.as_of.tz_convert("UTC+06:00")
        assert (local.hour, local.minute, local.second) == (0, 0, 0), o.id
        assert o.as_of_precision.value == "day", o.id
        assert o.published is not None, o.id
        assert o.as_of <= o.published, o.id


def test_quotes_are_short_and_state_the_figure(observations: list[Observation]) -> None:
    for o in observations:
        assert o.quote is not None, o.id
        assert len(o.quote) <= 120, o.id
        assert o.figure.text is not None, o.id
        assert o.figure.text.lower() in o.quote.lower(), o.id


# --- detentions -------------------------------------------------------------------

DETAINED = [
    # figure, qualifier, low, high, stated, as_of day, authority, minimum number of mentions
    ("more than 3,000", "more_than", 3001, None, 3000, 7, "Interior Ministry", 2),
    ("4,404", "exact", 4404, 4404, 4404, 8, None, 1),
    ("almost 6,000", "almost", 5400, 5999, 6000, 9, "Presidential Office", 1),
    ("6,044", "exact", 6044, 6044, 6044, 9, "Police", 1),
    ("7,939", "exact", 7939, 7939, 7939, 10, "Interior Ministry", 1),
    ("about 8,000", "about", 7200, 8800, 8000, 10, "Kazakh authorities", 1),
]


@pytest.mark.parametrize(("text", "qualifier", "low", "high", "stated", "as_of", "authority", "mentions"), DETAINED)
def test_detention_figures(
    frame: pd.DataFrame,
    text: str,
    qualifier: str,
    low: int,
    high: int | None,
    stated: int,
    as_of: int,
    authority: str | None,
    mentions: int,
) -> None:
    found = rows(frame, metric="detained", stated=stated, qualifier=qualifier)
    assert len(found) >= mentions
    assert text in found["figure"].str.lower().tolist()
    for _, row in found.iterrows():
        assert row["group"] == "all"
        assert row["low"] == low
        assert _none(row["high"]) == high
        assert row["as_of"] == day(as_of)
        assert _none(row["authority"]) == authority


def test_4404_came_through_xinhua(frame: pd.DataFrame) -> None:
    (via,) = rows(frame, metric="detained", stated=4404)["via"]
    assert via == "Xinhua"


def test_same_day_detention_figures_disagree(frame: pd.DataFrame) -> None:
    """The presidential office's "almost 6,000" (at most 5,999) excludes the police's 6,044, both on Jan 9."""
    almost = rows(frame, metric="detained", qualifier="almost").iloc[0]
    police = rows(frame, metric="detained", stated=6044).iloc[0]
    assert almost["as_of"] == police["as_of"] == day(9)
    assert almost["high"] < police["low"]


def test_the_jan_9_detention_figures_are_a_disagreement_not_a_violation(frame: pd.DataFrame) -> None:
    """Two speakers, one day, disjoint intervals: listed apart; the count never falls (issue 19)."""
    report = violations(frame, key={"metric": "detained", "group": "all"})
    assert len(report.frame) == 0
    assert report.disagreements[["kind", "id", "witness_id", "speaker", "witness_speaker"]].values.tolist() == [
        ["disagreement", "kz22-004-05", "kz22-004-08", "Presidential Office", "Police"]
    ]


def test_a_large_number_after_164_dead_is_no_soft_fall(frame: pd.DataFrame) -> None:
    """The words "a large number" state no number: no soft violation below the 164 of the day before."""
    report = violations(frame, key={"metric": "killed", "group": "all"})
    assert len(report.frame) == len(report.disagreements) == 0


def test_all_national_detention_counts_use_group_all(frame: pd.DataFrame) -> None:
    detained = rows(frame, metric="detained")
    assert set(detained["group"]) == {"all", "officials"}
    assert len(rows(detained, group="officials")) == 1


# --- killed -----------------------------------------------------------------------


def test_164_killed_including_three_children(frame: pd.DataFrame) -> None:
    totals = rows(frame, metric="killed", group="all", stated=164)
    assert len(totals) >= 2
    assert set(totals["authority"]) == {"Ministry of Health"}
    for article in totals["id"].str[:8]:
        children = rows(frame, metric="killed", group="children")
        children = children[children["id"].str.startswith(article)]
        assert len(children) >= 1
        assert (children["stated"] == 3).all()
        assert (children["low"] == 3).all()
        assert (children["high"] == 3).all()


def test_about_164_band(frame: pd.DataFrame) -> None:
    (row,) = (r for _, r in rows(frame, metric="killed", stated=164, qualifier="about").iterrows())
    assert (row["low"], row["high"]) == (148, 180)


# --- law enforcement and echoes -------------------------------------------------


@pytest.mark.parametrize(("metric", "stated"), [("killed", 18), ("injured", 748)])
def test_law_enforcement_as_of_jan_7_from_the_interior_ministry(frame: pd.DataFrame, metric: str, stated: int) -> None:
    found = rows(frame, metric=metric, group="law_enforcement", stated=stated)
    assert len(found) >= 2
    assert (found["qualifier"] == "exact").all()
    assert (found["as_of"] == day(7)).all()
    assert set(found["authority"]) == {"Interior Ministry"}
    assert found["via"].str.contains("Khabar 24").all()
    cnn = rows(found, outlet="CNN")
    assert len(cnn) >= 1
    assert set(cnn["via"]) == {"Khabar 24"}


def test_interior_ministry_18_deaths_echo_through_several_mentions(frame: pd.DataFrame) -> None:
    echoes = rows(frame, metric="killed", group="law_enforcement", stated=18, authority="Interior Ministry")
    assert len(echoes) >= 3
    assert echoes["id"].str[:8].nunique() >= 2
    assert set(echoes["as_of"]) == {day(7)}
    assert echoes["published"].nunique() >= 2


def test_armed_assailants_from_the_same_report(frame: pd.DataFrame) -> None:
    assailants = rows(frame, group="armed_assailants")
    assert set(zip(assailants["metric"], assailants["stated"], strict=True)) == {("killed", 26), ("injured", 18)}
    assert (assailants["as_of"] == day(7)).all()


def test_award_count_is_not_a_running_total(frame: pd.DataFrame) -> None:
    (row,) = (r for _, r in rows(frame, group="security_forces").iterrows())
    assert row["stated"] == 16
    assert not row["cumulative"]
    assert frame["cumulative"].sum() == len(frame) - 1
