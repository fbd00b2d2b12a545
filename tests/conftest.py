"""Loads the Hypothesis profile named by HYPOTHESIS_PROFILE (``tests/_profiles.py`` says which exist)."""

from __future__ import annotations

from tests import _profiles  # noqa: F401  (registers and loads the profiles)
