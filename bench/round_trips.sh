#!/usr/bin/env bash
# v6 command round trips per second (vvsim-bench-v6-commands), two builds in
# paired runs on this machine: A and B run in turn, PAIRS times after one
# warm-up pair; each run's figure is the median of REPS repetitions (items/s,
# CPU based) and each pair gives one ratio B/A. The script prints, for one at
# a time and for 16 in flight, the medians of A, B and of the ratios with
# their range. The issue's goal: 500 k/s one at a time.
# Usage: bench/round_trips.sh BUILD_A BUILD_B [PAIRS] [REPS]   (default: 7 5)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
A="$1/bin/vvsim-bench-v6-commands"
B="$2/bin/vvsim-bench-v6-commands"
PAIRS=${3:-7}
REPS=${4:-5}
for bin in "$A" "$B"; do [ -x "$bin" ] || { echo "no benchmark at $bin (build first: ./dev build)" >&2; exit 1; }; done
source bench/wall_time.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rates() {  # rates BIN: "one_at_a_time pipelined" items/s, medians of the repetitions
  "$1" --benchmark_filter='BM_V6Command' --benchmark_repetitions="$REPS" --benchmark_format=json 2>/dev/null |
    python3 -c 'import json,statistics,sys
runs=[b for b in json.load(sys.stdin)["benchmarks"] if b.get("run_type")=="iteration"]
d={n:statistics.median(b["items_per_second"] for b in runs if b["run_name"]==n) for n in {b["run_name"] for b in runs}}
print(d["BM_V6CommandRoundTrip"], d["BM_V6CommandsPipelined"])'
}
rates "$A" >/dev/null; rates "$B" >/dev/null  # warm-up pair
for _ in $(seq "$PAIRS"); do
  read -r a1 a16 < <(rates "$A")
  read -r b1 b16 < <(rates "$B")
  echo "$a1 $b1 $(echo "$b1 / $a1" | bc -l)" >>"$work/one"
  echo "$a16 $b16 $(echo "$b16 / $a16" | bc -l)" >>"$work/sixteen"
done
report() {  # report FILE LABEL
  local ma mb mr lo hi
  ma=$(cut -d' ' -f1 "$1" | median); mb=$(cut -d' ' -f2 "$1" | median)
  mr=$(cut -d' ' -f3 "$1" | median)
  lo=$(cut -d' ' -f3 "$1" | sort -g | head -1); hi=$(cut -d' ' -f3 "$1" | sort -g | tail -1)
  printf '%-22s A %6.1f k/s  B %6.1f k/s  B/A %.3f (%.3f-%.3f)\n' "$2" \
    "$(echo "$ma / 1000" | bc -l)" "$(echo "$mb / 1000" | bc -l)" "$mr" "$lo" "$hi"
}
echo "$PAIRS pairs, each run the median of $REPS repetitions"
report "$work/one" "one at a time"
report "$work/sixteen" "16 in flight"
