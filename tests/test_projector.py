"""Projector mode: every figure's text readable from the back of a room (>= 14 pt when shown 1280 px wide)."""
import io
import json
import logging
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from gan_lessons import plotting, projector  # noqa: E402

LESSONS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def style():
    yield plotting
    plotting.set_style(large=False)
    plotting._large = None


@pytest.fixture
def drawn(caplog):
    """What projector mode logged so far, one (figure width, smallest text in pt, clashes) per draw."""
    caplog.set_level(logging.DEBUG, logger=projector.LOG.name)
    return lambda: [record.drawn for record in caplog.records if hasattr(record, "drawn")]


def _draw(fig):
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_shown_size_is_the_inverse_of_the_minimum():
    for width in (4, 10, 16):
        assert projector.shown_points(projector.min_fontsize(width), width) == pytest.approx(projector.PROJECTOR_PT)
    # a 10-inch figure at 1280 px is magnified 1.78x; 10.5 pt there shows as 14 pt (18.7 px)
    assert projector.min_fontsize(10) == pytest.approx(10.5)


def test_large_mode_raises_small_text_that_a_lesson_set_itself(style, drawn):
    style.set_style(large=True)
    fig, axes = plt.subplots(1, 3, figsize=(16, 3.8))
    axes[0].plot([0, 1], label="a")
    axes[0].legend(fontsize=7)
    axes[1].text(0.5, 0.5, "tiny", fontsize=6)
    axes[2].set_title("title", fontsize=8)
    _draw(fig)
    width, smallest, _ = drawn()[-1]
    assert width == 16 and smallest >= projector.PROJECTOR_PT - 1e-9


def test_small_mode_leaves_figures_alone(style, drawn):
    style.set_style(large=False)
    fig, ax = plt.subplots(figsize=(16, 3))
    t = ax.text(0, 0, "tiny", fontsize=6)
    _draw(fig)
    assert drawn() == [] and t.get_fontsize() == 6


def test_setup_choice_overrides_the_environment(style, monkeypatch):
    monkeypatch.setenv("GAN_LESSONS_LARGE", "0")
    style.set_large(True)
    assert style.is_large() and plt.rcParams["font.size"] >= 16
    style._large = None
    monkeypatch.setenv("GAN_LESSONS_LARGE", "1")
    assert style.is_large()


def _rows(axes):
    """The panels' top edges in figure coordinates, rounded: one value per row of panels."""
    return sorted({round(ax.get_position().y1, 3) for ax in axes}, reverse=True)


def test_panels_in_normal_mode_is_exactly_a_row_of_subplots(style):
    style.set_large(False)
    for options in ({}, {"gridspec_kw": {"width_ratios": [1, 1.3, 1.3]}}, {"width_ratios": [1, 2, 1]}):
        fig, axes = plotting.panels(3, figsize=(14, 4.2), **options)
        ref_fig, ref_axes = plt.subplots(1, 3, figsize=(14, 4.2), **options)
        assert tuple(fig.get_size_inches()) == tuple(ref_fig.get_size_inches()) == (14, 4.2)
        assert type(axes) is type(ref_axes) and axes.shape == ref_axes.shape == (3,)
        assert [ax.get_position().bounds for ax in axes] == [ax.get_position().bounds for ax in ref_axes]
        assert len(fig.axes) == 3 and fig.get_layout_engine() is ref_fig.get_layout_engine() is None
        plt.close(fig), plt.close(ref_fig)


