"""Projector mode: every figure fit for the back of a lecture hall, at draw time.

Projector mode (`GAN_LESSONS_LARGE=1`, or `setup(large=True)` in a setup cell): every pyplot figure of every lesson
is drawn with text at least `PROJECTOR_PT` points tall when the figure is shown `PROJECTOR_PX` pixels wide, and
thicker lines and markers. Font sizes set in a lesson's code are raised at draw time where they fall short (a
figure hook), so no figure silently keeps small text.
A wide row of panels (`plotting.panels(n, figsize)`) wraps onto several rows there. At draw time the hook also lays the
figure out for the raised text (a lesson's `tight_layout()` is re-run at every draw), moves a legend that covers a
curve (to `loc="best"`, else beside its axes) and wraps a title wider than its panel. Each draw logs (logger
`gan_lessons.projector`, level DEBUG, silent unless asked for) the figure's width, its smallest text and what still
collides: overlapping texts, a text over another panel, a legend over a curve, a squeezed plot. A lesson's author
or a test listens; the package keeps nothing.
"""
import functools
import logging
from contextlib import contextmanager

PROJECTOR_PX = 1280      # the width a projected figure is shown at
PROJECTOR_PT = 14        # the smallest text wanted there, in points (1 pt = 4/3 CSS px)
MIN_PANEL_PX = 150       # a plot area narrower or lower than this, in a figure shown PROJECTOR_PX wide, is unreadable
LOG = logging.getLogger(__name__)


def shown_points(fontsize: float, fig_width_in: float) -> float:
    """How tall `fontsize`-point text looks when a fig_width_in-inch figure is shown PROJECTOR_PX pixels wide."""
    shown_px = fontsize / 72 * PROJECTOR_PX / fig_width_in       # text height on screen, in pixels
    return shown_px * 3 / 4                                       # CSS: 96 px per inch, 72 pt per inch


def min_fontsize(fig_width_in: float) -> float:
    """The smallest font size (points, in the figure) that still shows PROJECTOR_PT when projected."""
    return PROJECTOR_PT * 4 / 3 * 72 * fig_width_in / PROJECTOR_PX


def _enlarge_texts(fig) -> float:
    """Raise every text of `fig` to the projector minimum; returns the smallest size shown, in points."""
    from matplotlib.text import Text
    width, floor = fig.get_figwidth(), min_fontsize(fig.get_figwidth())
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    for t in texts:
        if t.get_fontsize() < floor:
            t.set_fontsize(floor)
    return min((shown_points(t.get_fontsize(), width) for t in texts), default=float("inf"))


def _meet(a, b, px: float = 1, py: float = 1) -> bool:
    """Whether two display boxes overlap by more than `px` pixels across and `py` pixels up and down."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > px and min(a.y1, b.y1) - max(a.y0, b.y0) > py


def _covers_data(legend, renderer) -> bool:
    """Whether `legend` hides part of a line, or a scatter point, of an axes it lies on.

    Fills, bars and images do not count: a legend over a shaded band or a histogram leaves the curves readable.
    """
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Bbox
    box = legend.get_window_extent(renderer).padded(-2)       # its frame's edge may touch a curve
    for ax in legend.figure.axes:
        seen = Bbox.intersection(box, ax.bbox) if ax.get_visible() else None
        if seen is None or seen.width <= 0 or seen.height <= 0:
            continue                                          # the legend lies beside this axes, not on it
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            path = line.get_transform().transform_path(line.get_path())
            drawn = line.get_linestyle() not in ("None", "", " ")
            if path.intersects_bbox(seen, filled=False) if drawn else seen.count_contains(path.vertices):
                return True
        for points in ax.collections:
            if isinstance(points, PathCollection) and points.get_visible() and len(points.get_offsets()):
                if seen.count_contains(points.get_offset_transform().transform(points.get_offsets())):
                    return True
    return False


def _lay_out(fig) -> None:
    """Run the figure's layout engine now, so positions are what the draw will use (the draw runs it again)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    for ax in fig.axes:
        ax.apply_aspect()                          # the box an equal-aspect panel (an image) really takes


