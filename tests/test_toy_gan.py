"""The toy metric on sample sets whose answer is known, the data sets, and the toy GAN's step."""
import math

import numpy as np
import pytest
import torch
from scipy.stats import multivariate_normal
from torch import nn

from gan_lessons import toy_data
from gan_lessons.models import mlp
from gan_lessons.toy_gan import PRESETS, StackedMLP, ToyConfig, ToyGAN


@pytest.mark.parametrize("name,n_modes", [("ring", 8), ("grid", 25)])
def test_exact_mode_centres_cover_everything(name, n_modes):
    centres = toy_data.modes(name)
    samples = centres.repeat(100, 1)                     # 100 points on every centre
    q = toy_data.quality(samples, name)
    assert (q.modes_covered, q.n_modes, q.high_quality) == (n_modes, n_modes, 1.0)
    assert q.counts == [100] * n_modes


def test_one_mode_only_is_one_mode_at_full_quality():
    q = toy_data.quality(toy_data.modes("ring")[3].repeat(2500, 1), "ring")
    assert q.modes_covered == 1 and q.high_quality == 1.0 and q.counts[3] == 2500


def test_far_away_points_are_not_high_quality():
    q = toy_data.quality(torch.zeros(2500, 2), "ring")      # the centre of the ring: 2 away from every mode
    assert q.modes_covered == 0 and q.high_quality == 0.0


def test_half_good_half_bad():
    good = toy_data.modes("ring").repeat(157, 1)[:1250]     # 1,250 points spread over the 8 modes
    q = toy_data.quality(torch.cat([good, torch.full((1250, 2), 10.0)]), "ring")
    assert q.modes_covered == 8 and q.high_quality == 0.5


def test_three_sigma_boundary_and_min_count():
    s = toy_data.sigma("ring")
    centre = toy_data.modes("ring")[0]
    inside = centre + torch.tensor([2.9 * s, 0.0])
    outside = centre + torch.tensor([3.1 * s, 0.0])
    assert toy_data.quality(inside.repeat(30, 1), "ring").high_quality == 1.0
    assert toy_data.quality(outside.repeat(30, 1), "ring").high_quality == 0.0
    # 19 high-quality samples on a mode are not enough to call it covered, 20 are
    assert toy_data.quality(inside.repeat(19, 1), "ring").modes_covered == 0
    assert toy_data.quality(inside.repeat(20, 1), "ring").modes_covered == 1


@pytest.mark.parametrize("name", toy_data.DATASETS)
def test_real_data_scores_the_known_fraction(name):
    """For a 2D Gaussian, P(|x - mu| <= 3 sigma) = 1 - exp(-9/2) = 0.98889 (a chi distribution, 2 dof)."""
    x = toy_data.sample(name, 20000, generator=torch.Generator().manual_seed(0))
    q = toy_data.quality(x, name)
    expected = 1 - math.exp(-4.5)
    # binomial standard error on 20,000 draws is 0.0007: 0.004 is more than 5 of them
    assert abs(q.high_quality - expected) < 0.004, (q.high_quality, expected)
    assert q.modes_covered == q.n_modes


def test_density_matches_scipy():
    name = "grid"
    xy = torch.tensor([[0.0, 0.0], [2.03, -1.98], [1.0, 1.0], [4.1, 4.0]])
    ours = toy_data.pdf(name, xy).numpy()
    s = toy_data.sigma(name)
    ref = np.mean([multivariate_normal(mean=m.numpy(), cov=s * s * np.eye(2)).pdf(xy.numpy())
                   for m in toy_data.modes(name)], axis=0)
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-30)


def test_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="unknown"):
        toy_data.modes("spiral")
    with pytest.raises(ValueError, match=r"\[N, 2\]"):
        toy_data.quality(torch.zeros(10, 3), "ring")
    with pytest.raises(ValueError, match="fix"):
        ToyGAN(ToyConfig(fix="magic"))


@pytest.mark.parametrize("settings", [*PRESETS.values(),
                                      ToyConfig(data="grid", k=3, g_loss="saturating", batch=32)])
def test_toy_gan_steps_give_finite_losses_and_history_length(settings):
    gan = ToyGAN(settings)
    gan.train(5, progress=False)
    history = gan.train(3, progress=False)          # training again continues the same history
    assert history.steps == 8 and history.stop_reason is None
    for key in ("loss_D", "loss_G", "grad_G", "D_real", "D_fake"):
        assert len(history[key]) == 8 and np.isfinite(history[key]).all(), key
    assert gan.quality().n_modes == len(toy_data.modes(settings.data))


def test_same_seed_same_numbers_whatever_the_global_rng():
    a, b = ToyGAN(ToyConfig(seed=3)), ToyGAN(ToyConfig(seed=3))
    torch.manual_seed(0)
    ha = a.train(4, progress=False)["loss_D"]
    torch.manual_seed(123)                               # a run owns its random stream: the global one is irrelevant
    hb = b.train(4, progress=False)["loss_D"]
    assert ha == hb
    assert ToyGAN(ToyConfig(seed=4)).train(4, progress=False)["loss_D"] != ha   # and the seed matters


def test_toy_gan_leaves_the_global_rng_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    gan = ToyGAN(ToyConfig(seed=7, batch=16))             # building (seeded init) ...
    gan.train(2, progress=False)                         # ... and training draw nothing from the global stream
    torch.testing.assert_close(torch.rand(3), expected)


@pytest.mark.parametrize("net", [mlp(2, 2, 8, act=nn.Tanh), nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(),
                                                                          nn.Linear(8, 2))])
def test_stacked_mlp_refuses_what_it_cannot_stack(net):
    with pytest.raises(ValueError, match="stacks only Linear/ReLU"):
        StackedMLP([net, net])


def test_view_limit_shows_every_mode():
    for name in toy_data.DATASETS:
        lim = toy_data.view_limit(name)
        assert toy_data.modes(name).abs().max() + 0.5 < lim < toy_data.modes(name).abs().max() + 1


def test_live_changes_reach_the_optimisers():
    gan = ToyGAN()
    gan.update(lr_D=3e-3, k=4, data="grid")
    assert gan.opt_D.param_groups[0]["lr"] == 3e-3 and gan.config.k == 4
    assert gan.sample_real().abs().max() > 3            # grid points reach +-4, the ring only 2


def test_stacked_runs_start_as_lone_runs_and_stay_independent():
    stacked = ToyGAN(ToyConfig(runs=2, seed=5))
    lone = [ToyGAN(ToyConfig(seed=5)), ToyGAN(ToyConfig(seed=6))]
    z = torch.randn(7, 2)
    out = stacked.G(torch.cat([z, z])).view(2, 7, 2)
    for r in range(2):
        torch.testing.assert_close(out[r], lone[r].G(z))
    # a loss on run 0's rows leaves run 1's weights without gradient
    stacked.G(torch.cat([z, z]))[:7].sum().backward()
    for w in stacked.G.weights:
        assert w.grad[0].abs().sum() > 0 and w.grad[1].abs().sum() == 0
