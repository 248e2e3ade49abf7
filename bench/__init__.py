"""Benchmarks: `make bench` writes bench/results.md."""
