#!/usr/bin/env bash
# make disclosure: the information loss of the published tables on a sample of
# the municipality's real size (trin sample --profile kommune), at k = 5 and 3.
set -euo pipefail
TRIN=${1:?path to trin}
DIR=${2:-disclosure-out}
ASOF=${ASOF:-2026-11-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$DIR"; mkdir -p "$DIR"
"$TRIN" sample --profile kommune --seed "${SEED:-2024}" --out "$DIR/exports" > /dev/null
"$TRIN" keygen "$DIR/key" > /dev/null
for f in "$DIR"/exports/forloeb-2*.csv; do
  "$TRIN" import --store "$DIR/s.sqlite" --key "$DIR/key" --mapping "$ROOT/mappings/forloeb.yaml" "$f" > /dev/null
done
for f in "$DIR"/exports/haendelser-2*.xml; do
  "$TRIN" import --store "$DIR/s.sqlite" --key "$DIR/key" --mapping "$ROOT/mappings/haendelser.yaml" "$f" > /dev/null
done
"$TRIN" import --store "$DIR/s.sqlite" --key "$DIR/key" --mapping "$ROOT/mappings/virksomheder.yaml" "$DIR"/exports/virksomheder*.csv > /dev/null
echo "Sample: trin sample --profile kommune --seed ${SEED:-2024}; as of $ASOF"
"$TRIN" disclosure --store "$DIR/s.sqlite" --as-of "$ASOF" --k 5 --k 3
