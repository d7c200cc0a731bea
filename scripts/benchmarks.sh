#!/usr/bin/env bash
# Run every benchmark in benchmarks/ (each starts its own throwaway PostGIS cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
for bench in benchmarks/bench_*.py; do
  printf '\033[36m▶ %s\033[0m\n' "$bench"
  .venv/bin/python "$bench"
done
