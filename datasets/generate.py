#!/usr/bin/env python3
"""Generate medsave's bundled sample data: a catalogue modelled on TLV's monthly "Periodens varor" lists and
synthetic dispensing records priced at it. Seeded: the same seed gives the same bytes.

    python3 datasets/generate.py [--seed 20250101] [--out datasets]

Writes catalogue.csv and dispensing.csv.gz (formats in datasets/README.md). Substance names (Swedish INN, as in
TLV's lists) and ATC codes are real; product names, varunummer, prices, volumes and people are invented.
"""
import argparse
import csv
import gzip
import hashlib
import io
import os
import random

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]

# substance, ATC, brand of the original, form, strengths, pack sizes, generic price per unit (SEK) at the lowest
# strength, narcotic (pack-size groups TN: identical size only), modified release
SUBSTANCES = [
    ("Atorvastatin", "C10AA05", "Lipitor", "Tablett", ["10 mg", "20 mg", "40 mg", "80 mg"], [30, 100], 0.25, False, False),
    ("Simvastatin", "C10AA01", "Zocord", "Tablett", ["20 mg", "40 mg"], [28, 98], 0.20, False, False),
    ("Rosuvastatin", "C10AA07", "Crestor", "Tablett", ["5 mg", "10 mg", "20 mg"], [30, 98], 0.35, False, False),
    ("Ezetimib", "C10AX09", "Ezetrol", "Tablett", ["10 mg"], [28, 98], 0.60, False, False),
    ("Metformin", "A10BA02", "Glucophage", "Tablett", ["500 mg", "850 mg", "1000 mg"], [100], 0.22, False, False),
    ("Glimepirid", "A10BB12", "Amaryl", "Tablett", ["1 mg", "2 mg"], [30, 90], 0.40, False, False),
    ("Omeprazol", "A02BC01", "Losec", "Enterokapsel, hård", ["20 mg", "40 mg"], [28, 100], 0.30, False, False),
    ("Esomeprazol", "A02BC05", "Nexium", "Enterotablett", ["20 mg", "40 mg"], [28, 98], 0.45, False, False),
    ("Pantoprazol", "A02BC02", "Pantoloc", "Enterotablett", ["20 mg", "40 mg"], [28, 98], 0.40, False, False),
    ("Amlodipin", "C08CA01", "Norvasc", "Tablett", ["5 mg", "10 mg"], [30, 98], 0.18, False, False),
    ("Felodipin", "C08CA02", "Plendil", "Depottablett", ["5 mg", "10 mg"], [30, 100], 0.50, False, True),
    ("Enalapril", "C09AA02", "Renitec", "Tablett", ["5 mg", "10 mg", "20 mg"], [28, 98], 0.25, False, False),
    ("Ramipril", "C09AA05", "Triatec", "Tablett", ["2,5 mg", "5 mg", "10 mg"], [30, 100], 0.28, False, False),
    ("Losartan", "C09CA01", "Cozaar", "Tablett", ["50 mg", "100 mg"], [28, 98], 0.30, False, False),
    ("Kandesartan", "C09CA06", "Atacand", "Tablett", ["8 mg", "16 mg", "32 mg"], [28, 98], 0.35, False, False),
    ("Metoprolol", "C07AB02", "Seloken ZOC", "Depottablett", ["25 mg", "50 mg", "100 mg"], [30, 100], 0.45, False, True),
    ("Bisoprolol", "C07AB07", "Emconcor", "Tablett", ["2,5 mg", "5 mg", "10 mg"], [30, 100], 0.30, False, False),
    ("Furosemid", "C03CA01", "Furix", "Tablett", ["20 mg", "40 mg"], [100], 0.15, False, False),
    ("Spironolakton", "C03DA01", "Aldactone", "Tablett", ["25 mg", "50 mg"], [30, 100], 0.40, False, False),
    ("Hydroklortiazid", "C03AA03", "Esidrex", "Tablett", ["12,5 mg", "25 mg"], [30, 100], 0.30, False, False),
    ("Warfarin", "B01AA03", "Waran", "Tablett", ["2,5 mg"], [100], 0.35, False, False),
    ("Klopidogrel", "B01AC04", "Plavix", "Tablett", ["75 mg"], [28, 100], 0.40, False, False),
    ("Levotyroxin", "H03AA01", "Levaxin", "Tablett", ["50 mikrog", "100 mikrog"], [100], 0.20, False, False),
    ("Sertralin", "N06AB06", "Zoloft", "Tablett", ["50 mg", "100 mg"], [28, 98], 0.30, False, False),
    ("Escitalopram", "N06AB10", "Cipralex", "Tablett", ["10 mg", "20 mg"], [28, 98], 0.35, False, False),
    ("Citalopram", "N06AB04", "Cipramil", "Tablett", ["20 mg", "40 mg"], [28, 100], 0.25, False, False),
    ("Mirtazapin", "N06AX11", "Remeron", "Munsönderfallande tablett", ["15 mg", "30 mg"], [30, 96], 0.50, False, False),
    ("Venlafaxin", "N06AX16", "Efexor Depot", "Depotkapsel, hård", ["75 mg", "150 mg"], [28, 98], 0.60, False, True),
    ("Kvetiapin", "N05AH04", "Seroquel", "Tablett", ["25 mg", "100 mg"], [30, 100], 0.35, False, False),
    ("Olanzapin", "N05AH03", "Zyprexa", "Tablett", ["5 mg", "10 mg"], [28, 98], 0.50, False, False),
    ("Aripiprazol", "N05AX12", "Abilify", "Tablett", ["10 mg", "15 mg"], [28, 98], 0.70, False, False),
    ("Litium", "N05AN01", "Lithionit", "Depottablett", ["42 mg"], [100], 0.60, False, True),
    ("Zopiklon", "N05CF01", "Imovane", "Tablett", ["5 mg", "7,5 mg"], [30, 100], 0.40, False, False),
    ("Donepezil", "N06DA02", "Aricept", "Tablett", ["5 mg", "10 mg"], [28, 98], 0.45, False, False),
    ("Memantin", "N06DX01", "Ebixa", "Tablett", ["10 mg", "20 mg"], [28, 98], 0.55, False, False),
    ("Lamotrigin", "N03AX09", "Lamictal", "Tablett", ["25 mg", "100 mg"], [56, 98], 0.45, False, False),
    ("Levetiracetam", "N03AX14", "Keppra", "Tablett", ["500 mg", "1000 mg"], [100], 0.90, False, False),
    ("Karbamazepin", "N03AF01", "Tegretol Retard", "Depottablett", ["200 mg", "400 mg"], [100], 0.50, False, True),
    ("Gabapentin", "N03AX12", "Neurontin", "Kapsel, hård", ["300 mg", "400 mg"], [100], 0.70, False, False),
    ("Pregabalin", "N03AX16", "Lyrica", "Kapsel, hård", ["75 mg", "150 mg"], [56, 100], 0.55, False, False),
    ("Paracetamol", "N02BE01", "Alvedon", "Tablett", ["500 mg", "1 g"], [20, 100], 0.12, False, False),
    ("Ibuprofen", "M01AE01", "Brufen", "Tablett", ["400 mg", "600 mg"], [30, 100], 0.25, False, False),
    ("Naproxen", "M01AE02", "Naprosyn", "Tablett", ["250 mg", "500 mg"], [30, 100], 0.30, False, False),
    ("Diklofenak", "M01AB05", "Voltaren", "Enterotablett", ["25 mg", "50 mg"], [30, 100], 0.28, False, False),
    ("Tramadol", "N02AX02", "Tradolan", "Kapsel, hård", ["50 mg"], [20, 100], 0.55, True, False),
    ("Oxikodon", "N02AA05", "OxyContin", "Depottablett", ["5 mg", "10 mg", "20 mg"], [28, 98], 1.80, True, True),
    ("Alendronsyra", "M05BA04", "Fosamax", "Tablett", ["70 mg"], [4, 12], 6.50, False, False),
    ("Allopurinol", "M04AA01", "Zyloric", "Tablett", ["100 mg", "300 mg"], [100], 0.20, False, False),
    ("Prednisolon", "H02AB06", "Prednisolon Pfizer", "Tablett", ["5 mg", "10 mg"], [100], 0.30, False, False),
    ("Cetirizin", "R06AE07", "Zyrlex", "Tablett", ["10 mg"], [30, 100], 0.35, False, False),
    ("Desloratadin", "R06AX27", "Aerius", "Tablett", ["5 mg"], [30, 90], 0.60, False, False),
    ("Montelukast", "R03DC03", "Singulair", "Tablett", ["10 mg"], [28, 98], 0.80, False, False),
    ("Finasterid", "G04CB01", "Proscar", "Tablett", ["5 mg"], [30, 98], 0.55, False, False),
    ("Tamsulosin", "G04CA02", "Omnic", "Depotkapsel, hård", ["0,4 mg"], [30, 100], 0.40, False, True),
    ("Solifenacin", "G04BD08", "Vesicare", "Tablett", ["5 mg", "10 mg"], [30, 90], 1.10, False, False),
    ("Sildenafil", "G04BE03", "Viagra", "Tablett", ["50 mg", "100 mg"], [4, 12], 4.50, False, False),
    ("Anastrozol", "L02BG03", "Arimidex", "Tablett", ["1 mg"], [28, 98], 1.20, False, False),
    ("Letrozol", "L02BG04", "Femar", "Tablett", ["2,5 mg"], [30, 100], 1.00, False, False),
    ("Tamoxifen", "L02BA01", "Nolvadex", "Tablett", ["20 mg"], [30, 100], 0.90, False, False),
    ("Metotrexat", "L04AX03", "Trexan", "Tablett", ["2,5 mg", "10 mg"], [30, 100], 1.50, False, False),
    ("Takrolimus", "L04AD02", "Prograf", "Kapsel, hård", ["0,5 mg", "1 mg"], [50, 100], 9.00, False, False),
    ("Mykofenolatmofetil", "L04AA06", "CellCept", "Tablett", ["500 mg"], [50, 150], 6.00, False, False),
    ("Amoxicillin", "J01CA04", "Amimox", "Tablett", ["500 mg", "750 mg"], [20, 30], 1.10, False, False),
    ("Fenoximetylpenicillin", "J01CE02", "Kåvepenin", "Tablett", ["1 g"], [20, 30], 1.60, False, False),
    ("Doxycyklin", "J01AA02", "Doxyferm", "Tablett", ["100 mg"], [10, 20], 2.20, False, False),
    ("Valaciklovir", "J05AB11", "Valtrex", "Tablett", ["500 mg"], [10, 42], 3.50, False, False),
]

