"""How often lesson 01's two KS checks fail when their claim holds, and how often they catch a broken model.

    python tools/lesson01_ks_spread.py

Each repeat redraws the data of two of the lesson's cells: e8f8122c (two classes, a generative model fitted on
600 points, 2,000 samples (x, y) against 2,000 test points, compared class by class: the smaller of the two
p-values) and 2325724b (500 points of N(2, 1.5^2) against 500 samples of the fitted Gaussian), with the broken
versions the lesson names: one Gaussian for both classes (ignoring y), and sigma^2 where sigma belongs. A p-value
limit is set from these rates, not from the committed run; the class-by-class check uses the KS distance itself
(the largest gap between the two empirical CDFs), whose spread this prints.
"""
import numpy as np
from scipy import stats

REPEATS = 4000


def p_values(rng):
    """One repeat: KS distance of (generated vs test, y ignored vs test), p-value of (data vs samples,
    sigma^2 for sigma vs data)."""
    def per_class(x_new, c_new, x_te, y_te):   # the larger of the two classes' KS distances
        return max(stats.ks_2samp(x_new[c_new == k], x_te[y_te == k]).statistic for k in (0, 1))

    x_tr = np.concatenate([rng.normal(-1.5, 1, 300), rng.normal(1.5, 1, 300)])
    y_tr = np.repeat([0, 1], 300)
    x_te = np.concatenate([rng.normal(-1.5, 1, 1000), rng.normal(1.5, 1, 1000)])
    y_te = np.repeat([0, 1], 1000)
    mus = np.array([x_tr[y_tr == c].mean() for c in (0, 1)])
    sds = np.array([x_tr[y_tr == c].std() for c in (0, 1)])
    c = rng.choice(2, size=2000)
    data = rng.normal(2.0, 1.5, 500)
    mu, s = data.mean(), data.std()
    return (per_class(rng.normal(mus[c], sds[c]), c, x_te, y_te),
            per_class(rng.normal(x_tr.mean(), x_tr.std(), 2000), c, x_te, y_te),
            stats.ks_2samp(data, rng.normal(mu, s, 500)).pvalue,
            stats.ks_2samp(data, rng.normal(mu, s ** 2, 500)).pvalue)


def main():
    rng = np.random.default_rng(12345)
    ps = np.array([p_values(rng) for _ in range(REPEATS)])
    for name, d in zip(("generated vs test", "wrong model (ignores y)"), ps.T[:2]):
        print(f"{name:28s} KS distance, larger of the two classes: mean {d.mean():.4f}, sd {d.std():.4f}, "
              f"quantiles 0.1 % / 50 % / 99.9 % {np.quantile(d, 0.001):.4f} / {np.median(d):.4f} / "
              f"{np.quantile(d, 0.999):.4f}, largest {d.max():.4f}, smallest {d.min():.4f}")
    for name, p in zip(("data vs samples", "sigma^2 where sigma belongs"), ps.T[2:]):
        print(f"{name:28s} p-value below 1e-3: {np.mean(p < 1e-3):.4f}  below 1e-4: {np.mean(p < 1e-4):.4f}  "
              f"smallest {p.min():.2e}")


if __name__ == "__main__":
    main()
