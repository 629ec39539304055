#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
# System packages: Chromium and its driver (browser tests), a CJK font (screenshots), Virtuoso
# (virtuoso-t and isql-vt: `push` into a second real store; the test starts its own on loopback and
# leaves alone the service Debian may start where services run).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
    || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
    || ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    chromium chromium-driver fonts-noto-cjk virtuoso-opensource >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# lint and format first (ruff is pinned in the test extra, so every machine formats alike)
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
# both cores: modules are spread over two workers, each module's tests (and fixtures) on one
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
