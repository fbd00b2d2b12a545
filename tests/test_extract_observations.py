"""Tests for kzfigures.extract_observations and ``kzfigures extract``.

The paragraphs are written for these tests; the expected rows are read off
them by hand (who said what, about which day), not produced by the code.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzfigures
from kzfigures import InvalidArgumentError, extract_observations, from_frame
from kzfigures.cli import REVIEW_COLUMNS, main
from kzfigures.extract import EXTRA_COLUMNS, METRIC_WORDS
from kzfigures.frame import COLUMNS
from kzfigures.parse import extract_figures
from tests._profiles import examples


def rows(text: str, **options: object) -> list[tuple[str, str, str]]:
    frame = extract_observations(text, published=options.pop("published", "2022-11-02"), **options)  # type: ignore[arg-type]
    return list(zip(frame["figure"], frame["metric"], frame["group"], strict=True))


def test_schema_columns_then_the_extra_ones() -> None:
    frame = extract_observations("Police said 40 people were killed.", published="2022-11-02")
    assert list(frame.columns) == [*COLUMNS, *EXTRA_COLUMNS]
    empty = extract_observations("No figures here.", published="2022-11-02")
    assert list(empty.columns) == [*COLUMNS, *EXTRA_COLUMNS]
    assert empty.empty


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police said 40 people were killed.", [("40", "killed", "all")]),
        ("The blast killed at least 12 soldiers.", [("at least 12", "killed", "military")]),
        ("Officials said 748 were wounded.", [("748", "injured", "all")]),
        ("More than 3,000 protesters were arrested.", [("More than 3,000", "detained", "protesters")]),
        ("Dozens of people remain missing.", [("Dozens", "missing", "all")]),
        ("About 1,200 residents were evacuated overnight.", [("About 1,200", "evacuated", "residents")]),
        ("Some 60 people were hospitalized.", [("Some 60", "hospitalized", "all")]),
        ("The floods displaced 12,000 families.", [("12,000", "displaced", "all")]),
        ("The death toll has climbed to 151.", [("151", "killed", "all")]),
        (
            "Gunmen opened fire, killing 40 people and wounding 100.",
            [("40", "killed", "all"), ("100", "injured", "all")],
        ),
    ],
)
def test_metric_and_group_from_the_words_around_the_figure(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert rows(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The attack on Mar. 23 shocked the city.",  # a date
        "Some 100,000 people had gathered in the district.",  # a crowd
        "Authorities sent 520 firefighters to the scene.",  # deployed personnel
        "The news was first shown on a local channel, Channel 112.",  # a name
        "Nearly two-thirds of the crowd were women in their 20s.",  # a fraction and an age
        "In 2014 the Sewol ferry sinking killed 304 people.",  # another event, another year
        "Officials published a list of 145 victims, including dead and injured.",  # a mixed count
        "The operation lasted 3 days and covered 40 km.",  # durations and distances
    ],
)
def test_figures_that_are_not_tolls_give_no_row(text: str) -> None:
    assert rows(text) == []


def test_subgroup_is_its_own_row_linked_to_its_total() -> None:
    frame = extract_observations(
        "Health officials said 164 people, including three children, died in the unrest.", published="2022-01-10"
    )
    assert frame["figure"].tolist() == ["164", "three"]
    assert frame["metric"].tolist() == ["killed", "killed"]
    assert frame["group"].tolist() == ["all", "children"]
    assert pd.isna(frame.loc[0, "parent"])
    assert frame.loc[1, "parent"] == frame.loc[0, "id"]
    assert frame["low"].tolist() == [164, 3]


def test_attribution_chain_gives_authority_and_via() -> None:
    frame = extract_observations(
        "State news agency TASS cited Russia's Federal Security Service as saying 40 people had been killed.",
        published="2024-03-23",
        outlet="Example Wire",
    )
    assert frame["authority"].tolist() == ["Federal Security Service"]
    assert "TASS" in frame.loc[0, "via"]


@pytest.mark.parametrize(
    ("text", "authority", "via"),
    [
        ("At least 40 people died, police said.", "police", None),
        ("According to the health ministry, 40 people died.", "health ministry", None),
        ("Khabar 24 reported, citing the Interior Ministry, that 18 officers died.", "Interior Ministry", "Khabar 24"),
        ("Forty people were killed, a police official told Reuters.", "police official", "Reuters"),
        ("Forty people were killed, a police official told Example Wire.", "police official", None),
        ("Forty people were killed.", None, None),
    ],
)
def test_attribution(text: str, authority: str | None, via: str | None) -> None:
    frame = extract_observations(text, published="2022-11-02", outlet="Example Wire")
    got = frame.loc[0, ["authority", "via"]].tolist()
    assert [None if pd.isna(v) else v for v in got] == [authority, via]


def test_pronoun_sentence_keeps_the_previous_speaker() -> None:
    frame = extract_observations(
        "The Interior Ministry said on Sunday that order had been restored. It said 7,939 people had been detained.",
        published="2022-01-10",
    )
    assert frame["authority"].tolist() == ["Interior Ministry"]


# Wednesday 2 November 2022: the weekdays resolve to the latest such day on or before it.
@pytest.mark.parametrize(
    ("text", "as_of", "precision"),
    [
        ("As of 11 a.m. Tuesday, 156 people had died, officials said.", "2022-11-01 11:00", "hour"),
        ("Late Saturday, officials said 151 people had died.", "2022-10-29 00:00", "day"),
        ("On Wednesday officials said 158 people had died.", "2022-11-02 00:00", "day"),
        ("Officials said yesterday that 156 people had died.", "2022-11-01 00:00", "day"),
        ("As of Oct. 31, 155 people had died.", "2022-10-31 00:00", "day"),
        ("As of 10:30 on Monday, 155 people had died.", "2022-10-31 10:30", "minute"),
        ("Officials said 158 people had died.", "2022-11-02 00:00", "day"),
        ("Saturday's crush killed 154 people, officials said on Monday.", "2022-10-31 00:00", "day"),
    ],
)
def test_as_of_resolved_against_the_publication_day(text: str, as_of: str, precision: str) -> None:
    frame = extract_observations(text, published="2022-11-02", tz="Asia/Seoul")
    assert frame.loc[0, "as_of"] == pd.Timestamp(as_of, tz="Asia/Seoul")
    assert frame.loc[0, "as_of_precision"] == precision


def test_a_date_in_late_december_read_in_january_is_last_year() -> None:
    frame = extract_observations("As of Dec. 30, 12 people had died.", published="2023-01-02")
    assert frame.loc[0, "as_of"] == pd.Timestamp("2022-12-30", tz="UTC")


def test_without_published_relative_times_are_not_invented() -> None:
    frame = extract_observations("On Saturday officials said 12 people had died.")
    assert frame["as_of"].isna().all()
    assert frame["published"].isna().all()


def test_frame_is_accepted_by_from_frame_and_analyses_run() -> None:
    text = (
        "Police said on Saturday that 18 officers were killed and 748 injured. "
        "By Sunday the ministry said 7,939 people had been detained, including 26 foreigners."
    )
    frame = extract_observations(text, published="2022-01-10", outlet="Example News", tz="Asia/Almaty")
    canonical = from_frame(frame)
    pd.testing.assert_frame_equal(canonical, frame)
    assert len(kzfigures.ranges(canonical)) == 4


def test_ids_are_stable_and_offsets_point_at_the_figure() -> None:
    text = "Police said 40 people were killed and 12 were arrested."
    first = extract_observations(text, published="2022-11-02")
    second = extract_observations(text, published="2022-11-02")
    assert first["id"].tolist() == second["id"].tolist()
    assert first["id"].is_unique
    assert [text[s:e] for s, e in zip(first["start"], first["end"], strict=True)] == first["figure"].tolist()


def test_metric_words_can_add_a_metric() -> None:
    words = {**METRIC_WORDS["en"], "abducted": ("abducted", "kidnapped")}
    frame = extract_observations("Gunmen kidnapped 30 students.", published="2022-11-02", metric_words=words)
    assert frame[["figure", "metric", "group"]].values.tolist() == [["30", "abducted", "students"]]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"language": "fr"}, "'language' must be one of en, ru"),
        ({"published": "not a date"}, "'published' must be an ISO 8601 date or time"),
        ({"published": "04/11/2023"}, "'published' must be an ISO 8601 date or time"),
        ({"published": "2023-11-04", "tz": "Mars/Base"}, "'tz' names no time zone"),
    ],
)
def test_bad_arguments_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        extract_observations("40 died.", **options)  # type: ignore[arg-type]


def test_text_must_be_a_string() -> None:
    with pytest.raises(InvalidArgumentError, match="'text' must be a string"):
        extract_observations(b"40 died.")  # type: ignore[arg-type]


_PIECES = st.sampled_from(
    [
        "40",
        "more than 3,000",
        "dozens",
        "three",
        "people",
        "children",
        "police",
        "were killed",
        "died",
        "injured",
        "arrested",
        "including",
        "police said",
        "according to the ministry",
        "on Saturday",
        "as of 11 a.m.",
        "Mar. 23",
        "in 2014",
        ",",
        ".",
        " and ",
        "Channel 112",
        "100,000 gathered",
    ]
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_PIECES, max_size=30).map(" ".join))
def test_every_row_is_a_figure_phrase_of_the_text_and_valid(text: str) -> None:
    frame = extract_observations(text, published="2022-01-10")
    spans = {(m.start, m.end) for m in extract_figures(text)}
    assert set(zip(frame["start"], frame["end"], strict=True)) <= spans
    assert frame["id"].is_unique
    assert set(frame["metric"]) <= set(METRIC_WORDS["en"])
    assert frame["parent"].dropna().isin(frame["id"]).all()
    from_frame(frame)


def test_cli_extract_writes_rows_that_report_reads(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "article.txt"
    article.write_text("Police said on Saturday that 18 officers were killed and 748 injured.", encoding="utf-8")
    assert (
        main(["extract", str(article), "--published", "2022-01-09", "--outlet", "Example", "--tz", "Asia/Almaty"]) == 0
    )
    out = capsys.readouterr().out
    header = out.splitlines()[0].replace('"', "").split(",")
    assert header[: len(REVIEW_COLUMNS)] == list(REVIEW_COLUMNS)
    assert sorted(header) == sorted([*COLUMNS, *EXTRA_COLUMNS])
    frame = kzfigures.read_csv(io.StringIO(out))
    assert frame["figure"].tolist() == ["18", "748"]
    assert frame["outlet"].tolist() == ["Example", "Example"]
    rows_csv = tmp_path / "rows.csv"
    rows_csv.write_text(out, encoding="utf-8")
    assert main(["report", str(rows_csv), "--sections", "summary"]) == 0
    report = capsys.readouterr().out
    assert "18 by Jan 8, 2022 (Police)" in report
    assert "Note:" not in report


def test_cli_extract_errors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["extract", str(tmp_path / "missing.txt"), "--published", "2022-01-09"]) == 2
    assert "cannot read" in capsys.readouterr().err
    article = tmp_path / "a.txt"
    article.write_text("40 died.", encoding="utf-8")
    assert main(["extract", str(article), "--published", "someday"]) == 2
    assert "--published must be an ISO 8601 date or time" in capsys.readouterr().err
    assert main(["extract", str(article), "--published", "2022-01-09", "--tz", "Mars/Base"]) == 2
    assert "--tz names no time zone" in capsys.readouterr().err


# Cases a new user's review found (issue 23): each expected row read off the sentence by hand.
def test_the_speaker_after_a_comma_is_not_the_group() -> None:
    assert rows("The death toll has climbed to 128, government officials said.") == [("128", "killed", "all")]
    assert rows("Eight died and 23 were injured, police said.") == [
        ("Eight", "killed", "all"),
        ("23", "injured", "all"),
    ]


def test_a_change_from_one_figure_to_another_keeps_both() -> None:
    assert rows("The toll rose from 31 to 54, the ministry said.") == [("31", "killed", "all"), ("54", "killed", "all")]


def test_a_sentence_opening_with_among_them_goes_on_from_the_last_total() -> None:
    frame = extract_observations(
        "Officials said 128 people were killed. Among them were 25 students.", published="2022-11-02"
    )
    assert frame[["figure", "metric", "group"]].values.tolist() == [
        ["128", "killed", "all"],
        ["25", "killed", "students"],
    ]
    assert frame.loc[1, "parent"] == frame.loc[0, "id"]


def test_acronyms_and_chains_of_attribution() -> None:
    frame = extract_observations(
        "The WHO said 12 people died. According to the governor, cited by Interfax, 7 were injured.",
        published="2022-11-02",
    )
    assert frame[["authority", "via"]].fillna("").values.tolist() == [["WHO", ""], ["governor", "Interfax"]]


def test_a_count_is_never_of_a_time_after_it_was_published() -> None:
    frame = extract_observations(
        "The quake struck at 11:47 p.m. on Friday and killed 140 people, police said.",
        published="2024-05-10T18:00",
        tz="Asia/Kathmandu",
    )
    assert frame.loc[0, "as_of"] <= frame.loc[0, "published"]


def test_cli_names_each_rows_file_and_hints_at_russian(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    english, russian = tmp_path / "en.txt", tmp_path / "ru.txt"
    english.write_text("Police said 40 people were killed.", encoding="utf-8")
    russian.write_text("По данным МВД, погибли 40 человек.", encoding="utf-8")
    assert main(["extract", str(english), str(russian), "--published", "2022-01-10"]) == 0
    captured = capsys.readouterr()
    frame = kzfigures.read_csv(io.StringIO(captured.out))
    assert frame["note"].tolist() == [f"from {english}"]
    assert f"no tolls found in {russian}; the text is in Cyrillic: for Russian, add --language ru" in captured.err


def test_of_the_total_then_its_parts() -> None:
    frame = extract_observations(
        "Of the 54 dead, 20 were women and 9 were children, officials said.", published="2022-11-02"
    )
    assert frame[["figure", "metric", "group"]].values.tolist() == [
        ["54", "killed", "all"],
        ["20", "killed", "women"],
        ["9", "killed", "children"],
    ]
    assert frame["parent"].tolist()[1:] == [frame.loc[0, "id"]] * 2
