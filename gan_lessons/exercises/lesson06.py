"""Lesson 06's exercises: the reparameterisation trick, the closed-form KL to N(0, I), the VAE loss.

The references are the package's own functions (gan_lessons.vae), the ones the lesson trains with."""
import torch
import torch.nn.functional as F

from gan_lessons import vae
from gan_lessons.exercises import Exercise, register


def _codes():
    g = torch.Generator().manual_seed(6)
    return [tuple(torch.randn(5, 3, generator=g, dtype=torch.float64) for _ in range(2)),
            (torch.zeros(2, 4, dtype=torch.float64), torch.zeros(2, 4, dtype=torch.float64)),
            (torch.ones(3, 2, dtype=torch.float64), torch.full((3, 2), -2.0, dtype=torch.float64))]


register(Exercise(
    "lesson06.reparameterize", vae.reparameterize, _codes,   # the checker seeds torch: same eps for every answer
    mistakes=[
        (lambda mu, lv: mu + torch.exp(lv) * torch.randn_like(mu),
         "it scales eps by exp(logvar) = sigma^2: the standard deviation is exp(logvar / 2)."),
        (lambda mu, lv: mu + lv * torch.randn_like(mu),
         "it scales eps by logvar itself: sigma = exp(logvar / 2) (logvar can be negative; sigma cannot)."),
        (lambda mu, lv: torch.exp(0.5 * lv) * torch.randn_like(mu), "mu is missing: z = mu + sigma * eps."),
        (lambda mu, lv: mu + torch.exp(0.5 * lv),
         "eps is missing: without noise z is a deterministic function of x, and the KL term has nothing to regularise."),
    ]))


def _kl_sum(mu, lv):
    return 1 + lv - mu ** 2 - lv.exp()


register(Exercise(
    "lesson06.kl", vae.kl_to_prior, _codes,
    mistakes=[
        (lambda mu, lv: -_kl_sum(mu, lv).sum() / len(mu),
         "the factor 1/2 is missing: KL = -1/2 * sum(1 + logvar - mu^2 - exp(logvar))."),
        (lambda mu, lv: 0.5 * _kl_sum(mu, lv).sum() / len(mu), "the sign is flipped: a KL divergence is never negative."),
        (lambda mu, lv: -0.5 * _kl_sum(mu, lv).mean(),
         "it averages over the latent dimensions too: the KL of independent dimensions SUMS; only the batch is averaged."),
        (lambda mu, lv: -0.5 * _kl_sum(mu, lv).sum(),
         "it sums over the batch: average over the batch (divide by len(mu)), like the reconstruction term."),
    ]))


def _images():
    g = torch.Generator().manual_seed(7)
    x = torch.rand(4, 1, 28, 28, generator=g, dtype=torch.float64) * 2 - 1
    logits = torch.randn(4, 1, 28, 28, generator=g, dtype=torch.float64) * 2
    mu, logvar = torch.randn(2, 4, 3, generator=g, dtype=torch.float64)
    return [(x, logits, mu, logvar)]


register(Exercise(
    "lesson06.vae_loss", vae.vae_loss, _images,
    mistakes=[
        (lambda x, lg, mu, lv: (F.mse_loss(torch.tanh(lg / 2), x, reduction="sum") / len(x), vae.kl_to_prior(mu, lv)),
         "the reconstruction term is a squared error: this VAE's decoder models each pixel as a Bernoulli, so it is "
         "binary cross-entropy on the logits (against pixels in [0, 1])."),
        (lambda x, lg, mu, lv: (F.binary_cross_entropy_with_logits(lg, vae.to_pixels01(x)), vae.kl_to_prior(mu, lv)),
         "the reconstruction is averaged over pixels: -log p(x|z) SUMS over the 784 pixels (then averages over the "
         "batch); averaged, it is 784x too weak against the KL."),
        (lambda x, lg, mu, lv: (F.binary_cross_entropy_with_logits(lg, x.clamp(0, 1), reduction="sum") / len(x),
                                vae.kl_to_prior(mu, lv)),
         "the targets are the [-1, 1] images: map them to [0, 1] first (to_pixels01), the range of a Bernoulli mean."),
        (lambda x, lg, mu, lv: (F.binary_cross_entropy_with_logits(lg, vae.to_pixels01(x), reduction="sum") / len(x),
                                torch.zeros((), dtype=x.dtype)),
         "the KL term is zero: without it the codes can go anywhere, and sampling z ~ N(0, I) decodes to nonsense."),
    ]))
