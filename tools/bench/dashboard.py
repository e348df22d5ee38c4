"""`python -m tools.bench dashboard`: train the ring with the dashboard drawing off-screen, print the rates.

Steps/s counts every step over the whole wall time, drawing included (what a projected session feels).
"""
import argparse
import time

import matplotlib

matplotlib.use("Agg")  # off-screen: no display needed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.bench dashboard", description=__doc__)
    parser.add_argument("--steps", type=int, default=6000, help="training steps (default 6000)")
    parser.add_argument("--preset", default="packed", help="vanilla, collapsed or packed (default packed)")
    parser.add_argument("--data", default="ring", help="ring or grid (default ring)")
    parser.add_argument("--fps", type=float, default=None,
                        help="redraws per second to aim for (default: the dashboard's)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1: faster for nets this small)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)


    import torch

    from gan_lessons import toy_dashboard
    from gan_lessons.toy_gan import PRESETS, ToyGAN

    if args.preset not in PRESETS:
        raise SystemExit(f"--preset {args.preset!r} is unknown: use one of {', '.join(PRESETS)}.")
    torch.set_num_threads(args.threads)
    config = PRESETS[args.preset].but(data=args.data, seed=args.seed)
    dash = toy_dashboard.Dashboard(ToyGAN(config))
    fps = args.fps or toy_dashboard.FPS

    # one redraw alone, for the record
    t = time.perf_counter()
    for _ in range(5):
        dash.redraw()
    draw_ms = (time.perf_counter() - t) / 5 * 1000

    frames0, steps0 = dash.frames, dash.gan.history.steps
    start, cpu_start = time.perf_counter(), time.process_time()
    history = dash.train(args.steps, fps=fps, progress=False)   # the notebook's own live-training path
    steps = history.steps - steps0
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    q = dash.gan.quality()
    print(f"dashboard bench: {args.data}, preset {args.preset}, {config.k=}, {torch.get_num_threads()} thread(s), "
          f"{wall:.1f} s")
    print(f"one redraw: {draw_ms:.0f} ms")
    print(f"training steps/s (drawing included): {steps / wall:.0f}")
    print(f"redraws/s: {(dash.frames - frames0) / wall:.1f}")
    # on a shared machine wall time includes waiting for the CPU; CPU time is what an idle machine would take
    print(f"CPU time {cpu:.1f} s of {wall:.1f} s wall ({100 * cpu / wall:.0f}%): per CPU-second "
          f"{steps / cpu:.0f} steps/s and {(dash.frames - frames0) / cpu:.1f} redraws/s")
    print(f"after {steps} steps: modes covered {q.modes_covered}/{q.n_modes}, high quality {100 * q.high_quality:.1f}%")
    return {"steps_per_s": steps / wall, "redraws_per_s": (dash.frames - frames0) / wall, "quality": q}
