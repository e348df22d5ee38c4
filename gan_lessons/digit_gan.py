"""A GAN on digits, wired once: the lesson-04 configuration, models, optimisers and seeded noise.

The notebook and `python -m gan_lessons.bench dcgan` both build a DigitGAN from a `DigitConfig`, so the
benchmark measures exactly what the lesson trains, and the benchmark's options are the config's fields.
Each call of `step()` is one `gan_lessons.train.gan_step` (k=1, non-saturating loss).

Why these defaults (quality per CPU second, measured in lesson 04): a narrow DCGAN (ngf = ndf = 16) costs
~19 MFLOP per image against ~73 M at width 32, so in a fixed budget it takes ~4x more steps, and steps matter
more than width early on; Adam lr 1e-3 with beta1 = 0.5 learns digits far sooner than the paper's 2e-4.
An EMA of G's weights was tried and removed: at these short runs it measured no better than G itself
(FD 121 vs 123 at 500 steps, 107 vs 95 at 1,000, 83 vs 83 at 1,500).

Why D stays narrow (d_width = 16, about 10 k parameters against G's 234 k, 86 % of which sit in G's 7x7
projection of z): a D with 10 k parameters looked like the reason the lesson's DCGAN stalls near FD 80-90,
so D alone was widened to d_width = 32 (37 k parameters, about 1.35x the CPU cost of a whole step) and
trained for 930 steps, the same CPU time as 1,200 steps of the default, with the same gan_step, seeds 0
and 1, one thread: FD 101 and 95 against 88 and 91 for the default, classes covered 9 in all four runs.
Not better on any seed, so the default keeps d_width = 16 = width. `d_width` is its own field
(`--d-width` in the benchmark; changing `width` alone leaves D as it is) for trying other balances.
G's architecture is unchanged either way, so the shipped dcgan_generator.pt loads.
"""
import time
from dataclasses import dataclass, fields, replace

import torch

from gan_lessons.digit_data import batches
from gan_lessons.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from gan_lessons.train import gan_step

KINDS = ("dcgan", "mlp")


@dataclass(frozen=True)
class DigitConfig:
    kind: str = "dcgan"        # 'dcgan' (convolutions) or 'mlp' (lesson 04's comparison)
    z_dim: int = 64
    width: int = 16            # G's channels (ngf) for a DCGAN, hidden units for an MLP
    d_width: int = 16          # D's channels (ndf) or hidden units, set on its own
    batch_size: int = 64
    lr_G: float = 1e-3
    lr_D: float = 1e-3
    beta1: float = 0.5         # Adam's first beta, DCGAN's 0.5: momentum 0.9 oscillates in the game
    seed: int = 0              # the weights' initialisation, the batch order and the noise

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is unknown: use one of {', '.join(map(repr, KINDS))}.")
        for f in fields(self):
            if f.type in (int, float, "int", "float") and f.name != "seed" and not getattr(self, f.name) > 0:
                raise ValueError(f"{f.name}={getattr(self, f.name)!r} must be positive.")

    def but(self, **changes) -> "DigitConfig":
        """A copy with some fields changed: `DCGAN.but(d_width=32)`; an unknown name fails with the list."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}: choose from {[f.name for f in fields(self)]}.")
        return replace(self, **changes)


DCGAN = DigitConfig()
MLP = DigitConfig(kind="mlp", width=256, d_width=256)  # only the networks differ in lesson 04's comparison


def build_models(kind: str = "dcgan", z_dim: int = 64, width: int = 16, d_width: int | None = None):
    """(G, D) for kind 'dcgan' (width = ngf, d_width = ndf) or 'mlp' (hidden units); d_width defaults to width."""
    d_width = width if d_width is None else d_width
    if kind == "dcgan":
        return DCGANGenerator(z_dim, ngf=width), DCGANDiscriminator(ndf=d_width)
    if kind == "mlp":
        return MLPGenerator(z_dim, hidden=width), MLPDiscriminator(hidden=d_width)
    raise ValueError(f"kind={kind!r} is unknown: use 'dcgan' or 'mlp'.")


class DigitGAN:
    """G, D, their Adam optimisers and seeded streams of real batches and noise, built from a DigitConfig."""

    def __init__(self, images: torch.Tensor, config: DigitConfig = DCGAN, device="cpu"):
        self.config = c = config
        self.device = torch.device(device)
        with torch.random.fork_rng(devices=[]):   # seeds the init without touching the caller's RNG
            torch.manual_seed(c.seed)
            G, D = build_models(c.kind, c.z_dim, c.width, c.d_width)
        self.G, self.D = G.to(self.device), D.to(self.device)
        betas = (c.beta1, 0.999)
        self.opt_G = torch.optim.Adam(self.G.parameters(), lr=c.lr_G, betas=betas)
        self.opt_D = torch.optim.Adam(self.D.parameters(), lr=c.lr_D, betas=betas)
        self._real = batches(images.to(self.device), c.batch_size, generator=torch.Generator().manual_seed(c.seed))
        self._z_gen = torch.Generator(device=self.device).manual_seed(c.seed + 1)
        self.steps, self.train_seconds = 0, 0.0

    def sample_z(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config.z_dim, device=self.device, generator=self._z_gen)

    def step(self) -> dict:
        """One gan_step (D half, then G half); returns gan_step's numbers."""
        start = time.perf_counter()
        row = gan_step(self.G, self.D, self.opt_G, self.opt_D, lambda: next(self._real), self.sample_z)
        self.steps += 1
        self.train_seconds += time.perf_counter() - start
        return row

    @torch.no_grad()
    def sample(self, n: int = 100, seed: int = 0, z: torch.Tensor | None = None) -> torch.Tensor:
        """n digits in [-1, 1] on the CPU from fixed noise (same seed, same z), BatchNorm in eval mode."""
        if z is None:
            z = torch.randn(n, self.config.z_dim, generator=torch.Generator().manual_seed(seed))
        was_training = self.G.training
        self.G.eval()
        out = torch.cat([self.G(chunk.to(self.device)).cpu() for chunk in z.split(1000)])
        self.G.train(was_training)
        return out
