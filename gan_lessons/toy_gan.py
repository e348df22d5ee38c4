"""One 2D toy GAN experiment: a ToyConfig -> small MLPs, Adam, and a step that is gan_step itself.

The dashboard, the benchmark and the lesson's seed tables all build their runs here, so "the collapsed
setting" means the same thing everywhere. Controls change `k`, learning rates and the loss between steps.
"""
from dataclasses import dataclass

import torch
from torch import nn

from gan_lessons import toy_data
from gan_lessons.config import Config, require_choice, require_positive
from gan_lessons.device import seeded
from gan_lessons.models import mlp
from gan_lessons.train import G_LOSSES, History, d_step, fit, g_step, gan_step, generator_loss

FIXES = ("none", "pack")


@dataclass(frozen=True)
class ToyConfig(Config):
    data: str = "ring"
    k: int = 1                      # D steps per G step
    lr_G: float = 1e-3
    lr_D: float = 1e-3
    g_loss: str = "non-saturating"
    fix: str = "none"               # "pack": D judges PACK samples at once (PacGAN)
    z_dim: int = 2                  # 2, so the dashboard can draw how G bends a grid of z
    hidden: int = 64
    batch: int = 256
    seed: int = 0
    runs: int = 1                   # >1: that many independent GANs (seeds seed, seed+1, ...) trained at once

    def __post_init__(self):
        require_choice(self, "fix", FIXES)
        require_choice(self, "g_loss", G_LOSSES)
        toy_data.modes(self.data)                                   # validates the data set name
        require_positive(self, "k", "lr_G", "lr_D", "z_dim", "hidden", "batch", "runs")


# Measured in lesson 03 (tools/lesson03_spread.py, 40 runs each): "vanilla" is the plain GAN the lesson opens with
# (D learns faster than G, one-sample D); D ten times slower than G collapses the ring (at 1e-4 on every run; at
# 3e-4, the earlier preset, 9 runs of 40 escaped); a faster D plus packing (PacGAN) covers it.
PRESETS = {
    "vanilla": ToyConfig(lr_G=1e-3, lr_D=3e-3),
    "collapsed": ToyConfig(lr_G=1e-3, lr_D=1e-4),
    "packed": ToyConfig(lr_G=1e-3, lr_D=3e-3, fix="pack"),
}
PACK = 2


class Packed(nn.Module):
    """G for a packed D: each of the PACK*z_dim blocks of z becomes one point; the points sit side by side."""

    def __init__(self, G, z_dim, pack=PACK):
        super().__init__()
        self.G, self.z_dim, self.pack = G, z_dim, pack

    def forward(self, z):                                   # [B, pack*z_dim] -> [B, pack*2]
        return self.G(z.reshape(-1, self.z_dim)).reshape(len(z), 2 * self.pack)


class StackedMLP(nn.Module):
    """`runs` independent copies of models.mlp evaluated with batched matmuls: input [runs*B, n_in].

    Rows r*B..(r+1)*B-1 belong to copy r. Each copy starts from models.mlp's weights under its own seed,
    and since Adam updates every weight elementwise, one optimiser over the stacked weights is `runs`
    independent optimisers (a mean over all rows only scales each copy's gradient by 1/runs, which Adam
    divides away). Python overhead, not arithmetic, limits a 2D GAN step, so 5 seeds cost about one.
    """

    def __init__(self, nets):
        super().__init__()
        for net in nets:
            kinds = [type(m) for m in net] if isinstance(net, nn.Sequential) else [type(net)]
            linear_relu = kinds[::2] == [nn.Linear] * len(kinds[::2]) and kinds[1::2] == [nn.ReLU] * len(kinds[1::2])
            if not (isinstance(net, nn.Sequential) and len(kinds) % 2 == 1 and linear_relu):
                raise ValueError(f"StackedMLP stacks only Linear/ReLU/.../Linear nets like models.mlp's default, "
                                 f"not {[k.__name__ for k in kinds]}.")
        linears = [[m for m in net if isinstance(m, nn.Linear)] for net in nets]
        self.weights = nn.ParameterList(nn.Parameter(torch.stack([ls[i].weight.T.detach() for ls in linears]))
                                        for i in range(len(linears[0])))          # [runs, in, out]
        self.biases = nn.ParameterList(nn.Parameter(torch.stack([ls[i].bias.detach()[None] for ls in linears]))
                                       for i in range(len(linears[0])))           # [runs, 1, out]
        self.runs = len(nets)

    def forward(self, x):
        h = x.reshape(self.runs, -1, x.shape[-1])                                 # [runs, B, n_in]
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(b, h, w)                                            # [runs, B, out]
            if i < len(self.weights) - 1:
                h = torch.relu(h)
        return h.reshape(-1, h.shape[-1])


