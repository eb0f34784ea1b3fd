#!/usr/bin/env bash
# Benchmarks (issue 4): CSV import throughput and report time/memory at several scales, each beside
# its raw-sqlite3 floor. Usage:  Tools/bench.sh [SCALE ...]      (default: 1 10)
# Needs: sqlite3, hyperfine, /usr/bin/time (apt-get install -y sqlite3 hyperfine time), python3.
# Work files go to ${BENCH_DIR:-/tmp/teacher-registry-bench}; the table is printed as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(1 10)
work=${BENCH_DIR:-/tmp/teacher-registry-bench}
for tool in sqlite3 hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y sqlite3 hyperfine)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

echo "building release …" >&2
swift build -c release >&2
bin=$root/.build/release/teacher-registry

secs() { python3 -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }
# /usr/bin/time -f "%e %M" → wall seconds, peak KiB
# Runs a command with its output discarded; prints "wall-seconds peak-KiB".
timed() { /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" > /dev/null; cat "$work/time.out"; }

rows_table=()
for scale in "${scales[@]}"; do
  dir=$work/scale-$scale
  rm -rf "$dir"; mkdir -p "$dir/csv" "$dir/base"
  echo "scale $scale: writing the demo county as CSV …" >&2
  "$bin" demo --scale "$scale" --csv-dir "$dir/csv" >&2
  all_rows=$(( $(cat "$dir"/csv/*.csv | wc -l) - 14 ))
  training_rows=$(( $(wc -l < "$dir/csv/training.csv") - 1 ))

  echo "scale $scale: import-dir of every file …" >&2
  read -r import_s import_kb < <(timed "$bin" --db "$dir/full.sqlite" import-dir "$dir/csv")

  # Training alone, into a registry that holds everything else: ours against sqlite3 .import.
  cp "$dir"/csv/*.csv "$dir/base/"; rm "$dir/base/training.csv"
  "$bin" --db "$dir/base.sqlite" import-dir "$dir/base" > /dev/null
  python3 - "$dir/csv/training.csv" "$dir/training-tenths.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline='') as f, open(sys.argv[2], 'w', newline='') as g:
    r, w = csv.reader(f), csv.writer(g, lineterminator='\n')
    w.writerow(next(r))
    for row in r:
        row[8] = str(round(float(row[8]) * 10)); row[9] = str(round(float(row[9]) * 10)) if row[9] else ''
        w.writerow(row)
PY
  cp "$dir/base.sqlite" "$dir/ours.sqlite"
  read -r ours_s ours_kb < <(timed "$bin" --db "$dir/ours.sqlite" import training "$dir/csv/training.csv")
  cp "$dir/base.sqlite" "$dir/floor.sqlite"
  read -r floor_s floor_kb < <(cd "$dir" && timed sqlite3 "$dir/floor.sqlite" -init /dev/null -cmd ".read $root/Tools/bench/floor-import.sql" .quit)

  echo "scale $scale: report --year 2025 --format json …" >&2
  hyperfine --warmup 1 --runs 5 --export-json "$dir/report.json" \
    "$bin --db $dir/full.sqlite report --year 2025 --format json" > /dev/null
  report_s=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$dir/report.json")
  read -r _ report_kb < <(timed "$bin" --db "$dir/full.sqlite" report --year 2025 --format json)
  python3 "$root/Tools/bench/floor-report.py" 2025 > "$dir/floor-report.sql"
  hyperfine --warmup 1 --runs 5 --export-json "$dir/floor-report.json" "sqlite3 $dir/full.sqlite < $dir/floor-report.sql" > /dev/null
  freport_s=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$dir/floor-report.json")
  read -r _ freport_kb < <(timed sh -c "sqlite3 $dir/full.sqlite < $dir/floor-report.sql")

  rows_table+=("$(python3 - "$scale" "$all_rows" "$import_s" "$import_kb" "$training_rows" "$ours_s" "$floor_s" "$report_s" "$report_kb" "$freport_s" "$freport_kb" <<'PY'
import sys
s, rows, imp, impkb, tr, ours, floor, rep, repkb, frep, frepkb = sys.argv[1:]
rows, imp, tr, ours, floor, rep, frep = int(rows), float(imp), int(tr), float(ours), float(floor), float(rep), float(frep)
print(f"| {s}× | {rows:,} rows in {imp:.1f} s = {rows/imp:,.0f} rows/s, {int(impkb)/1024:.0f} MiB | "
      f"{tr:,} rows: {tr/ours:,.0f} rows/s vs sqlite3 {tr/floor:,.0f} rows/s ({floor/ours:.0%}) | "
      f"{rep:.2f} s, {int(repkb)/1024:.0f} MiB | {frep:.2f} s, {int(frepkb)/1024:.0f} MiB ({rep/frep:.2f}×) |")
PY
)")
done

echo
echo "| scale | import-dir, all 14 files (wall, peak memory) | training.csv alone: ours vs \`sqlite3 .import\` (share of floor) | \`report --year 2025 --format json\` (median, peak) | SQL floor (4 heaviest metrics × 5 years) |"
echo "|---|---|---|---|---|"
for row in "${rows_table[@]}"; do echo "$row"; done
