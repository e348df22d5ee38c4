"""Lesson 03's exercises: the D half and the G half of the GAN step (checked against `train.gan_step` in
tests/test_exercises.py: the two halves in turn give its losses and updated parameters), and the modes-covered
metric of the 2D toys (checked there against `toy_data.quality`)."""
import copy

import torch
import torch.nn.functional as F
from torch import nn

from gan_lessons.exercises import Exercise, register
from gan_lessons.train import discriminator_loss, generator_loss


def d_half(G, D, opt_D, x, z):
    """One D update on L_D = -E[log D(x)] - E[log(1 - D(G(z)))], G fixed; returns L_D as a float."""
    with torch.no_grad():
        fake = G(z)
    loss_D = discriminator_loss(D(x), D(fake))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    return loss_D.item()


def g_half(G, D, opt_G, z):
    """One G update on the non-saturating L_G = -E[log D(G(z))], D fixed; returns L_G as a float."""
    loss_G = generator_loss(D(G(z)), "non-saturating")
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_G.item()


def _nets(seed):
    torch.manual_seed(seed)
    G = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
    D = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    g = torch.Generator().manual_seed(seed + 100)
    return G, D, torch.randn(16, 2, generator=g) * 2, torch.randn(16, 3, generator=g)


def _flat(net):
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def _grad_norm(net):
    return sum(float(p.grad.abs().sum()) for p in net.parameters() if p.grad is not None)


def _effect(fn, case, half):
    """Run one half-step on fresh copies; the 'output' is the loss, both nets' parameters and G's gradient."""
    G, D, x, z = copy.deepcopy(case[0])
    for p in list(G.parameters()) + list(D.parameters()):
        p.grad = torch.full_like(p, 0.3)   # stale gradients, as the previous half-step leaves them
    if half == "D":
        G_grad_before = _grad_norm(G)
        loss = fn(G, D, torch.optim.SGD(D.parameters(), lr=0.1), x, z)
        leaked = _grad_norm(G) - G_grad_before   # a D step that builds a graph through G leaves gradients in G
        return torch.tensor(float(loss)), _flat(D), _flat(G), torch.tensor(leaked)
    loss = fn(G, D, torch.optim.SGD(G.parameters(), lr=0.1), z)
    return torch.tensor(float(loss)), _flat(G), _flat(D)


def _cases():
    return [(_nets(seed),) for seed in (0, 1)]


def _swap_labels(G, D, opt_D, x, z):
    fake = G(z).detach()
    loss = discriminator_loss(D(fake), D(x))
    opt_D.zero_grad(), loss.backward(), opt_D.step()
    return loss.item()


def _no_detach(G, D, opt_D, x, z):
    loss = discriminator_loss(D(x), D(G(z)))
    opt_D.zero_grad(), loss.backward(), opt_D.step()
    return loss.item()


def _no_zero_grad(G, D, opt_D, x, z):
    loss = discriminator_loss(D(x), D(G(z).detach()))
    loss.backward(), opt_D.step()
    return loss.item()


def _no_step(G, D, opt_D, x, z):
    loss = discriminator_loss(D(x), D(G(z).detach()))
    opt_D.zero_grad(), loss.backward()
    return loss.item()


def _real_only(G, D, opt_D, x, z):
    real = D(x)
    loss = F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
    opt_D.zero_grad(), loss.backward(), opt_D.step()
    return loss.item()


register(Exercise(
    "lesson03.d_half", d_half, _cases, adapt=lambda fn, case: _effect(fn, case, "D"), mistakes=[
        (_swap_labels, "the labels are swapped: real data is labelled 1 (D(x) -> 1) and fakes 0."),
        (_no_detach, "G(z) is not detached: the D step leaves gradients in G's parameters (wrap G(z) in torch.no_grad() or .detach() it)."),
        (_no_zero_grad, "opt_D.zero_grad() is missing: the step adds stale gradients from the previous half-step to this one's."),
        (_no_step, "opt_D.step() is missing: the loss is computed and differentiated, but D never moves."),
        (_real_only, "the loss has only the real term: D must also push D(G(z)) towards 0 (the fake term)."),
    ]))


