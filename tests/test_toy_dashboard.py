"""The dashboard by job: a figure that only draws, a metric log, a controller whose half-steps are train.d_step and
train.g_step (its widgets: tests/test_toy_controls.py)."""
import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from panels import panel_boxes  # noqa: E402

from gan_lessons import toy_dashboard, toy_data  # noqa: E402
from gan_lessons.toy_gan import ToyConfig, ToyGAN  # noqa: E402


def _dash(**kw):
    return toy_dashboard.Dashboard(ToyGAN(ToyConfig(batch=32)), **kw)


def _pixels(dash):
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(dash.png())).convert("RGB")).astype(int)


def _changed(before, after, box):
    left, top, right, bottom = box
    return int((np.abs(before[top:bottom, left:right] - after[top:bottom, left:right]).sum(-1) > 0).sum())


def test_redraw_gives_a_png_and_logs_the_metric():
    dash = _dash()
    q = dash.redraw()
    assert q.n_modes == 8 and dash.frames == 2           # one frame at construction, one here
    assert dash.png()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(dash.log.rows) == 1 and dash.log.rows[0][1].n_modes == 8   # same step: logged once


def test_train_grows_the_history_and_the_log():
    dash = _dash()
    dash.train(5, progress=False)
    dash.train(3, progress=False)                        # running again continues
    assert dash.gan.history.steps == 8 and dash.frames >= 3
    assert dash.log.rows[-1][0] == 8 and dash.log.series()[0] == sorted(dash.log.series()[0])


def test_d_step_changes_only_the_heatmap_panel_and_g_step_only_moves_the_points():
    """D step: D's parameters move, G's do not, the z panel is unchanged; G step: the reverse."""
    dash = _dash()
    boxes = panel_boxes(dash.figure)
    G0 = [p.detach().clone() for p in dash.gan.G.parameters()]
    D0 = [p.detach().clone() for p in dash.gan.D.parameters()]
    img0 = _pixels(dash)
    dash.d_step()
    img1 = _pixels(dash)
    assert all(torch.equal(a, b) for a, b in zip(G0, dash.gan.G.parameters())), "D step moved G"
    assert not all(torch.equal(a, b) for a, b in zip(D0, dash.gan.D.parameters())), "D step did not move D"
    changed = {name: _changed(img0, img1, boxes[name]) for name in ("data", "z")}
    assert changed["data"] > 0 and changed["z"] == 0, f"D step: changed pixels per panel {changed}"
    D1 = [p.detach().clone() for p in dash.gan.D.parameters()]
    dash.g_step()
    img2 = _pixels(dash)
    assert all(torch.equal(a, b) for a, b in zip(D1, dash.gan.D.parameters())), "G step moved D"
    assert _changed(img1, img2, boxes["z"]) > 0, "G step: the z panel did not change"
    assert dash.gan.history.steps == 0                   # half-steps are not whole steps


def test_half_steps_are_the_functions_gan_step_calls(monkeypatch):
    from gan_lessons import toy_gan
    calls = []
    monkeypatch.setattr(toy_gan, "d_step", lambda *a: calls.append("D") or {"loss_D": 0.0})
    monkeypatch.setattr(toy_gan, "g_step", lambda *a: calls.append("G") or {"loss_G": 0.0})
    gan = ToyGAN(ToyConfig(batch=32))
    gan.d_step(), gan.g_step()
    assert calls == ["D", "G"]


def test_axis_limits_follow_the_data_set():
    dash = _dash()
    assert dash.lim == toy_data.view_limit("ring") and dash.figure.axes[0].get_xlim() == (-dash.lim, dash.lim)
    dash.reset(ToyConfig(data="grid", batch=32))
    assert dash.lim == toy_data.view_limit("grid") > 4        # the grid's outer modes sit at +-4


def test_arrows_point_where_the_generator_loss_falls():
    dash = _dash()
    fake = dash.gan.G(dash.gan.eval_z[:toy_dashboard.N_ARROWS]).detach()
    x, dx = dash.g_arrows(fake)
    before = dash.gan.g_loss_at(torch.as_tensor(x)).item()
    after = dash.gan.g_loss_at(torch.as_tensor(x + 1e-3 * dx / abs(dx).max())).item()
    assert after < before                                 # a small step along the arrows lowers L_G


@pytest.mark.parametrize("large", [False, True])
def test_projector_layout_text_size(large):
    """Large: every text >= 14 pt when the PNG is shown 1280 px wide (1 pt = 4/3 px); small mode is smaller."""
    from matplotlib.text import Text
    dash = _dash(large=large)
    fig = dash.figure.fig
    px_per_pt = 1280 / (fig.get_figwidth() * fig.dpi) * fig.dpi / 72      # points in the figure -> screen px
    sizes = [t.get_fontsize() * px_per_pt * 3 / 4 for t in fig.findobj(Text) if t.get_text().strip()]
    smallest = min(sizes)
    if large:
        assert smallest >= 14, f"smallest dashboard text {smallest:.1f} pt at 1280 px"
    else:
        assert smallest < 14
