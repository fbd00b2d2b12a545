"""Conventions: every assumption the parser makes about what words mean.

A figure phrase such as "about 8,000" or "dozens" does not name one number;
it names an interval, and which interval is a matter of convention. This
module holds those conventions in one frozen value, :class:`Conventions`,
so that an analysis can say exactly which reading it used and a reader can
change it. :data:`DEFAULT_CONVENTIONS` is the reading kzfigures uses (and
the one its bundled dataset was built with); ``docs/conventions.md`` gives
the reasoning for each default.

>>> DEFAULT_CONVENTIONS.figure("about", 8000)
Figure(low=7200, high=8800, stated=8000, qualifier='about')
>>> Conventions(about_relative=0.2).figure("about", 8000)
Figure(low=6400, high=9600, stated=8000, qualifier='about')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from kzfigures.errors import InvalidArgumentError, ValidationError
from kzfigures.model import Figure, Qualifier

__all__ = ["DEFAULT_CONVENTIONS", "DEFAULT_VAGUE_SPANS", "Conventions"]

#: The default spans of vague counts: word -> (low, high); ``None`` is unbounded.
DEFAULT_VAGUE_SPANS: Mapping[str, tuple[int, int | None]] = {
    "a few": (2, 5),
    "several": (3, 9),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "tens of thousands": (20000, 99999),
    "hundreds of thousands": (200000, 999999),
    "multiple": (2, None),
    "many": (2, None),
}

_SPACES = " \u2009\u202f\u00a0"
_DECIMAL_MARKS = (".", ",")
_ALLOWED_GROUP_SEPARATORS = frozenset(",.'" + _SPACES)

VagueSpans = tuple[tuple[str, tuple[int, int | None]], ...]


def _to_vague_spans(value: Any) -> VagueSpans:
    if isinstance(value, Mapping):
        items: Iterable[Any] = value.items()
    elif isinstance(value, tuple | list):
        items = value
    else:
        raise ValidationError(f"'vague' must be a mapping of word -> (low, high) (got {value!r})")
    spans: dict[str, tuple[int, int | None]] = {}
    for item in items:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise ValidationError(f"'vague' entries must be (word, (low, high)) pairs (got {item!r})")
        word, span = item
        if not isinstance(word, str) or not word.split():
            raise ValidationError(f"'vague' words must be non-empty text (got {word!r})")
        key = " ".join(word.lower().split())
        if not all(part.isalpha() for part in key.split()):
            raise ValidationError(f"'vague' words must be letters and spaces only (got {word!r})")
        if not (isinstance(span, tuple | list) and len(span) == 2):
            raise ValidationError(f"'vague' span for {word!r} must be a (low, high) pair (got {span!r})")
        low, high = span
        if isinstance(low, bool) or not isinstance(low, int) or low < 0:
            raise ValidationError(f"'vague' span for {word!r} must have an int low >= 0 (got {low!r})")
        if high is not None and (isinstance(high, bool) or not isinstance(high, int)):
            raise ValidationError(f"'vague' span for {word!r} must have an int or None high (got {high!r})")
        if high is not None and high < low:
            raise ValidationError(f"'vague' span for {word!r} must have low <= high (got ({low}, {high}))")
        spans[key] = (int(low), None if high is None else int(high))
    return tuple(sorted(spans.items()))


def _to_fraction_field(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ValidationError(f"'{name}' must be a number (got {value!r})")
    if not math.isfinite(value):
        raise ValidationError(f"'{name}' must be finite (got {value!r})")
    return float(value)


def _about_relative(value: Any) -> float:
    return _to_fraction_field("about_relative", value)


def _almost_relative(value: Any) -> float:
    return _to_fraction_field("almost_relative", value)


def _check_about(instance: Conventions, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0 <= value < 1:
        raise ValidationError(f"'about_relative' must be in [0, 1) (got {value!r})")


def _check_almost(instance: Conventions, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0 < value < 1:
        raise ValidationError(f"'almost_relative' must be in (0, 1) (got {value!r})")


def _check_bool(instance: Conventions, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"'{attribute.name}' must be True or False (got {value!r})")


def _check_decimal_mark(instance: Conventions, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in _DECIMAL_MARKS:
        raise ValidationError(f"'decimal_mark' must be '.' or ',' (got {value!r})")


def _default_group_separators(self: Conventions) -> str:
    return ("," if self.decimal_mark == "." else ".") + _SPACES


def _check_group_separators(instance: Conventions, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError(f"'group_separators' must be text (got {value!r})")
    bad = sorted(set(value) - _ALLOWED_GROUP_SEPARATORS)
    if bad:
        raise ValidationError(
            f"'group_separators' may hold only ',', '.', \"'\" and spaces (got {value!r}; {bad[0]!r} is not allowed)"
        )
    if instance.decimal_mark in value:
        raise ValidationError(
            f"'group_separators' must not contain the decimal mark {instance.decimal_mark!r} (got {value!r})"
        )


@attrs.frozen
class Conventions:
    r"""How figure phrases are read: the interval each kind of phrase stands for.

    Parameters
    ----------
    strict_bounds : bool, default True
        Whether "more than" and "fewer than" exclude the stated number.
        True: "more than N" is :math:`[N+1, \infty)` and "fewer than N" is
        :math:`[0, N-1]`. False: :math:`[N, \infty)` and :math:`[0, N]`.
    about_relative : float, default 0.10
        Relative half-width :math:`r` of an approximation, in ``[0, 1)``.
    about_rounding : bool, default True
        Whether an approximation is at least as wide as the rounding its
        number shows (half the unit of its last non-zero digit).
    almost_relative : float, default 0.10
        How far below the stated number "almost N" may go, in ``(0, 1)``.
    vague : mapping of str to (int, int or None)
        The span of each vague count word ("dozens" -> (24, 99)); ``None``
        as high means unbounded. Stored as a sorted tuple of pairs so that
        the conventions are hashable; see :attr:`vague_spans`.
    decimal_mark : {".", ","}, default "."
        The character that separates a whole number from its fraction.
    group_separators : str, optional
        Characters that may group thousands ("7,939", "7 939"). By default
        ``,`` and the spaces (normal, thin U+2009, narrow no-break U+202F,
        no-break U+00A0) when the decimal mark is ``.``, and ``.`` and the
        spaces when it is ``,``. Must not contain the decimal mark.

    Notes
    -----
    With :math:`r_a` = ``about_relative``, :math:`r_n` = ``almost_relative``
    and :math:`u(N)` the unit of the last non-zero digit of :math:`N`
    (:math:`u(8000) = 1000`, :math:`u(164) = 1`):

    .. math::

        \text{about } N &= [\max(0, \lceil N - h \rceil), \lfloor N + h \rfloor],
        \quad h = \max(r_a N, u(N) / 2) \\
        \text{almost } N &= [\min(\lceil N (1 - r_n) \rceil, N - 1), N - 1] \\
        \text{at least } N &= [N, \infty), \quad \text{at most } N = [0, N]

    (without ``about_rounding``, :math:`h = r_a N`). Arithmetic is exact
    (rational), so "about 8,000" is exactly :math:`[7200, 8800]`.

    Examples
    --------
    >>> c = Conventions()
    >>> c.figure("more_than", 3000)
    Figure(low=3001, high=None, stated=3000, qualifier='more_than')
    >>> Conventions(strict_bounds=False).figure("more_than", 3000).low
    3000
    >>> c.figure("almost", 6000)
    Figure(low=5400, high=5999, stated=6000, qualifier='almost')
    >>> c.vague_figure("dozens")
    Figure(low=24, high=99, stated=None, qualifier='vague')
    >>> Conventions(about_relative=1.5)
    Traceback (most recent call last):
    ...
    kzfigures.errors.ValidationError: 'about_relative' must be in [0, 1) (got 1.5)
    """

    strict_bounds: bool = attrs.field(default=True, validator=_check_bool, kw_only=True)
    about_relative: float = attrs.field(default=0.10, converter=_about_relative, validator=_check_about, kw_only=True)
    about_rounding: bool = attrs.field(default=True, validator=_check_bool, kw_only=True)
    almost_relative: float = attrs.field(
        default=0.10, converter=_almost_relative, validator=_check_almost, kw_only=True
    )
    vague: VagueSpans = attrs.field(default=DEFAULT_VAGUE_SPANS, converter=_to_vague_spans, kw_only=True)
    decimal_mark: str = attrs.field(default=".", validator=_check_decimal_mark, kw_only=True)
    group_separators: str = attrs.field(
        default=attrs.Factory(_default_group_separators, takes_self=True),
        validator=_check_group_separators,
        kw_only=True,
    )

    @property
    def vague_spans(self) -> dict[str, tuple[int, int | None]]:
        """The vague words and their spans, as a new dict.

        >>> DEFAULT_CONVENTIONS.vague_spans["hundreds"]
        (200, 999)
        """
        return dict(self.vague)

    @property
    def vague_words(self) -> dict[tuple[int, int | None], str]:
        """The inverse of :attr:`vague_spans`: span -> word (the first word in order).

        Pass it to :meth:`Figure.to_text` to write vague figures as words.

        >>> DEFAULT_CONVENTIONS.vague_words[(24, 99)]
        'dozens'
        >>> DEFAULT_CONVENTIONS.vague_words[(2, None)]
        'many'
        """
        words: dict[tuple[int, int | None], str] = {}
        for word, span in self.vague:
            words.setdefault(span, word)
        return words

    def figure(self, qualifier: Qualifier | str, n: int, *, text: str | None = None) -> Figure:
        """The figure that ``qualifier`` and the stated number ``n`` stand for.

        Parameters
        ----------
        qualifier : Qualifier or str
            Any qualifier but ``range`` and ``vague`` (which state no single
            number: use :meth:`Figure.between` and :meth:`vague_figure`).
        n : int
            The stated number, ``>= 0``.
        text : str, optional
            The phrase, stored on the figure.

        Returns
        -------
        Figure

        Raises
        ------
        InvalidArgumentError
            If the qualifier states no number, ``n`` is negative, or the
            interval is empty ("fewer than 0", "almost 0").

        Notes
        -----
        The intervals are those in the class notes; the cost is constant.

        Examples
        --------
        >>> DEFAULT_CONVENTIONS.figure("fewer_than", 100)
        Figure(low=0, high=99, stated=100, qualifier='fewer_than')
        >>> DEFAULT_CONVENTIONS.figure("about", 164)
        Figure(low=148, high=180, stated=164, qualifier='about')
        """
        try:
            q = Qualifier(qualifier)
        except ValueError:
            raise InvalidArgumentError(f"{qualifier!r} is not a Qualifier") from None
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidArgumentError(f"'n' must be an int >= 0 (got {n!r})")
        if q is Qualifier.EXACT:
            return Figure(n, n, n, q, text=text)
        if q is Qualifier.MORE_THAN:
            return Figure(n + 1 if self.strict_bounds else n, None, n, q, text=text)
        if q is Qualifier.AT_LEAST:
            return Figure(n, None, n, q, text=text)
        if q is Qualifier.FEWER_THAN:
            if self.strict_bounds and n < 1:
                raise InvalidArgumentError("'fewer than 0' allows no count at all")
            return Figure(0, n - 1 if self.strict_bounds else n, n, q, text=text)
        if q is Qualifier.AT_MOST:
            return Figure(0, n, n, q, text=text)
        if q is Qualifier.ABOUT:
            half = Fraction(str(self.about_relative)) * n
            if self.about_rounding:
                half = max(half, Fraction(_rounding_unit(n), 2))
            return Figure(max(0, math.ceil(n - half)), math.floor(n + half), n, q, text=text)
        if q is Qualifier.ALMOST:
            if n < 1:
                raise InvalidArgumentError("'almost 0' allows no count at all")
            low = math.ceil(n * (1 - Fraction(str(self.almost_relative))))
            return Figure(min(low, n - 1), n - 1, n, q, text=text)
        raise InvalidArgumentError(f"a {q.value!r} figure states no single number; it cannot be built from n")

    def vague_figure(self, word: str, *, scale: int = 1, text: str | None = None) -> Figure:
        r"""The figure for a vague count word, optionally times a scale.

        ``scale`` multiplies the span: "several hundred" is "several"
        (:math:`[3, 9]`) times 100, :math:`[300, 900]`.

        Raises
        ------
        InvalidArgumentError
            If ``word`` is not one of :attr:`vague_spans` or ``scale < 1``.

        Examples
        --------
        >>> DEFAULT_CONVENTIONS.vague_figure("Tens of  thousands")
        Figure(low=20000, high=99999, stated=None, qualifier='vague')
        >>> DEFAULT_CONVENTIONS.vague_figure("several", scale=100)
        Figure(low=300, high=900, stated=None, qualifier='vague')
        """
        key = " ".join(word.lower().split())
        spans = dict(self.vague)
        if key not in spans:
            raise InvalidArgumentError(f"{word!r} is not a vague count word of these conventions")
        if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
            raise InvalidArgumentError(f"'scale' must be an int >= 1 (got {scale!r})")
        low, high = spans[key]
        return Figure(low * scale, None if high is None else high * scale, None, Qualifier.VAGUE, text=text)


def _rounding_unit(n: int) -> int:
    """The unit of the last non-zero digit of ``n`` (1 for 0)."""
    unit = 1
    while n and n % (unit * 10) == 0:
        unit *= 10
    return unit


#: The conventions kzfigures uses unless told otherwise.
DEFAULT_CONVENTIONS = Conventions()
