"""A dry run of `python -m tools.bench dcgan`: right files, right shapes, same steps -> same numbers."""
import pytest
import torch

from gan_lessons import checkpoints
from gan_lessons.models import DCGANGenerator
from tools.bench.__main__ import main as dispatch
from tools.bench.dcgan import config_of, main, parse


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


def test_d_width_widens_only_the_discriminator():
    """--d-width reaches D (its first conv's channels) and leaves G's architecture alone."""
    from gan_lessons.digit_gan import DCGAN, DigitGAN
    images = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    narrow, wide = DigitGAN(images, DCGAN.but(d_width=16)), DigitGAN(images, DCGAN.but(d_width=32))
    first_conv = [next(m for m in gan.D.modules() if isinstance(m, torch.nn.Conv2d)) for gan in (narrow, wide)]
    assert [conv.out_channels for conv in first_conv] == [16, 32]
    assert [p.shape for p in narrow.G.parameters()] == [p.shape for p in wide.G.parameters()]
    assert parse(["--d-width", "24"]).d_width == 24 and parse([]).d_width == DCGAN.d_width


def test_d_batchnorm_switches_only_ds_hidden_batchnorm(capsys):
    """--d-batchnorm 0/1 reaches D: with it, BatchNorm after D's hidden conv (which then has no bias), without
    it none; G and D's convolutions are the same shapes either way. A word that is not yes or no fails clearly."""
    from torch import nn

    from gan_lessons.digit_gan import DCGAN, DigitGAN
    images = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with_bn, without = (DigitGAN(images, DCGAN.but(d_batchnorm=b, d_shift=0)) for b in (True, False))
    kinds = [[type(m) for m in gan.D.net] for gan in (with_bn, without)]
    assert nn.BatchNorm2d in kinds[0] and nn.BatchNorm2d not in kinds[1]
    assert with_bn.D.net[2].bias is None and without.D.net[2].bias is not None
    convs = [[m.weight.shape for m in gan.D.net if isinstance(m, nn.Conv2d)] for gan in (with_bn, without)]
    assert convs[0] == convs[1]
    assert [p.shape for p in with_bn.G.parameters()] == [p.shape for p in without.G.parameters()]
    assert parse(["--d-batchnorm", "0"]).d_batchnorm is False and parse(["--d-batchnorm", "yes"]).d_batchnorm is True
    with pytest.raises(SystemExit):
        parse(["--d-batchnorm", "maybe"])
    assert "answer 1 or 0" in capsys.readouterr().err


