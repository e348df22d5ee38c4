"""The student edition: built from the lessons by nbgrader's ClearSolutions, in sync with them, and runnable with
every exercise left untouched (a student who skips an exercise loses nothing)."""
import re

import nbformat
import pytest

from tools import editions

EXERCISE = '''def double(x):
    """Return 2x."""
    ### BEGIN SOLUTION
    # why: doubling is adding x to itself
    return x + x
    ### END SOLUTION'''


def _lesson():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson", id="title"),
                nbformat.v4.new_code_cell("print('setup')", id="setup",
                                          outputs=[nbformat.v4.new_output("stream", text="setup\n")]),
                nbformat.v4.new_code_cell(EXERCISE, id="ex1"),
                nbformat.v4.new_code_cell('double = exercises.assess("lesson00.double", double)', id="ex1-check",
                                          outputs=[nbformat.v4.new_output("stream", text="✓ correct\n")]),
                nbformat.v4.new_markdown_cell("next", id="next")]
    return nb


def test_solutions_become_stubs_and_move_into_a_collapsed_block():
    student = editions.student_edition(_lesson())
    ids = [c.id for c in student.cells]
    assert ids == ["title", "setup", "ex1", "ex1-check", "ex1-solution", "next"]
    exercise, check, solution = student.cells[2], student.cells[3], student.cells[4]
    assert "return x + x" not in exercise.source and editions.STUB in exercise.source
    assert exercise.source.startswith('def double(x):\n    """Return 2x."""\n    raise NotImplementedError')
    assert check.outputs == [] and student.cells[1].outputs  # exercise outputs cleared, others kept
    assert solution.source.startswith("<details>") and "return x + x" in solution.source
    assert "# why:" in solution.source and "BEGIN SOLUTION" not in solution.source


def test_the_source_keeps_its_solutions():
    nb = _lesson()
    editions.student_edition(nb)
    assert "return x + x" in nb.cells[2].source and nb.cells[3].outputs


def test_committed_student_edition_is_in_sync_with_the_lessons():
    stale = editions.build_all(write=False)
    assert not stale, f"rebuild the student edition (python -m tools.editions build): stale {stale}"


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(editions.STUDENT.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name[:2])
def test_student_edition_runs_with_every_exercise_untouched(path):
    from tools.bench.sweep import run_one

    result = run_one(path, seed=0, threads=1, timeout=600, extra_env={"GAN_LESSONS_QUICK": "1"})
    assert result["error"] is None, f"{path.name} stopped: {result['error']}"
    text = result["text"]
    checks = len(re.findall(r"exercises\.assess\(", "".join(c.source for c in nbformat.read(path, 4).cells)))
    assert text.count("not done yet") == checks, f"{path.name}: each untouched exercise should say 'not done yet'"
