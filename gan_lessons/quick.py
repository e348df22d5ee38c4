"""Quick mode, read in one place: tests set GAN_LESSONS_QUICK=1 so every notebook runs in seconds.

The default (what a student runs) is the real lesson; quick mode only shrinks step counts and sample sizes.
"""
import os

_TRUE = {"1", "true", "yes", "on"}


def is_quick() -> bool:
    return os.environ.get("GAN_LESSONS_QUICK", "").strip().lower() in _TRUE


def steps(default: int, quick: int) -> int:
    """The lesson's setting, or the shrunken one under quick mode: `steps(3000, quick=200)`."""
    return quick if is_quick() else default
