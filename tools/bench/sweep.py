"""Run lessons in default mode over seeds and torch thread counts; tabulate every CHECK line they print.

    python -m tools.bench sweep --seeds 0,1,2,3,4 --threads 1,2 [--jobs 2] [notebooks/03*.ipynb ...]

Each run executes a copy of the notebook (the committed file is never touched) with GAN_LESSONS_SEED and
GAN_LESSONS_THREADS set. The table has one row per check and one column per (seed, threads): the value the
check printed, `FAIL` where it failed, `-` where the run stopped before it. It tells whether a threshold holds
beyond the one run that was committed. `--record notebooks/check_spread.json` also merges every value into that
table (lesson -> check -> "s{seed}/t{threads}" -> value), which tests/test_check_spread.py holds each limit against.
"""
import argparse
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# the claim may itself hold colons: a value is what stands before " (need", else after the first ": "
CHECK = re.compile(r"CHECK (ok|FAILED) \| (?:(.*): (\S+) \(need|(.*?): (\S+))")


def run_one(path: Path, seed: int, threads: int, timeout: int, extra_env: dict) -> dict:
    """Execute one notebook in a fresh kernel; return {check: value or 'FAIL'} plus timing and error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:   # a run that stops early must not report the committed run's checks as its own
        if cell.cell_type == "code":
            cell.outputs = []
    # OMP_WAIT_POLICY=PASSIVE: with runs sharing the CPU, 2-thread torch spun its idle thread and a toy step took
    # 20 times longer (lesson 03); a waiting policy changes no result, only how an idle thread waits
    env = dict(os.environ, GAN_LESSONS_SEED=str(seed), GAN_LESSONS_THREADS=str(threads), **extra_env)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "GAN_LESSONS_QUICK" not in extra_env:
        env.pop("GAN_LESSONS_QUICK", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start, error = time.perf_counter(), None
    try:
        client.execute(env=env)   # passed on to the kernel manager: each run's kernel gets its own switches
    except CellExecutionError as err:
        error = str(err).strip().splitlines()[-1][:200]
    except Exception as err:  # a cell timeout or a dead kernel: record it, the sweep goes on
        error = f"{type(err).__name__}: {str(err).strip()[:200]}"
    found, texts = {}, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else "\n".join(out.get("traceback", []))
            text = re.sub(r"\x1b\[[0-9;]*m", "", text)
            texts.append(text)
            for status, claim, value, claim2, value2 in CHECK.findall(text):
                claim, value = (claim, value) if claim else (claim2, value2)
                found[claim] = value.rstrip(",") if status == "ok" else f"FAIL({value.rstrip(',')})"
    return {"checks": found, "seconds": time.perf_counter() - start, "error": error, "text": "\n".join(texts)}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.bench sweep", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebooks/NN_*.ipynb")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (only 1-thread runs share the machine)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("--quick", action="store_true", help="quick mode (a smoke test of the sweep itself)")
    parser.add_argument("--record", type=Path, default=None,
                        help="merge every check's value into this JSON table (default mode only)")
    args = parser.parse_args(argv)
    if args.record and args.quick:
        parser.error("--record keeps default-mode values only: leave out --quick")
    paths = [Path(p) for p in args.notebooks] or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    seeds = [int(s) for s in args.seeds.split(",")]
    thread_counts = [int(t) for t in args.threads.split(",")]
    extra = {"GAN_LESSONS_QUICK": "1"} if args.quick else {}
    for path in paths:
        configs = [(s, t) for t in thread_counts for s in seeds]
        print(f"\n## {path.name}: {len(configs)} runs (seed, threads)", flush=True)
        results = {}
        singles = [c for c in configs if c[1] == 1]
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:   # 1-thread runs may share the CPU
            runs = pool.map(lambda c, path=path: run_one(path, c[0], c[1], args.timeout, extra), singles)
            for cfg, res in zip(singles, runs):
                results[cfg] = res
        for cfg in configs:
            if cfg not in results:
                results[cfg] = run_one(path, cfg[0], cfg[1], args.timeout, extra)
        claims = list(dict.fromkeys(c for cfg in configs for c in results[cfg]["checks"]))
        header = " | ".join(f"s{s}/t{t}" for s, t in configs)
        print(f"| check | {header} |")
        print("|---" * (len(configs) + 1) + "|")
        for claim in claims:
            print(f"| {claim} | " + " | ".join(results[cfg]["checks"].get(claim, "-") for cfg in configs) + " |")
        print("| wall s | " + " | ".join(f"{results[cfg]['seconds']:.0f}" for cfg in configs) + " |")
        for cfg in configs:
            if results[cfg]["error"]:
                print(f"  stopped at seed {cfg[0]}, {cfg[1]} threads: {results[cfg]['error']}")
        print(flush=True)
        if args.record:
            record(args.record, path.stem, {f"s{s}/t{t}": results[(s, t)]["checks"] for s, t in configs})


def record(table_path: Path, lesson: str, runs: dict) -> None:
    """Merge {run: {check: value}} into the JSON table at table_path (re-read first: sweeps may run one by one)."""
    table = json.loads(table_path.read_text()) if table_path.exists() else {}
    checks = table.setdefault(lesson, {})
    for run, found in runs.items():
        for claim, value in found.items():
            checks.setdefault(claim, {})[run] = value
    table_path.write_text(json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
