"""The student edition, built from the lessons in notebooks/ (the one source, solutions in place).

    python -m gan_lessons.editions build    # writes editions/student/NN_*.ipynb
    python -m gan_lessons.editions check    # exit 1, naming the lesson, if an edition is stale

An exercise's solution sits in the source between `### BEGIN SOLUTION` and `### END SOLUTION` lines; nbgrader's
ClearSolutions preprocessor replaces each such region with a stub that raises NotImplementedError. The worked
solution (with its why-comments) moves into a collapsed <details> block after the exercise's check cell, and
the outputs of exercise and check cells are cleared. Predict-then-run answers are <details> blocks in the
source already, so they stay collapsed in both editions. Everything else, outputs included, is copied.
"""
import copy
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "notebooks"
STUDENT = REPO / "editions" / "student"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("your code here: replace this line")'
CHECK_CALL = re.compile(r"\bexercises\.check\(")


def _clear(cell):
    cell.outputs, cell.execution_count = [], None


def _solution_cell(cell):
    body = cell.source.replace(BEGIN + "\n", "").replace(END + "\n", "")
    body = "\n".join(line for line in body.splitlines() if line.strip() not in (BEGIN, END))
    cell_id = f"{cell.get('id', 'cell')}-solution"[:64]
    text = ("<details><summary><b>Solution</b> (open it after you have tried)</summary>\n\n"
            f"```python\n{body}\n```\n\n</details>")
    return nbformat.v4.new_markdown_cell(text, id=cell_id)


def student_edition(nb):
    """A new notebook: stubs for solutions, solutions collapsed after their check cells, exercise outputs cleared."""
    from nbgrader.preprocessors import ClearSolutions

    nb = copy.deepcopy(nb)
    solutions, cells = {}, nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and BEGIN in cell.source:
            solutions[i] = _solution_cell(cell)
    clear = ClearSolutions(enforce_metadata=False, code_stub={"python": STUB})
    nb, _ = clear.preprocess(nb, {})
    out = []
    pending = None
    for i, cell in enumerate(nb.cells):
        is_check = cell.cell_type == "code" and CHECK_CALL.search(cell.source)
        if pending is not None and not is_check:
            out.append(pending)
            pending = None
        if i in solutions or is_check:
            _clear(cell)
        out.append(cell)
        if i in solutions:
            pending = solutions[i]
    if pending is not None:
        out.append(pending)
    nb.cells = out
    nb.metadata["gan_lessons"] = {"edition": "student", "built_from": "notebooks/" + nb.metadata.get("_name", "")}
    return nb


def build_all(write: bool = True) -> list:
    """Build every edition; with write=False return the names of editions that differ from what is on disk."""
    stale = []
    for src in sorted(SOURCE.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(src, as_version=4)
        nb.metadata["_name"] = src.name
        built = student_edition(nb)
        del built.metadata["_name"]
        text = nbformat.writes(built) + "\n"
        target = STUDENT / src.name
        if write:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        elif not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(src.name)
    return stale


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["build"]:
        build_all(write=True)
        print(f"wrote the student edition to {STUDENT.relative_to(REPO)}/")
    elif argv == ["check"]:
        stale = build_all(write=False)
        if stale:
            sys.exit(f"stale student edition for {', '.join(stale)}: run `python -m gan_lessons.editions build`.")
        print("student edition in sync with notebooks/")
    else:
        sys.exit("usage: python -m gan_lessons.editions {build,check}")


if __name__ == "__main__":
    main()
