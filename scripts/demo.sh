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
