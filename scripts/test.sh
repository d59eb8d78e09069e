#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium for the browser tests, virtuoso-opensource for the second SPARQL engine (tests/test_virtuoso.py)
if ! command -v chromium >/dev/null 2>&1 || ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium virtuoso-opensource >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium virtuoso-opensource >/dev/null; fi
fi
python3 -m pip install -q --disable-pip-version-check -e '.[dev]'
python3 -m pytest -q "$@"
