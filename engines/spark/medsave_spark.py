#!/usr/bin/env python3
"""medsave's partial sums with Apache Spark: engines/sql/aggregate.sql over CSV or Parquet from any path Spark
reads (local, HDFS, S3, ...), written as month-partitioned CSV (period=YYYY-MM/part-*.csv), which
`medsave rank --dispensing FOLDER` reads one month at a time.

    spark-submit engines/spark/medsave_spark.py --input 's3a://bucket/epd/*.csv' --out s3a://bucket/partials [--epd]
    python3 engines/spark/medsave_spark.py --master 'local[2]' --input raw.csv --out partials \\
        --rank path/to/medsave --catalog catalogue.csv --rank-option=--target --rank-option=p10 -- --format csv

With --rank, each month is then ranked on an executor (`medsave rank --partial`, the binary and catalogues shipped
with the job) and the partials merged on the driver (`medsave merge`); the output folder must be a path the
executors and the driver both see. Every value is read as text and cast in the query, so that codes keep their leading zeros
and decimals are summed exactly. Needs pyspark (pip install pyspark) and Java 17 or later.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sql_template  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, action="append", help="dispensing files or globs (repeatable)")
    ap.add_argument("--format", choices=["csv", "parquet"], help="the input's format (default: from its name)")
    ap.add_argument("--out", required=True, help="the folder to write by month")
    ap.add_argument("--epd", action="store_true", help="the input is the English Prescribing Dataset")
    ap.add_argument("--master", help="Spark master when not run by spark-submit, e.g. local[2]")
    ap.add_argument("--partitions", type=int, help="shuffle partitions (spark.sql.shuffle.partitions)")
    ap.add_argument("--rank", metavar="MEDSAVE", help="then rank the result with this medsave binary: each month "
                    "on an executor (rank --partial, the binary and the catalogues shipped with the job), then "
                    "medsave merge on the driver")
    ap.add_argument("--catalog", action="append", default=[], help="with --rank: the catalogues (repeatable)")
    ap.add_argument("--rank-option", action="append", default=[], metavar="ARG",
                    help="with --rank: an option that computes the rows, for the executors and the merge "
                    "(e.g. --rank-option=--target --rank-option=p10)")
    ap.add_argument("rank_args", nargs="*", help="after --: options for medsave merge that list the rows")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("medsave-aggregate")
    if args.master:
        builder = builder.master(args.master)
    if args.partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(args.partitions))
    # A value that is not a number stops the job (ANSI casts) rather than becoming a NULL that sums to nothing.
    builder = (builder.config("spark.sql.ansi.enabled", "true").config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    fmt = args.format or ("parquet" if args.input[0].endswith(".parquet") else "csv")
    if fmt == "csv":
        frame = spark.read.option("header", True).option("inferSchema", False).csv(args.input)
    else:
        frame = spark.read.parquet(*args.input)
    missing = [c for c in sql_template.required(args.epd) if c.lower() not in {x.lower() for x in frame.columns}]
    if missing:
        spark.stop()
        sys.exit(f"{args.input[0]}: missing column(s) {', '.join(missing)}; the input has {', '.join(frame.columns)}")
    frame.createOrReplaceTempView("dispensing")
    result = spark.sql(sql_template.query(frame.columns, epd=args.epd))
    # Decimals as plain text: Spark's CSV writer prints DecimalType with toPlainString.
    (result.write.mode("overwrite").partitionBy("period").option("header", True).option("emptyValue", "")
        .csv(args.out))
    code = rank_on_executors(spark, args) if args.rank else 0
    spark.stop()
    return code


def rank_on_executors(spark, args):
    """Each month's folder ranked by `medsave rank --partial` on an executor, then `medsave merge` here. The
    month folders, and where the partials go, must be paths every executor sees (a shared or local file system)."""
    from pyspark import SparkFiles

    out = os.path.abspath(args.out)
    months = sorted(name for name in os.listdir(out) if name.startswith("period="))
    spark.sparkContext.addFile(os.path.abspath(args.rank))
    for catalogue in args.catalog:
        spark.sparkContext.addFile(os.path.abspath(catalogue))
    binary, catalogues, computed = os.path.basename(args.rank), [os.path.basename(c) for c in args.catalog], args.rank_option
    partials = os.path.join(out, "_partials")
    os.makedirs(partials, exist_ok=True)

    def rank_month(name):
        month = name[len("period="):]
        folder = os.path.join(out, name)
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".csv", ".csv.gz")))
        medsave = SparkFiles.get(binary)
        os.chmod(medsave, 0o755)
        target = os.path.join(partials, month + ".partial")
        catalogue_args = [a for c in catalogues for a in ("--catalog", SparkFiles.get(c))]
        run = subprocess.run(
            [medsave, "rank", "--partial", "--dispensing", *files, "--set", "period=" + month, "--threads", "1",
             "--output", target, *catalogue_args, *computed], capture_output=True, text=True)
        return name, run.returncode, run.stderr, target

    results = spark.sparkContext.parallelize(months, len(months)).map(rank_month).collect()
    for name, code, stderr, _ in results:
        if code != 0:
            sys.stderr.write(f"{name}: medsave rank --partial failed:\n{stderr}")
            return code
    catalogue_args = [a for c in args.catalog for a in ("--catalog", c)]
    return subprocess.call(
        [args.rank, "merge", *[target for *_, target in results], *catalogue_args, *computed, *args.rank_args])


if __name__ == "__main__":
    sys.exit(main())
