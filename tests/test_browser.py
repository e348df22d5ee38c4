"""Sliders tested where students meet them: JupyterLab in a real browser (Chromium driven by Playwright).

One JupyterLab server per test session serves a temporary copy of notebooks/ (Lab autosaves outputs, so the
repo's notebooks are never opened). For each (notebook, slider) row below: open the notebook, run all cells in
quick mode, move the slider with the keyboard, and assert that its readout and the plot image both changed.
Each slider cell shows one gan_lessons.live.LiveFigure: the sliders over an Image widget redrawn by the kernel.
test_dashboard_half_steps clicks lesson 03's "D step" / "G step" and checks which panels of the figure changed.
Screenshots before and after are kept under artifacts/browser/ (git-ignored) for inspection.

Later lessons add rows to SLIDERS; a row whose notebook does not exist yet is skipped.
Environment knobs: GAN_LESSONS_CHROMIUM (browser binary), GAN_LESSONS_BROWSER_NOTEBOOKS (serve another
notebook folder, for developing this test), CI=true (a missing browser fails instead of skipping).
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# (notebook file in notebooks/, slider description): every slider a student should see move a plot.
SLIDERS = [
    ("01_generative_models_mle.ipynb", "μ"),
    ("01_generative_models_mle.ipynb", "σ"),
    ("02_optimal_discriminator_js.ipynb", "p_g mean"),
    ("02_optimal_discriminator_js.ipynb", "p_g width"),
    ("04_dcgan_mnist.ipynb", "α (digits)"),
    ("05_adversarial_loss_vs_mse.ipynb", "D snapshot"),
    ("06_vae_vs_gan.ipynb", "α (VAE codes)"),
    # last, so test_dashboard_half_steps (defined after the slider test) reuses this run of lesson 03
    ("03_vanilla_gan_training.ipynb", "α"),
]

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(os.environ.get("GAN_LESSONS_BROWSER_NOTEBOOKS", REPO / "notebooks")).resolve()
STUDENT = REPO / "editions" / "student"
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = os.environ.get("GAN_LESSONS_CHROMIUM", "/usr/lib/chromium/chromium")
# Needed as root on a closed network (DEVELOPERS.md, facts): no sandbox, no GPU, no phoning home.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 60_000  # a kernel start (torch import) takes far longer than Playwright's default 5 s
RUN_ALL_TIMEOUT_S = 300  # quick mode should need < 30 s per notebook; generous because the CPU may be shared

# Lab settings for a clean page: no news/update toast over the notebook, and every cell kept in the DOM
# (windowed notebooks drop off-screen cells, which would hide sliders further down).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

pytestmark = pytest.mark.browser


def _case(notebook, slider):
    missing = not (NOTEBOOKS / notebook).exists()
    return pytest.param(notebook, slider, id=f"{Path(notebook).stem}-{slider}",
                        marks=pytest.mark.skipif(missing, reason=f"{NOTEBOOKS / notebook} does not exist yet"))


@pytest.fixture(scope="module")
def chromium_path():
    """The browser binary, or a skip (a fail under CI) that says how to get it."""
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = (f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` "
                   f"(or point GAN_LESSONS_CHROMIUM at a Chromium binary) to run the browser slider test.")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright for Python is missing: run `make setup` (it is in requirements.txt)."
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem + " (CI=true, so a missing browser is a failure, not a skip)")
        pytest.skip(problem)
    return CHROMIUM


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def _strip_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.get("metadata", {}).pop("widgets", None)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(chromium_path, tmp_path_factory):
    """A headless JupyterLab on 127.0.0.1 serving a copy of the notebooks; yields (base_url, token)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if STUDENT.exists():
        shutil.copytree(STUDENT, root / "student", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for nb in [*(root / "notebooks").rglob("*.ipynb"), *(root / "student").rglob("*.ipynb")]:
        _strip_outputs(nb)  # committed outputs would look like a finished run
    settings = root / ".settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    for d in ("config", "data", "workspaces", "runtime"):
        (root / f".{d}").mkdir()
    # Temporary Jupyter dirs: no user settings, workspaces or user-level kernels (a stale "gan-lessons" kernel
    # from another clone would win over this venv's) leak in; the kernel inherits quick mode from the server.
    env = dict(os.environ, GAN_LESSONS_QUICK="1", JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"), JUPYTER_CONFIG_DIR=str(root / ".config"),
               JUPYTER_DATA_DIR=str(root / ".data"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
               PYTHONUNBUFFERED="1")
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "lab.log", "w")
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}"]
    # Own process group, so the kernels it starts die with it even if the server hangs.
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n{(root / 'lab.log').read_text()}")
            try:
                _get(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError as err:
                if time.monotonic() > deadline:
                    log_text = (root / "lab.log").read_text()
                    raise RuntimeError(f"JupyterLab did not answer within 60 s:\n{log_text}") from err
                time.sleep(0.3)
        yield base, token
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # any kernel left behind in the group
        except ProcessLookupError:
            pass
        log.close()


# Module scope, not session: Playwright's sync API keeps an asyncio loop running until it stops, and tests in
# later files (the dashboard's asyncio.run) fail while one is running.
@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class OpenNotebook:
    """The notebook under test, opened and run once: consecutive rows on the same notebook share one run."""

    def __init__(self, browser, base, token):
        self.browser, self.base, self.token = browser, base, token
        self.notebook = self.context = self.page = self.error = None

    def open(self, notebook, folder="notebooks"):
        if notebook == self.notebook:
            if self.error:
                pytest.fail(f"{notebook} did not run in the browser, see the first failure: {self.error}")
            return self.page
        self.close()
        self.notebook, self.error = notebook, None
        self.context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        try:
            self.page.goto(f"{self.base}/lab/tree/{folder}/{notebook}?reset&token={self.token}")
            source = (NOTEBOOKS if folder == "notebooks" else STUDENT) / notebook
            meta = json.loads(source.read_text(encoding="utf-8"))["metadata"]
            _run_all_and_wait(self.page, notebook, meta.get("kernelspec", {}).get("display_name", "GAN lessons"))
        except BaseException as e:
            self.error = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise
        return self.page

    def close(self):
        """Close the page and shut its kernel down, so kernels do not pile up over many notebooks."""
        if self.context:
            self.context.close()
            self.context = self.page = None
        try:
            for kernel in _get(f"{self.base}/api/kernels?token={self.token}"):
                req = urllib.request.Request(f"{self.base}/api/kernels/{kernel['id']}?token={self.token}",
                                             method="DELETE")
                urllib.request.urlopen(req, timeout=10).close()
        except OSError as e:  # the server is stopped at the end of the session anyway, kernels with it
            print(f"could not shut the kernels down: {e}")


@pytest.fixture(scope="module")
def notebooks(browser, lab):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    opened = OpenNotebook(browser, *lab)
    try:
        yield opened
    finally:
        opened.close()


def _run_all_and_wait(page, notebook, kernel_name):
    """Run all cells through the menu and wait until every code cell has an execution count."""
    from playwright.sync_api import expect

    # The toolbar says "Idle" before a kernel exists; the status bar names the kernel once it is really up.
    status = page.locator("#jp-main-statusbar").get_by_text(re.compile(rf"^{re.escape(kernel_name)} \| Idle$"))
    t0 = time.monotonic()
    expect(status, f"kernel {kernel_name!r} started for {notebook}").to_be_visible()
    t1 = time.monotonic()
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click()  # make the notebook the current widget
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    deadline, stalled_since = time.monotonic() + RUN_ALL_TIMEOUT_S, None
    while True:
        texts = [t.strip() for t in prompts.all_inner_texts()]
        if texts and all(re.fullmatch(r"\[\d+\]:", t) for t in texts):
            print(f"{notebook}: kernel ready in {t1 - t0:.1f} s, Run All took {time.monotonic() - t1:.1f} s")
            return
        busy = any("*" in t for t in texts)
        # No cell queued and some never ran: an error stopped Run All. Wait a moment to be sure, then say which.
        stalled_since = None if busy else (stalled_since or time.monotonic())
        if stalled_since and time.monotonic() - stalled_since > 5:
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            detail = "\n".join(errors.all_inner_texts())[-3000:]
            pytest.fail(f"Run All stopped in {notebook} before every cell ran (prompts {texts}):\n{detail}")
        if time.monotonic() > deadline:
            pytest.fail(f"{notebook} did not finish running within {RUN_ALL_TIMEOUT_S} s (prompts {texts})")
        time.sleep(0.5)


def _sources(images):
    """What the plot images hold (their PNG data URIs), once every one has loaded."""
    return images.evaluate_all("imgs => Promise.all(imgs.map(i => i.decode().then(() => i.src, () => i.src)))")


def _stable_screenshots(images, prefix, timeout_s=10):
    """Element screenshots of the plot images, taken until two rounds agree: the notebook may still be scrolling
    or laying out after Run All, and a screenshot taken mid-move would differ without the plot changing."""
    last, deadline = None, time.monotonic() + timeout_s
    while True:
        shots = [images.nth(i).screenshot(path=f"{prefix}_{i}.png") for i in range(images.count())]
        if shots == last or time.monotonic() > deadline:
            return shots
        last = shots
        time.sleep(0.3)


@pytest.mark.parametrize("notebook, description", [_case(*row) for row in SLIDERS])
def test_slider_redraws_plot(notebooks, notebook, description):
    from playwright.sync_api import expect

    out = ARTIFACTS / Path(notebook).stem
    out.mkdir(parents=True, exist_ok=True)
    tag = re.sub(r"\W+", "_", description) or "slider"
    for old in out.glob(f"{tag}_*.png"):  # no stale screenshots from an earlier run
        old.unlink()
    print(f"browser test screenshots: {out}")
    try:
        page = notebooks.open(notebook)  # the first row of each notebook runs it (Run All, quick mode)
        label = page.locator(".widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$"))
        slider = page.locator(".widget-slider").filter(has=label)
        expect(slider, f"exactly one slider described {description!r} in {notebook}").to_have_count(1)
        # The plot is the LiveFigure's Image widget in the slider's cell (its still PNG is only for other renderers).
        cell = page.locator(".jp-Cell").filter(has=slider)
        images = cell.locator("img.widget-image")
        expect(images, f"one live figure (an Image widget) in the cell of slider {description!r}").to_have_count(1)
        expect(images.first, f"the live figure in the cell of slider {description!r}").to_be_visible()
        readout = slider.locator(".widget-readout")
        before_value, before_src = readout.inner_text(), _sources(images)
        before = _stable_screenshots(images, out / f"{tag}_before")

        slider.locator(".noUi-handle").first.focus()
        page.keyboard.press("End")
        try:
            expect(readout).not_to_have_text(before_value, timeout=3_000)
        except AssertionError:  # the slider already sat at its maximum
            page.keyboard.press("Home")
        expect(readout, f"the readout of slider {description!r} moves with the keyboard").not_to_have_text(before_value)
        after_value = readout.inner_text()

        # The kernel redraws: wait for new image data (an image replaced by a traceback does not count), then
        # compare what the browser shows, once the page has stopped moving.
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        traceback = cell.locator(".jp-OutputArea-output", has_text="Traceback")
        while True:
            after_src = _sources(images)
            if traceback.count():
                pytest.fail(f"moving slider {description!r} in {notebook} raised in its callback:\n"
                            + "\n".join(traceback.all_inner_texts())[-3000:])
            if (len(after_src) == len(before_src) and after_src != before_src) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        after = _stable_screenshots(images, out / f"{tag}_after")
        changed = len(after_src) == len(before_src) and after_src != before_src and after != before
        print(f"{notebook} slider {description!r}: readout {before_value} -> {after_value}, "
              f"plot changed: {changed}; screenshots in {out}")
        assert changed, (f"moving slider {description!r} in {notebook} changed its readout ({before_value} -> "
                         f"{after_value}) but not its plot within {TIMEOUT_MS // 1000} s: is the slider's callback "
                         f"wired to redraw? Screenshots in {out}")
    except BaseException:
        try:
            notebooks.page.screenshot(path=str(out / f"{tag}_failure_page.png"), full_page=True)
            print(f"page at failure: {out / f'{tag}_failure_page.png'}")
        except Exception:  # the page itself may be gone; the original error matters more
            pass
        raise


