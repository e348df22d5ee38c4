import pytest
import torch

from gan_lessons.latent import lerp, slerp


def test_endpoints_follow_the_lecture_convention():
    z1, z2 = torch.randn(64), torch.randn(64)
    for f in (lerp, slerp):
        assert torch.allclose(f(z1, z2, 1.0), z1, atol=1e-5) and torch.allclose(f(z1, z2, 0.0), z2, atol=1e-5)
    assert torch.allclose(lerp(z1, z2, 0.3), 0.3 * z1 + 0.7 * z2)


def test_slerp_keeps_the_norm_where_lerp_dips():
    torch.manual_seed(0)
    z1, z2 = torch.randn(512), torch.randn(512)
    alphas = torch.linspace(0, 1, 11)
    n_lin, n_sph = lerp(z1, z2, alphas).norm(dim=1), slerp(z1, z2, alphas).norm(dim=1)
    assert n_lin.shape == (11,)
    assert n_lin[5] < 0.8 * z1.norm()  # nearly orthogonal in 512-d: the midpoint has ~1/sqrt(2) of the norm
    assert (n_sph - 0.5 * (z1.norm() + z2.norm())).abs().max() < 0.05 * z1.norm()


def test_reference_slerp_on_orthonormal_vectors():
    e1, e2 = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    mid = slerp(e1, e2, 0.5)
    assert torch.allclose(mid, torch.tensor([2 ** -0.5, 2 ** -0.5]), atol=1e-5)


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="same latent size"):
        lerp(torch.randn(8), torch.randn(16), 0.5)


def test_slerp_edge_cases_parallel_and_opposite():
    z = torch.tensor([3.0, 4.0])
    torch.testing.assert_close(slerp(z, 2 * z, 0.25), lerp(z, 2 * z, 0.25))     # parallel: the lerp limit
    assert torch.isfinite(slerp(z, z, torch.linspace(0, 1, 5))).all()
    with pytest.raises(ValueError, match="opposite"):
        slerp(z, -z, 0.5)
    # lerp through opposite points crosses the origin, where G saw almost no z in training
    torch.testing.assert_close(lerp(z, -z, 0.5), torch.zeros(2))


def test_lerp_is_the_reverse_of_torch_lerp():
    z1, z2 = torch.randn(4), torch.randn(4)
    torch.testing.assert_close(lerp(z1, z2, 0.2), torch.lerp(z1, z2, 0.8))
