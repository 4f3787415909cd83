#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real, when they are missing:
#   postgresql  - initdb/pg_ctl for the suite's throwaway PostgreSQL cluster
#   chromium    - the browser the Playwright tests launch (never downloaded by Playwright)
# Needs root or password-less sudo; without them it says what to install and fails.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
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
# The postgresql package starts a default cluster where it can; the tests use their own.
$SUDO service postgresql stop >/dev/null 2>&1 || true

ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "postgresql did not install" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "chromium did not install" >&2; exit 1; }
