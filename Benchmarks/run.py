#!/usr/bin/env python3
"""medsave against DuckDB on the same CSV files, and the numeric core against plain dgemm: one command.

    python3 Benchmarks/run.py [--shapes regional,national] [--rows 1000000,10000000] [--national-rows 3000000,10000000]
                              [--targets p10,pv,cheapest] [--repeat 5] [--threads 2,1] [--out .build-bench/results.md]
                              [--readme]

1. Builds medsave and medsave-blas-bench in release mode; installs duckdb and numpy into .build-bench/venv.
2. Generates the dispensing files (Benchmarks/generate.py, seeded) once into .build-bench/: the regional shape
   (few cells, many rows each) at --rows, the national shape (every row its own cell) at --national-rows; and
   counts each file's (period, unit, product) cells with DuckDB, for the bytes per cell.
3. Checks that medsave and DuckDB agree on every file, for every target: the same top 100
   (unit, class) in the same order with savings within half a cent, and totals within 1e-9 relative.
4. Times `medsave rank` and the DuckDB script (Benchmarks/duckdb_rank.py) alternately, --repeat times each (three
   times as many where medsave's first run takes under a second: a short run's noise is a larger share), with
   the threads fixed for both, and records the wall time (median), the median of the ratios of each pair of
   runs (steadier when the machine's speed drifts) and the peak memory (max RSS) of each process.
5. Runs medsave-blas-bench (scenario, forecast and bootstrap products against cblas_dgemm of the same size).
6. Writes a Markdown table of the results to --out and prints it; with --readme, also into README.md between
   the lines `<!-- benchmark:begin -->` and `<!-- benchmark:end -->`.

medsave runs with `--rules none` so that both compute the same thing (DuckDB has no safety rules).
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build-bench")
# Release builds as `make build` makes them (Makefile RELEASE_FLAGS): the Swift runtime linked in on Linux. Every
# release build passes the same flags, or SwiftPM rebuilds every module.
RELEASE_FLAGS = ["--static-swift-stdlib"] if sys.platform.startswith("linux") else []
VENV = os.path.join(BENCH, "venv")


# Files whose first medsave run takes under SHORT_RUN_SECONDS get SHORT_RUN_FACTOR times --repeat pairs.
SHORT_RUN_SECONDS, SHORT_RUN_FACTOR = 1.0, 3


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def venv_python():
    python = os.path.join(VENV, "bin", "python3")
    if not os.path.exists(python):
        sh([sys.executable, "-m", "venv", VENV])
    if subprocess.run([python, "-c", "import duckdb, numpy"], capture_output=True).returncode != 0:
        sh([python, "-m", "pip", "install", "--quiet", "duckdb", "numpy"])
    return python


def run_with_usage(cmd, env=None):
    """Runs cmd and waits with wait4, so that the resources are this process's own: (wall, rusage, out, err)."""
    out_path, err_path = os.path.join(BENCH, "stdout"), os.path.join(BENCH, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
    text_out, text_err = open(out_path).read(), open(err_path).read()
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{text_err}")
    return wall, usage, text_out, text_err


def run_with_rusage(cmd, env=None):
    """`run_with_usage` with the peak memory (max RSS) in MiB: (wall, MiB, out, err)."""
    wall, usage, text_out, text_err = run_with_usage(cmd, env)
    return wall, usage.ru_maxrss / 1024, text_out, text_err


def catalogue_of(shape):
    return os.path.join(BENCH, "catalogue.csv" if shape == "regional" else f"catalogue-{shape}.csv")


def dispensing_file(python, shape, rows):
    """The benchmark's dispensing file of the shape and rows, generated (seeded) with its catalogue if missing."""
    path = os.path.join(BENCH, f"dispensing-{rows}.csv" if shape == "regional" else f"dispensing-{shape}-{rows}.csv")
    if not os.path.exists(path):
        print(f"generating {shape} {rows} rows …", file=sys.stderr)
        sh([python, os.path.join(ROOT, "Benchmarks", "generate.py"), "--shape", shape, "--rows", str(rows),
            "--out", path, "--catalogue", catalogue_of(shape)])
    return path


def medsave_cmd(binary, shape, dispensing, target, threads, out):
    return [binary, "rank", "--dispensing", dispensing, "--catalog", catalogue_of(shape),
            "--target", target, "--rules", "none", "--top", "100", "--min-saving", "0", "--format", "csv",
            "--threads", str(threads), "--output", out]


def duckdb_cmd(python, shape, dispensing, target, threads, out):
    return [python, os.path.join(ROOT, "Benchmarks", "duckdb_rank.py"), "--dispensing", dispensing,
            "--catalogue", catalogue_of(shape), "--target", target, "--threads", str(threads), "--out", out]


def count_cells(python, path):
    """The distinct (period, unit, product) cells of a dispensing file, counted by DuckDB."""
    code = ("import duckdb, sys\n"
            "sql = (\"SELECT count(*) FROM (SELECT DISTINCT period, unit, product FROM read_csv('\" + sys.argv[1]\n"
            "       + \"', header = true, all_varchar = true))\")\n"
            "con = duckdb.connect()\n"
            "con.execute('SET enable_progress_bar = false')\n"
            "print(con.execute(sql).fetchone()[0])\n")
    out = subprocess.run([python, "-c", code, path], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1])


