"""The package outside this checkout: one source URL everywhere, a wheel that carries its weights, lessons run from a
folder outside the repository against that wheel (with the pinned ipywidgets and with Colab's 7.7.1), nothing written
into the checkout.

The throwaway virtual environments reuse the verified torch and friends through a .pth file pointing at a folder of
links to .venv's site-packages, minus gan_lessons (so it imports from the wheel) and minus whatever a test replaces.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import tomllib

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SITE = Path(sysconfig.get_paths()["purelib"])  # .venv's site-packages: the verified torch, numpy, jupyter ...
URL = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
WIDGETS = ("ipywidgets", "widgetsnbextension", "jupyterlab_widgets")


def _first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "".join(next(c for c in cells if c["cell_type"] == "code")["source"])


def _install_block(path: Path) -> str:
    """The setup cell's install-if-missing block: from its first line to the blank line after it."""
    return _first_code_cell(path).split("\n\n", 1)[0] + "\n"


def test_make_says_when_the_disk_is_too_full_before_installing(tmp_path):
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path)
    run = subprocess.run(["make", "setup", "NEED_GB=1000000"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode != 0 and "needs about 1000000 GB free" in run.stderr, run.stdout + run.stderr
    assert not (tmp_path / ".venv").exists(), "the check must come before the virtual environment is created"


def test_setup_cells_and_readme_use_the_one_configured_url():
    assert URL.startswith("https://github.com/"), f"[project.urls] Repository must be a GitHub URL, not {URL!r}"
    lessons = sorted(NOTEBOOKS.glob("0*.ipynb"))
    assert len(lessons) == 6
    for nb in lessons:
        block = _install_block(nb)
        assert block.startswith("try:\n    import gan_lessons"), f"{nb.name}: the setup cell must start with the block"
        assert re.findall(r'GAN_LESSONS_SOURCE = "([^"]+)"', block) == [f"git+{URL}"], nb.name
        assert '("torch", "torchvision", "ipywidgets")' in block, f"{nb.name}: the install must keep Colab's torch"
    readme = (REPO / "README.md").read_text()
    repo_path = URL.removeprefix("https://github.com/")
    colab = re.findall(r"https://colab\.research\.google\.com/github/([^)\s]+?)/blob/[^/]+/([^)\s]+\.ipynb)", readme)
    assert sorted(Path(nb).name for _, nb in colab) == [p.name for p in lessons]
    assert {repo for repo, _ in colab} == {repo_path}, "README's Colab links must open pyproject's repository"
    assert all(u.rstrip("/.") == URL for u in re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", readme)
               if "gan-lessons" in u or "YOUR-" in u), "README names another source than pyproject.toml"


# ---- throwaway environments -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the source (building in place would leave build/ in the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO / "gan_lessons", src / "gan_lessons", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", src)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", tmp / "dist", src])
    (whl,) = (tmp / "dist").glob("gan_lessons-*.whl")
    return whl


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    """Run cmd; on failure raise with its output (the last 6,000 characters), which is where the reason is."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {done.returncode}:\n"
                             f"{(done.stdout + done.stderr)[-6000:]}")
    return done


def make_venv(root: Path, leave_out=()) -> Path:
    """A venv whose site-packages reaches .venv's through a .pth, minus gan_lessons and `leave_out`; its python."""
    skip = re.compile(r"^(__editable__|_?gan_lessons|" + "|".join(leave_out or ["^$"]) + r")[-_.]", re.I)
    farm = root / "verified"
    farm.mkdir(parents=True)
    for entry in SITE.iterdir():
        if not skip.match(entry.name) and entry.name not in leave_out and not entry.name.endswith(".pth"):
            (farm / entry.name).symlink_to(entry)
    run([sys.executable, "-m", "venv", "--without-pip", root / "venv"])
    python = root / "venv" / "bin" / "python"
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "verified.pth").write_text(f"{farm}\n")  # appended to sys.path: the venv's own packages come first
    return python


def lesson_env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAN_LESSONS_") and k != "PYTHONPATH"}
    return env | {"GAN_LESSONS_QUICK": "1", "XDG_CACHE_HOME": str(root / "cache"), "PYTHONDONTWRITEBYTECODE": "1",
                  "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}


def checkout_state() -> tuple:
    """What a run could write into the checkout: untracked/ignored entries, every file in data/ and the weights."""
    status = run(["git", "status", "--porcelain", "--ignored"], cwd=REPO).stdout.splitlines()
    files = {str(p.relative_to(REPO)): p.stat().st_mtime_ns for folder in ("data", "gan_lessons/weights")
             for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return sorted(line for line in status if line[:2] in ("??", "!!")), files


def run_lessons(python: Path, root: Path, names) -> str:
    """nbval (quick mode) over copies of `names` in a folder outside the repository; returns pytest's output."""
    folder = root / "lessons"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    cmd = [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-lax", "--nbval-current-env",
           "--nbval-cell-timeout=900", *names]
    done = subprocess.run([str(c) for c in cmd], cwd=folder, env=lesson_env(root), capture_output=True, text=True)
    output = done.stdout + done.stderr
    print(f"$ cd {folder} && GAN_LESSONS_QUICK=1 {' '.join(map(str, cmd))}\n{output[-4000:]}")
    assert done.returncode == 0, f"lessons failed outside the checkout:\n{output[-6000:]}"
    return output


WHERE = ("import gan_lessons, torch, ipywidgets; from gan_lessons import checkpoints, settings; "
         "print(gan_lessons.__file__, checkpoints.WEIGHTS_DIR, settings.data_dir(), torch.__file__, "
         "ipywidgets.__version__, sep='\\n')")


def where(python: Path, root: Path) -> list:
    return run([python, "-c", WHERE], env=lesson_env(root), cwd=root).stdout.split("\n")[:5]


@pytest.mark.slow
def test_the_wheel_runs_lessons_04_and_06_outside_the_checkout(wheel, tmp_path):
    python = make_venv(tmp_path)
    run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel])
    package, weights, data, torch_file, _ = where(python, tmp_path)
    assert Path(package).is_relative_to(tmp_path / "venv"), f"gan_lessons came from {package}, not the wheel"
    assert Path(weights).is_relative_to(tmp_path / "venv")
    assert sorted(p.name for p in Path(weights).glob("*.sha256")) == sorted(
        f"{p.name}.sha256" for p in (REPO / "gan_lessons" / "weights").glob("*.pt")), "weights or checksums missing"
    assert Path(data) == (tmp_path / "cache" / "gan_lessons").resolve(), "an installed package writes to the cache"
    assert Path(torch_file).is_relative_to(tmp_path / "verified"), "torch must be the verified one"
    before = checkout_state()
    run_lessons(python, tmp_path, ["04_dcgan_mnist.ipynb", "06_vae_vs_gan.ipynb"])
    assert checkout_state() == before, "running the installed lessons wrote into the checkout"


@pytest.mark.slow
def test_the_setup_cell_installs_the_package_and_keeps_torch(wheel, tmp_path):
    """The block of lesson 01's setup cell in an environment without gan_lessons, its source pointed at the wheel."""
    python = make_venv(tmp_path)
    block = _install_block(NOTEBOOKS / "01_generative_models_mle.ipynb").replace(f"git+{URL}", str(wheel))
    assert str(wheel) in block
    out = run([python, "-c", block + "import gan_lessons, torch; print(gan_lessons.__file__, torch.__file__)"],
              env=lesson_env(tmp_path), cwd=tmp_path).stdout
    print(out)
    assert f"installing gan_lessons from {wheel}, keeping torch==" in out
    package, torch_file = out.strip().splitlines()[-1].split()
    assert Path(package).is_relative_to(tmp_path / "venv") and Path(torch_file).is_relative_to(tmp_path / "verified")
    assert not list((tmp_path / "venv").rglob("torch-*.dist-info")), "the setup cell reinstalled torch"


@pytest.mark.slow
def test_lessons_run_headless_with_colabs_ipywidgets_7(wheel, tmp_path):
    """Colab ships ipywidgets 7.7.1: the lessons (quick mode) must run on it too. Needs PyPI (or a mirror)."""
    python = make_venv(tmp_path, leave_out=WIDGETS)
    run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel])
    run([python, "-m", "pip", "install", "-q", "ipywidgets==7.7.1"])  # and the extensions pip picks for it
    assert where(python, tmp_path)[4] == "7.7.1"
    freeze = run([python, "-m", "pip", "list", "--format=freeze"]).stdout.splitlines()
    print("widget packages:", [line for line in freeze if line.split("==")[0].lower().replace("-", "_") in WIDGETS])
    run_lessons(python, tmp_path, sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb")))
