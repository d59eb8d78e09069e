#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, runs the whole suite, then tests the
# installed wheel (scripts/smoke-wheel.sh: build, install into a fresh venv, demo and smoke test).
# Fast loop while developing: python3 -m pytest -m "not slow"
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
fi
python3 -m pip install -q --disable-pip-version-check -e '.[dev]'
python3 -m pytest -q "$@"
[ "${KX_SKIP_WHEEL:-}" = 1 ] || bash scripts/smoke-wheel.sh   # KX_SKIP_WHEEL=1 skips it
