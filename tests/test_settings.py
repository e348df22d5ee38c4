"""gan_lessons.settings: the GAN_LESSONS_* switches (read only there) and where data goes."""
import pytest
from torch import nn

from gan_lessons import checkpoints, settings, setup


@pytest.mark.parametrize("name, value", [("GAN_LESSONS_SEED", "-1"), ("GAN_LESSONS_SEED", "x"),
                                         ("GAN_LESSONS_THREADS", "0"), ("GAN_LESSONS_QUICK", "maybe"),
                                         ("GAN_LESSONS_RETRAIN", "2")])
def test_bad_values_fail_with_the_switch_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.seed(), settings.threads(), settings.quick(), settings.retrain()


def test_flags_and_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_LESSONS_QUICK", "yes")
    monkeypatch.setenv("GAN_LESSONS_RETRAIN", "0")
    assert settings.quick() and not settings.retrain()
    assert settings.data_dir() == settings.CHECKOUT_DATA == settings.PACKAGE_DIR.parent / "data"
    monkeypatch.setenv("GAN_LESSONS_DATA", str(tmp_path))
    assert settings.data_dir() == tmp_path.resolve()
    assert checkpoints.retrained_dir() == tmp_path.resolve() / "retrained"


def test_an_installed_package_writes_to_the_user_cache(monkeypatch, tmp_path, capsys):
    """Outside a checkout (pip, Colab) nothing is written beside the package: $XDG_CACHE_HOME, ~/.cache or
    %LOCALAPPDATA%, each + /gan_lessons; GAN_LESSONS_DATA still wins. The shipped weights are package data."""
    monkeypatch.setattr(settings, "CHECKOUT_DATA", None)
    monkeypatch.delenv("GAN_LESSONS_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert settings.data_dir() == (tmp_path / "xdg" / "gan_lessons").resolve()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert settings.data_dir() == (tmp_path / "home" / ".cache" / "gan_lessons").resolve()
    monkeypatch.setattr(settings.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert settings.data_dir() == tmp_path / "local" / "gan_lessons"
    monkeypatch.setenv("GAN_LESSONS_DATA", str(tmp_path / "mine"))
    assert settings.data_dir() == (tmp_path / "mine").resolve()
    assert checkpoints.WEIGHTS_DIR == settings.PACKAGE_DIR / "weights"
    assert (checkpoints.WEIGHTS_DIR / "dcgan_generator.pt.sha256").is_file()
    setup()
    printed = capsys.readouterr().out
    assert f"data: {(tmp_path / 'mine').resolve()} | shipped weights: {checkpoints.WEIGHTS_DIR}" in printed
    with pytest.raises(FileNotFoundError, match="pip install --force-reinstall"):
        checkpoints.load(nn.Linear(1, 1), checkpoints.WEIGHTS_DIR / "missing.pt")
