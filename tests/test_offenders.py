"""Offenders: one row per figure a later one contradicts, checked against every pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kzfigures.analysis._sorting import UNBOUNDED
from kzfigures.analysis.index import annotate
from kzfigures.analysis.offenders import _later_below, offender_table
from kzfigures.frame import from_frame
from tests._generated import frames

_ROWS = st.lists(
    st.tuples(st.sampled_from(["killed", "injured"]), st.integers(0, 4), st.integers(0, 30), st.integers(0, 5)),
    min_size=1,
    max_size=12,
)


def _frame(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    """(metric, day, low, width) rows, exact when width is 0, else a range; speakers S0, S1, ..."""
    return from_frame(
        pd.DataFrame(
            {
                "id": [f"o{i:02d}" for i in range(len(rows))],
                "metric": [m for m, *_ in rows],
                "low": [lo for _, _, lo, _ in rows],
                "high": [lo + w for _, _, lo, w in rows],
                "qualifier": ["exact" if w == 0 else "range" for *_, w in rows],
                "stated": pd.array([lo if w == 0 else None for _, _, lo, w in rows], dtype="Int64"),
                "as_of": [f"2024-03-{20 + d}" for _, d, _, _ in rows],
                "authority": [f"S{i}" for i in range(len(rows))],
            }
        )
    )


@settings(deadline=None)
@given(_ROWS)
def test_offenders_are_the_figures_above_a_later_one_with_their_counts(rows) -> None:
    frame = _frame(rows)
    table = offender_table(frame, annotate(frame))
    expected = {}
    for i, (metric, day, low, _) in enumerate(rows):
        later = [(d, lo + w) for m, d, lo, w in rows if m == metric and d > day and lo + w < low]
        if later:
            expected[f"o{i:02d}"] = (
                len(later),
                min(h for _, h in later),
                max(h for _, h in later),
                min(d for d, _ in later),
                max(d for d, _ in later),
            )
    got = {
        row.id: (
            row.n_contradicted,
            row.contradicted_low,
            row.contradicted_high,
            row.first_contradicted_as_of.day - 20,
            row.last_contradicted_as_of.day - 20,
        )
        for row in table.itertuples()
    }
    assert got == expected


def test_one_outlier_is_one_offender_not_a_line_per_later_figure() -> None:
    # Crocus City Hall, March 2024: an unverified channel's 150 on Mar 23, then official figures
    # that rose from 137 to 144 over the following days (tests/test_real_timelines.py has sources).
    official = [137, 139, 140, 143, 144]
    frame = from_frame(
        pd.DataFrame(
            {
                "metric": "killed",
                "stated": [150, *official],
                "as_of": ["2024-03-23", *[f"2024-03-{24 + k}" for k in range(len(official))]],
                "outlet": ["Telegram channel"] + ["State agency"] * len(official),
            }
        )
    )
    table = offender_table(frame, annotate(frame))
    assert table["id"].tolist() == ["row-0"]
    row = table.iloc[0]
    assert (row["n_contradicted"], row["contradicted_low"], row["contradicted_high"]) == (5, 137, 144)
    assert row["speaker"] == "outlet: Telegram channel"


def test_a_plateau_below_an_earlier_peak_is_one_offender() -> None:
    values = [359, 253, 253, 253, 253, 253]
    frame = from_frame(
        pd.DataFrame({"metric": "killed", "stated": values, "as_of": [f"2019-04-{24 + d}" for d in range(6)]})
    )
    table = offender_table(frame, annotate(frame))
    assert table["id"].tolist() == ["row-0"]
    assert table["n_contradicted"].tolist() == [5]


def test_the_report_names_the_outlier_once_before_the_pairs() -> None:
    import kzfigures
    from kzfigures.present.report import violations_section

    frame = pd.DataFrame(
        {
            "metric": "killed",
            "stated": [60, 150, 137, 140, 144],
            "as_of": ["2024-03-22", "2024-03-23", "2024-03-24", "2024-03-25", "2024-03-26"],
            "outlet": ["Agency", "Telegram channel", "Agency", "Agency", "Agency"],
        }
    )
    report = kzfigures.violations(frame)
    assert len(report.frame) == 3  # one pair per later figure
    assert report.offenders["id"].tolist() == ["row-1"]  # one offender
    prepared = kzfigures.violations(kzfigures.prepare(frame)).offenders
    pd.testing.assert_frame_equal(prepared, report.offenders)
    text = " ".join(violations_section(frame).split())
    assert "One figure is above later figures of its series:" in text
    assert "killed: 150 (Telegram channel, Mar 23, 2024) is above 3 later figures, from 137 to 144" in text
    assert "outlet:" not in text  # no internal codes
    assert "row-1" not in text  # ids only when asked
    assert text.count("is above 3 later figures") == 1


def test_the_report_names_each_offenders_series() -> None:
    from kzfigures.present.report import violations_section

    frame = pd.DataFrame(
        {
            "metric": "killed",
            "group": ["all"] * 3 + ["children"] * 2,
            "stated": [290, 359, 253, 50, 40],
            "as_of": ["2019-04-22", "2019-04-24", "2019-04-25", "2019-04-22", "2019-04-23"],
        }
    )
    text = " ".join(violations_section(frame).split())
    assert "3 figures are above later figures of their series:" in text
    assert "killed (children): 50" in text
    assert "killed: 290" in text
    assert "killed: 359" in text


@settings(deadline=None)
@given(
    st.lists(st.integers(1, 70), min_size=1, max_size=5),  # rows per series
    st.data(),
)
def test_later_below_is_every_later_rows_comparison(sizes: list[int], data: st.DataObject) -> None:
    """The divide and conquer against the definition, pair by pair, on series up to 70 rows (7 levels)."""
    n = sum(sizes)
    s_series = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    s_start = np.sort(np.array(data.draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)), dtype=np.int64))
    s_start = s_start + 1000 * s_series  # each series' starts ascending
    highs = st.one_of(st.integers(0, 30), st.just(int(UNBOUNDED)))
    s_high = np.array(data.draw(st.lists(highs, min_size=n, max_size=n)), dtype=np.int64)
    series_end = np.cumsum(sizes)[s_series]
    asked = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 31)), max_size=40))
    queries = [(b, lo) for b, lo in asked if any(s_high[j] < lo for j in range(b, series_end[b]))]
    begin = np.array([b for b, _ in queries], dtype=np.intp)
    low = np.array([lo for _, lo in queries], dtype=np.int64)
    got = [a.tolist() for a in _later_below(s_series, s_start, s_high, begin, low)]
    expected: list[list[int]] = [[], [], [], [], []]
    for b, lo in queries:
        below = [j for j in range(b, series_end[b]) if s_high[j] < lo]
        for column, value in zip(
            expected,
            (len(below), s_start[below[0]], s_start[below[-1]], min(s_high[below]), max(s_high[below])),
            strict=True,
        ):
            column.append(int(value))
    assert got == expected


def test_later_below_of_a_long_series_is_its_suffix_extremes() -> None:
    """4,000 figures, each above every later one: 8 million pairs, twelve levels of halves."""
    rng = np.random.default_rng(3)
    n = 4000
    s_high = rng.integers(0, 1000, n).astype(np.int64)
    low = np.full(n - 1, 1000, dtype=np.int64)  # above every later high
    begin = np.arange(1, n, dtype=np.intp)
    count, first, last, lowest, highest = _later_below(
        np.zeros(n, dtype=np.int64), np.arange(n, dtype=np.int64), s_high, begin, low
    )
    assert count.tolist() == (n - begin).tolist()
    assert first.tolist() == begin.tolist()
    assert (last == n - 1).all()
    suffix_min = np.minimum.accumulate(s_high[::-1])[::-1]
    suffix_max = np.maximum.accumulate(s_high[::-1])[::-1]
    assert lowest.tolist() == suffix_min[begin].tolist()
    assert highest.tolist() == suffix_max[begin].tolist()


@settings(deadline=None)
@given(frames(max_size=30), st.data())
def test_the_table_is_in_key_as_of_and_id_order(frame: pd.DataFrame, data: st.DataObject) -> None:
    """Ordered by series numbers, starts and id ranks: the order sort_values gives, missing keys last."""
    n = len(frame)
    regions = data.draw(st.lists(st.sampled_from(["Almaty", "Aktobe", None]), min_size=n, max_size=n))
    weights = data.draw(st.lists(st.sampled_from([1.5, -0.0, 0.0, float("nan")]), min_size=n, max_size=n))
    frame = frame.assign(region=pd.Series(regions, dtype="string"), weight=pd.Series(weights, dtype="float64"))
    by = ["metric", "region", "weight"]
    table = offender_table(frame, annotate(frame, by))
    expected = table.sort_values([*by, "as_of", "id"], kind="stable", na_position="last").reset_index(drop=True)
    pd.testing.assert_frame_equal(table, expected)


def test_offenders_of_one_day_are_in_id_order() -> None:
    frame = from_frame(
        pd.DataFrame(
            {
                "id": ["b", "a", "c"],
                "metric": "killed",
                "stated": [100, 90, 50],
                "as_of": ["2024-03-22", "2024-03-22", "2024-03-24"],
                "authority": ["Police", "Ministry", "Police"],
            }
        )
    )
    assert offender_table(frame, annotate(frame))["id"].tolist() == ["a", "b"]


def test_offenders_are_in_key_order_before_time_order_with_a_missing_key_last() -> None:
    frame = from_frame(
        pd.DataFrame(
            {
                "id": ["k1", "k2", "d1", "d2", "r1", "r2"],
                "metric": ["killed", "killed", "detained", "detained", "detained", "detained"],
                "district": ["Medeu", "Medeu", "Medeu", "Medeu", None, None],
                "stated": [100, 50, 300, 200, 30, 20],
                "as_of": ["2024-03-22", "2024-03-24", "2024-03-23", "2024-03-25", "2024-03-21", "2024-03-26"],
                "authority": "Police",
            }
        )
    )
    by = ["metric", "district"]
    assert offender_table(frame, annotate(frame, by))["id"].tolist() == ["d1", "r1", "k1"]
