"""The 2D toy data sets of the GAN papers and their standard metric: modes covered and % high-quality samples.

ring: 8 Gaussians on a circle of radius 2 (the unrolled-GAN paper's ring), sigma 0.05.
grid: 25 Gaussians at {-4,-2,0,2,4}^2, sigma 0.05 (PacGAN's grid).
The unrolled-GAN paper's ring is sharper (sigma 0.02); at 0.05 a few thousand CPU steps reach the
precision the metric asks for, and both data sets share one sigma.
A generated sample is *high quality* when it lies within 3 sigma of its nearest mode; a mode is *covered*
when at least `min_count` of the high-quality samples sit on it (PacGAN counts a grid mode as lost below 20
of 2,500). One stray sample therefore does not make a mode "covered", and a generator that sprays points
everywhere scores low on quality even if it touches every mode.
"""
import math
from dataclasses import dataclass

import torch

DATASETS = ("ring", "grid")
N_EVAL = 2500     # the papers score 2,500 generated samples
MIN_COUNT = 20    # high-quality samples a mode needs to count as covered


def modes(name: str) -> torch.Tensor:
    """The centres of the mixture, [M, 2]."""
    if name == "ring":
        angle = torch.arange(8) * (2 * math.pi / 8)
        return 2.0 * torch.stack([angle.cos(), angle.sin()], dim=1)
    if name == "grid":
        axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
        return torch.cartesian_prod(axis, axis)
    raise ValueError(f"data set {name!r} is unknown: use one of {', '.join(DATASETS)}.")


def view_limit(name: str, margin: float = 0.8) -> float:
    """Half-width of a square view that shows every mode with `margin` to spare (ring 2.8, grid 4.8)."""
    return float(modes(name).abs().max()) + margin


def sigma(name: str) -> float:
    """Standard deviation of every Gaussian of the mixture."""
    modes(name)  # validates the name
    return 0.05


def sample(name: str, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """n points from the equal-weight mixture, [n, 2]."""
    centres = modes(name)
    pick = torch.randint(len(centres), (n,), generator=generator)
    return centres[pick] + sigma(name) * torch.randn(n, 2, generator=generator)


def batch_sampler(name: str, batch: int, generator: torch.Generator | None = None):
    """A `sample_real()` for gan_step: each call returns a fresh minibatch [batch, 2]."""
    centres, s = modes(name), sigma(name)
    return lambda: centres[torch.randint(len(centres), (batch,), generator=generator)] + \
        s * torch.randn(batch, 2, generator=generator)


def pdf(name: str, xy: torch.Tensor) -> torch.Tensor:
    """p_data(x) of the mixture at points xy [..., 2] (for heatmaps and the interpolation path)."""
    centres, s = modes(name), sigma(name)
    d2 = ((xy.unsqueeze(-2) - centres) ** 2).sum(-1)                      # [..., M]
    return torch.exp(-d2 / (2 * s * s)).mean(-1) / (2 * math.pi * s * s)


@dataclass
class Quality:
    modes_covered: int       # modes holding >= min_count high-quality samples
    n_modes: int
    high_quality: float      # fraction of samples within 3 sigma of their nearest mode
    counts: list             # high-quality samples per mode

    def __str__(self):
        return f"{self.modes_covered}/{self.n_modes} modes, {100 * self.high_quality:.1f}% high quality"


def quality(samples: torch.Tensor, name: str, min_count: int = MIN_COUNT) -> Quality:
    """The standard toy metric on generated samples [N, 2] (the papers use N = 2,500)."""
    samples = torch.as_tensor(samples, dtype=torch.float32).detach().cpu()
    if samples.dim() != 2 or samples.shape[1] != 2:
        raise ValueError(f"quality() wants generated points of shape [N, 2], got {tuple(samples.shape)}.")
    centres = modes(name)
    dist = torch.cdist(samples, centres)                                 # [N, M]
    nearest_d, nearest = dist.min(dim=1)
    good = torch.isfinite(nearest_d) & (nearest_d <= 3 * sigma(name))
    counts = torch.bincount(nearest[good], minlength=len(centres))
    return Quality(modes_covered=int((counts >= min_count).sum()), n_modes=len(centres),
                   high_quality=float(good.float().mean()) if len(samples) else 0.0, counts=counts.tolist())



def top2_share(samples: torch.Tensor, name: str) -> float:
    """Share of samples whose nearest mode is one of the two most popular modes (real ring data: 2/8).

    Two, not one: a collapsed bunch caught between two neighbouring modes splits between them."""
    centres = modes(name)
    nearest = torch.cdist(torch.as_tensor(samples, dtype=torch.float32), centres).argmin(1)
    return torch.bincount(nearest, minlength=len(centres)).topk(2).values.sum().item() / len(samples)


def mean_direction(samples: torch.Tensor) -> tuple[float, float]:
    """Where points sit round the origin: (angle of the mean of their unit vectors in radians, its length).

    The length is the concentration: 1 when every point has the same angle, near 0 when they spread round."""
    x = torch.as_tensor(samples, dtype=torch.float32)
    mean_dir = (x / (x.norm(dim=1, keepdim=True) + 1e-12)).mean(0)
    return math.atan2(mean_dir[1], mean_dir[0]), mean_dir.norm().item()
