#!/usr/bin/env bash
# Timing-only mode against full fidelity on a long stream, and a 100-point
# sweep in timing-only mode, on this machine, in one run.
# Usage: bench/timing_only.sh [BUILD_DIR] [FRAMES]   (defaults: build, 10000)
# Makes a 160x96 VP8 stream of FRAMES frames (ffmpeg testsrc) in a scratch
# directory, then prints:
#   - wall time of a full run and of a timing-only run, their ratio, and
#     whether their summaries agree on every figure (all but the frame checksums)
#   - v6 commands answered per wall-clock second in timing-only mode
#   - wall time of a 100-point timing-only sweep (10 output-buffer counts x
#     10 codec clocks) of the whole stream on 2 jobs
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
FRAMES=${2:-10000}
VVSIM="$BUILD_DIR/bin/vvsim"
[ -x "$VVSIM" ] || { echo "build first: ./dev build" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ffmpeg -v error -f lavfi -i "testsrc=size=160x96:rate=30" -frames:v "$FRAMES" -c:v libvpx -b:v 200k \
  -deadline realtime -cpu-used 8 -g 300 -threads 1 -y "$work/long.ivf"
cat > "$work/long.yaml" <<YAML
description: timing-only benchmark, $FRAMES frames of 160x96 VP8
device: {commandq_size: 256}
streams:
  - name: long
    input: {file: $work/long.ivf}
    input_resources: 4
    output_resources: 8
YAML

seconds() {  # seconds CMD...: wall time of one run
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
field() { grep -m1 "\"$2\"" "$1" | grep -o '[0-9.]*' | head -1; }  # first number of a key in summary.json

full=$(seconds "$VVSIM" run "$work/long.yaml" --quiet --out "$work/full")
timing=$(seconds "$VVSIM" run "$work/long.yaml" --quiet --timing-only --out "$work/timing")
commands=$(field "$work/timing/summary.json" commands)
same=yes
diff <(grep -v -e '"frames_xxh3"' -e '"mode"' "$work/full/summary.json") \
     <(grep -v -e '"frames_xxh3"' -e '"mode"' "$work/timing/summary.json") >/dev/null || same=NO
points=$(seconds "$VVSIM" sweep "$work/long.yaml" --timing-only --jobs 2 --quiet --out "$work/sweep" \
  --param output_buffers=2,3,4,5,6,7,8,10,12,16 --param clock_mhz=50,100,150,200,300,400,600,800,1000,1200)
completed=$(grep -c ',0,completed,' "$work/sweep/sweep.csv" || true)
printf "%d frames of 160x96 VP8\n" "$FRAMES"
printf "  full run:            %.3f s\n  timing-only run:     %.3f s (%.1fx faster)\n" "$full" "$timing" \
  "$(echo "$full / $timing" | bc -l)"
printf "  summaries agree on every figure but the frame checksums: %s\n" "$same"
printf "  v6 commands answered in timing-only mode: %d, %.0f per wall-clock second\n" "$commands" \
  "$(echo "$commands / $timing" | bc -l)"
printf "  100-point timing-only sweep on 2 jobs: %.1f s (%d points completed)\n" "$points" "$completed"
