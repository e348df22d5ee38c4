"""Plot plumbing shared by the lessons: the style (with a projector mode), image grids, 1D densities.

Projector mode (`GAN_LESSONS_LARGE=1`, or `setup(large=True)` in a setup cell): every pyplot figure of every lesson
is drawn with text at least `PROJECTOR_PT` points tall when the figure is shown `PROJECTOR_PX` pixels wide, and
thicker lines and markers. Font sizes set in a lesson's code are raised at draw time where they fall short (a
figure hook), so no figure silently keeps small text; `RENDERED` records each drawn figure's smallest text.
"""
import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid

PROJECTOR_PX = 1280      # the width a projected figure is shown at
PROJECTOR_PT = 14        # the smallest text wanted there, in points (1 pt = 4/3 CSS px)
RENDERED = []            # (figure width in inches, smallest text in points at PROJECTOR_PX), projector mode only
_large = None            # set_large(): a setup cell's choice, over the environment's
# Chinese text in a figure: DejaVu Sans (matplotlib's default) has no CJK glyphs, so matplotlib falls back, glyph by
# glyph, to the first of these that is installed (Linux: fonts-noto-cjk; macOS: PingFang SC; Windows: Microsoft YaHei).
# Fallback works across the families named in font.family, not across a generic family's list.
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei",
             "WenQuanYi Micro Hei"]


def _installed(families):
    """The families matplotlib can find here, in the given order (naming a missing one would log a warning)."""
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in families if f in have]


def is_large() -> bool:
    """Projector mode: setup(large=...) if a setup cell said so, else GAN_LESSONS_LARGE."""
    from gan_lessons import settings
    return settings.large() if _large is None else _large


def set_large(on: bool) -> None:
    """Turn projector mode on or off for everything drawn from now on (what setup(large=...) calls)."""
    global _large
    _large = bool(on)
    set_style()


def shown_points(fontsize: float, fig_width_in: float) -> float:
    """How tall `fontsize`-point text looks when a fig_width_in-inch figure is shown PROJECTOR_PX pixels wide."""
    shown_px = fontsize / 72 * PROJECTOR_PX / fig_width_in       # text height on screen, in pixels
    return shown_px * 3 / 4                                       # CSS: 96 px per inch, 72 pt per inch


def min_fontsize(fig_width_in: float) -> float:
    """The smallest font size (points, in the figure) that still shows PROJECTOR_PT when projected."""
    return PROJECTOR_PT * 4 / 3 * 72 * fig_width_in / PROJECTOR_PX


def _enlarge_texts(fig) -> float:
    """Raise every text of `fig` to the projector minimum; returns the smallest size shown, in points."""
    from matplotlib.text import Text
    width, floor = fig.get_figwidth(), min_fontsize(fig.get_figwidth())
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    for t in texts:
        if t.get_fontsize() < floor:
            t.set_fontsize(floor)
    return min((shown_points(t.get_fontsize(), width) for t in texts), default=float("inf"))


def projector_hook(fig) -> None:
    """matplotlib figure hook (rcParams["figure.hooks"]): enlarge the figure's text each time it is drawn."""
    draw = fig.draw

    def draw_large(renderer):
        if fig.get_layout_engine() is None:      # room for the larger text, unless the lesson chose a layout
            fig.set_layout_engine("constrained")
        smallest = _enlarge_texts(fig)
        RENDERED.append((fig.get_figwidth(), smallest))
        return draw(renderer)
    fig.draw = draw_large


def set_style(large: bool | None = None) -> None:
    """The lessons' matplotlib style; large=True (default: is_large()) for projecting in a lecture hall."""
    large = is_large() if large is None else large
    base = 16 if large else 10
    plt.rcParams.update({
        "figure.dpi": 80,
        "font.size": base,
        "axes.titlesize": base + 1,
        "axes.labelsize": base,
        "xtick.labelsize": base - (0 if large else 1),
        "ytick.labelsize": base - (0 if large else 1),
        "legend.fontsize": base - (0 if large else 1),
        "lines.linewidth": 2.8 if large else 1.5,
        "lines.markersize": 9 if large else 6,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "font.family": ["DejaVu Sans", *_installed(CJK_FONTS)[:1]],
        "figure.hooks": ["gan_lessons.plotting:projector_hook"] if large else [],
    })


def smooth(values, width: int = 50):
    """Moving average over `width` steps, for noisy per-step loss curves (the raw values if there are fewer)."""
    values = np.asarray(values, dtype=float)
    return np.convolve(values, np.ones(width) / width, mode="valid") if len(values) > width else values


def image_grid(images: torch.Tensor, nrow: int = 10, ax=None, title: str | None = None):
    """Show a batch [N, 1, H, W] with values in [-1, 1] as one grid (torchvision's make_grid)."""
    grid = make_grid(images.detach().cpu().clamp(-1, 1), nrow=nrow, normalize=True, value_range=(-1, 1),
                     pad_value=1.0)
    if ax is None:
        _, ax = plt.subplots(figsize=(nrow * 0.6, max(1, int(np.ceil(len(images) / nrow))) * 0.6))
    ax.imshow(grid.permute(1, 2, 0).numpy(), interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_densities(ax, grid, curves: dict, data=None, bins: int = 60, title: str | None = None):
    """1D densities on `grid` ({label: values}), over a normalised histogram of `data` if given."""
    if data is not None:
        ax.hist(np.asarray(data), bins=bins, density=True, alpha=0.35, color="gray", label="data")
    for label, values in curves.items():
        ax.plot(grid, values, label=label)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax

