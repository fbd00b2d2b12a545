"""Text -> :class:`~kzfigures.model.Figure`: read figure phrases in English.

:func:`parse_figure` reads one phrase ("more than 3,000", "almost 6,000",
"dozens") into the interval its words allow; :func:`extract_figures` finds
every figure phrase in running text. Both follow a :class:`Conventions`
(default :data:`~kzfigures.conventions.DEFAULT_CONVENTIONS`), which fixes
what "about", "almost" and the vague words mean.

How it works: one compiled regular expression splits the text into tokens
(numbers, words, URLs, punctuation) in a single ``finditer`` pass, and a
small recursive-descent reader walks the tokens. Every token is looked at a
bounded number of times, so both functions run in time linear in the length
of the text, and no input makes them raise anything but
:class:`~kzfigures.errors.FigureParseError`.

>>> parse_figure("More than 3,000 protesters")
Figure(low=3001, high=None, stated=3000, qualifier='more_than', text='More than 3,000')
>>> [m.figure.to_text() for m in extract_figures("On January 7, 18 died and dozens were hurt.")]
['18', 'between 24 and 99']
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from typing import NamedTuple

import attrs

from kzfigures.conventions import DEFAULT_CONVENTIONS, Conventions
from kzfigures.errors import FigureParseError, InvalidArgumentError, ValidationError
from kzfigures.model import Figure, Qualifier

__all__ = ["FigureMatch", "extract_figures", "parse_figure"]

#: Numbers above this are not counts of people; reading stops with an error.
MAX_COUNT = 10**15

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<num>[0-9]+(?:[.,'\u2009\u202f\u00a0][0-9]+)*)(?P<suffix>[^\W\d_]+)?"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<ws>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_BIG_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9}
_SCALES = {"hundred": 100, "dozen": 12, **_BIG_SCALES}

_QUALIFIERS: dict[tuple[str, ...], Qualifier] = {
    ("more", "than"): Qualifier.MORE_THAN,
    ("over",): Qualifier.MORE_THAN,
    ("above",): Qualifier.MORE_THAN,
    ("in", "excess", "of"): Qualifier.MORE_THAN,
    ("at", "least"): Qualifier.AT_LEAST,
    ("no", "fewer", "than"): Qualifier.AT_LEAST,
    ("no", "less", "than"): Qualifier.AT_LEAST,
    ("not", "fewer", "than"): Qualifier.AT_LEAST,
    ("not", "less", "than"): Qualifier.AT_LEAST,
    ("fewer", "than"): Qualifier.FEWER_THAN,
    ("less", "than"): Qualifier.FEWER_THAN,
    ("under",): Qualifier.FEWER_THAN,
    ("up", "to"): Qualifier.AT_MOST,
    ("at", "most"): Qualifier.AT_MOST,
    ("no", "more", "than"): Qualifier.AT_MOST,
    ("not", "more", "than"): Qualifier.AT_MOST,
    ("as", "many", "as"): Qualifier.AT_MOST,
    ("about",): Qualifier.ABOUT,
    ("around",): Qualifier.ABOUT,
    ("approximately",): Qualifier.ABOUT,
    ("some",): Qualifier.ABOUT,
    ("roughly",): Qualifier.ABOUT,
    ("an", "estimated"): Qualifier.ABOUT,
    ("estimated",): Qualifier.ABOUT,
    ("circa",): Qualifier.ABOUT,
    ("almost",): Qualifier.ALMOST,
    ("nearly",): Qualifier.ALMOST,
    ("just", "under"): Qualifier.ALMOST,
    ("just", "short", "of"): Qualifier.ALMOST,
    ("a", "total", "of"): Qualifier.EXACT,
    ("exactly",): Qualifier.EXACT,
    ("precisely",): Qualifier.EXACT,
}
_QUALIFIER_MAX_WORDS = max(len(k) for k in _QUALIFIERS)

_DASHES = frozenset("-\u2013\u2014")
# Signs that make a number negative when they touch it: the hyphen-minus, the minus sign and the
# dashes and hyphens that stand in for it (full-width and small forms become "-" when normalised).
_MINUS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u02d7\u2796\ufe58\ufe63\uff0d")
# Compatibility forms that NFKC would turn into digits of another number: "10²" is not 102.
# A number fused to letters ("1e", "15th"): the tokenizer names its kind after its last group.
_FUSED = ("alnum", "suffix")
_KEEP_FORMS = ("<super>", "<sub>", "<fraction>", "<circle>")
_DURATIONS = frozenset(
    [
        "second",
        "seconds",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "day",
        "days",
        "week",
        "weeks",
        "fortnight",
        "fortnights",
        "month",
        "months",
        "year",
        "years",
        "yr",
        "yrs",
        "decade",
        "decades",
        "century",
        "centuries",
        "times",
    ]
)
_PERCENT_WORDS = frozenset({"percent", "pct", "percentage", "percentages"})
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_TIME_WORDS = frozenset({"am", "pm", "gmt", "utc", "o"})
_SIGNS_BEFORE = frozenset("$€£¥₸#№/:")
_SIGNS_AFTER = frozenset("%°/:")
_WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
_AGE_WORDS = frozenset({"aged", "age", "ages"})


class _Token(NamedTuple):
    kind: str  # "num", "alnum", "word", "url", "other"
    low: str  # lower-cased text
    start: int
    end: int


class _PhraseError(Exception):
    """Internal: a figure phrase that cannot be read (position, reason, where to resume)."""

    def __init__(self, position: int, reason: str, resume: int) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason
        self.resume = resume


class _Phrase(NamedTuple):
    figure: Figure
    first: int  # index of the first token
    end: int  # index one past the last token
    excluded: str | None  # why this is not a count (a year, a date, ...), or None


def _normalize(text: str) -> tuple[str, list[int] | None]:
    """Text as the reader sees it, and where each of its characters came from.

    Invisible format characters (Unicode category Cf: zero-width spaces and
    joiners, the soft hyphen, the byte order mark, left-to-right and bidi
    marks) are removed, so that "more than\\u200f 3,000" keeps its qualifier,
    and every other character is NFKC-normalised ("３,０００" is "3,000"),
    except spaces (which may group thousands) and superscripts, subscripts
    and vulgar fractions (which NFKC would turn into other numbers).

    Returns the text and, unless it is ASCII and so unchanged, ``origin``:
    ``origin[k]`` is the offset in ``text`` of the character that gave
    character ``k``, with ``len(text)`` appended.

    >>> _normalize("more\\u00ad than \\u200f３")
    ('more than 3', [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 13])
    """
    if text.isascii():
        return text, None
    # Each distinct character is looked up once: most texts have none to change.
    normal = {char: _normal(char) for char in set(text)}
    if all(normal[char] == char for char in normal):
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        becomes = normal[char]
        parts.append(becomes)
        origin.extend([position] * len(becomes))
    origin.append(len(text))
    return "".join(parts), origin


def _normal(char: str) -> str:
    """What one character becomes in the text the reader sees (see :func:`_normalize`)."""
    if unicodedata.category(char) == "Cf":
        return ""
    if char.isspace() or unicodedata.decomposition(char).startswith(_KEEP_FORMS):
        return char
    return unicodedata.normalize("NFKC", char)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "num" and m.group("suffix"):
            kind = "alnum"
        elif kind is None:  # pragma: no cover - every alternative is named
            kind = "other"
        tokens.append(_Token(kind, m.group().lower(), m.start(), m.end()))
    return tokens


@attrs.frozen
class FigureMatch:
    """A figure phrase found in running text, with where it is.

    Attributes
    ----------
    text : str
        The phrase as written (``source[start:end]``).
    start, end : int
        Character offsets of the phrase in the source text (``end`` exclusive).
    figure : Figure
        The parsed figure; its ``text`` is the phrase.

    Examples
    --------
    >>> m = extract_figures("Police said 6,044 people were held.")[0]
    >>> (m.text, m.start, m.end, m.figure.stated)
    ('6,044', 12, 17, 6044)
    """

    text: str
    start: int
    end: int
    figure: Figure


class _Reader:
    """Reads figure phrases from the tokens of one text."""

    def __init__(self, text: str, conventions: Conventions) -> None:
        self.original = text
        self.text, self.origin = _normalize(text)
        self.conv = conventions
        self.tokens = _tokenize(self.text)
        vague: dict[str, list[tuple[str, ...]]] = {}
        for word, _span in conventions.vague:
            key = tuple(word.split())
            vague.setdefault(key[0], []).append(key)
        for keys in vague.values():
            keys.sort(key=len, reverse=True)
        self.vague = vague

    # -- small helpers ---------------------------------------------------------

    def _word(self, j: int) -> str | None:
        if j < len(self.tokens) and self.tokens[j].kind == "word":
            return self.tokens[j].low
        return None

    def _adjacent(self, j: int) -> bool:
        """Whether token ``j`` touches token ``j - 1`` (no space between)."""
        return 0 < j < len(self.tokens) and self.tokens[j - 1].end == self.tokens[j].start

    def _position(self, j: int) -> int:
        return self.tokens[j].start if j < len(self.tokens) else len(self.text)

    def _match_words(self, j: int, table: dict[tuple[str, ...], Qualifier]) -> tuple[Qualifier, int] | None:
        for length in range(_QUALIFIER_MAX_WORDS, 0, -1):
            words = tuple(self._word(k) for k in range(j, j + length))
            if None not in words and words in table:
                return table[words], j + length  # type: ignore[index]
        return None

    def _match_vague(self, j: int) -> tuple[str, int] | None:
        first = self._word(j)
        if first is None:
            return None
        for key in self.vague.get(first, ()):
            if all(self._word(j + k) == part for k, part in enumerate(key)):
                return " ".join(key), j + len(key)
        return None

    # -- numbers ---------------------------------------------------------------

    def _digits(self, j: int) -> tuple[Fraction, bool, int]:
        """Read the numeral at token ``j`` (joining space-grouped thousands).

        Returns the value, whether it has a decimal part, and the next token.
        """
        tokens, text, conv = self.tokens, self.text, self.conv
        start = tokens[j].start
        raw = tokens[j].low
        k = j + 1
        if raw.isdigit() and len(raw) <= 3:
            while (
                k < len(tokens)
                and tokens[k].kind == "num"
                and tokens[k].start == tokens[k - 1].end + 1
                and text[tokens[k - 1].end] in conv.group_separators
                and text[tokens[k - 1].end].isspace()
                and len(tokens[k].low) == 3
                and tokens[k].low.isdigit()
            ):
                raw += text[tokens[k - 1].end] + tokens[k].low
                k += 1
        value, decimal = self._numeral(raw, start, k)
        return value, decimal, k

    def _numeral(self, raw: str, start: int, resume: int) -> tuple[Fraction, bool]:
        parts = re.split(r"([^0-9])", raw)
        groups, seps = parts[::2], parts[1::2]
        mark = self.conv.decimal_mark
        if sum(len(g) for g in groups) > 15:
            raise _PhraseError(start, f"{raw!r} has too many digits to be a count", resume)
        fraction = ""
        if mark in seps:
            if seps.count(mark) > 1 or seps[-1] != mark:
                raise _PhraseError(start, f"{raw!r} has a misplaced decimal mark {mark!r}", resume)
            fraction = groups.pop()
            seps.pop()
        if seps:
            sep = seps[0]
            if sep not in self.conv.group_separators:
                raise _PhraseError(
                    start, f"{sep!r} in {raw!r} is neither the decimal mark nor a group separator", resume
                )
            if any(s != sep for s in seps):
                raise _PhraseError(start, f"{raw!r} mixes group separators", resume)
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                raise _PhraseError(start, f"{raw!r} is not grouped in thousands", resume)
        value = Fraction(int("".join(groups)))
        if fraction:
            value += Fraction(int(fraction), 10 ** len(fraction))
        return value, bool(fraction)

    def _number(self, j: int, *, in_between: bool = False) -> tuple[int, int] | None:
        """Read a number (digits, words or both) starting at token ``j``.

        Returns ``(value, next token)``, ``None`` if no number starts at
        ``j``, or raises :class:`_PhraseError` for a number that is not a whole count.
        """
        tokens = self.tokens
        if j >= len(tokens):
            return None
        first = tokens[j]
        total = Fraction(0)
        group: Fraction | None
        decimal = False
        big_limit = MAX_COUNT * 10
        if first.kind == "num":
            group, decimal, k = self._digits(j)
            last = "digits"
        elif first.kind == "word" and first.low in _UNITS:
            group, last, k = Fraction(_UNITS[first.low]), "unit", j + 1
        elif first.kind == "word" and first.low in _TENS:
            group, last, k = Fraction(_TENS[first.low]), "tens", j + 1
        elif first.kind == "word" and first.low == "a" and self._word(j + 1) in _SCALES:
            group, last, k = Fraction(1), "unit", j + 1
        else:
            return None
        scaled = False
        while k < len(tokens):
            tok = tokens[k]
            word = tok.low if tok.kind == "word" else None
            if word in _BIG_SCALES and group is not None and _BIG_SCALES[word] < big_limit:
                big_limit = _BIG_SCALES[word]
                total += group * big_limit
                group, last, scaled = None, "big", True
            elif word == "hundred" and group is not None and last in ("digits", "unit", "tens") and group < 100:
                group, last, scaled = group * 100, "hundred", True
            elif word == "dozen" and group is not None and last in ("digits", "unit", "tens") and group < 100:
                group, last, scaled = group * 12, "dozen", True
            elif word in _UNITS or word in _TENS:
                value = _UNITS[word] if word in _UNITS else _TENS[word]
                if last == "big":
                    group, last = Fraction(value), ("tens" if word in _TENS else "unit")
                elif last == "hundred" and group is not None:
                    group, last = group + value, ("tens" if word in _TENS else "unit")
                elif last == "tens" and group is not None and word in _UNITS and 1 <= value <= 9:
                    group, last = group + value, "unit"
                else:
                    break
            elif (
                word == "and"
                and not in_between
                and last in ("big", "hundred")
                and (self._word(k + 1) in _UNITS or self._word(k + 1) in _TENS)
            ):
                pass  # "a hundred and five": the next word continues the number
            elif tok.low in _DASHES and last == "tens" and group is not None and self._adjacent(k):
                after = self._word(k + 1)
                if after is None or not self._adjacent(k + 1) or not 1 <= _UNITS.get(after, 0) <= 9:
                    break
                group, last = group + _UNITS[after], "unit"
                k += 1
            elif tok.kind == "num" and last in ("big", "hundred") and tok.low.isdigit():
                value = int(tok.low) if len(tok.low) <= 15 else MAX_COUNT
                limit = 100 if last == "hundred" else big_limit
                if value >= limit:
                    break
                group = (group or Fraction(0)) + value
                last = "digits"
            else:
                break
            k += 1
        if group is not None:
            total += group
        position = first.start
        if self._word(k) in _SCALES:
            raise _PhraseError(position, f"{self.text[position : tokens[k].end]!r} is not a well-formed number", k + 1)
        if decimal and not scaled:
            numeral = self.text[position : self._end(k)]
            if self.conv.decimal_mark == "." and re.fullmatch(r"[0-9]{1,3}\.[0-9]{3}", numeral):
                reason = (
                    f"{self.text[position : self._end(k)]!r} is not a whole number with '.' as decimal mark; "
                    "if '.' groups thousands here, read it with Conventions(decimal_mark=',')"
                )
            else:
                reason = "a count is a whole number; a decimal needs a scale word ('1.5 million')"
            raise _PhraseError(position, reason, k)
        if total.denominator != 1:
            raise _PhraseError(position, f"{self.text[position : self._end(k)]!r} is not a whole number", k)
        if total > MAX_COUNT:
            raise _PhraseError(position, f"{self.text[position : self._end(k)]!r} is too large to be a count", k)
        return int(total), k

    def _end(self, k: int) -> int:
        """Character offset where the token before ``k`` ends."""
        return self.tokens[k - 1].end if k > 0 else 0

    # -- phrases ---------------------------------------------------------------

    def phrase(self, i: int) -> _Phrase | None:
        """Read the figure phrase starting at token ``i``, if any."""
        tokens = self.tokens
        qualified = self._match_words(i, _QUALIFIERS)
        qualifier, j = qualified if qualified is not None else (None, i)
        opener = None
        if qualifier is None and self._word(i) in ("between", "from"):
            opener, j = self._word(i), i + 1
        vague = self._match_vague(j)
        if vague is not None:
            if qualifier is not None or opener is not None:
                raise _PhraseError(tokens[i].start, "a qualifier cannot qualify a vague count", j)
            word, k = vague
            scale = 1
            after = self._word(k)
            if after in _SCALES:
                scale, k = _SCALES[after], k + 1
            figure = self.conv.vague_figure(word, scale=scale)
            return _Phrase(figure, i, k, self._context(i, k, None))
        number = self._number(j, in_between=opener == "between")
        if number is None:
            if qualifier is None and opener is None:
                return None
            words = self.text[tokens[i].start : self._end(j)]
            raise _PhraseError(self._position(j), f"{words!r} is not followed by a number", j)
        low, k = number
        second = None
        if opener is not None:
            link = self._word(k) if opener == "from" else ("and" if self._word(k) == "and" else None)
            if link is None and k < len(tokens) and tokens[k].low in _DASHES:
                link = "-"
            if link is None or (opener == "from" and link not in ("to", "-")):
                expected = "'to'" if opener == "from" else "'and'"
                raise _PhraseError(self._position(k), f"{opener!r} needs two numbers joined by {expected}", k)
            second = self._number(k + 1)
            if second is None:
                raise _PhraseError(self._position(k + 1), f"{opener!r} needs a second number", k + 1)
        elif k < len(tokens) and (tokens[k].low in _DASHES or self._word(k) == "to"):
            second = self._number(k + 1)
            if second is not None and qualifier is not None:
                raise _PhraseError(tokens[i].start, "a qualifier cannot qualify a range", second[1])
        if second is not None:
            high, k = second
            if high < low:
                raise _PhraseError(tokens[j].start, f"the range {low:,} to {high:,} is reversed", k)
            figure = Figure.between(low, high)
        else:
            try:
                figure = self.conv.figure(qualifier or Qualifier.EXACT, low)
            except (InvalidArgumentError, ValidationError) as error:
                raise _PhraseError(tokens[i].start, str(error), k) from None
        return _Phrase(figure, i, k, self._context(i, k, None if qualifier is not None else (j, low)))

    def _context(self, i: int, k: int, bare: tuple[int, int] | None) -> str | None:
        """Why the phrase in tokens ``[i, k)`` is not a count, or None if it is.

        ``bare`` is ``(token, value)`` of an unqualified number, for the rules
        that look at the number itself (dates and ages).
        """
        tokens = self.tokens
        after = tokens[k] if k < len(tokens) else None
        after_word = self._word(k)
        if after is not None:
            if after.low in _SIGNS_AFTER and self._adjacent(k):
                return {"%": "a percentage", "°": "a temperature or angle"}.get(after.low, "a date, time or ratio")
            if after.low == "%":
                return "a percentage"
            if after_word in _PERCENT_WORDS or (after_word == "per" and self._word(k + 1) == "cent"):
                return "a percentage"
            if after_word in _DURATIONS:
                return "a duration or age"
            if after.low in _DASHES and self._adjacent(k) and self._word(k + 1) in _DURATIONS:
                return "a duration or age"
            if after_word in ("degrees", "degree"):
                return "a temperature or angle"
            if after_word in _TIME_WORDS and (after_word != "o" or self.text[after.end : after.end + 1] == "'"):
                return "a time of day"
            if after_word in ("a", "p") and self._word(k + 2) == "m" and tokens[k + 1].low == ".":
                return "a time of day"
        if self.power(i, k):
            return "part of a power or of scientific notation (1e6, 10^18)"
        if self.negative(i):
            return "a negative number"
        if i > 0:
            before = tokens[i - 1]
            if before.low in _SIGNS_BEFORE and self._adjacent(i):
                return "an amount of money, a number sign or part of a date or time"
            if before.kind == "word" and before.low in _AGE_WORDS:
                return "an age"
            fused = before.low in _DASHES and self._adjacent(i) and i > 1 and self._adjacent(i - 1)
            if fused and tokens[i - 2].kind in ("word", "alnum"):
                return "part of a name"
        if bare is not None:
            j, value = bare
            if tokens[j].low == "one" and k == j + 1 and after_word == "of":
                return "'one of'"
            if i > 1 and k == j + 1 and self._in_name(i - 1):
                return "part of a name"
            is_short = tokens[j].kind == "num" and len(tokens[j].low) <= 2 and k == j + 1
            if is_short and 1 <= value <= 31:
                month_before = i > 0 and self._month(i - 1)
                month_after = self._month(k) or (after_word == "of" and self._month(k + 1))
                if month_before or month_after:
                    return "a date"
        return None

    def _in_name(self, j: int) -> bool:
        """Whether token ``j`` is a capitalised word inside a sentence ("broadcaster Khabar 24")."""
        word = self._word(j)
        if word is None or word in _MONTHS or word in _WEEKDAYS or not self.text[self.tokens[j].start].isupper():
            return False
        return self.tokens[j - 1].kind == "word"

    def _month(self, j: int) -> bool:
        word = self._word(j)
        if word is None or word not in _MONTHS:
            return False
        # "may" is a month only when written with a capital letter: "5 may have died" is not a date.
        return word != "may" or self.text[self.tokens[j].start] == "M"

    def is_year(self, phrase: _Phrase) -> bool:
        """An unqualified bare four-digit number from 1000 to 2100 (extraction only)."""
        tok = self.tokens[phrase.first]
        return (
            phrase.end == phrase.first + 1
            and tok.kind == "num"
            and tok.low.isdigit()
            and len(tok.low) == 4
            and 1000 <= int(tok.low) <= 2100
        )

    def scan(self, i: int) -> list[_Phrase]:
        """Every counted figure phrase from token ``i`` on."""
        found: list[_Phrase] = []
        tokens = self.tokens
        while i < len(tokens):
            if tokens[i].kind not in ("num", "word"):
                i += 1
                continue
            try:
                phrase = self.phrase(i)
            except _PhraseError as bad:
                i = max(i + 1, bad.resume)
                continue
            if phrase is None:
                i += 1
                continue
            if phrase.excluded is None and not self.is_year(phrase):
                found.append(phrase)
            i = max(i + 1, phrase.end)
        return found

    def phrase_or_none(self, i: int) -> _Phrase | None:
        """:meth:`phrase`, with None for a phrase that cannot be read."""
        try:
            return self.phrase(i)
        except _PhraseError:
            return None

    def at(self, k: int) -> int:
        """The offset in the original text of offset ``k`` of the normalised text."""
        return k if self.origin is None else self.origin[k]

    def end_at(self, k: int) -> int:
        """The offset in the original text where the normalised text's first ``k`` characters end."""
        return k if self.origin is None or k == 0 else self.origin[k - 1] + 1

    def span(self, phrase: _Phrase) -> tuple[int, int]:
        """Where a phrase is in the original text: ``(start, end)``."""
        return self.at(self.tokens[phrase.first].start), self.end_at(self.tokens[phrase.end - 1].end)

    def negative(self, i: int) -> bool:
        """Whether a minus sign (in any script) touches token ``i`` from the left and nothing touches the sign.

        "-5" and "\\u22125" are negative; "150-200" (a range) and "COVID-19" (a name) are not.
        """
        return (
            0 < i < len(self.tokens)
            and self.tokens[i].kind == "num"
            and self.tokens[i - 1].low in _MINUS
            and self._adjacent(i)
            and not (i > 1 and self._adjacent(i - 1))
        )

    def power(self, i: int, k: int) -> bool:
        """Whether the number in tokens ``[i, k)`` is part of a power or of scientific notation.

        "1e6" (tokens "1e", "6"), "1E+06", "10^18" and "10**6" hold no count: no number is read from them.
        """
        tokens = self.tokens
        before = tokens[i - 1] if i > 0 and self._adjacent(i) else None
        if before is not None:
            if before.kind in _FUSED and before.low[-1] == "e" and before.low[0].isdigit():
                return True
            if before.low == "^" or (before.low == "*" and i > 1 and tokens[i - 2].low == "*"):
                return True
            if before.low in "+-" and i > 1 and self._adjacent(i - 1) and tokens[i - 2].kind in _FUSED:
                return tokens[i - 2].low[-1] == "e" and tokens[i - 2].low[0].isdigit()
        if k < len(tokens) and self._adjacent(k):
            after = tokens[k].low
            return after == "^" or (after == "*" and k + 1 < len(tokens) and tokens[k + 1].low == "*")
        return False


