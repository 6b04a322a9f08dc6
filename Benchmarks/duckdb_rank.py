#!/usr/bin/env python3
"""The peer: medsave rank's computation in DuckDB SQL, as an analyst would write it over the same CSV files.

    python3 Benchmarks/duckdb_rank.py --dispensing D.csv --catalogue C.csv --target p10|pv|cheapest --threads 2 --out top.csv

--dispensing may be a folder of months (period=YYYY-MM/*.csv, as generate.py --shards writes a national year).

Per (unit, class, month): Q and C over every row, and the substitutable Q and C (rows with
substitution_allowed true); the target T per (class, month) — p10: the 10th percentile of the units' C/Q
(units with Q > 0, linear interpolation), pv: the month's cheapest PV, else the cheapest R1/R2, cheapest: the
month's lowest unit price in the class; the saving
max(0, C_allowed − Q_allowed·T), a difference within 1e-12 of the amounts counting as zero; summed over the
months per (unit, class). Writes the top 100 (unit, class, saving; saving descending, then unit, class) and
the total of the positive savings as the last line (`total,,<sum>`).
"""
import argparse
import glob
import os

import duckdb

TARGETS = {
    "p10": """
        SELECT cls, period, quantile_cont(c / q, 0.10) AS t FROM cells WHERE q > 0 GROUP BY ALL""",
    "pv": """
        SELECT cls, period,
               coalesce(min(unit_price) FILTER (WHERE status = 'PV'),
                        min(unit_price) FILTER (WHERE status IN ('R1', 'R2'))) AS t
        FROM cat WHERE cls IS NOT NULL GROUP BY ALL""",
    "cheapest": """
        SELECT cls, period, min(unit_price) AS t FROM cat WHERE cls IS NOT NULL GROUP BY ALL""",
}
TYPES = {"period": "VARCHAR", "unit": "VARCHAR", "prescriber": "VARCHAR", "product": "VARCHAR", "quantity": "DOUBLE",
         "cost": "DOUBLE", "items": "INTEGER", "substitution_allowed": "BOOLEAN"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dispensing", required=True)
    ap.add_argument("--catalogue", required=True)
    ap.add_argument("--target", choices=sorted(TARGETS), required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    # A folder of months (generate.py --shards) is read as Hive partitions: the month from the folder's name.
    folder = os.path.isdir(a.dispensing)
    first = sorted(glob.glob(os.path.join(a.dispensing, "*", "*.csv")))[0] if folder else a.dispensing
    with open(first) as f:  # the regional shape has no prescriber column, the national one has
        columns = ", ".join(f"'{c}': '{TYPES[c]}'" for c in f.readline().strip().split(","))
    source = (f"read_csv('{a.dispensing}/*/*.csv', header = true, columns = {{{columns}}}, hive_partitioning = true, "
              "hive_types = {'period': 'VARCHAR'})" if folder
              else f"read_csv('{a.dispensing}', header = true, columns = {{{columns}}})")
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute(f"""
        CREATE TEMP TABLE cat AS
        SELECT period, product, CAST(unit_price AS DOUBLE) AS unit_price, status,
               CASE WHEN coalesce("group", '') = '' THEN NULL
                    WHEN coalesce(size_group, '') = '' THEN "group"
                    ELSE "group" || '/' || size_group END AS cls
        FROM read_csv('{a.catalogue}', header = true, all_varchar = true)""")
    con.execute(f"""
        CREATE TEMP TABLE cells AS
        SELECT d.unit, c.cls, d.period,
               sum(d.quantity) AS q, sum(d.cost) AS c,
               coalesce(sum(d.quantity) FILTER (WHERE d.substitution_allowed), 0) AS qa,
               coalesce(sum(d.cost) FILTER (WHERE d.substitution_allowed), 0) AS ca
        FROM {source} AS d
        JOIN cat AS c ON c.product = d.product AND c.period = d.period
        WHERE c.cls IS NOT NULL
        GROUP BY ALL""")
    con.execute(f"""
        CREATE TEMP TABLE savings AS
        WITH targets AS ({TARGETS[a.target]})
        SELECT unit, cls, sum(CASE WHEN ca - qa * t > 1e-12 * greatest(abs(ca), abs(qa * t)) THEN ca - qa * t ELSE 0 END) AS saving
        FROM cells JOIN targets USING (cls, period)
        WHERE t IS NOT NULL
        GROUP BY ALL""")
    top = con.execute("SELECT unit, cls, saving FROM savings WHERE saving > 0 ORDER BY saving DESC, unit, cls LIMIT 100").fetchall()
    total = con.execute("SELECT sum(saving) FROM savings WHERE saving > 0").fetchone()[0]
    with open(a.out, "w") as f:
        for unit, cls, saving in top:
            f.write(f"{unit},{cls},{saving!r}\n")
        f.write(f"total,,{total!r}\n")


if __name__ == "__main__":
    main()
