"""Lesson 04's exercises: a DCGAN generator checked layer by layer, and lerp and slerp with the lecture's alpha."""
import torch
from torch import nn

from gan_lessons import latent
from gan_lessons.exercises import Exercise, register


def make_generator(z_dim, ngf):
    """z [N, z_dim, 1, 1] -> [N, 1, 28, 28] in [-1, 1]: project to 4ngf x 7x7, up to 14x14, up to 28x28."""
    return nn.Sequential(
        nn.ConvTranspose2d(z_dim, 4 * ngf, kernel_size=7, stride=1, padding=0, bias=False),  # -> 4ngf x7x7
        nn.BatchNorm2d(4 * ngf), nn.ReLU(),
        nn.ConvTranspose2d(4 * ngf, 2 * ngf, kernel_size=4, stride=2, padding=1, bias=False),  # -> 2ngf x14x14
        nn.BatchNorm2d(2 * ngf), nn.ReLU(),
        nn.ConvTranspose2d(2 * ngf, 1, kernel_size=4, stride=2, padding=1),  # -> 1x28x28
        nn.Tanh(),
    )


def _generator_custom(candidate):
    z_dim, ngf = 8, 4
    net = candidate(z_dim, ngf)
    if not isinstance(net, nn.Module):
        return f"it returns a {type(net).__name__}; return the network (an nn.Module, e.g. nn.Sequential)."
    x = torch.randn(5, z_dim, 1, 1)
    shapes, layers = [], list(net.children()) if isinstance(net, nn.Sequential) else [net]
    with torch.no_grad():
        for layer in layers:
            try:
                x = layer(x)
            except RuntimeError as err:
                return (f"layer {len(shapes) + 1} ({type(layer).__name__}) cannot take the shape "
                        f"{tuple(x.shape)} it is given: {str(err).splitlines()[0]}")
            shapes.append(tuple(x.shape[1:]))
    if x.shape[1:] != (1, 28, 28):
        return f"its output is {tuple(x.shape[1:])} per sample; a digit is (1, 28, 28). Shapes layer by layer: {shapes}."
    if (4 * ngf, 7, 7) not in shapes or (2 * ngf, 14, 14) not in shapes:
        return f"the shapes layer by layer are {shapes}: expected 4ngf x 7 x 7, then 2ngf x 14 x 14, then 1 x 28 x 28."
    if not isinstance(layers[-1], nn.Tanh):
        return "the last layer is not tanh: the digits are scaled to [-1, 1], so G must end in [-1, 1]."
    if any(isinstance(m, nn.BatchNorm2d) for m in layers[-2:]):
        return "BatchNorm sits on the output layer: Radford et al. leave it off G's output (it would fix the pixels' mean and spread)."
    if not any(isinstance(m, nn.BatchNorm2d) for m in layers):
        return "there is no BatchNorm in the hidden layers: DCGAN normalises each hidden layer's output (it stabilises training)."
    if any(isinstance(m, nn.MaxPool2d | nn.AvgPool2d | nn.Upsample) for m in net.modules()):
        return "it resamples with pooling or Upsample: DCGAN lets strided (transposed) convolutions learn the resampling."
    if not any(isinstance(m, nn.ReLU) for m in layers):
        return "the hidden activations are not ReLU: Radford et al. use ReLU in G (LeakyReLU in D)."
    return None


def _bn_on_output(z_dim, ngf):
    layers = list(make_generator(z_dim, ngf).children())
    return nn.Sequential(*layers[:-1], nn.BatchNorm2d(1), nn.Tanh())


def _upsampled(z_dim, ngf):
    return nn.Sequential(
        nn.ConvTranspose2d(z_dim, 4 * ngf, 7, 1, 0, bias=False), nn.BatchNorm2d(4 * ngf), nn.ReLU(),
        nn.Upsample(scale_factor=2), nn.Conv2d(4 * ngf, 2 * ngf, 3, 1, 1), nn.BatchNorm2d(2 * ngf), nn.ReLU(),
        nn.Upsample(scale_factor=2), nn.Conv2d(2 * ngf, 1, 3, 1, 1), nn.Tanh())


register(Exercise("lesson04.make_generator", make_generator, custom=_generator_custom, mistakes=[
    (lambda z, n: nn.Sequential(*list(make_generator(z, n).children())[:-1]), "the last layer is not tanh"),
    (_bn_on_output, "BatchNorm sits on the output layer"),
    (lambda z, n: nn.Sequential(*list(make_generator(z, n).children())[:-3], nn.Tanh()), "its output is (8, 14, 14)"),
    (lambda z, n: nn.Sequential(nn.ConvTranspose2d(z, 4 * n, 4, 1, 0), *list(make_generator(z, n).children())[1:]),
     "its output is (1, 16, 16)"),
    (_upsampled, "it resamples with pooling or Upsample"),
]))


def _pairs():
    g = torch.Generator().manual_seed(4)
    z1, z2 = torch.randn(2, 64, generator=g, dtype=torch.float64)
    return [(z1, z2, 0.25), (z1, z2, 0.9), (z1, z2, 0.0), (z1, 2.5 * z1, 0.5)]


register(Exercise("lesson04.lerp", latent.lerp, _pairs, mistakes=[
    (lambda z1, z2, a: a * z2 + (1 - a) * z1, "alpha is reversed: the lecture's z_new = alpha*z1 + (1-alpha)*z2 gives z1 at alpha = 1 (torch.lerp's weight is the opposite)."),
    (lambda z1, z2, a: (z1 + z2) / 2, "it ignores alpha and returns the midpoint."),
    (lambda z1, z2, a: a * z1 + a * z2, "the second weight is alpha; it must be 1 - alpha, so the weights sum to 1."),
]))


def _slerp_normalised(z1, z2, a):
    out = latent.slerp(z1, z2, a)
    return out / out.norm()


def _slerp_nan_parallel(z1, z2, a):
    omega = torch.arccos((z1 @ z2) / (z1.norm() * z2.norm()))
    return (torch.sin(a * omega) * z1 + torch.sin((1 - a) * omega) * z2) / torch.sin(omega)


register(Exercise("lesson04.slerp", latent.slerp, _pairs, mistakes=[
    (lambda z1, z2, a: latent.slerp(z2, z1, a), "alpha is reversed: with the lecture's convention slerp(z1, z2, 1) = z1."),
    (_slerp_normalised, "it returns unit vectors: slerp keeps the endpoints' norms (about sqrt(d) for Gaussian z), it does not normalise."),
    (_slerp_nan_parallel, "it returns NaN for parallel endpoints (angle 0, sin 0): fall back to lerp there, slerp's limit."),
    (lambda z1, z2, a: latent.lerp(z1, z2, a), "that is lerp: it cuts the chord, whose middle has a smaller norm than either endpoint; slerp follows the arc."),
]))
