"""Benchmarks for kzfigures: workloads, baselines, an asv suite and a plain runner (benchmarks/run.py)."""
