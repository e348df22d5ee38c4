"""The GAN_LESSONS_* switches (read only in gan_lessons.settings), check(), and retraining that never overwrites
what ships."""
import pytest
import torch
from torch import nn

from gan_lessons import checkpoints, settings, setup
from gan_lessons.checks import check, check_true


def test_seed_and_threads_override_the_setup_cell(monkeypatch, capsys):
    threads_before = torch.get_num_threads()
    try:
        monkeypatch.setenv("GAN_LESSONS_SEED", "3")
        monkeypatch.setenv("GAN_LESSONS_THREADS", "1")
        setup(seed=0, threads=2)
        assert torch.initial_seed() == 3 and torch.get_num_threads() == 1
        assert "seed: 3" in capsys.readouterr().out
        monkeypatch.delenv("GAN_LESSONS_SEED")
        setup(seed=5)
        assert torch.initial_seed() == 5
    finally:
        torch.set_num_threads(threads_before)


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


def test_check_prints_the_value_and_fails_loudly(capsys):
    check("ratio is small", 0.25, below=0.5, at_least=0.0)
    assert capsys.readouterr().out.strip() == "CHECK ok | ratio is small: 0.25 (need < 0.5 and >= 0)"
    with pytest.raises(AssertionError, match=r"CHECK FAILED \| ratio is small: 0.75 \(need < 0.5\)"):
        check("ratio is small", 0.75, below=0.5)
    with pytest.raises(AssertionError, match="CHECK FAILED"):
        check("at least", 2, at_least=3)
    with pytest.raises(ValueError, match="needs a limit"):
        check("no limit", 1.0)
    check_true("classes match", True, "10 of 10")
    with pytest.raises(AssertionError, match="classes match: 9 of 10"):
        check_true("classes match", False, "9 of 10")


def test_retraining_saves_beside_never_over_the_shipped_weights(monkeypatch, tmp_path):
    shipped = tmp_path / "weights"
    monkeypatch.setattr(checkpoints, "WEIGHTS_DIR", shipped)
    monkeypatch.setenv("GAN_LESSONS_DATA", str(tmp_path / "user"))
    torch.manual_seed(0)
    net = nn.Linear(2, 1)
    checkpoints.save(net, shipped / "net.pt")
    (shipped / "net_history.json").write_text('{"loss": [1.0]}')
    shipped_bytes = {p.name: p.read_bytes() for p in shipped.iterdir()}

    def train():
        with torch.no_grad():
            model.weight.fill_(7.0)
        return {"loss": [0.5, 0.25]}

    model = nn.Linear(2, 1)
    assert checkpoints.load_or_train({"net": model}, train, "net") == {"loss": [1.0]}   # shipped
    torch.testing.assert_close(model.weight, net.weight)
    model = nn.Linear(2, 1)
    assert checkpoints.load_or_train({"net": model}, train, "net", retrain=True) == {"loss": [0.5, 0.25]}
    assert {p.name: p.read_bytes() for p in shipped.iterdir()} == shipped_bytes        # untouched
    assert (tmp_path / "user" / "retrained" / "net.pt.sha256").exists()
    model = nn.Linear(2, 1)
    assert checkpoints.load_or_train({"net": model}, train, "net")["loss"] == [0.5, 0.25]  # the retrained copy
    assert torch.all(model.weight == 7.0)
    # quick mode rehearses the training code, then loads weights as usual and saves nothing
    (tmp_path / "user" / "retrained" / "net.pt").unlink()
    calls, model = [], nn.Linear(2, 1)
    history = checkpoints.load_or_train({"net": model}, lambda: calls.append(1) or {"loss": [9.0]}, "net",
                                        rehearse=True)
    assert calls == [1] and history == {"loss": [1.0]}
    torch.testing.assert_close(model.weight, net.weight)
