#!/usr/bin/env bash
# Install, when missing, the Debian packages the project drives for real:
#   postgresql  - initdb/pg_ctl for the throwaway PostgreSQL clusters of tests and benchmarks
#   chromium    - the browser the Playwright tests launch (never downloaded by Playwright)
#   wrk         - the HTTP load generator of the benchmarks (bench/scan.py, bench/mixed.py)
#   redis-server - the limiter storage shared by gunicorn workers, tested for real
# Usage: ensure-debian-packages.sh PACKAGE... (make test asks for postgresql, chromium and
# redis-server, make bench for postgresql, redis-server and wrk). Needs root or password-less
# sudo; without them it says what to install and fails.
set -euo pipefail

present() {
  case "$1" in
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
    chromium) [ -x /usr/bin/chromium ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for package in "$@"; do
  present "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]} (no apt-get here; install them by hand)." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "Missing: ${missing[*]}. Run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing Debian packages: ${missing[*]} ..."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
# The postgresql package starts a default cluster where it can; tests and benchmarks use their own.
$SUDO service postgresql stop >/dev/null 2>&1 || true
$SUDO service redis-server stop >/dev/null 2>&1 || true

for package in "${missing[@]}"; do
  present "$package" || { echo "$package did not install" >&2; exit 1; }
done
