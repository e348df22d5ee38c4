import copy

import pytest
import torch
import torch.nn.functional as F
from recorder import Recorder
from torch.distributions import Normal, kl_divergence

from gan_lessons.vae import (
    ConvDecoder,
    ConvEncoder,
    FeatureDiscriminator,
    feature_reconstruction,
    kl_to_prior,
    reparameterize,
    to_pixels01,
    vae_loss,
    vae_step,
    vaegan_step,
)


def test_shapes_and_image_range():
    E, G = ConvEncoder(z_dim=16), ConvDecoder(z_dim=16)
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    mu, logvar = E(x)
    assert mu.shape == logvar.shape == (5, 16)
    z = torch.randn(5, 16)
    assert G.logits(z).shape == (5, 1, 28, 28)
    img = G(z)
    assert img.shape == (5, 1, 28, 28) and img.min() >= -1 and img.max() <= 1
    # the image is 2*sigmoid(logit) - 1, so its [0, 1] version is the Bernoulli mean
    assert torch.allclose(to_pixels01(img), torch.sigmoid(G.logits(z)), atol=1e-6)
    D = FeatureDiscriminator(ndf=8)
    assert D(x).shape == (5, 1) and D.features(x).shape == (5, 16 * 49)


def test_kl_and_reconstruction_match_their_references():
    torch.manual_seed(0)
    mu, logvar = torch.randn(6, 16), torch.randn(6, 16)
    ref = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(1).mean()
    assert kl_to_prior(mu, logvar).item() == pytest.approx(ref.item(), rel=1e-5)
    x = torch.rand(6, 1, 28, 28) * 2 - 1
    logits = torch.randn(6, 1, 28, 28)
    p, t = torch.sigmoid(logits), (x + 1) / 2
    rec_ref = -(t * p.log() + (1 - t) * (1 - p).log()).sum() / 6   # Bernoulli -log p(x|z), summed over pixels
    rec, kl = vae_loss(x, logits, mu, logvar)
    assert rec.item() == pytest.approx(rec_ref.item(), rel=1e-4)
    assert kl.item() == pytest.approx(ref.item(), rel=1e-5)


def test_reparameterize_has_the_right_moments_and_passes_gradients():
    torch.manual_seed(0)
    mu = torch.full((200_000, 1), 2.0, requires_grad=True)
    logvar = torch.full((200_000, 1), float(torch.log(torch.tensor(0.25))), requires_grad=True)
    z = reparameterize(mu, logvar)
    assert z.mean().item() == pytest.approx(2.0, abs=0.01)
    assert z.std().item() == pytest.approx(0.5, abs=0.01)
    z.sum().backward()
    assert torch.all(mu.grad == 1)                       # dz/dmu = 1
    assert logvar.grad.abs().sum() > 0


def test_vae_step_learns_a_fixed_batch():
    torch.manual_seed(0)
    x = (torch.rand(32, 1, 28, 28) > 0.8).float() * 2 - 1
    E, G = ConvEncoder(16), ConvDecoder(16)
    opt = torch.optim.Adam([*E.parameters(), *G.parameters()], lr=1e-3)
    first = vae_step(E, G, opt, x)
    for _ in range(20):
        last = vae_step(E, G, opt, x)
    assert last["reconstruction"] < 0.9 * first["reconstruction"]


def test_feature_reconstruction_is_half_the_squared_feature_distance():
    torch.manual_seed(0)
    D = FeatureDiscriminator(ndf=8)
    x, y = torch.rand(4, 1, 28, 28) * 2 - 1, torch.rand(4, 1, 28, 28) * 2 - 1
    ref = sum(0.5 * ((D.features(x[i:i + 1]) - D.features(y[i:i + 1])) ** 2).sum() for i in range(4)) / 4
    assert feature_reconstruction(D, x, y).item() == pytest.approx(ref.item(), rel=1e-5)
    assert feature_reconstruction(D, x, x).item() == 0.0


def _vaegan(seed=0):
    torch.manual_seed(seed)
    return ConvEncoder(4, nf=4), ConvDecoder(4, nf=4), FeatureDiscriminator(ndf=4)


