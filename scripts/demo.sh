#!/usr/bin/env bash
# make demo: the main job end to end on generated sample exports.
#   demo-exports/  synthetic exports (they hold synthetic CPR numbers, as real ones would)
#   demo-out/      what trin writes: store, import log, metric files, report — no CPR number
set -euo pipefail
TRIN=${1:?path to trin}
OUT=${2:-demo-out}
EXPORTS=${DEMO_EXPORTS:-demo-exports}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT" "$EXPORTS"
mkdir -p "$OUT/secrets"
chmod 700 "$OUT/secrets"
OUT=$(cd "$OUT" && pwd)

echo "== 1. Sample exports: a synthetic municipality of real size (profile kommune: 1,000 citizens,"
echo "      40 agreements, 2022–2025), 3% bad rows of every kind, three nightly extracts"
"$TRIN" sample --profile kommune --seed 2024 --dirty 0.03 --out "$EXPORTS"
EXPORTS=$(cd "$EXPORTS" && pwd)

echo; echo "== 2. A pseudonym key, kept outside the store and the output"
"$TRIN" keygen "$OUT/secrets/pseudonym.key"

echo; echo "== 3. History: import the earlier nightly extracts by hand (trin import)"
COMMON=(--store "$OUT/trin.sqlite" --key "$OUT/secrets/pseudonym.key" --log "$OUT/import.log")
mapfile -t forloeb < <(ls "$EXPORTS"/forloeb-2*.csv | sort)
mapfile -t haendelser < <(ls "$EXPORTS"/haendelser-2*.xml | sort)
"$TRIN" import "${COMMON[@]}" --mapping "$ROOT/mappings/forloeb.yaml" "${forloeb[@]:0:${#forloeb[@]}-1}"

echo; echo "== 4. Tonight: serve the latest exports on 127.0.0.1 and let trin run fetch them"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$ROOT/scripts/demo-server.py" "$EXPORTS" --port "$PORT" > "$OUT/demo-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q serving "$OUT/demo-server.log" 2>/dev/null && break; sleep 0.1; done
cat > "$OUT/trin.yaml" <<YAML
# Demo configuration: three sources on the local demo server.
store: trin.sqlite
keyFile: secrets/pseudonym.key
output: metrics
log: import.log
prometheus: trin.prom
k: 5
sources:
  - name: forloeb
    url: "http://127.0.0.1:$PORT/$(basename "${forloeb[-1]}")"
    mapping: $ROOT/mappings/forloeb.yaml
    schedule: "30 2 * * *"
  - name: haendelser
    url: "http://127.0.0.1:$PORT/$(basename "${haendelser[-1]}")"
    mapping: $ROOT/mappings/haendelser.yaml
    schedule: "45 2 * * *"
  - name: haendelser-broken
    # A nightly export that was cut off: refused whole, the rest of the run goes on.
    url: "http://127.0.0.1:$PORT/$(basename "$(ls "$EXPORTS"/haendelser-truncated-*.xml)")"
    mapping: $ROOT/mappings/haendelser.yaml
  - name: virksomheder
    url: "http://127.0.0.1:$PORT/virksomheder.csv"
    mapping: $ROOT/mappings/virksomheder.yaml
    schedule: "0 3 * * mon"
YAML
"$TRIN" check-config --config "$OUT/trin.yaml"
echo; echo "\$ trin run --config trin.yaml   (exit code 1: one source failed, the others were imported)"
"$TRIN" run --config "$OUT/trin.yaml" || echo "(exit code $?)"
echo; echo "\$ trin run --config trin.yaml   (again: the server answers 304, nothing changes)"
"$TRIN" run --config "$OUT/trin.yaml" --source forloeb --source haendelser --source virksomheder

echo; echo "== 5. The import log operations read in the morning (no CPR number anywhere)"
"$TRIN" runs --config "$OUT/trin.yaml"
RUN=$("$TRIN" runs --config "$OUT/trin.yaml" | awk 'NR==3 {print $1}')
echo; "$TRIN" runs show "$RUN" --config "$OUT/trin.yaml" > "$OUT/runs-show.txt"; head -n 24 "$OUT/runs-show.txt"
echo; echo "Last lines of $OUT/import.log (JSON lines):"; tail -n 3 "$OUT/import.log"

echo; echo "== 6. Metrics: suppressed (k = 5) and published atomically as a set by every run"
ls "$OUT/metrics/current/"
YEAR=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(max(y['year'] for y in d['years']))" "$OUT/metrics/current/employment.json" 2>/dev/null || echo 2024)
echo; "$TRIN" metrics --config "$OUT/trin.yaml" --year "$YEAR"

echo; echo "== 7. The annual report for $YEAR"
"$TRIN" report --config "$OUT/trin.yaml" --year "$YEAR" --out "$OUT/aarsrapport-$YEAR.html"
echo; echo "Done. Open $OUT/aarsrapport-$YEAR.html; metric files are in $OUT/metrics/current/."
