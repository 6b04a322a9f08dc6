"""The partial-sum query of engines/sql/, adapted to the columns an input has: shared by the DuckDB and Spark
runners. Lines marked `-- optional: <column>` are dropped when the input has no such column."""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
NATIVE = os.path.join(HERE, "sql", "aggregate.sql")
EPD = os.path.join(HERE, "sql", "aggregate-epd.sql")
OPTIONAL = re.compile(r"--\s*optional:\s*(\w+)\s*$")


def query(columns, epd=False):
    """The query for an input with these column names (medsave's native ones, or the EPD's with `epd`)."""
    with open(EPD if epd else NATIVE, encoding="utf-8") as f:
        text = f.read()
    have = {c.strip().lower() for c in columns}
    kept = []
    for line in text.splitlines():
        if line.lstrip().startswith("--"):
            continue
        m = OPTIONAL.search(line)
        if m and m.group(1).lower() not in have:
            continue
        kept.append(line)
    sql = "\n".join(kept)
    # A select list may now end in a comma (the last optional column went): drop it.
    return re.sub(r",\s*\n(\s*FROM\b)", r"\n\1", sql)


def required(epd=False):
    """The columns the query needs in every input."""
    return (["YEAR_MONTH", "PRACTICE_CODE", "BNF_CODE", "TOTAL_QUANTITY", "NIC", "ITEMS"] if epd
            else ["period", "unit", "product", "quantity", "cost"])
