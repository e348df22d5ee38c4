"""Lesson 01's exercises: the Gaussian log-likelihood, its maximum (MLE), sampling x_new."""
import math

import torch

from gan_lessons.exercises import Exercise, register


def log_likelihood(x, mu, sigma):
    """sum_i log N(x_i | mu, sigma^2), in nats."""
    x = torch.as_tensor(x, dtype=torch.float64)
    return (-0.5 * math.log(2 * math.pi) - math.log(sigma) - (x - mu) ** 2 / (2 * sigma ** 2)).sum()


def _cases():
    g = torch.Generator().manual_seed(1)
    return [(torch.randn(50, generator=g, dtype=torch.float64) * 2 + 1, 1.0, 2.0),
            (torch.tensor([0.0, 1.0, 3.0], dtype=torch.float64), 0.5, 0.5),
            (torch.tensor([4.0], dtype=torch.float64), -1.0, 3.0)]


register(Exercise(
    "lesson01.log_likelihood", log_likelihood, _cases,
    mistakes=[
        (lambda x, mu, s: log_likelihood(x, mu, s) / len(x),
         "it returns the MEAN log-likelihood: the likelihood of the data set multiplies the densities, so its log SUMS them."),
        (lambda x, mu, s: (-0.5 * math.log(2 * math.pi) - 2 * math.log(s) - (x - mu) ** 2 / (2 * s ** 2)).sum(),
         "the normalising term uses log(sigma^2) where it should be log(sigma) = 0.5 * log(sigma^2)."),
        (lambda x, mu, s: (-0.5 * math.log(2 * math.pi) - math.log(s) - (x - mu) ** 2 / (2 * s)).sum(),
         "the squared distance is divided by 2*sigma, not 2*sigma^2: sigma is the standard deviation here."),
        (lambda x, mu, s: (-math.log(s) - (x - mu) ** 2 / (2 * s ** 2)).sum(),
         "the constant -0.5*log(2*pi) per sample is missing: the maximiser is the same, but it is not the log-likelihood."),
        (lambda x, mu, s: log_likelihood(x, mu, s) / math.log(2),
         "it is in bits (log base 2): the lesson works in nats (natural log), like torch and scipy."),
        (lambda x, mu, s: log_likelihood(x, mu, s).exp(),
         "it returns the likelihood itself, not its log (and that underflows to 0 for large data sets)."),
    ]))


def mle(x):
    """(mu_hat, sigma2_hat): the maximum-likelihood mean and variance (the variance divides by n)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    mu = x.mean()
    return mu, ((x - mu) ** 2).mean()


def _mle_cases():
    g = torch.Generator().manual_seed(2)
    return [(torch.randn(20, generator=g, dtype=torch.float64) * 3 - 2,),
            (torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64),)]


register(Exercise(
    "lesson01.mle", mle, _mle_cases,
    mistakes=[
        (lambda x: (x.mean(), x.var(unbiased=True)),
         "that variance divides by n - 1 (the unbiased estimate); the MAXIMUM-likelihood variance divides by n."),
        (lambda x: (x.mean(), x.std(unbiased=False)),
         "it returns the standard deviation sigma, not the variance sigma^2."),
        (lambda x: (x.mean(), x.std(unbiased=True)),
         "it returns the unbiased standard deviation: the MLE asks for the variance, dividing by n."),
        (lambda x: (x.median(), ((x - x.mean()) ** 2).mean()),
         "mu_hat is the median: the log-likelihood's derivative in mu vanishes at the MEAN."),
    ]))


def sample(mu, sigma, n, generator):
    """n draws of x_new ~ N(mu, sigma^2), using `generator` for the randomness."""
    return mu + sigma * torch.randn(n, generator=generator, dtype=torch.float64)


def _sample_cases():
    return [(1.5, 0.5, 20_000, torch.Generator().manual_seed(3)), (-2.0, 3.0, 20_000, torch.Generator().manual_seed(4))]


def _sample_custom(candidate):
    """Random output: judged by its moments (within 5 standard errors), not by equality."""
    for mu, sigma, n, g in _sample_cases():
        x = torch.as_tensor(candidate(mu, sigma, n, g), dtype=torch.float64)
        if x.shape != (n,):
            return f"it returns shape {tuple(x.shape)}; expected ({n},): one draw per sample."
        m, s = x.mean().item(), x.std().item()
        if abs(s - sigma ** 2) < 5 * sigma ** 2 / (2 * n) ** 0.5 and abs(sigma ** 2 - sigma) > 0.1:
            return "its spread is sigma^2: torch.randn has standard deviation 1, so multiply it by sigma, not sigma^2."
        if abs(s - 1) < 0.05 and abs(sigma - 1) > 0.1:
            return "its spread is 1 whatever sigma is: multiply the standard normal draws by sigma."
        if abs(m - mu) > 5 * sigma / n ** 0.5:
            return f"its mean is {m:.3f} where mu = {mu}: shift the draws by mu."
        if abs(s - sigma) > 5 * sigma / (2 * n) ** 0.5:
            return f"its standard deviation is {s:.3f} where sigma = {sigma}."
        first, second = (torch.as_tensor(candidate(mu, sigma, n, torch.Generator().manual_seed(7))) for _ in range(2))
        if not torch.equal(first, second):
            return "it ignores the generator it is given (torch.randn(..., generator=generator)), so the same seed does not give the same samples."
    return None


register(Exercise("lesson01.sample", sample, custom=_sample_custom, mistakes=[
    (lambda mu, s, n, g: mu + s ** 2 * torch.randn(n, generator=g), "its spread is sigma^2"),
    (lambda mu, s, n, g: mu + torch.randn(n, generator=g), "its spread is 1 whatever sigma is"),
    (lambda mu, s, n, g: s * torch.randn(n, generator=g), "its mean is"),
    (lambda mu, s, n, g: mu + s * torch.randn(n), "it ignores the generator"),
]))
