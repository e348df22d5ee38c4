"""The toy GAN: its step, its seeding, its stacked runs and live changes (toy_data: tests/test_toy_data.py)."""
import numpy as np
import pytest
import torch
from torch import nn

from gan_lessons import toy_data
from gan_lessons.models import mlp
from gan_lessons.toy_gan import PRESETS, StackedMLP, ToyConfig, ToyGAN


def test_unknown_fix_says_what_to_do():
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
