"""Issue 18: every bad input is refused by name, and every number read is exact.

Expected values are computed here, independently of the code under test
(zoneinfo for clock changes, Python integers for counts, str.index for offsets).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

import kzfigures
from kzfigures import errors

BERLIN = ZoneInfo("Europe/Berlin")


def csv(text: str, **options: object) -> pd.DataFrame:
    return kzfigures.read_csv(io.StringIO(text), **options)  # type: ignore[arg-type]


def refused(make: object) -> pd.DataFrame:
    """The failure cases of the FrameValidationError that ``make()`` raises."""
    with pytest.raises(errors.FrameValidationError) as raised:
        make()  # type: ignore[operator]
    return raised.value.failure_cases


def cases_of(cases: pd.DataFrame) -> set[tuple[int | None, str, str]]:
    return {
        (None if pd.isna(row) else int(row), str(column), str(code))
        for row, column, code in cases[["row", "column", "code"]].itertuples(index=False)
    }


# --- 1. clock changes ----------------------------------------------------------


def _exists(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """A wall time exists when it survives the round trip through UTC (PEP 495)."""
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall


def _repeated(wall: dt.datetime, zone: ZoneInfo) -> bool:
    return wall.replace(tzinfo=zone, fold=0).utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset()


def test_the_clock_change_examples_are_what_the_test_says() -> None:
    assert not _exists(dt.datetime(2022, 3, 27, 2, 30), BERLIN)
    assert _repeated(dt.datetime(2022, 10, 30, 2, 30), BERLIN)
    assert _exists(dt.datetime(2022, 3, 27, 3, 30), BERLIN)
    assert not _repeated(dt.datetime(2022, 3, 27, 3, 30), BERLIN)


def test_a_time_in_a_clock_gap_or_overlap_is_refused_by_row_never_nat() -> None:
    cases = refused(
        lambda: csv(
            "metric,as_of,stated\nk,2022-03-27T03:30,1\nk,2022-03-27T02:30,2\nk,2022-10-30T02:30,3\n",
            tz="Europe/Berlin",
        )
    )
    assert cases_of(cases) == {(1, "as_of", "nonexistent_time"), (2, "as_of", "ambiguous_time")}
    reasons = dict(zip(cases["code"], cases["reason"], strict=True))
    assert "gap" in reasons["nonexistent_time"]
    assert "overlap" in reasons["ambiguous_time"]


def test_times_beside_a_clock_change_are_read_in_the_zone() -> None:
    frame = csv("metric,as_of,stated\nk,2022-03-27T03:30,1\nk,2022-10-30T03:30,2\n", tz="Europe/Berlin")
    expected = [
        dt.datetime(2022, 3, 27, 3, 30, tzinfo=BERLIN).astimezone(dt.UTC),
        dt.datetime(2022, 10, 30, 3, 30, tzinfo=BERLIN).astimezone(dt.UTC),
    ]
    assert [t.tz_convert("UTC").to_pydatetime() for t in frame["as_of"]] == expected


def test_a_naive_datetime_column_in_a_clock_gap_is_refused() -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": [pd.Timestamp("2022-03-27T02:30")], "stated": [1]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame, tz="Europe/Berlin"))) == {
        (0, "as_of", "nonexistent_time")
    }


# --- 2. invisible characters -----------------------------------------------------

INVISIBLE = ["\u200b", "\u200e", "\u200f", "\u00ad", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d"]
INVISIBLE += ["\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("mark", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_an_invisible_character_keeps_the_qualifier_and_the_offsets(mark: str) -> None:
    text = f"Police: {mark}more than {mark}3,000{mark} were held; {mark}about 80{mark}0 hurt."
    found = kzfigures.extract_figures(text)
    assert [(m.figure.qualifier, m.figure.stated) for m in found] == [("more_than", 3000), ("about", 800)]
    first, second = found
    assert (first.start, first.end) == (text.index("more"), text.index("3,000") + len("3,000"))
    assert (second.start, second.end) == (text.index("about"), text.index(" hurt"))
    for match in found:
        assert text[match.start : match.end] == match.text == match.figure.text
    assert kzfigures.parse_figure(f"{mark}more than {mark}3,000").low == 3000 + 1


def test_full_width_digits_read_as_their_number() -> None:
    text = "\uff17,\uff19\uff13\uff19 held"
    [match] = kzfigures.extract_figures(text)
    assert (match.figure.stated, match.start, match.end) == (7939, 0, len("\uff17,\uff19\uff13\uff19"))


def test_a_superscript_is_not_read_as_a_digit() -> None:
    # NFKC would make "10²" into "102".
    assert [m.figure.stated for m in kzfigures.extract_figures("10\u00b2 metres, 5 people")] == [5]


# --- 3. a figure text that contradicts the numbers -------------------------------


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"stated": 100, "figure": "more than 3,000"}, "stated"),
        ({"stated": 3000, "figure": "more than 3,000"}, "qualifier"),  # it would be filled in as "exact"
        ({"low": 10, "high": 20, "figure": "between 150 and 200"}, "low"),  # it would be filled in as "range"
        ({"low": 10, "figure": "more than 3,000"}, "qualifier"),
    ],
)
def test_a_figure_text_contradicting_the_numbers_is_refused_naming_both(cells: dict, column: str) -> None:
    frame = pd.DataFrame([{"metric": "k", "as_of": "2022-01-07", **cells}])
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {
        (0, column, "conflicting_figure"),
        (0, "figure", "conflicting_figure"),
    }


@pytest.mark.parametrize(
    "cells",
    [
        {"stated": 3000, "figure": "3,000 held"},
        {"low": 150, "high": 200, "figure": "between 150 and 200"},
        {"stated": 3000, "qualifier": "more_than", "figure": "more than 3,000"},
        # A row that gives its qualifier states its figure in full: its text is kept as written.
        {"stated": 3000, "qualifier": "about", "figure": "3,000"},
        {"stated": 3000, "figure": "an unreadable note"},
    ],
)
def test_a_figure_text_agreeing_with_the_numbers_or_unread_is_kept(cells: dict) -> None:
    frame = kzfigures.from_frame(pd.DataFrame([{"metric": "k", "as_of": "2022-01-07", **cells}]))
    assert frame.loc[0, "figure"] == cells["figure"]
    assert int(frame.loc[0, "stated"] if "stated" in cells else frame.loc[0, "low"]) == cells.get(
        "stated", cells.get("low")
    )


# --- 4. negative numbers in any script -------------------------------------------

MINUS = ["-", "\u2212", "\u2013", "\u2014", "\uff0d", "\ufe63"]


@pytest.mark.parametrize("sign", MINUS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_negative_figure_is_refused(sign: str) -> None:
    with pytest.raises(errors.FigureParseError, match="negative") as raised:
        kzfigures.parse_figure(f"{sign}5")
    assert raised.value.position == 0
    assert [m.figure.stated for m in kzfigures.extract_figures(f"a change of {sign}5 and 7 dead")] == [7]


@pytest.mark.parametrize("dash", ["-", "\u2013", "\u2014"])
def test_ranges_with_dashes_keep_working(dash: str) -> None:
    assert kzfigures.parse_figure(f"150{dash}200") == kzfigures.Figure.between(150, 200, text=f"150{dash}200")


def test_a_negative_figure_text_in_a_frame_is_refused_by_row() -> None:
    frame = pd.DataFrame({"metric": ["k", "k"], "as_of": ["2022-01-07", "2022-01-08"], "figure": ["5", "\u22125"]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(1, "figure", "unreadable_figure")}


# --- 5. exact counts ----------------------------------------------------------------

BIG = 10**17 + 3  # float64 rounds it to 10**17
LARGEST = 2**62


def test_the_example_count_is_not_a_float() -> None:
    assert int(float(BIG)) != BIG


@pytest.mark.parametrize(
    "read",
    [
        lambda n: csv(f"metric,as_of,stated\nk,2022-01-07,{n}\n"),
        lambda n: kzfigures.from_frame(pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [n]})),
        lambda n: kzfigures.from_frame(
            pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": pd.array([n], dtype="Int64")})
        ),
        lambda n: kzfigures.from_frame(pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [str(n)]})),
        lambda n: kzfigures.read_json(io.StringIO(json.dumps([{"metric": "k", "as_of": "2022-01-07", "stated": n}]))),
    ],
    ids=["csv", "int64", "Int64", "text", "json"],
)
@pytest.mark.parametrize("n", [BIG, 2**53 + 1, LARGEST])
def test_counts_are_exact_up_to_the_largest(read: object, n: int) -> None:
    frame = read(n)  # type: ignore[operator]
    assert [int(frame.loc[0, name]) for name in ("low", "high", "stated")] == [n, n, n]
    again = kzfigures.read_csv(io.StringIO(kzfigures.to_csv(frame)))
    assert int(again.loc[0, "stated"]) == n


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (str(LARGEST + 1), "too_large"),
        ("9e18", "too_large"),
        (str(2**64), "too_large"),
        ("1e400", "too_large"),
        (1e17, "too_large"),  # a float above 2**53 does not say which count was meant
        (True, "not_a_count"),
        (np.bool_(False), "not_a_count"),
        ("True", "not_a_count"),
        (float("inf"), "not_a_count"),
        ("nan", "not_a_count"),
        (2.5, "not_a_count"),
        ("-3", "negative"),
    ],
)
def test_a_count_that_is_not_exact_or_too_large_is_refused_by_row(cell: object, code: str) -> None:
    frame = pd.DataFrame({"metric": ["k", "k"], "as_of": ["2022-01-07", "2022-01-08"], "stated": [1, cell]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(1, "stated", code)}


def test_a_boolean_column_is_not_counts() -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [True]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(0, "stated", "not_a_count")}


@pytest.mark.parametrize("qualifier", ["more_than", "about"])
def test_bounds_derived_past_the_largest_count_are_refused(qualifier: str) -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [LARGEST], "qualifier": [qualifier]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(0, "stated", "too_large")}


def test_a_csv_cell_of_9e18_about_is_refused_not_a_type_error() -> None:
    cases = refused(lambda: csv("metric,as_of,stated,qualifier\nk,2022-01-07,9e18,about\n"))
    assert cases_of(cases) == {(0, "stated", "too_large")}


# --- 7. columns ----------------------------------------------------------------------


def test_a_misspelt_column_is_refused_with_the_right_name() -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [3000], "qualifer": ["more_than"]})
    cases = refused(lambda: kzfigures.from_frame(frame))
    assert cases_of(cases) == {(None, "qualifer", "unknown_column")}
    assert "'qualifier'" in cases.loc[0, "reason"]


@pytest.mark.parametrize("name", ["Stated", " stated", "STATED", "as of", "as-of"])
def test_a_schema_column_written_otherwise_is_refused(name: str) -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [1], name: ["2"]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(None, name, "unknown_column")}


def test_a_declared_extra_column_is_carried_through() -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [3000], "qualifer": ["x"]})
    out = kzfigures.from_frame(frame, extra_columns=["qualifer"])
    assert list(out.columns) == [*kzfigures.COLUMNS, "qualifer"]
    assert (out.loc[0, "qualifier"], out.loc[0, "qualifer"]) == ("exact", "x")
    # The canonical frame has every schema column, so nothing in it is a misspelling any more.
    pd.testing.assert_frame_equal(kzfigures.from_frame(out), out)


def test_an_own_key_column_keeps_working_without_declaring_it() -> None:
    frame = pd.DataFrame(
        {
            "metric": ["k"] * 4,
            "event": ["a", "a", "b", "b"],
            "as_of": ["2022-01-07", "2022-01-08"] * 2,
            "stated": [1, 2, 10, 20],
        }
    )
    result = kzfigures.ranges(frame, by=["metric", "event"])
    assert sorted(set(result["event"])) == ["a", "b"]


def test_with_extra_columns_every_other_column_is_refused() -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [1], "event": ["a"], "desk": ["d"]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame, extra_columns=["desk"]))) == {
        (None, "event", "unknown_column")
    }


@pytest.mark.parametrize("option", ["event", 5, [5], ["stated"], [None]])
def test_bad_extra_columns_are_refused(option: object) -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [1]})
    with pytest.raises(errors.InvalidArgumentError, match="extra_columns"):
        kzfigures.from_frame(frame, extra_columns=option)  # type: ignore[arg-type]


def test_a_duplicated_column_is_refused_in_a_frame_and_a_csv_header() -> None:
    frame = pd.DataFrame([["k", "2022-01-07", 5, 6]], columns=["metric", "as_of", "stated", "stated"])
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(None, "stated", "duplicate_column")}
    assert cases_of(refused(lambda: csv("metric,as_of,stated,stated\nk,2022-01-07,5,6\n"))) == {
        (None, "stated", "duplicate_column")
    }


def test_a_json_record_naming_a_key_twice_is_refused_by_row() -> None:
    text = (
        '[{"metric": "k", "as_of": "2022-01-07", "stated": 1},'
        '{"metric": "k", "as_of": "2022-01-08", "stated": 5, "stated": 6}]'
    )
    assert cases_of(refused(lambda: kzfigures.read_json(io.StringIO(text)))) == {(1, "stated", "duplicate_column")}


# --- 8. empty key cells ----------------------------------------------------------------


@pytest.mark.parametrize("column", ["region", "group"])
def test_an_empty_key_cell_is_refused_not_merged_into_all(column: str) -> None:
    text = f"metric,as_of,stated,{column}\nk,2022-01-07,5,\nk,2022-01-08,6,almaty\nk,2022-01-09,7, \n"
    assert cases_of(refused(lambda: csv(text))) == {(0, column, "empty_key"), (2, column, "empty_key")}


def test_an_absent_key_column_takes_its_default() -> None:
    frame = csv("metric,as_of,stated\nk,2022-01-07,5\n")
    assert (frame.loc[0, "group"], frame.loc[0, "region"]) == ("all", "all")


# --- 9. scientific notation and offsets --------------------------------------------------


@pytest.mark.parametrize("text", ["1e6", "1E6", "1.5e6", "1E+06", "2e-3", "10^18", "10**6"])
def test_scientific_notation_gives_no_number(text: str) -> None:
    assert [m.figure.stated for m in kzfigures.extract_figures(f"some {text} people and 7 dead")] == [7]
    with pytest.raises(errors.FigureParseError):
        kzfigures.parse_figure(text)


@pytest.mark.parametrize("offset", ["+25:00", "-24:00", "+05:75", "+9900"])
def test_an_impossible_offset_is_refused_by_row(offset: str) -> None:
    for other in ("", "k,2022-01-07T00:00+06:00,2\n"):
        text = f"metric,as_of,stated\nk,2022-01-07T00:00{offset},1\n{other}"
        assert cases_of(refused(lambda text=text: csv(text))) == {(0, "as_of", "invalid_offset")}


@pytest.mark.parametrize("day", ["1500-01-07", "1677-09-21", "2262-04-11", "2300-01-07", "9999-12-31"])
def test_a_date_outside_the_stored_range_is_refused_by_row(day: str) -> None:
    cases = refused(lambda: csv(f"metric,as_of,stated,published\nk,2022-01-07,1,{day}\n"))
    assert cases_of(cases) == {(0, "published", "time_out_of_range")}
    frame = pd.DataFrame({"metric": ["k"], "as_of": [np.datetime64(day, "s")], "stated": [1]})
    assert cases_of(refused(lambda: kzfigures.from_frame(frame))) == {(0, "as_of", "time_out_of_range")}


def test_the_first_and_last_stored_days_are_kept() -> None:
    first = csv("metric,as_of,stated\nk,1677-09-23T00:00+06:00,1\n")["as_of"].iloc[0]
    last = csv("metric,as_of,stated\nk,2262-04-09,2\n", tz="Asia/Almaty")["as_of"].iloc[0]
    assert first.to_pydatetime() == dt.datetime(1677, 9, 23, tzinfo=dt.timezone(dt.timedelta(hours=6)))
    assert last.to_pydatetime() == dt.datetime(2262, 4, 9, tzinfo=ZoneInfo("Asia/Almaty"))


# --- foreign errors become library errors ------------------------------------------------


@pytest.mark.parametrize("tz", ["Not/AZone", "", " ", 5, 5.0, None, True])
def test_a_bad_zone_is_refused_by_name(tz: object) -> None:
    frame = pd.DataFrame({"metric": ["k"], "as_of": ["2022-01-07"], "stated": [1]})
    for call in (
        lambda: kzfigures.from_frame(frame, tz=tz),  # type: ignore[arg-type]
        lambda: csv("metric,as_of,stated\nk,2022-01-07,1\n", tz=tz),
        lambda: kzfigures.read_json(io.StringIO("[]"), tz=tz),  # type: ignore[arg-type]
    ):
        with pytest.raises(errors.InvalidArgumentError, match="'tz'"):
            call()


@pytest.mark.parametrize(
    ("read", "cause"),
    [
        (lambda: kzfigures.read_csv(io.StringIO("")), pd.errors.EmptyDataError),
        (lambda: kzfigures.read_csv(io.StringIO('metric,as_of,stated\nk,"2022-01-07,5\n')), pd.errors.ParserError),
        (lambda: kzfigures.read_csv(io.StringIO("metric,as_of,stated\nk,2022-01-07,5,6,7\n")), pd.errors.ParserError),
        (lambda: kzfigures.read_csv(io.BytesIO(b"metric,as_of,stated\nk\xff,2022-01-07,5\n")), UnicodeDecodeError),  # type: ignore[arg-type]
        (lambda: kzfigures.read_json(io.StringIO("[{")), json.JSONDecodeError),
    ],
    ids=["empty", "open-quote", "too-many-cells", "not-utf8", "json"],
)
def test_an_unreadable_file_is_an_input_format_error(read: object, cause: type[BaseException]) -> None:
    with pytest.raises(errors.InputFormatError, match="<buffer>") as raised:
        read()  # type: ignore[operator]
    assert isinstance(raised.value.__cause__, cause)
    assert isinstance(raised.value, errors.KzFiguresError)


def test_an_unreadable_file_names_its_path(tmp_path: object) -> None:
    path = tmp_path / "bad.json"  # type: ignore[operator]
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(errors.InputFormatError, match=r"bad\.json"):
        kzfigures.read_json(path)


def test_a_missing_file_stays_file_not_found(tmp_path: object) -> None:
    with pytest.raises(FileNotFoundError):
        kzfigures.read_csv(tmp_path / "absent.csv")  # type: ignore[operator]
    with pytest.raises(FileNotFoundError):
        kzfigures.read_json(tmp_path / "absent.json")  # type: ignore[operator]


# --- every problem at once -----------------------------------------------------------------


def test_a_naive_aware_mix_is_reported_with_every_other_problem() -> None:
    with pytest.raises(errors.FrameValidationError) as raised:
        csv("metric,as_of,stated\nK,2022-01-07T00:00+06:00,5\nk,2022-01-08,-1\nk,2022-01-09T00:00+06:00,x\n")
    assert isinstance(raised.value, errors.TimezoneError)  # what the mix raised alone before
    assert cases_of(raised.value.failure_cases) == {
        (0, "metric", "not_a_label"),
        (1, "as_of", "mixed_offsets"),
        (1, "stated", "negative"),
        (2, "stated", "not_a_count"),
    }
    again = pickle.loads(pickle.dumps(raised.value))
    assert type(again) is type(raised.value)
    assert str(again) == str(raised.value)


def test_every_failure_code_is_a_failure_reason() -> None:
    cases = refused(
        lambda: csv(
            "metric,as_of,stated,region,qualifier\nK,2022-03-27T02:30,-1,,nope\nk,1500-01-01,1e400,x,exact\n",
            tz="Europe/Berlin",
        )
    )
    assert set(cases["code"]) <= {code.value for code in errors.FailureReason}
    assert list(cases.columns) == ["row", "column", "value", "reason", "code"]


def test_a_figure_holds_counts_up_to_the_largest() -> None:
    assert kzfigures.Figure.exact(LARGEST).point == 4_611_686_018_427_387_904
    with pytest.raises(errors.ValidationError, match=r"'low' must be <= 2\*\*62"):
        kzfigures.Figure.exact(LARGEST + 1)
    with pytest.raises(errors.ValidationError, match=r"'high' must be <= 2\*\*62"):
        kzfigures.Figure.between(0, LARGEST + 1)


@pytest.mark.parametrize("moment", ["1500-01-07T00:00+00:00", "2300-01-07T00:00+06:00", "2262-04-10T00:00+00:00"])
def test_an_observation_outside_the_stored_times_is_refused(moment: str) -> None:
    with pytest.raises(errors.ValidationError, match="'as_of' must be from 1677-09-23"):
        kzfigures.Observation(metric="k", figure=kzfigures.Figure.exact(1), as_of=moment)
