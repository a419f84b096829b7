#!/usr/bin/env bash
# Full-fidelity overhead: vvsim decoding a stream through the whole simulated
# path (guest driver, virtqueues, bus, device, real codec, frames read back)
# against Debian's vpxdec decoding the same file, on this machine, in one run.
# Usage: bench/decode_overhead.sh [BUILD_DIR]   (default: build)
# Makes a 720p VP9 stream of 300 frames (ffmpeg testsrc + vpxenc) in a scratch
# directory, times each decoder 5 times, prints the medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
VVSIM="$BUILD_DIR/bin/vvsim"
[ -x "$VVSIM" ] || { echo "build first: ./dev build" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ffmpeg -v error -f lavfi -i "testsrc=size=1280x720:rate=30" -frames:v 300 -pix_fmt yuv420p -f rawvideo -y "$work/in.yuv"
vpxenc -q --ivf --codec=vp9 --i420 -w 1280 -h 720 --fps=30/1 --target-bitrate=2000 --threads=2 --cpu-used=8 \
  --lag-in-frames=0 -o "$work/vp9_720p.ivf" "$work/in.yuv" 2>/dev/null
cat > "$work/bench.yaml" <<YAML
description: decode overhead benchmark
streams:
  - input: {file: vp9_720p.ivf}
    input_buffer_kib: 1024
YAML

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() {  # seconds CMD...: wall time of one run
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
ref=$(for i in 1 2 3 4 5; do seconds vpxdec --threads=1 --i420 -o /dev/null "$work/vp9_720p.ivf"; done | median)
sim=$(for i in 1 2 3 4 5; do seconds "$VVSIM" run "$work/bench.yaml" --quiet --out "$work/out"; done | median)
peak=$( { /usr/bin/time -f "%M" "$VVSIM" run "$work/bench.yaml" --quiet --out "$work/out" >/dev/null; } 2>&1 | tail -1)
printf "720p VP9, 300 frames\n  vpxdec (1 thread): %.3f s\n  vvsim run:         %.3f s\n  ratio:             %.2f\n  vvsim peak RSS:    %d KiB\n" \
  "$ref" "$sim" "$(echo "$sim / $ref" | bc -l)" "$peak"
