"""Benchmarks that print numbers: `python -m gan_lessons.bench dashboard` and `python -m gan_lessons.bench dcgan`."""
