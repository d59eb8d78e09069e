#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, runs the whole suite, then tests the
# installed wheel (scripts/smoke-wheel.sh: build, install into a fresh venv, demo and smoke test).
# Fast loop while developing: python3 -m pytest -m "not slow"
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the tests use: chromium (browser tests), a CJK font (Chinese chart labels) and
# virtuoso-opensource (the second SPARQL engine, tests/test_virtuoso.py).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[dev]'
# Two workers, a test file each at a time (module fixtures such as the Virtuoso server stay one per file).
python3 -m pytest -q -n 2 --dist loadfile "$@"
[ "${KX_SKIP_WHEEL:-}" = 1 ] || bash scripts/smoke-wheel.sh   # KX_SKIP_WHEEL=1 skips it
