"""Issue 21 ("the house"): the lessons' source edits, as exact replacements, safe to run again.

    python -m tools.migrate_house           # edit notebooks/NN_*.ipynb and translations/zh/NN_*.md in place
    python -m tools.migrate_house --check   # exit 1 if an edit is still to apply (writes nothing)
    python -m tools.editions build          # then: the editions follow

Each edit is (old, new): every cell holding `old` gets `new` instead. An edit whose `old` is gone and whose `new`
(or, for a deletion, its `done` marker) is there was applied already; one with neither fails loudly, naming the
lesson and the text, so a lesson changed since this script was written stops it before anything is written.
A markdown cell an edit changes gets a new hash in its Chinese translation's marker (only where the block was
up to date with the English before the edit; a block stale already is listed, not restamped), and the Chinese
text gets the same change where the English names a command or a file.
"""
import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from tools import translations

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Edit:
    old: str
    new: str
    done: str = ""        # for a deletion (new == ""): text whose presence shows it was applied
    cells: str = "any"    # "code", "markdown" or "any": which cells may hold `old`


SETUP = "device, SEED, QUICK = setup("
TRAIN_COMPLETION = '''def train_completion(adversarial, steps, seed=1):
    torch.manual_seed(seed)
    G, D = CompletionNet().to(device), PatchDiscriminator().to(device)
    opt_G = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    real = batches(train_images.to(device), 64, torch.Generator().manual_seed(seed))
    snapshots, done = nn.ModuleList(), [0]

    def step():
        row = completion_step(G, D, opt_G, opt_D, next(real), adversarial, mse_weight=LAMBDA)
        done[0] += 1
        if adversarial and done[0] in SNAPSHOT_STEPS:
            snapshots.append(copy.deepcopy(D).eval())
        return row

    history = fit(step, steps, desc="MSE + adversarial" if adversarial else "MSE only")
    return G.eval(), snapshots, history


'''
EVERY_LESSON = [
    Edit("exercises.check(", "exercises.assess(", cells="code"),      # a verdict, not a claim (checks.check)
    Edit("device = setup(", SETUP, cells="code"),                      # setup() returns what a lesson uses
]
LESSONS = {
    "01": [Edit("from gan_lessons.quick import is_quick, steps", "from gan_lessons.quick import steps"),
           Edit("QUICK = is_quick()\n", "", done=SETUP),
           Edit("torch.initial_seed()", "SEED", done=SETUP)],
    "02": [Edit("from gan_lessons.quick import is_quick, steps", "from gan_lessons.quick import steps"),
           Edit("QUICK = is_quick()\n", "", done=SETUP),
           Edit("torch.initial_seed()", "SEED", done=SETUP)],
    "03": [Edit("from gan_lessons.quick import is_quick, steps", "from gan_lessons.quick import steps"),
           Edit("QUICK = is_quick()\n", "", done=SETUP),
           Edit("SEED = torch.initial_seed()         # the setup seed (GAN_LESSONS_SEED overrides it): every run "
                "below starts from it\n", "", done=SETUP),
           Edit("gan.settings.runs", "gan.config.runs", cells="code"),
           Edit("`python -m gan_lessons.bench dashboard`", "`python -m tools.bench dashboard`", cells="markdown")],
    "04": [Edit("QUICK = quick.is_quick()\n", "", done=SETUP),
           Edit("SEED = torch.initial_seed()         # the training seed below (setup's, after any override)\n", "",
                done=SETUP),
           Edit("`python -m gan_lessons.bench dcgan", "`python -m tools.bench dcgan", cells="markdown"),
           Edit("with the runs behind it, is in `gan_lessons/digit_gan.py`.",
                "with the runs behind it, is in `artifacts/dcgan_bench/README.md`.", cells="markdown")],
    "05": [Edit("QUICK = settings.quick()\n", "", done=SETUP),
           Edit("SEED = torch.initial_seed()   # the setup seed (GAN_LESSONS_SEED overrides it)\n", "", done=SETUP),
           # the completion models train through the package (completion.train_completion), like lesson 06's
           Edit("from gan_lessons.completion import TOP, CompletionNet, PatchDiscriminator, completion_step, hide_bottom",
                "from gan_lessons.completion import TOP, CompletionNet, PatchDiscriminator, completion_step, hide_bottom\n"
                "from gan_lessons.completion import SHIPPED_COMPLETION, train_completion"),   # one line each: tests read them
           Edit("LAMBDA = 10.0                  # weight of the MSE term in the adversarial model's G loss\n"
                "STEPS = 1500                   # default-mode training length (batches of 64) for each model\n"
                "SNAPSHOT_STEPS = [25, 100, 300, 800, 1500]   # D copies kept for section 3\n",
                "LAMBDA = SHIPPED_COMPLETION.mse_weight   # 10: weight of the MSE term in the adversarial model's G loss\n"
                "STEPS = SHIPPED_COMPLETION.steps         # 1500: default-mode training length (batches of 64), each model\n"
                "SNAPSHOT_STEPS = list(SHIPPED_COMPLETION.snapshot_steps)   # D copies kept for section 3\n"),
           Edit(TRAIN_COMPLETION, "", done="SHIPPED_COMPLETION.but("),
           Edit("    steps = quick.steps(STEPS, quick=20)   # quick mode runs 20 steps of each loop, then loads saved weights\n"
                "    G, _, hist_mse = train_completion(adversarial=False, steps=steps)\n",
                "    # quick mode runs 20 steps of each loop, then loads saved weights\n"
                "    config = SHIPPED_COMPLETION.but(steps=quick.steps(STEPS, quick=20), mse_weight=LAMBDA,\n"
                "                                    snapshot_steps=tuple(SNAPSHOT_STEPS))\n"
                "    G, _, hist_mse = train_completion(train_images, adversarial=False, config=config, device=device)\n"),
           Edit("    G, snapshots, hist_adv = train_completion(adversarial=True, steps=steps)\n",
                "    G, snapshots, hist_adv = train_completion(train_images, adversarial=True, config=config, device=device)\n")],
    "06": [Edit("QUICK = settings.quick()\n", "", done=SETUP),
           Edit("from gan_lessons.vae import train_vae, train_vaegan",
                "from gan_lessons.vae import SHIPPED_VAE, SHIPPED_VAEGAN, train_vae, train_vaegan"),
           Edit("Z_DIM = 16\n", "Z_DIM = SHIPPED_VAE.z_dim   # 16\n"),
           Edit("VAE_STEPS = 2500\n", "VAE_STEPS = SHIPPED_VAE.steps   # 2500\n"),
           Edit("train_vae(train_images, quick.steps(VAE_STEPS, quick=20), Z_DIM, seed=1, device=device)",
                "train_vae(train_images, SHIPPED_VAE.but(steps=quick.steps(VAE_STEPS, quick=20), z_dim=Z_DIM),\n"
                "                                 device=device)"),
           Edit("GAMMA = 0.5       # weight of the feature reconstruction in G's loss (tuned: see the table below)\n"
                "VAEGAN_STEPS = 1800\n",
                "GAMMA = SHIPPED_VAEGAN.gamma          # 0.5: weight of the feature reconstruction in G's loss (tuned: see "
                "the table below)\nVAEGAN_STEPS = SHIPPED_VAEGAN.steps   # 1800\n"),
           Edit("train_vaegan(train_images, quick.steps(VAEGAN_STEPS, quick=20), GAMMA, Z_DIM, seed=1, device=device)",
                "train_vaegan(train_images, SHIPPED_VAEGAN.but(\n"
                "        steps=quick.steps(VAEGAN_STEPS, quick=20), gamma=GAMMA, z_dim=Z_DIM), device=device)")],
}
# the Chinese blocks say what the English says about commands and files
ZH = {
    "any": [Edit("`python -m gan_lessons.editions build`", "`python -m tools.editions build`")],
    "03": [Edit("`python -m gan_lessons.bench dashboard`", "`python -m tools.bench dashboard`")],
    "04": [Edit("`python -m gan_lessons.bench dcgan", "`python -m tools.bench dcgan"),
           Edit("都记录在 `gan_lessons/digit_gan.py` 里", "都记录在 `artifacts/dcgan_bench/README.md` 里")],
}


