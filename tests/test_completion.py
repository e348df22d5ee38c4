import copy

import pytest
import torch
import torch.nn.functional as F
from recorder import Recorder

from gan_lessons.completion import TOP, CompletionNet, PatchDiscriminator, completion_step, hide_bottom


def test_hide_bottom_keeps_the_top_and_blanks_the_bottom():
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    before = x.clone()
    c = hide_bottom(x)
    assert torch.equal(c[:, :, :TOP], x[:, :, :TOP])
    assert (c[:, :, TOP:] == -1).all()
    assert torch.equal(x, before)  # the input is not modified in place
    assert not (before[:, :, TOP:] == -1).any()  # so the blanking above really came from hide_bottom
    with pytest.raises(ValueError, match="28, 28"):
        hide_bottom(torch.zeros(3, 28, 28))


def test_completion_copies_the_given_half_and_draws_the_rest():
    torch.manual_seed(0)
    G = CompletionNet()
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    out = G(hide_bottom(x))
    assert out.shape == (4, 1, 28, 28)
    assert torch.equal(out[:, :, :TOP], x[:, :, :TOP])
    assert out.abs().max() <= 1
    assert not torch.equal(out[:, :, TOP:], hide_bottom(x)[:, :, TOP:])  # the bottom is drawn, not copied


def _nets():
    torch.manual_seed(0)
    return CompletionNet(nf=8, hidden=16), PatchDiscriminator(ndf=8)


def test_adversarial_step_gradients_match_the_hand_written_losses():
    G, D = _nets()
    G0, D0 = copy.deepcopy(G), copy.deepcopy(D)
    x = torch.rand(6, 1, 28, 28) * 2 - 1
    opt_G, opt_D = Recorder(G.parameters()), Recorder(D.parameters())
    row = completion_step(G, D, opt_G, opt_D, x, adversarial=True, mse_weight=7.0)
    top = hide_bottom(x)
    # D half: -mean log D(top, x) - mean log(1 - D(top, G(top))), G's output detached
    fake = G0(top).detach()
    r, f = D0(top, x), D0(top, fake)
    loss_D = -(F.logsigmoid(r).mean() + F.logsigmoid(-f).mean())
    assert row["loss_D"] == pytest.approx(loss_D.item(), rel=1e-5)
    for g, ref in zip(opt_D.grads, torch.autograd.grad(loss_D, list(D0.parameters()))):
        assert torch.allclose(g, ref, atol=1e-6)
    # G half: 7 * MSE(bottom) - mean log D(top, G(top))
    fake = G0(top)
    loss_G = 7.0 * ((fake - x)[:, :, TOP:] ** 2).mean() - F.logsigmoid(D0(top, fake)).mean()
    for g, ref in zip(opt_G.grads, torch.autograd.grad(loss_G, list(G0.parameters()))):
        assert torch.allclose(g, ref, atol=1e-6)
    # neither network's weights moved (the recorders do not step), so no hidden in-place update happened
    assert all(torch.equal(p, q) for p, q in zip(G.parameters(), G0.parameters()))


def test_mse_only_step_never_touches_D_and_learns():
    G, D = _nets()
    D0 = copy.deepcopy(D)
    x = (torch.rand(16, 1, 28, 28) > 0.8).float() * 2 - 1
    opt_G = torch.optim.Adam(G.parameters(), 1e-3)
    first = completion_step(G, D, opt_G, None, x, adversarial=False)
    for _ in range(20):
        last = completion_step(G, D, opt_G, None, x, adversarial=False)
    assert set(last) == {"mse"}
    assert last["mse"] < first["mse"]
    assert all(torch.equal(p, q) for p, q in zip(D.state_dict().values(), D0.state_dict().values()))


def test_train_completion_keeps_d_at_the_snapshot_steps_and_the_callers_rng():
    from gan_lessons.completion import SHIPPED_COMPLETION, train_completion
    images = torch.rand(32, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    config = SHIPPED_COMPLETION.but(steps=3, batch_size=8, snapshot_steps=(1, 3))
    state = torch.get_rng_state()
    G, snapshots, history = train_completion(images, adversarial=True, config=config, progress=False)
    assert torch.equal(state, torch.get_rng_state()), "train_completion moved the caller's RNG"
    assert len(snapshots) == 2 and len(history["loss_D"]) == 3 and not G.training
    _, none_kept, mse_only = train_completion(images, adversarial=False, config=config, progress=False)
    assert len(none_kept) == 0 and "loss_D" not in mse_only
