"""Test configuration shared by the doctests and the test suite."""

collect_ignore = ["kzfigures/__main__.py", "docs/conf.py", "benchmarks"]
