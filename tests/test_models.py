"""gan_lessons.models: shapes of the image models, and RandomShift."""

import pytest
import torch

from gan_lessons.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator, RandomShift


@pytest.mark.parametrize("G,D,zdim", [(DCGANGenerator(z_dim=16, ngf=8), DCGANDiscriminator(ndf=8), 16),
                                      (MLPGenerator(z_dim=16, hidden=32), MLPDiscriminator(hidden=32), 16)])
def test_image_model_shapes(G, D, zdim):
    x = G(torch.randn(5, zdim))
    assert x.shape == (5, 1, 28, 28) and x.abs().max() <= 1
    assert D(x).shape == (5, 1)


def test_random_shift_moves_each_image_within_its_padded_frame():
    """Against a slicing reference: each image is the window at its own offset of the image padded with -1."""
    x = torch.rand(64, 1, 28, 28) * 2 - 1
    shift = RandomShift(2, torch.Generator().manual_seed(5))
    out = shift(x)
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)
    offsets = set()
    for i in range(len(x)):
        matches = [(dy, dx) for dy in range(5) for dx in range(5)
                   if torch.equal(out[i], padded[i, :, dy:dy + 28, dx:dx + 28])]
        assert matches, f"image {i} is not a 28x28 window of its padded self"
        offsets.add(matches[0])
    assert len(offsets) > 15, f"only {len(offsets)} of the 25 offsets in 64 images: the offsets are not per image"
    again = RandomShift(2, torch.Generator().manual_seed(5))(x)
    assert torch.equal(out, again), "the same seeded generator must give the same shifts"


def test_random_shift_passes_gradients_and_is_off_in_eval_mode():
    x = torch.randn(8, 3, 10, 10, requires_grad=True)
    shift = RandomShift(1, torch.Generator().manual_seed(0))
    shift(x).sum().backward()
    kept = x.grad.sum().item()
    assert 8 * 3 * 9 * 9 <= kept <= 8 * 3 * 100 and set(x.grad.unique().tolist()) <= {0.0, 1.0}
    assert shift.eval()(x) is x
    with pytest.raises(ValueError, match="0 or more"):
        RandomShift(-1)
