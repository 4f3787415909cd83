#!/usr/bin/env bash
# Make sure PostgreSQL server binaries (initdb, pg_ctl) are present for the test suite's
# throwaway cluster; install Debian's postgresql package when missing and we are allowed to.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      echo "PostgreSQL binaries missing and not root: apt-get install postgresql" >&2; exit 1
    fi
  fi
  echo "Installing PostgreSQL server binaries (Debian package postgresql)..."
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # The package starts a default cluster where it can; the tests use their own.
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || {
  echo "PostgreSQL server binaries are still missing." >&2; exit 1; }
