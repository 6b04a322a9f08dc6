#!/bin/sh
# Regenerates the reports in notebooks-export/ from the bundled datasets/ (`make notebooks` runs this).
# The arguments are relative to the repository, so the reports, which embed their command line, are the
# same bytes on every machine; one thread, so that no sum depends on how many cores there are. MEDSAVE names the binary (default: the release build); MEDSAVE_ROOT a
# folder laid out like the repository (datasets/, notebooks-export/) to write into instead, for the test
# that checks the committed reports are current.
set -eu
root="${MEDSAVE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
medsave="${MEDSAVE:-$root/.build/release/medsave}"
cd "$root"
for audience in pharmacist budget; do
    "$medsave" report --dispensing datasets/dispensing.csv.gz --catalog datasets/catalogue.csv \
        --review-db none --threads 1 --audience "$audience" --output "notebooks-export/$audience.html"
done
