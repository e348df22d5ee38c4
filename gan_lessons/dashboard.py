"""A GAN-Lab-style live dashboard for the 2D toys: one figure, redrawn a few times per second while training.

Panels: data space (D's heatmap, real and generated points, arrows of G's gradient), how G maps a grid of z,
the losses, and the toy metric (modes covered, % high quality). The figure is built once; each frame only
updates the artists' data (set_data / set_offsets) and redraws just those artists over a cached background
(blitting, Agg, off-screen): a frame costs a fraction of a full redraw (see `python -m gan_lessons.bench toy2d`).
`Dashboard.controls()` wires the instructor's widgets (k, learning rates, loss, data set, Train/Pause/Reset,
presets); the Train button trains in an asyncio task on the kernel's own loop, in short chunks, so clicks on
Pause arrive between chunks. `Dashboard.train(steps)` is the blocking version (train.fit: Ctrl-C keeps
everything, running it again continues).
"""
import asyncio
import io
import time

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from gan_lessons import toy2d
from gan_lessons.toygan import FIXES, PRESETS, Settings, ToyGAN
from gan_lessons.train import G_LOSSES

FPS = 6            # frames per second while training: smooth on a projector, cheap on the CPU
N_SHOW = 500       # points per scatter (the metric itself uses 2,500)
RES = 64           # heatmap resolution
N_ARROWS = 30      # generated points that get a -dL_G/dx arrow
ARROW_LENGTH = 0.25  # the longest arrow, as a fraction of the half-width of the data panel
LOSS_YMAX = 4.0    # fixed y range of the loss panel (log 4 = 1.39 is D's loss at equilibrium)
STEPS_XMAX0 = 100  # first x range of the loss and metric panels; it doubles as training goes on
CHUNK_STEPS0 = 20  # steps in the background loop's first chunk (then adapted to last chunk_seconds)
CHUNK_STEPS_MAX = 2000


