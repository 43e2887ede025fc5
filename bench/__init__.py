"""Benchmarks, run with `python -m bench [name] [options]` (`make bench`); never part of the test suite."""