def test_panels_in_projector_mode_wrap_onto_rows_that_keep_the_panels_aspect(style):
    style.set_large(True)
    fig, axes = plotting.panels(5, figsize=(14, 2.9), max_cols_large=4, width_ratios=[1, 1, 1, 1, 2.2])
    assert axes.shape == (5,) and len(fig.axes) == 5                  # no empty axes left in the spare space
    # rows [1, 1, 1, 1] and [2.2]: each panel is 6.2 / 4 times wider than in one row, and so is each row's height
    assert tuple(fig.get_size_inches()) == pytest.approx((14, 2 * 2.9 * 6.2 / 4))
    top, bottom = _rows(axes)
    assert [round(ax.get_position().y1, 3) for ax in axes] == [top] * 4 + [bottom]
    assert axes[4].get_position().x0 == pytest.approx(axes[0].get_position().x0)     # the short row starts left
    assert axes[4].get_position().width > 1.8 * axes[0].get_position().width         # and keeps its width ratio
    _draw(fig)
    fig, axes = plotting.panels(3, figsize=(14, 4.2))                  # the default: two panels a row
    assert axes.shape == (3,) and len(_rows(axes)) == 2
    plt.close(fig)
    fig, axes = plotting.panels(2, figsize=(12, 4))                    # a row that fits stays one row
    assert len(_rows(axes)) == 1 and tuple(fig.get_size_inches()) == (12, 4)
    plt.close(fig)
    fig, axes = plotting.panels(2, figsize=(11, 3.6), max_cols_large=1)    # 7.2 inches a row would be too tall
    assert len(_rows(axes)) == 2 and tuple(fig.get_size_inches()) == pytest.approx((11, 2 * 11 / 2))
    plt.close(fig)


@pytest.mark.parametrize("large", [False, True])
def test_panels_refuse_what_they_cannot_wrap_in_either_mode(style, large):
    style.set_large(large)
    for n, options in ((0, {}), (3, {"sharey": True}), (3, {"width_ratios": [1, 2]}), (3, {"squeeze": False})):
        with pytest.raises(ValueError, match=r"panels\(\) takes"):
            plotting.panels(n, figsize=(14, 4), **options)


def test_projector_mode_records_texts_that_collide(style, drawn):
    style.set_large(True)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3))
    for ax in axes:
        ax.plot([0, 1], label="a line")
        ax.legend()
        ax.set_title("short")
    _draw(fig)
    assert drawn()[-1][2] == []
    fig, axes = plt.subplots(1, 2, figsize=(12, 3))
    for ax in axes:
        ax.set_title("a_title_far_too_long_for_one_half_of_a_twelve_inch_wide_figure")   # no space to wrap at
    stray = axes[1].text(-0.8, 0.5, "stray", transform=axes[1].transAxes)    # over the left panel's plot area
    stray.set_in_layout(False)
    _draw(fig)
    clashes = drawn()[-1][2]
    assert any("overlaps text" in c and "a_title_far_too_long" in c for c in clashes), clashes
    assert any("'stray' lies over the panel" in c for c in clashes), clashes


def test_projector_mode_records_a_plot_squeezed_too_small_to_read(style, drawn):
    style.set_large(True)
    fig, axes = plt.subplots(1, 2, figsize=(12, 1.6), width_ratios=[1, 3])   # a 1.6-inch-high row, 12 inches wide
    axes[1].set_axis_off()                                                   # an image strip: no axis, no limit
    _draw(fig)
    clashes = drawn()[-1][2]
    assert len(clashes) == 1 and "is squeezed to" in clashes[0], clashes


def test_projector_mode_wraps_a_title_wider_than_its_panel(style, drawn):
    style.set_large(True)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3))
    axes[0].set_title("a title far too long for one half of a twelve-inch wide figure, $p_{data} + p_g$ kept whole")
    axes[1].set_title("short")
    _draw(fig)
    lines = axes[0].get_title().split("\n")
    assert len(lines) > 1 and "$p_{data} + p_g$" in axes[0].get_title(), lines
    assert axes[1].get_title() == "short" and drawn()[-1][2] == []


