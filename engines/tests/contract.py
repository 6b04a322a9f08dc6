"""What the engines' partial sums must give: medsave's output on them identical, byte for byte, to its output on
the raw rows. Shared by the DuckDB tests (every `make test`) and the Spark test (`.ci/run`)."""
import gzip
import os
import random
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MEDSAVE = os.environ.get("MEDSAVE_BINARY", os.path.join(ROOT, ".build", "debug", "medsave"))
CATALOGUE = os.path.join(ROOT, "datasets", "catalogue.csv")
EPD = os.path.join(ROOT, "Tests", "Fixtures", "epd-small.csv")
SWAPS = os.path.join(ROOT, "Tests", "Fixtures", "swaps-small.csv")


def bundled_rows():
    """The bundled dataset (datasets/, about 212,000 rows over 12 months) without its patient column, which the
    partial sums do not carry (a distinct count does not add): header and lines."""
    with gzip.open(os.path.join(ROOT, "datasets", "dispensing.csv.gz"), "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    at = lines[0].split(",").index("patient")
    rows = [",".join(field for i, field in enumerate(line.split(",")) if i != at) for line in lines]
    return rows[0], rows[1:]


def write(path, header, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + "\n")
        f.writelines(line + "\n" for line in lines)
    return path


def split(lines, parts, seed=7):
    """The lines dealt at random into `parts` disjoint parts."""
    rng = random.Random(seed)
    out = [[] for _ in range(parts)]
    for line in lines:
        out[rng.randrange(parts)].append(line)
    return out


def rank(dispensing, *options):
    """medsave rank's standard output and summary lines (the `saving:` and `listed` lines), or raise."""
    paths = dispensing if isinstance(dispensing, list) else [dispensing]
    run = subprocess.run(
        [MEDSAVE, "rank", "--dispensing", *paths, *options], capture_output=True, text=True,
        env=dict(os.environ, NO_COLOR="1"))
    if run.returncode != 0:
        raise AssertionError(f"medsave rank {' '.join(paths)} {' '.join(options)} failed:\n{run.stderr}")
    totals = [line for line in run.stderr.splitlines() if "saving:" in line or "listed" in line]
    return run.stdout, totals


# The targets and levels compared; top 100 of every one, and the full list at the level of classes.
CASES = [
    ("--target", "pv", "--top", "100"),
    ("--target", "cheapest", "--top", "100", "--level", "prescriber"),
    ("--target", "p10", "--top", "100", "--show-blocked"),
    ("--target", "p10", "--level", "class", "--min-saving", "0", "--by-period"),
]


def options(case):
    return ["--catalog", CATALOGUE, "--format", "csv", *case]


def temporary():
    return tempfile.mkdtemp(prefix="medsave-engines-")