# Newer medicines with no generic competition yet: in the catalogue but in no exchange group.
OUTSIDE_EXCHANGE = [
    ("Apixaban", "B01AF02", "Eliquis", "Tablett", "5 mg", 60, 16.50),
    ("Rivaroxaban", "B01AF01", "Xarelto", "Tablett", "20 mg", 98, 28.00),
    ("Dapagliflozin", "A10BK01", "Forxiga", "Tablett", "10 mg", 98, 17.20),
    ("Empagliflozin", "A10BK03", "Jardiance", "Tablett", "10 mg", 90, 17.80),
]

GENERIC_COMPANIES = ["Krka", "Teva", "Sandoz", "Accord", "Orion", "STADA", "Mylan", "Aurobindo", "Zentiva", "Bluefish"]
IMPORTERS = ["Orifarm", "Abacus Medicine", "Paranova", "2care4"]


def size_group(size, narcotic):
    """TLV-style pack-size group code: counted units in bands, narcotics by identical size."""
    if narcotic:
        return f"TN{size}"
    bands = [(4, "T1"), (12, "T4"), (20, "T6"), (30, "T8"), (42, "T11"), (56, "T15"), (60, "T16"), (90, "T22"),
             (105, "T23"), (150, "T27")]
    for limit, code in bands:
        if size <= limit:
            return code
    return f"TT{size}"


