"""Lesson 06's exercises: the reparameterisation trick, the closed-form KL to N(0, I), the VAE loss."""
import torch

from gan_lessons.exercises import Exercise, register


def _cases():
    g = torch.Generator().manual_seed(6)
    return [tuple(torch.randn(5, 3, generator=g, dtype=torch.float64) for _ in range(3)),
            (torch.zeros(2, 4, dtype=torch.float64), torch.zeros(2, 4, dtype=torch.float64),
             torch.ones(2, 4, dtype=torch.float64))]


def reparameterize(mu, logvar, eps):
    """z = mu + sigma * eps with sigma = exp(logvar / 2): z ~ N(mu, sigma^2), differentiable in mu and logvar."""
    return mu + torch.exp(0.5 * logvar) * eps


register(Exercise(
    "lesson06.reparameterize", reparameterize, _cases,
    mistakes=[
        (lambda mu, lv, eps: mu + torch.exp(lv) * eps, "it scales eps by exp(logvar) = sigma^2: the standard deviation is exp(logvar / 2)."),
        (lambda mu, lv, eps: mu + lv * eps, "it scales eps by logvar itself: sigma = exp(logvar / 2) (logvar can be negative; sigma cannot)."),
        (lambda mu, lv, eps: torch.exp(0.5 * lv) * eps, "mu is missing: z = mu + sigma * eps."),
        (lambda mu, lv, eps: mu + torch.exp(0.5 * lv), "eps is missing: without noise the encoder is deterministic and the KL term has nothing to regularise."),
    ]))


def kl_to_standard_normal(mu, logvar):
    """KL(N(mu, sigma^2) || N(0, I)) per sample: -1/2 * sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)), shape [N]."""
    return -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)


def _kl_cases():
    return [c[:2] for c in _cases()]


register(Exercise(
    "lesson06.kl", kl_to_standard_normal, _kl_cases,
    mistakes=[
        (lambda mu, lv: -(1 + lv - mu ** 2 - lv.exp()).sum(dim=1), "the factor 1/2 is missing: KL = -1/2 * sum(1 + logvar - mu^2 - exp(logvar))."),
        (lambda mu, lv: 0.5 * (1 + lv - mu ** 2 - lv.exp()).sum(dim=1), "the sign is flipped: a KL divergence is never negative."),
        (lambda mu, lv: -0.5 * (1 + lv - mu ** 2 - lv.exp()).mean(dim=1), "it averages over the latent dimensions: the KL of independent dimensions SUMS."),
        (lambda mu, lv: -0.5 * (1 + lv - mu ** 2 - lv.exp()).sum(), "it sums over the batch too: return one KL per sample, shape [N]."),
    ]))
