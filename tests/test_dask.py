"""kzfigures.dask: the analyses on Dask equal the pandas analyses, on the synchronous scheduler and a cluster."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import kzfigures as kz
import kzfigures.dask as kzd
from benchmarks.workloads import generate, users_frame
from kzfigures.datasets import kazakhstan_2022

BY = ["metric", "group", "region"]
# Columns that, after the key, order each result table's rows uniquely.
ORDER = ["known_at", *BY, "slot", "time", "kind", "id", "witness_id"]


def ordered(frame: pd.DataFrame, by: Sequence[str] = BY) -> pd.DataFrame:
    """A result in one order whatever the partitions: sorted by its key and its row-naming columns."""
    columns = [c for c in dict.fromkeys(["known_at", *by, *ORDER]) if c in frame.columns]
    return frame.sort_values(columns, kind="stable").reset_index(drop=True)


def same(got: pd.DataFrame, expected: pd.DataFrame, by: Sequence[str] = BY) -> None:
    pd.testing.assert_frame_equal(ordered(got, by), ordered(expected, by))


ARCHIVES = {
    "kazakhstan_2022": kazakhstan_2022,
    "generated": lambda: generate(300, 12, seed=1, planted_share=0.05).frame,
}


@pytest.fixture
def cluster_client() -> Iterator[Client]:
    # Threads in one process: a real scheduler and two workers, started in a fraction of a second.
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client


def check_all(frame: pd.DataFrame, npartitions: int, **compute: Any) -> None:
    lazy_frame = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    for at in (None, "each", "2022-01-09T12:00+06:00"):
        lazy = kzd.ranges(lazy_frame, at=at)
        got = lazy.compute(**compute)
        same(got, kz.ranges(frame, at=at))
        assert dict(got.dtypes) == dict(lazy.dtypes)
    report = kz.violations(frame)
    found = kzd.violations(lazy_frame)
    got_frame, got_split, got_offenders = dask.compute(found.frame, found.disagreements, found.offenders, **compute)
    same(got_frame, report.frame)
    same(got_split, report.disagreements)
    same(got_offenders, report.offenders)
    for options in ({}, {"method": "median", "freq": "D", "on_conflict": "drop-minority", "weights": "equal"}):
        estimate = kz.best_estimate(frame, **options)
        lazy_estimate = kzd.best_estimate(lazy_frame, **options)
        series, aside = dask.compute(lazy_estimate.series, lazy_estimate.set_aside, **compute)
        same(series, estimate.series)
        same(aside, estimate.set_aside)
    replayed = kz.replay(frame)
    lazy_replay = kzd.replay(lazy_frame)
    series, aside = dask.compute(lazy_replay.series, lazy_replay.set_aside, **compute)
    same(series, replayed.series)
    same(aside, replayed.set_aside)


@pytest.mark.parametrize("archive", sorted(ARCHIVES))
def test_equal_to_pandas_on_the_synchronous_scheduler(archive: str) -> None:
    check_all(ARCHIVES[archive](), 3, scheduler="sync")


def test_equal_to_pandas_on_a_local_cluster_of_two_workers(cluster_client: Client) -> None:
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    check_all(generate(300, 12, seed=3, planted_share=0.05).frame, 4)


def test_the_declared_dtypes_are_those_computed_for_an_empty_result() -> None:
    # A key that matches nothing: every partition's result is empty, and still of the declared dtypes.
    lazy = kzd.ranges(dd.from_pandas(kazakhstan_2022(), npartitions=2), key={"metric": "arrested"})
    got = lazy.compute(scheduler="sync")
    assert got.empty
    assert dict(got.dtypes) == dict(lazy.dtypes) == dict(kz.ranges(kazakhstan_2022()).dtypes)


def test_a_key_selects_exactly_the_rows_pandas_selects() -> None:
    frame = kazakhstan_2022()
    key = {"metric": "detained", "group": "all"}
    lazy = kzd.ranges(dd.from_pandas(frame, npartitions=3), key=key, at="each")
    same(lazy.compute(scheduler="sync"), kz.ranges(frame, key=key, at="each"))


def test_a_frame_without_ids_gets_the_ids_pandas_gives_it() -> None:
    raw = users_frame(generate(300, 8, seed=4).frame)
    got = kzd.from_dask(dd.from_pandas(raw, npartitions=4, sort=False)).compute(scheduler="sync")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), kz.from_frame(raw))
    same(
        kzd.best_estimate(dd.from_pandas(raw, npartitions=4, sort=False)).series.compute(scheduler="sync"),
        kz.best_estimate(raw).series,
    )


def test_a_validation_error_names_rows_by_their_global_position() -> None:
    raw = pd.DataFrame(
        {
            "metric": ["killed"] * 6,
            "stated": [1, 2, 3, -4, 5, "six"],
            "as_of": [f"2022-01-0{d}" for d in range(1, 7)],
        }
    )
    lazy = kzd.ranges(dd.from_pandas(raw, npartitions=3, sort=False))
    with pytest.raises(kz.FrameValidationError) as caught:
        lazy.compute(scheduler="sync")
    with pytest.raises(kz.FrameValidationError) as expected:
        kz.from_frame(raw)
    rows = set(caught.value.failure_cases["row"].tolist())
    assert rows
    assert rows <= set(expected.value.failure_cases["row"].tolist()) == {3, 5}


def test_a_bad_column_is_refused_before_anything_is_computed() -> None:
    raw = pd.DataFrame({"metric": ["killed"], "stated": [1], "as_of": ["2022-01-01"], "qualifer": ["exact"]})
    with pytest.raises(kz.FrameValidationError, match="qualifer"):
        kzd.ranges(dd.from_pandas(raw, npartitions=1))


def write_parts(folder: Path, frame: pd.DataFrame, parts: int) -> list[str]:
    size = -(-len(frame) // parts)
    paths = []
    for number in range(parts):
        path = folder / f"part-{number:02d}.csv"
        frame.iloc[number * size : (number + 1) * size].to_csv(path, index=False)
        paths.append(str(path))
    return paths


def test_read_csv_of_a_glob_equals_pandas_read_csv_of_the_rows_one_file_after_another(tmp_path: Path) -> None:
    raw = users_frame(generate(200, 6, seed=5).frame)
    raw.to_csv(tmp_path / "all.csv.txt", index=False)
    write_parts(tmp_path, raw, 3)
    lazy = kzd.read_csv(str(tmp_path / "part-*.csv"))
    assert lazy.npartitions == 3
    pd.testing.assert_frame_equal(
        lazy.compute(scheduler="sync").reset_index(drop=True), kz.read_csv(tmp_path / "all.csv.txt")
    )
    same(kzd.ranges(lazy, validate=False).compute(scheduler="sync"), kz.ranges(kz.read_csv(tmp_path / "all.csv.txt")))


def test_read_csv_names_the_file_of_a_bad_row(tmp_path: Path) -> None:
    raw = pd.DataFrame({"metric": ["killed"] * 4, "stated": ["1", "2", "x", "4"], "as_of": ["2022-01-01"] * 4})
    paths = write_parts(tmp_path, raw, 2)
    with pytest.raises(kz.FrameValidationError) as caught:
        kzd.read_csv(paths).compute(scheduler="sync")
    assert caught.value.failure_cases["row"].tolist() == [2]
    assert any("part-01.csv" in note for note in caught.value.__notes__)


def test_read_csv_refuses_files_of_different_headers_and_a_pattern_without_files(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("metric,as_of,stated\nkilled,2022-01-07,18\n")
    (tmp_path / "b.csv").write_text("metric,as_of,low\nkilled,2022-01-08,164\n")
    with pytest.raises(kz.InputFormatError, match="share one header"):
        kzd.read_csv(str(tmp_path / "*.csv"))
    with pytest.raises(FileNotFoundError):
        kzd.read_csv(str(tmp_path / "*.json"))
    (tmp_path / "c.csv").write_text("metric,as_of,stated,stated\nkilled,2022-01-08,164,165\n")
    with pytest.raises(kz.FrameValidationError, match="stated"):
        kzd.read_csv(tmp_path / "c.csv")


def shuffles(lazy: dd.DataFrame) -> int:
    return sum(type(e).__name__ in ("Shuffle", "RearrangeByColumn", "P2PShuffle") for e in lazy.expr.walk())


def test_one_shuffle_and_none_for_a_frame_already_partitioned_by_key() -> None:
    frame = dd.from_pandas(kazakhstan_2022(), npartitions=3)
    assert shuffles(kzd.ranges(frame)) == 1
    assert shuffles(kzd.ranges(frame, partitioned=True)) == 0
    by_metric = frame.shuffle(on=["metric"])  # every series of a metric in one partition
    assert shuffles(kzd.ranges(by_metric)) == 1  # the caller's own shuffle, not another
    same(kzd.ranges(by_metric).compute(scheduler="sync"), kz.ranges(kazakhstan_2022()))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda f: kzd.ranges(kazakhstan_2022()), kz.InvalidArgumentError),
        (lambda f: kzd.ranges(f, at="yesterday"), kz.InvalidArgumentError),
        (lambda f: kzd.ranges(f, by="low"), kz.UnknownColumnError),
        (lambda f: kzd.ranges(f, validate="yes"), kz.InvalidArgumentError),
        (lambda f: kzd.ranges(f, partitioned="yes"), kz.InvalidArgumentError),
        (lambda f: kzd.ranges(f, key="metric=killed"), kz.InvalidArgumentError),
        (lambda f: kzd.ranges(f, key={"event": "x"}), kz.UnknownColumnError),
        (lambda f: kzd.best_estimate(f, method="mean"), kz.InvalidArgumentError),
        (lambda f: kzd.best_estimate(f, freq="fortnightly"), kz.InvalidArgumentError),
        (lambda f: kzd.replay(f, on_conflict="ignore"), kz.InvalidArgumentError),
        (lambda f: kzd.replay(f, by=["cumulative"]), kz.InvalidArgumentError),
        (lambda f: kzd.from_dask(f, tz="Mars/Olympus"), kz.InvalidArgumentError),
        (lambda f: kzd.read_csv(42), kz.InvalidArgumentError),
        (lambda f: kzd.ranges(f.drop(columns=["low"]), validate=False), kz.FrameValidationError),
    ],
)
def test_bad_arguments_are_refused_when_the_call_is_made(call: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        call(dd.from_pandas(kazakhstan_2022(), npartitions=2))


def test_times_are_stored_in_the_declared_zone() -> None:
    csv = "metric,as_of,stated\nkilled,2022-01-07T00:00+06:00,18\nkilled,2022-01-08T00:00+06:00,26\n"
    raw = pd.read_csv(io.StringIO(csv), dtype=str)
    lazy = kzd.from_dask(dd.from_pandas(raw, npartitions=2), tz="UTC+06:00")
    got = lazy.compute(scheduler="sync")
    assert str(got["as_of"].dtype) == str(lazy["as_of"].dtype) == str(kz.from_frame(raw)["as_of"].dtype)
