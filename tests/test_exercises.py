"""Every exercise checker: the reference passes, an untouched stub says 'not done yet' and hands back the
reference, and each typical mistake it knows gets its own diagnosis (not a generic 'wrong'); and each reference
is checked against the package function it mirrors, on the same inputs (the list and the exceptions below)."""
import importlib
import pkgutil

import pytest

from gan_lessons import exercises

for info in pkgutil.iter_modules(exercises.__path__):
    importlib.import_module(f"gan_lessons.exercises.{info.name}")
EXERCISES = sorted(exercises.REGISTRY.values(), key=lambda e: e.name)
MISTAKES = [(ex, wrong, sentence) for ex in EXERCISES for wrong, sentence in ex.mistakes]


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.name)
def test_reference_passes_and_stub_falls_back(ex, capsys):
    assert exercises.assess(ex.name, ex.reference) is ex.reference
    assert capsys.readouterr().out.startswith(f"✓ {ex.name}: correct")

    def stub(*args):
        raise NotImplementedError("your code here")

    assert exercises.assess(ex.name, stub) is ex.reference
    assert "not done yet: the lesson continues with the reference implementation" in capsys.readouterr().out
    assert ex.mistakes, f"{ex.name} diagnoses no typical mistake"


@pytest.mark.parametrize("ex, wrong, sentence", MISTAKES, ids=[f"{m[0].name}-{i}" for i, m in enumerate(MISTAKES)])
def test_each_typical_mistake_gets_its_diagnosis(ex, wrong, sentence, capsys):
    assert exercises.assess(ex.name, wrong) is ex.reference   # the lesson goes on with the reference
    line = capsys.readouterr().out
    assert line.startswith(f"✗ {ex.name}: {sentence}"), line


def test_unknown_exercise_and_crash_are_sentences(capsys):
    with pytest.raises(KeyError, match="no exercise called"):
        exercises.assess("lesson01.nope", print)
    exercises.assess("lesson01.mle", lambda x: x.undefined_attribute)
    assert "it raised AttributeError" in capsys.readouterr().out


# ---- each reference held to the package function it mirrors, on the same inputs ---------------------------------
# The lessons train and measure with the package; an exercise's reference is what a student's answer is judged by.
# Where one mirrors the other they must agree, or a student is told "correct" for an answer the lesson does not use.
# References that mirror no package function (nothing in gan_lessons computes the same thing): lesson01.mle (the
# maximum-likelihood mean and variance), lesson01.sample (draws with a torch.Generator; divergences' samplers draw
# with numpy), lesson05.mse_best_guess (a probability-weighted mean).

def _reference(name):
    return exercises.REGISTRY[name].reference


def test_lesson01_log_likelihood_is_the_sum_of_divergences_gaussian_logpdf():
    import torch

    from gan_lessons import divergences
    from gan_lessons.exercises import lesson01
    for x, mu, sigma in lesson01._cases():
        expected = divergences.gaussian(mu, sigma).logpdf(x.numpy()).sum()
        assert _reference("lesson01.log_likelihood")(x, mu, sigma).item() == pytest.approx(expected, rel=1e-12)
    assert isinstance(_reference("lesson01.log_likelihood")(x, mu, sigma), torch.Tensor)


def _densities():
    """Pairs of divergences.Density whose mass lies well inside lesson 02's grid, with that grid."""
    import torch

    from gan_lessons import divergences
    from gan_lessons.exercises import lesson02
    x = torch.linspace(-8, 9, 2001, dtype=torch.float64)
    pairs = [(divergences.gaussian(0, 1), divergences.gaussian(1, 1)),
             (divergences.gaussian(0, 1), divergences.gaussian(2, 0.5)),
             (divergences.mixture([0.5, 0.5], [-2, 2], [0.7, 0.7]), divergences.gaussian(0, 1.5))]
    assert lesson02._grid_cases()[0][2] == float(x[1] - x[0])       # the exercise's grid
    return x, pairs


def test_lesson02_d_star_kl_and_js_are_divergences_on_a_grid():
    import torch

    from gan_lessons import divergences
    x, pairs = _densities()
    dx = float(x[1] - x[0])
    for p, q in pairs:
        pd, qd = (torch.as_tensor(d.pdf(x.numpy())) for d in (p, q))
        d_star = _reference("lesson02.d_star")(pd, qd)
        assert torch.allclose(d_star, torch.as_tensor(divergences.d_star(p, q, x.numpy())), rtol=1e-9, atol=1e-12)
        assert _reference("lesson02.kl")(pd, qd, dx).item() == pytest.approx(divergences.kl(p, q), rel=1e-6)
        assert _reference("lesson02.js")(pd, qd, dx).item() == pytest.approx(divergences.js(p, q), rel=1e-6)


def test_lesson02_g_grad_wrt_logit_is_the_gradient_of_train_generator_loss():
    import torch

    from gan_lessons.exercises import lesson02
    from gan_lessons.train import generator_loss
    for logit, kind in lesson02._grad_cases():
        logit = logit.clone().requires_grad_(True)
        generator_loss(logit, kind, reduction="sum").backward()
        assert torch.allclose(_reference("lesson02.g_grad_wrt_logit")(logit.detach(), kind), logit.grad)


