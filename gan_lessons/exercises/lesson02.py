"""Lesson 02's exercises: D* from two densities, KL and JS by summing on a grid, G's gradient w.r.t. D's logit."""
import math

import torch

from gan_lessons.exercises import Exercise, register


def _grid_cases():
    x = torch.linspace(-8, 9, 2001, dtype=torch.float64)
    dx = float(x[1] - x[0])
    normal = lambda m, s: torch.exp(-0.5 * ((x - m) / s) ** 2) / (s * math.sqrt(2 * math.pi))  # noqa: E731
    return [(normal(0, 1), normal(1, 1), dx), (normal(0, 1), normal(2, 0.5), dx), (normal(-1, 2), normal(1, 1), dx)]


def d_star(p_data, p_g):
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), pointwise on arrays of density values."""
    return p_data / (p_data + p_g)


register(Exercise(
    "lesson02.d_star", d_star, lambda: [c[:2] for c in _grid_cases()[:2]] + [(torch.tensor([0.2, 0.5]), torch.tensor([0.6, 0.5]))],
    mistakes=[
        (lambda p, q: q / (p + q), "it is p_g / (p_data + p_g): that is 1 - D*, the probability of FAKE; D outputs the probability of real."),
        (lambda p, q: p / q, "it is the density ratio p_data / p_g, which is unbounded; D* is a probability: p_data / (p_data + p_g)."),
        (lambda p, q: p / (p + q).sum(), "it divides by the SUM over the grid: D* is pointwise, p_data(x) / (p_data(x) + p_g(x)) at each x."),
    ]))


def kl(p, q, dx):
    """KL(p || q) = sum p log(p / q) dx, in nats."""
    return (p * torch.log(p / q)).sum() * dx


register(Exercise(
    "lesson02.kl", kl, _grid_cases,
    mistakes=[
        (lambda p, q, dx: kl(q, p, dx), "it computes KL(q || p): KL is not symmetric, and the lesson asks for KL(p || q) = E_p[log p/q]."),
        (lambda p, q, dx: kl(p, q, dx) / math.log(2), "it is in bits (log base 2): the lesson works in nats."),
        (lambda p, q, dx: (p * torch.log(p / q)).sum(), "the sum misses the grid spacing dx: an integral is sum f(x) dx."),
        (lambda p, q, dx: (p * torch.log(q / p)).sum() * dx, "the sign is flipped (log q/p): KL is never negative."),
    ]))


def js(p, q, dx):
    """JS(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m) with m = (p + q) / 2, in nats (at most ln 2)."""
    m = (p + q) / 2
    return 0.5 * kl(p, m, dx) + 0.5 * kl(q, m, dx)


register(Exercise(
    "lesson02.js", js, _grid_cases,
    mistakes=[
        (lambda p, q, dx: js(p, q, dx) / math.log(2), "it is in bits (log base 2): in nats JS lies in [0, ln 2]; the lecture's [0, 1] is bits."),
        (lambda p, q, dx: 2 * js(p, q, dx), "the two 1/2 weights are missing: JS averages the two KL terms."),
        (lambda p, q, dx: 0.5 * kl(p, q, dx) + 0.5 * kl(q, p, dx), "it averages KL(p||q) and KL(q||p): JS compares each with the MIXTURE m = (p + q) / 2."),
        (lambda p, q, dx: 0.5 * kl(p, p + q, dx) + 0.5 * kl(q, p + q, dx), "the mixture is p + q, which is not a density: m = (p + q) / 2."),
    ]))


def g_grad_wrt_logit(logit, kind):
    """d L_G / d logit for each sample (L_G summed over samples): -D for 'saturating', -(1 - D) for 'non-saturating'."""
    d = torch.sigmoid(logit)
    return -d if kind == "saturating" else -(1 - d)


def _grad_cases():
    logit = torch.linspace(-6, 6, 13, dtype=torch.float64)
    return [(logit, "saturating"), (logit, "non-saturating")]


register(Exercise(
    "lesson02.g_grad_wrt_logit", g_grad_wrt_logit, _grad_cases,
    mistakes=[
        (lambda lg, k: -g_grad_wrt_logit(lg, k), "the sign is flipped: G lowers its loss by RAISING D's logit, so the gradient is negative."),
        (lambda lg, k: g_grad_wrt_logit(lg, "non-saturating" if k == "saturating" else "saturating"),
         "the two losses are swapped: log(1 - D) has gradient -D (vanishing where D ~ 0), -log D has -(1 - D)."),
        (lambda lg, k: -torch.sigmoid(lg) * (1 - torch.sigmoid(lg)), "that is the derivative of D itself (D(1 - D)); differentiate the LOG of D or of 1 - D."),
    ]))
