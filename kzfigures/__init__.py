"""kzfigures: reconcile conflicting casualty and detention figures.

The public API is re-exported here; see ``__all__``.

>>> import kzfigures
>>> kzfigures.Figure.exact(164).to_text()
'164'
"""

from kzfigures._version import __version__
from kzfigures.analysis.estimate import Estimate, best_estimate, isotonic_by_series
from kzfigures.analysis.inputs import Prepared, prepare
from kzfigures.analysis.ranges import Range, range_records, ranges
from kzfigures.analysis.revisions import Revisions, revisions
from kzfigures.analysis.vintages import Replay, as_known_at, replay
from kzfigures.analysis.violations import ViolationReport, violations
from kzfigures.conventions import DEFAULT_CONVENTIONS, Conventions
from kzfigures.errors import (
    FailureReason,
    FigureParseError,
    FrameTimezoneError,
    FrameValidationError,
    InconsistentObservationsError,
    InputFormatError,
    InvalidArgumentError,
    KzFiguresError,
    ObservationTypeError,
    TimezoneError,
    UnknownColumnError,
    UnknownKeyError,
    ValidationError,
)
from kzfigures.extract import extract_observations
from kzfigures.frame import (
    COLUMNS,
    as_frame,
    from_frame,
    read_csv,
    read_json,
    to_csv,
    to_frame,
    to_json,
    to_observations,
)
from kzfigures.model import Figure, Observation, OutletKind, Precision, Qualifier, content_id, infer_precision
from kzfigures.parse import FigureMatch, extract_figures, parse_figure
from kzfigures.present.explain import explain

__all__ = [
    "COLUMNS",
    "DEFAULT_CONVENTIONS",
    "Conventions",
    "Estimate",
    "FailureReason",
    "Figure",
    "FigureMatch",
    "FigureParseError",
    "FrameTimezoneError",
    "FrameValidationError",
    "InconsistentObservationsError",
    "InputFormatError",
    "InvalidArgumentError",
    "KzFiguresError",
    "Observation",
    "ObservationTypeError",
    "OutletKind",
    "Precision",
    "Prepared",
    "Qualifier",
    "Range",
    "Replay",
    "Revisions",
    "TimezoneError",
    "UnknownColumnError",
    "UnknownKeyError",
    "ValidationError",
    "ViolationReport",
    "__version__",
    "as_frame",
    "as_known_at",
    "best_estimate",
    "content_id",
    "explain",
    "extract_figures",
    "extract_observations",
    "from_frame",
    "infer_precision",
    "isotonic_by_series",
    "parse_figure",
    "prepare",
    "range_records",
    "ranges",
    "read_csv",
    "read_json",
    "replay",
    "revisions",
    "to_csv",
    "to_frame",
    "to_json",
    "to_observations",
    "violations",
]