DASHBOARD_NOTEBOOK = "03_vanilla_gan_training.ipynb"


def _png(image):
    """The PNG an <img> shows (a blob: or data: URL), decoded by PIL as RGB."""
    import base64
    import io

    from PIL import Image as PILImage

    url = image.evaluate("i => fetch(i.src).then(r => r.blob()).then(b => new Promise(done => {"
                         "const f = new FileReader(); f.onload = () => done(f.result); f.readAsDataURL(b); }))")
    return PILImage.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")


def _panels_changed(before, after, boxes):
    return {name: before.crop(box).tobytes() != after.crop(box).tobytes() for name, box in boxes.items()}


def test_dashboard_half_steps(notebooks):
    """Lesson 03's controls panel: "D step" changes the data panel (D's heatmap) and leaves G's z panel alone;
    "G step" then moves the z panel. Panels are compared as pixel boxes that this process computes from the
    same (deterministic) figure layout."""
    from panels import panel_boxes
    from playwright.sync_api import expect

    from gan_lessons.toy_dashboard import Dashboard
    from gan_lessons.toy_gan import PRESETS, ToyGAN

    out = ARTIFACTS / "dashboard"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    reference = Dashboard(ToyGAN(PRESETS["collapsed"]), large=False)
    boxes, size = panel_boxes(reference.figure), reference.figure.fig.canvas.get_width_height()
    page = notebooks.open(DASHBOARD_NOTEBOOK)
    buttons = {name: page.locator("button.widget-button", has_text=re.compile(rf"^\s*{name}\s*$"))
               for name in ("D step", "G step")}
    expect(buttons["D step"], "one 'D step' button in lesson 03").to_have_count(1)
    cell = page.locator(".jp-CodeCell").filter(has=buttons["D step"])
    image = cell.locator("img.widget-image")
    expect(image, "one live image in the controls panel's cell").to_have_count(1)
    image.scroll_into_view_if_needed()
    shots = [_png(image)]
    assert shots[0].size == size, (f"the panel's image is {shots[0].size} px, the test's figure {size}: the layout "
                                   f"differs (GAN_LESSONS_LARGE set?), so the panel boxes would not match")
    image.screenshot(path=str(out / "0_start.png"))
    for i, name in enumerate(("D step", "G step"), start=1):
        buttons[name].click()
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while _png(image).tobytes() == shots[-1].tobytes() and time.monotonic() < deadline:
            time.sleep(0.3)
        shots.append(_png(image))
        image.screenshot(path=str(out / f"{i}_after_{name.replace(' ', '_')}.png"))
    after_d, after_g = _panels_changed(shots[0], shots[1], boxes), _panels_changed(shots[1], shots[2], boxes)
    print(f"panels changed by D step: {after_d}; by G step: {after_g}; screenshots in {out}")
    assert after_d["data"], f"'D step' did not change the data panel (D's heatmap); screenshots in {out}"
    assert not after_d["z"], f"'D step' changed the 'G maps a grid of z' panel, but G is fixed; see {out}"
    assert after_g["z"], f"'G step' did not change the 'G maps a grid of z' panel; screenshots in {out}"


