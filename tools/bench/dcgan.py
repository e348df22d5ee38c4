"""`python -m tools.bench dcgan --seconds 120 --out DIR`: lesson 04's DCGAN from scratch, timed.

Trains a DigitGAN with the lesson's defaults for a wall-clock budget (or a fixed --steps count), prints
images/s and the digit metric at 1/4, 1/2 and all of the budget (30, 60 and 120 s for --seconds 120), and
writes DIR/samples.pt (float [2000, 1, 28, 28] in [0, 1], from G in eval mode, noise seed 0) and
DIR/samples.png. Every field of `digit_gan.DigitConfig` is an option (--width, --d-width, --lr-G, ...).
Time spent measuring is not counted as training time.

Determinism: the same seed and the same number of steps give the same numbers. A wall-clock budget,
though, ends after however many steps this machine manages, so the step count (and with it every number)
depends on the machine and on what else runs on it; use --steps to compare runs exactly.
"""
import argparse
import copy
import statistics
import time
from dataclasses import fields
from pathlib import Path

import torch
from torchvision.utils import save_image

from gan_lessons import checkpoints
from gan_lessons.device import seed_everything
from gan_lessons.digit_data import load_digits
from gan_lessons.digit_gan import DCGAN, DigitConfig, DigitGAN
from gan_lessons.digit_metric import load_metric

N_SAMPLES = 2000


def _yes_no(text):
    """'1'/'0', 'true'/'false', 'yes'/'no' for a yes-or-no option such as --d-batchnorm."""
    answers = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
    if text.lower() not in answers:
        raise argparse.ArgumentTypeError(f"{text!r}: answer 1 or 0 (true/false, yes/no).")
    return answers[text.lower()]


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m tools.bench dcgan", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=120.0, help="training wall-clock budget (default 120)")
    p.add_argument("--steps", type=int, default=None, help="train exactly this many steps instead (deterministic)")
    p.add_argument("--out", type=Path, default=Path("bench_out/dcgan"), help="folder for samples.pt/.png")
    p.add_argument("--device", default="cpu", help="cpu (default), cuda or mps")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds, one run each, then the median (e.g. 0,1,2; overrides --seed)")
    p.add_argument("--curve", type=float, default=None,
                   help="also measure every this many seconds of training (a learning curve for long runs)")
    p.add_argument("--keep-best", action="store_true",
                   help="with --save: save G as it was at the measured point with the lowest FD, not at the end")
    p.add_argument("--probe", type=float, default=5.0,
                   help="seconds of training between checks for 10 classes (the time-to-10-classes column)")
    p.add_argument("--save", type=Path, default=None, help="also save G's weights here")
    helps = {"width": f"G's channels, ngf (default {DCGAN.width})",
             "d_width": f"D's channels, ndf (default {DCGAN.d_width}; set on its own: --width does not change it)",
             "d_batchnorm": f"BatchNorm on D's hidden layer, 1 or 0 (default {int(DCGAN.d_batchnorm)})"}
    for f in fields(DigitConfig):   # the config's fields are the options, with its defaults
        if f.name != "kind":
            kind = type(getattr(DCGAN, f.name))
            p.add_argument(f"--{f.name.replace('_', '-')}", type=_yes_no if kind is bool else kind,
                           default=getattr(DCGAN, f.name), help=helps.get(f.name, f"default {getattr(DCGAN, f.name)}"))
    args = p.parse_args(argv)
    if args.seconds <= 0 or (args.steps is not None and args.steps <= 0):
        p.error("--seconds and --steps must be positive.")
    try:
        args.seed_list = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    except ValueError:
        p.error(f"--seeds {args.seeds!r}: give whole numbers separated by commas, e.g. 0,1,2.")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        p.error("--device cuda was asked for but torch sees no CUDA GPU: leave --device out to run on the CPU.")
    return args


def config_of(args, seed: int) -> DigitConfig:
    """The DigitConfig that parsed options describe, for one seed."""
    options = {f.name: getattr(args, f.name) for f in fields(DigitConfig) if f.name not in ("kind", "seed")}
    return DCGAN.but(**options, seed=seed)


def measure(gan, metric):
    """The metric on N_SAMPLES digits from fixed noise, with the training speed so far."""
    samples = gan.sample(N_SAMPLES, seed=0)
    r = metric.evaluate(samples)
    r["steps"], r["img/s"] = gan.steps, gan.steps * gan.config.batch_size / max(gan.train_seconds, 1e-9)
    return samples, r


