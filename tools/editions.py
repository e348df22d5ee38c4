"""The editions, built from the lessons in notebooks/ (the one source: English text, code, outputs, solutions).

    python -m tools.editions build    # writes editions/{student,zh,zh-student}/NN_*.ipynb
    python -m tools.editions check    # exit 1, naming the lesson, if an edition is stale
    python -m tools.editions status   # translated cells that are missing or stale (tools.translations)
    python -m tools.editions skeleton zh   # append a block to translate for every missing cell

Editions: `student` (English, exercises as stubs), `zh` (Chinese text, solutions in place, the instructor's),
`zh-student` (Chinese, stubs). Translated editions take their markdown from translations/LANG/ and everything
else from the English lesson, so the code a Chinese student runs is the English lesson's code, byte for byte.

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

from tools import translations

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "notebooks"
EDITIONS = REPO / "editions"
STUDENT = EDITIONS / "student"
# edition folder: (language, student?)
KINDS = {"student": ("en", True), "zh": ("zh", False), "zh-student": ("zh", True)}
SOLUTION_LABEL = {"en": "<b>Solution</b> (open it after you have tried)",
                  "zh": "<b>参考答案</b>（先自己试一试，再展开）"}
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("your code here: replace this line")'
CHECK_CALL = re.compile(r"\bexercises\.assess\(")


def _clear(cell):
    cell.outputs, cell.execution_count = [], None


def _solution_cell(cell, lang="en"):
    body = cell.source.replace(BEGIN + "\n", "").replace(END + "\n", "")
    body = "\n".join(line for line in body.splitlines() if line.strip() not in (BEGIN, END))
    cell_id = f"{cell.get('id', 'cell')}-solution"[:64]
    text = (f"<details><summary>{SOLUTION_LABEL[lang]}</summary>\n\n"
            f"```python\n{body}\n```\n\n</details>")
    return nbformat.v4.new_markdown_cell(text, id=cell_id)


def student_edition(nb, lang="en"):
    """A new notebook: stubs for solutions, solutions collapsed after their check cells, exercise outputs cleared."""
    from nbgrader.preprocessors import ClearSolutions

    nb = copy.deepcopy(nb)
    solutions, cells = {}, nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and BEGIN in cell.source:
            solutions[i] = _solution_cell(cell, lang)
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
    return nb


def edition(nb, name: str, kind: str):
    """The edition `kind` (a key of KINDS) of lesson `name` (its notebook `nb` is not changed)."""
    lang, student = KINDS[kind]
    if lang != "en":
        nb = translations.translate(nb, name, lang)      # a copy
    nb = student_edition(nb, lang) if student else copy.deepcopy(nb)   # student_edition copies too
    nb.metadata["gan_lessons"] = {"edition": kind, "built_from": "notebooks/" + name}
    return nb


def lessons():
    return sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))


def build_all(write: bool = True, kinds=tuple(KINDS)) -> list:
    """Build every edition; with write=False return 'kind/lesson' for each edition that differs from what is on disk."""
    stale = []
    for src in lessons():
        nb = nbformat.read(src, as_version=4)
        for kind in kinds:
            text = nbformat.writes(edition(nb, src.name, kind)) + "\n"
            target = EDITIONS / kind / src.name
            if write:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            elif not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(f"{kind}/{src.name}")
    return stale


def translation_problems(lang: str = "zh") -> list:
    return [p for src in lessons() for p in translations.problems(nbformat.read(src, as_version=4), src.name, lang)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["build"]:
        found = translation_problems()
        if found:
            sys.exit("cannot build the translated editions:\n  " + "\n  ".join(found))
        build_all(write=True)
        print(f"wrote {', '.join(KINDS)} to {EDITIONS.relative_to(REPO)}/")
    elif argv == ["check"]:
        stale = build_all(write=False)
        if stale:
            sys.exit(f"stale editions: {', '.join(stale)}: run `python -m tools.editions build`.")
        print("every edition is in sync with notebooks/ and translations/")
    elif argv == ["status"]:
        found = translation_problems()
        print("\n".join(found) if found else "every markdown cell has a current translation")
        sys.exit(1 if found else 0)
    elif len(argv) == 2 and argv[0] == "skeleton":
        for src in lessons():
            n = translations.skeleton(nbformat.read(src, as_version=4), src.name, argv[1])
            print(f"{src.name}: {n} block(s) to translate appended")
    else:
        sys.exit("usage: python -m tools.editions {build,check,status,skeleton LANG}")


if __name__ == "__main__":
    main()
