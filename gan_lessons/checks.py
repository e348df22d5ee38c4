"""`check`: the one way a lesson asserts a claim, printing the number it rests on beside its limit.

Every line starts with CHECK, so `python -m tools.bench sweep` can collect each check's value over
seeds and thread counts. A failing check raises AssertionError with the same line, so the student sees
which claim failed and by how much.
"""


def _fmt(x) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def check(claim: str, value, *, below=None, above=None, at_most=None, at_least=None) -> None:
    """Assert `value` against its limits and print one line: `CHECK ok | claim: value (limits)`."""
    limits = [(below, "<", lambda v, b: v < b), (above, ">", lambda v, b: v > b),
              (at_most, "<=", lambda v, b: v <= b), (at_least, ">=", lambda v, b: v >= b)]
    given = [(b, op, f) for b, op, f in limits if b is not None]
    if not given:
        raise ValueError(f"check({claim!r}) needs a limit: below=, above=, at_most= or at_least=.")
    ok = all(f(value, b) for b, _, f in given)
    line = f"{claim}: {_fmt(value)} (need {' and '.join(f'{op} {_fmt(b)}' for b, op, _ in given)})"
    if not ok:
        raise AssertionError(f"CHECK FAILED | {line}")
    print(f"CHECK ok | {line}")


def check_true(claim: str, condition: bool, shown: str) -> None:
    """For a yes/no claim: assert `condition`, printing `shown` (the numbers it rests on)."""
    if not condition:
        raise AssertionError(f"CHECK FAILED | {claim}: {shown}")
    print(f"CHECK ok | {claim}: {shown}")