def _applied(text: str, edit: Edit) -> bool:
    """No `old` left, counting none inside a `new` that contains it ("x" -> "x y" is applied once)."""
    protects = edit.new and edit.old in edit.new
    return edit.old not in (text.replace(edit.new, "\0") if protects else text)


def _apply(texts: dict, edits: list, where: str) -> dict:
    """{key: text} -> {key: edited text} for the keys an edit changed; fails on an edit found nowhere."""
    changed = {}
    for edit in edits:
        holders = [k for k, t in {**texts, **changed}.items() if not _applied(t, edit)]
        if not holders:
            if not any((edit.new or edit.done) in t for t in {**texts, **changed}.values()):
                sys.exit(f"migrate_house: {where}: neither {edit.old!r} nor its replacement is there: the lesson "
                         f"changed since this edit was written; update tools/migrate_house.py.")
            continue
        for key in holders:
            text = changed.get(key, texts[key])
            if edit.new and edit.old in edit.new:     # leave the occurrences already replaced alone
                changed[key] = text.replace(edit.new, "\0").replace(edit.old, edit.new).replace("\0", edit.new)
            else:
                changed[key] = text.replace(edit.old, edit.new)
    return changed


def _restamp(zh: str, cell_id: str, before: str, after: str, stale: list, lesson: str) -> str:
    """The marker of `cell_id` carries the hash of `after` where it carried that of `before`."""
    mark = re.compile(rf"^<!-- cell {re.escape(cell_id)} en:([0-9a-f]{{12}}) -->", re.M)
    found = mark.search(zh)
    if found is None or found.group(1) == translations.en_hash(after):
        return zh
    if found.group(1) != translations.en_hash(before):
        stale.append(f"{lesson}: zh block {cell_id} was stale before this migration: update it by hand")
        return zh
    return zh[:found.start(1)] + translations.en_hash(after) + zh[found.end(1):]


