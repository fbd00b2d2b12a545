"""ranges(): hand-derived expectations from the articles, a brute-force reference and invariances.

Hand values come from the five articles as recorded in the bundled dataset (see docs/datasheet.md):
detained, all: more than 3,000 (Interior Ministry, Jan 7, twice), thousands (CNN paraphrase, CNN,
hamslivenews), 4,404 (Asian Lite News, Jan 8), almost 6,000 [5400, 5999] (Presidential Office) and
6,044 (Police) on Jan 9, about 8,000 [7200, 8800] (Kazakh authorities, twice) and 7,939 (Interior
Ministry) on Jan 10.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis.index import first_rows as _first_rows
from kzfigures.analysis.index import period_bounds, speakers, time_slots
from kzfigures.analysis.ranges import Range, _distinct_per_group, range_records, ranges
from kzfigures.analysis.tables import RANGE_COLUMNS
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import InvalidArgumentError, TimezoneError, UnknownColumnError, UnknownKeyError
from kzfigures.model import Figure
from tests._generated import echo, frames
from tests._profiles import examples

DETAINED = {"metric": "detained", "group": "all"}
KEY = ["metric", "group", "region"]


@pytest.fixture(scope="module")
def dataset() -> pd.DataFrame:
    return kazakhstan_2022()


def test_detained_over_the_whole_record(dataset: pd.DataFrame) -> None:
    [row] = ranges(dataset, key=DETAINED).to_dict(orient="records")
    assert (row["min_stated"], row["max_stated"]) == (3000, 8000)
    assert row["hull_low"] == 2000  # "thousands"
    assert pd.isna(row["hull_high"])  # "more than 3,000" is unbounded
    assert row["hull_low_ids"] == ("kz22-000-05", "kz22-001-04", "kz22-004-06")
    assert row["hull_high_ids"] == ("kz22-000-10", "kz22-001-11")
    assert (row["consensus_low"], row["consensus_high"]) == (7939, 4404)
    assert bool(row["consensus_empty"]) is True
    assert row["consensus_low_ids"] == ("kz22-003-03",)
    assert row["consensus_high_ids"] == ("kz22-002-05",)
    # 11 reports; the two "more than 3,000" and the two "about 8,000" are one claim each.
    assert (row["n_observations"], row["n_claims"]) == (11, 9)
    # Interior Ministry, Kazakh authorities, Presidential Office, Police, CNN, Asian Lite News,
    # hamslivenews.com, and the CNN paraphrase that names no outlet (its own speaker).
    assert row["n_speakers"] == 8


def test_the_interior_ministrys_eighteen_dead_are_one_claim(dataset: pd.DataFrame) -> None:
    [row] = ranges(dataset, key={"metric": "killed", "group": "law_enforcement"}).to_dict(orient="records")
    echoes = ((dataset["metric"] == "killed") & (dataset["group"] == "law_enforcement")).sum()
    assert (row["n_observations"], row["n_claims"], row["n_speakers"]) == (echoes, 1, 1)
    assert (row["hull_low"], row["hull_high"], row["consensus_low"], row["consensus_high"]) == (18, 18, 18, 18)


def test_each_slot_of_the_detained_series(dataset: pd.DataFrame) -> None:
    slots = ranges(dataset, at="each", key=DETAINED)
    assert [t.day for t in slots["slot_start"]] == [7, 8, 9, 10]
    assert slots["consensus_empty"].tolist() == [False, False, True, False]
    jan9 = slots.iloc[2]
    assert (jan9["consensus_low"], jan9["consensus_high"]) == (6044, 5999)
    assert (jan9["consensus_low_ids"], jan9["consensus_high_ids"]) == (("kz22-004-08",), ("kz22-004-05",))
    jan10 = slots.iloc[3]  # 7,939 lies inside "about 8,000": they agree
    assert (jan10["consensus_low"], jan10["consensus_high"], jan10["n_claims"]) == (7939, 7939, 2)
    assert slots["n_observations"].tolist() == [2, 3, 3, 3]


def test_current_claims_at_a_time(dataset: pd.DataFrame) -> None:
    noon = ranges(dataset, at=pd.Timestamp("2022-01-09T12:00", tz="UTC+06:00"), key=DETAINED).iloc[0]
    # Current: Interior Ministry's Jan 7 figure (twice), Asian Lite's 4,404, three "thousands",
    # the Presidential Office and the Police. The Jan 10 figures are not yet known.
    assert (noon["n_observations"], noon["n_speakers"]) == (8, 7)
    assert (noon["hull_low"], noon["consensus_low"], noon["consensus_high"]) == (2000, 6044, 4404)
    first = ranges(dataset, at="2022-01-07T23:00+06:00", key=DETAINED).iloc[0]
    assert (first["hull_low"], first["n_observations"], first["n_claims"]) == (3001, 2, 1)
    assert pd.isna(first["hull_high"])
    assert pd.isna(first["consensus_high"])
    assert not first["consensus_empty"]
    later = ranges(dataset, at=dt.datetime(2022, 1, 11, tzinfo=dt.UTC), key=DETAINED).iloc[0]
    # Interior Ministry's current claim is now 7,939, replacing the unbounded "more than 3,000",
    # so the hull is bounded by the three "thousands" still current.
    assert later["hull_high"] == 9999
    assert later["hull_high_ids"] == ("kz22-000-05", "kz22-001-04", "kz22-004-06")
    assert len(ranges(dataset, at="2022-01-01T00:00+06:00")) == 0


def test_every_interval_and_point_lies_in_its_hull(dataset: pd.DataFrame) -> None:
    merged = dataset.merge(ranges(dataset), on=KEY)
    assert (merged["low"] >= merged["hull_low"]).all()
    bounded = merged["hull_high"].notna()
    assert (merged.loc[bounded, "high"] <= merged.loc[bounded, "hull_high"]).all()
    stated = merged["stated"].notna()
    assert (merged.loc[stated, "stated"] >= merged.loc[stated, "min_stated"]).all()
    assert (merged.loc[stated, "stated"] <= merged.loc[stated, "max_stated"]).all()


def test_records_match_the_frame(dataset: pd.DataFrame) -> None:
    table = ranges(dataset, at="each")
    records = range_records(table)
    assert len(records) == len(table)
    assert all(isinstance(r, Range) for r in records)
    first = records[0]
    assert first.by == tuple(KEY)
    assert first.key == tuple(table.loc[0, KEY])
    assert first.slot == 0
    assert first.slot_start == table.loc[0, "slot_start"]
    assert [r.hull_high for r in records] == [None if v is pd.NA else v for v in table["hull_high"]]


def test_empty_input_has_the_documented_columns() -> None:
    table = ranges([])
    assert list(table.columns) == [*KEY, *RANGE_COLUMNS]
    assert {c: str(t) for c, t in table.dtypes.items() if c in RANGE_COLUMNS} == dict(RANGE_COLUMNS)


BAD: list[tuple[dict[str, Any], type[Exception]]] = [
    ({"by": ("metric", "colour")}, UnknownColumnError),
    ({"by": "colour"}, UnknownColumnError),
    ({"by": ()}, InvalidArgumentError),
    ({"key": {"metric": "arrested"}}, UnknownKeyError),
    ({"key": {"metric": "detained", "group": "journalists"}}, UnknownKeyError),
    ({"key": {"colour": "red"}}, UnknownColumnError),
    ({"key": "detained"}, InvalidArgumentError),
    ({"at": pd.Timestamp("2022-01-09")}, TimezoneError),
    ({"at": dt.datetime(2022, 1, 9)}, TimezoneError),
    ({"at": "2022-01-09"}, TimezoneError),
    ({"at": "yesterday"}, InvalidArgumentError),
    ({"at": "all"}, InvalidArgumentError),
    ({"at": 5}, InvalidArgumentError),
    ({"at": np.datetime64("2022-01-09")}, InvalidArgumentError),
]


@pytest.mark.parametrize(("options", "error"), BAD)
def test_bad_arguments_raise(dataset: pd.DataFrame, options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        ranges(dataset, **options)


def test_mixed_naive_and_aware_times_raise() -> None:
    raw = pd.DataFrame(
        {"metric": ["detained"] * 2, "as_of": ["2022-01-07T00:00+06:00", "2022-01-08"], "stated": [1, 2]}
    )
    with pytest.raises(TimezoneError):
        ranges(raw)


# --- brute-force reference -------------------------------------------------------


def reference(
    frame: pd.DataFrame, at: pd.Timestamp | None = None, each: bool = False
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Per key (per key and slot with ``each``), the statistics computed row by row in plain Python."""
    start, _ = period_bounds(frame)
    slots = time_slots(frame, KEY)
    who = speakers(frame).tolist()
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    for record, s, speaker, t in zip(records, slots, who, start, strict=True):
        record.update(slot=int(s), speaker=speaker, start=int(t))
    if at is not None:
        cut = at.value
        known = [r for r in records if r["start"] <= cut]
        latest: dict[Any, int] = {}
        for r in known:
            k = (r["metric"], r["group"], r["region"], r["speaker"])
            latest[k] = max(latest.get(k, -1), r["slot"])
        records = [r for r in known if r["slot"] == latest[(r["metric"], r["group"], r["region"], r["speaker"])]]

    def key_of(r: dict[str, Any]) -> tuple[Any, ...]:
        return (r["metric"], r["group"], r["region"], *((r["slot"],) if each else ()))

    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for k in sorted({key_of(r) for r in records}):
        group = [r for r in records if key_of(r) == k]
        lows = [r["low"] for r in group]
        highs = [r["high"] for r in group]
        bounded = [h for h in highs if h is not None]
        stated = [r["stated"] for r in group if r["stated"] is not None]
        hull_high = None if None in highs else max(highs)
        out[k] = {
            "min_stated": min(stated) if stated else None,
            "max_stated": max(stated) if stated else None,
            "hull_low": min(lows),
            "hull_high": hull_high,
            "consensus_low": max(lows),
            "consensus_high": min(bounded) if bounded else None,
            "n_observations": len(group),
            "n_claims": len({(r["slot"], r["speaker"], r["low"], r["high"]) for r in group}),
            "n_speakers": len({r["speaker"] for r in group}),
            "hull_low_ids": tuple(sorted(r["id"] for r in group if r["low"] == min(lows))),
            "hull_high_ids": tuple(sorted(r["id"] for r in group if r["high"] == hull_high)),
            "consensus_low_ids": tuple(sorted(r["id"] for r in group if r["low"] == max(lows))),
            "consensus_high_ids": tuple(sorted(r["id"] for r in group if bounded and r["high"] == min(bounded))),
        }
        out[k]["consensus_empty"] = out[k]["consensus_high"] is not None and max(lows) > out[k]["consensus_high"]
    return out