def test_d_shift_and_beta2_reach_d_and_adam():
    """--d-shift N puts a RandomShift of N pixels in front of D (0: D alone), fed by its own seeded stream, so the
    same seed trains the same way; --beta2 reaches both Adam optimisers."""
    from gan_lessons.digit_gan import DCGAN, DigitGAN
    from gan_lessons.models import DCGANDiscriminator, RandomShift
    images = torch.rand(256, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    shifted, plain = DigitGAN(images, DCGAN.but(d_shift=2)), DigitGAN(images, DCGAN.but(d_shift=0))
    assert isinstance(shifted.D[0], RandomShift) and shifted.D[0].pixels == 2
    assert isinstance(shifted.D[1], DCGANDiscriminator) and isinstance(plain.D, DCGANDiscriminator)
    runs = [DigitGAN(images, DCGAN.but(d_shift=1, beta2=0.9)) for _ in range(2)]
    losses = [[r.step()["loss_D"] for _ in range(3)] for r in runs]
    assert losses[0] == losses[1]
    assert {g["betas"][1] for r in runs for opt in (r.opt_G, r.opt_D) for g in opt.param_groups} == {0.9}
    assert parse(["--d-shift", "3", "--beta2", "0.9"]).d_shift == 3 and parse([]).beta2 == DCGAN.beta2
    for bad in ({"d_shift": -1}, {"beta2": 1.0}):
        with pytest.raises(ValueError):
            DCGAN.but(**bad)


def test_digit_gan_keeps_conv_weights_channels_last():
    """The CPU speed-up in DigitGAN: every 4-D weight of G, D (and the average of G) in channels_last layout."""
    from gan_lessons.digit_gan import DCGAN, DigitGAN
    images = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    gan = DigitGAN(images, DCGAN.but(batch_size=16, ema=0.9))
    gan.step()
    weights = [p for net in (gan.G, gan.D, gan.sampler()) for p in net.parameters() if p.dim() == 4]
    assert weights and all(p.is_contiguous(memory_format=torch.channels_last) for p in weights)


def test_ema_is_the_closed_form_average_and_sample_draws_from_it():
    """AveragedModel's EMA against the hand-written recursion: the first update copies G (G1), the next gives
    decay * G1 + (1 - decay) * G2; sample() uses the average, and ema=0 keeps no average."""
    from gan_lessons.digit_gan import DCGAN, DigitGAN
    images = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    gan = DigitGAN(images, DCGAN.but(batch_size=16, ema=0.9))
    gan.step()
    g1 = [p.detach().clone() for p in gan.G.parameters()]
    gan.step()
    for avg, a, b in zip(gan.G_ema.module.parameters(), g1, gan.G.parameters()):
        torch.testing.assert_close(avg, 0.9 * a + 0.1 * b)
    z = torch.randn(4, 64, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        gan.G_ema.module.eval()
        expected = gan.G_ema.module(z)
    assert gan.sampler() is gan.G_ema.module and torch.equal(gan.sample(z=z), expected)
    assert DigitGAN(images, DCGAN.but(batch_size=16)).G_ema is None


def test_k_d_steps_per_step_and_ema_outside_its_range_fails():
    from gan_lessons.digit_gan import DCGAN, DigitConfig, DigitGAN
    images = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    gan = DigitGAN(images, DCGAN.but(batch_size=16, k=3))
    counts = {"D": 0, "G": 0}
    gan.opt_D.register_step_post_hook(lambda *_: counts.__setitem__("D", counts["D"] + 1))
    gan.opt_G.register_step_post_hook(lambda *_: counts.__setitem__("G", counts["G"] + 1))
    gan.step()
    assert counts == {"D": 3, "G": 1}
    for bad in (1.0, -0.1):
        with pytest.raises(ValueError, match="ema"):
            DigitConfig(ema=bad)


def test_the_shipped_generator_scores_what_the_lessons_say():
    """The long-trained generator of lessons 04 and 06, measured as they measure it (2000 samples, noise seed 0).
    Limits with margin over the shipped file's own numbers (a fixed file: only float rounding varies by CPU)."""
    from gan_lessons.digit_gan import load_shipped_generator
    from gan_lessons.digit_metric import load_metric
    G = load_shipped_generator()
    with torch.no_grad():
        z = torch.randn(2000, 64, generator=torch.Generator().manual_seed(0))
        samples = torch.cat([G(chunk) for chunk in z.split(500)])
    r = load_metric(verbose=False).evaluate(samples)
    assert r["fd"] < 22 and r["classes"] == 10, r
    assert r["confident"] > 0.55 and abs(r["sharpness"] / r["real_sharpness"] - 1) < 0.1, r


def test_a_step_moves_both_networks_and_unknown_options_fail():
    from gan_lessons.digit_gan import DCGAN, DigitConfig, DigitGAN
    images = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    state = torch.get_rng_state()
    gan = DigitGAN(images, DCGAN.but(batch_size=16))
    assert torch.equal(state, torch.get_rng_state()), "building a DigitGAN must not reseed the caller's RNG"
    before = [p.detach().clone() for p in (*gan.G.parameters(), *gan.D.parameters())]
    row = gan.step()
    after = list(gan.G.parameters()) + list(gan.D.parameters())
    n_G = len(list(gan.G.parameters()))
    assert any(not torch.equal(b, a) for b, a in zip(before[:n_G], after[:n_G])), "G did not move"
    assert any(not torch.equal(b, a) for b, a in zip(before[n_G:], after[n_G:])), "D did not move"
    assert gan.steps == 1 and {"loss_D", "loss_G"} <= set(row)
    with pytest.raises(ValueError, match="unknown option"):
        DCGAN.but(ndf=32)
    with pytest.raises(ValueError, match="kind"):
        DigitConfig(kind="vae")
    with pytest.raises(ValueError, match="positive"):
        DCGAN.but(lr_D=0.0)


def test_bench_options_are_the_config_fields():
    from dataclasses import fields

    from gan_lessons.digit_gan import DigitConfig
    args = parse(["--lr-D", "0.0005", "--batch-size", "32"])
    assert (args.lr_D, args.batch_size) == (0.0005, 32)
    assert all(hasattr(args, f.name) for f in fields(DigitConfig) if f.name != "kind")


def test_keep_best_saves_the_lowest_fd_point_and_curve_adds_marks(tmp_path, capsys):
    runs = main(["--seconds", "0.6", "--curve", "0.2", "--out", str(tmp_path), "--save", str(tmp_path / "g.pt"),
                 "--keep-best"])
    rows = runs[0][0]
    out = capsys.readouterr().out
    best_label = min(rows, key=lambda k: rows[k]["fd"])
    assert len(rows) >= 4, "--curve 0.2 over 0.6 s should add marks to the three budget fractions"
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
