"""Displayed code stays true: where a lesson shows a package function's source (inspect.getsource), the
committed notebook's output must be today's source, and the function's docstring must say which lessons show it."""
import inspect
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOWN = re.compile(r"inspect\.getsource\(([\w.]+)\)")


def _shown(path):
    """(lesson number, expression, the text/plain outputs of that cell) for every getsource in a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    imports = "\n".join(line for c in cells if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
                        if re.match(r"(from \S+ )?import ", line))
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            text = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))
            for expr in SHOWN.findall(source):
                yield path.name[:2], imports, expr, text


CASES = [case for path in NOTEBOOKS for case in _shown(path)]


@pytest.mark.parametrize("lesson, imports, expr, shown", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_shown_source_is_current_and_docstring_names_the_lesson(lesson, imports, expr, shown):
    namespace = {}
    exec(imports, namespace)  # the notebook's own imports: resolve the name the way the lesson does
    obj = eval(expr, namespace)
    assert inspect.getsource(obj).rstrip() in shown, (
        f"lesson {lesson} shows an old copy of {expr}: re-run the notebook so its output matches the code")
    doc = inspect.getdoc(obj) or ""
    said = re.search(r"Shown in lessons? ([^.]*)", doc)
    assert said and lesson in said.group(1), f"{expr}'s docstring should say 'Shown in lesson(s) ... {lesson} ...'"
