"""gan_lessons.checkpoints: verified loads, and retraining that never overwrites what ships."""

import pytest
import torch
from torch import nn

from gan_lessons import checkpoints
from gan_lessons.models import DCGANGenerator


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


def test_retraining_saves_beside_never_over_the_shipped_weights(monkeypatch, tmp_path):
    shipped = tmp_path / "weights"
    monkeypatch.setattr(checkpoints, "WEIGHTS_DIR", shipped)
    monkeypatch.setenv("GAN_LESSONS_DATA", str(tmp_path / "user"))
    torch.manual_seed(0)
    net = nn.Linear(2, 1)
    checkpoints.save(net, shipped / "net.pt")
    (shipped / "net_history.json").write_text('{"loss": [1.0]}')
    shipped_bytes = {p.name: p.read_bytes() for p in shipped.iterdir()}

    def train():
        with torch.no_grad():
            model.weight.fill_(7.0)
        return {"loss": [0.5, 0.25]}

    model = nn.Linear(2, 1)
    assert checkpoints.load_or_train({"net": model}, train, "net") == {"loss": [1.0]}   # shipped
    torch.testing.assert_close(model.weight, net.weight)
    model = nn.Linear(2, 1)
    assert checkpoints.load_or_train({"net": model}, train, "net", retrain=True) == {"loss": [0.5, 0.25]}
    assert {p.name: p.read_bytes() for p in shipped.iterdir()} == shipped_bytes        # untouched
    assert (tmp_path / "user" / "retrained" / "net.pt.sha256").exists()
    model = nn.Linear(2, 1)
    assert checkpoints.load_or_train({"net": model}, train, "net")["loss"] == [0.5, 0.25]  # the retrained copy
    assert torch.all(model.weight == 7.0)
    # quick mode rehearses the training code, then loads weights as usual and saves nothing
    (tmp_path / "user" / "retrained" / "net.pt").unlink()
    calls, model = [], nn.Linear(2, 1)
    history = checkpoints.load_or_train({"net": model}, lambda: calls.append(1) or {"loss": [9.0]}, "net",
                                        rehearse=True)
    assert calls == [1] and history == {"loss": [1.0]}
    torch.testing.assert_close(model.weight, net.weight)
