"""Plot plumbing shared by the lessons: a projector-friendly style, image grids, 1D densities."""
import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid


def set_style(large: bool = False) -> None:
    """large=True for projecting in a lecture hall: bigger fonts and thicker lines."""
    plt.rcParams.update({
        "figure.dpi": 80,
        "font.size": 15 if large else 10,
        "axes.titlesize": 16 if large else 11,
        "lines.linewidth": 2.5 if large else 1.5,
        "axes.grid": True,
        "grid.alpha": 0.3,
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


def show_in(output, fig) -> None:
    """Replace what an ipywidgets Output shows with `fig` (as PNG), then close the figure.

    Setting `output.outputs` syncs the widget's state instead of capturing printed output (`with output:`),
    so the swap is atomic (no flicker) and nbconvert can execute the notebook with
    --ExecutePreprocessor.store_widget_state=False, where capturing crashes nbclient 0.10 (KeyError on the
    widget's comm id).
    """
    from IPython.core.formatters import format_display_data

    data, metadata = format_display_data(fig)
    output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)
    plt.close(fig)
