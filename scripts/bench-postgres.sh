#!/usr/bin/env bash
# make bench-postgres: trin import into a PostgreSQL store on a throw-away local cluster, beside
# the SQLite store on the same files: a fresh import of 1 M rows (five per citizen), the next
# night's superset export onto the store holding the night before, and that export fresh.
# Prints seconds, rows/s, MB/s and trin's peak resident memory (the server's is its own).
# A benchmark, not a test: the machine is noisy, compare ratios within one run.
#
#   scripts/bench-postgres.sh TRIN URL [DIR]
set -euo pipefail
TRIN=${1:?path to trin}
URL=${2:?postgresql:// URL of the server}
DIR=${3:-bench-out}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${BENCH_ROWS:-1000000}
MAP="$ROOT/mappings/forloeb.yaml"
mkdir -p "$DIR"
[ -f "$DIR/key" ] || "$TRIN" keygen "$DIR/key" >/dev/null
five="$DIR/forloeb-bench-$ROWS-5pc.csv"
next="$DIR/forloeb-bench-$ROWS-5pc-next.csv"
[ -f "$five" ] || "$TRIN" sample --forloeb-rows "$ROWS" --rows-per-citizen 5 --seed 42 --out "$DIR" >/dev/null
[ -f "$next" ] || python3 "$ROOT/scripts/nightly-export.py" "$five" "$next" 2>/dev/null
psql_() { psql "$URL" -Atq -c "$1"; }

timed() {  # LABEL ROWS FILE NOTE -- command...: runs it, prints one row of the table
  local label=$1 rows=$2 file=$3 note=$4; shift 5
  python3 - "$label" "$rows" "$(stat -c %s "$file")" "$note" "$@" <<'PY'
import os, resource, subprocess, sys, time
label, rows, size, note, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:]
os.sync()
t = time.monotonic()
p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.monotonic() - t
if p.returncode not in (0, 1):
    sys.stderr.write(p.stderr.decode(errors="replace")); sys.exit(p.returncode)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{label:46s} {rows:10d} {dt:9.2f} {rows / dt:12,.0f} {size / dt / 1e6:9.1f} {peak:9.1f}  {note}")
with open(os.environ["TIMES"], "a") as f: f.write(f"{label}\t{dt}\n")
PY
}
export TIMES="$DIR/pg-times.txt"
: >"$TIMES"
seconds() { awk -F'\t' -v l="$1" '$1 == l { print $2 }' "$TIMES"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f} of fresh')" "$(seconds "$1")" "$(seconds "$2")"; }
# Rows, not lines: a quoted field may hold a line break.
next_rows=$(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='latin-1', newline=''), delimiter=';')) - 1)" "$next")

printf '%-46s %10s %9s %12s %9s %9s  %s\n' "import" "rows" "seconds" "rows/s" "MB/s" "peak MB" "note"
for store in ${BENCH_STORES:-postgres sqlite}; do
  if [ $store = postgres ]; then
    run=$RANDOM  # tenants of their own: a file imported before would be skipped
    a=(--store "$URL" --tenant "bench-a-$run"); b=(--store "$URL" --tenant "bench-b-$run")
    settle() { psql_ "VACUUM ANALYZE"; }  # the server's own upkeep, done between nights, not timed
  else
    rm -f "$DIR"/pg-a.sqlite "$DIR"/pg-b.sqlite
    a=(--store "$DIR/pg-a.sqlite"); b=(--store "$DIR/pg-b.sqlite")
    settle() { :; }
  fi
  timed "$store: $ROWS rows, 5 rows/citizen, fresh" "$ROWS" "$five" "" -- "$TRIN" import "${a[@]}" --key "$DIR/key" --mapping "$MAP" "$five"
  settle
  timed "$store:   next night's export, fresh" "$next_rows" "$next" "" -- "$TRIN" import "${b[@]}" --key "$DIR/key" --mapping "$MAP" "$next"
  settle
  timed "$store:   next night's export onto the night before" "$next_rows" "$next" "" -- \
    "$TRIN" import "${a[@]}" --key "$DIR/key" --mapping "$MAP" "$next"
  echo "$(printf '%-46s' "$store:   nightly / fresh")  $(ratio "$store:   next night's export onto the night before" "$store:   next night's export, fresh")"
done
