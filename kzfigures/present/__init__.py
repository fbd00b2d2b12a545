"""Presentation: words, the text report, explanations and charts.

These modules read the analyses' results and never recompute them; apart
from the shared wording in :mod:`~kzfigures.present.words`, none imports
another. The command line (:mod:`kzfigures.cli`) sits above them.
"""
