"""gan_lessons.toy_data: the toy metric on sample sets whose answer is known, the data sets and their density."""
import math

import numpy as np
import pytest
import torch
from scipy.stats import multivariate_normal

from gan_lessons import toy_data


@pytest.mark.parametrize("name,n_modes", [("ring", 8), ("grid", 25)])
def test_exact_mode_centres_cover_everything(name, n_modes):
    centres = toy_data.modes(name)
    samples = centres.repeat(100, 1)                     # 100 points on every centre
    q = toy_data.quality(samples, name)
    assert (q.modes_covered, q.n_modes, q.high_quality) == (n_modes, n_modes, 1.0)
    assert q.counts == [100] * n_modes


def test_one_mode_only_is_one_mode_at_full_quality():
    q = toy_data.quality(toy_data.modes("ring")[3].repeat(2500, 1), "ring")
    assert q.modes_covered == 1 and q.high_quality == 1.0 and q.counts[3] == 2500


def test_far_away_points_are_not_high_quality():
    q = toy_data.quality(torch.zeros(2500, 2), "ring")      # the centre of the ring: 2 away from every mode
    assert q.modes_covered == 0 and q.high_quality == 0.0


def test_half_good_half_bad():
    good = toy_data.modes("ring").repeat(157, 1)[:1250]     # 1,250 points spread over the 8 modes
    q = toy_data.quality(torch.cat([good, torch.full((1250, 2), 10.0)]), "ring")
    assert q.modes_covered == 8 and q.high_quality == 0.5


def test_three_sigma_boundary_and_min_count():
    s = toy_data.sigma("ring")
    centre = toy_data.modes("ring")[0]
    inside = centre + torch.tensor([2.9 * s, 0.0])
    outside = centre + torch.tensor([3.1 * s, 0.0])
    assert toy_data.quality(inside.repeat(30, 1), "ring").high_quality == 1.0
    assert toy_data.quality(outside.repeat(30, 1), "ring").high_quality == 0.0
    # 19 high-quality samples on a mode are not enough to call it covered, 20 are
    assert toy_data.quality(inside.repeat(19, 1), "ring").modes_covered == 0
    assert toy_data.quality(inside.repeat(20, 1), "ring").modes_covered == 1


@pytest.mark.parametrize("name", toy_data.DATASETS)
def test_real_data_scores_the_known_fraction(name):
    """For a 2D Gaussian, P(|x - mu| <= 3 sigma) = 1 - exp(-9/2) = 0.98889 (a chi distribution, 2 dof)."""
    x = toy_data.sample(name, 20000, generator=torch.Generator().manual_seed(0))
    q = toy_data.quality(x, name)
    expected = 1 - math.exp(-4.5)
    # binomial standard error on 20,000 draws is 0.0007: 0.004 is more than 5 of them
    assert abs(q.high_quality - expected) < 0.004, (q.high_quality, expected)
    assert q.modes_covered == q.n_modes


def test_density_matches_scipy():
    name = "grid"
    xy = torch.tensor([[0.0, 0.0], [2.03, -1.98], [1.0, 1.0], [4.1, 4.0]])
    ours = toy_data.pdf(name, xy).numpy()
    s = toy_data.sigma(name)
    ref = np.mean([multivariate_normal(mean=m.numpy(), cov=s * s * np.eye(2)).pdf(xy.numpy())
                   for m in toy_data.modes(name)], axis=0)
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-30)


def test_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="unknown"):
        toy_data.modes("spiral")
    with pytest.raises(ValueError, match=r"\[N, 2\]"):
        toy_data.quality(torch.zeros(10, 3), "ring")


def test_view_limit_shows_every_mode():
    for name in toy_data.DATASETS:
        lim = toy_data.view_limit(name)
        assert toy_data.modes(name).abs().max() + 0.5 < lim < toy_data.modes(name).abs().max() + 1


def test_top2_share_tells_a_bunch_from_the_whole_ring():
    gen = torch.Generator().manual_seed(0)
    real = toy_data.sample("ring", 4000, generator=gen)
    assert abs(toy_data.top2_share(real, "ring") - 2 / 8) < 0.03          # 8 equal modes: the top two hold a quarter
    between = (toy_data.modes("ring")[0] + toy_data.modes("ring")[1]) / 2  # a bunch between two neighbours
    bunch = between + 0.05 * torch.randn(500, 2, generator=gen)
    assert toy_data.top2_share(bunch, "ring") == 1.0


def test_mean_direction_gives_the_angle_and_how_concentrated_the_points_are():
    angle = 0.7
    points = torch.tensor([[math.cos(angle), math.sin(angle)]]) * torch.tensor([[1.0], [2.0], [3.0]])
    got_angle, concentration = toy_data.mean_direction(points)
    assert got_angle == pytest.approx(angle) and concentration == pytest.approx(1.0)
    ring = toy_data.sample("ring", 8000, generator=torch.Generator().manual_seed(1))
    assert toy_data.mean_direction(ring)[1] < 0.05                          # spread round the ring: no direction
