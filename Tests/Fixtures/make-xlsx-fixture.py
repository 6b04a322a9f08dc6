#!/usr/bin/env python3
"""Writes tlv-small.xlsx: a TLV-style "Periodens varor" workbook in miniature that shows, in one sheet, what
the real files do: a namespace prefix on every element, shared strings (one with rich-text runs), inline strings,
numbers written as floats, XML entities, an empty cell, a preamble row and TLV's -2147483648 marker.
Run from this folder; the output is deterministic."""
import zipfile

SHEET_NAME = "20250301-20250331"
shared = ["Status", "Produktnamn", "Varunummer", "Förpackningsstorleksgrupp", "Utbytesgrupps ID",
          "Försäljningspris per minsta enhet", "Storlek", "Ursprung", "PV"]
NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

def s(ref, i):
    return f'<x:c r="{ref}" t="s"><x:v>{i}</x:v></x:c>'

def inline(ref, text):
    return f'<x:c r="{ref}" t="inlineStr"><x:is><x:t>{text}</x:t></x:is></x:c>'

def num(ref, v):
    return f'<x:c r="{ref}" s="1"><x:v>{v}</x:v></x:c>'

rows = [
    '<x:row r="1">' + inline("A1", "Periodens varor &amp; reserver") + '</x:row>',
    '<x:row r="3">' + "".join(s(f"{c}3", i) for c, i in zip("ABCDEFGH", range(8))) + '</x:row>',
    '<x:row r="4">' + s("A4", 8) + inline("B4", "Simvastatin &quot;Teva&quot;") + inline("C4", "012345")
    + inline("D4", "T23") + num("E4", "111603") + num("F4", "0.40000000000000002") + num("G4", "100.00000")
    + inline("H4", "Generics") + '</x:row>',
    '<x:row r="5">' + inline("A5", "Nej") + inline("B5", "Zocord&#174;") + inline("C5", "543210")
    + inline("D5", "T23") + num("E5", "111603") + num("F5", "2") + num("G5", "98")
    + inline("H5", "-2147483648") + '</x:row>',
    '<x:row r="6">' + inline("A6", "R1") + inline("B6", "Simvastatin Krka") + inline("C6", "222222")
    + '<x:c r="D6"/>' + num("E6", "111604") + num("F6", "0.45") + num("G6", "30") + '</x:row>',
]
sheet = (f'<?xml version="1.0" encoding="utf-8" standalone="yes"?><x:worksheet {NS}><x:sheetData>'
         + "".join(rows) + '</x:sheetData></x:worksheet>')
sst_items = "".join(f"<si><t>{t}</t></si>" for t in shared[:-1]) + '<si><r><t>P</t></r><r><t>V</t></r><rPh><t>x</t></rPh></si>'
sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst_items}</sst>'
workbook = (f'<?xml version="1.0"?><x:workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<x:sheets><x:sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1" /></x:sheets></x:workbook>')
rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
with zipfile.ZipFile("tlv-small.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in [("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels),
                       ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet)]:
        info = zipfile.ZipInfo(name, date_time=(2025, 3, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text.encode("utf-8"))
