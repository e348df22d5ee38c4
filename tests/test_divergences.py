"""JS, KL, D* and C(G) by numerical integration against known values (an mpmath reference, closed forms, scipy)."""
import numpy as np
import pytest
from scipy import stats

from gan_lessons import divergences as dv

# Reference values for N(0,1) vs N(1,1), computed independently of scipy and of this package with mpmath's
# arbitrary-precision quadrature (30 digits), by:
#     import mpmath as mp; mp.mp.dps = 30
#     p = lambda x: mp.npdf(x, 0, 1); q = lambda x: mp.npdf(x, 1, 1); m = lambda x: (p(x) + q(x)) / 2
#     cuts = [-mp.inf, -10, 0, 0.5, 1, 11, mp.inf]
#     JS = mp.quad(lambda x: (p(x) * mp.log(p(x) / m(x)) + q(x) * mp.log(q(x) / m(x))) / 2, cuts)
#     CG = mp.quad(lambda x: p(x) * mp.log(p(x) / (2 * m(x))) + q(x) * mp.log(q(x) / (2 * m(x))), cuts)
# JS = 0.11142148218 nats = 0.16074721980 bits (JS / ln 2), C(G) = -1.16345139675 = -log 4 + 2 JS.
JS_NATS, JS_BITS, C_G = 0.11142148218, 0.16074721980, -1.16345139675


def test_reference_gaussians():
    p, q = dv.gaussian(0, 1), dv.gaussian(1, 1)
    assert dv.js(p, q) == pytest.approx(JS_NATS, abs=1e-9)
    assert dv.js(p, q, base=2) == pytest.approx(JS_BITS, abs=1e-9)
    assert dv.c_of_g(p, q) == pytest.approx(C_G, abs=1e-9)


def test_js_is_in_nats_unless_asked():
    """js() promises nats by default: a log base 2 inside it would give 1 (not ln 2) on disjoint supports and
    0.1607 (not 0.1114) on the reference pair, and break C(G) = -ln 4 + 2 JS, where C(G) uses natural logs."""
    p, q = dv.gaussian(0, 1), dv.gaussian(1, 1)
    assert dv.js(p, q) == pytest.approx(JS_NATS, abs=1e-9)
    assert abs(dv.js(p, q) - JS_BITS) > 0.04
    assert dv.js(dv.uniform(0, 1), dv.uniform(2, 3)) == pytest.approx(np.log(2), abs=1e-12)
    assert dv.c_of_g(p, q) == pytest.approx(-np.log(4) + 2 * dv.js(p, q), abs=1e-9)
    assert dv.js(p, q, base=2) == pytest.approx(dv.js(p, q) / np.log(2), rel=1e-12)


def test_kl_is_asymmetric_and_infinite_on_disjoint_supports():
    """The lecture's reason for JS: KL(p||q) != KL(q||p), and KL = inf where p has mass that q lacks; JS is
    symmetric and ln 2 there."""
    p, q = dv.gaussian(0, 1), dv.gaussian(0, 3)
    assert dv.kl(p, q) == pytest.approx(np.log(3) + 1 / 18 - 0.5, rel=1e-9)
    assert dv.kl(q, p) == pytest.approx(-np.log(3) + 4.5 - 0.5, rel=1e-9)
    assert dv.js(p, q) == pytest.approx(dv.js(q, p), abs=1e-12)
    u, v = dv.uniform(0, 1), dv.uniform(2, 3.5)
    assert dv.kl(u, v) == np.inf and dv.kl(v, u) == np.inf
    assert dv.js(u, v) == pytest.approx(np.log(2), abs=1e-12)
    # overlapping but not nested: p has mass on (0, 0.5) where q is 0
    assert dv.kl(dv.uniform(0, 1), dv.uniform(0.5, 2)) == np.inf
    assert dv.kl(dv.uniform(0.5, 1), dv.uniform(0, 2)) == pytest.approx(np.log(4), abs=1e-9)


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
