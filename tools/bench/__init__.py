"""Benchmarks that print numbers: `python -m tools.bench dashboard` and `python -m tools.bench dcgan`."""
