#!/usr/bin/env bash
# Tests the installed wheel, not the checkout: builds it, installs it with its dependencies into a
# fresh virtual environment, and from an empty folder elsewhere runs the demo and a smoke test.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kx-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT
unset PYTHONPATH

# build from a copy, so that the checkout gets no build/ or egg-info (whose file lists could leak
# into a later wheel)
mkdir "$work/source"
cp -r "$repo/pyproject.toml" "$repo/README.md" "$repo/src" "$work/source/"
rm -rf "$work"/source/src/*.egg-info
python3 -m pip wheel -q --no-deps -w "$work/dist" "$work/source"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$work"/dist/kxgraph-*.whl
kx="$work/venv/bin/kx"

mkdir "$work/elsewhere" && cd "$work/elsewhere"
# kxgraph and its shipped files must come from the wheel, not from the checkout
"$work/venv/bin/python" - "$work/venv" <<'PY'
import sys
import kxgraph
from kxgraph.resources import package_path, resource_path
venv = sys.argv[1]
for path in (kxgraph.__file__, resource_path("ontology/kx.ttl"), resource_path("taiyuan/taiyuan.trig"),
             package_path("templates/page.html")):
    assert str(path).startswith(venv), f"{path} is not from the installed wheel"
PY
"$kx" --store store demo -o views > demo.txt
grep -q "Reported figures against the data" demo.txt
test -s views/network.html
"$kx" --store store find 太原市 > find.txt && grep -q "kxplace:140100" find.txt
"$kx" --store store show kxplace:140100 > show.txt && grep -q "太原市" show.txt
"$kx" --store store report --check > report.txt
"$kx" --store store report -o report.html 2> /dev/null && grep -q "default-src 'none'" report.html
"$kx" --store store query 'ASK { ?s a <https://w3id.org/kxgraph/ns#AcademicianWorkstation> }' > ask.txt
grep -q true ask.txt
echo "wheel smoke test passed: $(basename "$work"/dist/kxgraph-*.whl) installed in a fresh venv"
