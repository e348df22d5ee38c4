"""A GAN on digits, wired once: the lesson-04 configuration, models, optimisers and seeded noise.

The notebook and `python -m tools.bench dcgan` both build a DigitGAN from a `DigitConfig`, so the
benchmark measures exactly what the lesson trains, and the benchmark's options are the config's fields.
Each call of `step()` is one `gan_lessons.train.gan_step` (k D-steps, then one G-step, non-saturating loss).

Why the defaults are what they are (narrow nets, no BatchNorm in D, batch 128 at lr 2e-3, beta2 0.99, a
one-pixel shift before D, channels_last) and every run behind them: artifacts/dcgan_bench/README.md, measured
with `python -m tools.bench dcgan --seeds 0,1,2 --seconds 120`. `SHIPPED` is the long-run GPU recipe of the
generator in gan_lessons/weights/dcgan_generator.pt (lessons 04 and 06).
"""
import time
from dataclasses import dataclass

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from gan_lessons import checkpoints
from gan_lessons.config import Config, require_choice, require_positive
from gan_lessons.device import seeded
from gan_lessons.digit_data import batches
from gan_lessons.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator, RandomShift
from gan_lessons.train import gan_step

KINDS = ("dcgan", "mlp")


@dataclass(frozen=True)
class DigitConfig(Config):
    kind: str = "dcgan"        # 'dcgan' (convolutions) or 'mlp' (lesson 04's comparison)
    z_dim: int = 64
    width: int = 16            # G's channels (ngf) for a DCGAN, hidden units for an MLP
    d_width: int = 16          # D's channels (ndf) or hidden units, set on its own
    d_batchnorm: bool = False  # BatchNorm on D's hidden layer, as Radford et al. (DCGAN only)
    batch_size: int = 128
    lr_G: float = 2e-3
    lr_D: float = 2e-3
    beta1: float = 0.5         # Adam's first beta, DCGAN's 0.5: momentum 0.9 oscillates in the game
    beta2: float = 0.99        # Adam's second beta (0.99 beat 0.999 here: artifacts/dcgan_bench/)
    d_shift: int = 1           # D sees every image, real or fake, moved by up to this many pixels (0 = never)
    k: int = 1                 # D-steps per G-step (the lecture's k)
    ema: float = 0.0           # decay of an exponential moving average of G's weights; 0 = none
    seed: int = 0              # the weights' initialisation, the batch order and the noise

    def __post_init__(self):
        require_choice(self, "kind", KINDS)
        require_positive(self, "z_dim", "width", "d_width", "batch_size", "lr_G", "lr_D", "beta1", "beta2", "k")
        if not 0 < self.beta2 < 1:
            raise ValueError(f"beta2={self.beta2!r} must be in (0, 1).")
        if self.d_shift < 0:
            raise ValueError(f"d_shift={self.d_shift!r} must be 0 (no shift) or more pixels.")
        if not 0 <= self.ema < 1:
            raise ValueError(f"ema={self.ema!r} must be in [0, 1): the share of the average kept at each step "
                             f"(0 = no average).")


DCGAN = DigitConfig()
MLP = DigitConfig(kind="mlp", width=256, d_width=256)  # only the networks differ in lesson 04's comparison
SHIPPED = DCGAN.but(width=64, d_width=64, d_batchnorm=True, batch_size=128, lr_G=2e-4, lr_D=2e-4, beta2=0.999,
                    d_shift=0, ema=0.999)
SHIPPED_PATH = checkpoints.WEIGHTS_DIR / "dcgan_generator.pt"


def load_shipped_generator(device="cpu") -> DCGANGenerator:
    """The long-trained generator of lessons 04 and 06 (SHIPPED's architecture), checksum verified, eval mode."""
    return checkpoints.load(DCGANGenerator(SHIPPED.z_dim, ngf=SHIPPED.width), SHIPPED_PATH, device)


def build_models(kind: str = "dcgan", z_dim: int = 64, width: int = 16, d_width: int | None = None,
                 d_batchnorm: bool = False, d_shift: int = 0, shift_generator: torch.Generator | None = None):
    """(G, D) for kind 'dcgan' (width = ngf, d_width = ndf) or 'mlp' (hidden units); d_width defaults to width.
    d_shift > 0 puts a RandomShift in front of D (offsets drawn from shift_generator)."""
    d_width = width if d_width is None else d_width
    if kind == "dcgan":
        G, D = DCGANGenerator(z_dim, ngf=width), DCGANDiscriminator(ndf=d_width, batchnorm=d_batchnorm)
    elif kind == "mlp":
        G, D = MLPGenerator(z_dim, hidden=width), MLPDiscriminator(hidden=d_width)
    else:
        raise ValueError(f"kind={kind!r} is unknown: use 'dcgan' or 'mlp'.")
    return G, (nn.Sequential(RandomShift(d_shift, shift_generator), D) if d_shift else D)


class DigitGAN:
    """G, D, their Adam optimisers and seeded streams of real batches and noise, built from a DigitConfig."""

    def __init__(self, images: torch.Tensor, config: DigitConfig = DCGAN, device="cpu"):
        self.config = c = config
        self.device = torch.device(device)
        with seeded(c.seed):   # the init, without touching the caller's RNG
            G, D = build_models(c.kind, c.z_dim, c.width, c.d_width, c.d_batchnorm,
                                c.d_shift, torch.Generator().manual_seed(c.seed + 2))
        # channels_last: oneDNN's CPU convolutions work in that layout, so no reordering at every layer
        self.G, self.D = (m.to(self.device, memory_format=torch.channels_last) for m in (G, D))
        # the average that sample() draws from; BatchNorm's running statistics are averaged too
        self.G_ema = (AveragedModel(self.G, multi_avg_fn=get_ema_multi_avg_fn(c.ema), use_buffers=True)
                      if c.ema else None)
        betas = (c.beta1, c.beta2)
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
        row = gan_step(self.G, self.D, self.opt_G, self.opt_D, lambda: next(self._real), self.sample_z, k=self.config.k)
        if self.G_ema is not None:
            self.G_ema.update_parameters(self.G)
        self.steps += 1
        self.train_seconds += time.perf_counter() - start
        return row

    @torch.no_grad()
    def sample(self, n: int = 100, seed: int = 0, z: torch.Tensor | None = None) -> torch.Tensor:
        """n digits in [-1, 1] on the CPU from fixed noise (same seed, same z), BatchNorm in eval mode,
        from the weights' average when the config keeps one."""
        if z is None:
            z = torch.randn(n, self.config.z_dim, generator=torch.Generator().manual_seed(seed))
        G = self.sampler()
        was_training = G.training
        G.eval()
        out = torch.cat([G(chunk.to(self.device)).cpu() for chunk in z.split(1000)])
        G.train(was_training)
        return out

    def sampler(self) -> torch.nn.Module:
        """The generator that samples: the average of G's weights when config.ema > 0, else G itself."""
        return self.G if self.G_ema is None else self.G_ema.module
