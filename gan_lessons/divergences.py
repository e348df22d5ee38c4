"""KL, JS, the optimal discriminator D* and C(G) = max_D V(G, D) for 1D densities, by numerical integration.

Everything is computed from log-densities: far in the tails pdf values underflow to 0 (or to subnormals whose
half is 0), and then p * log(p / m) turns into 0 * inf = nan or inf. In log space the integrands stay finite,
and each density carries the interval outside which its mass is negligible, so quad never wanders into
regions that are pure underflow. All results are in nats (natural log) unless a function says otherwise.
"""
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate, stats
from scipy.spatial.distance import jensenshannon

LN2 = float(np.log(2.0))
LOG4 = float(np.log(4.0))
TAIL = 1e-15  # mass we allow ourselves to ignore in each tail: far below the 1e-6 the checks ask for


@dataclass
class Density:
    """A 1D density: log-pdf, an interval [lo, hi] holding all but ~TAIL of its mass, and a sampler.

    `points` are places where the integrand changes fast (modes, jumps); quad is told about them so that a
    narrow peak on a wide interval is not missed.
    """
    logpdf: callable
    lo: float
    hi: float
    sample: callable  # sample(n, rng) -> np.ndarray
    name: str = ""
    points: tuple = field(default_factory=tuple)

    def pdf(self, x):
        return np.exp(self.logpdf(np.asarray(x, dtype=float)))


def from_scipy(dist, name: str = "", points=()) -> Density:
    """Wrap a frozen scipy.stats distribution (norm(0, 1), uniform(2, 1), ...)."""
    lo, hi = float(dist.ppf(TAIL)), float(dist.isf(TAIL))
    pts = tuple(points) or (float(dist.median()),)
    return Density(dist.logpdf, lo, hi, lambda n, rng: dist.rvs(size=n, random_state=rng), name, pts)


def _norm_logpdf(x, mean, std):
    # written out rather than scipy.stats.norm.logpdf: quad calls it thousands of times with scalars,
    # where scipy's per-call overhead (~85 µs) would dominate the whole computation
    z = (x - mean) / std
    return -0.5 * z * z - np.log(std) - 0.5 * np.log(2 * np.pi)


def gaussian(mean: float, std: float) -> Density:
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}.")
    lo, hi = stats.norm.ppf(TAIL, mean, std), stats.norm.isf(TAIL, mean, std)
    return Density(lambda x: _norm_logpdf(np.asarray(x, dtype=float), mean, std), float(lo), float(hi),
                   lambda n, rng: np.random.default_rng(rng).normal(mean, std, size=n),
                   f"N({mean:g}, {std:g}²)", (float(mean),))


def uniform(a: float, b: float) -> Density:
    if not b > a:
        raise ValueError(f"uniform(a, b) needs a < b, got a={a}, b={b}.")

    def logpdf(x):
        x = np.asarray(x, dtype=float)
        return np.where((x >= a) & (x <= b), -np.log(b - a), -np.inf)
    return Density(logpdf, a, b, lambda n, rng: np.random.default_rng(rng).uniform(a, b, size=n),
                   f"U({a:g}, {b:g})", (a, b))


def mixture(weights, means, stds) -> Density:
    """A Gaussian mixture sum_k w_k N(mean_k, std_k²), evaluated with log-sum-exp (no underflow)."""
    w, mu, sd = (np.asarray(v, dtype=float) for v in (weights, means, stds))
    if not (w.shape == mu.shape == sd.shape) or np.any(w <= 0) or np.any(sd <= 0):
        raise ValueError("mixture needs equally many positive weights, means and positive stds.")
    w = w / w.sum()

    def logpdf(x):
        parts = np.log(w) + _norm_logpdf(np.asarray(x, dtype=float)[..., None], mu, sd)
        top = parts.max(axis=-1)
        return top + np.log(np.exp(parts - top[..., None]).sum(axis=-1))

    def sample(n, rng):
        rng = np.random.default_rng(rng)
        k = rng.choice(len(w), size=n, p=w)
        return rng.normal(mu[k], sd[k])

    lo = float(np.min(stats.norm.ppf(TAIL, mu, sd)))
    hi = float(np.max(stats.norm.isf(TAIL, mu, sd)))
    name = " + ".join(f"{wk:.2g}·N({m:g}, {s:g}²)" for wk, m, s in zip(w, mu, sd))
    return Density(logpdf, lo, hi, sample, name, tuple(float(m) for m in mu))


