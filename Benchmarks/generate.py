#!/usr/bin/env python3
"""Seeded generator of large dispensing files in medsave's native format, for the benchmarks.

    python3 Benchmarks/generate.py --rows 10000000 --out .build-bench/d10m.csv --catalogue .build-bench/catalogue.csv
    python3 Benchmarks/generate.py --shape national --rows 10000000 --out … --catalogue …

Two shapes. `regional` (the default) is a region's own care provider, described here; `national` is described in
`national()` below: every row its own (unit, product, month) cell, as in the English Prescribing Dataset.

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
# The national shape: thousands of units of lognormal size, tens of thousands of products in thousands of classes
# of skewed sizes, prescribers within units.
N_UNITS, N_PRODUCTS, N_CLASSES, N_PRESCRIBERS = 1500, 20000, 4000, 20000


def catalogue(rng, products=PRODUCTS, classes=CLASSES, cls=None, vectorised=False):
    """Products with class, pack size and a 12-month price path; returns (codes, rows, prices[product, month])."""
    PRODUCTS, CLASSES = products, classes
    codes = np.unique(rng.integers(10**13, 10**14, size=PRODUCTS * 2))[:PRODUCTS]
    rng.shuffle(codes)
    if cls is None:
        cls = rng.integers(0, CLASSES, size=PRODUCTS)
    cls[rng.random(PRODUCTS) < 0.04] = -1  # outside the exchange system
    pack = rng.choice([28, 30, 56, 98, 100], size=PRODUCTS)
    if vectorised:  # national: pack sizes that agree with the class's size group
        pack = np.where(cls % 2 == 1, rng.choice([98, 100], size=PRODUCTS), rng.choice([28, 30, 56], size=PRODUCTS))
    base = np.exp(rng.normal(-0.8, 1.0, size=CLASSES))  # generic price per unit of each class
    original = rng.random(PRODUCTS) < 0.25
    factor = np.where(original, rng.uniform(2, 9, PRODUCTS), rng.uniform(1.0, 1.6, PRODUCTS))
    drift = np.cumprod(rng.uniform(0.97, 1.02, size=(PRODUCTS, 12)), axis=1)
    price = np.round(base[np.maximum(cls, 0)][:, None] * factor[:, None] * drift, 4)
    price = np.maximum(price, 0.0001)
    rows = []
    for m, month in enumerate(MONTHS):
        status = [""] * PRODUCTS
        if not vectorised:  # the regional shape's own draws, so that its files stay byte-identical
            for c in range(CLASSES):
                members = np.nonzero(cls == c)[0]
                if len(members) == 0 or rng.random() < 0.02:  # a few classes without PV some months
                    continue
                confirmed = members[rng.random(len(members)) < 0.9]
                for rank, p in enumerate(confirmed[np.argsort(price[confirmed, m], kind="stable")][:3]):
                    status[p] = ("PV", "R1", "R2")[rank]
        else:
            # Per class: a few classes without PV some months; of the confirmed members (90%), the three cheapest
            # are PV, R1 and R2 (ordered by class, then price, stable).
            no_pv = rng.random(CLASSES) < 0.02
            confirmed = rng.random(PRODUCTS) < 0.9
            order = np.lexsort((np.arange(PRODUCTS), price[:, m], cls))
            order = order[(cls[order] >= 0) & confirmed[order] & ~no_pv[np.maximum(cls[order], 0)]]
            start = np.r_[True, cls[order][1:] != cls[order][:-1]]
            first = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
            for p, k in zip(order.tolist(), (np.arange(len(order)) - first).tolist()):
                if k < 3:
                    status[p] = ("PV", "R1", "R2")[k]
        for p in range(PRODUCTS):
            if cls[p] < 0:
                group, size = "", ""
            elif vectorised:  # national: the class is (group, size group) itself
                group, size = f"{100000 + cls[p] // 2}", "T23" if cls[p] % 2 else "T8"
            else:
                group, size = f"{100000 + cls[p]}", "T23" if pack[p] >= 98 else "T8"
            kind = "Original" if original[p] else "Generics"
            rows.append(f"{month},{codes[p]},Product {p},Substance {cls[p]},C{cls[p] % 10:02d}AA{cls[p] % 7:02d},"
                        f"10 mg,Tablett,{pack[p]},{price[p, m]:.4f},{group},{size},{status[p]},{kind},Company {p % 40}\n")
    return codes, rows, price, pack


def write_catalogue(path, rows):
    with open(path, "w") as f:
        f.write("period,product,name,substance,atc,strength,form,pack_size,unit_price,group,size_group,status,origin,company\n")
        f.writelines(rows)


def national_classes(rng):
    """Class of each product for the national shape: class sizes lognormal (many of 1–5 members, some of 50–180),
    about N_CLASSES classes over N_PRODUCTS products, in random product order."""
    sizes = np.clip(np.rint(np.exp(rng.normal(1.0, 1.1, size=N_CLASSES))), 1, 180).astype(np.int64)
    sizes = np.maximum(1, np.rint(sizes * N_PRODUCTS / sizes.sum())).astype(np.int64)
    cls = np.repeat(np.arange(N_CLASSES), sizes)[:N_PRODUCTS]
    cls = np.concatenate([cls, rng.integers(0, N_CLASSES, size=N_PRODUCTS - len(cls))])
    rng.shuffle(cls)
    return cls


def national(args, rng):
    """The national shape: every row its own (unit, product, month) cell, as in the English Prescribing Dataset
    (one row per practice × presentation × month). 1,500 units of lognormal size (σ = 1), 20,000 products in about
    4,000 classes of skewed sizes, 20,000 prescribers spread over the units by size, 12 months. Rows of a month are
    distinct (unit, product) pairs drawn by unit size × product popularity (Zipf-like, exponent 0.8), in random
    order; quantity is the pack size × items (1 + Poisson, larger for larger units); cost is the quantity at the
    month's list price; 0.1% corrections (negative rows), 5% "do not substitute"."""
    codes, cat_rows, price, pack = catalogue(
        rng, products=N_PRODUCTS, classes=N_CLASSES, cls=national_classes(rng), vectorised=True)
    write_catalogue(args.catalogue, cat_rows)
    unit_codes = np.unique(rng.integers(10**12, 10**13, size=N_UNITS * 2))[:N_UNITS]
    unit_weight = np.exp(rng.normal(0, 1.0, N_UNITS))
    unit_weight /= unit_weight.sum()
    popularity = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 0.8
    rng.shuffle(popularity)
    popularity /= popularity.sum()
    # Prescribers: one per unit, the rest by unit size; sorted by unit so that a unit's are a contiguous range.
    owner = np.sort(np.concatenate([np.arange(N_UNITS), rng.choice(N_UNITS, N_PRESCRIBERS - N_UNITS, p=unit_weight)]))
    first = np.searchsorted(owner, np.arange(N_UNITS))
    count = np.bincount(owner, minlength=N_UNITS)
    prescriber_codes = np.unique(rng.integers(10**6, 10**7, size=N_PRESCRIBERS * 2))[:N_PRESCRIBERS]
    rng.shuffle(prescriber_codes)
    unit_str = [str(c) for c in unit_codes]
    product_str = [str(c) for c in codes]
    prescriber_str = [str(c) for c in prescriber_codes]
    size_factor = unit_weight * N_UNITS  # 1 on average
    data_rng = np.random.default_rng(args.seed + 1)
    header = "unit,prescriber,product,quantity,cost,items,substitution_allowed\n"
    # One file, or one per month (the same rows, without the period column): each month written, then renamed.
    tmp = (args.out or os.path.join(args.shards, "all")) + ".tmp"
    pair_weight = None
    if args.shards:
        os.makedirs(args.shards, exist_ok=True)
    with open(os.devnull if args.shards else tmp, "w") as whole:
        whole.write("period," + header)
        for m, month in enumerate(MONTHS):
            if args.shards:
                folder = os.path.join(args.shards, f"period={month}")
                os.makedirs(folder, exist_ok=True)
                f = open(os.path.join(folder, "part-00000.csv.tmp"), "w")
                f.write(header)
                prefix = ""
            else:
                f, prefix = whole, month + ","
            n = args.rows // 12 + (1 if m < args.rows % 12 else 0)
            if args.shards:
                # A year's months (8 M pairs of the 30 M) saturate the draws below: n distinct pairs by weighted
                # sampling without replacement instead (the n smallest exponential keys over weight), in random order.
                if pair_weight is None:
                    pair_weight = np.outer(unit_weight, popularity).ravel()
                # Sorted before the shuffle: argpartition leaves its n in an order NumPy does not specify (it may
                # differ between versions and processors), so that the year depends on the seed alone.
                keys = np.sort(np.argpartition(data_rng.exponential(size=pair_weight.size) / pair_weight, n)[:n])
                keys = data_rng.permutation(keys.astype(np.int64))
            else:
                keys = np.empty(0, dtype=np.int64)
                while len(keys) < n:  # distinct (unit, product) pairs: draw more than needed, keep n distinct
                    more = int((n - len(keys)) * 1.3) + 1000
                    drawn = (data_rng.choice(N_UNITS, size=more, p=unit_weight).astype(np.int64) * N_PRODUCTS
                             + data_rng.choice(N_PRODUCTS, size=more, p=popularity))
                    keys = np.unique(np.concatenate([keys, drawn]))
                keys = data_rng.permutation(keys)[:n]
            u, p = keys // N_PRODUCTS, keys % N_PRODUCTS
            items = 1 + data_rng.poisson(2.0 * np.sqrt(size_factor[u]))
            q = pack[p] * items
            q = np.where(data_rng.random(n) < 0.001, -q, q)
            cents = np.rint(q * price[p, m] * 100).astype(np.int64)
            allowed = np.where(data_rng.random(n) < 0.05, "false", "true")
            presc = owner.size and first[u] + (data_rng.random(n) * count[u]).astype(np.int64)
            sign = np.where(cents < 0, "-", "")
            pounds, frac = np.abs(cents) // 100, np.abs(cents) % 100
            for start in range(0, n, 1_000_000):
                sl = slice(start, start + 1_000_000)
                f.writelines(
                    f"{prefix}{unit_str[ui]},{prescriber_str[ri]},{product_str[pi]},{qi},{s}{w}.{fr:02d},{it},{a}\n"
                    for ui, ri, pi, qi, s, w, fr, it, a in zip(
                        u[sl].tolist(), presc[sl].tolist(), p[sl].tolist(), q[sl].tolist(), sign[sl].tolist(),
                        pounds[sl].tolist(), frac[sl].tolist(), items[sl].tolist(), allowed[sl].tolist()))
            if args.shards:
                f.close()
                os.replace(f.name, f.name[:-len(".tmp")])
    if not args.shards:
        os.replace(tmp, args.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", choices=["regional", "national"], default="regional")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20251201)
    ap.add_argument("--out", help="the dispensing CSV to write")
    ap.add_argument("--shards", help="national shape: write a folder of months instead (period=YYYY-MM/part-00000.csv, "
                    "without the period column, as Spark's partitionBy writes them), one month at a time")
    ap.add_argument("--catalogue", required=True, help="the catalogue CSV to write (the same for every --rows)")
    args = ap.parse_args()
    if (args.out is None) == (args.shards is None) or (args.shards and args.shape != "national"):
        ap.error("give --out, or --shards with --shape national")
    rng = np.random.default_rng(args.seed)
    if args.shape == "national":
        return national(args, rng)
    codes, cat_rows, price, pack = catalogue(rng)
    write_catalogue(args.catalogue, cat_rows)

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
            pounds, frac = np.abs(cents) // 100, np.abs(cents) % 100
            f.writelines(
                f"{MONTHS[mi]},{unit_str[ui]},{product_str[pi]},{qi},{s}{w}.{fr:02d},{it},{a}\n"
                for mi, ui, pi, qi, s, w, fr, it, a in zip(
                    m.tolist(), u.tolist(), p.tolist(), q.tolist(), sign.tolist(), pounds.tolist(), frac.tolist(),
                    items.tolist(), allowed.tolist()))
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