def _hand_written_losses(E, G, D, x, gamma, seed):
    """Larsen et al.'s three losses, written independently, drawing the same noise as vaegan_step."""
    torch.manual_seed(seed)
    mu, logvar = E(x)
    eps = torch.randn_like(mu)
    x_rec = G(mu + (0.5 * logvar).exp() * eps)
    x_p = G(torch.randn(len(x), mu.shape[1]))
    fakes = torch.cat([x_rec, x_p])
    loss_D = -F.logsigmoid(D(x)).mean() - F.logsigmoid(-D(fakes.detach())).mean()
    kl = (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).sum(1).mean()
    llike = 0.5 * ((D.features(x) - D.features(x_rec)) ** 2).sum(1).mean()
    gan_G = -F.logsigmoid(D(fakes)).mean()
    return loss_D, kl + llike, gamma * llike + gan_G


def test_vaegan_step_gives_each_network_its_own_loss():
    E, G, D = _vaegan()
    E0, G0, D0 = copy.deepcopy(E), copy.deepcopy(G), copy.deepcopy(D)
    x = torch.rand(8, 1, 28, 28) * 2 - 1
    opts = [Recorder(m.parameters()) for m in (E, G, D)]
    torch.manual_seed(3)
    vaegan_step(E, G, D, *opts, x, gamma=0.3)
    loss_D, loss_E, loss_G = _hand_written_losses(E0, G0, D0, x, 0.3, seed=3)
    for opt, loss, model in zip(opts, (loss_E, loss_G, loss_D), (E0, G0, D0)):
        for g, ref in zip(opt.grads, torch.autograd.grad(loss, list(model.parameters()), retain_graph=True)):
            assert torch.allclose(g, ref, rtol=1e-4, atol=1e-6)


def test_vaegan_step_updates_D_first_and_E_G_half_leaves_D_alone():
    E, G, D = _vaegan()
    E0, G0 = copy.deepcopy(E), copy.deepcopy(G)
    x = torch.rand(8, 1, 28, 28) * 2 - 1
    opt_E, opt_G = Recorder(E.parameters()), Recorder(G.parameters())
    opt_D = torch.optim.SGD(D.parameters(), lr=0.5)
    D_before = copy.deepcopy(D)
    torch.manual_seed(3)
    vaegan_step(E, G, D, opt_E, opt_G, opt_D, x, gamma=0.3)
    # D took exactly one SGD step on L_D (and the E and G half did not move it further)
    loss_D, _, _ = _hand_written_losses(E0, G0, D_before, x, 0.3, seed=3)
    grads = torch.autograd.grad(loss_D, list(D_before.parameters()))
    for p, p0, g in zip(D.parameters(), D_before.parameters(), grads):
        assert torch.allclose(p, p0 - 0.5 * g, atol=1e-6)
    # E's and G's gradients were computed with the updated D
    _, loss_E, loss_G = _hand_written_losses(E0, G0, D, x, 0.3, seed=3)
    for opt, loss, model in ((opt_E, loss_E, E0), (opt_G, loss_G, G0)):
        for g, ref in zip(opt.grads, torch.autograd.grad(loss, list(model.parameters()), retain_graph=True)):
            assert torch.allclose(g, ref, rtol=1e-4, atol=1e-6)


def test_train_vae_is_its_config_and_leaves_the_callers_rng_alone():
    """Same config, same weights; the global RNG is the caller's before and after (the one seeding rule)."""
    from gan_lessons.vae import SHIPPED_VAE, SHIPPED_VAEGAN, VAEConfig, train_vae, train_vaegan
    images = torch.rand(32, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    config = SHIPPED_VAE.but(steps=2, batch_size=8, z_dim=4)
    state = torch.get_rng_state()
    a, history = train_vae(images, config, progress=False)
    assert torch.equal(state, torch.get_rng_state()), "train_vae moved the caller's RNG"
    b, _ = train_vae(images, config, progress=False)
    assert len(history["KL"]) == 2 and all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    vaegan, _ = train_vaegan(images, SHIPPED_VAEGAN.but(steps=1, batch_size=8, z_dim=4, ndf=8), progress=False)
    assert torch.equal(state, torch.get_rng_state()) and vaegan["D"].head.in_features == 2 * 8 * 49
    with pytest.raises(ValueError, match="gamma"):
        VAEConfig(gamma=0)