def strength_factor(strength_index):
    return 1.0 + 0.45 * strength_index


def build_catalogue(rng):
    """Return (packs, monthly) where monthly[m] is a list of catalogue rows for month m."""
    packs = []  # dicts: product, name, substance, atc, strength, form, size, group, size_group, origin, company, base
    used_numbers = set()

    def varunummer():
        while True:
            n = f"{rng.randrange(0, 1_000_000):06d}"
            if n not in used_numbers:
                used_numbers.add(n)
                return n

    group_id = 110_000
    for substance, atc, brand, form, strengths, sizes, price, narcotic, _mr in SUBSTANCES:
        n_generics = rng.randint(2, 5)
        companies = rng.sample(GENERIC_COMPANIES, n_generics)
        for si, strength in enumerate(strengths):
            group_id += rng.randint(3, 40)
            for size in sizes:
                generic_unit = price * strength_factor(si) * (1.0 + 6.0 / size)
                base_cls = {"group": str(group_id), "size_group": size_group(size, narcotic), "substance": substance,
                            "atc": atc, "strength": strength, "form": form, "size": size}
                packs.append(dict(base_cls, product=varunummer(), name=f"{brand}®", origin="Original",
                                  company=f"{brand} Pharma AB", base=generic_unit * rng.uniform(2.0, 9.0)))
                for _ in range(rng.choice([0, 1, 1, 2])):
                    importer = rng.choice(IMPORTERS)
                    packs.append(dict(base_cls, product=varunummer(), name=f"{brand}®", origin="ParallelImport",
                                      company=f"{importer} AB", base=generic_unit * rng.uniform(1.6, 8.0)))
                for company in companies:
                    packs.append(dict(base_cls, product=varunummer(), name=f"{substance} {company}",
                                      origin="Generics", company=f"{company} AB",
                                      base=generic_unit * rng.uniform(0.85, 1.6)))
    for substance, atc, brand, form, strength, size, price in OUTSIDE_EXCHANGE:
        packs.append({"group": "", "size_group": "", "substance": substance, "atc": atc, "strength": strength,
                      "form": form, "size": size, "product": varunummer(), "name": f"{brand}®", "origin": "Original",
                      "company": f"{brand} Pharma AB", "base": price})

    # Monthly prices: generics drift and compete, originals stay high; PV is the cheapest product whose supplier
    # confirmed supply, R1 and R2 the next two; a few cells go without PV for a month.
    monthly = {m: [] for m in MONTHS}
    price_now = {p["product"]: p["base"] for p in packs}
    classes = {}
    for p in packs:
        classes.setdefault((p["group"], p["size_group"]), []).append(p)
    for m in MONTHS:
        for p in packs:
            drift = rng.uniform(0.93, 1.05) if p["origin"] == "Generics" else rng.uniform(0.99, 1.01)
            price_now[p["product"]] = max(0.01, price_now[p["product"]] * drift)
        for key in sorted(classes):
            members = classes[key]
            status = {}
            if key[0]:
                roll = rng.random()
                ordered = sorted(members, key=lambda p: (round(price_now[p["product"]], 4), p["product"]))
                confirmed = [p for p in ordered if rng.random() > 0.12]
                if roll < 0.03:
                    confirmed = []  # nobody confirmed supply: no PV this month
                elif roll < 0.05:
                    confirmed = confirmed[1:2]  # only a reserve
                    for p in confirmed:
                        status[p["product"]] = "R1"
                    confirmed = []
                for rank, p in zip(("PV", "R1", "R2"), confirmed):
                    status[p["product"]] = rank
            for p in members:
                unit = round(price_now[p["product"]], 2 if price_now[p["product"]] >= 1 else 4)
                monthly[m].append({
                    "period": m, "product": p["product"], "name": p["name"], "substance": p["substance"],
                    "atc": p["atc"], "strength": p["strength"], "form": p["form"], "pack_size": p["size"],
                    "unit_price": unit, "group": p["group"], "size_group": p["size_group"],
                    "status": status.get(p["product"], ""), "origin": p["origin"], "company": p["company"],
                })
    return packs, monthly, classes


