"""Plot plumbing shared by the lessons: the style (with a projector mode), rows of panels, image grids, 1D densities.

Projector mode (`GAN_LESSONS_LARGE=1`, or `setup(large=True)` in a setup cell) is switched here: `set_style` installs
`gan_lessons.projector`'s figure hook, which raises every figure's text for a projector at draw time, and
`panels(n, figsize)` wraps a wide row of panels onto several rows.
"""
import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid

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


def _panel_ratios(n: int, max_cols_large: int, kwargs: dict) -> list:
    """The n panels' width ratios from panels()'s options, after checking them (the same in both modes)."""
    unknown = set(kwargs) - {"width_ratios", "gridspec_kw", "subplot_kw"}
    ratios = list(kwargs.get("width_ratios") or (kwargs.get("gridspec_kw") or {}).get("width_ratios") or [1] * n)
    if n < 1 or max_cols_large < 1 or unknown or len(ratios) != n:
        raise ValueError(f"panels() takes n >= 1, max_cols_large >= 1, one width ratio per panel and no options "
                         f"but width_ratios, gridspec_kw and subplot_kw; got n={n}, max_cols_large={max_cols_large}, "
                         f"{len(ratios)} width ratios and options {sorted(kwargs)}.")
    return ratios


def panels(n: int, figsize, max_cols_large: int = 2, **kwargs):
    """`plt.subplots(1, n, figsize=figsize, **kwargs)`: a row of n panels; in projector mode at most
    `max_cols_large` a row. Returns (fig, axes), axes a flat array of the n panels in reading order (one Axes for
    n = 1, as plt.subplots).

    Projector mode, n > max_cols_large: the panels wrap onto rows of max_cols_large (the last row may hold fewer,
    left-aligned, with the unused space left empty), each row keeps the panels' width ratios, and the figure
    keeps its width (so text keeps its projected size) and grows taller so each panel keeps its aspect, up to
    rows half as tall as the figure is wide.
    kwargs: width_ratios (or gridspec_kw={"width_ratios": ...}) and subplot_kw, as for plt.subplots; in the
    wrapped layout only gridspec_kw's width_ratios is used.
    """
    ratios = _panel_ratios(n, max_cols_large, kwargs)
    if not is_large() or n <= max_cols_large:
        return plt.subplots(1, n, figsize=figsize, **kwargs)
    rows = [ratios[i:i + max_cols_large] for i in range(0, n, max_cols_large)]
    row_width = max(sum(row) for row in rows)
    width, height = figsize
    # a panel's share of the width grows from r / sum(ratios) to r / row_width: its height grows by the same
    # factor, up to half the figure's width (one row still fits on a projected screen)
    fig = plt.figure(figsize=(width, len(rows) * min(height * sum(ratios) / row_width, width / 2)))
    axes = []
    for spec, row in zip(fig.add_gridspec(len(rows), 1), rows):
        spare = row_width - sum(row)
        spare = [spare] if spare > 1e-9 * row_width else []         # the empty end of a short last row
        cells = spec.subgridspec(1, len(row) + len(spare), width_ratios=row + spare)
        axes += [fig.add_subplot(cells[0, i], **(kwargs.get("subplot_kw") or {})) for i in range(len(row))]
    return fig, np.array(axes, dtype=object)


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
        "figure.hooks": ["gan_lessons.projector:projector_hook"] if large else [],
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

