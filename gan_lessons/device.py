"""Which device to train on, how many CPU threads, and one seed for torch, numpy and random."""
import random
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import torch

from gan_lessons import checkpoints, settings

_CHOICES = ("cuda", "mps", "cpu")


def get_device() -> torch.device:
    """cuda, then mps, then cpu; GAN_LESSONS_DEVICE=cpu (or cuda, mps) overrides the choice."""
    wanted = settings.device_name()
    if wanted:
        if wanted not in _CHOICES:
            raise ValueError(f"GAN_LESSONS_DEVICE={wanted!r} is not a device I know: set it to one of "
                             f"{', '.join(_CHOICES)}, or unset it to pick automatically.")
        if wanted == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("GAN_LESSONS_DEVICE=cuda but torch sees no CUDA GPU: unset it to run on the CPU.")
        if wanted == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError("GAN_LESSONS_DEVICE=mps but this machine has no Apple GPU: unset it to run on the CPU.")
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@contextmanager
def seeded(seed: int, device="cpu"):
    """The course's one seeding rule for building and training a model: inside, torch's global RNG (the CPU's and
    `device`'s) starts from `seed`; after, the caller's RNG is back where it was, so a model trained in a cell
    does not shift the random numbers of the cells after it."""
    device = torch.device(device)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        yield


def seed_everything(seed: int) -> None:
    """Same seed, same numbers: seeds Python's random, numpy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


class Lesson(NamedTuple):
    """What a lesson's setup cell gets back: `device, SEED, QUICK = setup(seed=0)`."""
    device: torch.device
    seed: int            # the seed in force (GAN_LESSONS_SEED overrides the one asked for)
    quick: bool          # quick mode (GAN_LESSONS_QUICK=1): fewer steps, for the developers' fast loop


def setup(seed: int = 0, threads: int | None = None, large: bool | None = None) -> Lesson:
    """What every notebook's setup cell calls: seed, threads, device; prints them, quick mode, and where data
    (downloads, caches, retrained weights) and the shipped weights come from. Returns (device, seed, quick).

    GAN_LESSONS_SEED and GAN_LESSONS_THREADS override `seed` and `threads` (the seed sweep uses them).
    threads=None keeps torch's default. large=True turns projector mode on for this notebook (else
    GAN_LESSONS_LARGE decides; see gan_lessons.plotting). Thread count changes the order of float sums, so a GAN's
    trajectory depends on it (and on the CPU model): the same seed repeats only on the same machine.
    """
    seed = settings.seed(seed)
    threads = settings.threads(threads)
    if threads:
        torch.set_num_threads(threads)
    seed_everything(seed)
    if large is not None:
        from gan_lessons import plotting
        plotting.set_large(large)
    device = get_device()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"{torch.get_num_threads()} CPU threads"
    from gan_lessons.plotting import is_large
    print(f"device: {device} ({name}) | seed: {seed} | quick mode: {'ON' if settings.quick() else 'off'} "
          f"| projector mode: {'ON' if is_large() else 'off'} | torch {torch.__version__}")
    # An installed package (Colab, pip) writes elsewhere than a checkout: say where, so a student can find it.
    print(f"data: {settings.data_dir()} | shipped weights: {checkpoints.WEIGHTS_DIR}")
    return Lesson(device, seed, settings.quick())