def test_lesson03_d_half_then_g_half_is_train_gan_step():
    """The two halves one after the other on the same seeded G, D, Adam optimisers and batches as one gan_step
    (k = 1): the same L_D and L_G, the same parameters after."""
    import copy

    import torch

    from gan_lessons.exercises import lesson03
    from gan_lessons.train import gan_step
    for seed in (0, 1):
        G, D, x, z_D = lesson03._nets(seed)
        z_G = torch.randn(len(x), z_D.shape[1], generator=torch.Generator().manual_seed(seed + 200))
        nets = {"half": (G, D), "package": copy.deepcopy((G, D))}
        opts = {k: (torch.optim.Adam(g.parameters(), 1e-2), torch.optim.Adam(d.parameters(), 1e-2))
                for k, (g, d) in nets.items()}
        (G1, D1), (opt_G1, opt_D1) = nets["half"], opts["half"]
        loss_D = _reference("lesson03.d_half")(G1, D1, opt_D1, x, z_D)
        loss_G = _reference("lesson03.g_half")(G1, D1, opt_G1, z_G)
        (G2, D2), (opt_G2, opt_D2) = nets["package"], opts["package"]
        noise = iter([z_D, z_G])
        row = gan_step(G2, D2, opt_G2, opt_D2, lambda x=x: x, lambda n, noise=noise: next(noise), k=1)
        assert (loss_D, loss_G) == pytest.approx((row["loss_D"], row["loss_G"]), rel=1e-6)
        for a, b in zip(list(G1.parameters()) + list(D1.parameters()), list(G2.parameters()) + list(D2.parameters())):
            assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)
        assert not torch.equal(lesson03._flat(G1), lesson03._flat(lesson03._nets(seed)[0]))   # a step was taken


def test_lesson03_modes_covered_is_toy_data_quality():
    import torch

    from gan_lessons import toy_data
    g = torch.Generator().manual_seed(0)
    for name in toy_data.DATASETS:
        centres, sigma = toy_data.modes(name), toy_data.sigma(name)
        real = toy_data.sample(name, 2500, generator=g)
        some = centres[torch.arange(300) % 3] + 2 * sigma * torch.randn(300, 2, generator=g)   # 3 modes, spread
        few = torch.cat([some, centres[3:4].repeat(10, 1)])                                   # 10 on a 4th mode
        sprayed = 6 * torch.rand(2500, 2, generator=g) - 3
        seen = set()
        for samples in (real, some, few, sprayed):
            for min_count in (toy_data.MIN_COUNT, 5):
                got = _reference("lesson03.modes_covered")(samples, centres, sigma, min_count)
                want = toy_data.quality(samples, name, min_count).modes_covered
                assert got == want, (name, min_count, got, want)
                seen.add(want)
        assert len(seen) >= 3, f"{name}: the cases should cover several mode counts, got {seen}"


def test_lesson04_make_generator_is_models_dcgan_generator():
    """Built from the same seed, the reference and the package's DCGANGenerator hold the same layers and weights and
    draw the same digits from the same z, in training and in eval mode."""
    import torch

    from gan_lessons.models import DCGANGenerator
    for z_dim, ngf in ((64, 16), (8, 4)):
        torch.manual_seed(0)
        ref = _reference("lesson04.make_generator")(z_dim, ngf)
        torch.manual_seed(0)
        pkg = DCGANGenerator(z_dim, ngf)
        assert [type(m) for m in ref] == [type(m) for m in pkg.net]
        assert [repr(m) for m in ref] == [repr(m) for m in pkg.net]
        for a, b in zip(ref.state_dict().values(), pkg.net.state_dict().values(), strict=True):
            assert torch.equal(a, b)
        z = torch.randn(5, z_dim, generator=torch.Generator().manual_seed(1))
        for train in (True, False):
            ref.train(train), pkg.train(train)
            with torch.no_grad():
                assert torch.equal(ref(z.view(5, z_dim, 1, 1)), pkg(z))


def test_lesson04_lerp_slerp_and_lesson06_references_are_the_package_functions():
    from gan_lessons import latent, vae
    assert _reference("lesson04.lerp") is latent.lerp and _reference("lesson04.slerp") is latent.slerp
    assert _reference("lesson06.reparameterize") is vae.reparameterize
    assert _reference("lesson06.kl") is vae.kl_to_prior and _reference("lesson06.vae_loss") is vae.vae_loss


def test_lesson05_d_input_is_what_patch_discriminator_sees():
    import torch

    from gan_lessons.completion import PatchDiscriminator
    from gan_lessons.exercises import lesson05
    torch.manual_seed(0)
    D = PatchDiscriminator(ndf=8)
    for top, candidate in lesson05._d_cases():
        with torch.no_grad():
            assert torch.equal(D.net(_reference("lesson05.d_input")(top, candidate)), D(top, candidate))


def test_lesson05_completion_g_loss_is_completion_steps_g_loss():
    """completion_step (adversarial) on a seeded G, D and batch, D's optimiser a recorder that moves nothing: its G
    half's loss (mse_weight * mse + adv) and G after an SGD step equal the reference's loss and its SGD step."""
    import copy

    import torch
    from recorder import Recorder

    from gan_lessons.completion import CompletionNet, PatchDiscriminator, completion_step, hide_bottom
    torch.manual_seed(0)
    G, D = CompletionNet(nf=4, hidden=8), PatchDiscriminator(ndf=4)
    x = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1
    for mse_weight in (10.0, 1.0):
        G1, D1, G2, D2 = copy.deepcopy(G), copy.deepcopy(D), copy.deepcopy(G), copy.deepcopy(D)
        row = completion_step(G1, D1, torch.optim.SGD(G1.parameters(), lr=0.1), Recorder(D1.parameters()), x,
                              adversarial=True, mse_weight=mse_weight)
        top = hide_bottom(x)
        fake = G2(top)
        loss = _reference("lesson05.completion_g_loss")(D2(top, fake), fake, x, mse_weight)
        opt = torch.optim.SGD(G2.parameters(), lr=0.1)
        opt.zero_grad(), loss.backward(), opt.step()
        assert loss.item() == pytest.approx(mse_weight * row["mse"] + row["adv"], rel=1e-6)
        for a, b in zip(G1.parameters(), G2.parameters()):
            assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)
