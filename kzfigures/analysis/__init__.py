"""The analyses: what was reported, where a running total fell, and the best estimate.

Every analysis enters through :meth:`~kzfigures.analysis.inputs.Inputs.of`
(validate once, select a key, reuse a prepared index), reads time and
identity from :mod:`~kzfigures.analysis.index`, and returns a table whose
columns are declared in :mod:`~kzfigures.analysis.tables`. Analyses import
the data layer (:mod:`kzfigures.model`, :mod:`kzfigures.frame`) and each
other's kernels, never presentation. The public functions are re-exported
by :mod:`kzfigures`.
"""
