"""Every exercise checker: the reference passes, an untouched stub says 'not done yet' and hands back the
reference, and each typical mistake it knows gets its own diagnosis (not a generic 'wrong')."""
import importlib
import pkgutil

import pytest

from gan_lessons import exercises

for info in pkgutil.iter_modules(exercises.__path__):
    importlib.import_module(f"gan_lessons.exercises.{info.name}")
EXERCISES = sorted(exercises.REGISTRY.values(), key=lambda e: e.name)
MISTAKES = [(ex, wrong, sentence) for ex in EXERCISES for wrong, sentence in ex.mistakes]


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.name)
def test_reference_passes_and_stub_falls_back(ex, capsys):
    assert exercises.assess(ex.name, ex.reference) is ex.reference
    assert capsys.readouterr().out.startswith(f"✓ {ex.name}: correct")

    def stub(*args):
        raise NotImplementedError("your code here")

    assert exercises.assess(ex.name, stub) is ex.reference
    assert "not done yet: the lesson continues with the reference implementation" in capsys.readouterr().out
    assert ex.mistakes, f"{ex.name} diagnoses no typical mistake"


@pytest.mark.parametrize("ex, wrong, sentence", MISTAKES, ids=[f"{m[0].name}-{i}" for i, m in enumerate(MISTAKES)])
def test_each_typical_mistake_gets_its_diagnosis(ex, wrong, sentence, capsys):
    assert exercises.assess(ex.name, wrong) is ex.reference   # the lesson goes on with the reference
    line = capsys.readouterr().out
    assert line.startswith(f"✗ {ex.name}: {sentence}"), line


def test_unknown_exercise_and_crash_are_sentences(capsys):
    with pytest.raises(KeyError, match="no exercise called"):
        exercises.assess("lesson01.nope", print)
    exercises.assess("lesson01.mle", lambda x: x.undefined_attribute)
    assert "it raised AttributeError" in capsys.readouterr().out
