"""Quick mode: tests of the developers' fast loop set GAN_LESSONS_QUICK=1 so every notebook runs in seconds.

The default (what a student runs, and what `make test` runs) is the real lesson; quick mode only shrinks
step counts and sample sizes. Whether it is on: `settings.quick()` (a lesson gets it from `setup()`).
"""
from gan_lessons import settings


def steps(default: int, quick: int) -> int:
    """The lesson's setting, or the shrunken one under quick mode: `steps(3000, quick=200)`."""
    return quick if settings.quick() else default
