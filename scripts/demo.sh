#!/usr/bin/env bash
# Installs kxgraph and runs the main job: the demo graph, its views and answers, on the embedded store.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -e .
kx demo "$@"
