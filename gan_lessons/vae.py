"""Lesson 06's models and steps: a small convolutional VAE (E + G) and the VAE-GAN (E + G + D) of Larsen et al.

The encoder E (x -> mu, log sigma^2) and the decoder G (z -> x) are shared by both models, so "VAE = G + E"
and "better GAN = G + D + E" differ only by the discriminator and the losses. Every loss and training step
lives here once: the lesson shows these functions (inspect.getsource) and calls them, and the unit tests
test them.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from gan_lessons.config import Config, require_positive
from gan_lessons.device import seeded
from gan_lessons.digit_data import batches
from gan_lessons.train import discriminator_loss, fit, generator_loss


class ConvEncoder(nn.Module):
    """x [N, 1, 28, 28] in [-1, 1] -> (mu, logvar), each [N, z_dim]: the parameters of q(z|x).

    Shown in lesson 06."""

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

    Logits, because the VAE's reconstruction loss treats each pixel as a Bernoulli and binary cross-entropy
    on logits is numerically stable; images = 2*sigmoid(logit) - 1 = tanh(logit / 2), the range every
    generator of the course produces, so the metric and the discriminator see the usual [-1, 1].

    Shown in lesson 06."""

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


class FeatureDiscriminator(nn.Module):
    """D of the VAE-GAN: x [N, 1, 28, 28] -> logit [N, 1], and features(x): its hidden layer [N, 2ndf*49].

    Lesson 04's DCGAN discriminator without BatchNorm: the VAE-GAN measures reconstruction in D's hidden
    layer ("learned similarity"), and a feature that depended on the other images in the batch (BatchNorm's
    batch statistics) would make one image's reconstruction error depend on its batch-mates.
    """

    def __init__(self, ndf: int = 32):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, ndf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),         # -> ndf x14x14
            nn.Conv2d(ndf, 2 * ndf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),   # -> 2ndf x7x7
            nn.Flatten(),                                                                     # the features
        )
        self.head = nn.Linear(2 * ndf * 49, 1)                                                # -> logit

    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x))


def to_pixels01(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] images -> [0, 1] targets of the Bernoulli reconstruction loss."""
    return (images + 1) / 2


def reparameterize(mu, logvar):
    """z = mu + sigma * eps, eps ~ N(0, I): a sample of q(z|x) that gradients can pass through.

    Shown in lesson 06."""
    eps = torch.randn_like(mu)                 # the randomness, outside the graph
    return mu + torch.exp(0.5 * logvar) * eps  # differentiable in mu and logvar


def kl_to_prior(mu, logvar):
    """KL(q(z|x) || N(0, I)) in closed form, summed over the latent dimensions, averaged over the batch.

    Shown in lesson 06."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(mu)


def vae_loss(x, logits, mu, logvar):
    """(reconstruction, KL), each in nats per image: the two terms of the VAE loss (the negative ELBO).

    Shown in lesson 06."""
    # reconstruction: -log p(x|z), a Bernoulli per pixel, summed over pixels, averaged over the batch
    rec = F.binary_cross_entropy_with_logits(logits, to_pixels01(x), reduction="sum") / len(x)
    return rec, kl_to_prior(mu, logvar)


def vae_step(E, G, opt, x):
    """One VAE step on a batch x: encode, sample z by the reparameterization trick, decode, reconstruction + KL.

    Shown in lesson 06."""
    mu, logvar = E(x)
    z = reparameterize(mu, logvar)
    rec, kl = vae_loss(x, G.logits(z), mu, logvar)
    loss = rec + kl
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return {"reconstruction": rec.item(), "KL": kl.item()}


def feature_reconstruction(D, x, x_rec):
    """Larsen et al.'s "learned similarity": 1/2 ||D_l(x) - D_l(x_rec)||^2 in D's hidden layer, per image.

    (A Gaussian -log p(D_l(x) | z) up to a constant.) Compared in features, a stroke drawn one pixel off costs
    little when D's features see the same stroke, where a pixel loss would charge for every moved pixel.

    Shown in lesson 06."""
    return 0.5 * (D.features(x) - D.features(x_rec)).pow(2).sum() / len(x)


