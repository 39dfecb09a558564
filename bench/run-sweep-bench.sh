#!/usr/bin/env bash
# Sweep benchmark: starts its own Azurite (in memory, free loopback ports), then for each size seeds N patients
# with D due and times one sweep. Not a test; see bench/README.md.
#
#   bench/run-sweep-bench.sh                  # N = 10000 and 100000, D = 1000
#   bench/run-sweep-bench.sh 5000:500 20000   # sizes as N or N:D (D defaults to 1000, or $DUE)
#
# Extra arguments for the bench itself go in BENCH_ARGS, e.g. BENCH_ARGS="--no-outbox --concurrency 4".
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
default_due="${DUE:-1000}"

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error

# A port the OS reports free right now (node is here anyway, for Azurite).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
blob_port=$(free_port); queue_port=$(free_port); table_port=$(free_port)

work=$(mktemp -d "${TMPDIR:-/tmp}/reminders-bench.XXXXXX")
log="$work/azurite.log"
azurite_pid=""
cleanup() {
  if [ -n "$azurite_pid" ] && kill -0 "$azurite_pid" 2>/dev/null; then
    kill "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node_modules/.bin/azurite \
  --blobHost 127.0.0.1 --blobPort "$blob_port" \
  --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" \
  --inMemoryPersistence --skipApiVersionCheck --disableTelemetry > "$log" 2>&1 &
azurite_pid=$!

# Ready when blob, queue and table all say they listen (no fixed sleep; give up after 60 s).
deadline=$((SECONDS + 60))
until [ "$(grep -c 'successfully listening' "$log" || true)" -ge 3 ]; do
  if ! kill -0 "$azurite_pid" 2>/dev/null; then cat "$log" >&2; echo "Azurite exited before it was ready." >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then cat "$log" >&2; echo "Azurite was not ready after 60 s." >&2; exit 1; fi
  sleep 0.1
done
echo "Azurite (in memory) listening: table 127.0.0.1:$table_port"

account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export REMINDERS_BENCH_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"

rows=()
status=0
for size in "${sizes[@]}"; do
  n="${size%%:*}"; d="$default_due"
  [ "$size" != "$n" ] && d="${size#*:}"
  echo
  echo "=== N=$n D=$d ==="
  out="$work/bench-$n-$d.txt"
  # shellcheck disable=SC2086 # BENCH_ARGS is a list of words on purpose
  if dotnet run -c Release --project bench/Reminders.Bench -- --patients "$n" --due "$d" ${BENCH_ARGS:-} | tee "$out"; then :; else
    status=1
    echo "Bench failed for N=$n D=$d." >&2
  fi
  row=$(grep -E '^\| [0-9]' "$out" || true)
  [ -n "$row" ] && rows+=("$row")
done

echo
echo "Results ($(date -u +%Y-%m-%d), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)):"
echo "| N patients | D due | seed s | sweep s (no-op sender) | sent | due rows read | storage requests | sweep s (outbox sender) | sent (outbox) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do echo "$row"; done
exit "$status"
