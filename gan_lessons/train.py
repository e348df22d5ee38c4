"""The GAN step (the lecture's algorithm) and the loop around it: history, progress, Ctrl-C, divergence.

`gan_step` is the one implementation: lessons show its source where the student reads it and pass it
to `fit`, and the benchmarks call the same function.
"""
import math
from collections import defaultdict

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

G_LOSSES = ("non-saturating", "saturating")


def discriminator_loss(real_logit, fake_logit):
    """L_D = -E[log D(x)] - E[log(1 - D(G(z)))], from D's logits (BCE with labels 1 for real, 0 for fake)."""
    return (F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
            + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit)))


def generator_loss(fake_logit, kind="non-saturating", reduction="mean"):
    """L_G from D's logits at G(z). 'non-saturating': -E[log D(G(z))], the lecture's L_G.
    'saturating': E[log(1 - D(G(z)))], the minimax game as written (G minimises what D maximises).
    reduction='sum' gives each sample's own gradient (the dashboard's arrows)."""
    if kind == "non-saturating":
        return F.binary_cross_entropy_with_logits(fake_logit, torch.ones_like(fake_logit), reduction=reduction)
    if kind == "saturating":
        return -F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit), reduction=reduction)
    raise ValueError(f"g_loss={kind!r} is unknown: use one of {', '.join(map(repr, G_LOSSES))}.")


def d_step(G, D, opt_D, sample_real, sample_z):
    """One D-step on L_D with G fixed. D returns logits; D(x) = sigmoid(logit).

    Shown in lessons 02, 03, 04 and 05 (inspect.getsource); tests/test_shown_source.py keeps the shown copies true.
    """
    x = sample_real()
    with torch.no_grad():
        fake = G(sample_z(len(x)))      # no graph through G: D's step must not touch G
    real_logit, fake_logit = D(x), D(fake)
    loss_D = discriminator_loss(real_logit, fake_logit)
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()
    return {"loss_D": loss_D.item(), "D_real": torch.sigmoid(real_logit).mean().item(), "batch": len(x)}


def g_step(G, D, opt_G, sample_z, batch, g_loss="non-saturating"):
    """One G-step on L_G with D fixed: only opt_G steps (D's stale grads are cleared by its next step).

    Shown in lessons 02, 03, 04 and 05 (inspect.getsource); tests/test_shown_source.py keeps the shown copies true.
    """
    fake_logit = D(G(sample_z(batch)))
    loss_G = generator_loss(fake_logit, g_loss)
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    grad_G = torch.sqrt(sum(p.grad.pow(2).sum() for p in G.parameters() if p.grad is not None))
    opt_G.step()
    return {"loss_G": loss_G.item(), "grad_G": grad_G.item(), "D_fake": torch.sigmoid(fake_logit).mean().item()}


def gan_step(G, D, opt_G, opt_D, sample_real, sample_z, k=1, g_loss="non-saturating"):
    """The lecture's algorithm: k D-steps on L_D, then one G-step on L_G, on fresh minibatches each time.

    Shown in lessons 02, 03, 04 and 05 (inspect.getsource); tests/test_shown_source.py keeps the shown copies true.
    """
    if g_loss not in G_LOSSES:
        raise ValueError(f"g_loss={g_loss!r} is unknown: use one of {', '.join(map(repr, G_LOSSES))}.")
    if k < 1:
        raise ValueError(f"k={k} D-steps per G-step: k must be at least 1.")
    for _ in range(k):
        row = d_step(G, D, opt_D, sample_real, sample_z)
    row.update(g_step(G, D, opt_G, sample_z, row.pop("batch"), g_loss))
    return row


class History(defaultdict):
    """history["loss_D"] is a list with one float per step; history.steps is the number of steps.

    A dict of lists (so it saves as JSON): len(history) counts its keys, as for any dict."""

    def __init__(self):
        super().__init__(list)
        self.stop_reason = None  # set when fit stopped early (diverged, interrupted)

    def append(self, row: dict):
        for key, value in row.items():
            self[key].append(value)

    @property
    def steps(self) -> int:
        return len(next(iter(self.values()), []))


def fit(step, steps, history=None, every=0, on_update=None, desc="training", progress=True):
    """Call `step()` `steps` times, appending what it returns to `history` (kept and returned).

    Every `every` steps `on_update(history)` runs (redraw a figure, log a metric). Ctrl-C (kernel
    interrupt) stops cleanly: the model and history stay as they are and calling fit again continues.
    A NaN or inf loss stops with a sentence saying what probably happened (also in history.stop_reason).
    """
    history = History() if history is None else history
    history.stop_reason = None
    start = history.steps
    bar = tqdm(range(steps), desc=desc, disable=not progress, leave=False)
    try:
        for i in bar:
            row = step()
            bad = [k for k, v in row.items() if not math.isfinite(v)]
            if bad:
                history.stop_reason = (
                    f"{bad[0]} became {row[bad[0]]} at step {start + i}: training diverged, most likely a "
                    f"learning rate too high for this k; lower the learning rates and start again.")
                print(history.stop_reason)
                break
            history.append(row)
            if on_update is not None and every and (i + 1) % every == 0:
                on_update(history)
    except KeyboardInterrupt:
        history.stop_reason = "interrupted"
        print(f"Interrupted after {history.steps} steps: model and history are kept; run the cell again to continue.")
    finally:
        bar.close()
    if on_update is not None and every:
        on_update(history)
    return history