def medsave_result(path, stderr):
    import csv
    rows = list(csv.DictReader(open(path)))
    top = [(r["key"], r["class"], float(r["saving"])) for r in rows]
    line = next(l for l in stderr.splitlines() if "note: saving:" in l)
    total = float(line.split("saving: ")[1].split(" ")[0])
    return top, total


def duckdb_result(path):
    lines = open(path).read().splitlines()
    top = [(u, c, float(s)) for u, c, s in (l.split(",") for l in lines[:-1])]
    return top, float(lines[-1].split(",")[2])


def agree(ours, theirs, label):
    (top_a, total_a), (top_b, total_b) = ours, theirs
    problems = []
    if [(k, c) for k, c, _ in top_a] != [(k, c) for k, c, _ in top_b]:
        problems.append("the top 100 differ")
    problems += [f"saving of {k} {c}: {a} vs {b}" for (k, c, a), (_, _, b) in zip(top_a, top_b) if abs(a - b) > 0.0051]
    if abs(total_a - total_b) > 1e-9 * abs(total_b) + 0.005:
        problems.append(f"totals {total_a} vs {total_b}")
    if problems:
        sys.exit(f"medsave and DuckDB disagree on {label}: " + "; ".join(problems[:5]))
    return f"{label}: top 100 identical, totals {total_a:.2f} vs {total_b:.4f}"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) // 1024 // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{cpu}, {os.cpu_count()} cores, {mem} GiB; {swift}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shapes", default="regional,national")
    ap.add_argument("--rows", default="1000000,10000000", help="rows of the regional files")
    ap.add_argument("--national-rows", default="3000000,10000000", help="rows of the national files")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--targets", default="p10,pv,cheapest")
    ap.add_argument("--out", default=os.path.join(BENCH, "results.md"))
    ap.add_argument("--readme", action="store_true", help="also write the results into README.md")
    a = ap.parse_args()
    os.makedirs(BENCH, exist_ok=True)
    sh(["swift", "build", "-c", "release", "--product", "medsave"] + RELEASE_FLAGS)
    sh(["swift", "build", "-c", "release", "--product", "medsave-blas-bench"] + RELEASE_FLAGS)
    bin_dir = sh(["swift", "build", "-c", "release", "--show-bin-path"], capture_output=True, text=True).stdout.strip()
    medsave = os.path.join(bin_dir, "medsave")
    python = venv_python()
    duckdb_version = subprocess.run([python, "-c", "import duckdb; print(duckdb.__version__)"], capture_output=True,
                                    text=True).stdout.strip()

    files, cells = {}, {}
    for shape in a.shapes.split(","):
        for n in [int(x) for x in (a.rows if shape == "regional" else a.national_rows).split(",")]:
            path = dispensing_file(python, shape, n)
            files[(shape, n)] = path
            cells[(shape, n)] = count_cells(python, path)

    threads = [int(x) for x in a.threads.split(",")]
    targets = a.targets.split(",")
    checks, table = [], []
    top_ours, top_theirs = os.path.join(BENCH, "medsave-top.csv"), os.path.join(BENCH, "duckdb-top.csv")
    for (shape, n), path in files.items():
        for target in targets:
            _, _, _, err = run_with_rusage(medsave_cmd(medsave, shape, path, target, max(threads), top_ours))
            run_with_rusage(duckdb_cmd(python, shape, path, target, max(threads), top_theirs))
            checks.append(agree(medsave_result(top_ours, err), duckdb_result(top_theirs), f"{shape} {n:,} rows, {target}"))
            print(checks[-1], file=sys.stderr)
            for t in threads:
                ours, theirs, ours_mem, theirs_mem = [], [], [], []
                pairs = a.repeat
                while len(ours) < pairs:
                    w, m, _, _ = run_with_rusage(medsave_cmd(medsave, shape, path, target, t, top_ours))
                    ours.append(w); ours_mem.append(m)
                    w, m, _, _ = run_with_rusage(duckdb_cmd(python, shape, path, target, t, top_theirs))
                    theirs.append(w); theirs_mem.append(m)
                    # A run under a second moves by as much as a longer one in absolute terms (start-up, the
                    # machine's drift), so by more relatively: such files get SHORT_RUN_FACTOR times the pairs.
                    if len(ours) == 1 and ours[0] < SHORT_RUN_SECONDS:
                        pairs = a.repeat * SHORT_RUN_FACTOR
                # Each medsave run is paired with the DuckDB run right after it: on a shared machine whose speed
                # drifts, the median of the pairs' ratios is steadier than the ratio of the medians.
                paired = statistics.median(o / d for o, d in zip(ours, theirs))
                row = (shape, n, target, t, statistics.median(ours), statistics.median(theirs), max(ours_mem),
                       max(theirs_mem), min(ours), max(ours), min(theirs), max(theirs), paired, len(ours))
                table.append(row)
                print(f"{shape} {n:,} rows {target} {t} threads: medsave {row[4]:.2f} s, DuckDB {row[5]:.2f} s, "
                      f"ratio {row[4] / row[5]:.2f}, paired {paired:.2f}, {max(ours_mem):.0f} vs "
                      f"{max(theirs_mem):.0f} MiB", file=sys.stderr)

    blas = subprocess.run([os.path.join(bin_dir, "medsave-blas-bench"), "--threads", str(max(threads))],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout
    core = subprocess.run([os.path.join(bin_dir, "medsave-blas-bench"), "--repeat", "1"], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ, OPENBLAS_VERBOSE="2"))
    core = (core.stdout + core.stderr).splitlines()
    core = next((l for l in core if l.startswith("Core:")), "Core: ?")

    lines = [f"Machine: {machine()}; DuckDB {duckdb_version}; OpenBLAS {core}",
             f"Command: python3 Benchmarks/run.py --shapes {a.shapes} --rows {a.rows} --national-rows "
             f"{a.national_rows} --targets {a.targets} --repeat {a.repeat} --threads {a.threads}", ""]
    lines += ["Agreement: " + "; ".join(checks), ""]
    lines += ["| shape | rows | cells | target | threads | pairs | medsave s (median) | DuckDB s (median) | "
              "ratio of medians | median paired ratio | medsave MiB | DuckDB MiB | medsave bytes/cell | medsave range | "
              "DuckDB range |",
              "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for shape, n, target, t, o, d, om, dm, omin, omax, dmin, dmax, paired, pairs in table:
        per_cell = om * 1024 * 1024 / cells[(shape, n)]
        lines.append(f"| {shape} | {n:,} | {cells[(shape, n)]:,} | {target} | {t} | {pairs} | {o:.2f} | {d:.2f} | "
                     f"{o / d:.2f} | {paired:.2f} | {om:.0f} | {dm:.0f} | {per_cell:.0f} | {omin:.2f}–{omax:.2f} | "
                     f"{dmin:.2f}–{dmax:.2f} |")
    lines += ["", f"BLAS ({max(threads)} threads):", "", blas.rstrip()]
    text = "\n".join(lines) + "\n"
    open(a.out, "w").write(text)
    print(text)
    if a.readme:
        readme = os.path.join(ROOT, "README.md")
        body = open(readme).read()
        begin, end = "<!-- benchmark:begin -->\n", "<!-- benchmark:end -->"
        if begin not in body or end not in body:
            sys.exit("README.md has no <!-- benchmark:begin --> … <!-- benchmark:end --> block")
        head, rest = body.split(begin, 1)
        open(readme, "w").write(head + begin + text + end + rest.split(end, 1)[1])


if __name__ == "__main__":
    main()
