#!/usr/bin/env bash
# The README's test command: every test, on a fresh machine too. Installs what the tests
# drive for real and a fresh machine may lack (lrzsz's `rz` for the ZMODEM test; the
# PostgreSQL server for the bureau tests; openssl for the TLS test's certificates), then runs `cargo test --locked`. Arguments are
# passed to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v rz >/dev/null 2>&1 || missing+=(lrzsz)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "scripts/test.sh: the tests need these Debian packages: ${missing[*]}" >&2
    echo "  install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "scripts/test.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi

exec cargo test --locked "$@"
