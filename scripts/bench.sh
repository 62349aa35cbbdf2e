#!/usr/bin/env bash
# make bench: end-to-end trin on generated exports, one table: fresh CSV imports of both
# record shapes, the nightly superset export onto the store that holds its predecessor,
# the metrics over that store, XML of both record shapes beside `xmllint --stream`, and two
# nights of the partner portal's XML export.
# Prints seconds, CPU seconds, rows/s, MB/s and the peak resident memory of each command.
# BENCH_BASELINE=/path/to/another/trin also times that build on the five-rows export.
# A benchmark, not a test: the machine is noisy, compare ratios within one run. Each timed
# command starts after a sync, so the kernel's write-back of the previous one is not counted.
set -euo pipefail
TRIN=${1:?path to trin}
DIR=${2:-bench-out}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${BENCH_ROWS:-"1000000 5000000"}
XML_SIZES=${BENCH_XML_BYTES:-"200000000 1000000000"}
MAP="$ROOT/mappings"
mkdir -p "$DIR"
[ -f "$DIR/key" ] || "$TRIN" keygen "$DIR/key" >/dev/null

peak_and_time() {  # runs a command, prints "seconds peak_kb cpu_seconds"
  python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
# The export is read once first: a fetched export is in the page cache when its import starts
# (trin has just written it), and the bench's gigabytes of other files would otherwise have
# pushed it out, so that a cold read timed the disk, not trin (a 5 M-row night: 2.1-2.6 s
# warm, 2.8-2.9 s cold). xmllint's input is warmed the same way.
for a in sys.argv[1:]:
    if a.endswith((".csv", ".xml")) and os.path.isfile(a):
        with open(a, "rb") as f:
            while f.read(1 << 20):
                pass
os.sync()  # start from a quiet disk: the previous run's write-back must not be timed here
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.monotonic() - t
if p.returncode not in (0, 1):
    sys.stderr.write(p.stderr.decode(errors="replace")); sys.exit(p.returncode)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{dt:.3f} {r.ru_maxrss} {r.ru_utime + r.ru_stime:.3f}")
PY
}

# row LABEL RECORDS BYTES SECONDS PEAK_KB CPU_SECONDS [NOTE]
# CPU seconds (user and system, all threads) are steadier than wall time on a shared machine.
row() {
  python3 - "$@" <<'PY'
import sys
label, records, size, secs, peak, cpu = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
note = sys.argv[7] if len(sys.argv) > 7 else ""
rate = f"{records / secs:12,.0f}" if records else f"{'':>12s}"
mbs = f"{size / secs / 1e6:9.1f}" if size else f"{'':>9s}"
recs = f"{records:10d}" if records else f"{'':>10s}"
print(f"{label:44s} {recs} {secs:9.2f} {cpu:7.2f} {rate} {mbs} {peak / 1024:9.1f}  {note}")
PY
}

