#!/usr/bin/env bash
# Install everything Tanggap needs on Debian, idempotently: a second run reuses the first.
#   bash scripts/install.sh            runtime: PostgreSQL 15 + PostGIS + pgRouting, Python env
#   bash scripts/install.sh --dev      plus test tools and headless Chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1
step() { printf '\033[36m▶ %s\033[0m\n' "$*"; }

packages=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting postgresql-contrib)
[ "$dev" = 1 ] && packages+=(chromium chromium-driver fonts-dejavu-core)
python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then packages+=(python3-venv); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Run as root, or install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  step "Debian packages already installed: ${packages[*]}"
fi

"$python" - <<'PY' || { echo "Tanggap needs Python 3.11 or newer (found $("$python" --version))" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  step "Creating the Python environment in .venv"
  "$python" -m venv .venv
fi
extras=""
[ "$dev" = 1 ] && extras="[dev]"
stamp=".venv/.tanggap-installed${extras}"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  step "Installing Tanggap and its Python packages into .venv${extras:+ (with test tools)}"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras}"
  echo "$wanted" > "$stamp"
else
  step "Python packages already installed in .venv${extras:+ (with test tools)}"
fi
