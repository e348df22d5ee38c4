"""Save and load weights safely: atomic writes, a sha256 beside each file, weights_only loading.

Shipped weights live in data/weights/NAME.pt with NAME.pt.sha256 next to it; loading refuses a file whose
checksum differs, so a half-downloaded or edited file never silently gives wrong digits.
"""
import hashlib
import os
import tempfile
from pathlib import Path

import torch

from gan_lessons.data import DATA_DIR

WEIGHTS_DIR = DATA_DIR / "weights"


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
                                f"or restore the file with `git checkout -- {path}`.")
    expected_file = Path(f"{path}.sha256")
    if not expected_file.exists():
        raise FileNotFoundError(f"{expected_file} is missing, so {path.name} cannot be verified: "
                                f"restore both files with `git checkout -- {path.parent}`.")
    expected, actual = expected_file.read_text().split()[0], sha256(path)
    if actual != expected:
        raise ValueError(f"{path} is corrupted or was replaced (sha256 {actual[:12]}... != {expected[:12]}...): "
                         f"restore it with `git checkout -- {path}` or retrain and save it again.")
    state = torch.load(path, map_location=device, weights_only=True)
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        first = str(err).splitlines()[1].strip() if len(str(err).splitlines()) > 1 else str(err)
        raise ValueError(f"{path.name} does not fit {type(model).__name__} as built here ({first}): build the "
                         f"model with the sizes the file was saved with, or retrain and save it.") from None
    return model.to(device).eval()
