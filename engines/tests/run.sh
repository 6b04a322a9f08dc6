#!/usr/bin/env bash
# The engines' contract tests with DuckDB (part of `make test`): DuckDB from PyPI in a venv kept under
# .build-engines/ (created once), then engines/tests/test_duckdb.py against the medsave binary `swift test` built.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.build-engines/venv
if ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check duckdb==2.0.1
fi
export MEDSAVE_BINARY="${MEDSAVE_BINARY:-$(swift build --show-bin-path)/medsave}"
"$venv/bin/python" -m unittest discover -s engines/tests -p 'test_duckdb.py'
