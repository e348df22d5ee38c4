"""Lesson 05's exercises: the conditional D's input, and the completion generator's MSE + adversarial loss."""
import torch
import torch.nn.functional as F

from gan_lessons.completion import TOP
from gan_lessons.exercises import Exercise, register
from gan_lessons.train import generator_loss


def d_input(top, candidate):
    """What the conditional D sees: the condition (the given top half) and the candidate digit as 2 channels."""
    return torch.cat([top, candidate], dim=1)


def _d_cases():
    g = torch.Generator().manual_seed(5)
    return [(torch.randn(3, 1, 28, 28, generator=g), torch.randn(3, 1, 28, 28, generator=g)) for _ in range(2)]


register(Exercise("lesson05.d_input", d_input, _d_cases, mistakes=[
    (lambda top, c: c, "it passes the candidate alone: an unconditional D can say 'a digit' but not 'the digit that continues THIS top'."),
    (lambda top, c: torch.cat([c, top], dim=1), "the channels are in the other order: the lesson's D takes (condition, candidate), condition first."),
    (lambda top, c: torch.cat([top, c], dim=0), "it concatenates along the batch (dim 0): stack the two images as channels (dim 1)."),
    (lambda top, c: top + c, "it adds the two images: D can no longer tell which strokes were given and which were drawn."),
]))


def completion_g_loss(fake_logit, fake, x, mse_weight):
    """G's loss: mse_weight * MSE on the drawn (bottom) half + the non-saturating adversarial loss."""
    mse = F.mse_loss(fake[:, :, TOP:], x[:, :, TOP:])
    return mse_weight * mse + generator_loss(fake_logit)


def _g_cases():
    g = torch.Generator().manual_seed(6)
    return [(torch.randn(4, 1, 7, 7, generator=g), torch.rand(4, 1, 28, 28, generator=g) * 2 - 1,
             torch.rand(4, 1, 28, 28, generator=g) * 2 - 1, w) for w in (10.0, 1.0)]


register(Exercise("lesson05.completion_g_loss", completion_g_loss, _g_cases, mistakes=[
    (lambda lg, f, x, w: w * F.mse_loss(f, x) + generator_loss(lg),
     "the MSE covers the whole image: the top half is given, so only the drawn bottom half (rows TOP:) is scored."),
    (lambda lg, f, x, w: F.mse_loss(f[:, :, TOP:], x[:, :, TOP:]) + generator_loss(lg), "mse_weight is not applied to the MSE term."),
    (lambda lg, f, x, w: w * F.mse_loss(f[:, :, TOP:], x[:, :, TOP:]) - generator_loss(lg),
     "the adversarial term has the wrong sign: G minimises -log D(top, G(top)), so it is ADDED."),
    (lambda lg, f, x, w: w * F.mse_loss(f[:, :, TOP:], x[:, :, TOP:]) + generator_loss(lg, "saturating"),
     "the adversarial term is the saturating log(1 - D): the lesson's G uses the non-saturating -log D."),
    (lambda lg, f, x, w: w * F.mse_loss(f[:, :, TOP:], x[:, :, TOP:]),
     "the adversarial term is missing: that is the MSE-only model."),
]))


def mse_best_guess(answers, probs):
    """The single prediction c that minimises the expected squared error sum_k p_k (a_k - c)^2: the mean."""
    return (torch.as_tensor(probs, dtype=torch.float64) * torch.as_tensor(answers, dtype=torch.float64)).sum()


def _guess_cases():
    t = lambda *v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    return [(t(-1.0, 1.0), t(0.5, 0.5)), (t(-1.0, 1.0), t(0.8, 0.2)), (t(0.0, 2.0, 10.0), t(0.5, 0.3, 0.2))]


register(Exercise("lesson05.mse_best_guess", mse_best_guess, _guess_cases, mistakes=[
    (lambda a, p: a[p.argmax()], "it returns the most likely answer (the mode): that minimises how OFTEN you are wrong, "
                                 "not the squared error, which the mean minimises."),
    (lambda a, p: a.mean(), "it ignores the probabilities: the best guess is the probability-weighted mean."),
    (lambda a, p: a.median(), "it returns the median, which minimises the ABSOLUTE error; squared error is minimised by the mean."),
]))
