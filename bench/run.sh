#!/usr/bin/env bash
# The benchmarks, in one command: storage ceilings, sweep throughput (and the previous release's sequential sweep at
# its own commit, on the same Azurite), independence from stored size, registration under load, batch import, memory,
# and three queue consumers under one shared quota. Every figure is reported as a ratio of a ceiling measured in the
# same run. Not a test; see bench/README.md. About 20 minutes on 2 cores.
#
#   bench/run.sh            # everything
#   bench/run.sh --quick    # small sizes and short runs, to check the bench itself works
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick="${1:-}"
baseline_commit="c385393"

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
dotnet build Reminders.sln -c Release -nologo -v quiet -clp:ErrorsOnly

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
blob_port=$(free_port); queue_port=$(free_port); table_port=$(free_port)
work=$(mktemp -d "${TMPDIR:-/tmp}/reminders-bench.XXXXXX")
azurite_pid=""
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  [ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null && wait "$azurite_pid" 2>/dev/null || true
  git worktree remove --force "$work/baseline" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node_modules/.bin/azurite --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" --inMemoryPersistence --skipApiVersionCheck --disableTelemetry > "$work/azurite.log" 2>&1 &
azurite_pid=$!
deadline=$((SECONDS + 60))
until [ "$(grep -c 'successfully listening' "$work/azurite.log" || true)" -ge 3 ]; do
  kill -0 "$azurite_pid" 2>/dev/null || { cat "$work/azurite.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "Azurite was not ready after 60 s." >&2; exit 1; }
  sleep 0.1
done
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export REMINDERS_BENCH_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"

# The same Azurite behind a proxy that holds each response 10 ms: a cloud round trip, for the latency-bound comparison.
slow_port=$(free_port)
node bench/latency-proxy.js "$slow_port" "$table_port" 10 > "$work/proxy.log" 2>&1 &
proxy_pid=$!
export REMINDERS_BENCH_STORAGE_SLOW="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$slow_port/devstoreaccount1;"

# The previous release's sequential sweep, at its own commit, on this same Azurite: the baseline for "× faster".
n=10000; d=5000
[ "$quick" = "--quick" ] && n=2000 && d=1000
if git cat-file -e "$baseline_commit^{commit}" 2>/dev/null; then
  git worktree add --detach "$work/baseline" "$baseline_commit" >/dev/null 2>&1
  echo "Baseline: commit $baseline_commit, N=$n D=$d, no-op sender..."
  (cd "$work/baseline" && dotnet run -c Release --project bench/Reminders.Bench -- --patients "$n" --due "$d" --no-outbox) | tee "$work/baseline.txt"
  row=$(grep -E '^\| [0-9]' "$work/baseline.txt" | tail -1)
  # | N | D | seed s | sweep s | sent | due rows read | storage requests | ...
  export BASELINE_RATE=$(awk -F'|' '{gsub(/[ ,]/,"",$5); gsub(/[ ,]/,"",$6); printf "%.2f", $6/$5}' <<< "$row")
  export BASELINE_REQUESTS=$(awk -F'|' '{gsub(/[ ,]/,"",$6); gsub(/[ ,]/,"",$8); printf "%.2f", $8/$6}' <<< "$row")
  sn=2000; sd=500
  [ "$quick" = "--quick" ] && sn=1000 && sd=200
  echo "Baseline at a 10 ms round trip: N=$sn D=$sd..."
  (cd "$work/baseline" && REMINDERS_BENCH_STORAGE="$REMINDERS_BENCH_STORAGE_SLOW" dotnet run -c Release --no-build --project bench/Reminders.Bench -- --patients "$sn" --due "$sd" --no-outbox) | tee "$work/baseline-slow.txt"
  row=$(grep -E '^\| [0-9]' "$work/baseline-slow.txt" | tail -1)
  export BASELINE_SLOW_RATE=$(awk -F'|' '{gsub(/[ ,]/,"",$5); gsub(/[ ,]/,"",$6); printf "%.2f", $6/$5}' <<< "$row")
fi

export BENCH_REPORT="$work/report.md"
dotnet run -c Release --no-build --project bench/Reminders.Bench -- $quick

# Three consumers on one queue under one shared quota (processes of the test-only Server host; the test starts its own Azurite).
due=5000; per_minute=1000
[ "$quick" = "--quick" ] && due=300 && per_minute=200
rm -f "${TMPDIR:-/tmp}/reminders-scaleout-report.txt"
npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || true
REMINDERS_SCALEOUT_DUE=$due REMINDERS_SCALEOUT_PER_MINUTE=$per_minute \
  dotnet test tests/Reminders.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~ThreeConsumersTests" > "$work/scaleout.txt" 2>&1 || { cat "$work/scaleout.txt"; exit 1; }
{
  echo
  echo "## Scale-out correctness"
  sed 's/^[^ ]* //' "${TMPDIR:-/tmp}/reminders-scaleout-report.txt"
} >> "$BENCH_REPORT"

echo
echo "Results ($(date -u +%Y-%m-%d), $(nproc) cores, commit $(git rev-parse --short HEAD)):"
cat "$BENCH_REPORT"