def _integrate(f, p: Density, q: Density) -> float:
    """∫ f(x) dx over the union of both mass intervals, split at both densities' special points."""
    lo, hi = min(p.lo, q.lo), max(p.hi, q.hi)
    pts = sorted({lo, hi, *(t for t in p.points + q.points + (p.lo, p.hi, q.lo, q.hi) if lo <= t <= hi)})
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        if b > a:
            total += integrate.quad(f, a, b, limit=200, epsabs=1e-14, epsrel=1e-12)[0]
    return total


def _plogratio(logp, logq):
    """p * (log p - log q), with 0 where p = 0 (the limit) even if q = 0 too."""
    with np.errstate(invalid="ignore"):
        out = np.exp(logp) * (logp - logq)
    return np.where(np.isneginf(logp), 0.0, out)


def kl(p: Density, q: Density) -> float:
    """KL(p‖q) = ∫ p log(p/q) dx in nats; inf where p has mass that q lacks."""
    return _integrate(lambda x: float(_plogratio(p.logpdf(x), q.logpdf(x))), p, q)


def _midpoint(p: Density, q: Density) -> Density:
    """m = (p + q) / 2, the mixture JS compares both densities with."""
    def logm(x):
        return np.logaddexp(p.logpdf(x), q.logpdf(x)) - LN2
    return Density(logm, min(p.lo, q.lo), max(p.hi, q.hi), None, "m", p.points + q.points)


def js(p: Density, q: Density, base: float = np.e) -> float:
    """JS(p‖q) = ½ KL(p‖m) + ½ KL(q‖m), m = (p+q)/2, from two KL integrals. Nats by default; base=2 for bits.

    Shown in lesson 02.
    """
    m = _midpoint(p, q)
    return (0.5 * kl(p, m) + 0.5 * kl(q, m)) / np.log(base)


def js_scipy(p: Density, q: Density, n: int = 20001, base: float = np.e) -> float:
    """JS from scipy.spatial.distance.jensenshannon on a grid: it returns the *distance*, so we square it.

    The grid is trimmed to where either density holds mass (pdf values far from underflow), because raw pdf
    values on a wide grid made scipy return inf (tiny p over an underflowed m). jensenshannon normalises the
    two vectors, so on a uniform grid this is the trapezoid rule, very accurate for smooth densities.
    Shown in lesson 02.
    """
    x = np.linspace(min(p.lo, q.lo), max(p.hi, q.hi), n)
    return float(jensenshannon(p.pdf(x), q.pdf(x), base=base) ** 2)


def d_star(p_data: Density, p_g: Density, x) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g), as sigmoid(log p_data - log p_g).

    ½ where both are 0 (any D is optimal there).
    """
    a, b = p_data.logpdf(np.asarray(x, dtype=float)), p_g.logpdf(np.asarray(x, dtype=float))
    both_zero = np.isneginf(a) & np.isneginf(b)
    with np.errstate(invalid="ignore"):
        d = np.exp(a - np.logaddexp(a, b))
    return np.where(both_zero, 0.5, d)


def value(p_data: Density, p_g: Density, logit) -> float:
    """V(G, D) = ∫ p_data log D + p_g log(1 − D) dx, for D given by its logit: D(x) = sigmoid(logit(x)).

    Logits, as our discriminators return them, keep log D = −softplus(−logit) and log(1 − D) = −softplus(logit)
    exact where D rounds to 0 or 1. A term whose density is 0 counts as 0 (0 · log 0 := 0): on disjoint
    supports D* is exactly 0 or 1 there. Shown in lesson 02.
    """
    def f(x):
        a, b, t = float(p_data.logpdf(x)), float(p_g.logpdf(x)), float(logit(x))
        real = 0.0 if a == -np.inf else np.exp(a) * -np.logaddexp(0.0, -t)
        fake = 0.0 if b == -np.inf else np.exp(b) * -np.logaddexp(0.0, t)
        return real + fake
    return _integrate(f, p_data, p_g)


def d_star_logit(p_data: Density, p_g: Density, x) -> np.ndarray:
    """The logit of D*: log p_data(x) − log p_g(x) (±inf where only one density has mass)."""
    with np.errstate(invalid="ignore"):
        return p_data.logpdf(np.asarray(x, dtype=float)) - p_g.logpdf(np.asarray(x, dtype=float))


def c_of_g(p_data: Density, p_g: Density) -> float:
    """C(G) = max_D V(G, D) = V(G, D*), integrated directly with D* plugged into V (not via JS). Shown in lesson 02."""
    return value(p_data, p_g, lambda x: d_star_logit(p_data, p_g, x))
