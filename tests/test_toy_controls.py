"""gan_lessons.toy_controls: widgets that reach the GAN, and the background training loop counted in frames."""
import asyncio

import matplotlib

matplotlib.use("Agg")

from gan_lessons import toy_dashboard  # noqa: E402
from gan_lessons.toy_controls import Controls  # noqa: E402
from gan_lessons.toy_gan import PRESETS, ToyConfig, ToyGAN  # noqa: E402


def test_controls_presets_speed_and_background_training():
    dash = toy_dashboard.Dashboard(ToyGAN(ToyConfig(batch=32)))
    controls = Controls(dash)
    descriptions = [w.description for w in controls.w.values()] + [controls.speed.description]
    assert len(set(descriptions)) == len(descriptions)   # the browser test finds widgets by description
    controls.w["lr_D"].value = 3e-3                      # a live change reaches the optimiser
    assert dash.gan.opt_D.param_groups[0]["lr"] == 3e-3
    controls.reset(PRESETS["collapsed"])
    assert dash.gan.config == PRESETS["collapsed"] and controls.w["lr_D"].value == PRESETS["collapsed"].lr_D
    controls.half_step("D")
    assert "loss_D" in controls.status.value and dash.gan.history.steps == 0
    controls.speed.value = 5
    frames = []                                          # the history's length at each frame the loop drew

    async def train_three_frames():
        third = asyncio.Event()
        dash.on_frame.append(lambda d: frames.append(d.gan.history.steps) or (len(frames) == 3 and third.set()))
        controls.start()
        controls.start()                                 # a second click while training starts no second loop
        await asyncio.wait_for(third.wait(), timeout=120)
        controls.pause()
        await asyncio.sleep(0)                           # the cancelled loop says where it paused

    asyncio.run(train_three_frames())
    assert frames[:3] == [5, 10, 15], f"steps at each frame: {frames} (steps/frame 5)"
    assert dash.gan.history.steps == frames[-1] and f"paused at step {frames[-1]}" in controls.status.value
    assert controls.box.children[0] is controls.image and controls.image.value == dash.png()