def _conventions(conventions: Conventions | None) -> Conventions:
    if conventions is None:
        return DEFAULT_CONVENTIONS
    if not isinstance(conventions, Conventions):
        raise InvalidArgumentError(f"'conventions' must be a Conventions or None (got {conventions!r})")
    return conventions


def parse_figure(text: str, conventions: Conventions | None = None) -> Figure:
    r"""Parse one figure phrase into the interval its words allow.

    Parameters
    ----------
    text : str
        One figure phrase, such as ``"more than 3,000"``. It must *start*
        with the phrase (leading punctuation such as quotes is skipped); words
        after it ("protesters detained") are ignored as long as they hold no
        second figure. Case and the amount of whitespace between words do
        not matter; inside a number only a single separator groups thousands
        ("7 939" is 7939, "7  939" is two numbers).
    conventions : Conventions, optional
        How to read qualifiers, vague words and numerals; by default
        :data:`~kzfigures.conventions.DEFAULT_CONVENTIONS`.

    Returns
    -------
    Figure
        With ``text`` set to the phrase as written (without trailing words).

    Raises
    ------
    FigureParseError
        If the text does not start with a figure phrase, holds a second one,
        states a number that is not a count (a percentage, a duration, an
        age, a date, a time, a decimal without scale word, an ambiguous
        "6.044"), or a reversed range. The error names the text and the
        character position of the problem.

    Notes
    -----
    Under the default conventions, with :math:`N` the stated number:

    ============================================= ===============================================
    phrase                                        interval
    ============================================= ===============================================
    "N"                                           :math:`[N, N]`
    "more than / over / above N"                  :math:`[N+1, \infty)`
    "at least / no fewer than / no less than N"   :math:`[N, \infty)`
    "fewer than / less than / under N"            :math:`[0, N-1]`
    "up to / at most / no more than N"            :math:`[0, N]`
    "about / around / approximately / some N"     :math:`[\lceil N-h \rceil, \lfloor N+h \rfloor]`
    "almost / nearly / just under N"              :math:`[\lceil 0.9 N \rceil, N-1]`
    "between A and B", "A-B", "A to B"            :math:`[A, B]`, :math:`A \le B`
    "dozens", "hundreds", "a few", ...            the span in ``conventions.vague``
    ============================================= ===============================================

    with :math:`h = \max(0.1 N, u(N)/2)` and :math:`u(N)` the unit of the
    last non-zero digit (see :class:`~kzfigures.conventions.Conventions`).
    Numbers may be digits ("7,939", "7 939" with any of the four spaces),
    words ("twenty-six", "a dozen") or both ("2 thousand 30", "1.5 million").
    A vague word followed by a scale word multiplies: "several hundred" is
    :math:`[300, 900]`. The cost is :math:`O(n)` in the length of ``text``.

    Examples
    --------
    >>> parse_figure("almost 6,000")
    Figure(low=5400, high=5999, stated=6000, qualifier='almost', text='almost 6,000')
    >>> parse_figure("About 8 Thousand people").to_text()
    'about 8,000'
    >>> parse_figure("between 150 and 200").point
    175
    >>> parse_figure("6.044")
    Traceback (most recent call last):
    ...
    kzfigures.errors.FigureParseError: cannot parse a figure from '6.044' at position 0: ...
    """
    if not isinstance(text, str):
        raise FigureParseError(repr(text), 0, f"expected text, got {type(text).__name__}")
    reader = _Reader(text, _conventions(conventions))
    tokens = reader.tokens
    i = 0
    while i < len(tokens) and tokens[i].kind in ("other", "url") and not reader.negative(i + 1):
        i += 1
    if i == len(tokens):
        raise FigureParseError(
            text, len(text) if not tokens else reader.end_at(tokens[-1].end), "no figure phrase in the text"
        )
    if reader.negative(i + 1) and reader.phrase_or_none(i + 1) is not None:
        raise FigureParseError(
            text, reader.at(tokens[i].start), f"a count cannot be negative ({tokens[i].low!r} before the number)"
        )
    try:
        phrase = reader.phrase(i)
    except _PhraseError as bad:
        raise FigureParseError(text, reader.at(bad.position), bad.reason) from None
    if phrase is None:
        raise FigureParseError(
            text,
            reader.at(tokens[i].start),
            f"the text must start with a figure phrase, not {reader.text[tokens[i].start :][:30]!r}",
        )
    start, end = reader.span(phrase)
    if phrase.excluded is not None:
        raise FigureParseError(text, start, f"{text[start:end]!r} is {phrase.excluded}, not a count")
    rest = reader.scan(phrase.end)
    if rest:
        extra = reader.span(rest[0])[0]
        raise FigureParseError(
            text, extra, "the text holds more than one figure phrase; use extract_figures for running text"
        )
    return attrs.evolve(phrase.figure, text=text[start:end])


