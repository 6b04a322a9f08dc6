#!/usr/bin/env python3
"""medsave's partial sums with DuckDB on one machine: engines/sql/aggregate.sql over dispensing files (CSV,
gzip CSV or Parquet; globs allowed), written as one CSV or as a folder by month (period=YYYY-MM/), which
`medsave rank --dispensing FOLDER` reads one month at a time.

    python3 engines/duckdb/aggregate.py --input 'extract/*.csv.gz' --out partials/ [--epd] [--threads 2]
        [--memory-limit 4GB] [--rank path/to/medsave -- --catalog catalogue.csv --target p10 ...]

Every value is read as text and cast in the query, so that codes keep their leading zeros and decimals are
summed exactly. Needs the duckdb package (pip install duckdb).
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sql_template  # noqa: E402


def source(path):
    if path.endswith(".parquet"):
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', header = true, all_varchar = true, union_by_name = true)"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, action="append", help="dispensing files (repeatable; globs allowed)")
    ap.add_argument("--out", required=True, help="a .csv file, or a folder to write by month")
    ap.add_argument("--epd", action="store_true", help="the input is the English Prescribing Dataset")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--memory-limit", help="DuckDB's memory_limit, e.g. 4GB")
    ap.add_argument("--rank", metavar="MEDSAVE", help="then run this medsave binary's rank on the result")
    ap.add_argument("rank_args", nargs="*", help="after --: arguments for medsave rank")
    args = ap.parse_args(argv)
    for path in args.input:
        if "'" in path:
            ap.error(f"--input {path}: a quote in a path is not supported")

    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    if args.memory_limit:
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
    con.execute("CREATE VIEW dispensing AS " + " UNION ALL BY NAME ".join(
        f"SELECT * FROM {source(p)}" for p in args.input))
    columns = [row[0] for row in con.execute("DESCRIBE dispensing").fetchall()]
    missing = [c for c in sql_template.required(args.epd) if c.lower() not in {x.lower() for x in columns}]
    if missing:
        sys.exit(f"{args.input[0]}: missing column(s) {', '.join(missing)}; the input has {', '.join(columns)}")
    query = sql_template.query(columns, epd=args.epd)
    out = args.out
    if out.endswith(".csv"):
        con.execute(f"COPY ({query}) TO '{out}' (FORMAT csv, HEADER true)")
    else:
        con.execute(f"COPY ({query}) TO '{out}' (FORMAT csv, HEADER true, PARTITION_BY (period), OVERWRITE_OR_IGNORE)")
    con.close()
    if args.rank:
        return subprocess.call([args.rank, "rank", "--dispensing", out] + args.rank_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
