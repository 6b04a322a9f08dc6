#!/usr/bin/env python3
"""Writes the malformed-input corpus: small dispensing files, each showing one way real extracts arrive broken.
Run from this folder; deterministic. Tests/medsaveTests/MalformedInputTests.swift says what each must produce."""
import gzip

H = "period,unit,prescriber,patient,product,quantity,cost,items,substitution_allowed"
GOOD = "2025-01,U1,P1,a,100001,100,50.00,1,true"
files = {
    "ragged.csv": f"{H}\n{GOOD}\n2025-01,U1,P1,a,100001,100,50.00\n",
    "unterminated-quote.csv": f'{H}\n{GOOD}\n2025-01,"U1,P1,a,100001,100,50.00,1,true\n',
    "quoted-newline.csv": f'{H}\n2025-01,"U1\nannex",P1,a,100001,100,50.00,1,true\n',
    "decimal-comma.csv": f'{H}\n2025-01,U1,P1,a,100001,100,"50,00",1,true\n',
    "non-numeric-quantity.csv": f"{H}\n2025-01,U1,P1,a,100001,ten,50.00,1,true\n",
    "nan-inf.csv": f"{H}\n2025-01,U1,P1,a,100001,NaN,50.00,1,true\n2025-01,U1,P1,a,100001,100,inf,1,true\n",
    "huge-number.csv": f"{H}\n2025-01,U1,P1,a,100001,1e308,50.00,1,true\n",
    "empty.csv": "",
    "header-only.csv": f"{H}\n",
    "repeated-header.csv": f"{H}\n{GOOD}\n{H}\n{GOOD}\n",
    "missing-column.csv": "period,unit,prescriber,patient,product,quantity,items\n2025-01,U1,P1,a,100001,100,1\n",
    "extra-column.csv": f"{H},comment\n{GOOD},checked by hand\n",
    "cr-only.csv": f"{H}\r{GOOD}\r",
    "crlf.csv": f"{H}\r\n{GOOD}\r\n",
    "unknown-product.csv": f"{H}\n{GOOD}\n2025-01,U1,P1,a,999999,10,10.00,1,true\n",
    "zero-quantity.csv": f"{H}\n2025-01,U1,P1,a,100003,0,25.00,1,true\n",
    "overshooting-correction.csv": f"{H}\n2025-01,U1,P1,a,100003,100,200.00,1,true\n2025-01,U1,P1,a,100003,-150,-300.00,-1,true\n",
}
for name, text in files.items():
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write(text)
with open("bom.csv", "wb") as f:
    f.write(b"\xef\xbb\xbf" + f"{H}\n{GOOD}\n".encode())
with open("invalid-utf8.csv", "wb") as f:
    f.write(f"{H}\n".encode() + b"2025-01,U\xff1,P1,a,100001,100,50.00,1,true\n")
with open("windows-1252-as-utf8.csv", "wb") as f:
    f.write(f"{H}\n".encode() + "2025-01,Vårdcentral,P1,a,100001,100,50.00,1,true\n".encode("cp1252"))
with open("nul-bytes.csv", "wb") as f:
    f.write(f"{H}\n{GOOD}\n".encode() + b"2025-01,U\x001,P1,a,100001,100,50.00,1,true\n")
whole = gzip.compress(f"{H}\n".encode() + (GOOD + "\n").encode() * 2000, mtime=0)
with open("truncated.csv.gz", "wb") as f:
    f.write(whole[: len(whole) // 2])
