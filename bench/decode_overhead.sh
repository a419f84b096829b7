#!/usr/bin/env bash
# Full-fidelity overhead: vvsim decoding a stream through the whole simulated
# path (guest driver, virtqueues, bus, device, real codec, frames read back)
# against the reference decoder on the same file, on this machine, in one run.
# Usage: bench/decode_overhead.sh [BUILD_DIR] [vp9|h264]   (default: build vp9)
#   vp9:  a 720p VP9 stream of 300 frames (ffmpeg testsrc + vpxenc) against
#         vpxdec --threads=1
#   h264: a 720p x264 stream of 300 frames with x264's default B-frames against
#         ffmpeg -threads 1 decoding to yuv420p
# Times each decoder 5 times, prints the medians and their ratio. For paired
# runs, the two commands it prints can be given to any A/B timing tool.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
CODEC=${2:-vp9}
VVSIM="$BUILD_DIR/bin/vvsim"
[ -x "$VVSIM" ] || { echo "build first: ./dev build" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "$CODEC" in
  vp9)
    ffmpeg -v error -f lavfi -i "testsrc=size=1280x720:rate=30" -frames:v 300 -pix_fmt yuv420p -f rawvideo -y "$work/in.yuv"
    vpxenc -q --ivf --codec=vp9 --i420 -w 1280 -h 720 --fps=30/1 --target-bitrate=2000 --threads=2 --cpu-used=8 \
      --lag-in-frames=0 -o "$work/in.ivf" "$work/in.yuv" 2>/dev/null
    stream=in.ivf
    reference=(vpxdec --threads=1 --i420 -o /dev/null "$work/in.ivf") ;;
  h264)
    ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30" -frames:v 300 -pix_fmt yuv420p -c:v libx264 \
      -b:v 2M -y "$work/in.h264"
    stream=in.h264
    reference=(ffmpeg -v error -threads 1 -i "$work/in.h264" -f rawvideo -pix_fmt yuv420p -y /dev/null) ;;
  *) echo "codec must be vp9 or h264" >&2; exit 1 ;;
esac
cat > "$work/bench.yaml" <<YAML
description: decode overhead benchmark
streams:
  - input: {file: $stream}
    input_buffer_kib: 1024
YAML
simulated=("$VVSIM" run "$work/bench.yaml" --quiet --out "$work/out")
echo "reference: ${reference[*]}"
echo "vvsim:     ${simulated[*]}"

. bench/wall_time.sh
ref=$(for i in 1 2 3 4 5; do seconds "${reference[@]}"; done | median)
sim=$(for i in 1 2 3 4 5; do seconds "${simulated[@]}"; done | median)
peak=$( { /usr/bin/time -f "%M" "${simulated[@]}" >/dev/null; } 2>&1 | tail -1)
printf "720p %s, 300 frames\n  reference (1 thread): %.3f s\n  vvsim run:            %.3f s\n  ratio:                %.2f\n  vvsim peak RSS:       %d KiB\n" \
  "$CODEC" "$ref" "$sim" "$(echo "$sim / $ref" | bc -l)" "$peak"
