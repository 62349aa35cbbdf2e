#!/usr/bin/env bash
# make bench: end-to-end `trin import` on generated exports of growing size.
# Prints rows/s, MB/s and peak resident memory (from /usr/bin/time or getrusage).
# A benchmark, not a test: the machine is noisy, compare ratios within one run. Each timed
# command starts after a sync, so the kernel's write-back of the previous one is not counted.
set -euo pipefail
TRIN=${1:?path to trin}
DIR=${2:-bench-out}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${BENCH_ROWS:-"1000000 5000000"}
XML_SIZES=${BENCH_XML_BYTES:-"200000000 1000000000"}
mkdir -p "$DIR"
[ -f "$DIR/key" ] || "$TRIN" keygen "$DIR/key" >/dev/null

peak_and_time() {  # runs a command, prints "seconds peak_kb"
  python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
os.sync()  # start from a quiet disk: the previous run's write-back must not be timed here
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.monotonic() - t
if p.returncode not in (0, 1):
    sys.stderr.write(p.stderr.decode(errors="replace")); sys.exit(p.returncode)
print(f"{dt:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

printf '%-34s %10s %9s %12s %9s %12s\n' "input" "rows" "seconds" "rows/s" "MB/s" "peak RSS MB"
for rows in $SIZES; do
  f="$DIR/forloeb-bench-$rows.csv"
  [ -f "$f" ] || "$TRIN" sample --forloeb-rows "$rows" --seed 42 --out "$DIR" >/dev/null
  rm -f "$DIR/bench.sqlite" "$DIR/bench.sqlite-wal" "$DIR/bench.sqlite-shm"
  read -r secs peak < <(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$ROOT/mappings/forloeb.yaml" "$f")
  bytes=$(stat -c %s "$f")
  python3 -c "import sys; r,b,s,p=map(float,sys.argv[1:]); print(f'{\"forloeb CSV \"+sys.argv[1]+\" rows\":34s} {int(r):10d} {s:9.2f} {r/s:12,.0f} {b/s/1e6:9.1f} {p/1024:12.1f}')" "$rows" "$bytes" "$secs" "$peak"
done
if "$TRIN" import --help 2>/dev/null | grep -q mapping && [ -f "$ROOT/mappings/haendelser.yaml" ]; then
  for bytes in $XML_SIZES; do
    f="$DIR/haendelser-bench-$bytes.xml"
    [ -f "$f" ] || "$TRIN" sample --haendelser-bytes "$bytes" --seed 42 --out "$DIR" >/dev/null
    rm -f "$DIR/bench.sqlite" "$DIR/bench.sqlite-wal" "$DIR/bench.sqlite-shm"
    read -r secs peak < <(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$ROOT/mappings/haendelser.yaml" "$f")
    records=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select coalesce(sum(rows_read),0) from run_file').fetchone()[0])" "$DIR/bench.sqlite")
    size=$(stat -c %s "$f")
    python3 -c "import sys; r,b,s,p=map(float,sys.argv[1:]); print(f'{\"haendelser XML \"+str(int(b/1e6))+\" MB\":34s} {int(r):10d} {s:9.2f} {r/s:12,.0f} {b/s/1e6:9.1f} {p/1024:12.1f}')" "$records" "$size" "$secs" "$peak"
    if command -v xmllint >/dev/null; then
      read -r secs peak < <(peak_and_time xmllint --stream --noout "$f")
      python3 -c "import sys; b,s,p=map(float,sys.argv[1:]); print(f'{\"  xmllint --stream --noout\":34s} {\"\":>10s} {s:9.2f} {\"\":>12s} {b/s/1e6:9.1f} {p/1024:12.1f}')" "$size" "$secs" "$peak"
    fi
  done
fi
