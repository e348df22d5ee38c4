"""Benchmarks that print numbers: `python -m gan_lessons.bench toy2d` and `python -m gan_lessons.bench dcgan`."""
