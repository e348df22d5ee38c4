"""Generators and discriminators, each defined once: MLPs for the 1D/2D toys and images, DCGAN for digits.

Discriminators return logits; D(x) = sigmoid(logit) is the probability that x is real.
"""
import torch
import torch.nn.functional as F
from torch import nn


def mlp(n_in: int, n_out: int, hidden: int = 64, layers: int = 2, act=nn.ReLU) -> nn.Sequential:
    """n_in -> [hidden]*layers -> n_out: G and D of the 1D and 2D toys (G: z -> x, D: x -> logit)."""
    dims = [n_in] + [hidden] * layers
    blocks = []
    for a, b in zip(dims[:-1], dims[1:]):
        blocks += [nn.Linear(a, b), act()]
    return nn.Sequential(*blocks, nn.Linear(dims[-1], n_out))


class MLPGenerator(nn.Module):
    """Vanilla GAN generator for 28x28 digits: fully connected, tanh output."""

    def __init__(self, z_dim: int = 64, hidden: int = 256):
        super().__init__()
        self.z_dim = z_dim
        self.net = nn.Sequential(
            nn.Linear(z_dim, hidden), nn.ReLU(),          # z -> hidden
            nn.Linear(hidden, 2 * hidden), nn.ReLU(),     # hidden -> 2*hidden
            nn.Linear(2 * hidden, 28 * 28), nn.Tanh(),    # 2*hidden -> 784 pixels in [-1, 1]
        )

    def forward(self, z):
        return self.net(z).view(-1, 1, 28, 28)


class MLPDiscriminator(nn.Module):
    """Vanilla GAN discriminator for 28x28 digits: fully connected, LeakyReLU."""

    def __init__(self, hidden: int = 256):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),                                                 # 1x28x28 -> 784
            nn.Linear(28 * 28, 2 * hidden), nn.LeakyReLU(negative_slope=0.2),
            nn.Linear(2 * hidden, hidden), nn.LeakyReLU(negative_slope=0.2),
            nn.Linear(hidden, 1),                                         # -> logit
        )

    def forward(self, x):
        return self.net(x)


class DCGANGenerator(nn.Module):
    """Radford et al. for 28x28: transposed convolutions, BatchNorm except at the output, ReLU, tanh."""

    def __init__(self, z_dim: int = 64, ngf: int = 32):
        super().__init__()
        self.z_dim = z_dim
        self.net = nn.Sequential(
            # project z: z_dim x 1x1 -> 4ngf x 7x7 (the only "fully connected" part, as a convolution)
            nn.ConvTranspose2d(z_dim, 4 * ngf, kernel_size=7, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(4 * ngf), nn.ReLU(),
            nn.ConvTranspose2d(4 * ngf, 2 * ngf, kernel_size=4, stride=2, padding=1, bias=False),  # 7x7 -> 14x14
            nn.BatchNorm2d(2 * ngf), nn.ReLU(),
            nn.ConvTranspose2d(2 * ngf, 1, kernel_size=4, stride=2, padding=1),                    # 14x14 -> 28x28
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z.view(len(z), self.z_dim, 1, 1))


class DCGANDiscriminator(nn.Module):
    """Strided convolutions (no pooling), LeakyReLU(0.2), no BatchNorm at the input layer.

    batchnorm=True puts BatchNorm on the hidden layer as Radford et al. do; lesson 04's D leaves it out
    (`DigitConfig.d_batchnorm`, measured in artifacts/dcgan_bench/README.md)."""

    def __init__(self, ndf: int = 32, batchnorm: bool = True):
        super().__init__()
        layers = [
            nn.Conv2d(1, ndf, kernel_size=4, stride=2, padding=1),                                # 28x28 -> 14x14
            nn.LeakyReLU(negative_slope=0.2),
            nn.Conv2d(ndf, 2 * ndf, kernel_size=4, stride=2, padding=1, bias=not batchnorm),    # 14x14 -> 7x7
        ]
        if batchnorm:
            layers.append(nn.BatchNorm2d(2 * ndf))
        self.net = nn.Sequential(
            *layers, nn.LeakyReLU(negative_slope=0.2),
            nn.Conv2d(2 * ndf, 1, kernel_size=7, stride=1, padding=0),                            # 7x7 -> 1x1 logit
            nn.Flatten(),
        )

    def forward(self, x):
        return self.net(x)


class RandomShift(nn.Module):
    """In training, moves each image by its own random offset of up to `pixels` pixels across and down, filling
    the uncovered border with the background (-1); in eval mode, the identity.

    Put in front of D (`nn.Sequential(RandomShift(2), D)`), it is the translation of DiffAugment (Zhao et al.,
    2020): real and fake images are moved alike, so D cannot win by memorising where the strokes of a few
    thousand training digits sit, while G's gradient passes back through the move (it only relocates pixels).
    """

    def __init__(self, pixels: int, generator: torch.Generator | None = None):
        super().__init__()
        if pixels < 0:
            raise ValueError(f"pixels={pixels!r}: a shift of up to how many pixels, so 0 or more.")
        self.pixels, self.generator = pixels, generator   # generator: the offsets' own seeded stream (CPU)

    def forward(self, x):                                   # x: [N, C, H, W] in [-1, 1]
        if not self.training or self.pixels == 0:
            return x
        n, _, h, w = x.shape
        r = self.pixels
        padded = F.pad(x, (r, r, r, r), value=-1.0)         # [N, C, H+2r, W+2r]
        down, across = torch.randint(0, 2 * r + 1, (2, n, 1), generator=self.generator).to(x.device)
        rows = torch.arange(h, device=x.device) + down      # [N, H]: the rows each image keeps
        cols = torch.arange(w, device=x.device) + across    # [N, W]
        picked = padded[torch.arange(n, device=x.device)[:, None, None], :, rows[:, :, None], cols[:, None, :]]
        return picked.permute(0, 3, 1, 2)                   # advanced indexing put C last: [N, H, W, C] -> [N, C, H, W]

    def extra_repr(self):
        return f"pixels={self.pixels}"


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
