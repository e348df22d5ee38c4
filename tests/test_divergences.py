"""JS, KL, D* and C(G) by numerical integration against known values (FACTS.md, closed forms, scipy)."""
import numpy as np
import pytest
from scipy import stats

from gan_lessons import divergences as dv

# Reference values from an independent quadrature (FACTS.md): N(0,1) vs N(1,1).
JS_NATS, JS_BITS, C_G = 0.111421, 0.160747, -1.163451


def test_reference_gaussians():
    p, q = dv.gaussian(0, 1), dv.gaussian(1, 1)
    assert dv.js(p, q) == pytest.approx(JS_NATS, abs=1e-6)
    assert dv.js(p, q, base=2) == pytest.approx(JS_BITS, abs=1e-6)
    assert dv.c_of_g(p, q) == pytest.approx(C_G, abs=1e-6)


def test_kl_matches_closed_form():
    # KL(N(m1,s1²)‖N(m2,s2²)) = log(s2/s1) + (s1² + (m1−m2)²)/(2 s2²) − 1/2
    for m1, s1, m2, s2 in [(0, 1, 1, 1), (0, 1, 0, 3), (-2, 0.5, 3, 2)]:
        exact = np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
        assert dv.kl(dv.gaussian(m1, s1), dv.gaussian(m2, s2)) == pytest.approx(exact, rel=1e-9, abs=1e-12)


PAIRS = [
    (dv.gaussian(0, 1), dv.gaussian(1, 1)),
    (dv.mixture([0.5, 0.5], [-2, 2], [0.6, 0.6]), dv.gaussian(0.5, 1.5)),
    (dv.gaussian(0, 1), dv.gaussian(0, 3)),
    (dv.gaussian(0, 1), dv.gaussian(12, 0.3)),       # nearly disjoint: tails would underflow on a raw grid
    (dv.mixture([0.2, 0.8], [-1, 3], [1, 0.5]), dv.mixture([0.5, 0.5], [0, 1], [2, 0.4])),
]


@pytest.mark.parametrize("p, q", PAIRS)
def test_c_of_g_equals_js_identity(p, q):
    """C(G) = −log 4 + 2·JS, with C(G) integrated as V(D*) and JS from KL integrals: independent routes."""
    assert dv.c_of_g(p, q) == pytest.approx(-dv.LOG4 + 2 * dv.js(p, q), abs=1e-6)


@pytest.mark.parametrize("p, q", PAIRS)
def test_js_agrees_with_scipy_jensenshannon(p, q):
    assert dv.js_scipy(p, q) == pytest.approx(dv.js(p, q), abs=1e-6)
    assert dv.js_scipy(p, q, base=2) == pytest.approx(dv.js(p, q, base=2), abs=1e-6)
    assert 0 <= dv.js(p, q) <= dv.LN2 + 1e-12 and 0 <= dv.js(p, q, base=2) <= 1 + 1e-12


def test_equal_densities():
    for p in (dv.gaussian(0.3, 2), dv.mixture([0.5, 0.5], [-2, 2], [0.6, 0.6])):
        assert dv.js(p, p) == pytest.approx(0, abs=1e-12)
        assert dv.c_of_g(p, p) == pytest.approx(-dv.LOG4, abs=1e-9)
        assert np.allclose(dv.d_star(p, p, np.linspace(-5, 5, 101)), 0.5)


def test_disjoint_supports_give_ln2():
    p, q = dv.uniform(0, 1), dv.uniform(2, 3.5)
    assert dv.js(p, q) == pytest.approx(dv.LN2, abs=1e-12)
    assert dv.js(p, q, base=2) == pytest.approx(1.0, abs=1e-12)
    assert dv.c_of_g(p, q) == pytest.approx(0.0, abs=1e-12)
    assert dv.js_scipy(p, q) == pytest.approx(dv.LN2, abs=1e-12)
    # D* is 1 on p's support, 0 on q's, and 1/2 (any value is optimal) where neither has mass
    assert dv.d_star(p, q, np.array([0.5, 2.5, 1.5])).tolist() == [1.0, 0.0, 0.5]


def test_scipy_wrapper_and_value_of_a_constant_discriminator():
    p, q = dv.from_scipy(stats.norm(0, 1)), dv.from_scipy(stats.laplace(0.5, 1))
    assert dv.js(p, q) == pytest.approx(dv.js(dv.gaussian(0, 1), q), abs=1e-9)
    # D ≡ 1/2 (logit 0) gives V = log ½ + log ½ = −log 4 whatever the densities
    assert dv.value(p, q, lambda x: 0.0) == pytest.approx(-dv.LOG4, abs=1e-9)
    # and D* beats it, as the maximiser must
    assert dv.c_of_g(p, q) > -dv.LOG4


def test_bad_parameters_are_clear_errors():
    with pytest.raises(ValueError, match="std must be positive"):
        dv.gaussian(0, 0)
    with pytest.raises(ValueError, match="a < b"):
        dv.uniform(1, 1)
    with pytest.raises(ValueError, match="mixture"):
        dv.mixture([1, 1], [0], [1, 1])