# A student's exercise, typed where students type it: lesson 03's D half in the student edition.
EXERCISE_NOTEBOOK, EXERCISE_DEF = "03_vanilla_gan_training.ipynb", "def d_half("
ATTEMPTS = [
    ("correct", "    with torch.no_grad():\n        fake = G(z)\n    loss = discriminator_loss(D(x), D(fake))\n"
                "    opt_D.zero_grad()\n    loss.backward()\n    opt_D.step()\n    return loss.item()",
     "✓ lesson03.d_half: correct"),
    ("labels swapped", "    loss = discriminator_loss(D(G(z).detach()), D(x))\n"
                       "    opt_D.zero_grad()\n    loss.backward()\n    opt_D.step()\n    return loss.item()",
     "✗ lesson03.d_half: the labels are swapped"),
]


@pytest.mark.skipif(not (STUDENT / EXERCISE_NOTEBOOK).exists(), reason="no student edition of lesson 03 yet")
def test_typed_exercise_gets_its_verdict(notebooks):
    """Type a correct D half, run it and its check cell, read the success line; then a typical mistake."""
    from playwright.sync_api import expect

    out = ARTIFACTS / "exercise"
    out.mkdir(parents=True, exist_ok=True)
    page = notebooks.open(EXERCISE_NOTEBOOK, folder="student")
    cells = page.locator(".jp-Notebook .jp-Cell")
    exercise = page.locator(".jp-CodeCell").filter(has=page.locator(".cm-content", has_text=EXERCISE_DEF))
    expect(exercise, "one exercise cell defining d_half").to_have_count(1)
    index = [i for i in range(cells.count()) if EXERCISE_DEF in cells.nth(i).inner_text()][0]
    check_cell = cells.nth(index + 1)
    header = exercise.locator(".cm-line").first.inner_text()   # the def line; the docstring follows
    doc = [line for line in exercise.locator(".cm-content").inner_text().splitlines()[1:] if '"""' in line][:1]
    for name, body, expected in ATTEMPTS:
        editor = exercise.locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text("\n".join([header, *doc, body]))   # insert_text: no auto-indent
        page.keyboard.press("Shift+Enter")                           # run the exercise, move to its check
        page.keyboard.press("Shift+Enter")                           # run the check cell
        output = check_cell.locator(".jp-OutputArea-output")
        expect(output.first, f"the check cell answers the {name} attempt").to_contain_text(expected)
        page.screenshot(path=str(out / f"{name.replace(' ', '_')}.png"))
        print(f"typed the {name} attempt: {output.first.inner_text().strip()}")
