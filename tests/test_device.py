"""gan_lessons.device: the device choice, seeding, setup()."""

import numpy as np
import pytest
import torch

from gan_lessons import device, setup


def test_device_override_and_bad_value(monkeypatch):
    monkeypatch.setenv("GAN_LESSONS_DEVICE", "cpu")
    assert device.get_device() == torch.device("cpu")
    monkeypatch.setenv("GAN_LESSONS_DEVICE", "tpu")
    with pytest.raises(ValueError, match="GAN_LESSONS_DEVICE"):
        device.get_device()


def test_seed_everything_repeats():
    device.seed_everything(3)
    a = (torch.randn(3), np.random.rand(3))
    device.seed_everything(3)
    b = (torch.randn(3), np.random.rand(3))
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_seed_and_threads_override_the_setup_cell(monkeypatch, capsys):
    threads_before = torch.get_num_threads()
    try:
        monkeypatch.setenv("GAN_LESSONS_SEED", "3")
        monkeypatch.setenv("GAN_LESSONS_THREADS", "1")
        lesson = setup(seed=0, threads=2)
        assert lesson.seed == torch.initial_seed() == 3 and torch.get_num_threads() == 1   # the seed in force
        assert lesson.device == device.get_device() and lesson.quick is False
        assert "seed: 3" in capsys.readouterr().out
        monkeypatch.delenv("GAN_LESSONS_SEED")
        setup(seed=5)
        assert torch.initial_seed() == 5
    finally:
        torch.set_num_threads(threads_before)


def test_seeded_starts_from_the_seed_and_gives_the_callers_rng_back():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    with device.seeded(7):
        inside = torch.rand(3)
    assert torch.equal(state, torch.get_rng_state()), "seeded() left the caller's RNG moved"
    torch.manual_seed(7)
    assert torch.equal(inside, torch.rand(3))
