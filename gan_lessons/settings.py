"""Every GAN_LESSONS_* switch, read here and nowhere else in the package or the lessons.

Each function reads the environment when called (not at import), so a test or a notebook can change a
switch and see the effect. Bad values fail with one sentence that says which values are allowed.
"""
import os
import sys
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
PACKAGE_DIR = Path(__file__).resolve().parent
# A checkout (pyproject.toml and notebooks/ beside the package) keeps its downloads in its own data/ folder;
# an installed package (pip, Colab) has no such folder it may write to.
_ROOT = PACKAGE_DIR.parent
CHECKOUT_DATA = _ROOT / "data" if (_ROOT / "pyproject.toml").is_file() and (_ROOT / "notebooks").is_dir() else None


def _flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a switch value: set it to 1 (on) or 0 (off), or unset it.")


def _positive_int(name: str, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or (value == 0 and name != "GAN_LESSONS_SEED"):
        raise ValueError(f"{name}={raw!r} is not a valid number: use a whole number "
                         f"{'>= 0' if name == 'GAN_LESSONS_SEED' else '>= 1'}, or unset it.")
    return value


def quick() -> bool:
    """GAN_LESSONS_QUICK=1: fewer steps and samples, for the developers' fast loop (students run without it)."""
    return _flag("GAN_LESSONS_QUICK")


def seed(default: int = 0) -> int:
    """GAN_LESSONS_SEED overrides the seed a lesson's setup cell asks for (the seed sweep uses it)."""
    return _positive_int("GAN_LESSONS_SEED", default)


def threads(default=None):
    """GAN_LESSONS_THREADS overrides the torch thread count a lesson asks for (None: torch's own choice)."""
    return _positive_int("GAN_LESSONS_THREADS", default)


def device_name() -> str:
    """GAN_LESSONS_DEVICE: 'cuda', 'mps' or 'cpu' to force a device; '' to pick automatically."""
    return os.environ.get("GAN_LESSONS_DEVICE", "").strip().lower()


def retrain() -> bool:
    """GAN_LESSONS_RETRAIN=1: lessons 05/06 train their image models instead of loading the shipped weights."""
    return _flag("GAN_LESSONS_RETRAIN")


def large() -> bool:
    """GAN_LESSONS_LARGE=1: projector style (bigger text and lines) for every figure."""
    return _flag("GAN_LESSONS_LARGE")


def user_cache_dir() -> Path:
    """The per-user cache folder of an installed package: %LOCALAPPDATA% on Windows, else $XDG_CACHE_HOME or
    ~/.cache (each + /gan_lessons)."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA", "").strip():
        return Path(os.environ["LOCALAPPDATA"].strip()) / "gan_lessons"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base.resolve() / "gan_lessons"


def data_dir() -> Path:
    """Where downloads, caches and retrained weights go: GAN_LESSONS_DATA, else data/ in a checkout, else
    the per-user cache folder (an installed package never writes inside site-packages)."""
    raw = os.environ.get("GAN_LESSONS_DATA", "").strip()
    if raw:
        return Path(raw).expanduser().resolve()
    return CHECKOUT_DATA if CHECKOUT_DATA is not None else user_cache_dir()
