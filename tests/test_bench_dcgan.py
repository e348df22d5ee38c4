"""A dry run of `python -m gan_lessons.bench dcgan`: right files, right shapes, same steps -> same numbers."""
import pytest
import torch

from gan_lessons import checkpoints
from gan_lessons.bench.__main__ import main as dispatch
from gan_lessons.bench.dcgan import main, parse
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
    assert (narrow.D.net[0].out_channels, wide.D.net[0].out_channels) == (16, 32)
    assert [p.shape for p in narrow.G.parameters()] == [p.shape for p in wide.G.parameters()]
    assert parse(["--d-width", "24"]).d_width == 24 and parse([]).d_width == DCGAN.d_width


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
