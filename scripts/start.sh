#!/usr/bin/env bash
# Install what is missing, then start Tanggap with its embedded PostGIS and the demo city
# on http://127.0.0.1:8050 (set TANGGAP_DATABASE_URL to use your own PostgreSQL instead).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/tanggap demo "$@"
