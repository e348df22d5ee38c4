"""The Chinese edition: built from the English lessons (code and outputs copied) and translations/zh (markdown), kept
in sync by these tests, and runnable (nbval, quick mode)."""
import subprocess

import nbformat
import pytest

from tools import editions, translations

LESSONS = editions.lessons()


def test_every_markdown_cell_has_a_current_translation():
    found = editions.translation_problems("zh")
    assert not found, "translate or update (python -m tools.editions status):\n" + "\n".join(found)


def test_a_changed_english_cell_is_named_as_stale():
    src = LESSONS[0]
    nb = nbformat.read(src, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += " (edited)"
    found = translations.problems(nb, src.name, "zh")
    before, now = translations.en_hash(cell.source[:-len(" (edited)")]), translations.en_hash(cell.source)
    assert found == [f"{src.name}: markdown cell {cell.id} changed since its zh translation (translated from "
                     f"en:{before}, now en:{now})"]
    with pytest.raises(ValueError, match="changed since its zh translation"):
        translations.translate(nb, src.name, "zh")


def test_a_new_english_cell_without_translation_is_named():
    src = LESSONS[0]
    nb = nbformat.read(src, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A new paragraph.", id="brand-new"))
    assert translations.problems(nb, src.name, "zh") == [f"{src.name}: markdown cell brand-new has no zh translation"]


@pytest.mark.parametrize("kind", ["zh", "zh-student"])
@pytest.mark.parametrize("src", LESSONS, ids=lambda p: p.name[:2])
def test_chinese_code_is_the_english_code(src, kind):
    """Code cells of the committed Chinese notebooks are the English edition's (the lesson's, or the student's),
    byte for byte: so the Chinese editions are not run again; nbval runs notebooks/ and test_editions the student
    edition, which is the same code."""
    english = editions.EDITIONS / "student" / src.name if kind == "zh-student" else src
    en = [c.source for c in nbformat.read(english, as_version=4).cells if c.cell_type == "code"]
    zh_path = editions.EDITIONS / kind / src.name
    zh = [c.source for c in nbformat.read(zh_path, as_version=4).cells if c.cell_type == "code"]
    assert zh == en, f"{kind}/{src.name}: code differs from the English edition; rebuild with `make editions`"
    zh_md = [c.source for c in nbformat.read(zh_path, as_version=4).cells if c.cell_type == "markdown"]
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in zh_md) >= 0.9 * len(zh_md), \
        f"{kind}/{src.name}: most markdown cells should be Chinese"


@pytest.mark.parametrize("args, folder", [([], "editions/student/"), (["EDITION=instructor"], "notebooks/"),
                                          (["LANG=zh"], "editions/zh-student/"),
                                          (["LANG=zh", "EDITION=instructor"], "editions/zh/"),
                                          (["LANG=zh_CN.UTF-8"], "editions/zh-student/"),
                                          (["LANG=en_US.UTF-8"], "editions/student/")])
def test_make_lab_opens_the_edition_asked_for(args, folder):
    import shutil
    if not shutil.which("make"):
        pytest.skip("no make here")
    out = subprocess.run(["make", "-n", "-o", ".venv/.gan-lessons-installed", "-o", "setup", "lab", *args],
                         cwd=editions.REPO, capture_output=True, text=True, timeout=60).stdout
    line = next(line for line in out.splitlines() if "jupyter lab " in line)
    assert f"jupyter lab {folder} " in line + " ", line