def as_dicts(table: pd.DataFrame) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {
        (*r.key, *(() if r.slot is None else (r.slot,))): {name: getattr(r, name) for name in RANGE_COLUMNS}
        for r in range_records(table)
    }


@settings(deadline=None, max_examples=examples(30))
@given(frames(), st.sampled_from([None, "2022-01-08T00:00+06:00", "2022-01-09T13:00+06:00"]))
def test_agrees_with_the_brute_force_reference(frame: pd.DataFrame, at: str | None) -> None:
    moment = None if at is None else pd.Timestamp(at)
    assert as_dicts(ranges(frame, at=at)) == reference(frame, moment)


@settings(deadline=None, max_examples=examples(30))
@given(frames())
def test_each_slot_agrees_with_the_brute_force_reference(frame: pd.DataFrame) -> None:
    assert as_dicts(ranges(frame, at="each")) == reference(frame, each=True)


@settings(deadline=None, max_examples=examples(30))
@given(frames(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(frame: pd.DataFrame, random: Any) -> None:
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    for at in (None, "each"):
        pd.testing.assert_frame_equal(ranges(shuffled, at=at), ranges(frame, at=at))


@settings(deadline=None, max_examples=examples(30))
@given(frames(), st.data())
def test_echoing_a_claim_changes_only_the_observation_count(frame: pd.DataFrame, data: st.DataObject) -> None:
    attributed = np.flatnonzero(frame["authority"].notna().to_numpy())
    if len(attributed) == 0:
        return
    position = int(data.draw(st.sampled_from(list(attributed))))
    before = ranges(frame).set_index(KEY)
    after = ranges(echo(frame, position, "Khabar 24")).set_index(KEY)
    key = tuple(frame.loc[position, KEY])
    assert after.loc[key, "n_observations"] == before.loc[key, "n_observations"] + 1
    for column in ("n_claims", "n_speakers", "hull_low", "consensus_low", "consensus_empty"):
        assert after[column].equals(before[column])


def test_figure_point_is_inside_every_hull(dataset: pd.DataFrame) -> None:
    merged = dataset.merge(ranges(dataset), on=KEY)
    points = [
        Figure(
            int(r.low),
            None if r.high is pd.NA else int(r.high),
            None if r.stated is pd.NA else int(r.stated),
            r.qualifier,
        ).point
        for r in merged.itertuples()
    ]
    assert (np.asarray(points) >= merged["hull_low"].to_numpy()).all()


@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5) | st.integers(0, 10**6)), min_size=1, max_size=40),
    st.booleans(),
)
def test_distinct_values_and_first_rows_per_group_are_pandas_own(rows: list[tuple[int, int]], nested: bool) -> None:
    # Three ways to count: values nested in groups, few possible pairs (a flag table), or hashing.
    group = np.array([g for g, _ in rows], dtype=np.int64)
    value = np.array([v * 7 + g if nested else v for g, v in rows], dtype=np.int64)
    grouped = pd.Series(value).groupby(group)
    present = np.unique(group)
    assert _distinct_per_group(group, value)[present].tolist() == grouped.nunique().tolist()
    absent = np.setdiff1d(np.arange(group.max() + 1), present)
    assert not _distinct_per_group(group, value)[absent].any()
    assert _first_rows(group)[present].tolist() == [int(np.flatnonzero(group == g)[0]) for g in present]
