-- medsave's partial sums of the NHS English Prescribing Dataset (the view `dispensing`, EPD's own columns), in
-- medsave's native dispensing format: one row per (month, practice, presentation, sign), read by medsave without
-- --preset (`--currency GBP --groups bnf` as for the raw file). See aggregate.sql for what is kept and why.
-- NIC is the cost column, as medsave's --preset epd takes it by default; ACTUAL_COST for --cost actual.
SELECT
    CAST(YEAR_MONTH AS STRING) AS period,
    CAST(PRACTICE_CODE AS STRING) AS unit,
    CAST(BNF_CODE AS STRING) AS product,
    SUM(CAST(TOTAL_QUANTITY AS DECIMAL(30, 6))) AS quantity,
    SUM(CAST(NIC AS DECIMAL(30, 6))) AS cost,
    SUM(CAST(ITEMS AS BIGINT)) AS items
FROM dispensing
GROUP BY
    CAST(YEAR_MONTH AS STRING),
    CAST(PRACTICE_CODE AS STRING),
    CAST(BNF_CODE AS STRING),
    CASE WHEN CAST(TOTAL_QUANTITY AS DECIMAL(30, 6)) < 0 OR CAST(NIC AS DECIMAL(30, 6)) < 0 THEN 1 ELSE 0 END
