#!/usr/bin/env bash
# Install what is missing, then run lint, format check, type check and the whole test suite.
# The suite starts its own throwaway PostGIS cluster; it needs no running service.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[36m▶ %s\033[0m\n' "$*"; }
bash scripts/install.sh --dev
step "ruff check"
.venv/bin/ruff check .
step "ruff format --check"
.venv/bin/ruff format --check .
step "mypy (geodata, layers)"
.venv/bin/mypy
step "pytest"
.venv/bin/python -m pytest "$@"
