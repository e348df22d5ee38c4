"""Exercise checkers: run a student's function against the reference, say what is wrong, never block.

A lesson's exercise cell defines a function (a stub raising NotImplementedError in the student edition); the
check cell right after it calls

    my_fn = exercises.assess("lesson01.log_likelihood", my_fn)

which prints ONE line (correct / not done yet / a specific diagnosis) and returns the function the rest of the
lesson should use: the student's when it is right, else the reference, so a skipped or wrong exercise never
breaks a later cell. Checkers live in one module per lesson (lesson01.py ...), registered by name.
"""
import importlib
import traceback
from dataclasses import dataclass, field

import torch

REGISTRY: dict = {}


@dataclass
class Exercise:
    """`reference(*case)` is the answer for each case in `cases()`; `mistakes` pairs a typical wrong version with
    the sentence that diagnoses it; `custom(candidate)` (optional) returns a diagnosis or None for checks that
    are not input -> output (e.g. which network a training step moved)."""
    name: str
    reference: object
    cases: object = None
    mistakes: list = field(default_factory=list)
    custom: object = None
    adapt: object = None   # adapt(fn, case) -> output, for exercises whose answer is an effect (a training step)
    rtol: float = 1e-4
    atol: float = 1e-6


def register(exercise: Exercise) -> Exercise:
    REGISTRY[exercise.name] = exercise
    return exercise


def _as_tensors(out):
    items = out if isinstance(out, tuple | list) else (out,)
    return [torch.as_tensor(v, dtype=torch.float64) if not isinstance(v, torch.Tensor) else v.detach().double()
            for v in items]


def _describe(out) -> str:
    return ", ".join(f"shape {tuple(t.shape)}" if t.numel() > 1 else f"{t.item():.6g}" for t in _as_tensors(out))


def same(a, b, rtol=1e-4, atol=1e-6) -> bool:
    """Outputs equal in structure, shape and value (NaN equals NaN: a wrong answer can be recognised by its NaNs)."""
    ta, tb = _as_tensors(a), _as_tensors(b)
    return len(ta) == len(tb) and all(x.shape == y.shape and torch.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
                                      for x, y in zip(ta, tb))


def _run(ex, fn, case):
    with torch.random.fork_rng():
        torch.manual_seed(0)   # cases that sample draw the same numbers for the candidate and the reference
        return ex.adapt(fn, case) if ex.adapt is not None else fn(*case)


def diagnose(ex: Exercise, candidate):
    """None when `candidate` is right; else one sentence on what is wrong. Lets NotImplementedError through."""
    if ex.custom is not None:
        return ex.custom(candidate)
    cases = list(ex.cases())
    outputs = []
    for case in cases:
        try:
            outputs.append(_run(ex, candidate, case))
        except NotImplementedError:
            raise
        except Exception as err:  # a crash is a diagnosis, not a traceback the student must read
            where = traceback.extract_tb(err.__traceback__)[-1]
            return f"it raised {type(err).__name__}: {err} (line {where.lineno})."
    expected = [_run(ex, ex.reference, case) for case in cases]
    if all(same(o, e, ex.rtol, ex.atol) for o, e in zip(outputs, expected)):
        return None
    for wrong, sentence in ex.mistakes:
        try:
            if all(same(o, _run(ex, wrong, case), ex.rtol, ex.atol) for o, case in zip(outputs, cases)):
                return sentence
        except Exception:  # noqa: S112 - a typical mistake that crashes on some case cannot be the student's answer
            continue
    for number, (o, e) in enumerate(zip(outputs, expected), start=1):
        if not same(o, e, ex.rtol, ex.atol):
            shapes_o, shapes_e = [t.shape for t in _as_tensors(o)], [t.shape for t in _as_tensors(e)]
            if shapes_o != shapes_e:
                return f"it returns {_describe(o)} where {_describe(e)} is expected: check the shape (sum or mean?)."
            return f"on case {number} of {len(cases)} it returns {_describe(o)}, expected {_describe(e)}."
    return "it differs from the reference."  # pragma: no cover


def assess(name: str, candidate):
    """Print one line on `candidate` and return what the lesson should use from here on."""
    importlib.import_module(f"gan_lessons.exercises.{name.split('.')[0]}")  # registers that lesson's checkers
    if name not in REGISTRY:
        raise KeyError(f"no exercise called {name!r}: known ones are {', '.join(sorted(REGISTRY))}.")
    ex = REGISTRY[name]
    try:
        verdict = diagnose(ex, candidate)
    except NotImplementedError:
        print(f"○ {name}: not done yet: the lesson continues with the reference implementation.")
        return ex.reference
    if verdict is None:
        print(f"✓ {name}: correct. The lesson continues with your function.")
        return candidate
    print(f"✗ {name}: {verdict} The lesson continues with the reference implementation.")
    return ex.reference
