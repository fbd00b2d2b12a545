"""extract_figures reads a phrase only at a word that can start one, and finds exactly what it found before.

The reader used to try a phrase at every word of the text; it now skips words
outside ``_Reader.starters`` (numerals, qualifiers, range openers, vague
words, words of change). The oracle is the same reader with every word a
starter: on the labelled corpus, the seed-like sentences of the tests and
random soups of the lexicons' own words, both find the same phrases.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.extraction_corpus import load
from kzfigures import parse
from kzfigures.parse import extract_figures
from tests._profiles import examples


class _Everything:
    def __contains__(self, word: object) -> bool:
        return True


def _every_word(text: str, language: str) -> list[tuple[int, int, str]]:
    """extract_figures with a phrase tried at every word (the reader before the starters)."""
    original = parse._Reader.__init__

    def init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        self.starters = _Everything()

    parse._Reader.__init__ = init  # type: ignore[method-assign]
    try:
        return [(m.start, m.end, m.figure.to_text()) for m in extract_figures(text, language=language)]
    finally:
        parse._Reader.__init__ = original  # type: ignore[method-assign]


def _starters(text: str, language: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.figure.to_text()) for m in extract_figures(text, language=language)]


@pytest.mark.parametrize("paragraph", load(), ids=lambda p: p.id)
def test_corpus_paragraphs_give_the_same_figures(paragraph) -> None:  # type: ignore[no-untyped-def]
    assert _starters(paragraph.text, paragraph.language) == _every_word(paragraph.text, paragraph.language)


def _soup(language: str) -> st.SearchStrategy[str]:
    lexicon = parse._LEXICONS[language]
    words: list[str] = ["40", "3,000", "7 939", "the", "people", "died", ",", ".", "-", "—", "to", "и", "человек"]
    for table in (lexicon.units, lexicon.tens, lexicon.big_scales, lexicon.openers, lexicon.change_words):
        words += sorted(table)[:12]
    words += [" ".join(key) for key in sorted(lexicon.qualifiers)[:20]]
    return st.lists(st.sampled_from(words), max_size=25).map(" ".join)


@settings(max_examples=examples(200), deadline=None)
@given(st.data())
def test_random_soups_give_the_same_figures(data: st.DataObject) -> None:
    language = data.draw(st.sampled_from(["en", "ru"]))
    text = data.draw(_soup(language))
    assert _starters(text, language) == _every_word(text, language)


# The tokenizer before white space was folded into the tokens' matches: the oracle for _tokenize.
_REFERENCE = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<num>[0-9]+(?:[.,'\u2009\u202f\u00a0][0-9]+)*)(?P<suffix>[^\W\d_]+)?"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<ws>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)


def _reference_tokens(text: str) -> list[tuple[str, str, int, int]]:
    return [
        (m.lastgroup or "other", m.group().lower(), m.start(), m.end())
        for m in _REFERENCE.finditer(text)
        if m.lastgroup != "ws"
    ]


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z1 2,.\u00a0\u2009-—\n\t'’xyzЯд3%$:/w")), max_size=60))
def test_tokens_are_those_of_the_plain_tokenizer(text: str) -> None:
    assert [tuple(t) for t in parse._tokenize(text)] == _reference_tokens(text)
