#!/usr/bin/env bash
# Decoding on host threads (vvsim run --host-threads), paired runs on this
# machine: A and B run in turn, PAIRS times after one warm-up pair, and each
# pair gives one ratio A/B of wall times; the script prints the medians of A,
# B and of the ratios, with their range.
#   1. one 720p VP9 stream (300 frames): vvsim on every core against
#      vpxdec --threads=1 on the same file (goal: ratio at most 1.00)
#   2. four such streams at once: --host-threads 2 against --host-threads 1
#      (goal: B/A at least 1.8)
# Usage: bench/host_threads.sh [BUILD_DIR] [PAIRS]   (default: build 7)
# The commands are printed too, for any other A/B timing tool.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
PAIRS=${2:-7}
VVSIM="$BUILD_DIR/bin/vvsim"
[ -x "$VVSIM" ] || { echo "build first: ./dev build" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ffmpeg -v error -f lavfi -i "testsrc=size=1280x720:rate=30" -frames:v 300 -pix_fmt yuv420p -f rawvideo -y "$work/in.yuv"
vpxenc -q --ivf --codec=vp9 --i420 -w 1280 -h 720 --fps=30/1 --target-bitrate=2000 --threads=2 --cpu-used=8 \
  --lag-in-frames=0 -o "$work/in.ivf" "$work/in.yuv" 2>/dev/null
rm "$work/in.yuv"
{
  echo "description: one 720p VP9 stream"
  echo "streams:"
  echo "  - input: {file: in.ivf}"
  echo "    input_buffer_kib: 1024"
} >"$work/one.yaml"
{
  echo "description: four 720p VP9 streams"
  echo "streams:"
  for i in 0 1 2 3; do
    echo "  - name: s$i"
    echo "    input: {file: in.ivf}"
    echo "    input_buffer_kib: 1024"
  done
} >"$work/four.yaml"

. bench/wall_time.sh
paired() {  # paired TITLE A-COMMAND -- B-COMMAND
  local title=$1
  shift
  local a=() b=()
  while [ "$1" != -- ]; do a+=("$1"); shift; done
  shift
  b=("$@")
  echo "$title"
  echo "  A: ${a[*]}"
  echo "  B: ${b[*]}"
  seconds "${a[@]}" >/dev/null
  seconds "${b[@]}" >/dev/null
  : >"$work/pairs"
  for _ in $(seq "$PAIRS"); do
    ta=$(seconds "${a[@]}")
    tb=$(seconds "${b[@]}")
    echo "$ta $tb $(echo "$ta / $tb" | bc -l)" >>"$work/pairs"
  done
  printf "  A median %.3f s, B median %.3f s, A/B median %.3f (%.3f-%.3f), %d pairs\n" \
    "$(cut -d' ' -f1 "$work/pairs" | median)" "$(cut -d' ' -f2 "$work/pairs" | median)" \
    "$(cut -d' ' -f3 "$work/pairs" | median)" "$(cut -d' ' -f3 "$work/pairs" | sort -g | head -1)" \
    "$(cut -d' ' -f3 "$work/pairs" | sort -g | tail -1)" "$PAIRS"
}

cores=$(nproc)
paired "1. one 720p VP9 stream, vvsim on $cores host threads (A) against vpxdec --threads=1 (B); goal A/B <= 1.00" \
  "$VVSIM" run "$work/one.yaml" --quiet --host-threads "$cores" --out "$work/out1" -- \
  vpxdec --threads=1 --i420 -o /dev/null "$work/in.ivf"
paired "2. four 720p VP9 streams, --host-threads 1 (A) against --host-threads 2 (B); goal A/B >= 1.8" \
  "$VVSIM" run "$work/four.yaml" --quiet --host-threads 1 --out "$work/out4a" -- \
  "$VVSIM" run "$work/four.yaml" --quiet --host-threads 2 --out "$work/out4b"
cmp -s "$work/out4a/summary.json" "$work/out4b/summary.json" && echo "  summaries of 1 and 2 host threads: the same" ||
  { echo "  summaries of 1 and 2 host threads DIFFER" >&2; exit 1; }
