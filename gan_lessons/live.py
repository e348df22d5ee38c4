"""Live figures with a still fallback: one output that is a widget in Jupyter and a PNG everywhere else.

A slider cell shows `LiveFigure(draw, name=slider, ...)`: `draw(**values)` returns a matplotlib Figure, and
every slider move redraws it into an ipywidgets.Image. Its display data carries the widget view *and* an
`image/png` of the figure as displayed, so
- JupyterLab / Notebook / Colab, with a kernel, render the widget (it comes first in their mime-type order);
- `jupyter nbconvert --to html` on a notebook saved without widget state (the lessons are) skips the widget
  view, whose model is not in the saved state, and shows the PNG (nbconvert's WidgetsDataTypeFilter);
- renderers that know no widgets (GitHub, nbviewer without widget state) fall through to the PNG as well.
So one cell shows one figure: no second "static copy" that never moves.

`LiveImage` is the same for an image that code updates (the lesson-03 dashboard while it trains): `show()` it
once and, after every cell that changed it, its saved PNG is refreshed to the last frame (update_display).
`LiveBox` gives any VBox (the dashboard's controls panel) such a still image.

Only APIs that ipywidgets 7.7.1 (Colab) and 8.1 share are used. Widgets 7 display through
`_ipython_display_`, widgets 8 through `_repr_mimebundle_`; `_Still` provides both with the same bundle.
"""
import base64
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def figure_png(fig) -> bytes:
    """`fig` as PNG bytes (tight box, like the inline backend), then closed: nothing else displays it again."""
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    finally:
        plt.close(fig)


def still_bundle(widget, png: bytes) -> dict:
    """Display data for `widget` with `png` as the fallback for renderers without a live widget."""
    return {
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": widget.model_id},
        "image/png": base64.b64encode(bytes(png)).decode("ascii"),
        "text/plain": f"{type(widget).__name__}: a live widget in Jupyter (a still image where widgets do not run)",
    }


class _Still:
    """Mixin for a widget: its display data adds `self.still()` (PNG bytes) as `image/png`."""

    def still(self) -> bytes:
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return still_bundle(self, self.still())

    if hasattr(widgets.Widget, "_ipython_display_"):
        # ipywidgets 7 displays widgets through this hook, which IPython prefers to _repr_mimebundle_
        def _ipython_display_(self, **kwargs):
            display(self._repr_mimebundle_(), raw=True)


class LiveBox(_Still, widgets.VBox):
    """A VBox whose still image is `still()` (a callable returning PNG bytes), e.g. a panel's live image."""

    def __init__(self, children, still):
        super().__init__(children)
        if not callable(still):
            raise TypeError(f"LiveBox needs a callable returning PNG bytes as `still`, got {type(still).__name__}.")
        self._still_png = still

    def still(self) -> bytes:
        return self._still_png()


class LiveFigure(LiveBox):
    """`LiveFigure(draw, mu=slider, ...)`: the sliders over `draw(mu=slider.value, ...)`, redrawn as they move.

    `extra` widgets (e.g. a button whose handler changes state and calls `redraw()`) sit in a row under the
    sliders. The figure `draw` returns is rendered to PNG and closed.
    """

    def __init__(self, draw, extra=(), **sliders):
        if not callable(draw):
            raise TypeError(f"LiveFigure needs a drawing function returning a Figure, got {type(draw).__name__}.")
        if not sliders:
            raise ValueError("LiveFigure needs at least one slider, given as draw's argument name=widget.")
        self.draw, self.sliders = draw, sliders
        self.image = widgets.Image(value=self.render(), format="png")
        controls = list(sliders.values()) + ([widgets.HBox(list(extra))] if extra else [])
        super().__init__(controls + [self.image], still=lambda: self.image.value)
        for slider in sliders.values():
            slider.observe(self.redraw, names="value")

    def render(self) -> bytes:
        """The figure for the sliders' current values, as PNG."""
        fig = self.draw(**{name: slider.value for name, slider in self.sliders.items()})
        if not hasattr(fig, "savefig"):
            raise TypeError(f"the drawing function must return a matplotlib Figure, got {type(fig).__name__}.")
        return figure_png(fig)

    def redraw(self, change=None):
        """Swap the image for a new drawing (one message: no flicker, no output capture)."""
        self.image.value = self.render()


class LiveImage(_Still, widgets.Image):
    """An Image that code updates (set `.value`); `show()` displays it with a still copy that follows it."""

    def __init__(self, png: bytes):
        super().__init__(value=png, format="png")
        self.handle = None
        self._changed = False
        self.observe(self._mark_changed, names="value")

    def still(self) -> bytes:
        return self.value

    def _mark_changed(self, change):
        self._changed = True

    def show(self):
        """Display once, with a display_id; after each cell that changed the image, refresh its still PNG."""
        self.handle = display(self._repr_mimebundle_(), raw=True, display_id=True)
        self._changed = False
        shell = _shell()
        if shell is not None:
            shell.events.register("post_run_cell", self.refresh_still)

    def refresh_still(self, result=None):
        """Replace the displayed bundle by one whose PNG is the current frame, if the image changed."""
        if self.handle is not None and self._changed:
            self.handle.update(self._repr_mimebundle_(), raw=True)
            self._changed = False


def _shell():
    from IPython import get_ipython
    return get_ipython()
