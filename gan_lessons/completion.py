"""Image completion for lesson 05: see the top half of a digit, draw the bottom half.

A task with many right answers (a top half with a loop may close into a 9, an 8 or a 0...), which is
what separates a regression loss (MSE: the mean of the answers, a blur) from an adversarial one (one
answer that looks real). The same CompletionNet is trained both ways; PatchDiscriminator is the
pix2pix-style conditional D that sees the condition (the top half) next to the candidate; completion_step is
the one training step of both models.
"""
import copy
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from gan_lessons.config import Config, require_positive
from gan_lessons.device import seeded
from gan_lessons.digit_data import batches
from gan_lessons.train import discriminator_loss, fit, generator_loss

TOP = 14  # rows 0..13 are given, rows 14..27 are to be drawn


def hide_bottom(images: torch.Tensor) -> torch.Tensor:
    """The condition: the image with its bottom half set to background (-1)."""
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"expected digits of shape [N, 1, 28, 28], got {tuple(images.shape)}.")
    canvas = images.clone()
    canvas[:, :, TOP:, :] = -1.0
    return canvas


class CompletionNet(nn.Module):
    """Top-half canvas [N, 1, 28, 28] -> full image: the given top half, then the drawn bottom half.

    A fully connected bottleneck between the conv layers, because every bottom pixel may depend on the
    whole top half (a 7 and a 9 differ at the far side of the image), more than a conv's reach.
    """

    def __init__(self, nf: int = 32, hidden: int = 128):
        super().__init__()
        self.encode = nn.Sequential(
            nn.Conv2d(1, nf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),       # 1x28x28 -> nf x14x14
            nn.Conv2d(nf, 2 * nf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),  # -> 2nf x7x7
            nn.Flatten(),                                                                  # -> 2nf*49
            nn.Linear(2 * nf * 49, hidden), nn.ReLU(),                                     # -> hidden
        )
        self.decode = nn.Sequential(
            nn.Linear(hidden, 2 * nf * 49), nn.ReLU(),
            nn.Unflatten(1, (2 * nf, 7, 7)),                                               # -> 2nf x7x7
            nn.ConvTranspose2d(2 * nf, nf, kernel_size=4, stride=2, padding=1), nn.ReLU(), # -> nf x14x14
            nn.ConvTranspose2d(nf, 1, kernel_size=4, stride=2, padding=1), nn.Tanh(),      # -> 1x28x28
        )

    def forward(self, canvas):
        """Shown in lesson 05."""
        drawn = self.decode(self.encode(canvas))
        # the top half is given, so copy it: the network is judged (and trained) only on what it draws
        return torch.cat([canvas[:, :, :TOP], drawn[:, :, TOP:]], dim=2)


class PatchDiscriminator(nn.Module):
    """pix2pix-style conditional D: (condition, candidate) -> a 7x7 map of logits, one per image patch.

    Each logit sees an 18x18-pixel patch, so D judges local realism everywhere (strokes, their ends and
    joins) and, with the condition beside the candidate, whether the bottom continues the given top.
    """

    def __init__(self, ndf: int = 32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(2, ndf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),   # 2x28x28 -> ndf x14x14
            nn.Conv2d(ndf, 2 * ndf, kernel_size=4, stride=2, padding=1, bias=False),    # -> 2ndf x7x7
            nn.BatchNorm2d(2 * ndf), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * ndf, 1, kernel_size=3, stride=1, padding=1),                  # -> 1x7x7 logits
        )

    def forward(self, condition, candidate):
        return self.net(torch.cat([condition, candidate], dim=1))


def completion_step(G, D, opt_G, opt_D, x, adversarial: bool, mse_weight: float = 10.0):
    """One training step of lesson 05's completion models on a batch of full digits x; returns the losses.

    adversarial=False: only the G half, on MSE of the drawn half. adversarial=True: the conditional version of
    the course's gan_step: a D half (real pairs (top, x) -> 1, fake pairs (top, G(top)) -> 0), then a G half on
    mse_weight * MSE + the non-saturating adversarial loss. D and opt_D are unused when adversarial=False.

    Shown in lesson 05."""
    top = hide_bottom(x)                     # the condition
    row = {}
    if adversarial:
        # ---- D half: real pairs (top, true digit) -> 1, fake pairs (top, G's completion) -> 0 ----
        with torch.no_grad():
            fake = G(top)
        loss_D = discriminator_loss(D(top, x), D(top, fake))
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        row["loss_D"] = loss_D.item()
    # ---- G half: MSE on the drawn half (+ fool the conditional D; only opt_G steps) ----
    fake = G(top)
    mse = F.mse_loss(fake[:, :, TOP:], x[:, :, TOP:])
    loss_G = mse
    if adversarial:
        adv = generator_loss(D(top, fake))   # -mean log D(top, G(top)) over the 7x7 patches of every image
        loss_G = mse_weight * mse + adv
        row["adv"] = adv.item()
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    row["mse"] = mse.item()
    return row


@dataclass(frozen=True)
class CompletionConfig(Config):
    """Lesson 05's two completion models: trained the same way, with or without the adversarial term."""
    steps: int = 1500                  # batches, for each model
    mse_weight: float = 10.0           # lambda: weight of the MSE term in the adversarial model's G loss
    snapshot_steps: tuple = (25, 100, 300, 800, 1500)   # D copies kept during the adversarial run (section 3)
    lr: float = 1e-3                   # Adam's rate for G and D
    batch_size: int = 64
    seed: int = 1                      # the weights' initialisation and the batch order

    def __post_init__(self):
        require_positive(self, "steps", "mse_weight", "lr", "batch_size")


SHIPPED_COMPLETION = CompletionConfig()   # what made gan_lessons/weights/completion_*.pt


def train_completion(images, adversarial: bool, config: CompletionConfig = SHIPPED_COMPLETION, device="cpu",
                     progress=True):
    """Train a CompletionNet with `completion_step` (a PatchDiscriminator too when adversarial); returns
    (G in eval mode, the D copies kept at config.snapshot_steps, history)."""
    c = config
    with seeded(c.seed, device):
        G, D = CompletionNet().to(device), PatchDiscriminator().to(device)
        opt_G = torch.optim.Adam(G.parameters(), lr=c.lr, betas=(0.5, 0.999))
        opt_D = torch.optim.Adam(D.parameters(), lr=c.lr, betas=(0.5, 0.999))
        real = batches(images.to(device), c.batch_size, torch.Generator().manual_seed(c.seed))
        snapshots, done = nn.ModuleList(), [0]

        def step():
            row = completion_step(G, D, opt_G, opt_D, next(real), adversarial, mse_weight=c.mse_weight)
            done[0] += 1
            if adversarial and done[0] in c.snapshot_steps:
                snapshots.append(copy.deepcopy(D).eval())
            return row

        history = fit(step, c.steps, desc="MSE + adversarial" if adversarial else "MSE only", progress=progress)
    return G.eval(), snapshots, history