def line(label, r):
    return (f"{label} | step {r['steps']:6d} | {r['img/s']:7.0f} img/s | FD {r['fd']:7.1f} | classes {r['classes']:2d} "
            f"| confident {r['confident']:.2f} | sharpness {r['sharpness']:.2f} (real {r['real_sharpness']:.2f})")


def run(gan, metric, args):
    """Train one GAN to the budget; returns ({mark label: metric row}, first training second with 10 classes,
    samples at the end, (lowest FD, its mark, the sampler's weights there)). Probing for 10 classes and measuring
    are not counted as training time."""
    rows, first_10, best = {}, None, (float("inf"), None, None)
    if args.steps:  # report at the same fractions of a step budget
        marks = [(f"step budget {f:4.0%}", max(1, round(args.steps * f)), "steps") for f in (0.25, 0.5, 1.0)]
    else:
        at = {args.seconds * f for f in (0.25, 0.5, 1.0)}
        if args.curve:
            at |= {args.curve * i for i in range(1, int(args.seconds // args.curve) + 1)}
        marks = [(f"{t:7.1f} s", t, "train_seconds") for t in sorted(at)]
    next_probe = args.probe
    for label, mark, unit in marks:
        while getattr(gan, unit) < mark:
            gan.step()
            if first_10 is None and gan.train_seconds >= next_probe:
                next_probe += args.probe
                if metric.classes_covered(gan.sample(N_SAMPLES, seed=0)) == 10:
                    first_10 = gan.train_seconds
        samples, rows[label] = measure(gan, metric)
        if first_10 is None and rows[label]["classes"] == 10:
            first_10 = gan.train_seconds
        if rows[label]["fd"] < best[0]:
            best = (rows[label]["fd"], label, copy.deepcopy(gan.sampler().state_dict()))
        print(line(label, rows[label]), flush=True)
    return rows, first_10, samples, best


def main(argv=None):
    args = parse(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True   # fixed shapes every step: let cuDNN pick its fastest kernels once
    digits = load_digits()  # cached per process by gan_lessons.digit_data
    metric = load_metric(device, digits=digits, verbose=True)
    threads = f", {torch.get_num_threads()} threads" if device.type == "cpu" else ""
    budget = (f"{args.steps} steps" if args.steps
              else f"{args.seconds:g} s of training (step count depends on the machine)")
    print(f"bench dcgan: {device}{threads} | torch {torch.__version__} | seeds {args.seed_list} | {budget}")
    per_seed = {}
    for seed in args.seed_list:
        seed_everything(seed)
        config = config_of(args, seed)
        gan = DigitGAN(digits.images, config, device=device)
        print(f"config: {gan.config}")
        rows, first_10, samples, best = run(gan, metric, args)
        print(f"seed {seed}: 10 classes first at {first_10:.1f} s of training" if first_10 is not None
              else f"seed {seed}: never 10 classes within the budget (probed every {args.probe:g} s)")
        per_seed[seed] = (rows, first_10)
    if len(args.seed_list) > 1:
        print(f"median over seeds {args.seed_list}:")
        for label in rows:
            med = {k: statistics.median(per_seed[s][0][label][k] for s in args.seed_list)
                   for k in ("steps", "img/s", "fd", "classes", "confident", "sharpness", "real_sharpness")}
            med["steps"], med["classes"] = int(med["steps"]), int(med["classes"])
            each = [per_seed[s][0][label]["classes"] for s in args.seed_list]
            print(line(label, med) + f" | classes per seed {each}")
        firsts = [per_seed[s][1] for s in args.seed_list]
        print("10 classes first at (s of training): "
              + ", ".join(f"seed {s}: {'never' if t is None else f'{t:.1f}'}" for s, t in zip(args.seed_list, firsts)))
    wall = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    images01 = samples.add(1).div(2).clamp(0, 1)  # [-1, 1] -> [0, 1], the last seed's
    torch.save(images01, args.out / "samples.pt")
    save_image(images01[:100], args.out / "samples.png", nrow=10, pad_value=1.0)
    if args.save:
        if args.keep_best:
            fd, label, state = best
            gan.sampler().load_state_dict(state)
            print(f"keeping G as it was at {label.strip()} (FD {fd:.1f}, the lowest measured)")
        checkpoints.save(gan.sampler(), args.save)
        print(f"saved G to {args.save} (+ .sha256)")
    print(f"wrote {args.out / 'samples.pt'} {tuple(images01.shape)} and samples.png "
          f"[{time.perf_counter() - wall:.1f} s]; trained {gan.steps} steps in {gan.train_seconds:.1f} s")
    return per_seed
