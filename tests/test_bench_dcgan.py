"""A dry run of `python -m tools.bench dcgan`: right files, right shapes, same steps -> same numbers.

A wall-clock budget is tested on a step clock: DigitGAN's training clock reads 1/8 s more at each call, so every
step takes 1/8 s of "training time" whatever the machine, and a budget in seconds is a known number of steps."""
from types import SimpleNamespace

import pytest
import torch

from gan_lessons import checkpoints
from gan_lessons.models import DCGANGenerator
from tools.bench.__main__ import main as dispatch
from tools.bench.dcgan import config_of, main, parse

STEP_SECONDS = 0.125


@pytest.fixture
def step_clock(monkeypatch):
    """DigitGAN.step reads the clock before and after: each step counts STEP_SECONDS of training."""
    from gan_lessons import digit_gan
    ticks = iter(range(10**9))
    monkeypatch.setattr(digit_gan, "time", SimpleNamespace(perf_counter=lambda: STEP_SECONDS * next(ticks)))


def test_seconds_budget_writes_samples(tmp_path, capsys, step_clock):
    dispatch(["dcgan", "--seconds", "1", "--out", str(tmp_path)])
    samples = torch.load(tmp_path / "samples.pt", weights_only=True)
    assert samples.shape == (2000, 1, 28, 28) and samples.dtype == torch.float32
    assert torch.isfinite(samples).all() and 0 <= samples.min() and samples.max() <= 1
    assert (tmp_path / "samples.png").stat().st_size > 0
    out = capsys.readouterr().out
    assert "img/s" in out and "trained 8 steps in 1.0 s" in out     # 1 s of training at 1/8 s a step


def test_same_steps_same_numbers_and_saved_weights_load(tmp_path):
    a = main(["--steps", "3", "--out", str(tmp_path / "a"), "--save", str(tmp_path / "g.pt")])
    b = main(["--steps", "3", "--out", str(tmp_path / "b")])
    untimed = lambda runs: {s: {k: {m: v for m, v in row.items() if m != "img/s"} for k, row in rows.items()}  # noqa: E731
                            for s, (rows, _) in runs.items()}
    assert untimed(a) == untimed(b)
    assert torch.equal(torch.load(tmp_path / "a" / "samples.pt"), torch.load(tmp_path / "b" / "samples.pt"))
    G = checkpoints.load(DCGANGenerator(64, ngf=16), tmp_path / "g.pt")
    assert G(torch.zeros(2, 64)).shape == (2, 1, 28, 28)


def test_seeds_give_one_run_each_and_a_median(tmp_path, capsys):
    runs = main(["--steps", "2", "--seeds", "0,1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert sorted(runs) == [0, 1] and "median over seeds [0, 1]:" in out and "10 classes first at" in out
    fd = [runs[s][0]["step budget 100%"]["fd"] for s in (0, 1)]
    assert fd[0] != fd[1], "two seeds trained the same GAN: the seed does not reach DigitGAN"
    with pytest.raises(SystemExit):
        parse(["--seeds", "0,x"])
    assert "--seeds '0,x'" in capsys.readouterr().err


def test_bad_arguments_are_clear(capsys):
    with pytest.raises(SystemExit):
        main(["--seconds", "0"])
    assert "must be positive" in capsys.readouterr().err


def test_bench_options_are_the_config_fields():
    from dataclasses import fields

    from gan_lessons.digit_gan import DigitConfig
    args = parse(["--lr-D", "0.0005", "--batch-size", "32"])
    assert (args.lr_D, args.batch_size) == (0.0005, 32)
    assert all(hasattr(args, f.name) for f in fields(DigitConfig) if f.name != "kind")


def test_keep_best_saves_the_lowest_fd_point_and_curve_adds_marks(tmp_path, capsys, step_clock):
    runs = main(["--seconds", "1", "--curve", "0.25", "--out", str(tmp_path), "--save", str(tmp_path / "g.pt"),
                 "--keep-best"])
    rows = runs[0][0]
    out = capsys.readouterr().out
    best_label = min(rows, key=lambda k: rows[k]["fd"])
    # the budget's fractions (0.25, 0.5, 1 s) and the curve's marks (0.25, 0.5, 0.75, 1 s), at 1/8 s a step
    assert {label.strip(): row["steps"] for label, row in rows.items()} == {"0.2 s": 2, "0.5 s": 4, "0.8 s": 6,
                                                                            "1.0 s": 8}
    assert f"keeping G as it was at {best_label.strip()}" in out
    G = checkpoints.load(DCGANGenerator(64, ngf=16), tmp_path / "g.pt")
    assert G(torch.zeros(2, 64)).shape == (2, 1, 28, 28)


def test_the_documented_command_rebuilds_the_shipped_recipe():
    """DEVELOPERS.md and lesson 04 print the `bench dcgan` command behind the shipped generator: parsed, its options
    must give exactly digit_gan.SHIPPED, so a change of the defaults cannot leave the command stale."""
    import json
    import re
    import shlex
    from pathlib import Path

    from gan_lessons.digit_gan import SHIPPED
    root = Path(__file__).resolve().parents[1]
    lesson = json.loads((root / "notebooks" / "04_dcgan_mnist.ipynb").read_text())
    texts = {"DEVELOPERS.md": (root / "DEVELOPERS.md").read_text(),
             "lesson 04": "".join("".join(c["source"]) for c in lesson["cells"] if c["cell_type"] == "markdown")}
    for where, text in texts.items():
        commands = re.findall(r"python -m tools\.bench dcgan ([^`]*--ema[^`]*)`", text)
        assert commands, f"no shipped-generator command in {where}"
        for command in commands:
            words = shlex.split(command.replace("\n", " "))
            words = words[:words.index("--save")]       # where to save is not part of the recipe
            if "--device" in words:                       # this machine may have no GPU: the recipe is the same
                del words[words.index("--device"):words.index("--device") + 2]
            got = config_of(parse(words), SHIPPED.seed)
            assert got == SHIPPED, f"{where}: {command!r} gives {got}, not SHIPPED {SHIPPED}"