def _saturating_sign(G, D, opt_G, z):
    loss = -generator_loss(D(G(z)), "non-saturating")
    opt_G.zero_grad(), loss.backward(), opt_G.step()
    return loss.item()


def _saturating(G, D, opt_G, z):
    loss = generator_loss(D(G(z)), "saturating")
    opt_G.zero_grad(), loss.backward(), opt_G.step()
    return loss.item()


def _fake_label_zero(G, D, opt_G, z):
    logit = D(G(z))
    loss = F.binary_cross_entropy_with_logits(logit, torch.zeros_like(logit))
    opt_G.zero_grad(), loss.backward(), opt_G.step()
    return loss.item()


def _g_detached(G, D, opt_G, z):
    loss = generator_loss(D(G(z).detach()), "non-saturating")
    opt_G.zero_grad(), loss.backward(), opt_G.step()
    return loss.item()


register(Exercise(
    "lesson03.g_half", g_half, _cases, adapt=lambda fn, case: _effect(fn, case, "G"), mistakes=[
        (_saturating_sign, "the sign is flipped: G MINIMISES -log D(G(z)) (it wants D to call its samples real)."),
        (_saturating, "that is the saturating loss log(1 - D(G(z))): correct for the minimax game, but the lesson's L_G is -log D(G(z))."),
        (_fake_label_zero, "G's samples are labelled 0 (fake): G's loss labels them 1, since G wants D(G(z)) -> 1."),
        (_g_detached, "G(z) is detached, so no gradient reaches G: G never moves."),
    ]))


def modes_covered(samples, centres, sigma, min_count):
    """How many modes have at least `min_count` samples that are nearest to them AND within 3 sigma."""
    dist = torch.cdist(samples, centres)
    nearest_d, nearest = dist.min(dim=1)
    good = nearest_d <= 3 * sigma
    counts = torch.bincount(nearest[good], minlength=len(centres))
    return int((counts >= min_count).sum())


def _mode_cases():
    g = torch.Generator().manual_seed(3)
    centres = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [-5.0, 5.0]])
    near_two = torch.tensor([[0.45, 0.0]]).repeat(30, 1) + 0.01 * torch.randn(30, 2, generator=g)
    far = torch.tensor([[-5.0, 9.0]]).repeat(30, 1)          # 4 from a mode: not a good sample at sigma 0.2
    few = torch.tensor([[5.0, 5.0]]).repeat(3, 1)
    spread = torch.tensor([[5.0, 5.3]]).repeat(20, 1)       # 1.5 sigma from a mode: good
    return [(torch.cat([near_two, far, few]), centres, 0.2, 5), (torch.cat([near_two, spread, far]), centres, 0.2, 5),
            (torch.cat([near_two, few, spread]), centres, 0.05, 2)]


register(Exercise(
    "lesson03.modes_covered", modes_covered, _mode_cases, mistakes=[
        (lambda s, c, sig, m: int(((torch.cdist(s, c) <= 3 * sig).sum(dim=0) >= m).sum()),
         "a sample counts for EVERY mode within 3 sigma: assign each sample to its nearest mode only."),
        (lambda s, c, sig, m: int((torch.bincount(torch.cdist(s, c).argmin(1), minlength=len(c)) >= m).sum()),
         "the 3-sigma test is missing: a sample far from every mode is not a sample of its nearest mode."),
        (lambda s, c, sig, m: modes_covered(s, c, sig / 3, m), "the radius is sigma, not 3 sigma."),
        (lambda s, c, sig, m: modes_covered(s, c, sig, 1), "a single sample covers a mode here: the metric needs min_count samples."),
    ]))
