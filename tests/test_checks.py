"""gan_lessons.checks: a lesson's claim, printed with its value and limits."""
import pytest

from gan_lessons.checks import check, check_true


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
