"""A GAN-Lab-style live dashboard for the 2D toys, split by job.

- `DashboardFigure` only draws: four panels (data space with D's heatmap, real and generated points and arrows of
  G's gradient; how G maps a grid of z; the losses; the toy metric), built once, then each frame updates the
  artists' data and redraws just them over a cached background (blitting, Agg, off-screen).
- `MetricLog` keeps the toy metric (modes covered, % high quality) at every frame, outside the drawing.
- `Dashboard` ties a `ToyGAN` to both: `redraw()`, blocking `train(steps)` (train.fit: Ctrl-C keeps everything),
  and the half-steps `d_step()` / `g_step()` (the same train.d_step / train.g_step that gan_step calls).
- The widgets and the background training loop live in `gan_lessons.toy_controls` (`Dashboard.controls()`).

`large=True` (or GAN_LESSONS_LARGE=1) is the projector layout: 2 x 2 panels and text readable at the back of a room.
"""
import io
import time
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from gan_lessons import plotting, toy_data
from gan_lessons.toy_gan import PRESETS, ToyConfig, ToyGAN

FPS = 6              # frames per second while training: smooth on a projector, cheap on the CPU
N_SHOW = 500         # points per scatter (the metric itself uses 2,500)
RES = 64             # heatmap resolution
N_ARROWS = 30        # generated points that get a -dL_G/dx arrow
ARROW_LENGTH = 0.25  # the longest arrow, as a fraction of the half-width of the data panel
LOSS_YMAX = 4.0      # fixed y range of the loss panel (log 4 = 1.39 is D's loss at equilibrium)
STEPS_XMAX0 = 100    # first x range of the loss and metric panels; it doubles as training goes on


@dataclass(frozen=True)
class Layout:
    figsize: tuple
    rows: int
    title: float      # font sizes in points
    label: float
    tick: float
    legend: float
    point: float      # scatter marker area
    line: float


# Small: one row for a laptop screen. Large: 2 x 2, every text >= 14 pt when the image is shown 1280 px wide
# (a 10-inch figure is magnified 1280 / 720 = 1.78x, so 14 pt on screen needs 14 / 1.78 * 4/3 = 10.5 pt here).
SMALL = Layout(figsize=(13, 3.4), rows=1, title=9, label=8, tick=7, legend=7, point=4, line=1.2)
LARGE = Layout(figsize=(10, 7.6), rows=2, title=14, label=13, tick=12, legend=12, point=10, line=2.5)


class MetricLog:
    """The toy metric at every drawn step: [(step, Quality)], one row per step."""

    def __init__(self):
        self.rows = []

    def record(self, step: int, quality: toy_data.Quality):
        if not self.rows or self.rows[-1][0] != step:
            self.rows.append((step, quality))

    def series(self):
        """(steps, fraction of modes covered, fraction high quality), for plotting."""
        return ([s for s, _ in self.rows], [q.modes_covered / q.n_modes for _, q in self.rows],
                [q.high_quality for _, q in self.rows])


@dataclass
class Frame:
    """What one frame shows, computed from the GAN (the figure never touches a network)."""
    heat: np.ndarray       # D(x) on a RES x RES grid, rows = y
    real: np.ndarray       # [N_SHOW, 2]
    fake: np.ndarray       # [N_SHOW, 2]
    arrows: tuple          # (points [N_ARROWS, 2], -dL_G/dx scaled [N_ARROWS, 2])
    zlines: np.ndarray     # [lines, points, 2]
    loss_D: list
    loss_G: list
    steps: int
    quality: toy_data.Quality   # the metric on all N_EVAL generated points (the scatter shows N_SHOW of them)


