"""violations(): hand-derived expectations from the articles and an O(n^2) brute-force reference.

Detained, all (see docs/datasheet.md): more than 3,000 [3001, inf) on Jan 7; 4,404 and "thousands"
[2000, 9999] on Jan 8; almost 6,000 [5400, 5999] (Presidential Office) and 6,044 (Police) on Jan 9;
about 8,000 [7200, 8800] and 7,939 on Jan 10. No earlier low exceeds a later high (3001 <= 4404,
6044 <= 7939), so no definite violation; on Jan 9, the Police's 6,044 lies above the Presidential
Office's [5400, 5999]: two speakers, one day, disjoint intervals: a disagreement (not a violation) with
drop 6044 - 5999 = 45; on Jan 10, 7,939 lies inside [7200, 8800]: nothing.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis.violations import ViolationReport, violations
from kzfigures.datasets import kazakhstan_2022
from kzfigures.errors import InvalidArgumentError, TimezoneError, UnknownColumnError, UnknownKeyError
from kzfigures.frame import from_frame
from tests._generated import echo, frames
from tests._profiles import examples
from tests.brute_force import consistent, violation_rows

KEY = ["metric", "group", "region"]


@pytest.fixture(scope="module")
def dataset() -> pd.DataFrame:
    return kazakhstan_2022()


def test_detained_series_has_one_disagreement_and_no_violation(dataset: pd.DataFrame) -> None:
    report = violations(dataset, key={"metric": "detained", "group": "all"})
    assert len(report.frame) == 0
    assert report.disagreements["kind"].tolist() == ["disagreement"]
    row = report.disagreements.iloc[0]
    assert (row["id"], row["witness_id"]) == ("kz22-004-05", "kz22-004-08")
    assert (row["speaker"], row["witness_speaker"], row["relation"]) == (
        "Presidential Office",
        "Police",
        "disagreement",
    )
    assert row["drop"] == 6044 - 5999
    assert row["time_gap"] == pd.Timedelta(0)
    assert row["n_conflicting_earlier"] == 1
    assert "1 disagreement;" in repr(report)


def test_the_whole_dataset(dataset: pd.DataFrame) -> None:
    report = violations(dataset)
    assert isinstance(report, ViolationReport)
    # "large number" [2, inf) of Jan 10 states no number: no soft fall below the 164 dead of Jan 9.
    assert len(report.frame) == 0
    assert report.disagreements[["id", "witness_id"]].values.tolist() == [["kz22-004-05", "kz22-004-08"]]
    assert report.skipped_keys == (("killed", "security_forces", "all"),)
    assert report.skipped_ids == ("kz22-004-07",)
    assert len(report.checked_keys) == 11
    assert report.mixed_keys == ()


def test_the_tables_have_the_same_columns_and_dtypes(dataset: pd.DataFrame) -> None:
    report = violations(dataset)
    pd.testing.assert_series_equal(report.frame.dtypes, report.disagreements.dtypes)
    empty = violations(dataset, key={"metric": "killed", "group": "security_forces"})
    pd.testing.assert_series_equal(empty.disagreements.dtypes, report.disagreements.dtypes)
    assert len(empty.disagreements) == len(empty.frame) == 0


def _detained(rows: list[tuple[str, str, str | None, int, int | None, int | None, str]]) -> pd.DataFrame:
    ids, as_of, authority, low, high, stated, qualifier = zip(*rows, strict=True)
    return from_frame(
        pd.DataFrame(
            {
                "id": ids,
                "metric": "detained",
                "as_of": as_of,
                "authority": authority,
                "low": pd.array(low, dtype="Int64"),
                "high": pd.array(high, dtype="Int64"),
                "stated": pd.array(stated, dtype="Int64"),
                "qualifier": qualifier,
            }
        )
    )


def test_about_8000_then_7939_a_day_later_is_a_soft_fall() -> None:
    frame = _detained(
        [
            ("a", "2022-01-09T00:00+06:00", "Kazakh authorities", 7200, 8800, 8000, "about"),
            ("b", "2022-01-10T00:00+06:00", "Interior Ministry", 7939, 7939, 7939, "exact"),
        ]
    )
    [row] = violations(frame).frame.to_dict(orient="records")
    assert (row["kind"], row["id"], row["witness_id"], row["relation"]) == ("soft", "b", "a", "disagreement")
    assert (row["drop"], row["time_gap"]) == (8000 - 7939, pd.Timedelta(days=1))


def test_same_day_about_8000_and_7939_is_nothing() -> None:
    frame = _detained(
        [
            ("a", "2022-01-10T00:00+06:00", "Kazakh authorities", 7200, 8800, 8000, "about"),
            ("b", "2022-01-10T00:00+06:00", "Interior Ministry", 7939, 7939, 7939, "exact"),
        ]
    )
    report = violations(frame)
    assert len(report.frame) == len(report.disagreements) == 0


def _rising(authorities: list[str]) -> pd.DataFrame:
    rows = [
        (f"r{k}", "2024-03-23T00:00+03:00", a, v, v, v, "exact")
        for k, (a, v) in enumerate(zip(authorities, [60, 93, 115, 133], strict=True))
    ]
    return _detained(rows)


def test_one_speakers_updates_within_a_day_are_a_rising_count() -> None:
    report = violations(_rising(["Investigative Committee"] * 4))
    assert len(report.frame) == len(report.disagreements) == 0


def test_four_outlets_one_day_are_three_disagreements_and_no_violation() -> None:
    report = violations(_rising(["A", "B", "C", "D"]))
    assert len(report.frame) == 0
    rows = report.disagreements[["id", "witness_id", "drop", "n_conflicting_earlier"]].values.tolist()
    assert rows == [["r0", "r3", 73, 3], ["r1", "r3", 40, 2], ["r2", "r3", 18, 1]]


def test_hours_inside_one_day_are_ordered_among_themselves() -> None:
    """One component (the day holds both hours), yet 09:00 is strictly before 15:00: a definite fall."""
    frame = _detained(
        [
            ("a", "2022-01-10T00:00+06:00", "Police", 100, 100, 100, "exact"),
            ("b", "2022-01-10T09:00+06:00", "Police", 120, 120, 120, "exact"),
            ("c", "2022-01-10T15:00+06:00", "Police", 110, 110, 110, "exact"),
        ]
    )
    frame["as_of_precision"] = ["day", "hour", "hour"]
    report = violations(from_frame(frame))
    assert report.frame[["kind", "id", "witness_id", "drop", "slot", "witness_slot"]].values.tolist() == [
        ["definite", "c", "b", 10, 0, 0]
    ]
    assert len(report.disagreements) == 0  # one speaker: updates, and the day overlaps both hours


def test_a_vague_figure_makes_no_soft_fall() -> None:
    frame = _detained(
        [
            ("a", "2022-01-09T00:00+06:00", "Police", 164, 164, 164, "exact"),
            ("b", "2022-01-10T00:00+06:00", None, 2, None, None, "vague"),
        ]
    )
    assert len(violations(frame).frame) == 0


def test_a_downward_revision_by_one_authority_is_definite() -> None:
    frame = _detained(
        [
            ("a", "2022-01-08T00:00+06:00", "Police", 4404, 4404, 4404, "exact"),
            ("b", "2022-01-09T00:00+06:00", "Police", 6044, 6044, 6044, "exact"),
            ("c", "2022-01-10T09:00+06:00", "Police", 5000, 5000, 5000, "exact"),
        ]
    )
    [row] = violations(frame).frame.to_dict(orient="records")
    assert (row["kind"], row["id"], row["witness_id"], row["relation"]) == ("definite", "c", "b", "revision")
    assert (row["drop"], row["n_conflicting_earlier"]) == (1044, 1)
    assert row["time_gap"] == pd.Timedelta(hours=33)


def test_a_prepared_frame_checks_its_series_of_two_rows_and_lists_those_of_one() -> None:
    # A prepared frame's check leaves out series of one row (nothing to compare), and only those.
    from kzfigures import prepare

    frame = _detained(
        [
            ("a", "2022-01-08T00:00+06:00", "Police", 4404, 4404, 4404, "exact"),
            ("b", "2022-01-09T00:00+06:00", "Police", 6044, 6044, 6044, "exact"),
            ("c", "2022-01-10T09:00+06:00", "Police", 5000, 5000, 5000, "exact"),
        ]
    )
    frame["region"] = pd.array(["Almaty", "all", "all"], dtype=frame["region"].dtype)
    report = violations(prepare(frame))
    [row] = report.frame.to_dict(orient="records")
    assert (row["kind"], row["id"], row["witness_id"], row["region"]) == ("definite", "c", "b", "all")
    assert report.checked_keys == (("detained", "all", "Almaty"), ("detained", "all", "all"))
    pd.testing.assert_frame_equal(report.frame, violations(frame).frame)


def test_a_mixed_key_checks_only_its_cumulative_rows() -> None:
    frame = _detained(
        [
            ("a", "2022-01-08T00:00+06:00", "Police", 4404, 4404, 4404, "exact"),
            ("b", "2022-01-09T00:00+06:00", "Police", 16, 16, 16, "exact"),
        ]
    )
    frame["cumulative"] = [True, False]
    report = violations(frame)
    assert len(report.frame) == 0
    assert report.checked_keys == report.mixed_keys == (("detained", "all", "all"),)
    assert report.skipped_ids == ("b",)


BAD: list[tuple[dict[str, Any], type[Exception]]] = [
    ({"by": ("metric", "colour")}, UnknownColumnError),
    ({"by": "colour"}, UnknownColumnError),
    ({"by": ("metric", "metric")}, InvalidArgumentError),
    ({"key": {"metric": "arrested"}}, UnknownKeyError),
    ({"key": {"colour": "red"}}, UnknownColumnError),
    ({"key": ["metric"]}, InvalidArgumentError),
]


@pytest.mark.parametrize(("options", "error"), BAD)
def test_bad_arguments_raise(dataset: pd.DataFrame, options: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        violations(dataset, **options)


def test_mixed_naive_and_aware_times_raise() -> None:
    raw = pd.DataFrame(
        {"metric": ["detained"] * 2, "as_of": ["2022-01-07T00:00+06:00", "2022-01-08"], "stated": [1, 2]}
    )
    with pytest.raises(TimezoneError):
        violations(raw)


# --- brute-force reference -------------------------------------------------------


def reference(frame: pd.DataFrame) -> set[tuple[Any, ...]]:
    return violation_rows(frame)


def as_set(report: ViolationReport) -> set[tuple[Any, ...]]:
    f = pd.concat([report.frame, report.disagreements])
    return {
        (
            r.kind,
            r.id,
            r.witness_id,
            r.relation,
            int(r.drop),
            int(r.time_gap.value),
            int(r.n_conflicting_earlier),
            int(r.slot),
            int(r.witness_slot),
        )
        for r in f.itertuples()
    }


@settings(deadline=None)
@given(frames())
def test_agrees_with_the_brute_force_reference(frame: pd.DataFrame) -> None:
    assert as_set(violations(frame)) == reference(frame)


@settings(deadline=None)
@given(frames(max_size=40))
def test_agrees_with_the_reference_on_longer_series(frame: pd.DataFrame) -> None:
    assert as_set(violations(frame)) == reference(frame)


@settings(deadline=None, max_examples=examples(30))
@given(frames(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(frame: pd.DataFrame, random: Any) -> None:
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    before, after = violations(frame), violations(shuffled)
    pd.testing.assert_frame_equal(after.frame, before.frame)
    pd.testing.assert_frame_equal(after.disagreements, before.disagreements)


@settings(deadline=None, max_examples=examples(30))
@given(frames(), st.data())
def test_echoing_a_claim_does_not_change_the_kinds(frame: pd.DataFrame, data: st.DataObject) -> None:
    attributed = np.flatnonzero(frame["authority"].notna().to_numpy())
    if len(attributed) == 0:
        return
    position = int(data.draw(st.sampled_from(list(attributed))))
    before = violations(frame).frame
    after = violations(echo(frame, position, "Khabar 24")).frame
    assert set(after["kind"]) == set(before["kind"])
    assert set(before["id"]) <= set(after["id"])


@settings(deadline=None, max_examples=examples(30))
@given(frames())
def test_the_order_is_the_same_where_sort_keys_cannot_be_packed(frame: pd.DataFrame) -> None:
    """Past ``3 n^2`` rows the result is ordered by a chain of sorts, not one packed key: the same order."""
    packed = violations(frame).frame
    n = int(frame["cumulative"].sum())
    with pytest.MonkeyPatch.context() as patch:
        # the packing just does not fit
        patch.setattr(sys.modules["kzfigures.analysis.violations"], "PACK_LIMIT", 3 * n * n)
        chained = violations(frame).frame
    pd.testing.assert_frame_equal(chained, packed)


@st.composite
def one_series(draw: st.DrawFn, *, max_size: int = 6) -> pd.DataFrame:
    """Up to ``max_size`` cumulative figures of one series over two days, days and hours mixed:
    hour figures inside a day figure share its slot yet are ordered among themselves."""
    n = draw(st.integers(1, max_size))
    records = []
    for k in range(n):
        day, hour = draw(st.integers(7, 8)), draw(st.one_of(st.none(), st.integers(0, 23)))
        low, width = draw(st.integers(0, 12)), draw(st.one_of(st.none(), st.integers(0, 6)))
        records.append(
            {
                "id": f"obs-{k}",
                "metric": "killed",
                "as_of": f"2022-01-{day:02d}T{hour or 0:02d}:00+06:00",
                "as_of_precision": "day" if hour is None else "hour",
                "low": low,
                "high": None if width is None else low + width,
                "authority": draw(st.sampled_from(["Police", "Interior Ministry"])),
            }
        )
    raw = pd.DataFrame(records)
    raw["low"], raw["high"] = raw["low"].astype("Int64"), raw["high"].astype("Int64")
    return from_frame(raw)


@settings(deadline=None, max_examples=examples(300))
@given(st.one_of(frames(max_size=6), one_series()))
def test_no_definite_violation_iff_consistent(frame: pd.DataFrame) -> None:
    """The consistency theorem, against a search over the linear extensions of the order."""
    found = violations(frame).frame
    assert (not (found["kind"] == "definite").any()) == consistent(frame)


def test_key_lists_are_groupbys_keys_with_one_string_per_distinct_text() -> None:
    """The key lists of a prepared frame are the keys groupby gives (missing as None), and equal
    texts in them are one Python object (Arrow text would give one per cell: with a series per
    row, those filled most of violations' memory)."""
    from kzfigures import prepare

    frame = from_frame(
        pd.DataFrame(
            {
                "metric": ["killed", "killed", "killed", "detained", "detained", "detained", "detained"],
                "region": ["north", "south", "east", "north", "south", "east", "north"],
                "stated": [5, 6, 7, 8, 9, 10, 11],
                "as_of": "2022-01-07",
                "cumulative": [True, True, True, True, False, True, False],  # skipped and mixed keys
            }
        )
    )
    frame.loc[frame["region"] == "east", "region"] = None  # missing: only an unvalidated frame has it
    report = violations(prepare(frame, validate=False))
    groups = frame.groupby(["metric", "group", "region"], sort=True, dropna=False)["cumulative"]
    keys = [tuple(None if pd.isna(c) else c for c in key) for key in groups.any().index]
    some, every = groups.any().tolist(), groups.all().tolist()
    assert list(report.checked_keys) == [k for k, s in zip(keys, some, strict=True) if s]
    assert list(report.skipped_keys) == [k for k, s in zip(keys, some, strict=True) if not s] != []
    assert list(report.mixed_keys) == [k for k, s, e in zip(keys, some, every, strict=True) if s and not e] != []
    cells = [key[2] for key in report.checked_keys if key[2] is not None]
    assert len({id(c) for c in cells}) == len(set(cells)) == 2


def test_key_tuples_are_built_on_first_use_and_compare_as_given_ones() -> None:
    """``violations`` leaves the key tuples to first use; a report built with the same keys given
    (as the constructor always allowed) is equal to it, hashes alike, and keys given win."""
    frame = kazakhstan_2022()
    report = violations(frame)
    assert "keys" not in report._computed  # nothing built yet
    groups = frame.groupby(["metric", "group", "region"], sort=True)["cumulative"]
    some, every = groups.any(), groups.all()
    keys = list(some.index)
    checked = tuple(k for k, s in zip(keys, some, strict=True) if s)
    skipped = tuple(k for k, s in zip(keys, some, strict=True) if not s)
    mixed = tuple(k for k, s, e in zip(keys, some, every, strict=True) if s and not e)
    given = ViolationReport(report.frame, report.by, checked, skipped, mixed, report.skipped_ids)
    assert report == given
    assert hash(report) == hash(given)
    assert (report.checked_keys, report.skipped_keys, report.mixed_keys) == (checked, skipped, mixed)
    assert report.checked_keys is report.checked_keys  # built once, then kept
    assert report != ViolationReport(report.frame, report.by, checked[1:], skipped, mixed, report.skipped_ids)
    assert ViolationReport(report.frame, report.by, [("x",)], [], key_inputs=report._key_inputs).checked_keys == (
        ("x",),
    )
    assert ViolationReport(report.frame, report.by).checked_keys == ()
    # by and skipped_ids count too; a pickled report reads the same keys, built or not.
    assert report != ViolationReport(report.frame, report.by, checked, skipped, mixed, report.skipped_ids[1:])
    assert report != ViolationReport(report.frame, report.by[:2], checked, skipped, mixed, report.skipped_ids)
    fresh = violations(frame)
    for copy in (pickle.loads(pickle.dumps(fresh)), pickle.loads(pickle.dumps(report))):
        assert copy == given
        assert copy.checked_keys == checked
