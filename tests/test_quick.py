"""gan_lessons.quick: step counts under quick mode."""


from gan_lessons import quick


def test_quick_mode(monkeypatch):
    monkeypatch.setenv("GAN_LESSONS_QUICK", "1")
    assert quick.steps(1000, quick=10) == 10
    monkeypatch.setenv("GAN_LESSONS_QUICK", "0")
    assert quick.steps(1000, quick=10) == 1000
