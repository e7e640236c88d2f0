"""Benchmarks: run with ``.venv/bin/python -m bench.<name>``; results live in bench/results/."""
