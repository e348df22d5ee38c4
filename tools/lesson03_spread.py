"""The spread of lesson 03's five-seed statistics, from many independent runs instead of a few windows.

    python tools/-m tools.lesson03_spread --runs 50 [--threads 1] [--out artifacts/any_seed/lesson03_runs.json]

Lesson 03 trains each setting as 5 stacked runs (seeds s..s+4) and checks a statistic over them: a mean, a
minimum or a maximum over the five. A sweep over setup seeds 0-4 sees only ten such windows, and they overlap
(seeds 0-8). Here each setting is trained once with RUNS stacked runs (each run is an independent GAN: its
own initial weights and its own slice of every minibatch, exactly as in the lesson), the lesson's per-run
numbers are recorded, and every window statistic is resampled from them: 5 runs drawn without replacement,
100,000 times. The printout gives, per check, quantiles of the statistic and how often the lesson's limit
would fail, so a limit is set from the statistic's own spread rather than from the runs one sweep happened
to see. The loss-based and gradient-norm checks average over the stacked runs inside the step, so they
cannot be split per run; their spread comes from the lesson sweep (`python -m tools.bench sweep`).
"""
import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from gan_lessons import toy_data
from gan_lessons.toy_gan import PRESETS, ToyGAN

STEPS, STRONG_STEPS, WINDOW = 3000, 300, 5
LESSON = "03_vanilla_gan_training"
REPLACED = " (replaced: a minimum or a mean that did not hold at every seed)"


def per_run(gan):
    out = []
    for r in range(gan.config.runs):
        x = gan.samples(r)
        q = toy_data.quality(x, "ring")
        out.append({"modes": q.modes_covered, "hq": q.high_quality, "top2": toy_data.top2_share(x, "ring")})
    return out


def train_setting(name, runs, seed):
    gan = ToyGAN(PRESETS[name].but(runs=runs, seed=seed))
    track = {}   # step -> per-run (angle, concentration, modes)

    def log(h):
        rows = []
        for r in range(runs):
            x = gan.samples(r)
            angle, conc = toy_data.mean_direction(x)
            rows.append((angle, conc, toy_data.quality(x, "ring").modes_covered))
        track[h.steps] = rows
    gan.train(STEPS, every=100, on_update=log, progress=False)
    rows = per_run(gan)
    logged = sorted(track)
    angle = np.unwrap(np.array([[a for a, _, _ in track[t]] for t in logged]), axis=0) / (2 * math.pi / 8)
    conc = np.array([[c for _, c, _ in track[t]] for t in logged])
    after = np.array(logged) >= STEPS // 6
    for r, row in enumerate(rows):
        row["min_concentration"] = float(conc[after, r].min())
        row["mean_concentration"] = float(conc[after, r].mean())
        row["travel"] = float(np.abs(np.diff(angle[after, r])).sum())
        row["modes_at_300"] = track[STRONG_STEPS][r][2]
    return rows


def train_strong(runs, seed):
    gan = ToyGAN(PRESETS["vanilla"].but(k=5, runs=runs, seed=seed))
    gan.train(STRONG_STEPS, progress=False)
    return per_run(gan)


