"""A small convolutional VAE for 28x28 digits: the encoder E (x -> mu, log sigma^2) and the decoder G (z -> x).

Only the two networks live here. The lesson writes the reparameterization trick and the loss
(reconstruction + KL) inline, because they are the point of the lesson. The same two classes are the
E and G of the VAE-GAN, so "VAE = G + E" and "better GAN = G + D + E" differ only by the D and the loss.
"""
import torch
from torch import nn


class ConvEncoder(nn.Module):
    """x [N, 1, 28, 28] in [-1, 1] -> (mu, logvar), each [N, z_dim]: the parameters of q(z|x)."""

    def __init__(self, z_dim: int = 16, nf: int = 32):
        super().__init__()
        self.z_dim = z_dim
        self.net = nn.Sequential(
            nn.Conv2d(1, nf, kernel_size=4, stride=2, padding=1),           # 1x28x28 -> nf x14x14
            nn.LeakyReLU(negative_slope=0.2),
            nn.Conv2d(nf, 2 * nf, kernel_size=4, stride=2, padding=1),      # nf x14x14 -> 2nf x7x7
            nn.LeakyReLU(negative_slope=0.2),
            nn.Flatten(),                                                   # -> 2nf*49
            nn.Linear(2 * nf * 49, 2 * z_dim),                              # -> [mu, logvar]
        )

    def forward(self, x):
        # log sigma^2 rather than sigma: any real number is valid, so no positivity constraint is needed
        mu, logvar = self.net(x).chunk(2, dim=1)
        return mu, logvar


class ConvDecoder(nn.Module):
    """z [N, z_dim] -> pixel logits [N, 1, 28, 28] (logits(z)) or images in [-1, 1] (forward(z)).

    Logits, because the reconstruction loss treats each pixel as a Bernoulli and binary cross-entropy
    on logits is numerically stable; images = 2*sigmoid(logit) - 1 = tanh(logit / 2), the range every
    generator of the course produces, so the metric and the discriminator see the usual [-1, 1].
    """

    def __init__(self, z_dim: int = 16, nf: int = 32):
        super().__init__()
        self.z_dim = z_dim
        self.net = nn.Sequential(
            nn.Linear(z_dim, 2 * nf * 49), nn.ReLU(),                                   # z -> 2nf*49
            nn.Unflatten(1, (2 * nf, 7, 7)),                                            # -> 2nf x7x7
            nn.ConvTranspose2d(2 * nf, nf, kernel_size=4, stride=2, padding=1),         # 2nf x7x7 -> nf x14x14
            nn.ReLU(),
            nn.ConvTranspose2d(nf, 1, kernel_size=4, stride=2, padding=1),              # nf x14x14 -> 1x28x28
        )

    def logits(self, z):
        return self.net(z)

    def forward(self, z):
        return torch.tanh(self.net(z) / 2)


def to_pixels01(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] images -> [0, 1] targets of the Bernoulli reconstruction loss."""
    return (images + 1) / 2
