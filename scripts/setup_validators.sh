#!/usr/bin/env bash
# Install the real tools that the exporter tests run (docs/export.md, "Validators"):
#   - Debian: chromium (plays the HTML export, driven by Playwright), graphviz (renders DOT),
#     nodejs + npm when missing;
#   - npm (package.json / package-lock.json): inkjs, extwee, fountain-js, into node_modules/.
# The Python side (screenplain, reportlab, playwright) comes with the dev extra in
# pyproject.toml. Idempotent: installs only what is missing or stale. Never downloads a browser
# of its own: Playwright drives Debian's /usr/bin/chromium.
# Usage: bash scripts/setup_validators.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)  # the terminal-app smoke test
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup_validators: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
fi

# node_modules is stale when npm's record of it is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
    echo "setup_validators: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.package-lock.json
fi