def pseudonym(kind, i, seed):
    return hashlib.sha256(f"{kind}:{seed}:{i}".encode()).hexdigest()[:12]


def fmt_price(x):
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s if s else "0"


def build_dispensing(rng, monthly, classes, seed, rows_per_month, months=MONTHS):
    units = [f"{rng.randrange(10**12, 10**13)}" for _ in range(44)]
    unit_weight = [rng.uniform(0.3, 3.0) for _ in units]
    unit_loyalty = [rng.uniform(0.02, 0.16) for _ in units]  # share of non-PV dispensing at the unit
    prescribers = [f"{rng.randrange(10**6, 10**7)}" for _ in range(420)]
    prescriber_unit = [i % len(units) for i in range(len(prescribers))]
    by_unit = {u: [p for p, pu in zip(range(len(prescribers)), prescriber_unit) if pu == u] for u in range(len(units))}
    class_keys = sorted(classes)
    class_weight = [rng.paretovariate(1.3) for _ in class_keys]
    n_patients = 30_000
    patient_unit = [rng.choices(range(len(units)), unit_weight)[0] for _ in range(n_patients)]
    patient_classes = [rng.choices(range(len(class_keys)), class_weight, k=rng.randint(1, 4)) for _ in range(n_patients)]
    patient_ids = [pseudonym("patient", i, seed) for i in range(n_patients)]
    unknown_products = ["990101", "990202", "990303"]  # extemporaneous and licence products, not in the list

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["period", "unit", "prescriber", "patient", "product", "quantity", "cost", "items",
                "substitution_allowed"])
    rows = 0
    for mi, m in enumerate(months):
        catalogue = {}
        for e in monthly[m]:
            catalogue.setdefault((e["group"], e["size_group"]), []).append(e)
        n = int(rows_per_month * (0.92 + 0.012 * mi) * (0.9 if m in ("2025-07",) else 1.0))
        for _ in range(n):
            pt = rng.randrange(n_patients)
            u = patient_unit[pt]
            if rng.random() < 0.08:
                u = rng.randrange(len(units))
            pr = rng.choice(by_unit[u])
            members = catalogue[class_keys[rng.choice(patient_classes[pt])]]
            allowed = rng.random() >= 0.05
            originals = [e for e in members if e["origin"] != "Generics"]
            if not allowed and originals:
                e = rng.choice(originals)
            else:
                pv = [e for e in members if e["status"] == "PV"]
                reserves = [e for e in members if e["status"] in ("R1", "R2")]
                roll = rng.random()
                if pv and roll > unit_loyalty[u] + 0.06:
                    e = pv[0]
                elif reserves and roll > unit_loyalty[u]:
                    e = rng.choice(reserves)
                else:
                    e = rng.choice(members)
            packs = rng.choices([1, 2, 3], [0.7, 0.22, 0.08])[0]
            quantity = packs * e["pack_size"]
            cost = round(quantity * e["unit_price"], 2)
            product = e["product"]
            if rng.random() < 0.002:
                product = rng.choice(unknown_products)
            row = [m, units[u], prescribers[pr], patient_ids[pt], product, quantity, f"{cost:.2f}", packs,
                   "true" if allowed else "false"]
            w.writerow(row)
            rows += 1
            if rng.random() < 0.004:  # a correction: the dispensing is reversed, in full or in part
                part = rng.choice([1, 1, packs]) if packs > 1 else 1
                q = part * e["pack_size"]
                w.writerow([m, units[u], prescribers[pr], patient_ids[pt], product, -q,
                            f"{-round(q * e['unit_price'], 2):.2f}", -part, row[8]])
                rows += 1
    return out.getvalue(), rows


