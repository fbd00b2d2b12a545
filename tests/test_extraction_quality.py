"""extract_observations keeps the precision and recall it reached on the labelled corpus.

The corpus (``tests/data/extraction``, see ``benchmarks/extraction_corpus.py``)
is paragraphs written for the project around facts from public reporting,
every toll labelled by hand. The floors below are what the extractor reached
when they were set (``python benchmarks/extraction_eval.py`` prints the
current figures; ``docs/extraction.md`` explains them): a change that loses
precision or recall anywhere fails here, and one that gains should raise them.
"""

from __future__ import annotations

import pytest

from benchmarks.extraction_corpus import CORPUS, PARTS, parts, run, same_name, table
from kzfigures import extract_observations

# (part, field) -> (precision, recall) floors; "totals" rows are killed/injured/detained of group "all".
FLOORS: dict[tuple[str, str], tuple[float, float]] = {
    ("English", "all:found"): (0.97, 0.93),
    ("English", "all:metric"): (0.96, 0.91),
    ("English", "all:group"): (0.92, 0.88),
    ("English", "all:interval"): (0.97, 0.93),
    ("English", "all:authority"): (0.82, 0.78),
    ("English", "all:as_of"): (0.86, 0.81),
    ("English", "all:parent"): (0.80, 0.76),
    ("English", "totals:found"): (0.93, 0.92),
    ("Russian", "all:found"): (0.95, 0.92),
    ("Russian", "all:metric"): (0.92, 0.89),
    ("Russian", "all:group"): (0.90, 0.87),
    ("Russian", "all:interval"): (0.95, 0.92),
    ("Russian", "all:authority"): (0.73, 0.71),
    ("Russian", "all:as_of"): (0.90, 0.87),
    ("Russian", "all:parent"): (0.79, 0.76),
    ("Russian", "totals:found"): (0.92, 0.88),
    ("English, held out", "all:found"): (0.93, 0.93),
    ("English, held out", "all:metric"): (0.91, 0.91),
    ("English, held out", "all:group"): (0.84, 0.84),
    ("English, held out", "all:interval"): (0.93, 0.93),
    ("English, held out", "all:authority"): (0.78, 0.78),
    ("English, held out", "all:as_of"): (0.80, 0.81),
    ("English, held out", "all:parent"): (0.72, 0.72),
    ("English, held out", "totals:found"): (0.84, 0.93),
    ("Russian, held out", "all:found"): (0.93, 0.86),
    ("Russian, held out", "all:metric"): (0.82, 0.76),
    ("Russian, held out", "all:group"): (0.83, 0.77),
    ("Russian, held out", "all:interval"): (0.93, 0.86),
    ("Russian, held out", "all:authority"): (0.77, 0.71),
    ("Russian, held out", "all:as_of"): (0.89, 0.82),
    ("Russian, held out", "all:parent"): (0.68, 0.63),
    ("Russian, held out", "totals:found"): (0.80, 0.80),
}


@pytest.fixture(scope="module")
def scored() -> dict[str, list]:  # type: ignore[type-arg]
    return {name: run(paragraphs, extract_observations) for name, paragraphs in parts().items()}


def test_the_corpus_is_as_large_as_issue_23_asks() -> None:
    paragraphs = [p for group in parts().values() for p in group]
    assert sum(p.language == "en" for p in paragraphs) >= 120
    assert sum(p.language == "ru" for p in paragraphs) >= 30
    assert {f.name for f in CORPUS.glob("*.jsonl")} == {f for files in PARTS.values() for f in files}


@pytest.mark.parametrize(("part", "field"), sorted(FLOORS))
def test_precision_and_recall_stay_at_least_where_they_were(scored, part: str, field: str) -> None:  # type: ignore[no-untyped-def]
    kind, _, name = field.partition(":")
    measured = table(scored[part], totals_only=kind == "totals").loc[name]
    precision, recall = FLOORS[(part, field)]
    assert measured["precision"] >= precision
    assert measured["recall"] >= recall


@pytest.mark.parametrize(
    ("predicted", "labelled", "same"),
    [
        ("police", "police", True),
        ("the Interior Ministry", "Interior Ministry", True),
        ("Bastrykin", "Investigative Committee chairman Alexander Bastrykin", True),
        ("officials", "Central Disaster and Safety Countermeasures Headquarters", False),
        ("пресс-службе МВД Казахстана", "пресс-служба МВД Казахстана", True),
        (None, None, True),
        ("police", None, False),
    ],
)
def test_names_are_compared_word_by_word(predicted: str | None, labelled: str | None, same: bool) -> None:
    assert same_name(predicted, labelled) is same
