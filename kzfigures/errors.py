"""The exception hierarchy of kzfigures.

Every exception raised on purpose by the library derives from
:class:`KzFiguresError`. Subclasses also derive from the built-in exception
that says what kind of mistake it is (:class:`ValueError` for a bad value,
:class:`TypeError` for a value of the wrong type), so ``except ValueError``
keeps working for callers who do not know this library.

>>> from kzfigures.errors import KzFiguresError, ValidationError
>>> issubclass(ValidationError, KzFiguresError) and issubclass(ValidationError, ValueError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - import only for annotations
    import pandas as pd

__all__ = [
    "FigureParseError",
    "FrameValidationError",
    "InconsistentObservationsError",
    "InvalidArgumentError",
    "KzFiguresError",
    "ObservationTypeError",
    "TimezoneError",
    "UnknownColumnError",
    "UnknownKeyError",
    "ValidationError",
]


class KzFiguresError(Exception):
    """Root of every exception that kzfigures raises on purpose."""


class ValidationError(KzFiguresError, ValueError):
    """A value object was given a value outside its field's domain.

    The message names the field and the value, in the style of attrs:
    ``'low' must be >= 0 (got -5)``.
    """


class ObservationTypeError(KzFiguresError, TypeError):
    """A value of the wrong type was given where kzfigures expects another."""


class InvalidArgumentError(KzFiguresError, ValueError):
    """A function's option is outside what it accepts."""


class UnknownColumnError(InvalidArgumentError):
    """A column named in an option (such as ``by``) is not in the schema."""


class UnknownKeyError(InvalidArgumentError):
    """A key asked for (such as ``metric=detained``) matches no observation."""


class TimezoneError(KzFiguresError, ValueError):
    """Times mix timezone-naive and timezone-aware values, or lack a zone."""


class FigureParseError(KzFiguresError, ValueError):
    """Text holds no figure, or one the conventions cannot read unambiguously.

    Attributes
    ----------
    text : str
        The text that was being parsed.
    position : int
        Character offset (0-based) in ``text`` where the problem starts.
    reason : str
        What is wrong, in words.
    """

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        shown = text if len(text) <= 80 else text[:77] + "..."
        super().__init__(f"cannot parse a figure from {shown!r} at position {position}: {reason}")


class FrameValidationError(KzFiguresError, ValueError):
    """Rows of an observation frame failed validation.

    All bad rows are reported at once. ``failure_cases`` is a DataFrame with
    columns ``row`` (0-based position in the input, or ``<NA>`` for a problem
    with the frame as a whole, such as a missing column), ``column``,
    ``value`` (as text) and ``reason``.
    """

    def __init__(self, failure_cases: pd.DataFrame) -> None:
        self.failure_cases = failure_cases
        n = len(failure_cases)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the observation frame:"]
        for case in failure_cases.head(20).itertuples(index=False):
            where = "frame" if _is_missing(case.row) else f"row {case.row}"
            lines.append(f"  {where}, column {case.column!r}: {case.reason} (got {case.value!r})")
        if n > 20:
            lines.append(f"  ... and {n - 20} more (see .failure_cases)")
        super().__init__("\n".join(lines))


class InconsistentObservationsError(KzFiguresError, ValueError):
    """Observations cannot be reconciled with a non-decreasing count.

    ``violations`` is the violations frame (see :func:`kzfigures.violations`)
    listing every pair at fault.
    """

    def __init__(self, violations: pd.DataFrame, message: str | None = None) -> None:
        self.violations = violations
        n = len(violations)
        super().__init__(
            message
            or f"{n} monotonic-growth violation{'s' if n != 1 else ''} make the observations "
            "inconsistent; see .violations"
        )


def _is_missing(value: object) -> bool:
    # pd.NA compares as NA, whose truth value raises: test its text instead.
    return value is None or str(value) in {"<NA>", "nan", "NaT"}
