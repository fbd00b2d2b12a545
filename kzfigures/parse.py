"""Placeholder until the parser lands (replaced on merge)."""

from __future__ import annotations

from kzfigures.conventions import Conventions
from kzfigures.errors import FigureParseError
from kzfigures.model import Figure


def parse_figure(text: str, conventions: Conventions | None = None) -> Figure:
    """Read a plain number only (placeholder)."""
    cleaned = text.replace(",", "").strip()
    if not cleaned.isdigit():
        raise FigureParseError(text, 0, "placeholder parser reads plain numbers only")
    return Figure.exact(int(cleaned), text=text)
