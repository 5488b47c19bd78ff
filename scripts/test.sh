#!/usr/bin/env bash
# Set up the virtual environment if needed, then run the whole test suite.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
stamp=.venv/.installed
if [ ! -x .venv/bin/python ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet -c constraints.txt -e '.[dev]'
    touch "$stamp"
fi
bash scripts/setup_validators.sh  # chromium, graphviz, npm packages for the exporter tests
exec .venv/bin/python -m pytest "$@"
