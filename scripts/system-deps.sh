#!/bin/sh
# Installs the Debian packages that the wire-level tests drive from outside: Chromium (the demo's
# browser test), nginx (the proxy tests), wrk (load during shutdown tests), nghttp2-client (nghttp
# and h2load), and the HTTP/1.1 clients of core-listener's clients.test.ts: curl, ApacheBench
# (apache2-utils) and Go (golang-go, for its net/http client).
# Runs only what is missing, and only where apt-get can run as root; elsewhere the tests that need
# a missing tool report themselves skipped with the reason, so a developer laptop stays usable.
set -u
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v nghttp >/dev/null 2>&1 || need="$need nghttp2-client"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v ab >/dev/null 2>&1 || need="$need apache2-utils"
command -v go >/dev/null 2>&1 || need="$need golang-go"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: cannot install$need here (needs apt-get as root); the tests that use them will skip" >&2
  exit 0
fi
echo "system-deps: installing$need"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $need >/tmp/servehttp-apt.log 2>&1; then
  apt-get update -q >/dev/null 2>&1 || true
  apt-get install -y -q --no-install-recommends $need >/tmp/servehttp-apt.log 2>&1 ||
    { echo "system-deps: apt-get failed, see /tmp/servehttp-apt.log" >&2; tail -5 /tmp/servehttp-apt.log >&2; exit 1; }
fi
