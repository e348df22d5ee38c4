"""Save and load weights safely: atomic writes, a sha256 beside each file, weights_only loading.

Shipped weights are package data, gan_lessons/weights/NAME.pt with NAME.pt.sha256 next to it, so they come
with every install (pip, Colab) as well as with a checkout; loading refuses a file whose checksum differs, so a
half-downloaded or edited file never silently gives wrong digits. Retrained weights go to the user's data folder.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

import torch

from gan_lessons import settings

WEIGHTS_DIR = settings.PACKAGE_DIR / "weights"  # shipped (package data), committed, checksummed; read-only


def _restore_hint(path: Path) -> str:
    """How to get a good copy back: git in a checkout, a reinstall for a pip-installed package."""
    if settings.CHECKOUT_DATA is not None or not path.is_relative_to(WEIGHTS_DIR):
        return f"`git checkout -- {path}`"
    return "`pip install --force-reinstall --no-deps gan_lessons` (from the source you installed it from)"


def sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save(model: torch.nn.Module, path) -> str:
    """Write model.state_dict() to a temp file, rename it into place, write PATH.sha256; return the hash."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; weights are meant to be shared
        os.replace(tmp, path)  # atomic: a Ctrl-C leaves the old file or the new one, never half of one
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    digest = sha256(path)
    Path(f"{path}.sha256").write_text(digest + "\n")
    return digest


def load(model: torch.nn.Module, path, device="cpu") -> torch.nn.Module:
    """Verify PATH against PATH.sha256, load with weights_only=True into `model`, return it in eval mode."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: train the model in the notebook (default mode) "
                                f"or restore the file with {_restore_hint(path)}.")
    expected_file = Path(f"{path}.sha256")
    if not expected_file.exists():
        raise FileNotFoundError(f"{expected_file} is missing, so {path.name} cannot be verified: "
                                f"restore both files with {_restore_hint(path.parent)}.")
    expected, actual = expected_file.read_text().split()[0], sha256(path)
    if actual != expected:
        raise ValueError(f"{path} is corrupted or was replaced (sha256 {actual[:12]}... != {expected[:12]}...): "
                         f"restore it with {_restore_hint(path)} or retrain and save it again.")
    state = torch.load(path, map_location=device, weights_only=True)
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        first = str(err).splitlines()[1].strip() if len(str(err).splitlines()) > 1 else str(err)
        raise ValueError(f"{path.name} does not fit {type(model).__name__} as built here ({first}): build the "
                         f"model with the sizes the file was saved with, or retrain and save it.") from None
    return model.to(device).eval()


def _rounded(history):
    """A history ({key: [floats]}, possibly nested by model) as JSON-ready lists rounded to 5 decimal places."""
    if isinstance(history, dict):
        return {k: _rounded(v) for k, v in history.items()}
    return [round(float(v), 5) for v in history]


def retrained_dir() -> Path:
    """Where retraining saves (data_dir()/retrained, git-ignored): the shipped weights are never overwritten."""
    return settings.data_dir() / "retrained"


def load_or_train(models: dict, train, name: str, device="cpu", retrain: bool = False, rehearse: bool = False):
    """Weights for `models` ({file stem: module}) and the history of the run that made them.

    retrain: `history = train()` trains the modules in place, then each is saved to `retrained_dir()`
    with its history as NAME_history.json. Otherwise each is loaded (sha256-checked) from `retrained_dir()`
    when an earlier retrain left all of them there, else from the shipped `WEIGHTS_DIR` (gan_lessons/weights).
    rehearse (quick mode): `train()` runs (its step counts shrunk) so the tests exercise it, then the
    weights are loaded as above and nothing is saved.
    """
    history = train() if retrain or rehearse else None
    if retrain and not rehearse:
        folder = retrained_dir()
        for stem, model in models.items():
            save(model, folder / f"{stem}.pt")
        (folder / f"{name}_history.json").write_text(json.dumps(_rounded(history)))
        print(f"retrained: saved {', '.join(models)} to {folder} (the shipped weights are untouched)")
        return history
    folder = retrained_dir()
    if not all((folder / f"{stem}.pt").exists() for stem in models):
        folder = WEIGHTS_DIR
    for stem, model in models.items():
        load(model, folder / f"{stem}.pt", device)
    print(f"loaded {', '.join(models)} from {folder}"
          f"{' (an earlier retrain; delete the folder to use the shipped weights)' if folder != WEIGHTS_DIR else ''}")
    return json.loads((folder / f"{name}_history.json").read_text())
