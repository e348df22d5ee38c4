"""A GAN on digits, wired once: the lesson-04 configuration, models, optimisers and seeded noise.

The notebook and `python -m gan_lessons.bench dcgan` both build a DigitGAN from a `DigitConfig`, so the
benchmark measures exactly what the lesson trains, and the benchmark's options are the config's fields.
Each call of `step()` is one `gan_lessons.train.gan_step` (k D-steps, then one G-step, non-saturating loss).

Why the lesson's defaults (DCGAN below) are what they are: quality per CPU second, judged by
`python -m gan_lessons.bench dcgan --seeds 0,1,2 --seconds 120` (FD on 2,000 samples, classes covered).
- Narrow networks (ngf = ndf = 16): ~19 MFLOP per image against ~73 M at width 32, so ~4x more steps in the same
  time, and early on steps matter more than width.
- No BatchNorm in D (`d_batchnorm=False`; Radford et al. put it on D's hidden layers): the one change that beat
  the old defaults on every seed tried, by more than the spread between seeds. A likely reason, not tested
  apart: D sees a batch of real and a batch of fake digits separately, and BatchNorm normalises each by its own
  statistics, hiding from D part of what tells them apart. It costs early on: at 30 s the old defaults led.
- Batch 128 with Adam lr 2e-3 (twice the batch and twice the rate of the old 64 / 1e-3): better on both seeds
  with D's BatchNorm and without it; 3e-3 was no better. beta1 = 0.5 as in DCGAN: 0.9 oscillates in the game.
- Adam's beta2 = 0.99 (torch's default 0.999): the second-moment estimate then follows the last ~100 steps rather
  than ~1,000, and in a game whose gradients change scale as D and G move, that lower memory beat 0.999 on both
  seeds tried. With the shift it mainly speeds up the start: seeds 0-3, median FD at 2,000 / 3,000 / 4,000 steps
  56.7 / 42.3 / 37.7 with 0.99 against 67.8 / 44.3 / 36.8 with 0.999.
- D sees every image shifted by up to one pixel (`d_shift=1`, `models.RandomShift`: DiffAugment's translation,
  Zhao et al. 2020), real and fake alike: with only 5,000 digits, 120 s of training shows each digit to D over
  90 times, and the shift keeps D from winning by memorising them. With beta2 0.99, 1 pixel beat 2 on three seeds
  of four (median 37.7 against 41.5) and 3 on both seeds tried; 2 pixels alone still beat no shift on both seeds.
- channels_last weights (in DigitGAN): oneDNN's CPU convolutions run in that layout; 10-25 % more steps per
  second in three paired measurements. Neither bfloat16 autocast (23 against 31 steps/s with 2 threads) nor
  torch.compile (21 against 32) was faster on this CPU.

Each row below: the same gan_step, trained for a fixed number of steps (about what 120 s buys with 2 threads on the
course's 2-core Intel CPU, idle), one thread per run, two runs at a time, FD after that many steps for seeds 0 / 1
(/ 2 / 3), 10 classes in every run unless noted. They are `python -m gan_lessons.bench dcgan --steps N --seeds 0,1
--threads 1` with the options shown; spectral norm, the paper's init, the warmed-up EMA and the 2- and 3-pixel
shift of the second block were patched in by hand and are not options (raw rows and that script:
artifacts/dcgan_bench/). The first block ran before channels_last, the second after it (same models, other float
kernels: the same config and seed lands elsewhere, see its first row against the first block's defaults). The
first row is from an earlier search.
    batch 64,  lr 1e-3, D with BatchNorm (the old defaults), 5,600 steps     61.9 / 75.6   (9 / 9 classes)
    batch 128, lr 2e-3, D with BatchNorm, 3,800 steps                        57.6 / 53.1
    batch 128, lr 2e-3, D with BatchNorm, d_width 32, 2,650 steps            58.9 / 45.0
    batch 128, lr 2e-3, D with BatchNorm, spectral norm in D, 3,600 steps    57.3 / 66.9   (9 / 9 classes)
    batch 128, lr 2e-3, D with BatchNorm, init N(0, 0.02), 3,800 steps       61.8 / 43.9
    batch 64,  lr 1e-3, D without BatchNorm, 6,600 steps                     43.9 / 56.6
    batch 128, lr 2e-3, D without BatchNorm (= B), 4,000 steps               35.6 / 46.0 / 48.2 / 45.7
    B, lr 3e-3                                                               40.9 / 43.2 / 53.0 / 48.5
    B, d_width 32, 2,800 steps                                               36.3 / 54.1
    B, init N(0, 0.02) as in DCGAN                                           42.2 / 42.2
    B, EMA of G's weights (decay 0.995 after a warm-up), 3,900 steps         33.1 / 51.7
  after channels_last, 4,000 steps each:
    B                                                                        44.6 / 57.1
    B, beta2 0.99                                                            35.5 / 48.8
    B, shift 2                                                               42.4 / 37.2
    B, shift 2, beta2 0.99                                                   38.9 / 40.7 / 42.3 / 42.8 (seed 2: 9 cl.)
    B, shift 2, beta2 0.99, lr 3e-3                                          47.2 / 42.2
    B, shift 3, beta2 0.99                                                   57.2 / 48.4
    B, shift 1, beta2 0.99 (the defaults)                                    37.5 / 28.9 / 37.8 / 48.8
    B, shift 1 (beta2 0.999)                                                 34.8 / 34.9 / 50.0 / 38.7
An average of G's weights (`ema`) pays off only in long runs; at this budget a plain EMA (decay 0.999 from step 0)
still holds the early, bad weights (at half the budget FD 206 against 67 without it). k = 2 D-steps per G-step
halves G's steps: FD 104 / 88 (with EMA) in an earlier search. Sampling with BatchNorm's batch statistics instead of
its running averages changed FD by under 2 (B, seeds 0 and 1).
The defaults on the benchmark itself, `--seeds 0,1,2 --seconds 120 --threads 2`, same CPU, idle: FD 31.5 / 32.6 /
39.0 (median 32.6), 10 classes on all three seeds, about 3,700 steps; before the shift and beta2 (B) 45.7 / 53.5 /
59.5, median 53.5; the defaults before that (batch 64, lr 1e-3, D with BatchNorm) 61.6 / 63.7 / 59.0 with 8 / 9 / 10
classes. With 1 thread (about 2,100 steps): FD 44.1 / 47.4 / 59.2, median 47.4 (B: 73.6), 10 classes on every seed.

The generator shipped in gan_lessons/weights/dcgan_generator.pt (lessons 04 and 06) is the long-run recipe
`SHIPPED`: the paper's width (ngf = ndf = 64) and learning rate 2e-4, batch 128, Adam's default beta2, no shift,
sampled from an EMA of its weights (decay 0.999), trained on a GPU for 20,932 steps, keeping the lowest-FD point of
a curve measured every 20 s of training. It predates the shift and beta2 = 0.99, which were measured at this
budget only.
"""
import time
from dataclasses import dataclass, fields, replace

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from gan_lessons import checkpoints
from gan_lessons.digit_data import batches
from gan_lessons.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator, RandomShift
from gan_lessons.train import gan_step

