"""Shared by the dashboard's unit and browser tests: where each panel of a DashboardFigure lies in its PNG."""
import numpy as np


def panel_boxes(figure) -> dict:
    """Each panel's pixel box in the PNG, (left, top, right, bottom): what a test compares between frames."""
    height = figure.fig.bbox.height
    boxes = {}
    for name, ax in zip(("data", "z", "loss", "metric"), figure.axes):
        b = ax.get_window_extent()
        boxes[name] = (int(b.x0), int(height - b.y1), int(np.ceil(b.x1)), int(np.ceil(height - b.y0)))
    return boxes
