-- medsave's partial sums: one row per (period, unit, prescriber, product, substitution_allowed, sign) of the
-- rows of the view `dispensing` (medsave's native columns, datasets/README.md), written back in medsave's own
-- dispensing format. medsave reads the result as it reads the raw rows and gives the same ranking, byte for byte
-- (engines/README.md): quantities and costs are summed exactly as DECIMAL with medsave's six decimals, rows of
-- opposite sign (corrections) stay apart so that they are still flagged, and substitution_allowed is kept as
-- written, so that medsave reads each group's flag as it reads the rows'. Patients are not carried (a distinct
-- count does not add); items are summed.
--
-- Runs as it is in DuckDB, Spark SQL and BigQuery. Lines marked `-- optional: <column>` go when the input has no
-- such column (engines/duckdb/aggregate.py and engines/spark/medsave_spark.py do that).
SELECT
    CAST(period AS STRING) AS period,
    CAST(unit AS STRING) AS unit,
    CAST(prescriber AS STRING) AS prescriber,  -- optional: prescriber
    CAST(product AS STRING) AS product,
    SUM(CAST(quantity AS DECIMAL(30, 6))) AS quantity,
    SUM(CAST(cost AS DECIMAL(30, 6))) AS cost,
    SUM(CAST(items AS BIGINT)) AS items,  -- optional: items
    substitution_allowed  -- optional: substitution_allowed
FROM dispensing
GROUP BY
    CAST(period AS STRING),
    CAST(unit AS STRING),
    CAST(prescriber AS STRING),  -- optional: prescriber
    CAST(product AS STRING),
    substitution_allowed,  -- optional: substitution_allowed
    CASE WHEN CAST(quantity AS DECIMAL(30, 6)) < 0 OR CAST(cost AS DECIMAL(30, 6)) < 0 THEN 1 ELSE 0 END