def tlv_unit_price(r):
    """AUP per pack / pack size, every digit kept (TLV's own per-unit column is rounded to two decimals)."""
    try:
        pack, size = float(r["Försäljningspris"]), float(r["Storlek"])
        if size > 0:
            return pack / size
    except ValueError:
        pass
    return float(r["Försäljningspris per minsta enhet"])


def tlv_month(path, file_month):
    """One month of TLV's stacked "Periodens varor" CSV as catalogue rows and classes (first row per varunummer)."""
    entries, seen = [], set()
    with gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["file_month"] != file_month or r["Varunummer"] in seen:
                continue
            seen.add(r["Varunummer"])
            status = r["Status"] if r["Status"] in ("PV", "R1", "R2") else ""
            entries.append({
                "period": f"20{file_month[:2]}-{file_month[2:]}", "product": r["Varunummer"], "name": r["Produktnamn"],
                "substance": r["Substans"], "atc": "", "strength": r["Styrka"], "form": r["Beredningsform"],
                "pack_size": int(float(r["Storlek"])), "unit_price": tlv_unit_price(r),
                "group": r["Utbytesgrupps ID"], "size_group": r["Förpackningsstorleksgrupp"], "status": status,
                "origin": r["Ursprung"], "company": r["Företag"],
            })
    classes = {}
    for e in entries:
        classes.setdefault((e["group"], e["size_group"]), []).append(e)
    return entries, classes