class DashboardFigure:
    """The four panels: built once for a data set, then `draw(frame, log)` per frame. Drawing only."""

    def __init__(self, data: str, layout: Layout = SMALL, dpi: int = 72):
        self.layout = layout
        # a bare Figure with its own Agg canvas: no pyplot, so nothing is shown twice and it works off-screen
        self.fig = Figure(figsize=layout.figsize, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.data = self.lim = self.axes = None
        self.heat = self.real = self.fake = self.arrows = self.zlines = None
        self.l_D = self.l_G = self.q_modes = self.q_hq = self.q_title = None
        self._animated, self._background, self._xmax = [], None, None
        self.build(data)

    def build(self, data: str):
        """(Re)build the panels for data set `data`: axis limits come from its modes."""
        L = self.layout
        self.fig.clear()
        self.fig.set_layout_engine("constrained")
        self.data, self.lim = data, toy_data.view_limit(data)
        lim = self.lim
        if L.rows == 1:
            axes = self.fig.subplots(1, 4, width_ratios=[1, 1, 1.3, 1.3])
        else:
            axes = self.fig.subplots(2, 2).ravel()
        ax_data, ax_z, ax_loss, ax_q = self.axes = tuple(axes)
        for ax in (ax_data, ax_z):
            ax.set_xlim(-lim, lim), ax.set_ylim(-lim, lim), ax.set_aspect("equal")
            ax.set_xticks([]), ax.set_yticks([])
        # D's decision heatmap: D(x) = P(real), blue = "real", red = "fake"
        self.heat = ax_data.imshow(np.zeros((RES, RES)), extent=(-lim, lim, -lim, lim), origin="lower",
                                   cmap="RdBu", vmin=0, vmax=1, alpha=0.55, interpolation="bilinear")
        self.real = ax_data.scatter(np.zeros((0, 2)), np.zeros((0, 2)), s=L.point, color="#1b9e77", label="real")
        self.fake = ax_data.scatter(np.zeros((0, 2)), np.zeros((0, 2)), s=L.point, color="#7b3294", label="G(z)")
        self.arrows = ax_data.quiver(*np.zeros((4, N_ARROWS)), color="k",
                                     angles="xy", scale_units="xy", scale=1, width=0.006)
        ax_data.legend(loc="lower left", fontsize=L.legend, markerscale=2, framealpha=0.7)
        ax_data.set_title("data space: D(x) heatmap", fontsize=L.title)
        bar = self.fig.colorbar(self.heat, ax=ax_data, fraction=0.046, pad=0.02)
        bar.set_label("D(x)", fontsize=L.label)
        bar.ax.tick_params(labelsize=L.tick)
        # how G maps a grid of z: the lines z1 = const and z2 = const, bent by G
        ax_z.scatter(*toy_data.modes(data).T, s=7 * L.point, c="#1b9e77", marker="x")
        self.zlines = LineCollection([], colors="#7b3294", linewidths=0.6 * L.line)
        ax_z.add_collection(self.zlines)
        ax_z.set_title("G maps a grid of z", fontsize=L.title)
        # losses and metric: fixed y ranges so a frame never needs a new layout
        self.l_D, = ax_loss.plot([], [], label="L_D", c="#d95f02", lw=L.line)
        self.l_G, = ax_loss.plot([], [], label="L_G", c="#7570b3", lw=L.line)
        ax_loss.set_ylim(0, LOSS_YMAX)
        ax_loss.legend(fontsize=L.legend)
        ax_loss.set_title("losses (say little about quality)", fontsize=L.title)
        self.q_modes, = ax_q.plot([], [], label="modes covered / all", lw=L.line)
        self.q_hq, = ax_q.plot([], [], label="high quality", lw=L.line)
        ax_q.set_ylim(-0.02, 1.02)
        ax_q.legend(fontsize=L.legend, loc="lower right")
        self.q_title = ax_q.set_title("", fontsize=L.title)
        for ax in (ax_loss, ax_q):
            ax.set_xlabel("step", fontsize=L.label)
            ax.tick_params(labelsize=L.tick)
        self._animated = [self.heat, self.real, self.fake, self.arrows, self.zlines, self.l_D, self.l_G,
                          self.q_modes, self.q_hq, self.q_title]
        for artist in self._animated:
            artist.set_animated(True)
        self._background, self._xmax = None, None

    def draw(self, frame: Frame, log: MetricLog, title: str):
        """Update the moving artists and re-render only them over a cached background (blitting).

        The axes, ticks and labels are rendered in full only when an x range has to grow (it doubles,
        so that happens about log2(steps) times); a frame otherwise costs a few draw_artist calls.
        """
        self.heat.set_data(frame.heat)
        self.real.set_offsets(frame.real)
        self.fake.set_offsets(frame.fake)
        (x, dx) = frame.arrows
        self.arrows.set_offsets(x), self.arrows.set_UVC(dx[:, 0], dx[:, 1])
        self.zlines.set_segments(frame.zlines)
        t = np.arange(len(frame.loss_D))
        self.l_D.set_data(t, frame.loss_D)
        self.l_G.set_data(t, frame.loss_G)
        steps, modes, hq = log.series()
        self.q_modes.set_data(steps, modes)
        self.q_hq.set_data(steps, hq)
        self.q_title.set_text(title)
        xmax = STEPS_XMAX0
        while xmax < frame.steps:
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
            artist.axes.draw_artist(artist)

    def png(self) -> bytes:
        """The current frame as PNG bytes, from the already rendered buffer (no second render)."""
        from PIL import Image as PILImage
        buf = io.BytesIO()
        PILImage.fromarray(np.asarray(self.canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()


class Dashboard:
    """A ToyGAN, its figure and its metric log; the notebook trains it, the controls drive it."""

    def __init__(self, gan: ToyGAN | None = None, large: bool | None = None, dpi: int = 72):
        self.gan = gan if gan is not None else ToyGAN(PRESETS["vanilla"])
        self.large = plotting.is_large() if large is None else large
        self.figure = DashboardFigure(self.gan.config.data, LARGE if self.large else SMALL, dpi=dpi)
        self.log = MetricLog()
        self.frames = 0
        self.on_frame = []            # callbacks after each frame (the controls' live image)
        self.redraw()

    @property
    def lim(self) -> float:
        return self.figure.lim

    @torch.no_grad()
    def frame(self) -> Frame:
        """What the GAN looks like now, as arrays for the figure."""
        gan, lim = self.gan, self.figure.lim
        axis = torch.linspace(-lim, lim, RES)
        xy = torch.cartesian_prod(axis, axis).flip(1)      # rows = y, columns = x, as imshow wants
        fake = gan.samples()                               # G(eval_z): drawn and scored from one forward pass
        h = gan.history
        return Frame(heat=torch.sigmoid(gan.D_point(xy)).view(RES, RES).numpy(),
                     real=gan.real_points(N_SHOW).numpy(), fake=fake[:N_SHOW].numpy(),
                     arrows=self.g_arrows(fake[:N_ARROWS]), zlines=gan.z_grid_lines(),
                     loss_D=h["loss_D"] if h.steps else [], loss_G=h["loss_G"] if h.steps else [], steps=h.steps,
                     quality=toy_data.quality(fake, gan.config.data))

    def redraw(self, note: str = "") -> toy_data.Quality:
        """Measure the metric, log it, draw a frame; returns the metric."""
        if self.gan.config.data != self.figure.data:    # data set changed: rebuild the axes once
            self.figure.build(self.gan.config.data)
        frame = self.frame()
        q = frame.quality
        self.log.record(frame.steps, q)
        self.figure.draw(frame, self.log, f"step {frame.steps}{note}: {q}")
        self.frames += 1
        for callback in self.on_frame:
            callback(self)
        return q

    def g_arrows(self, fake):
        """Where L_G pushes each generated point: -dL_G/dx, scaled to a readable length."""
        with torch.enable_grad():
            x = fake.clone().requires_grad_(True)
            self.gan.g_loss_at(x).backward()
            g = -x.grad
        g = g / (g.norm(dim=1, keepdim=True).max() + 1e-12) * ARROW_LENGTH * self.figure.lim
        return x.detach().numpy(), g.numpy()

    def png(self) -> bytes:
        return self.figure.png()

    # ---------- training ----------
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

    def d_step(self) -> dict:
        """One D update (G fixed): the heatmap changes, the points stay."""
        row = self.gan.d_step()
        self.redraw(" + D-step")
        return row

    def g_step(self) -> dict:
        """One G update (D fixed): the points move along the arrows, the heatmap stays."""
        row = self.gan.g_step()
        self.redraw(" + G-step")
        return row

    def reset(self, config: ToyConfig):
        """New networks for `config`: the history, the metric log and the figure start again."""
        self.gan = ToyGAN(config)
        self.log = MetricLog()
        self.figure.build(config.data)
        self.redraw()

    def widget(self):
        """A live image of the figure (an ipywidgets.Image), updated at every frame.

        Call its `show()`: where widgets do not run, the notebook then shows the last frame as a still PNG.
        """
        from gan_lessons.live import LiveImage
        image = LiveImage(self.png())
        self.on_frame.append(lambda dash: setattr(image, "value", dash.png()))
        return image

    def controls(self):
        """The live figure with the instructor's widgets (gan_lessons.toy_controls)."""
        from gan_lessons.toy_controls import Controls
        return Controls(self).box
