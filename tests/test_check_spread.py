"""Every check's limit held against the spread of what it measured (notebooks/check_spread.json).

A lesson's check must hold at any seed a student picks, not only at the committed one. The table keeps, for
every check of every lesson, the value it printed in default-mode runs: the tuning runs (setup seeds 0-4 with
1 and 2 torch threads, `s0/t1` ... `s4/t2`), from which the limits are set, and the confirmation runs on seeds
nobody tuned on (`s10/t1` ... `s19/t1`). Lesson 03's window statistics (a mean or a maximum over five stacked
runs) also carry `_tail`: their 0.1 % and 99.9 % quantiles, resampled from 40 independent runs
(tools/lesson03_spread.py --record). The sweep writes the table: `python -m tools.bench sweep --record
notebooks/check_spread.json`.

The test fails when a limit sits within 3 standard deviations of its tuning runs' mean (in log10 for a check the
table marks `"_scale": "log"`, a positive ratio spread over orders of magnitude), when any measured run
(tuned or not) failed it, when a resampled tail crosses it, or when a lesson prints a check the table has never
measured (a new or reworded check needs its sweep). A p-value is the one exception to the spread rule: when its
claim holds it is uniform (or larger), so its limit alone bounds how often a true claim fails; it is held to at
most 0.001.
"""
import json
import math
import re
import statistics
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "notebooks" / "check_spread.json"
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LINE = re.compile(r"(.*): (\S+) \(need (.+)\)\s*$")
TUNING = [f"s{s}/t{t}" for t in (1, 2) for s in range(5)]
UNTUNED = [f"s{s}/t1" for s in range(10, 20)]
SIGMAS = 3
P_VALUE_LIMIT = 1e-3
OPS = {"<": lambda v, b: v < b, ">": lambda v, b: v > b, "<=": lambda v, b: v <= b, ">=": lambda v, b: v >= b}


def limits(need: str):
    """'< 0.5 and > 0.1' -> [('<', 0.5), ('>', 0.1)]"""
    out = []
    for part in need.split(" and "):
        op, bound = part.split()
        out.append((op, float(bound)))
    return out


def committed_lines(path: Path):
    """Every 'CHECK ok | ...' line in the lesson's committed outputs, without that prefix."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = out["text"] if isinstance(out["text"], str) else "".join(out["text"])
                yield from (line.removeprefix("CHECK ok | ") for line in text.splitlines() if "CHECK ok | " in line)


def committed_checks(path: Path):
    """(claim, limits) of every CHECK line with limits in the lesson's committed outputs."""
    return [(m.group(1), limits(m.group(3))) for m in map(LINE.match, committed_lines(path)) if m]


def problems(claim, lims, runs: dict) -> list:
    """What is wrong with one check's limits against its measured runs (an empty list: nothing)."""
    missing = [r for r in TUNING + UNTUNED if r not in runs]
    out = [f"{claim!r}: no measured value for {', '.join(missing)} (run the sweep with --record)"] if missing else []
    for run in [r for r in TUNING + UNTUNED if r in runs]:
        value = runs[run]
        if value.startswith("FAIL"):
            out.append(f"{claim!r}: the {run} run failed it ({value})")
            continue
        for op, bound in lims:
            if not OPS[op](float(value), bound):
                out.append(f"{claim!r}: the {run} run measured {value}, which fails 'need {op} {bound:g}'")
    tuned = [float(runs[r]) for r in TUNING if r in runs and not runs[r].startswith("FAIL")]
    if len(tuned) < 2:
        return out
    if "p-value" in claim:
        # a p-value is uniform on [0, 1] when the claim holds: its limit alone sets how often a true claim fails
        return out + [f"{claim!r}: a p-value limit of {b:g} fails a true claim in more than 1 run of 1,000"
                      for op, b in lims if op in (">", ">=") and b > P_VALUE_LIMIT]
    # a check marked "_scale": "log" (a ratio of gradient norms, spread over orders of magnitude) is judged in log10
    log = runs.get("_scale") == "log"
    scale = (lambda v: math.log10(v)) if log else (lambda v: v)
    mean, sd = statistics.fmean(map(scale, tuned)), statistics.stdev(map(scale, tuned))
    for op, bound in lims:
        edge = mean + SIGMAS * sd if op in ("<", "<=") else mean - SIGMAS * sd
        edge = 10 ** edge if log else edge
        if not OPS[op.rstrip("=") + "="](edge, bound):
            out.append(f"{claim!r}: limit {op} {bound:g} sits within {SIGMAS} sd of the tuning runs "
                       f"({'log10 ' if log else ''}mean {mean:.4g}, sd {sd:.3g}, so {SIGMAS} sd reach {edge:.4g})")
        if "_tail" in runs:
            tail = runs["_tail"]["99.9%" if op in ("<", "<=") else "0.1%"]
            if not OPS[op](float(tail), bound):
                out.append(f"{claim!r}: its resampled 0.1 % tail {tail} fails 'need {op} {bound:g}'")
    return out


def test_the_table_covers_every_lesson_and_only_checks_they_print():
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    assert sorted(table) == [p.stem for p in LESSONS]
    for path in LESSONS:
        printed = list(committed_lines(path))
        stale = [claim for claim in table[path.stem] if not any(line.startswith(claim + ": ") for line in printed)]
        assert not stale, f"{path.name} no longer prints these checks: remove them from {TABLE.name}: {stale}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
def test_every_limit_holds_beyond_the_runs_it_was_set_on(path):
    table = json.loads(TABLE.read_text(encoding="utf-8")).get(path.stem, {})
    checks = committed_checks(path)
    assert checks, f"{path.name} prints no CHECK line with limits"
    found = [p for claim, lims in checks for p in problems(claim, lims, table.get(claim, {}))]
    assert not found, f"{path.name}:\n" + "\n".join(found)


def test_the_rule_catches_a_limit_tuned_to_one_run():
    runs = {r: str(0.86 + 0.01 * (i % 3)) for i, r in enumerate(TUNING + UNTUNED)}
    assert problems("packed runs", [(">=", 0.85)], runs)            # within 3 sd of the tuning runs
    assert not problems("packed runs", [(">=", 0.8)], runs)
    runs["s13/t1"] = "FAIL(0.47)"                                    # an untuned seed failed
    assert any("s13/t1" in p for p in problems("packed runs", [(">=", 0.8)], runs))
    runs["s13/t1"] = "0.87"
    runs["_tail"] = {"0.1%": "0.79", "99.9%": "0.89"}                # the resampled tail crosses the limit
    assert any("tail" in p for p in problems("packed runs", [(">=", 0.8)], runs))
    assert problems("new check", [("<", 1.0)], {})                   # never measured
    ratios = {r: str(10.0 ** (1 + i % 3)) for i, r in enumerate(TUNING + UNTUNED)} | {"_scale": "log"}  # 10 .. 1000
    assert problems("gradient ratio", [(">", 5)], ratios) and not problems("gradient ratio", [(">", 0.1)], ratios)
    uniform = {r: str(0.05 + 0.1 * i) for i, r in enumerate(TUNING + UNTUNED)}
    assert problems("KS p-value, samples vs data", [(">", 0.01)], uniform)
    assert not problems("KS p-value, samples vs data", [(">", 0.001)], uniform)
