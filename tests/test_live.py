"""gan_lessons.live: one output per live figure, a widget in Jupyter and a still PNG where widgets do not run.

The nbconvert test executes a tiny notebook the way the lessons are built (no widget state saved) and checks
which mime type the HTML shows: the still PNG, and for a LiveImage the last frame rather than the first.
"""
import base64
import re
import subprocess
import sys

import ipywidgets as widgets
import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from gan_lessons.live import WIDGET_VIEW, LiveFigure  # noqa: E402


def _draw(a, drawn=None):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, a])
    ax.set_ylim(0, 2)
    if drawn is not None:
        drawn.append(fig)
    return fig


def test_moving_a_slider_changes_the_png():
    slider = widgets.FloatSlider(value=0.5, min=0, max=2, description="a")
    live = LiveFigure(_draw, a=slider)
    before = live.image.value
    slider.value = 1.5
    assert live.image.value != before and bytes(live.image.value).startswith(b"\x89PNG")
    assert live.children[0] is slider and live.children[-1] is live.image   # sliders above, figure below


def test_bundle_has_widget_view_and_still_png():
    from IPython.core.formatters import format_display_data

    slider = widgets.FloatSlider(value=0.5, min=0, max=2, description="a")
    live = LiveFigure(_draw, a=slider)
    data = live._repr_mimebundle_()
    assert set(data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] == live.model_id
    assert base64.b64decode(data["image/png"]) == live.image.value
    if not hasattr(live, "_ipython_display_"):      # ipywidgets 8: IPython's formatter reaches the same bundle
        shown, _ = format_display_data(live)
        assert shown["image/png"] == data["image/png"]


def test_drawn_figures_are_closed():
    drawn = []
    slider = widgets.FloatSlider(value=0.5, min=0, max=2, description="a")
    open_before = set(plt.get_fignums())
    LiveFigure(lambda a: _draw(a, drawn), a=slider)
    slider.value = 1.0
    assert len(drawn) == 2 and not any(plt.fignum_exists(f.number) for f in drawn)
    assert set(plt.get_fignums()) == open_before


def test_bad_drawing_function_says_why():
    slider = widgets.FloatSlider(value=0.5, description="a")
    with pytest.raises(TypeError, match="must return a matplotlib Figure"):
        LiveFigure(lambda a: None, a=slider)


def test_controls_panel_carries_a_still_png():
    from gan_lessons.toy_controls import Controls
    from gan_lessons.toy_dashboard import Dashboard
    from gan_lessons.toy_gan import PRESETS, ToyGAN

    dash = Dashboard(ToyGAN(PRESETS["collapsed"]), large=False)
    box = Controls(dash).box
    assert base64.b64decode(box._repr_mimebundle_()["image/png"]) == dash.png()
    live = dash.widget()
    dash.d_step()
    assert live.value == dash.png() and base64.b64decode(live._repr_mimebundle_()["image/png"]) == dash.png()


TINY = [
    "import base64, matplotlib.pyplot as plt, ipywidgets as widgets\n"
    "from gan_lessons.live import LiveFigure, LiveImage\n"
    "def draw(a):\n"
    "    fig, ax = plt.subplots(figsize=(2, 2))\n"
    "    ax.plot([0, 1], [0, a])\n"
    "    return fig\n"
    "live = LiveFigure(draw, a=widgets.FloatSlider(value=0.7, description='a'))\n"
    "display(live)",
    "frames = [live.render(), LiveFigure(draw, a=widgets.FloatSlider(value=0.2)).image.value]\n"
    "image = LiveImage(frames[0])\n"
    "image.show()",
    "image.value = frames[1]     # 'training' in a later cell: the saved still must follow\n"
    "print('STILLS', base64.b64encode(live.image.value).decode(), base64.b64encode(frames[1]).decode())",
]


@pytest.fixture(scope="module")
def tiny_html(tmp_path_factory):
    """A tiny notebook using the helpers, executed and converted to HTML as the lessons are (no widget state)."""
    import nbformat

    folder = tmp_path_factory.mktemp("live")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in TINY])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "tiny.ipynb")
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
           "--ExecutePreprocessor.store_widget_state=False", "--ExecutePreprocessor.timeout=120",
           str(folder / "tiny.ipynb")]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    html = (folder / "tiny.html").read_text(encoding="utf-8")
    figure_png, last_frame = re.search(r"STILLS ([A-Za-z0-9+/=]{100,}) ([A-Za-z0-9+/=]{100,})", html).groups()
    return html, figure_png, last_frame


def _shown_pngs(html):
    return re.findall(r'<img[^>]+src="data:image/png;base64,([^"]+)"', html)


def test_nbconvert_html_shows_the_still_png(tiny_html):
    html, figure_png, last_frame = tiny_html
    shown = _shown_pngs(html)
    assert figure_png in shown                                  # the LiveFigure's starting state
    assert last_frame in shown and len(shown) == 2              # the LiveImage's last frame, not its first
    assert f'type="{WIDGET_VIEW}"' not in html                  # no empty widget placeholder either


def test_nbconvert_prefers_the_widget_when_its_state_is_saved():
    """The other half of nbconvert's rule: with the model in the saved state, the widget view wins."""
    import nbformat
    from nbconvert import HTMLExporter

    png = base64.b64encode(b"\x89PNG fake").decode()
    output = nbformat.v4.new_output("display_data", data={
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "m1"}, "image/png": png,
        "text/plain": "live"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[output])])
    without, _ = HTMLExporter().from_notebook_node(nb)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0, "state": {"m1": {"model_name": "ImageModel", "state": {}}}}}
    with_state, _ = HTMLExporter().from_notebook_node(nb)
    assert png in _shown_pngs(without) and f'type="{WIDGET_VIEW}"' not in without
    assert f'type="{WIDGET_VIEW}"' in with_state and png not in _shown_pngs(with_state)