def statistics(data, idx):
    """{check as the lesson prints it: its value in each resampled window}; idx [draws, WINDOW] picks the runs."""
    def col(name, key):
        return np.array([row[key] for row in data[name]])[idx]          # [draws, WINDOW]
    return {
        "collapsed setting: mean modes covered": col("collapsed", "modes").mean(-1),
        "collapsed setting: mean share of samples nearest two modes": col("collapsed", "top2").mean(-1),
        "packed runs: largest share of samples nearest two modes": col("packed", "top2").max(-1),
        "packed runs: fewest modes covered on any seed" + REPLACED: col("packed", "modes").min(-1),
        "packed runs: lowest high-quality share on any seed" + REPLACED: col("packed", "hq").min(-1),
        "packed runs: mean modes covered": col("packed", "modes").mean(-1),
        "packed runs: mean high-quality share": col("packed", "hq").mean(-1),
        "collapsed runs: mean lowest concentration after settling" + REPLACED:
            col("collapsed", "min_concentration").mean(-1),
        "collapsed runs: mean concentration after settling": col("collapsed", "mean_concentration").mean(-1),
        "collapsed runs: mean angle travelled after settling, in modes": col("collapsed", "travel").mean(-1),
        "vanilla minus collapsed: mean modes covered": (col("vanilla", "modes").mean(-1)
                                                         - col("collapsed", "modes").mean(-1)),
        "k = 5: mean modes covered" + REPLACED: col("strong", "modes").mean(-1),
        # the lesson's k = 1 and k = 5 runs of a window share their seeds (initial weights): same idx for both
        "k = 1 minus k = 5: mean modes covered at the same step": (col("vanilla", "modes_at_300").mean(-1)
                                                                    - col("strong", "modes").mean(-1)),
        "k = 5: mean high-quality share": col("strong", "hq").mean(-1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=100, help="first run's seed (away from the lesson's 0-8)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None, help="save the per-run numbers (JSON)")
    parser.add_argument("--record", type=Path, default=None,
                        help="write each check's resampled 0.1 %% and 99.9 %% quantiles into this table "
                             "(notebooks/check_spread.json) as its _tail")
    parser.add_argument("--only", default=None,
                        help="train only these settings (comma-separated, of collapsed,vanilla,packed,strong) and "
                             "replace them in --out, keeping its others (after a preset changed)")
    parser.add_argument("--load", type=Path, nargs="*", default=None,
                        help="resample saved per-run numbers (several files: their runs pooled) instead of training")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.load:
        parts = [json.loads(path.read_text()) for path in args.load]
        data = {name: [row for part in parts for row in part[name]] for name in parts[0] if name != "meta"}
        data["meta"] = {"runs": sum(p["meta"]["runs"] for p in parts),
                        "seed": ", ".join(str(p["meta"]["seed"]) for p in parts),
                        "threads": ", ".join(str(p["meta"]["threads"]) for p in parts),
                        "seconds": sum(p["meta"]["seconds"] for p in parts)}
    else:
        t0 = time.perf_counter()
        names = args.only.split(",") if args.only else ["collapsed", "vanilla", "packed", "strong"]
        data = json.loads(args.out.read_text()) if args.only and args.out and args.out.exists() else {}
        for name in names:
            data[name] = train_strong(args.runs, args.seed) if name == "strong" else \
                train_setting(name, args.runs, args.seed)
        seconds = round(time.perf_counter() - t0, 1) + (data["meta"]["seconds"] if "meta" in data else 0)
        data["meta"] = {"runs": args.runs, "seed": args.seed, "threads": args.threads, "seconds": seconds}
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(data, indent=1))
    meta = data.pop("meta")
    runs = meta["runs"]
    rng = np.random.default_rng(0)
    idx = np.argsort(rng.random((args.draws, runs)), axis=1)[:, :WINDOW]   # 5 distinct runs per draw
    stats = statistics(data, idx)
    print(f"{runs} runs per setting from seed {meta['seed']}, {meta['threads']} thread(s), "
          f"trained in {meta['seconds']} s; {args.draws} windows of {WINDOW} runs resampled")
    print("| statistic | min | 0.1 % | 1 % | median | 99 % | 99.9 % | max | mean | sd |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for claim, values in stats.items():
        q = np.quantile(values, [0, 0.001, 0.01, 0.5, 0.99, 0.999, 1])
        print(f"| {claim} | " + " | ".join(f"{x:.3g}" for x in q) + f" | {values.mean():.3g} | {values.std():.3g} |")
    if args.record:
        table = json.loads(args.record.read_text()) if args.record.exists() else {}
        for claim, values in stats.items():
            if not claim.endswith(REPLACED):
                q = np.quantile(values, [0.001, 0.999])
                table.setdefault(LESSON, {}).setdefault(claim, {})["_tail"] = {
                    "0.1%": f"{q[0]:.4g}", "99.9%": f"{q[1]:.4g}", "runs": runs}
        args.record.write_text(json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    per = {name: {k: [round(row[k], 3) for row in rows] for k in rows[0]} for name, rows in data.items()}
    print("\nper run, sorted:")
    for name, cols in per.items():
        for k, vals in cols.items():
            print(f"  {name:9s} {k:18s} {sorted(vals)}")


if __name__ == "__main__":
    main()
