#!/usr/bin/env bash
# Checks the reader's site with the Nu Html Checker, Lighthouse and axe-core
# (see check.mjs): builds Qalam, serves the demo publication with a long
# discussion added, and runs the checks against it. Needs Go, Node.js with
# npm, Java and Debian's Chromium; .ci/run installs them. Exit status 1 when a
# bar is missed. Reports go to $QALAM_TEST_ARTIFACTS/quality (or quality/out).
# With QALAM_QUALITY_DATABASE_URL (an empty PostgreSQL database), the site
# runs on PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")"

db="${QALAM_QUALITY_DATABASE_URL:-}"
out="${QALAM_TEST_ARTIFACTS:-$PWD/out}/quality${db:+-postgres}"
mkdir -p "$out"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== npm packages"
# npm ci refuses this tree (a dependency asks for third-party-web "latest"),
# so install from the lock file with npm install, scripts off (vnu-jar's would
# fetch a Java runtime; the system's is used).
npm install --no-audit --no-fund --ignore-scripts --loglevel=error

echo "== build"
(cd .. && go build -o "$work/qalam" ./cmd/qalam)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
serve() {
  "$work/qalam" serve --demo -addr "127.0.0.1:$port" -data "$work/data" ${db:+-database "$db"} >"$out/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "Qalam did not start; its log:"; cat "$out/server.log"; return 1
}

echo "== demo publication"
serve
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
slug=$(cd .. && go run ./quality/seed -database "${db:-$work/data/qalam.db}" -comments 200)
echo "long discussion: /articles/$slug"
serve

echo "== checks"
node check.mjs "$base" "$slug" "$out"
