"""`python -m gan_lessons.bench dcgan --seconds 120 --out DIR`: lesson 04's DCGAN from scratch, timed.

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


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m gan_lessons.bench dcgan", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=120.0, help="training wall-clock budget (default 120)")
    p.add_argument("--steps", type=int, default=None, help="train exactly this many steps instead (deterministic)")
    p.add_argument("--out", type=Path, default=Path("bench_out/dcgan"), help="folder for samples.pt/.png")
    p.add_argument("--device", default="cpu", help="cpu (default), cuda or mps")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--save", type=Path, default=None, help="also save G's weights here")
    helps = {"width": "G's channels, ngf (the shipped generator has 16)",
             "d_width": "D's channels, ndf (set on its own: --width does not change it)"}
    for f in fields(DigitConfig):   # the config's fields are the options, with its defaults
        if f.name != "kind":
            p.add_argument(f"--{f.name.replace('_', '-')}", type=type(getattr(DCGAN, f.name)),
                           default=getattr(DCGAN, f.name), help=helps.get(f.name, f"default {getattr(DCGAN, f.name)}"))
    args = p.parse_args(argv)
    if args.seconds <= 0 or (args.steps is not None and args.steps <= 0):
        p.error("--seconds and --steps must be positive.")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        p.error("--device cuda was asked for but torch sees no CUDA GPU: leave --device out to run on the CPU.")
    return args


def report(gan, metric, label):
    samples = gan.sample(N_SAMPLES, seed=0)
    r = metric.evaluate(samples)
    ips = gan.steps * gan.config.batch_size / max(gan.train_seconds, 1e-9)
    print(f"{label} | step {gan.steps:6d} | {ips:7.0f} img/s | FD {r['fd']:7.1f} | classes {r['classes']:2d} "
          f"| confident {r['confident']:.2f} | sharpness {r['sharpness']:.2f} (real {r['real_sharpness']:.2f})",
          flush=True)
    return samples, r


def main(argv=None):
    args = parse(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    device = torch.device(args.device)
    digits = load_digits()  # cached per process by gan_lessons.digit_data
    metric = load_metric(device, digits=digits, verbose=True)
    config = DCGAN.but(**{f.name: getattr(args, f.name) for f in fields(DigitConfig) if f.name != "kind"})
    gan = DigitGAN(digits.images, config, device=device)
    threads = f", {torch.get_num_threads()} threads" if device.type == "cpu" else ""
    budget = (f"{args.steps} steps" if args.steps
              else f"{args.seconds:g} s of training (step count depends on the machine)")
    print(f"bench dcgan: {device}{threads} | torch {torch.__version__} | seed {args.seed} | {budget}")
    print(f"config: {gan.config}")

    if args.steps:  # report at the same fractions of a step budget
        marks = sorted({max(1, round(args.steps * f)) for f in (0.25, 0.5, 1.0)})
        for mark in marks:
            while gan.steps < mark:
                gan.step()
            samples, result = report(gan, metric, f"step budget {mark / args.steps:4.0%}")
    else:
        marks = [args.seconds * f for f in (0.25, 0.5, 1.0)]
        for mark in marks:
            while gan.train_seconds < mark:
                gan.step()
            samples, result = report(gan, metric, f"{mark:7.1f} s")
    wall = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    images01 = samples.add(1).div(2).clamp(0, 1)  # [-1, 1] -> [0, 1]
    torch.save(images01, args.out / "samples.pt")
    save_image(images01[:100], args.out / "samples.png", nrow=10, pad_value=1.0)
    if args.save:
        checkpoints.save(gan.G, args.save)
        print(f"saved G to {args.save} (+ .sha256)")
    print(f"wrote {args.out / 'samples.pt'} {tuple(images01.shape)} and samples.png "
          f"[{time.perf_counter() - wall:.1f} s]; trained {gan.steps} steps in {gan.train_seconds:.1f} s")
    return result
