#!/usr/bin/env python3
"""Two builds of medsave on the same benchmark file, step by step: is a change faster, and where.

    python3 Benchmarks/ab.py --a OLD_BINARY --b NEW_BINARY [--shape national] [--rows 10000000]
                             [--target cheapest] [--threads 1] [--pairs 8] [--gap 0] [--diagnostic]

On a shared machine a run's time moves by a fifth from one minute to the next, far more than most changes
move it, so the two builds are run in pairs, back to back, their order swapped from pair to pair, and each
pair's difference is what counts: the median of the paired differences of each step, beside each build's
median, with an interval that holds the true median difference with 95% probability whatever the noise's
distribution (`median_interval`; it narrows as pairs are added: with 8 pairs it is the whole range). The steps
are the marks `MEDSAVE_MEMORY_TRACE=1` prints (their numbers blanked, so that the same step matches in both),
with each run's user and system time, page faults and peak memory from the kernel.
Both builds must write the same ranking, byte for byte, in every run: the script stops otherwise, unless B is
marked `--diagnostic` (a build that skips some work to show what that work costs, and so ranks differently).
`--gap` waits that many seconds before each run: on a virtual machine that gives memory left free back to its
host, memory a run takes right after another's exit costs less than after a pause (2 MiB pages most of all), so
a change to how memory is taken is measured both ways.

The file is the one `Benchmarks/run.py` makes for the shape and rows (generated here if missing). Build each
binary with `make build` (a release build, the Swift runtime linked in on Linux, as `run.py` builds it) and copy
`.build/release/medsave` away before building the other.
"""
import argparse
import math
import os
import re
import statistics
import sys
import time

import run

MARK = re.compile(r"^medsave: memory: (.*): ([0-9.]+) s, ")


def measure(binary, shape, path, target, threads, out):
    """One run: its steps in order as (label, seconds), and its totals."""
    env = dict(os.environ, MEDSAVE_MEMORY_TRACE="1")
    wall, usage, _, text = run.run_with_usage(run.medsave_cmd(binary, shape, path, target, threads, out), env=env)
    steps, before = [], 0.0
    for line in text.splitlines():
        m = MARK.match(line)
        if m:
            at = float(m.group(2))
            steps.append((re.sub(r"[0-9]+", "#", m.group(1)), at - before))
            before = at
    totals = {"wall (s)": wall, "user (s)": usage.ru_utime, "system (s)": usage.ru_stime,
              "page faults": usage.ru_minflt, "peak (MiB)": usage.ru_maxrss / 1024}
    return steps, totals


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="the build to compare against (say, main's)")
    ap.add_argument("--b", required=True, help="the build with the change")
    ap.add_argument("--shape", default="national", choices=["regional", "national"])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--target", default="cheapest")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--gap", type=float, default=0.0, help="seconds to wait before each run")
    ap.add_argument("--diagnostic", action="store_true",
                    help="B is a diagnostic build that skips work (so ranks differently): time it anyway")
    a = ap.parse_args()
    if a.gap < 0:
        ap.error(f"--gap {a.gap:g}: give the seconds to wait, 0 or more")
    binaries = {"A": os.path.abspath(a.a), "B": os.path.abspath(a.b)}
    python = run.venv_python()
    path = run.dispensing_file(python, a.shape, a.rows)
    outs = {k: os.path.join(run.BENCH, f"ab-{k}.csv") for k in binaries}
    steps = {k: {} for k in binaries}
    totals = {k: {} for k in binaries}
    order = []  # step labels in the order they first come
    differing = 0  # pairs whose rankings differ (only with --diagnostic)
    for i in range(a.pairs):
        for k in (("A", "B") if i % 2 == 0 else ("B", "A")):
            time.sleep(a.gap)
            run_steps, run_totals = measure(binaries[k], a.shape, path, a.target, a.threads, outs[k])
            for label, seconds in run_steps:
                if label not in order:
                    order.append(label)
                steps[k].setdefault(label, []).append(seconds)
            for name, value in run_totals.items():
                totals[k].setdefault(name, []).append(value)
        if open(outs["A"], "rb").read() != open(outs["B"], "rb").read():
            if not a.diagnostic:
                sys.exit(f"pair {i + 1}: the two builds ranked differently ({outs['A']} and {outs['B']})")
            differing += 1
        print(f"pair {i + 1} of {a.pairs}: wall {totals['A']['wall (s)'][-1]:.2f} vs {totals['B']['wall (s)'][-1]:.2f} s",
              file=sys.stderr)

    def row(name, a_values, b_values, digits):
        paired = [b - a for a, b in zip(a_values, b_values)]

        def f(value, sign=False):
            value = round(value, digits) + 0.0  # no "-0.000"
            return f"{value:{'+' if sign else ''}.{digits}f}"
        low, high = median_interval(paired)
        return (f"| {name} | {f(statistics.median(a_values))} | {f(statistics.median(b_values))} | "
                f"{f(statistics.median(paired), sign=True)} | {f(low, sign=True)} to {f(high, sign=True)} | "
                f"{f(min(paired))} to {f(max(paired))} |")

    print(f"A: {binaries['A']}\nB: {binaries['B']}")
    print(f"File: {path} ({a.shape}, {a.rows:,} rows); target {a.target}, {a.threads} thread(s), {a.pairs} pairs "
          f"in alternating order, {a.gap:g} s before each run; "
          + (f"a diagnostic B: the two rankings differed in {differing} of {a.pairs} pairs.\n" if a.diagnostic
             else "the two rankings identical in every pair.\n"))
    print("| step | A median | B median | median of B − A, paired | 95% interval of that median | range of B − A |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for label in order:
        a_values, b_values = steps["A"].get(label, []), steps["B"].get(label, [])
        if len(a_values) == len(b_values) == a.pairs:
            print(row(label, a_values, b_values, 3))
        else:
            print(f"| {label} | (in {len(a_values)} of A's runs and {len(b_values)} of B's) | | | | |")
    for name in totals["A"]:
        print(row(name, totals["A"][name], totals["B"][name], 0 if name in ("page faults", "peak (MiB)") else 3))
    ratios = [b / a for a, b in zip(totals["A"]["wall (s)"], totals["B"]["wall (s)"])]
    low, high = median_interval(ratios)
    faster = sum(r < 1 for r in ratios)
    print(f"\nWall time B / A: median of the paired ratios {statistics.median(ratios):.3f}, 95% interval "
          f"{low:.3f} to {high:.3f} (range {min(ratios):.3f} to {max(ratios):.3f}); B faster in {faster} of "
          f"{len(ratios)} pairs. " + ("The interval holds 1: no difference shown at this number of pairs."
                                       if low <= 1 <= high else "The interval leaves out 1."))


def median_interval(values, level=0.95):
    """An interval that holds the median of the distribution `values` are drawn from with probability at least
    `level`, whatever that distribution: the k-th smallest to the k-th largest value, k the largest for which
    fewer than k of the n values fall below that median with probability (1 − level) / 2 at most (binomial, n
    and 1/2). With fewer than 6 values no k will do, and it is the whole range, which then holds the median with
    a lower probability than `level` (15 in 16 for 5 values)."""
    ordered, n = sorted(values), len(values)
    tail, k = 0.0, 0
    while k < n // 2 and tail + math.comb(n, k) / 2 ** n <= (1 - level) / 2:
        tail += math.comb(n, k) / 2 ** n
        k += 1
    k = max(k, 1)
    return ordered[k - 1], ordered[n - k]


if __name__ == "__main__":
    main()
