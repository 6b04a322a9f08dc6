#!/usr/bin/env python3
"""Seeded generator of large dispensing files in medsave's native format, for the benchmarks.

    python3 Benchmarks/generate.py --rows 10000000 --out .build-bench/d10m.csv --catalogue .build-bench/catalogue.csv

One row per dispensing: period, unit (13-digit workplace code), product (14-digit NPL pack id), quantity, cost,
items, substitution_allowed. The catalogue has 12 months of 6,000 products in 1,000 classes (a PV, R1 and R2
per class and month, originals 2-9 times the generic price, monthly price drift, some products in no class).
Volumes are skewed: 300 care units (a region's own care provider) of lognormal size, each with its own profile
of 120 products drawn by a Zipf-like popularity from the 6,000, rows within a profile again Zipf-like. So the
(unit, product, month) cells a file touches are bounded by the profiles (432,000 at most): a bigger file adds
rows to the same cells, as a longer extract of the same region does (1M rows touch about 340,000 cells, 10M
about 430,000).

The same --seed and --rows give the same bytes (numpy's PCG64). Needs numpy.
"""
import argparse
import os

import numpy as np

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
UNITS, PRODUCTS, CLASSES, PROFILE = 300, 6000, 1000, 120


def catalogue(rng):
    """Products with class, pack size and a 12-month price path; returns (codes, rows, prices[product, month])."""
    codes = np.unique(rng.integers(10**13, 10**14, size=PRODUCTS * 2))[:PRODUCTS]
    rng.shuffle(codes)
    cls = rng.integers(0, CLASSES, size=PRODUCTS)
    cls[rng.random(PRODUCTS) < 0.04] = -1  # outside the exchange system
    pack = rng.choice([28, 30, 56, 98, 100], size=PRODUCTS)
    base = np.exp(rng.normal(-0.8, 1.0, size=CLASSES))  # generic price per unit of each class
    original = rng.random(PRODUCTS) < 0.25
    factor = np.where(original, rng.uniform(2, 9, PRODUCTS), rng.uniform(1.0, 1.6, PRODUCTS))
    drift = np.cumprod(rng.uniform(0.97, 1.02, size=(PRODUCTS, 12)), axis=1)
    price = np.round(base[np.maximum(cls, 0)][:, None] * factor[:, None] * drift, 4)
    price = np.maximum(price, 0.0001)
    rows = []
    for m, month in enumerate(MONTHS):
        status = [""] * PRODUCTS
        for c in range(CLASSES):
            members = np.nonzero(cls == c)[0]
            if len(members) == 0 or rng.random() < 0.02:  # a few classes without PV some months
                continue
            confirmed = members[rng.random(len(members)) < 0.9]
            for rank, p in enumerate(confirmed[np.argsort(price[confirmed, m], kind="stable")][:3]):
                status[p] = ("PV", "R1", "R2")[rank]
        for p in range(PRODUCTS):
            group, size = ("", "") if cls[p] < 0 else (f"{100000 + cls[p]}", "T23" if pack[p] >= 98 else "T8")
            kind = "Original" if original[p] else "Generics"
            rows.append(f"{month},{codes[p]},Product {p},Substance {cls[p]},C{cls[p] % 10:02d}AA{cls[p] % 7:02d},"
                        f"10 mg,Tablett,{pack[p]},{price[p, m]:.4f},{group},{size},{status[p]},{kind},Company {p % 40}\n")
    return codes, rows, price, pack


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20251201)
    ap.add_argument("--out", required=True, help="the dispensing CSV to write")
    ap.add_argument("--catalogue", required=True, help="the catalogue CSV to write (the same for every --rows)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    codes, cat_rows, price, pack = catalogue(rng)
    with open(args.catalogue, "w") as f:
        f.write("period,product,name,substance,atc,strength,form,pack_size,unit_price,group,size_group,status,origin,company\n")
        f.writelines(cat_rows)

    unit_codes = np.unique(rng.integers(10**12, 10**13, size=UNITS * 2))[:UNITS]
    unit_weight = np.exp(rng.normal(0, 0.5, UNITS))
    unit_weight /= unit_weight.sum()
    popularity = 1.0 / np.arange(1, PRODUCTS + 1) ** 0.9
    popularity /= popularity.sum()
    profiles = np.stack([rng.choice(PRODUCTS, size=PROFILE, replace=False, p=popularity) for _ in range(UNITS)])
    within = 1.0 / np.arange(1, PROFILE + 1) ** 0.5
    within /= within.sum()
    month_weight = np.linspace(0.95, 1.05, 12)
    month_weight /= month_weight.sum()

    unit_str = [str(c) for c in unit_codes]
    product_str = [str(c) for c in codes]
    chunk = 1_000_000
    data_rng = np.random.default_rng(args.seed + 1)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("period,unit,product,quantity,cost,items,substitution_allowed\n")
        left = args.rows
        while left > 0:
            n = min(chunk, left)
            left -= n
            u = data_rng.choice(UNITS, size=n, p=unit_weight)
            p = profiles[u, data_rng.choice(PROFILE, size=n, p=within)]
            m = data_rng.choice(12, size=n, p=month_weight)
            items = data_rng.choice([1, 1, 1, 2, 3], size=n)
            q = pack[p] * items
            q = np.where(data_rng.random(n) < 0.003, -q, q)  # corrections
            cents = np.rint(q * price[p, m] * 100).astype(np.int64)
            allowed = np.where(data_rng.random(n) < 0.05, "false", "true")
            sign = np.where(cents < 0, "-", "")
            whole, frac = np.abs(cents) // 100, np.abs(cents) % 100
            f.writelines(
                f"{MONTHS[mi]},{unit_str[ui]},{product_str[pi]},{qi},{s}{w}.{fr:02d},{it},{a}\n"
                for mi, ui, pi, qi, s, w, fr, it, a in zip(
                    m.tolist(), u.tolist(), p.tolist(), q.tolist(), sign.tolist(), whole.tolist(), frac.tolist(),
                    items.tolist(), allowed.tolist()))
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
