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

import enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - import only for annotations
    import pandas as pd

__all__ = [
    "FailureReason",
    "FigureParseError",
    "FrameTimezoneError",
    "FrameValidationError",
    "InconsistentObservationsError",
    "InputFormatError",
    "InvalidArgumentError",
    "KzFiguresError",
    "ObservationTypeError",
    "TimezoneError",
    "UnknownColumnError",
    "UnknownKeyError",
    "ValidationError",
]


class FailureReason(enum.StrEnum):
    """Why a cell or a frame failed validation: the ``code`` of a failure case.

    :class:`FrameValidationError` lists every problem with a free-text
    ``reason`` for a reader and one of these codes for a program, in the
    manner of pandera's ``SchemaErrorReason``. The codes are stable; the
    words of a reason may change.

    >>> FailureReason("nonexistent_time") is FailureReason.NONEXISTENT_TIME
    True
    >>> str(FailureReason.TOO_LARGE)
    'too_large'
    """

    #: A required column is absent.
    MISSING_COLUMN = "missing_column"
    #: A column's name looks like a misspelling of a schema column, or is not declared.
    UNKNOWN_COLUMN = "unknown_column"
    #: Two columns have the same name.
    DUPLICATE_COLUMN = "duplicate_column"
    #: A column of a frame declared canonical has another dtype or place.
    WRONG_DTYPE = "wrong_dtype"
    #: A required cell is empty.
    REQUIRED = "required"
    #: A key cell (``group``, ``region``) is empty in a column the input has.
    EMPTY_KEY = "empty_key"
    #: Text that must be a label (``metric``, ``group``) is not one.
    NOT_A_LABEL = "not_a_label"
    #: A value outside an enumeration (qualifier, precision, outlet kind).
    NOT_ALLOWED = "not_allowed"
    #: An id that appears more than once.
    DUPLICATE_ID = "duplicate_id"
    #: A count that is not a whole number (text, a fraction, NaN, infinity, a boolean).
    NOT_A_COUNT = "not_a_count"
    #: A negative count.
    NEGATIVE = "negative"
    #: A count above the largest kzfigures keeps exactly, or a float above 2**53.
    TOO_LARGE = "too_large"
    #: A ``figure`` text that cannot be read.
    UNREADABLE_FIGURE = "unreadable_figure"
    #: Cells of one row that state different figures (``figure`` against ``stated``, ...).
    CONFLICTING_FIGURE = "conflicting_figure"
    #: The numbers of a figure break its rules (``high < low``, an inexact "exact", ...).
    INVALID_FIGURE = "invalid_figure"
    #: A time that is not ISO 8601.
    UNREADABLE_TIME = "unreadable_time"
    #: A time outside the range kzfigures stores (see ``docs/limits.md``).
    TIME_OUT_OF_RANGE = "time_out_of_range"
    #: A UTC offset outside (-24:00, +24:00) or with minutes past 59.
    INVALID_OFFSET = "invalid_offset"
    #: A local time skipped by a daylight-saving change (a clock gap).
    NONEXISTENT_TIME = "nonexistent_time"
    #: A local time that happens twice at a daylight-saving change (a clock overlap).
    AMBIGUOUS_TIME = "ambiguous_time"
    #: A column mixes times with and without a UTC offset.
    MIXED_OFFSETS = "mixed_offsets"
    #: A time that does not start a period of its precision.
    MISALIGNED_TIME = "misaligned_time"
    #: A precision given for a missing time.
    ORPHAN_PRECISION = "orphan_precision"
    #: A cell that must be true or false is neither.
    NOT_A_BOOLEAN = "not_a_boolean"


class KzFiguresError(Exception):
    """Root of every exception that kzfigures raises on purpose.

    Every subclass survives ``pickle`` and ``copy.deepcopy`` with its
    message and attributes (so a worker process can hand it back): the
    constructor's arguments are what ``__reduce__`` returns.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # The arguments that rebuild the error, then its attributes (as Exception does).
        return (type(self), self._init_args(), self.__dict__ or None)

    def _init_args(self) -> tuple[Any, ...]:
        return tuple(self.args)


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


class InputFormatError(KzFiguresError, ValueError):
    """A file or buffer given to :func:`~kzfigures.read_csv` or :func:`~kzfigures.read_json` is not readable.

    The message names the argument and, where the reader says, the line;
    the reader's own exception (a pandas parser error, a JSON or Unicode
    decoding error) is kept as ``__cause__``. A missing file is not this
    error: it stays :class:`FileNotFoundError`.
    """


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

    def _init_args(self) -> tuple[Any, ...]:
        return (self.text, self.position, self.reason)


class FrameValidationError(KzFiguresError, ValueError):
    """Rows of an observation frame failed validation.

    All bad rows are reported at once. ``failure_cases`` is a DataFrame with
    columns ``row`` (0-based position in the input, or ``<NA>`` for a problem
    with the frame as a whole, such as a missing column), ``column``,
    ``value`` (as text), ``reason`` (in words) and ``code`` (a
    :class:`~kzfigures.errors.FailureReason` value, for programs).
    """

    def __init__(self, failure_cases: pd.DataFrame) -> None:
        self.failure_cases = failure_cases
        n = len(failure_cases)
        lines = self._summary()
        lines.append(f"{n} problem{'s' if n != 1 else ''} in the observation frame:")
        for case in failure_cases.head(20).itertuples(index=False):
            where = "frame" if _is_missing(case.row) else f"row {case.row}"
            lines.append(f"  {where}, column {case.column!r}: {case.reason} (got {case.value!r})")
        if n > 20:
            lines.append(f"  ... and {n - 20} more (see .failure_cases)")
        super().__init__("\n".join(lines))

    def _init_args(self) -> tuple[Any, ...]:
        return (self.failure_cases,)

    def _summary(self) -> list[str]:
        return []


class FrameTimezoneError(FrameValidationError, TimezoneError):
    """A :class:`FrameValidationError` among whose problems a time column mixes times with and without an offset.

    It is also a :class:`TimezoneError`, which the mix raised alone before
    every problem was reported at once. The message starts with the rows
    whose times carry no offset.
    """

    def _summary(self) -> list[str]:
        cases = self.failure_cases
        mixed = cases[cases["code"] == FailureReason.MIXED_OFFSETS.value] if "code" in cases.columns else cases[:0]
        lines = []
        for column, rows in mixed.groupby("column", sort=True):
            shown = ", ".join(f"row {case.row} ({case.value!r})" for case in rows.head(5).itertuples(index=False))
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            lines.append(
                f"column {column!r} mixes times with and without a UTC offset; "
                f"give every time an offset or none: no offset in {shown}{more}"
            )
        return lines


class InconsistentObservationsError(KzFiguresError, ValueError):
    """Observations cannot be reconciled with a non-decreasing count.

    ``violations`` is the violations frame (see :func:`kzfigures.violations`)
    listing every pair at fault.
    """

    def __init__(self, violations: pd.DataFrame, message: str | None = None) -> None:
        self.violations = violations
        self.message = message
        n = len(violations)
        super().__init__(
            message
            or f"{n} monotonic-growth violation{'s' if n != 1 else ''} make the observations "
            "inconsistent; see .violations"
        )

    def _init_args(self) -> tuple[Any, ...]:
        return (self.violations, self.message)


def _is_missing(value: object) -> bool:
    # pd.NA compares as NA, whose truth value raises: test its text instead.
    return value is None or str(value) in {"<NA>", "nan", "NaT"}
