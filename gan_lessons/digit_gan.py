"""A GAN on digits, wired once: the lesson-04 defaults, models, optimisers, EMA and seeded noise.

The notebook and `python -m gan_lessons.bench dcgan` both build a DigitGAN, so the benchmark measures
exactly what the lesson trains. Each call of `step()` is one `gan_lessons.train.gan_step` (k=1,
non-saturating loss) followed by an EMA update of G's weights.

Why these defaults (quality per CPU second, measured in lesson 04 and FACTS.md): a narrow DCGAN
(ngf = ndf = 16) costs ~19 MFLOP per image against ~73 M at width 32, so in a fixed budget it takes ~4x
more steps, and steps matter more than width early on; Adam lr 1e-3 with beta1 = 0.5 learns digits far
sooner than the paper's 2e-4. An EMA of G's weights (gan_lessons.ema) is available (ema_decay=0.999) but
off by default: at these short runs it measured no better than G itself (FD 121 vs 123 at 500 steps,
107 vs 95 at 1,000, 83 vs 83 at 1,500), so sampling uses G in eval mode.

Why D stays narrow (d_width = 16, about 10 k parameters against G's 234 k, 86 % of which sit in G's 7x7
projection of z): a D with 10 k parameters looked like the reason the lesson's DCGAN stalls near FD 80-90,
so D alone was widened to d_width = 32 (37 k parameters, about 1.35x the CPU cost of a whole step) and
trained for 930 steps, the same CPU time as 1,200 steps of the default, with the same gan_step, seeds 0
and 1, one thread: FD 101 and 95 against 88 and 91 for the default, classes covered 9 in all four runs.
Not better on any seed, so the default keeps d_width = 16 = width. `d_width` is its own option
(`--d-width` in the benchmark; changing `width` alone leaves D as it is) for trying other balances.
G's architecture is unchanged either way, so data/weights/dcgan_generator.pt loads.
"""
import time

import torch

from gan_lessons.data import batches
from gan_lessons.ema import EMA
from gan_lessons.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from gan_lessons.train import gan_step

DEFAULTS = {"z_dim": 64, "width": 16, "d_width": 16, "batch_size": 64, "lr_G": 1e-3, "lr_D": 1e-3,
            "beta1": 0.5, "ema_decay": 0.0}
MLP_DEFAULTS = {**DEFAULTS, "width": 256, "d_width": 256}  # only the networks differ in the comparison


def build_models(kind: str = "dcgan", z_dim: int = 64, width: int = 16, d_width: int | None = None):
    """(G, D) for kind 'dcgan' (width = ngf, d_width = ndf) or 'mlp' (hidden units); d_width defaults to width."""
    d_width = width if d_width is None else d_width
    if kind == "dcgan":
        return DCGANGenerator(z_dim, ngf=width), DCGANDiscriminator(ndf=d_width)
    if kind == "mlp":
        return MLPGenerator(z_dim, hidden=width), MLPDiscriminator(hidden=d_width)
    raise ValueError(f"kind={kind!r} is unknown: use 'dcgan' or 'mlp'.")


class DigitGAN:
    """G, D, their Adam optimisers, an EMA of G and seeded streams of real batches and noise."""

    def __init__(self, images: torch.Tensor, kind: str = "dcgan", device="cpu", seed: int = 0, **options):
        defaults = DEFAULTS if kind == "dcgan" else MLP_DEFAULTS
        unknown = set(options) - set(defaults)
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}: choose from {sorted(defaults)}.")
        self.config = {"kind": kind, **defaults, **options}
        c, self.device = self.config, torch.device(device)
        torch.manual_seed(seed)  # the weights' initialisation
        G, D = build_models(kind, c["z_dim"], c["width"], c["d_width"])
        self.G, self.D = G.to(self.device), D.to(self.device)
        betas = (c["beta1"], 0.999)
        self.opt_G = torch.optim.Adam(self.G.parameters(), lr=c["lr_G"], betas=betas)
        self.opt_D = torch.optim.Adam(self.D.parameters(), lr=c["lr_D"], betas=betas)
        self.ema = EMA(self.G, c["ema_decay"]) if c["ema_decay"] else None
        data_gen = torch.Generator().manual_seed(seed)
        self._real = batches(images.to(self.device), c["batch_size"], generator=data_gen)
        self._z_gen = torch.Generator(device=self.device).manual_seed(seed + 1)
        self.steps, self.train_seconds = 0, 0.0

    def sample_z(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config["z_dim"], device=self.device, generator=self._z_gen)

    def step(self) -> dict:
        """One gan_step (D half, then G half) and an EMA update; returns gan_step's numbers."""
        start = time.perf_counter()
        row = gan_step(self.G, self.D, self.opt_G, self.opt_D, lambda: next(self._real), self.sample_z)
        if self.ema is not None:
            self.ema.update(self.G)
        self.steps += 1
        self.train_seconds += time.perf_counter() - start
        return row

    @property
    def sampler(self) -> torch.nn.Module:
        """The generator used for pictures: the EMA copy when there is one, else G itself."""
        return self.ema.model if self.ema is not None else self.G

    @torch.no_grad()
    def sample(self, n: int = 100, seed: int = 0, z: torch.Tensor | None = None, ema: bool = True) -> torch.Tensor:
        """n digits in [-1, 1] on the CPU from fixed noise (same seed, same z), BatchNorm in eval mode."""
        G = self.sampler if ema else self.G
        if z is None:
            z = torch.randn(n, self.config["z_dim"], generator=torch.Generator().manual_seed(seed))
        was_training = G.training
        G.eval()
        out = torch.cat([G(chunk.to(self.device)).cpu() for chunk in z.split(1000)])
        G.train(was_training)
        return out
