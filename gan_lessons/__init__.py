"""Helpers for the GAN lessons: only what two lessons reuse, or what would hide a lesson's point."""
from gan_lessons.device import Lesson, get_device, seed_everything, setup

__all__ = ["Lesson", "get_device", "seed_everything", "setup"]
