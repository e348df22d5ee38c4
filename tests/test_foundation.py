"""Unit tests of the package foundation: device choice, seeding, quick mode, data (both paths), checkpoints."""
import socket
import time

import numpy as np
import pytest
import torch

from gan_lessons import checkpoints, device, digit_data, quick
from gan_lessons.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator, RandomShift, mlp
from gan_lessons.train import fit, gan_step


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


def test_quick_mode(monkeypatch):
    monkeypatch.setenv("GAN_LESSONS_QUICK", "1")
    assert quick.steps(1000, quick=10) == 10
    monkeypatch.setenv("GAN_LESSONS_QUICK", "0")
    assert quick.steps(1000, quick=10) == 1000


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


def test_checkpoint_roundtrip_and_corruption(tmp_path):
    g = DCGANGenerator(z_dim=8, ngf=4)
    path = tmp_path / "g.pt"
    checkpoints.save(g, path)
    g2 = checkpoints.load(DCGANGenerator(z_dim=8, ngf=4), path)
    assert all(torch.equal(a, b) for a, b in zip(g.state_dict().values(), g2.state_dict().values()))
    with pytest.raises(ValueError, match="does not fit"):
        checkpoints.load(DCGANGenerator(z_dim=8, ngf=8), path)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ValueError, match="corrupted"):
        checkpoints.load(DCGANGenerator(z_dim=8, ngf=4), path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        checkpoints.load(g, tmp_path / "missing.pt")


@pytest.mark.parametrize("G,D,zdim", [(DCGANGenerator(z_dim=16, ngf=8), DCGANDiscriminator(ndf=8), 16),
                                      (MLPGenerator(z_dim=16, hidden=32), MLPDiscriminator(hidden=32), 16)])
def test_image_model_shapes(G, D, zdim):
    x = G(torch.randn(5, zdim))
    assert x.shape == (5, 1, 28, 28) and x.abs().max() <= 1
    assert D(x).shape == (5, 1)


@pytest.mark.parametrize("g_loss", ["non-saturating", "saturating"])
def test_a_few_gan_steps_give_a_finite_history(g_loss):
    torch.manual_seed(0)
    G, D = mlp(2, 2, hidden=16), mlp(2, 1, hidden=16)
    opt_G, opt_D = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    def step():
        return gan_step(G, D, opt_G, opt_D, lambda: torch.randn(32, 2) + 3, lambda n: torch.randn(n, 2),
                        k=2, g_loss=g_loss)

    history = fit(step, 5, progress=False)
    history = fit(step, 3, history=history, progress=False)  # running again continues
    assert history.steps == 8 and history.stop_reason is None
    assert all(np.isfinite(history[key]).all() for key in ("loss_D", "loss_G", "grad_G", "D_real", "D_fake"))


def test_fit_stops_on_nan_with_a_sentence():
    history = fit(lambda: {"loss_D": float("nan"), "loss_G": 1.0}, 5, progress=False)
    assert history.steps == 0 and "diverged" in history.stop_reason


def test_gan_step_rejects_unknown_loss():
    G, D = mlp(2, 2), mlp(2, 1)
    opt = torch.optim.Adam(G.parameters())
    with pytest.raises(ValueError, match="g_loss"):
        gan_step(G, D, opt, opt, lambda: torch.randn(4, 2), lambda n: torch.randn(n, 2), g_loss="wgan")


def test_random_shift_moves_each_image_within_its_padded_frame():
    """Against a slicing reference: each image is the window at its own offset of the image padded with -1."""
    x = torch.rand(64, 1, 28, 28) * 2 - 1
    shift = RandomShift(2, torch.Generator().manual_seed(5))
    out = shift(x)
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)
    offsets = set()
    for i in range(len(x)):
        matches = [(dy, dx) for dy in range(5) for dx in range(5)
                   if torch.equal(out[i], padded[i, :, dy:dy + 28, dx:dx + 28])]
        assert matches, f"image {i} is not a 28x28 window of its padded self"
        offsets.add(matches[0])
    assert len(offsets) > 15, f"only {len(offsets)} of the 25 offsets in 64 images: the offsets are not per image"
    again = RandomShift(2, torch.Generator().manual_seed(5))(x)
    assert torch.equal(out, again), "the same seeded generator must give the same shifts"


def test_random_shift_passes_gradients_and_is_off_in_eval_mode():
    x = torch.randn(8, 3, 10, 10, requires_grad=True)
    shift = RandomShift(1, torch.Generator().manual_seed(0))
    shift(x).sum().backward()
    kept = x.grad.sum().item()
    assert 8 * 3 * 9 * 9 <= kept <= 8 * 3 * 100 and set(x.grad.unique().tolist()) <= {0.0, 1.0}
    assert shift.eval()(x) is x
    with pytest.raises(ValueError, match="0 or more"):
        RandomShift(-1)
