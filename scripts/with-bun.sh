#!/bin/sh
# Runs a servehttp task with the pinned Bun on a machine that may have only Node.js and npm:
# Bun comes from the npm registry (the `bun` package ships the binary) into ./.tools, then the
# workspace is installed from the committed bun.lockb, then the task runs.
#
#   sh scripts/with-bun.sh demo    start the demo server
#   sh scripts/with-bun.sh check   lint, boundaries, typecheck + build, every test
set -eu

BUN_VERSION=1.4.5
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"

find_bun() {
  if command -v bun >/dev/null 2>&1 && [ "$(bun --version 2>/dev/null)" = "$BUN_VERSION" ]; then
    command -v bun
    return 0
  fi
  for candidate in "$tools/node_modules/bun/bin/bun.exe" "$tools"/node_modules/@oven/bun-linux-*/bin/bun \
    "$tools"/node_modules/@oven/bun-darwin-*/bin/bun; do
    if [ -x "$candidate" ] && [ "$("$candidate" --version 2>/dev/null)" = "$BUN_VERSION" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 0
}

bun_bin=$(find_bun)
if [ -z "$bun_bin" ]; then
  echo "with-bun: installing bun@$BUN_VERSION from the npm registry into .tools/" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
    "bun@$BUN_VERSION" >&2
  bun_bin=$(find_bun)
fi
if [ -z "$bun_bin" ]; then
  echo "with-bun: bun@$BUN_VERSION did not install (see npm's output above)" >&2
  exit 1
fi

# Package scripts spawn `bun` by name, and npm's package names the binary bun.exe: link the
# pinned one as .tools/bin/bun and put that first on PATH.
mkdir -p "$tools/bin"
ln -sf "$bun_bin" "$tools/bin/bun"
PATH="$tools/bin:$PATH"
export PATH
cd "$root"
"$bun_bin" install --frozen-lockfile >&2

task=${1:-}
case "$task" in
  demo) exec "$bun_bin" --conditions=@servehttp/source apps/demo/src/main.ts ;;
  check) exec "$bun_bin" scripts/check.ts ;;
  *)
    echo "usage: sh scripts/with-bun.sh demo|check" >&2
    exit 2
    ;;
esac
