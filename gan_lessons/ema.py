"""An exponential moving average (EMA) of the generator's weights, used only for sampling.

GAN training never settles: G chases a moving D, so its weights wobble from step to step and single
snapshots show blotchy digits. Averaging the weights over the last ~1/(1 - decay) steps smooths the
wobble away without touching training (Yazici et al. 2019, "The unusual effectiveness of averaging in
GAN training"). The average is a separate copy of G; gan_step still trains G itself.
"""
import copy

import torch
from torch import nn


class EMA:
    """ema = EMA(G, decay); after each step ema.update(G); sample with ema.model (eval mode)."""

    def __init__(self, model: nn.Module, decay: float = 0.999):
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"decay={decay} must be in [0, 1): 0.99 averages ~100 steps, 0.999 ~1000.")
        self.decay = decay
        self.model = copy.deepcopy(model).eval().requires_grad_(False)
        self.steps = 0

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.steps += 1
        # warm-up: early on average over the steps seen so far, so the copy is not stuck at the random init
        d = min(self.decay, (1 + self.steps) / (10 + self.steps))
        ema_params = list(self.model.parameters())
        torch._foreach_lerp_(ema_params, [p.detach() for p in model.parameters()], 1 - d)
        # BatchNorm running statistics are copied, not averaged: they already are averages
        for b_ema, b in zip(self.model.buffers(), model.buffers()):
            b_ema.copy_(b)
