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

echo "== 1. Sample exports (synthetic citizens, 3% bad rows of every kind)"
"$TRIN" sample --citizens 600 --seed 2024 --dirty 0.03 --out "$EXPORTS"

echo; echo "== 2. A pseudonym key (kept outside the store and the output)"
"$TRIN" keygen "$OUT/secrets/pseudonym.key"

COMMON=(--store "$OUT/trin.sqlite" --key "$OUT/secrets/pseudonym.key" --log "$OUT/import.log")
echo; echo "== 3. Import the course exports (CSV), the partner reports (XML) and the register"
"$TRIN" import "${COMMON[@]}" --mapping "$ROOT/mappings/forloeb.yaml" "$EXPORTS"/forloeb-*.csv || true
if [ -f "$ROOT/mappings/haendelser.yaml" ]; then
  "$TRIN" import "${COMMON[@]}" --mapping "$ROOT/mappings/haendelser.yaml" "$EXPORTS"/haendelser-*.xml || true
fi
"$TRIN" import "${COMMON[@]}" --mapping "$ROOT/mappings/virksomheder.yaml" "$EXPORTS/virksomheder.csv"

echo; echo "== 4. The import log operations read in the morning"
"$TRIN" runs --store "$OUT/trin.sqlite"
echo; "$TRIN" runs show 1 --store "$OUT/trin.sqlite" | head -40

echo; echo "== 5. Metrics: suppressed (k = 5), published atomically as a set (JSON, CSV, manifest)"
"$TRIN" metrics --store "$OUT/trin.sqlite" --output "$OUT/metrics"
ls "$OUT/metrics/current/"
YEAR=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(max(y['year'] for y in d['years']))" "$OUT/metrics/current/employment.json" 2>/dev/null || echo 2024)
echo; "$TRIN" metrics --store "$OUT/trin.sqlite" --year "$YEAR"

echo; echo "== 6. The annual report for $YEAR"
"$TRIN" report --store "$OUT/trin.sqlite" --year "$YEAR" --out "$OUT/aarsrapport-$YEAR.html"
echo; echo "Done. Open $OUT/aarsrapport-$YEAR.html; metric files are in $OUT/metrics/current/."
