"""End to end through Apache Spark in local mode (engines/spark/medsave_spark.py): the bundled dataset (about
212,000 rows) aggregated by Spark's SQL into month partitions, then ranked by medsave one month at a time, or
per month on Spark's executors and merged, gives output identical to medsave on the raw rows, for pv, cheapest
and p10. Run by `.ci/run` (engines/tests/spark.sh),
which installs Java and pyspark."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spark"))
import contract  # noqa: E402
import medsave_spark  # noqa: E402


class SparkContract(unittest.TestCase):
    def test_spark_partials_rank_as_the_raw_rows(self):
        folder = contract.temporary()
        header, lines = contract.bundled_rows()
        raw = contract.write(os.path.join(folder, "raw.csv"), header, lines)
        out = os.path.join(folder, "months")
        # Aggregated, then each month ranked on an executor (rank --partial) and the partials merged on the driver.
        merged = os.path.join(folder, "merged.csv")
        self.assertEqual(medsave_spark.main([
            "--master", "local[2]", "--partitions", "4", "--input", raw, "--out", out, "--rank", contract.MEDSAVE,
            "--catalog", contract.CATALOGUE, "--rank-option=--target", "--rank-option=p10", "--",
            "--format", "csv", "--top", "100", "--show-blocked", "--output", merged]), 0)
        expected, _ = contract.rank(raw, *contract.options(("--target", "p10", "--top", "100", "--show-blocked")))
        with open(merged, encoding="utf-8") as f:
            self.assertEqual(f.read(), expected, "ranked per month on the executors, merged on the driver")
        months = sorted(name for name in os.listdir(out) if name.startswith("period="))
        self.assertEqual(len(months), 12)
        self.assertTrue(os.path.exists(os.path.join(out, "_SUCCESS")), "Spark's bookkeeping is there, and skipped")
        for case in contract.CASES:
            with self.subTest(case=" ".join(case)):
                expected, totals = contract.rank(raw, *contract.options(case))
                got, got_totals = contract.rank(out, *contract.options(case))
                self.assertGreater(expected.count("\n"), 20)
                self.assertEqual(got, expected)
                self.assertEqual(got_totals, totals)
        shutil.rmtree(folder)


if __name__ == "__main__":
    unittest.main()