REPEAT=${BENCH_REPEAT:-3}
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_REPEAT must be a whole number from 1 (an odd one gives a true median)" >&2; exit 2; }
# median "seconds peak_kb cpu_seconds" of runs given as arguments (each "s kb cpu"), by wall
# time, then the fastest and slowest wall time: "s kb cpu min max".
median_of() {
  python3 - "$@" <<'PY'
import sys
runs = sorted((tuple(map(float, a.split())) for a in sys.argv[1:]), key=lambda r: r[0])
m = runs[(len(runs) - 1) // 2]  # the lower middle when the count is even
print(f"{m[0]:.3f} {m[1]:.0f} {m[2]:.3f} {runs[0][0]:.2f} {runs[-1][0]:.2f}")
PY
}

fresh_store() { rm -f "$DIR/bench.sqlite" "$DIR/bench.sqlite-wal" "$DIR/bench.sqlite-shm"; }
# Rows the last import read (a quoted field may hold a line break: lines are not rows).
rows_read() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select rows_read from run_file order by id desc limit 1').fetchone()[0])" "$DIR/bench.sqlite"; }
import_file() { "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$1" "$2"; }

printf '%-44s %10s %9s %7s %12s %9s %9s  %s\n' "input" "records" "seconds" "CPU s" "records/s" "MB/s" "peak MB" "note"
for rows in $SIZES; do
  one="$DIR/forloeb-bench-$rows.csv"
  five="$DIR/forloeb-bench-$rows-5pc.csv"
  next="$DIR/forloeb-bench-$rows-5pc-next.csv"
  [ -f "$one" ] || "$TRIN" sample --forloeb-rows "$rows" --seed 42 --out "$DIR" >/dev/null
  [ -f "$five" ] || "$TRIN" sample --forloeb-rows "$rows" --rows-per-citizen 5 --seed 42 --out "$DIR" >/dev/null
  [ -f "$next" ] || python3 "$ROOT/scripts/nightly-export.py" "$five" "$next" 2>/dev/null

  fresh_store
  read -r secs peak cpu < <(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$one")
  row "forloeb CSV $rows rows, 1 row/citizen, fresh" "$rows" "$(stat -c %s "$one")" "$secs" "$peak" "$cpu"

  # The target row: the median of $REPEAT runs, the machine's speed drifts from run to run.
  # BENCH_BASELINE, another build of trin (an older commit), runs alternately with this one
  # on the same file, as often: a ratio within one run holds where the day's speed does not.
  runs=(); baseline=()
  for _ in $(seq "$REPEAT"); do
    fresh_store
    runs+=("$(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$five")")
    if [ -n "${BENCH_BASELINE:-}" ]; then
      fresh_store
      baseline+=("$(peak_and_time "$BENCH_BASELINE" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$five")")
    fi
  done
  read -r secs peak cpu lo hi < <(median_of "${runs[@]}")
  row "forloeb CSV $rows rows, 5 rows/citizen, fresh" "$rows" "$(stat -c %s "$five")" "$secs" "$peak" "$cpu" "median of $REPEAT, $lo-$hi s"
  if [ -n "${BENCH_BASELINE:-}" ]; then
    read -r bsecs bpeak bcpu blo bhi < <(median_of "${baseline[@]}")
    ratio=$(python3 -c "import sys; print(f'this build takes {float(sys.argv[1]) / float(sys.argv[2]):.2f} of its time')" "$secs" "$bsecs")
    row "  same file, BENCH_BASELINE build" "$rows" "$(stat -c %s "$five")" "$bsecs" "$bpeak" "$bcpu" "$ratio; median, $blo-$bhi s"
  fi

  # The next night's export (the same rows, 2 % changed, 1 % new) into an empty store, then onto
  # the store holding the night before: the ratio is what the nightly run costs.
  # Every night below is set against this one: the median of $REPEAT, as for the target row.
  runs=()
  for _ in $(seq "$REPEAT"); do
    fresh_store
    runs+=("$(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$next")")
  done
  read -r fresh_secs peak cpu lo hi < <(median_of "${runs[@]}")
  next_rows=$(rows_read)
  row "  next night's export, fresh" "$next_rows" "$(stat -c %s "$next")" "$fresh_secs" "$peak" "$cpu" "median of $REPEAT, $lo-$hi s"
  fresh_store
  import_file "$MAP/forloeb.yaml" "$five" >/dev/null
  read -r secs peak cpu < <(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$next")
  ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f} of fresh')" "$secs" "$fresh_secs")
  row "  next night's export onto the night before" "$next_rows" "$(stat -c %s "$next")" "$secs" "$peak" "$cpu" "$ratio"

  # Eight more nights, each export written from the one before (other rows changed each night),
  # each imported onto the store of the night before: the changed rows pile up in
  # event_recent and are folded into event an eighth at a time (docs/store.md), so a single
  # night does not show what the nights cost one after another. From about the fourth night
  # on, most nights fold: the last nights are the steady state.
  nights=(); files=(); prev="$next"
  for n in 3 4 5 6 7 8 9 10; do
    f="$DIR/forloeb-bench-$rows-5pc-night$n.csv"
    [ -f "$f" ] || python3 "$ROOT/scripts/nightly-export.py" "$prev" "$f" "$n" 2>/dev/null
    nights+=("$(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$f")")
    files+=("$f")
    prev="$f"
  done
  night_rows=$(rows_read)
  # The target sets a night against a fresh import of the same file. Each night's export is
  # larger than the one before (1 % new rows), so the slowest night is set against a fresh
  # import of its own file, the median of $REPEAT, into a store of its own.
  slowest=$(python3 -c "import sys; r = [float(a.split()[0]) for a in sys.argv[1:]]; print(r.index(max(r)))" "${nights[@]}")
  runs=()
  for _ in $(seq "$REPEAT"); do
    rm -f "$DIR/fresh.sqlite" "$DIR/fresh.sqlite-journal"
    runs+=("$(peak_and_time "$TRIN" import --store "$DIR/fresh.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "${files[$slowest]}")")
  done
  rm -f "$DIR/fresh.sqlite" "$DIR/fresh.sqlite-journal" "$DIR/fresh.sqlite.lock"
  read -r own_secs _ _ own_lo own_hi < <(median_of "${runs[@]}")
  read -r secs peak cpu note < <(python3 - "$own_secs" "$own_lo" "$own_hi" "$slowest" "${nights[@]}" <<'PY'
import sys
own, lo, hi, slowest = float(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
runs = [tuple(map(float, a.split())) for a in sys.argv[5:]]
mean = sum(r[0] for r in runs) / len(runs)
print(f"{mean:.3f} {max(r[1] for r in runs):.0f} {sum(r[2] for r in runs) / len(runs):.3f} "
      f"slowest (night {slowest + 3}) {runs[slowest][0] / own:.2f} of a fresh import of its file ({own:.2f} s, median, {lo}-{hi}); "
      f"{' '.join(f'{r[0]:.2f}' for r in runs)} s")
PY
)
  row "  eight more nights, each onto the one before" "$night_rows" "$(stat -c %s "$prev")" "$secs" "$peak" "$cpu" "$note"

  events=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select (select count(*) from event) + (select count(*) from event_recent where in_event = 0)').fetchone()[0])" "$DIR/bench.sqlite")
  rm -rf "$DIR/metrics-out"
  read -r secs peak cpu < <(peak_and_time "$TRIN" metrics --store "$DIR/bench.sqlite" --key "$DIR/key" --output "$DIR/metrics-out" --as-of 2026-11-30)
  row "  trin metrics over that store" "$events" 0 "$secs" "$peak" "$cpu" "records in the store"

  # The night after retention deleted records (retention.events 4y; every run purges after
  # importing): the known rows outlast a purge whose cutoff moves forward, so this night
  # skips them like any other instead of reading its export in full (docs/operations.md).
  conf="$DIR/retention.yaml"
  printf 'output: %s\nstore: %s\nkeyFile: %s\nretention:\n  events: 4y\nsources: []\n' "$DIR/metrics-out" "$DIR/bench.sqlite" "$DIR/key" > "$conf"
  purged=$("$TRIN" purge --config "$conf" | sed -n 's/^events: \([0-9]*\) deleted.*/\1/p')
  f="$DIR/forloeb-bench-$rows-5pc-night11.csv"
  [ -f "$f" ] || python3 "$ROOT/scripts/nightly-export.py" "$prev" "$f" 11 2>/dev/null
  read -r secs peak cpu < <(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/forloeb.yaml" "$f")
  ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f} of fresh')" "$secs" "$fresh_secs")
  row "  the night after a retention purge" "$(rows_read)" "$(stat -c %s "$f")" "$secs" "$peak" "$cpu" "$ratio (the next night's); ${purged:-0} records purged (4 years)"
done

if [ -f "$MAP/haendelser.yaml" ]; then
  for bytes in $XML_SIZES; do
    for shape in "" "4-5"; do
      if [ -z "$shape" ]; then f="$DIR/haendelser-bench-$bytes.xml"; label="1-6 events/course"; else f="$DIR/haendelser-bench-$bytes-${shape}epc.xml"; label="4-5 events/course"; fi
      [ -f "$f" ] || "$TRIN" sample --haendelser-bytes "$bytes" ${shape:+--events-per-course "$shape"} --seed 42 --out "$DIR" >/dev/null
      # xmllint and trin alternately, $REPEAT times: xmllint's own time moves by half from run
      # to run on this machine, so the share is the median of the pairs' shares.
      runs=(); lints=(); shares=()
      for _ in $(seq "$REPEAT"); do
        if command -v xmllint >/dev/null; then lints+=("$(peak_and_time xmllint --stream --noout "$f")"); fi
        fresh_store
        runs+=("$(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --mapping "$MAP/haendelser.yaml" "$f")")
        if [ ${#lints[@]} -gt 0 ]; then
          shares+=("$(python3 -c "import sys; print(float(sys.argv[1].split()[0]) / float(sys.argv[2].split()[0]) * 100)" "${lints[${#lints[@]}-1]}" "${runs[${#runs[@]}-1]}")")
        fi
      done
      read -r secs peak cpu lo hi < <(median_of "${runs[@]}")
      records=$(rows_read)
      size=$(stat -c %s "$f")
      per=$((size / (records > 0 ? records : 1)))
      if [ ${#lints[@]} -gt 0 ]; then
        read -r lsecs lpeak lcpu llo lhi < <(median_of "${lints[@]}")
        share=$(python3 -c "import sys; s = sorted(map(float, sys.argv[1:])); print(f'{s[(len(s) - 1) // 2]:.0f} % of xmllint ({s[0]:.0f}-{s[-1]:.0f})')" "${shares[@]}")
      else
        share=""
      fi
      row "haendelser XML $((bytes / 1000000)) MB, $label" "$records" "$size" "$secs" "$peak" "$cpu" "$per B/event; $share; median of $REPEAT"
      if [ -n "$share" ]; then row "  xmllint --stream --noout, same file" 0 "$size" "$lsecs" "$lpeak" "$lcpu" "median, $llo-$lhi s"; fi

      # The partner portal's nightly full export (the first size, the 4-5 shape): two nights
      # written by nightly-xml.py, each onto the store of the night before. The first import
      # (one pass into an empty store) keeps no digests of its records, so the first night
      # reads every record (and keeps them); the night after skips the known ones.
      if [ -n "$shape" ] && [ "$bytes" = "$(echo $XML_SIZES | cut -d' ' -f1)" ]; then
        fresh_secs=$secs
        n2="$DIR/haendelser-bench-$bytes-${shape}epc-night2.xml"; n3="$DIR/haendelser-bench-$bytes-${shape}epc-night3.xml"
        [ -f "$n2" ] || python3 "$ROOT/scripts/nightly-xml.py" "$f" "$n2" 2 2>/dev/null
        [ -f "$n3" ] || python3 "$ROOT/scripts/nightly-xml.py" "$n2" "$n3" 3 2>/dev/null
        fresh_store
        import_file "$MAP/haendelser.yaml" "$f" >/dev/null
        for night in "$n2" "$n3"; do
          rm -f "$DIR/night.log"
          read -r nsecs npeak ncpu < <(peak_and_time "$TRIN" import --store "$DIR/bench.sqlite" --key "$DIR/key" --log "$DIR/night.log" \
            --mapping "$MAP/haendelser.yaml" "$night")
          # How many records were known, as the import's log line says.
          known=$(python3 -c "import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if '\"file_imported\"' in l][-1].get('known_rows', '?'))" "$DIR/night.log" 2>/dev/null || echo '?')
          ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f} of the fresh import above')" "$nsecs" "$fresh_secs")
          if [ "$night" = "$n2" ]; then label="  next night's XML onto the night before"; else label="  and the night after"; fi
          row "$label" "$(rows_read)" "$(stat -c %s "$night")" "$nsecs" "$npeak" "$ncpu" "$ratio; $known records known"
        done
      fi
    done
  done
fi
