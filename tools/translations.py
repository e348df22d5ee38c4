"""Translated lessons from one source: the English notebooks keep the code and outputs, a text file per lesson keeps
the translated markdown cells, each stamped with a hash of the English text it was translated from.

    translations/zh/01_generative_models_mle.md:
        <!-- cell 1748df67 en:3f2a9c01b7de -->
        (the Chinese text of markdown cell 1748df67)

A block whose hash no longer matches the English cell is stale: the English changed after it was translated.
`python -m tools.editions status` lists missing and stale blocks; `... skeleton zh` appends a block (the
English text, to be replaced) for every missing cell; `... build` writes the translated notebooks.
"""
import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO / "translations"
LANGUAGES = ("zh",)
MARK = re.compile(r"^<!-- cell (\S+) en:([0-9a-f]{12}) -->[ \t]*$", re.M)
HEADER = ("<!-- Chinese (简体中文) markdown of notebooks/{name}, one block per markdown cell. "
          "A block starts with\n     `<!-- cell ID en:HASH -->`, HASH = the first 12 hex digits of sha256 "
          "of the English cell it translates.\n"
          "     Rebuild with `python -m tools.editions build`; "
          "`... status` lists missing and stale blocks. -->\n")


def en_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Block:
    text: str
    en_hash: str


def path_for(lesson: str, lang: str) -> Path:
    """translations/LANG/NN_name.md for notebooks/NN_name.ipynb."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} has no translations: use one of {', '.join(LANGUAGES)}.")
    return TRANSLATIONS / lang / (Path(lesson).stem + ".md")


def read(lesson: str, lang: str) -> dict:
    """{cell id: Block} from the lesson's translation file ({} when there is none yet)."""
    path = path_for(lesson, lang)
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    marks = list(MARK.finditer(text))
    blocks = {}
    for m, nxt in zip(marks, marks[1:] + [None]):
        body = text[m.end():nxt.start() if nxt else len(text)].strip("\n")
        if m.group(1) in blocks:
            raise ValueError(f"{path.name}: cell {m.group(1)} is translated twice.")
        blocks[m.group(1)] = Block(body.rstrip(), m.group(2))
    return blocks


def problems(nb, lesson: str, lang: str, blocks: dict | None = None) -> list:
    """Sentences naming each markdown cell without a translation, or whose English changed since it was translated."""
    blocks, out = read(lesson, lang) if blocks is None else blocks, []
    ids = set()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        ids.add(cell.id)
        block = blocks.get(cell.id)
        if block is None:
            out.append(f"{lesson}: markdown cell {cell.id} has no {lang} translation")
        elif block.text.startswith("TODO "):
            out.append(f"{lesson}: markdown cell {cell.id} is not translated to {lang} yet (its block says TODO)")
        elif block.en_hash != en_hash(cell.source):
            out.append(f"{lesson}: markdown cell {cell.id} changed since its {lang} translation "
                       f"(translated from en:{block.en_hash}, now en:{en_hash(cell.source)})")
    out += [f"{lesson}: the {lang} translation has a block for cell {cid}, which is not a markdown cell of the lesson"
            for cid in blocks if cid not in ids]
    return out


def translate(nb, lesson: str, lang: str):
    """A copy of `nb` whose markdown cells are the translations (code cells and outputs untouched).

    A missing or stale translation raises: a build never ships English text silently in a translated edition."""
    blocks = read(lesson, lang)
    found = problems(nb, lesson, lang, blocks)
    if found:
        raise ValueError(f"{len(found)} translation problem(s), first: {found[0]}; "
                         f"see `python -m tools.editions status`.")
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = blocks[cell.id].text
    return out


def skeleton(nb, lesson: str, lang: str) -> int:
    """Append a block (the English text, marked TODO) for every markdown cell with no translation; returns how many."""
    blocks, path = read(lesson, lang), path_for(lesson, lang)
    missing = [c for c in nb.cells if c.cell_type == "markdown" and c.id not in blocks]
    if not missing:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER.format(name=Path(lesson).name)
    for cell in missing:
        mark = f"<!-- cell {cell.id} en:{en_hash(cell.source)} -->"
        text = text.rstrip("\n") + f"\n\n{mark}\nTODO {lang}: {cell.source}\n"
    path.write_text(text, encoding="utf-8")
    return len(missing)
