"""Contract tests of the DuckDB path (engines/duckdb/aggregate.py and engines/sql/): medsave on the raw rows, on
their partial sums as one file, on four unmerged partials of disjoint random parts of the rows, and on the
partials as month shards gives identical output (top 100 and totals, for pv, cheapest and p10); percentiles are
taken after the partials are summed, never per part. Run by `make test` (engines/tests/run.sh)."""
import csv
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "duckdb"))
import aggregate  # noqa: E402
import contract  # noqa: E402


class DuckDBContract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = contract.temporary()
        cls.header, cls.lines = contract.bundled_rows()
        cls.raw = contract.write(os.path.join(cls.dir, "raw.csv"), cls.header, cls.lines)
        cls.one = os.path.join(cls.dir, "aggregate.csv")
        cls.months = os.path.join(cls.dir, "months")
        for out in (cls.one, cls.months):
            assert aggregate.main(["--input", cls.raw, "--out", out, "--threads", "2"]) == 0
        cls.parts = []
        for i, lines in enumerate(contract.split(cls.lines, 4)):
            raw = contract.write(os.path.join(cls.dir, f"raw-{i}.csv"), cls.header, lines)
            out = os.path.join(cls.dir, f"partial-{i}.csv")
            assert aggregate.main(["--input", raw, "--out", out]) == 0
            cls.parts.append(out)

    def test_the_aggregate_has_fewer_rows_and_the_same_money(self):
        with open(self.one, encoding="utf-8") as f:
            rows = f.read().splitlines()
        self.assertLess(len(rows), len(self.lines) * 0.8, "rows of one cell are summed")
        self.assertEqual(rows[0], "period,unit,prescriber,product,quantity,cost,items,substitution_allowed")
        self.assertEqual(sorted(os.listdir(self.months))[:2], ["period=2025-01", "period=2025-02"])

    def test_partials_rank_as_the_raw_rows(self):
        for case in contract.CASES:
            with self.subTest(case=" ".join(case)):
                expected, totals = contract.rank(self.raw, *contract.options(case))
                self.assertGreater(expected.count("\n"), 20)
                for name, dispensing in [("aggregate", self.one), ("four partials", self.parts),
                                         ("month shards", self.months)]:
                    got, got_totals = contract.rank(dispensing, *contract.options(case))
                    self.assertEqual(got, expected, name)
                    self.assertEqual(got_totals, totals, name)

    def test_a_percentile_is_taken_after_the_partials_are_summed(self):
        """Each part's own p10 target, its savings added up, is not the window's: the parts together are."""
        case = contract.options(("--target", "p10", "--level", "class", "--min-saving", "0"))
        whole, _ = contract.rank(self.raw, *case)
        per_part = sum(self.total(contract.rank(part, *case)[0]) for part in self.parts)
        self.assertGreater(abs(per_part - self.total(whole)), 1.0, "a part's p10 is not the class's")
        together, _ = contract.rank(self.parts, *case)
        self.assertEqual(together, whole)

    @staticmethod
    def total(csv_text):
        return sum(float(row["saving"]) for row in csv.DictReader(io.StringIO(csv_text)))

    def test_the_epd_query_ranks_as_the_preset(self):
        out = os.path.join(self.dir, "epd.csv")
        self.assertEqual(aggregate.main(["--input", contract.EPD, "--out", out, "--epd"]), 0)
        common = ["--groups", "bnf", "--swaps", contract.SWAPS, "--target", "p10", "--format", "csv",
                  "--min-saving", "0", "--currency", "GBP"]
        raw, raw_totals = contract.rank(contract.EPD, "--preset", "epd", *common)
        got, got_totals = contract.rank(out, *common)
        self.assertGreater(raw.count("\n"), 1)
        self.assertEqual(got, raw)
        self.assertEqual(got_totals, raw_totals)


if __name__ == "__main__":
    unittest.main()
