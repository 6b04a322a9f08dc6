#!/usr/bin/env python3
"""A national-shaped year through month shards: medsave against DuckDB doing the same job in one query.

    python3 Benchmarks/year.py [--rows 100000000] [--targets cheapest,pv,p10] [--threads 2] [--months-check]
                               [--readme]

1. Generates the year once (Benchmarks/generate.py --shape national --shards, streamed month by month) into
   .build-bench/national-year/period=YYYY-MM/part-00000.csv, about 5.5 GB at 100 M rows.
2. For each target: `medsave rank --dispensing FOLDER` (months read one at a time) and the DuckDB peer
   (Benchmarks/duckdb_rank.py over the same folder as Hive partitions, one query), each once, with wall time and
   peak memory (max RSS); checks that they agree (top 100 and total, as run.py does).
3. With --months-check: the year's total equals the sum of the twelve single-month runs' totals (cheapest).
4. Writes a Markdown table to .build-bench/year.md and prints it; with --readme, also into README.md between
   `<!-- year:begin -->` and `<!-- year:end -->`.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

FOLDER = os.path.join(run.BENCH, "national-year")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--targets", default="cheapest,pv,p10")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--months-check", action="store_true")
    ap.add_argument("--readme", action="store_true")
    a = ap.parse_args()
    python = run.venv_python()
    run.sh(["swift", "build", "-c", "release", "--product", "medsave"] + run.RELEASE_FLAGS)
    binary = os.path.join(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=run.ROOT,
                                         check=True, capture_output=True, text=True).stdout.strip(), "medsave")
    marker = os.path.join(FOLDER, f".rows-{a.rows}")
    if not os.path.exists(marker):
        run.sh([python, os.path.join(run.ROOT, "Benchmarks", "generate.py"), "--shape", "national", "--rows",
                str(a.rows), "--shards", FOLDER, "--catalogue", run.catalogue_of("national")])
        open(marker, "w").close()
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(FOLDER) for f in fs if f.endswith(".csv"))
    lines = [f"National-shaped year: {a.rows:,} rows in 12 month folders ({size / 1e9:.1f} GB), "
             f"{a.threads} threads; {run.machine()}.", "",
             "| target | medsave (month shards) | peak | DuckDB (one query) | peak | medsave / DuckDB |",
             "| --- | --- | --- | --- | --- | --- |"]
    notes = []
    for target in filter(None, a.targets.split(",")):
        ours = os.path.join(run.BENCH, "year-medsave.csv")
        theirs = os.path.join(run.BENCH, "year-duckdb.csv")
        wall_m, peak_m, _, err = run.run_with_rusage(run.medsave_cmd(binary, "national", FOLDER, target, a.threads, ours))
        wall_d, peak_d, _, _ = run.run_with_rusage(run.duckdb_cmd(python, "national", FOLDER, target, a.threads, theirs))
        notes.append(run.agree(run.medsave_result(ours, err), run.duckdb_result(theirs), f"year {target}"))
        lines.append(f"| {target} | {wall_m:.1f} s | {peak_m / 1024:.2f} GiB | {wall_d:.1f} s | {peak_d / 1024:.2f} GiB "
                     f"| {wall_m / wall_d:.2f}× |")
        print(lines[-1], flush=True)
    if a.months_check:
        months = sorted(m for m in os.listdir(FOLDER) if m.startswith("period="))
        year_out = os.path.join(run.BENCH, "year-check.csv")
        _, _, _, err = run.run_with_rusage(run.medsave_cmd(binary, "national", FOLDER, "cheapest", a.threads, year_out))
        total = run.medsave_result(year_out, err)[1]
        monthly = 0.0
        for m in months:
            files = [os.path.join(FOLDER, m, f) for f in sorted(os.listdir(os.path.join(FOLDER, m))) if f.endswith(".csv")]
            cmd = run.medsave_cmd(binary, "national", files[0], "cheapest", a.threads, year_out)
            cmd[4:4] = files[1:] + ["--set", "period=" + m[len("period="):]]
            _, _, _, err = run.run_with_rusage(cmd)
            monthly += run.medsave_result(year_out, err)[1]
        # Each run prints its total to the cent, so the twelve printed totals may differ from the year's by up to
        # half a cent each (the exact equality is tested on a small case: MonthFoldTests).
        bound = 0.005 * (len(months) + 1)
        agrees = abs(total - monthly) <= bound + 1e-9
        notes.append(f"cheapest: the year's total {total:.2f} {'=' if agrees else '≠'} the sum of the {len(months)} "
                     f"single-month runs' printed totals, {monthly:.2f} (within their rounding, ±{bound:.3f})")
    lines += [""] + [f"- {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(run.BENCH, "year.md"), "w") as f:
        f.write(text)
    print(text)
    if a.readme:
        path = os.path.join(run.ROOT, "README.md")
        readme = open(path).read()
        begin, end = "<!-- year:begin -->", "<!-- year:end -->"
        head, rest = readme.split(begin)
        _, tail = rest.split(end)
        open(path, "w").write(head + begin + "\n" + text + end + tail)


if __name__ == "__main__":
    main()