def migrate(write: bool) -> list:
    """Apply every edit; returns what changed (and what needs a hand), one line each."""
    done, stale = [], []
    for lesson, edits in LESSONS.items():
        path, = REPO.glob(f"notebooks/{lesson}_*.ipynb")
        nb = nbformat.read(path, as_version=4)
        changed = {}
        for edit in EVERY_LESSON + edits:
            texts = {i: changed.get(i, c.source) for i, c in enumerate(nb.cells)
                     if edit.cells in ("any", c.cell_type)}
            changed.update(_apply(texts, [edit], f"{path.name} ({edit.cells} cells)"))
        zh_path = translations.path_for(path.name, "zh")
        zh = zh_path.read_text(encoding="utf-8")
        new_zh = "".join(_apply({0: zh}, ZH["any"] + ZH.get(lesson, []), zh_path.name).values()) or zh
        for i, source in changed.items():
            if nb.cells[i].cell_type == "markdown":
                new_zh = _restamp(new_zh, nb.cells[i].id, nb.cells[i].source, source, stale, path.name)
            nb.cells[i].source = source
        if changed:
            done.append(f"{path.name}: {len(changed)} cell(s)")
        if new_zh != zh:
            done.append(f"{zh_path.name}: updated")
        if write and changed:
            nbformat.write(nb, path)
        if write and new_zh != zh:
            zh_path.write_text(new_zh, encoding="utf-8")
    return done + stale


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.migrate_house", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if an edit is still to apply; write nothing")
    args = parser.parse_args(argv)
    report = migrate(write=not args.check)
    print("\n".join(report) or "nothing to do: every edit is applied")
    if args.check and report:
        sys.exit(1)
    if report and not args.check:
        print("now run: python -m tools.editions build")


if __name__ == "__main__":
    main()