def vaegan_step(E, G, D, opt_E, opt_G, opt_D, x, gamma):
    """One VAE-GAN step (Larsen et al. 2016, Algorithm 1): each network trained by its own loss.

    x_rec = G(z), z ~ q(z|x) (a reconstruction); x_p = G(z_p), z_p ~ N(0, I) (a prior sample).
    D: the GAN loss on real digits (-> 1) vs reconstructions and prior samples (-> 0).
    E: KL to the prior + reconstruction in D's feature space (no GAN term).
    G: gamma * feature reconstruction + the non-saturating GAN loss on reconstructions and prior samples.

    Shown in lesson 06."""
    n = len(x)
    mu, logvar = E(x)
    x_rec = G(reparameterize(mu, logvar))
    x_p = G(torch.randn(n, mu.shape[1], device=x.device))
    # ---- D half: real -> 1; reconstructions and prior samples -> 0 (E and G fixed: detached) ----
    loss_D = discriminator_loss(D(x), D(torch.cat([x_rec.detach(), x_p.detach()])))
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()
    # ---- E and G half, with the updated D (D fixed: only E's and G's gradients are computed) ----
    kl = kl_to_prior(mu, logvar)
    feature_rec = feature_reconstruction(D, x, x_rec)
    adv = generator_loss(D(torch.cat([x_rec, x_p])))            # non-saturating: -E log D(fake)
    loss_E = kl + feature_rec
    loss_G = gamma * feature_rec + adv
    opt_E.zero_grad(set_to_none=True)
    opt_G.zero_grad(set_to_none=True)
    loss_E.backward(inputs=list(E.parameters()), retain_graph=True)  # E's gradient from its loss only
    loss_G.backward(inputs=list(G.parameters()))                      # G's gradient from its loss only
    opt_E.step()
    opt_G.step()
    return {"KL": kl.item(), "feature_rec": feature_rec.item(), "adv": adv.item(), "loss_D": loss_D.item()}


@dataclass(frozen=True)
class VAEConfig(Config):
    """Lesson 06's VAE (E + G) and VAE-GAN (E + G + D); the VAE reads the first five fields."""
    steps: int = 2500
    z_dim: int = 16
    lr: float = 1e-3           # Adam's rate for E and G
    batch_size: int = 64
    seed: int = 1              # the weights' initialisation, the batch order and the noise
    gamma: float = 0.5         # VAE-GAN: weight of the feature reconstruction in G's loss
    ndf: int = 32              # VAE-GAN: D's channels
    lr_D: float = 1e-3         # VAE-GAN: D's rate

    def __post_init__(self):
        require_positive(self, "steps", "z_dim", "lr", "batch_size", "gamma", "ndf", "lr_D")


SHIPPED_VAE = VAEConfig()                       # what made gan_lessons/weights/vae.pt
SHIPPED_VAEGAN = VAEConfig(steps=1800)          # and vaegan.pt


def train_vae(images, config: VAEConfig = SHIPPED_VAE, device="cpu", progress=True):
    """Train a VAE (E + G) on `images` for `config.steps` batches; returns (nn.ModuleDict(E=..., G=...), history)."""
    c = config
    with seeded(c.seed, device):
        E, G = ConvEncoder(c.z_dim).to(device), ConvDecoder(c.z_dim).to(device)
        opt = torch.optim.Adam([*E.parameters(), *G.parameters()], lr=c.lr)
        real = batches(images.to(device), c.batch_size, torch.Generator().manual_seed(c.seed))
        history = fit(lambda: vae_step(E, G, opt, next(real)), c.steps, desc="VAE", progress=progress)
    return nn.ModuleDict({"E": E, "G": G}).eval(), history


def train_vaegan(images, config: VAEConfig = SHIPPED_VAEGAN, device="cpu", progress=True):
    """Train a VAE-GAN (E + G + D) with `vaegan_step`; returns (nn.ModuleDict(E=..., G=..., D=...), history)."""
    c = config
    with seeded(c.seed, device):
        E, G = ConvEncoder(c.z_dim).to(device), ConvDecoder(c.z_dim).to(device)
        D = FeatureDiscriminator(c.ndf).to(device)
        opt_E = torch.optim.Adam(E.parameters(), lr=c.lr, betas=(0.5, 0.999))
        opt_G = torch.optim.Adam(G.parameters(), lr=c.lr, betas=(0.5, 0.999))
        opt_D = torch.optim.Adam(D.parameters(), lr=c.lr_D, betas=(0.5, 0.999))
        real = batches(images.to(device), c.batch_size, torch.Generator().manual_seed(c.seed))
        history = fit(lambda: vaegan_step(E, G, D, opt_E, opt_G, opt_D, next(real), c.gamma), c.steps,
                      desc="VAE-GAN", progress=progress)
    return nn.ModuleDict({"E": E, "G": G, "D": D}).eval(), history
