"""The GAN step tested the way micrograd tests its gradients: tiny fixed networks and batches, every number
compared with a hand-written formula or with autograd."""

import numpy as np
import pytest
import torch
from torch import nn

from gan_lessons.models import mlp
from gan_lessons.train import G_LOSSES, discriminator_loss, fit, gan_step, generator_loss


def _nets(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(3, 2), nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))


def _batches(seed=1, n=5, k=3):
    """Fixed batches, handed out in order: k real batches, then k+1 noise batches (D half, then G half)."""
    g = torch.Generator().manual_seed(seed)
    reals = [torch.randn(n, 2, generator=g) for _ in range(k)]
    zs = [torch.randn(n, 3, generator=g) for _ in range(k + 1)]
    real_iter, z_iter = iter(reals), iter(zs)
    return reals, zs, (lambda: next(real_iter)), (lambda m: next(z_iter)[:m])


def _params(net):
    return [p.detach().clone() for p in net.parameters()]


def _sgd_by_hand(net, loss):
    """One plain gradient-descent step (lr 0.1) with gradients of `loss` taken by autograd."""
    grads = torch.autograd.grad(loss, list(net.parameters()))
    with torch.no_grad():
        for p, g in zip(net.parameters(), grads):
            p -= 0.1 * g


@pytest.mark.parametrize("kind", G_LOSSES)


def test_losses_and_updates_match_the_lecture_by_hand(kind):
    G, D = _nets()
    G_ref, D_ref = _nets()
    reals, zs, sample_real, sample_z = _batches(k=1)
    out = gan_step(G, D, torch.optim.SGD(G.parameters(), lr=0.1), torch.optim.SGD(D.parameters(), lr=0.1),
                   sample_real, sample_z, k=1, g_loss=kind)
    # L_D = -E[log D(x)] - E[log(1 - D(G(z)))], written with log and sigmoid (not BCE)
    D_of = lambda x: torch.sigmoid(D_ref(x)).squeeze(-1)  # noqa: E731
    loss_D = -torch.log(D_of(reals[0])).mean() - torch.log(1 - D_of(G_ref(zs[0]).detach())).mean()
    assert out["loss_D"] == pytest.approx(loss_D.item(), rel=1e-5)
    _sgd_by_hand(D_ref, loss_D)
    # G's step sees the updated D; the saturating loss is +E[log(1 - D)], the non-saturating one -E[log D]
    d_fake = D_of(G_ref(zs[1]))
    loss_G = -torch.log(d_fake).mean() if kind == "non-saturating" else torch.log(1 - d_fake).mean()
    assert out["loss_G"] == pytest.approx(loss_G.item(), rel=1e-5)
    _sgd_by_hand(G_ref, loss_G)
    ours, refs = [*G.parameters(), *D.parameters()], [*G_ref.parameters(), *D_ref.parameters()]
    for mine, ref in zip(ours, refs):
        torch.testing.assert_close(mine, ref, rtol=1e-5, atol=1e-6)


def test_each_half_moves_only_its_own_network_and_D_steps_k_times():
    G, D = _nets()
    opt_G, opt_D = torch.optim.Adam(G.parameters(), lr=0.01), torch.optim.Adam(D.parameters(), lr=0.01)
    _, _, sample_real, sample_z = _batches(k=3)
    G_before, seen = _params(G), {"D": 0, "G": 0}

    def before_D_step(*_):
        seen["D"] += 1
        for p, p0 in zip(G.parameters(), G_before):
            assert torch.equal(p, p0), "G moved during the D half"
            assert p.grad is None, "the D half put gradients into G (no torch.no_grad around G(z)?)"

    def after_D_step(*_):
        seen["D_after"] = _params(D)

    def before_G_step(*_):
        seen["G"] += 1
        assert seen["D"] == 3, "G stepped before D's k steps were done"
        for p, p_last in zip(D.parameters(), seen["D_after"]):
            assert torch.equal(p, p_last), "D moved during the G half"

    opt_D.register_step_pre_hook(before_D_step)
    opt_D.register_step_post_hook(after_D_step)
    opt_G.register_step_pre_hook(before_G_step)
    gan_step(G, D, opt_G, opt_D, sample_real, sample_z, k=3)
    assert (seen["D"], seen["G"]) == (3, 1)
    assert not all(torch.equal(p, p0) for p, p0 in zip(G.parameters(), G_before)), "G never moved"


@pytest.mark.parametrize("kind, expected", [("saturating", lambda d: -d), ("non-saturating", lambda d: -(1 - d))])


def test_generator_loss_gradient_wrt_logit(kind, expected):
    """d/dlogit of log(1 - D) is -D (vanishes where D ~ 0, i.e. where G is bad); of -log D it is -(1 - D)."""
    logit = torch.linspace(-8, 8, 17, requires_grad=True)
    generator_loss(logit, kind, reduction="sum").backward()
    torch.testing.assert_close(logit.grad, expected(torch.sigmoid(logit.detach())))


def test_discriminator_loss_is_bce_with_real_label_one():
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    by_hand = -torch.log(torch.sigmoid(real)).mean() - torch.log(1 - torch.sigmoid(fake)).mean()
    torch.testing.assert_close(discriminator_loss(real, fake), by_hand)
    assert discriminator_loss(real, fake) < discriminator_loss(fake, real)  # swapping the labels costs more


def test_unknown_loss_names_fail_with_a_sentence():
    with pytest.raises(ValueError, match="unknown"):
        generator_loss(torch.zeros(2), "wasserstein")
    G, D = _nets()
    _, _, sample_real, sample_z = _batches()
    with pytest.raises(ValueError, match="unknown"):
        gan_step(G, D, None, None, sample_real, sample_z, g_loss="minimax")


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
