"""Lesson 03 section 2's 1D GAN repeated over seeds: how far TV(KDE of p_g, p_data) falls, and each mode's share.

    python tools/lesson03_1d_spread.py 0 30 > artifacts/any_seed/lesson03_1d_runs.jsonl

The same data, nets, optimiser, batch and steps as the lesson's cells 6-7 (two modes at -2 and 2 with sd 0.5, MLPs
with 32 hidden units, Adam 1e-3 with beta1 0.5, batch 128, k = 1); one JSON line per seed with the TV ratio (end over
start, KDE of 20,000 samples) and the share of samples right of 0, after 3,000 and after 6,000 steps. The lesson's
limit on the ratio is set from these and from the sweep, not from the committed run.
"""
import json
import sys

import numpy as np
import torch
from scipy.stats import gaussian_kde

from gan_lessons.models import mlp
from gan_lessons.train import fit, gan_step

MU, SD = 2.0, 0.5
GRID = np.linspace(-4.5, 4.5, 451)
P_DATA = sum(0.5 * np.exp(-(GRID - m) ** 2 / (2 * SD**2)) / np.sqrt(2 * np.pi * SD**2) for m in (-MU, MU))
Z = torch.randn(20000, 1, generator=torch.Generator().manual_seed(7))


def run(seed):
    torch.manual_seed(seed)
    G, D = mlp(1, 1, hidden=32), mlp(1, 1, hidden=32)
    opt_G = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))

    def tv():
        with torch.no_grad():
            density = gaussian_kde(G(Z).squeeze(1).numpy())(GRID)
        return 0.5 * np.abs(density - P_DATA).sum() * (GRID[1] - GRID[0])

    def real():
        return (torch.randint(0, 2, (128, 1)) * 2 * MU - MU) + SD * torch.randn(128, 1)

    tv0, row, history = tv(), {"seed": seed}, None
    for _ in range(2):
        history = fit(lambda: gan_step(G, D, opt_G, opt_D, real, lambda n: torch.randn(n, 1), k=1), 3000,
                      history=history, progress=False)
        with torch.no_grad():
            row[f"right{history.steps}"] = (G(Z) > 0).float().mean().item()
        row[f"tv{history.steps}"] = tv() / tv0
    return row


if __name__ == "__main__":
    torch.set_num_threads(1)
    for seed in range(int(sys.argv[1]), int(sys.argv[2])):
        print(json.dumps(run(seed)), flush=True)
