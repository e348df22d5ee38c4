"""Projector mode: every figure's text readable from the back of a room (>= 14 pt when shown 1280 px wide)."""
import io
import json
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from gan_lessons import plotting  # noqa: E402

LESSONS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def style():
    yield plotting
    plotting.set_style(large=False)
    plotting.RENDERED.clear()


def _draw(fig):
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_shown_size_is_the_inverse_of_the_minimum():
    for width in (4, 10, 16):
        assert plotting.shown_points(plotting.min_fontsize(width), width) == pytest.approx(plotting.PROJECTOR_PT)
    # a 10-inch figure at 1280 px is magnified 1.78x; 10.5 pt there shows as 14 pt (18.7 px)
    assert plotting.min_fontsize(10) == pytest.approx(10.5)


def test_large_mode_raises_small_text_that_a_lesson_set_itself(style):
    style.set_style(large=True)
    fig, axes = plt.subplots(1, 3, figsize=(16, 3.8))
    axes[0].plot([0, 1], label="a")
    axes[0].legend(fontsize=7)
    axes[1].text(0.5, 0.5, "tiny", fontsize=6)
    axes[2].set_title("title", fontsize=8)
    _draw(fig)
    width, smallest = style.RENDERED[-1]
    assert width == 16 and smallest >= plotting.PROJECTOR_PT - 1e-9


def test_small_mode_leaves_figures_alone(style):
    style.set_style(large=False)
    fig, ax = plt.subplots(figsize=(16, 3))
    t = ax.text(0, 0, "tiny", fontsize=6)
    _draw(fig)
    assert style.RENDERED == [] and t.get_fontsize() == 6


def test_setup_choice_overrides_the_environment(style, monkeypatch):
    monkeypatch.setenv("GAN_LESSONS_LARGE", "0")
    style.set_large(True)
    assert style.is_large() and plt.rcParams["font.size"] >= 16
    style._large = None
    monkeypatch.setenv("GAN_LESSONS_LARGE", "1")
    assert style.is_large()


REPORT = "import json; from gan_lessons import plotting; print('RENDERED', json.dumps(plotting.RENDERED))"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name[:2])
def test_every_figure_of_a_lesson_is_readable_in_projector_mode(path, tmp_path):
    """Run the lesson (quick mode) with GAN_LESSONS_LARGE=1 and read the smallest text of every figure it drew."""
    from gan_lessons.bench.sweep import run_one

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    copy = tmp_path / path.name
    nbformat.write(nb, copy)
    result = run_one(copy, seed=0, threads=1, timeout=600,
                     extra_env={"GAN_LESSONS_QUICK": "1", "GAN_LESSONS_LARGE": "1"})
    assert result["error"] is None, f"{path.name} stopped in projector mode: {result['error']}"
    rendered = json.loads(re.search(r"RENDERED (\[.*\])", result["text"]).group(1))
    assert rendered, f"{path.name} drew no figure through pyplot in projector mode"
    small = [(w, s) for w, s in rendered if s < plotting.PROJECTOR_PT - 1e-6]
    print(f"{path.name}: {len(rendered)} figure draws, smallest text {min(s for _, s in rendered):.1f} pt at 1280 px")
    assert not small, f"{path.name}: figures with text under {plotting.PROJECTOR_PT} pt at 1280 px: {small}"


def test_chinese_text_in_a_figure_renders_without_missing_glyphs(style, recwarn):
    """set_style's font list falls back to a CJK font for Chinese glyphs (CI installs fonts-noto-cjk)."""
    import os

    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(plotting.CJK_FONTS):
        if os.environ.get("CI"):
            pytest.fail(f"no CJK font installed (any of {plotting.CJK_FONTS}): apt-get install fonts-noto-cjk")
        pytest.skip("no CJK font installed here")
    style.set_style()
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.set_title("生成器与判别器 (G and D)")
    _draw(fig)
    missing = [str(w.message) for w in recwarn if "missing from font" in str(w.message)]
    assert not missing, missing[:2]


def test_setup_large_turns_projector_mode_on(style, capsys):
    from gan_lessons import setup
    setup(seed=0, large=True)
    assert style.is_large() and "projector mode: ON" in capsys.readouterr().out
    style._large = None
