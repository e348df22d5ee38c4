"""gan_lessons.digit_gan: DigitConfig reaches the models and optimisers; DigitGAN's step, EMA and shipped generator."""
import pytest
import torch

from tools.bench.dcgan import parse


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