def _wrap_wide_titles(fig, renderer) -> bool:
    """Break each axes title that is wider than its axes onto more lines, at spaces outside $math$; True if any.

    Layouts make room for a title's height, not its width: a wide title runs into the next panel's.
    """
    wrapped = False
    for ax in fig.axes:
        title = ax.title
        if title.get_text() and title.get_window_extent(renderer).width > ax.bbox.width:
            text = title.get_text()
            title.set_text("\n".join(piece for line in text.split("\n")
                                      for piece in _wrapped_line(title, line, ax.bbox.width, renderer)))
            wrapped = wrapped or title.get_text() != text
    return wrapped


def _wrapped_line(title, line: str, width: float, renderer) -> list:
    """`line` as the fewest lines (a list) no wider than `width` pixels in `title`'s font, greedily."""
    words = []
    for word in line.split(" "):                    # a space inside $...$ does not end a word
        if words and words[-1].count("$") % 2:
            words[-1] += " " + word
        else:
            words.append(word)
    lines = [words[0]]
    for word in words[1:]:
        title.set_text(lines[-1] + " " + word)
        if title.get_window_extent(renderer).width > width:
            lines.append(word)
        else:
            lines[-1] += " " + word
    return lines


def _move_legends_off_data(fig, renderer) -> None:
    """Move each axes legend that covers a curve: to loc="best", else beside its axes (`_put_beside`) where a
    layout engine makes room for it (constrained or tight layout). Expects the figure laid out (`_lay_out`).

    A lesson picks a legend's place for normal-size text; the larger text of projector mode can put it on a curve.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None and ax.get_legend().get_visible()]
    outside_ok = isinstance(fig.get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine))
    outside = set()
    for _ in range(len(legends)):       # a legend moved out narrows its axes, which may put another on a curve
        moved = False
        for legend in (lg for lg in legends if lg not in outside and _covers_data(lg, renderer)):
            legend.set_loc("best")
            if outside_ok and _covers_data(legend, renderer):
                _put_beside(legend, renderer)
                outside.add(legend)
                moved = True
        if not moved:
            break
        _lay_out(fig)                   # make room for the legends moved out, then look again


def _put_beside(legend, renderer) -> None:
    """Put `legend` outside its axes, where it takes the plot less room: to the right, top-aligned, or centred
    under the tick labels and axis label (the layout engine then shrinks the plot to make room)."""
    from matplotlib.transforms import offset_copy
    ax, box = legend.axes, legend.get_window_extent(renderer)
    if box.width / ax.bbox.width <= box.height / ax.bbox.height:
        legend.set_loc("upper left")
        legend.set_bbox_to_anchor((1.02, 1.0), transform=ax.transAxes)
        return
    legend.set_visible(False)                       # the axes' own decorations, without the legend
    under = ax.bbox.y0 - ax.get_tightbbox(renderer).y0
    legend.set_visible(True)
    points = (under + 4) * 72 / ax.figure.dpi      # in points, so it holds when the layout resizes the axes
    legend.set_loc("upper center")
    legend.set_bbox_to_anchor((0.5, 0.0), transform=offset_copy(ax.transAxes, fig=ax.figure, y=-points,
                                                                 units="points"))


@contextmanager
def _texts_drawn(fig):
    """Collect the texts of `fig` that a draw renders (tick labels out of view and empty texts are not drawn)."""
    from matplotlib.text import Text
    drawn, plain_draw = [], Text.draw

    @functools.wraps(plain_draw)                    # keeps matplotlib's rasterization marks on the method
    def recording_draw(text, renderer):
        if text.figure is fig and text.get_visible() and text.get_text().strip():
            drawn.append(text)
        return plain_draw(text, renderer)
    Text.draw = recording_draw
    try:
        yield drawn
    finally:
        Text.draw = plain_draw


def _clashes(fig, texts, renderer) -> list:
    """What collides in a drawn figure, one description each: texts that overlap (titles of neighbouring panels,
    tick labels, axis labels, legend entries, annotations), a text over the plot area of another panel, a
    legend over a line or scatter points (`_covers_data`), and a plot squeezed too small to read (`_squeezed`).

    Not clashes: a text over its own axes (a legend, an annotation inside the plot), and any text over an axes
    that overlays another one (a twin axes, an inset), which lies there by design.
    """
    from matplotlib.text import Text
    boxes = [t.get_window_extent(renderer) for t in texts]
    # a text's box reaches down to the font's descent: boxes overlapping by less than a quarter of the text's
    # height up and down (a tick label under a title, two tick labels at a corner) have no ink that meets
    slack = [0.25 * renderer.points_to_pixels(t.get_fontsize()) for t in texts]
    found = [f"text {a.get_text()[:40]!r} overlaps text {b.get_text()[:40]!r}"
             for i, (a, box_a) in enumerate(zip(texts, boxes)) for j, (b, box_b) in enumerate(zip(texts, boxes))
             if i < j and _meet(box_a, box_b, py=min(slack[i], slack[j]))]
    axes = [ax for ax in fig.axes if ax.get_visible()]
    owner = {id(t): ax for ax in axes for t in ax.findobj(Text)}
    for text, box, py in zip(texts, boxes, slack):
        mine = owner.get(id(text))
        for ax in axes:
            if ax is mine or (mine is not None and _overlaid(ax.bbox, mine.bbox)):
                continue
            if _meet(box, ax.bbox, py=py):
                found.append(f"text {text.get_text()[:40]!r} lies over the panel {ax.get_title()[:40]!r}")
    found += [f"the legend of {ax.get_title()[:40]!r} covers a curve" for ax in axes
              if ax.get_legend() is not None and ax.get_legend().get_visible()
              and _covers_data(ax.get_legend(), renderer)]
    found += _squeezed(fig, axes)
    name = " | ".join(ax.get_title()[:30] for ax in axes if ax.get_title())[:60] or "a figure without titles"
    return [f"in {name!r}: {clash}" for clash in found]


def _squeezed(fig, axes) -> list:
    """Plots (axes with a visible axis, not colorbars) under MIN_PANEL_PX wide or high when the figure is shown
    PROJECTOR_PX wide: what a layout leaves when legends and labels take the room."""
    scale = PROJECTOR_PX / fig.bbox.width
    return [f"the panel {ax.get_title()[:40]!r} is squeezed to {ax.bbox.width * scale:.0f} x "
            f"{ax.bbox.height * scale:.0f} px" for ax in axes
            if ax.axison and ax.get_label() != "<colorbar>"
            and min(ax.bbox.width, ax.bbox.height) * scale < MIN_PANEL_PX]


def _overlaid(a, b) -> bool:
    """Whether one box lies inside the other (a twin axes, an inset), up to a pixel."""
    def inside(p, q):
        return p.x0 >= q.x0 - 1 and p.y0 >= q.y0 - 1 and p.x1 <= q.x1 + 1 and p.y1 <= q.y1 + 1
    return inside(a, b) or inside(b, a)


def _fit(fig, renderer) -> None:
    """Lay the figure out for its raised text: legends off the curves, then titles wrapped to their panels."""
    _lay_out(fig)
    _move_legends_off_data(fig, renderer)
    if _wrap_wide_titles(fig, renderer):
        _lay_out(fig)                              # the wrapped titles are taller


def _tight_layout_at_draw_time(fig):
    """A replacement for fig.tight_layout: the same layout, run at every draw, after the hook raised the text (a
    tight_layout call lays the figure out once, for the text as it was then)."""
    from matplotlib.layout_engine import TightLayoutEngine

    def tight_layout(**kwargs):
        fig.set_layout_engine(TightLayoutEngine(**{k: v for k, v in kwargs.items() if v is not None}))
    return tight_layout


def projector_hook(fig) -> None:
    """matplotlib figure hook (rcParams["figure.hooks"]): fit the figure for a projector each time it is drawn."""
    draw = fig.draw
    fig.tight_layout = _tight_layout_at_draw_time(fig)       # plt.tight_layout() calls this too

    def draw_large(renderer):
        from matplotlib.layout_engine import PlaceHolderLayoutEngine
        if fig.get_layout_engine() is None:      # room for the larger text, unless the lesson chose a layout
            fig.set_layout_engine("constrained")
        smallest = _enlarge_texts(fig)
        if not isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):   # savefig's 2nd pass: layout done
            _fit(fig, renderer)
        with _texts_drawn(fig) as texts:
            result = draw(renderer)
        if LOG.isEnabledFor(logging.DEBUG):     # the clash search costs a few ms per draw: only for a listener
            clashes = _clashes(fig, texts, renderer)
            LOG.debug("drew a %g-inch figure, smallest text %.1f pt, %d clashes", fig.get_figwidth(), smallest,
                      len(clashes), extra={"drawn": (fig.get_figwidth(), smallest, clashes)})
        return result
    fig.draw = draw_large

