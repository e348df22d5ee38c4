import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

from gan_lessons.models import DCGANDiscriminator
from gan_lessons.vae import ConvDecoder, ConvEncoder, to_pixels01


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


def test_closed_form_kl_matches_torch_distributions():
    # the formula the lesson writes inline, against torch's reference
    torch.manual_seed(0)
    mu, logvar = torch.randn(6, 16), torch.randn(6, 16)
    ours = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
    ref = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(1)
    assert torch.allclose(ours, ref, rtol=1e-5, atol=1e-5)


def _vae_step(E, G, opt, x, D=None, opt_D=None):
    mu, logvar = E(x)
    z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
    logits = G.logits(z)
    rec = F.binary_cross_entropy_with_logits(logits, to_pixels01(x), reduction="sum") / len(x)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(x)
    loss = rec + kl
    if D is not None:
        fake = torch.tanh(logits / 2)
        d_loss = (F.binary_cross_entropy_with_logits(D(x), torch.ones(len(x), 1))
                  + F.binary_cross_entropy_with_logits(D(fake.detach()), torch.zeros(len(x), 1)))
        opt_D.zero_grad()
        d_loss.backward()
        opt_D.step()
        loss = loss + F.binary_cross_entropy_with_logits(D(fake), torch.ones(len(x), 1), reduction="sum") / len(x)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return rec.item(), kl.item(), loss.item()


def test_a_few_vae_and_vaegan_steps_stay_finite_and_learn():
    torch.manual_seed(0)
    x = (torch.rand(32, 1, 28, 28) > 0.8).float() * 2 - 1
    E, G = ConvEncoder(16), ConvDecoder(16)
    opt = torch.optim.Adam([*E.parameters(), *G.parameters()], lr=1e-3)
    first = _vae_step(E, G, opt, x)
    for _ in range(20):
        last = _vae_step(E, G, opt, x)
    assert all(torch.isfinite(torch.tensor(v)) for v in first + last)
    assert last[0] < first[0]  # reconstruction improves on a fixed batch
    D = DCGANDiscriminator(ndf=8)
    opt_D = torch.optim.Adam(D.parameters(), lr=1e-3)
    for _ in range(3):
        out = _vae_step(E, G, opt, x, D, opt_D)
    assert all(torch.isfinite(torch.tensor(v)) for v in out)
