#!/usr/bin/env python3
"""medsave's partial sums with Apache Spark: engines/sql/aggregate.sql over CSV or Parquet from any path Spark
reads (local, HDFS, S3, ...), written as month-partitioned CSV (period=YYYY-MM/part-*.csv), which
`medsave rank --dispensing FOLDER` reads one month at a time.

    spark-submit engines/spark/medsave_spark.py --input 's3a://bucket/epd/*.csv' --out s3a://bucket/partials [--epd]
    python3 engines/spark/medsave_spark.py --master 'local[2]' --input raw.csv --out partials \\
        --rank path/to/medsave -- --catalog catalogue.csv --target p10 --format csv

With --rank, medsave then ranks the partials on the driver, one month at a time (the output folder must be a
local path for that). Every value is read as text and cast in the query, so that codes keep their leading zeros
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
    ap.add_argument("--rank", metavar="MEDSAVE", help="then run this medsave binary's rank on the result")
    ap.add_argument("rank_args", nargs="*", help="after --: arguments for medsave rank")
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
    spark.stop()
    if args.rank:
        return subprocess.call([args.rank, "rank", "--dispensing", args.out] + args.rank_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
