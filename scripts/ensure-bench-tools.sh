#!/usr/bin/env bash
# Install the Debian packages the benchmarks (`make bench`) drive for real, when missing:
#   postgresql  - initdb/pg_ctl for the benchmarks' throwaway PostgreSQL cluster
#   wrk         - the HTTP load generator of the scan benchmark (bench/scan.py)
# Needs root or password-less sudo; without them it says what to install and fails.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
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
# The postgresql package starts a default cluster where it can; the benchmarks use their own.
$SUDO service postgresql stop >/dev/null 2>&1 || true

ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "postgresql did not install" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || { echo "wrk did not install" >&2; exit 1; }
