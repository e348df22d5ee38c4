"""The digit-quality ruler on known cases: exact formulas against scipy, and orderings on real digits."""
import numpy as np
import pytest
import scipy.linalg
import torch

from gan_lessons import digit_metric


def _scipy_fd(mu1, s1, mu2, s2):
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def test_frechet_matches_scipy_on_small_gaussians():
    rng = np.random.default_rng(0)
    for dim in (1, 3, 8):
        a, b = rng.normal(size=(dim, dim)), rng.normal(size=(dim, dim))
        s1, s2 = a @ a.T + 0.1 * np.eye(dim), b @ b.T + 0.1 * np.eye(dim)
        mu1, mu2 = rng.normal(size=dim), rng.normal(size=dim)
        assert digit_metric.frechet_from_stats(mu1, s1, mu2, s2) == pytest.approx(_scipy_fd(mu1, s1, mu2, s2), rel=1e-6)


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")  # scipy's own warning on the singular reference
def test_frechet_known_answers_and_singular_covariance():
    eye = np.eye(4)
    assert digit_metric.frechet_from_stats(np.zeros(4), eye, np.zeros(4), eye) == pytest.approx(0, abs=1e-9)
    # 1D Gaussians: (m1 - m2)^2 + (sigma1 - sigma2)^2
    assert digit_metric.frechet_from_stats([0.0], [[4.0]], [3.0], [[1.0]]) == pytest.approx(9 + 1)
    # a collapsed generator has a rank-1 covariance: still finite, real and equal to the scipy value
    s1 = np.outer([1.0, 2, 0, 0], [1.0, 2, 0, 0])
    fd = digit_metric.frechet_from_stats(np.zeros(4), s1, np.ones(4), eye)
    assert np.isfinite(fd) and fd == pytest.approx(_scipy_fd(np.zeros(4), s1, np.ones(4), eye), rel=1e-5)


def test_sharpness_known_cases():
    flat = torch.full((3, 1, 28, 28), 0.3)
    assert digit_metric.sharpness(flat) == pytest.approx(0.0, abs=1e-9)
    # a +-1 checkerboard: every Laplacian value is -8x = +-8, so the variance is 64
    ij = torch.arange(28)
    board = ((ij[:, None] + ij[None, :]) % 2 * 2 - 1).float().expand(2, 1, 28, 28)
    assert digit_metric.sharpness(board) == pytest.approx(64.0, rel=1e-3)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match=r"\[N, 1, 28, 28\]"):
        digit_metric.sharpness(torch.zeros(4, 784))
    with pytest.raises(ValueError, match="NaN"):
        digit_metric.sharpness(torch.full((4, 1, 28, 28), float("nan")))


def test_classifier_training_is_seeded_and_leaves_global_rng_alone():
    from gan_lessons.digit_data import Digits
    gen = torch.Generator().manual_seed(0)
    digits = Digits(torch.rand(200, 1, 28, 28, generator=gen) * 2 - 1, torch.arange(200) % 10, "random")
    torch.manual_seed(5)
    before = torch.rand(1)
    torch.manual_seed(5)
    a = digit_metric.train_classifier(digits, epochs=1, verbose=False)
    after = torch.rand(1)
    b = digit_metric.train_classifier(digits, epochs=1, verbose=False)
    assert torch.equal(before, after)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


@pytest.fixture(scope="module")
def ruler():
    return digit_metric.load_metric(verbose=False)


def test_real_vs_real_small_one_class_worse_noise_worst(ruler):
    real = ruler.real_images
    perm = torch.randperm(len(real), generator=torch.Generator().manual_seed(0))
    half_a, half_b = real[perm[: len(real) // 2]], real[perm[len(real) // 2:]]
    labels = ruler.predict(real).argmax(1)
    one_class = real[labels == 3]
    noise = torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1
    fd_halves = ruler.frechet_distance(half_a, half_b)
    fd_one, fd_noise = ruler.frechet_distance(one_class), ruler.frechet_distance(noise)
    print(f"FD: disjoint halves {fd_halves:.2f}, one class {fd_one:.1f}, uniform noise {fd_noise:.1f}")
    assert fd_halves < 0.05 * fd_one, "two halves of the real digits should be far closer than one class alone"
    assert fd_one < fd_noise, "noise should score worse than real digits of one class"
    assert ruler.frechet_distance(real) == pytest.approx(0.0, abs=1e-6)


def test_classes_covered_and_evaluate(ruler):
    real = ruler.real_images
    assert ruler.classes_covered(real) == 10
    assert ruler.classes_covered(real[ruler.predict(real).argmax(1) == 7]) == 1
    # the data set is sorted by class, so take a random subset
    subset = real[torch.randperm(len(real), generator=torch.Generator().manual_seed(0))[:1000]]
    report = ruler.evaluate(subset)
    assert {"fd", "classes", "sharpness"} <= set(report)
    assert report["classes"] == 10 and report["confident"] > 0.7
    assert ruler.features(real[:5]).shape == (5, 64)


def test_classes_rule_counts_a_class_at_five_percent_not_below():
    """The 5 % rule on hand-made predictions: 50 / 45 / 5 votes count 3 classes, 50 / 46 / 4 only 2."""
    def probs(counts):
        labels = torch.cat([torch.full((n,), k) for k, n in enumerate(counts)])
        return torch.nn.functional.one_hot(labels, 10).float()
    assert digit_metric._classes(probs([50, 45, 5])) == 3
    assert digit_metric._classes(probs([50, 46, 4])) == 2
    assert digit_metric._classes(probs([10] * 10)) == 10


def test_evaluate_separates_real_digits_from_noise(ruler):
    """confident and sharpness on known inputs: real digits are confidently classified and as sharp as the
    reference; uniform noise is neither (far too sharp, rarely confident), and its FD is far above real digits'."""
    real = ruler.real_images[torch.randperm(len(ruler.real_images), generator=torch.Generator().manual_seed(0))[:1000]]
    noise = torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1
    r, n = ruler.evaluate(real), ruler.evaluate(noise)
    assert r["confident"] > 0.7 > n["confident"]
    assert abs(r["sharpness"] / r["real_sharpness"] - 1) < 0.1 and n["sharpness"] > 2 * r["real_sharpness"]
    assert n["fd"] > 50 * r["fd"]