class ToyGAN:
    def __init__(self, config: ToyConfig = ToyConfig()):
        self.config = s = config
        self.pack = PACK if s.fix == "pack" else 1
        Gs, Ds = [], []
        for seed in range(s.seed, s.seed + s.runs):              # run r starts exactly as a lone run of seed r
            with seeded(seed):                                   # the init, without touching the caller's RNG
                Gs.append(mlp(s.z_dim, 2, s.hidden))             # z -> x
                Ds.append(mlp(2 * self.pack, 1, s.hidden))       # x (or PACK points side by side) -> logit
        self.G, self.D = (Gs[0], Ds[0]) if s.runs == 1 else (StackedMLP(Gs), StackedMLP(Ds))
        self.rng = torch.Generator().manual_seed(s.seed)         # the minibatch stream: this run's own
        # fused Adam: one kernel for all parameters, faster at this size where Python overhead dominates
        self.opt_G = torch.optim.Adam(self.G.parameters(), s.lr_G, betas=(0.5, 0.999), fused=True)
        self.opt_D = torch.optim.Adam(self.D.parameters(), s.lr_D, betas=(0.5, 0.999), fused=True)
        self.history = History()
        self._show_rng = torch.Generator().manual_seed(4321)
        self.eval_z = torch.randn(toy_data.N_EVAL, s.z_dim, generator=torch.Generator().manual_seed(1234))
        self._real = toy_data.batch_sampler(s.data, s.runs * s.batch * self.pack, generator=self.rng)
        self._G_step = Packed(self.G, s.z_dim, self.pack) if self.pack > 1 else self.G

    # what gan_step needs: minibatches of real data and of z, in D's (packed) shape
    def sample_real(self):
        return self._real().reshape(-1, 2 * self.pack)

    def sample_z(self, n):
        return torch.randn(n, self.config.z_dim * self.pack, generator=self.rng)

    def step(self) -> dict:
        s = self.config
        return gan_step(self._G_step, self.D, self.opt_G, self.opt_D, self.sample_real, self.sample_z,
                        k=s.k, g_loss=s.g_loss)

    def d_step(self) -> dict:
        """One D-step alone (the dashboard's "D step" button): train.d_step, as gan_step calls it."""
        return d_step(self._G_step, self.D, self.opt_D, self.sample_real, self.sample_z)

    def g_step(self) -> dict:
        """One G-step alone (the dashboard's "G step" button): train.g_step on a batch of D's size."""
        s = self.config
        return g_step(self._G_step, self.D, self.opt_G, self.sample_z, s.runs * s.batch, s.g_loss)

    def train(self, steps, on_update=None, every=0, progress=True, desc=None):
        """train.fit on this run's step: the history grows, Ctrl-C keeps everything, NaN stops with a sentence."""
        desc = desc or f"{self.config.data}, fix: {self.config.fix}"
        return fit(self.step, steps, history=self.history, every=every, on_update=on_update, desc=desc,
                   progress=progress)

    def update(self, **changes):
        """Change k, learning rates, loss or data set between steps (what the dashboard's controls do)."""
        self.config = self.config.but(**changes)
        for opt, lr in ((self.opt_G, self.config.lr_G), (self.opt_D, self.config.lr_D)):
            for group in opt.param_groups:
                group["lr"] = lr
        if "data" in changes:
            s = self.config
            self._real = toy_data.batch_sampler(s.data, s.runs * s.batch * self.pack, generator=self.rng)

    # ---------- what the dashboard draws ----------
    def real_points(self, n):
        # its own generator: drawing (whose count depends on timing) must not shift the training's random stream
        return toy_data.sample(self.config.data, n, generator=self._show_rng)

    def D_point(self, xy):
        """D's logit at single points; a packed D sees the point PACK times (its verdict on a clean pack)."""
        return self.D(xy.repeat(1, self.pack))

    def g_loss_at(self, x):
        """L_G evaluated at generated points x (the dashboard draws -dL_G/dx as arrows)."""
        logit = self.D_point(x)
        return generator_loss(logit, self.config.g_loss, reduction="sum")

    def z_grid_lines(self, n_lines=9, n_points=40, extent=2.5):
        """G applied to the lines of a grid in z (first two z coordinates, others 0): [lines, points, 2]."""
        t = torch.linspace(-extent, extent, n_points)
        zs = []
        for c in torch.linspace(-extent, extent, n_lines):
            for first in (True, False):
                z = torch.zeros(n_points, self.config.z_dim)
                z[:, 0], z[:, 1] = (t, c) if first else (c, t)
                zs.append(z)
        with torch.no_grad():
            return self.G(torch.cat(zs)).view(len(zs), n_points, 2).numpy()

    def samples(self, run=0):
        """G(eval_z) of one run: the 2,500 points the metric scores, [2500, 2]."""
        with torch.no_grad():
            out = self.G(self.eval_z.repeat(self.config.runs, 1))
        return out.view(self.config.runs, len(self.eval_z), 2)[run]

    def quality(self, run=0):
        return toy_data.quality(self.samples(run), self.config.data)
