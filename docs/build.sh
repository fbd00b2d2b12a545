#!/usr/bin/env bash
# Build the documentation as CI does: HTML with every warning an error and
# every reference resolved (-n -W), then run the pages' examples with the
# doctest builder. -E: read every page afresh, so no stale page hides a
# warning. Run from anywhere; uses the python/sphinx-build on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
sphinx-build -E -n -W --keep-going -q -b html docs docs/_build/html
sphinx-build -E -n -W --keep-going -q -b doctest docs docs/_build/doctest
echo "docs: built docs/_build/html; page examples passed"
