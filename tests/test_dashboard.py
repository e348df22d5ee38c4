"""The dashboard draws off-screen, trains through fit, and its controls and presets reach the GAN."""
import asyncio

import matplotlib
import torch

matplotlib.use("Agg")

from gan_lessons import dashboard  # noqa: E402
from gan_lessons.toygan import PRESETS, Settings, ToyGAN  # noqa: E402


def test_redraw_gives_a_png_and_the_metric():
    dash = dashboard.Dashboard(ToyGAN(Settings(batch=32)))
    q = dash.redraw()
    assert q.n_modes == 8 and dash.frames == 2           # one frame at construction, one here
    assert dash.png()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_grows_the_history_and_redraws():
    dash = dashboard.Dashboard(ToyGAN(Settings(batch=32)))
    dash.train(5, progress=False)
    dash.train(3, progress=False)                        # running again continues
    assert len(dash.gan.history) == 8 and dash.frames >= 3


def test_controls_presets_and_background_training():
    dash = dashboard.Dashboard(ToyGAN(Settings(batch=32)))
    box = dash.controls()
    descriptions = [w.description for w in dash.w.values()]
    assert len(set(descriptions)) == len(descriptions)   # the browser test finds sliders by description
    dash.w["lr_D"].value = 3e-3                          # a live change reaches the optimiser
    assert dash.gan.opt_D.param_groups[0]["lr"] == 3e-3
    dash.reset(PRESETS["collapsed"])
    assert dash.gan.settings == PRESETS["collapsed"] and dash.w["lr_D"].value == PRESETS["collapsed"].lr_D

    async def train_a_little():
        dash.start(chunk_seconds=0.05)
        await asyncio.sleep(1.0)
        dash.pause()
        await asyncio.sleep(0.05)

    asyncio.run(train_a_little())
    trained = len(dash.gan.history)
    assert trained > 0 and "paused" in dash.status.value
    # the box holds the live image first, then the widgets the browser test drives
    assert box.children[0] is dash.image
    shown = [w for row in box.children[1:3] for w in row.children]
    assert all(dash.w[name] in shown for name in ("k", "lr_G", "lr_D", "g_loss", "data", "fix"))


def test_axis_limits_follow_the_data_set():
    from gan_lessons import toy2d
    dash = dashboard.Dashboard(ToyGAN(Settings(batch=32)))
    assert dash.lim == toy2d.view_limit("ring") and dash.axes[0].get_xlim() == (-dash.lim, dash.lim)
    dash.reset(Settings(data="grid", batch=32))
    assert dash.lim == toy2d.view_limit("grid") > 4        # the grid's outer modes sit at +-4


def test_arrows_point_where_the_generator_loss_falls():
    dash = dashboard.Dashboard(ToyGAN(Settings(batch=32)))
    fake = dash.gan.G(dash.gan.eval_z[:dashboard.N_ARROWS]).detach()
    x, dx = dash._g_arrows(fake)
    before = dash.gan.g_loss_at(torch.as_tensor(x)).item()
    after = dash.gan.g_loss_at(torch.as_tensor(x + 1e-3 * dx / abs(dx).max())).item()
    assert after < before                                 # a small step along the arrows lowers L_G