class Dashboard:
    def __init__(self, gan: ToyGAN | None = None, figsize=(13, 3.4), dpi=72):
        self.gan = gan if gan is not None else ToyGAN(PRESETS["vanilla"])
        # a bare Figure with its own Agg canvas: no pyplot, so nothing is shown twice and it works off-screen
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.frames = 0
        self.image = None          # an ipywidgets.Image, made by widget()
        self._task = None
        self._build()
        self.redraw()

    # ---------- the figure, built once ----------
    def _build(self):
        self.lim = lim = toy2d.view_limit(self.gan.settings.data)
        ax_data, ax_z, ax_loss, ax_q = self.fig.subplots(1, 4, width_ratios=[1, 1, 1.3, 1.3])
        self.axes = (ax_data, ax_z, ax_loss, ax_q)
        for ax in (ax_data, ax_z):
            ax.set_xlim(-lim, lim), ax.set_ylim(-lim, lim), ax.set_aspect("equal")
            ax.set_xticks([]), ax.set_yticks([])
        # D's decision heatmap: D(x) = P(real), blue = "real", red = "fake"
        self.heat = ax_data.imshow(np.zeros((RES, RES)), extent=(-lim, lim, -lim, lim), origin="lower",
                                   cmap="RdBu", vmin=0, vmax=1, alpha=0.55, interpolation="bilinear")
        self.real = ax_data.scatter(np.zeros((0, 2)), np.zeros((0, 2)), s=4, color="#1b9e77", label="real")
        self.fake = ax_data.scatter(np.zeros((0, 2)), np.zeros((0, 2)), s=4, color="#7b3294", label="G(z)")
        self.arrows = ax_data.quiver(*np.zeros((4, N_ARROWS)), color="k",
                                     angles="xy", scale_units="xy", scale=1, width=0.006)
        ax_data.legend(loc="lower left", fontsize=7, markerscale=2, framealpha=0.7)
        ax_data.set_title("data space: D(x) heatmap", fontsize=9)
        self.fig.colorbar(self.heat, ax=ax_data, fraction=0.046, pad=0.02).set_label("D(x)", fontsize=8)
        # how G maps a grid of z: the lines z1 = const and z2 = const, bent by G
        ax_z.scatter(*toy2d.modes(self.gan.settings.data).T, s=30, c="#1b9e77", marker="x")
        self.zlines = LineCollection([], colors="#7b3294", linewidths=0.7)
        ax_z.add_collection(self.zlines)
        ax_z.set_title("G maps a grid of z", fontsize=9)
        # losses and metric: fixed y ranges so a frame never needs a new layout
        self.l_D, = ax_loss.plot([], [], label="L_D", c="#d95f02")
        self.l_G, = ax_loss.plot([], [], label="L_G", c="#7570b3")
        ax_loss.set_ylim(0, LOSS_YMAX), ax_loss.set_xlabel("step", fontsize=8), ax_loss.legend(fontsize=7)
        ax_loss.set_title("losses (say little about quality)", fontsize=9)
        self.q_modes, = ax_q.plot([], [], label="modes covered / all")
        self.q_hq, = ax_q.plot([], [], label="high quality")
        ax_q.set_ylim(-0.02, 1.02), ax_q.set_xlabel("step", fontsize=8), ax_q.legend(fontsize=7, loc="lower right")
        self.q_title = ax_q.set_title("", fontsize=9)
        for ax in (ax_loss, ax_q):
            ax.tick_params(labelsize=7)
        self.quality_log = []      # (step, Quality) at every frame
        self._last_data = self.gan.settings.data
        self._animated = [self.heat, self.real, self.fake, self.arrows, self.zlines, self.l_D, self.l_G,
                          self.q_modes, self.q_hq, self.q_title]
        for artist in self._animated:
            artist.set_animated(True)
        self._background, self._xmax = None, None

    # ---------- one frame: update artists, render ----------
    @torch.no_grad()
    def redraw(self):
        """Update the moving artists and re-render only them over a cached background (blitting).

        The axes, ticks and labels are rendered in full only when an x range has to grow (it doubles,
        so that happens about log2(steps) times); a frame otherwise costs a few draw_artist calls.
        """
        gan, lim = self.gan, self.lim
        if gan.settings.data != self._last_data:            # data set changed: rebuild the axes once
            self.fig.clear(), self._build()
        axis = torch.linspace(-lim, lim, RES)
        xy = torch.cartesian_prod(axis, axis).flip(1)      # rows = y, columns = x, as imshow wants
        self.heat.set_data(torch.sigmoid(gan.D_point(xy)).view(RES, RES).numpy())
        self.real.set_offsets(gan.real_points(N_SHOW).numpy())
        fake = gan.G(gan.eval_z)
        self.fake.set_offsets(fake[:N_SHOW].numpy())
        x, dx = self._g_arrows(fake[:N_ARROWS])
        self.arrows.set_offsets(x), self.arrows.set_UVC(dx[:, 0], dx[:, 1])
        self.zlines.set_segments(gan.z_grid_lines())
        h, steps = gan.history, len(gan.history)
        if steps:
            t = np.arange(steps)
            self.l_D.set_data(t, h["loss_D"]), self.l_G.set_data(t, h["loss_G"])
        q = toy2d.quality(fake, gan.settings.data)
        if not self.quality_log or self.quality_log[-1][0] != steps:
            self.quality_log.append((steps, q))
        s = [p[0] for p in self.quality_log]
        self.q_modes.set_data(s, [p[1].modes_covered / p[1].n_modes for p in self.quality_log])
        self.q_hq.set_data(s, [p[1].high_quality for p in self.quality_log])
        self.q_title.set_text(f"step {steps}: {q}")
        xmax = STEPS_XMAX0
        while xmax < steps:
            xmax *= 2
        if self._background is None or xmax != self._xmax:
            self._xmax = xmax
            for ax in self.axes[2:]:
                ax.set_xlim(0, xmax)
            self.canvas.draw()                             # everything but the animated artists
            self.fig.set_layout_engine("none")             # keep the layout found once: it costs ~0.5 s
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._animated:
            artist.axes.draw_artist(artist) if artist.axes is not None else self.fig.draw_artist(artist)
        self.frames += 1
        if self.image is not None:
            self.image.value = self.png()
        return q

    def _g_arrows(self, fake):
        """Where L_G pushes each generated point: -dL_G/dx, scaled to a readable length."""
        with torch.enable_grad():
            x = fake.clone().requires_grad_(True)
            self.gan.g_loss_at(x).backward()
            g = -x.grad
        g = g / (g.norm(dim=1, keepdim=True).max() + 1e-12) * ARROW_LENGTH * self.lim
        return x.detach().numpy(), g.numpy()

    def png(self) -> bytes:
        """The current frame as PNG bytes, from the already rendered buffer (no second render)."""
        from PIL import Image as PILImage
        buf = io.BytesIO()
        PILImage.fromarray(np.asarray(self.canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    # ---------- training, blocking (a notebook cell) ----------
    def train(self, steps: int, fps: float = FPS, progress: bool = True):
        """Train `steps` steps, redrawing about `fps` times per second; Ctrl-C stops and keeps everything."""
        last = [time.perf_counter()]

        def maybe_draw(_history):
            now = time.perf_counter()
            if now - last[0] >= 1.0 / fps:       # fixed rate: counted from the previous frame's start
                last[0] = now
                self.redraw()
        history = self.gan.train(steps, on_update=maybe_draw, every=1, progress=progress)
        self.redraw()
        return history

    # ---------- the instructor's controls ----------
    def widget(self):
        import ipywidgets as widgets
        self.image = widgets.Image(value=self.png(), format="png")
        return self.image

    def controls(self):
        """One box: the live figure, sliders, loss and data set, presets, Train / Pause / Reset."""
        import ipywidgets as widgets
        s = self.gan.settings
        self.w = dict(
            k=widgets.IntSlider(value=s.k, min=1, max=20, description="k (D steps)"),
            lr_G=widgets.FloatLogSlider(value=s.lr_G, base=10, min=-5, max=-1.5, step=0.1, description="lr G",
                                        readout_format=".1e"),
            lr_D=widgets.FloatLogSlider(value=s.lr_D, base=10, min=-5, max=-1.5, step=0.1, description="lr D",
                                        readout_format=".1e"),
            g_loss=widgets.Dropdown(options=G_LOSSES, value=s.g_loss, description="G loss"),
            data=widgets.Dropdown(options=toy2d.DATASETS, value=s.data, description="data set"),
            fix=widgets.Dropdown(options=FIXES, value=s.fix, description="fix"),
        )
        for name in ("k", "lr_G", "lr_D", "g_loss", "data"):
            # live changes, as in GAN Lab: the next step uses them (a new fix needs Reset: it changes D)
            self.w[name].observe(lambda change, name=name: self.gan.update(**{name: change["new"]}), "value")
        buttons = [widgets.Button(description=d, icon=i) for d, i in
                   (("Train", "play"), ("Pause", "pause"), ("Reset", "refresh"))]
        buttons[0].on_click(lambda _: self.start())
        buttons[1].on_click(lambda _: self.pause())
        buttons[2].on_click(lambda _: self.reset())
        presets = [widgets.Button(description=f"preset: {name}") for name in PRESETS]
        for b, name in zip(presets, PRESETS):
            b.on_click(lambda _, name=name: self.reset(PRESETS[name]))
        self.status = widgets.Label("")
        return widgets.VBox([self.image or self.widget(),
                             widgets.HBox([self.w["k"], self.w["lr_G"], self.w["lr_D"]]),
                             widgets.HBox([self.w["g_loss"], self.w["data"], self.w["fix"]]),
                             widgets.HBox(buttons + presets), self.status])

    def settings_from_controls(self) -> Settings:
        return Settings(**{**vars(self.gan.settings), **{n: w.value for n, w in self.w.items()}})

    def reset(self, settings: Settings | None = None):
        """New networks from the controls (or a preset, whose values then show in the controls)."""
        self.pause()
        settings = settings or self.settings_from_controls()
        if hasattr(self, "w"):
            for name, w in self.w.items():
                with w.hold_trait_notifications():
                    w.value = getattr(settings, name)
        self.gan = ToyGAN(settings)
        self.quality_log = []
        self.fig.clear(), self._build()
        self.redraw()

    def start(self, chunk_seconds: float = 1.0 / FPS):
        """Train in the background on the kernel's event loop until Pause (or NaN)."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_event_loop().create_task(self._loop(chunk_seconds))

    def pause(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self, chunk_seconds):
        n = CHUNK_STEPS0                             # steps per chunk, adapted so a chunk lasts ~chunk_seconds
        try:
            while True:
                start, before = time.perf_counter(), len(self.gan.history)
                history = self.gan.train(n, progress=False)
                self.redraw()
                if history.stop_reason:                  # NaN/inf: fit said why in one sentence
                    self._say(history.stop_reason)
                    return
                self._say(f"training: step {len(history)}")
                took = time.perf_counter() - start
                n = int(min(CHUNK_STEPS_MAX, max(1, (len(history) - before) * chunk_seconds / max(took, 1e-3))))
                await asyncio.sleep(0.01)   # let widget messages (Pause, sliders) in
        except asyncio.CancelledError:
            self._say(f"paused at step {len(self.gan.history)}")
            raise

    def _say(self, text):
        if hasattr(self, "status"):
            self.status.value = text or ""

