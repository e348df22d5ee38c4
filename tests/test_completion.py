import pytest
import torch
import torch.nn.functional as F

from gan_lessons.completion import TOP, CompletionNet, PatchDiscriminator, hide_bottom


def test_hide_bottom_keeps_the_top_and_blanks_the_bottom():
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    c = hide_bottom(x)
    assert torch.equal(c[:, :, :TOP], x[:, :, :TOP])
    assert (c[:, :, TOP:] == -1).all()
    assert torch.equal(x, x.clone())  # input untouched
    with pytest.raises(ValueError, match="28, 28"):
        hide_bottom(torch.zeros(3, 28, 28))


def test_completion_copies_the_given_half_and_draws_the_rest():
    G = CompletionNet()
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    out = G(hide_bottom(x))
    assert out.shape == (4, 1, 28, 28)
    assert torch.equal(out[:, :, :TOP], x[:, :, :TOP])
    assert out.abs().max() <= 1


def test_patch_discriminator_shape_and_a_few_conditional_gan_steps():
    torch.manual_seed(0)
    G, D = CompletionNet(nf=8, hidden=16), PatchDiscriminator(ndf=8)
    x = torch.rand(16, 1, 28, 28) * 2 - 1
    top = hide_bottom(x)
    assert D(top, x).shape == (16, 1, 7, 7)
    opt_G, opt_D = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    bce = F.binary_cross_entropy_with_logits
    for _ in range(5):
        fake = G(top).detach()
        r, f = D(top, x), D(top, fake)
        loss_D = bce(r, torch.ones_like(r)) + bce(f, torch.zeros_like(f))
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        fake = G(top)
        f = D(top, fake)
        loss_G = 10 * F.mse_loss(fake[:, :, TOP:], x[:, :, TOP:]) + bce(f, torch.ones_like(f))
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
    assert torch.isfinite(loss_D) and torch.isfinite(loss_G)
    # the top half never receives a gradient from the drawn half: G's output there is the condition itself
    assert G(top)[:, :, :TOP].equal(x[:, :, :TOP])
