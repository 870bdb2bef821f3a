"""The benchmark harness (`python bench/run.py`) and older single-purpose benchmarks."""