def write_catalogue(path, months, monthly, exact=False):
    fields = ["period", "product", "name", "substance", "atc", "strength", "form", "pack_size", "unit_price",
              "group", "size_group", "status", "origin", "company"]
    cat = io.StringIO()
    w = csv.DictWriter(cat, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for m in months:
        for e in monthly[m]:
            w.writerow(dict(e, unit_price=repr(e["unit_price"]) if exact else fmt_price(e["unit_price"])))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(cat.getvalue())


def write_gzip(path, text):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(text.encode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--rows-per-month", type=int, default=18_000)
    ap.add_argument("--tlv-csv", help="instead of the synthetic catalogue, sample over one month of TLV's real list "
                                      "(the stacked CSV in ../shared/data/se-tlv-periodens-varor)")
    ap.add_argument("--tlv-month", help="with --tlv-csv: the file month, YYMM")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.tlv_csv:
        entries, classes = tlv_month(args.tlv_csv, args.tlv_month)
        month = entries[0]["period"]
        write_catalogue(os.path.join(args.out, "catalogue.csv"), [month], {month: entries}, exact=True)
        text, rows = build_dispensing(rng, {month: entries}, classes, args.seed, args.rows_per_month, [month])
        write_gzip(os.path.join(args.out, "dispensing.csv.gz"), text)
        print(f"catalogue: {len(entries)} products of TLV's {month} list; dispensing: {rows} rows")
        return
    packs, monthly, classes = build_catalogue(rng)
    write_catalogue(os.path.join(args.out, "catalogue.csv"), MONTHS, monthly)
    text, rows = build_dispensing(rng, monthly, classes, args.seed, args.rows_per_month)
    write_gzip(os.path.join(args.out, "dispensing.csv.gz"), text)
    groups = {p["group"] for p in packs if p["group"]}
    print(f"catalogue: {len(packs)} packs in {len(groups)} exchange groups, {len(classes)} classes, "
          f"{sum(len(v) for v in monthly.values())} rows over {len(MONTHS)} months")
    print(f"dispensing: {rows} rows")


if __name__ == "__main__":
    main()
