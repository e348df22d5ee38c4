"""A dry run of `python -m gan_lessons.bench dcgan`: right files, right shapes, same steps -> same numbers."""
import pytest
import torch

from gan_lessons import checkpoints
from gan_lessons.bench.__main__ import main as dispatch
from gan_lessons.bench.dcgan import main
from gan_lessons.models import DCGANGenerator


def test_seconds_budget_writes_samples(tmp_path, capsys):
    dispatch(["dcgan", "--seconds", "1", "--out", str(tmp_path)])
    samples = torch.load(tmp_path / "samples.pt", weights_only=True)
    assert samples.shape == (2000, 1, 28, 28) and samples.dtype == torch.float32
    assert torch.isfinite(samples).all() and 0 <= samples.min() and samples.max() <= 1
    assert (tmp_path / "samples.png").stat().st_size > 0
    assert "img/s" in capsys.readouterr().out


def test_same_steps_same_numbers_and_saved_weights_load(tmp_path):
    a = main(["--steps", "3", "--out", str(tmp_path / "a"), "--save", str(tmp_path / "g.pt")])
    b = main(["--steps", "3", "--out", str(tmp_path / "b")])
    assert a == b
    assert torch.equal(torch.load(tmp_path / "a" / "samples.pt"), torch.load(tmp_path / "b" / "samples.pt"))
    G = checkpoints.load(DCGANGenerator(64, ngf=16), tmp_path / "g.pt")
    assert G(torch.zeros(2, 64)).shape == (2, 1, 28, 28)


def test_bad_arguments_are_clear(capsys):
    with pytest.raises(SystemExit):
        main(["--seconds", "0"])
    assert "must be positive" in capsys.readouterr().err
