#!/usr/bin/env bash
# Run every benchmark in benchmarks/ (each starts its own throwaway PostGIS cluster).
# KABUPATEN_SCALE=0.1 shrinks the Kabupaten-sized benchmark city (bench_kabupaten.py) for
# a quick run; KABUPATEN_ARGS passes more options (e.g. --skip-browser --skip-import).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
for bench in benchmarks/bench_*.py; do
  printf '\033[36m▶ %s\033[0m\n' "$bench"
  if [[ "$bench" == benchmarks/bench_kabupaten.py ]]; then
    # shellcheck disable=SC2086
    .venv/bin/python "$bench" --scale "${KABUPATEN_SCALE:-1.0}" ${KABUPATEN_ARGS:-}
  else
    .venv/bin/python "$bench"
  fi
done
