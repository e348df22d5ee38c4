"""The instructor's controls for a toy_dashboard.Dashboard: widgets and the background training loop.

Sliders and dropdowns change k, learning rates, loss and data set between steps (as in GAN Lab); Train runs
training in an asyncio task on the kernel's own loop, in chunks of `steps per frame` steps, so clicks on Pause
arrive between chunks; "D step" and "G step" take one half of the GAN step at a time (train.d_step, train.g_step,
the same code gan_step calls); Reset and the presets build new networks.
"""
import asyncio

from gan_lessons import toy_data
from gan_lessons.toy_gan import FIXES, PRESETS, ToyConfig
from gan_lessons.train import G_LOSSES

STEPS_PER_FRAME = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)   # the speed control: 1 = watch every step
DEFAULT_STEPS_PER_FRAME = 50
PAUSE_BETWEEN_FRAMES_S = 0.01   # lets widget messages (Pause, sliders) in between chunks
LIVE = ("k", "lr_G", "lr_D", "g_loss", "data")   # take effect at the next step; a new fix needs Reset (it changes D)


class Controls:
    """`Controls(dashboard).box`: the live image, the settings, the buttons and a status line."""

    def __init__(self, dashboard):
        import ipywidgets as widgets

        from gan_lessons.live import LiveBox

        self.dash = dashboard
        s = dashboard.gan.config
        self.image = widgets.Image(value=dashboard.png(), format="png")
        self.w = dict(
            k=widgets.IntSlider(value=s.k, min=1, max=20, description="k (D steps)"),
            lr_G=widgets.FloatLogSlider(value=s.lr_G, base=10, min=-5, max=-1.5, step=0.1, description="lr G",
                                        readout_format=".1e"),
            lr_D=widgets.FloatLogSlider(value=s.lr_D, base=10, min=-5, max=-1.5, step=0.1, description="lr D",
                                        readout_format=".1e"),
            g_loss=widgets.Dropdown(options=G_LOSSES, value=s.g_loss, description="G loss"),
            data=widgets.Dropdown(options=toy_data.DATASETS, value=s.data, description="data set"),
            fix=widgets.Dropdown(options=FIXES, value=s.fix, description="fix"),
        )
        self.speed = widgets.SelectionSlider(options=STEPS_PER_FRAME, value=DEFAULT_STEPS_PER_FRAME,
                                             description="steps/frame")
        self.buttons = {name: widgets.Button(description=name, icon=icon) for name, icon in
                        (("Train", "play"), ("Pause", "pause"), ("D step", "step-forward"),
                         ("G step", "step-forward"), ("Reset", "refresh"))}
        self.presets = {name: widgets.Button(description=f"preset: {name}") for name in PRESETS}
        self.status = widgets.Label("")
        self._task = None
        for name in LIVE:
            self.w[name].observe(lambda change, name=name: self.dash.gan.update(**{name: change["new"]}), "value")
        self.buttons["Train"].on_click(lambda _: self.start())
        self.buttons["Pause"].on_click(lambda _: self.pause())
        self.buttons["D step"].on_click(lambda _: self.half_step("D"))
        self.buttons["G step"].on_click(lambda _: self.half_step("G"))
        self.buttons["Reset"].on_click(lambda _: self.reset())
        for name, button in self.presets.items():
            button.on_click(lambda _, name=name: self.reset(PRESETS[name]))
        dashboard.on_frame.append(self._show)
        # one output: the live panel, or (no kernel, e.g. on GitHub) a still PNG of the figure it showed
        self.box = LiveBox([self.image,
                            widgets.HBox([self.w["k"], self.w["lr_G"], self.w["lr_D"]]),
                            widgets.HBox([self.w["g_loss"], self.w["data"], self.w["fix"], self.speed]),
                            widgets.HBox(list(self.buttons.values())),
                            widgets.HBox(list(self.presets.values())), self.status],
                           still=lambda: self.image.value)

    def _show(self, dash):
        self.image.value = dash.png()

    def say(self, text: str):
        self.status.value = text or ""

    def config_from_controls(self) -> ToyConfig:
        return self.dash.gan.config.but(**{n: w.value for n, w in self.w.items()})

    def reset(self, config: ToyConfig | None = None):
        """New networks from the controls (or a preset, whose values then show in the controls)."""
        self.pause()
        config = config or self.config_from_controls()
        for name, w in self.w.items():
            with w.hold_trait_notifications():
                w.value = getattr(config, name)
        self.dash.reset(config)
        self.say(f"reset: {config}")

    def half_step(self, which: str):
        """One D-step or one G-step, drawn at once (training pauses first)."""
        self.pause()
        row = self.dash.d_step() if which == "D" else self.dash.g_step()
        self.say(", ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "batch"))

    def start(self):
        """Train in the background on the kernel's event loop until Pause (or NaN)."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_event_loop().create_task(self._loop())

    def pause(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self):
        try:
            while True:
                history = self.dash.gan.train(self.speed.value, progress=False)
                self.dash.redraw()
                if history.stop_reason:                  # NaN/inf: fit said why in one sentence
                    self.say(history.stop_reason)
                    return
                self.say(f"training: step {history.steps}")
                await asyncio.sleep(PAUSE_BETWEEN_FRAMES_S)
        except asyncio.CancelledError:
            self.say(f"paused at step {self.dash.gan.history.steps}")
            raise
