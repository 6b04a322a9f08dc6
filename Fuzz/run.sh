#!/usr/bin/env bash
# Builds the libFuzzer targets with the address sanitizer and runs each for SECONDS (default 60), in parallel.
#   Fuzz/run.sh 900
# Seeds come from Tests/Fixtures and Tests/Corpus (a CSV seed gets a leading byte that picks its dialect; see
# FuzzCSV.swift). Inputs that crash are written to Fuzz/crashes/; add each as a regression test, then fix.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export MEDSAVE_FUZZ=1
for target in FuzzCSV FuzzXLSX; do
  swift build -c debug --scratch-path .build-fuzz --product "$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
done
work=".build-fuzz/corpus"
mkdir -p "$work/csv" "$work/xlsx" Fuzz/crashes
for f in Tests/Fixtures/*.csv Tests/Corpus/*.csv; do
  name=$(basename "$f")
  { printf '\000'; cat "$f"; } > "$work/csv/plain-$name"
  { printf '\016'; cat "$f"; } > "$work/csv/excel-$name"   # ; delimiter, decimal comma, Windows-1252
done
cp Tests/Fixtures/*.xlsx "$work/xlsx/"
# The same workbooks with stored (uncompressed) entries, and one with cells in far columns and rows: mutations of
# deflated data rarely survive inflation, so these let the fuzzer reach the sheet XML and the cell-reference bounds.
python3 - "$work/xlsx" <<'PY'
import sys, zipfile, glob, os
out = sys.argv[1]
for path in glob.glob("Tests/Fixtures/*.xlsx"):
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(os.path.join(out, "stored-" + os.path.basename(path)), "w",
                                                     zipfile.ZIP_STORED) as w:
        for info in z.infolist():
            w.writestr(info.filename, z.read(info.filename))
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(os.path.join(out, "far-" + os.path.basename(path)), "w",
                                                     zipfile.ZIP_STORED) as w:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                                    b'</is></c><c r="ZZZZZZZ9" t="s"><v>99999</v></c></row></sheetData>')
            w.writestr(info.filename, data)
PY
bin=".build-fuzz/debug"
"$bin/FuzzCSV" -max_total_time="$seconds" -max_len=65536 -artifact_prefix=Fuzz/crashes/csv- "$work/csv" \
  > .build-fuzz/FuzzCSV.log 2>&1 &
csv=$!
"$bin/FuzzXLSX" -max_total_time="$seconds" -max_len=65536 -artifact_prefix=Fuzz/crashes/xlsx- "$work/xlsx" \
  > .build-fuzz/FuzzXLSX.log 2>&1 &
xlsx=$!
status=0
wait $csv || status=1
wait $xlsx || status=1
for target in FuzzCSV FuzzXLSX; do echo "$target: $(grep -E '^Done|^#[0-9]+.*DONE' .build-fuzz/$target.log | tail -1)"; done
ls Fuzz/crashes 2>/dev/null | grep -v README || echo "no crashes"
exit $status
