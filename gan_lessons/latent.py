"""Latent interpolation, z_new = alpha*z1 + (1-alpha)*z2 (the lecture's convention), linear and spherical.

Mind the convention: alpha=1 gives z1 and alpha=0 gives z2, the OPPOSITE of torch.lerp(z1, z2, w), where
w=1 gives z2. Spherical interpolation (slerp) follows the great circle between
the two directions, so ||z|| stays near the typical radius sqrt(d) of a Gaussian z in d dimensions, where
the straight line dips toward the origin, a region G rarely saw in training.
"""
import torch


def _check(z1, z2):
    z1, z2 = torch.as_tensor(z1), torch.as_tensor(z2)
    if z1.shape != z2.shape:
        raise ValueError(f"cannot interpolate between latent vectors of shapes {tuple(z1.shape)} and "
                         f"{tuple(z2.shape)}: draw both endpoints with the same latent size.")
    return z1, z2


def lerp(z1, z2, alpha):
    """The lecture's formula. alpha may be a float or a 1D tensor of values (one output row per value)."""
    z1, z2 = _check(z1, z2)
    a = torch.as_tensor(alpha, dtype=z1.dtype).reshape(-1, *([1] * z1.dim()))
    out = a * z1 + (1 - a) * z2
    return out[0] if torch.as_tensor(alpha).dim() == 0 else out


def slerp(z1, z2, alpha, eps: float = 1e-6):
    """Spherical interpolation with the same convention: slerp(z1, z2, 1) = z1, slerp(z1, z2, 0) = z2.

    Parallel endpoints (angle ~0) fall back to lerp, the limit of slerp; opposite endpoints (z2 = -c*z1) have no
    unique great circle between them, so they are refused with a sentence rather than answered with noise.
    """
    z1, z2 = _check(z1, z2)
    a = torch.as_tensor(alpha, dtype=z1.dtype).reshape(-1, *([1] * z1.dim()))
    cos = ((z1 * z2).sum() / (z1.norm() * z2.norm()).clamp_min(1e-12)).clamp(-1, 1)
    if cos > 1 - eps:
        return lerp(z1, z2, alpha)
    if cos < -1 + eps:
        raise ValueError("slerp between opposite latent vectors (z2 = -z1) is undefined: every great circle "
                         "joins them; use lerp, or move z2 slightly.")
    omega = torch.arccos(cos)
    so = torch.sin(omega)
    out = (torch.sin(a * omega) / so) * z1 + (torch.sin((1 - a) * omega) / so) * z2
    return out[0] if torch.as_tensor(alpha).dim() == 0 else out
