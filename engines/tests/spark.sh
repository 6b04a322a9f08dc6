#!/usr/bin/env bash
# The Spark end-to-end test, run by .ci/run: Java 17 from apt-get when there is none, pyspark from PyPI in a venv
# kept under .build-spark/ (created once), then engines/tests/test_spark.py (Spark local[2], a few minutes at most).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing openjdk-17-jre-headless with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
venv=.build-spark/venv
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check pyspark==4.3.0
fi
export MEDSAVE_BINARY="${MEDSAVE_BINARY:-$(swift build --show-bin-path)/medsave}"
"$venv/bin/python" -m unittest discover -s engines/tests -p 'test_spark.py'