KINDS = ("dcgan", "mlp")


@dataclass(frozen=True)
class DigitConfig:
    kind: str = "dcgan"        # 'dcgan' (convolutions) or 'mlp' (lesson 04's comparison)
    z_dim: int = 64
    width: int = 16            # G's channels (ngf) for a DCGAN, hidden units for an MLP
    d_width: int = 16          # D's channels (ndf) or hidden units, set on its own
    d_batchnorm: bool = False  # BatchNorm on D's hidden layer, as Radford et al. (DCGAN only); see above
    batch_size: int = 128
    lr_G: float = 2e-3
    lr_D: float = 2e-3
    beta1: float = 0.5         # Adam's first beta, DCGAN's 0.5: momentum 0.9 oscillates in the game
    beta2: float = 0.99        # Adam's second beta; see above
    d_shift: int = 1           # D sees every image, real or fake, moved by up to this many pixels (0 = never)
    k: int = 1                 # D-steps per G-step (the lecture's k)
    ema: float = 0.0           # decay of an exponential moving average of G's weights; 0 = none
    seed: int = 0              # the weights' initialisation, the batch order and the noise

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is unknown: use one of {', '.join(map(repr, KINDS))}.")
        for f in fields(self):
            numeric = f.type in (int, float, "int", "float") and f.name not in ("seed", "ema", "d_shift")
            if numeric and not getattr(self, f.name) > 0:
                raise ValueError(f"{f.name}={getattr(self, f.name)!r} must be positive.")
        if not 0 < self.beta2 < 1:
            raise ValueError(f"beta2={self.beta2!r} must be in (0, 1).")
        if self.d_shift < 0:
            raise ValueError(f"d_shift={self.d_shift!r} must be 0 (no shift) or more pixels.")
        if not 0 <= self.ema < 1:
            raise ValueError(f"ema={self.ema!r} must be in [0, 1): the share of the average kept at each step "
                             f"(0 = no average).")

    def but(self, **changes) -> "DigitConfig":
        """A copy with some fields changed: `DCGAN.but(d_width=32)`; an unknown name fails with the list."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}: choose from {[f.name for f in fields(self)]}.")
        return replace(self, **changes)


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
        with torch.random.fork_rng(devices=[]):   # seeds the init without touching the caller's RNG
            torch.manual_seed(c.seed)
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