def extract_figures(text: str, conventions: Conventions | None = None) -> list[FigureMatch]:
    """Find every figure phrase in running text.

    Parameters
    ----------
    text : str
        Any text, such as a news paragraph.
    conventions : Conventions, optional
        As for :func:`parse_figure`.

    Returns
    -------
    list of FigureMatch
        In order of position; phrases do not overlap.

    Notes
    -----
    A figure phrase is what :func:`parse_figure` reads. Left out, because
    they are not counts: years (an unqualified bare four-digit number from
    1000 to 2100, so "in 2022" but also "2022 people"), dates ("January 7",
    "7 January"; "May" only when capitalised), times ("10 am", "14:30"),
    ages ("81-year-old", "aged 81"), percentages ("98%", "98 percent"),
    ordinals ("15th"; ordinal words are not number words), durations and
    frequencies ("180-day", "three decades", "several days", "three
    times"), temperatures, amounts after a currency sign, numbers in URLs
    and numbers fused to a word ("COVID-19"). Phrases that cannot be read
    (a reversed range, "6.044" under the default decimal mark) are skipped.

    Counts of things other than people are *not* left out: nothing in the
    words tells soldiers from protesters, so "2 thousand 30 soldiers" is
    found. Deciding what a count counts is the caller's job.

    The text is tokenized once and each token is read a bounded number of
    times: :math:`O(n)` in the length of ``text``.

    Examples
    --------
    >>> found = extract_figures("In 2022, more than 3,000 were held and 748 hurt over three decades.")
    >>> [(m.text, m.figure.low) for m in found]
    [('more than 3,000', 3001), ('748', 748)]
    """
    if not isinstance(text, str):
        raise FigureParseError(repr(text), 0, f"expected text, got {type(text).__name__}")
    reader = _Reader(text, _conventions(conventions))
    matches = []
    for phrase in reader.scan(0):
        start, end = reader.span(phrase)
        matches.append(FigureMatch(text[start:end], start, end, attrs.evolve(phrase.figure, text=text[start:end])))
    return matches