def _legend_figure(lines: int, labelled: int = 1):
    """One axes with `lines` horizontal lines from y = 1 down, the first `labelled` in a legend over the top one."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, y in enumerate(np.linspace(1, 0, lines)):
        ax.plot([0, 1], [y, y], label=f"y = {y:.2f}" if i < labelled else None)
    ax.set(ylim=(-0.05, 1.05), xlabel="x")
    ax.legend(loc="upper center")
    return fig, ax


def test_projector_mode_moves_a_legend_off_a_curve(style, drawn):
    style.set_large(False)
    fig, ax = _legend_figure(1)
    fig.canvas.draw()
    assert projector._covers_data(ax.get_legend(), fig.canvas.get_renderer())   # the case: it does cover the line
    plt.close(fig)
    style.set_large(True)
    # room inside the axes (loc="best"); none: a short wide legend goes under the x label, a tall one to the right
    for lines, labelled, where in ((1, 1, "inside"), (40, 1, "under"), (40, 12, "right")):
        fig, ax = _legend_figure(lines, labelled)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(renderer)
        assert not projector._covers_data(ax.get_legend(), renderer)
        assert drawn()[-1][2] == [], drawn()[-1][2]
        found = ("right" if legend.x0 > ax.bbox.x1 else
                 "under" if legend.y1 < ax.xaxis.label.get_window_extent(renderer).y0 else "inside")
        assert found == where, (lines, labelled, found)
        plt.close(fig)


def test_tight_layout_runs_at_draw_time_in_projector_mode_only(style):
    from matplotlib.layout_engine import TightLayoutEngine
    style.set_large(True)
    fig, _ = plt.subplots(1, 2)
    plt.tight_layout(pad=0.5)
    assert isinstance(fig.get_layout_engine(), TightLayoutEngine)   # laid out at each draw, after text is raised
    assert fig.get_layout_engine().get()["pad"] == 0.5
    plt.close(fig)
    style.set_large(False)
    fig, _ = plt.subplots(1, 2)
    plt.tight_layout()
    assert not isinstance(fig.get_layout_engine(), TightLayoutEngine)
    plt.close(fig)


# the lesson's kernel listens to projector mode's log from its first cell and prints what it heard at the end
LISTEN = """import json, logging
class _Listener(logging.Handler):
    def emit(self, record):
        DRAWN.append(record.drawn)
DRAWN = []
_log = logging.getLogger("gan_lessons.projector")
_log.setLevel(logging.DEBUG)
_log.propagate = False
_log.addHandler(_Listener())"""
REPORT = "print('DRAWN', json.dumps(DRAWN))"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name[:2])
def test_every_figure_of_a_lesson_is_readable_in_projector_mode(path, tmp_path):
    """Run the lesson (quick mode) with GAN_LESSONS_LARGE=1; read the smallest text of every figure it drew, and
    what collided in it (projector._clashes): texts that overlap each other (titles of neighbouring panels, tick and
    axis labels, legend entries, annotations), a text over another panel's plot area, a legend over a line or
    scatter points, a plot squeezed under projector.MIN_PANEL_PX. Not counted, by design: a text over its own axes
    (a legend, an annotation), any text over a twin or inset axes, a legend over fills, bars and images, and text
    boxes that overlap by less than a quarter of the font size up and down (a box includes the font's descent, so
    a tick label just under a title or two tick labels at a corner have no ink that meets)."""
    from tools.bench.sweep import run_one

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(LISTEN))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    copy = tmp_path / path.name
    nbformat.write(nb, copy)
    result = run_one(copy, seed=0, threads=1, timeout=600,
                     extra_env={"GAN_LESSONS_QUICK": "1", "GAN_LESSONS_LARGE": "1"})
    assert result["error"] is None, f"{path.name} stopped in projector mode: {result['error']}"
    heard = json.loads(re.search(r"DRAWN (\[.*\])", result["text"]).group(1))
    rendered, clashes = [(width, smallest) for width, smallest, _ in heard], [c for _, _, c in heard]
    assert rendered, f"{path.name} drew no figure through pyplot in projector mode"
    small = [(w, s) for w, s in rendered if s < projector.PROJECTOR_PT - 1e-6]
    print(f"{path.name}: {len(rendered)} figure draws, smallest text {min(s for _, s in rendered):.1f} pt at 1280 px")
    assert not small, f"{path.name}: figures with text under {projector.PROJECTOR_PT} pt at 1280 px: {small}"
    collided = list(dict.fromkeys(c for draw in clashes for c in draw))   # a figure may be drawn more than once
    assert not collided, f"{path.name}: {len(collided)} collisions in projector mode: " + "; ".join(collided)


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
