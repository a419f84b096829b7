#!/usr/bin/env bash
# Peak resident memory of long runs, to see what grows with run length.
# Usage: bench/peak_rss.sh [BUILD_DIR] [TIMING_FRAMES...]   (defaults: build, 10000 100000;
# a run takes at most 1,000,000 units)
# Env: FULL_FRAMES="1000 10000" (1080p full runs; empty: none); TRACE=1: every
# run writes a trace too (--trace; it is written as the run goes).
# Makes one GOP-aligned chunk of VP8 (ffmpeg testsrc, a key frame at its start)
# and repeats it in an IVF to each length (timestamps go on), so a long stream
# costs no long encode. For each length prints the peak RSS (kernel's maxrss
# of the vvsim process, `/usr/bin/time -f %M`) and the growth per frame
# between consecutive lengths.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
shift || true
TIMING_FRAMES=(10000 100000)
[ $# -gt 0 ] && TIMING_FRAMES=("$@")
FULL_FRAMES=${FULL_FRAMES-1000 10000}
VVSIM="$BUILD_DIR/bin/vvsim"
[ -x "$VVSIM" ] || { echo "build first: ./dev build" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

chunk() {  # chunk SIZE FRAMES OUT: FRAMES frames of SIZE, one GOP
  ffmpeg -v error -f lavfi -i "testsrc=size=$1:rate=30" -frames:v "$2" -c:v libvpx -b:v 200k \
    -deadline realtime -cpu-used 8 -g "$2" -threads 2 -y "$3"
}

repeat_ivf() {  # repeat_ivf CHUNK FRAMES OUT: the chunk's frames again and again, FRAMES in all
  python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
src, total, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(src, 'rb').read()
header, frames, pos = bytearray(data[:32]), [], 32
while pos < len(data):
    size = struct.unpack_from('<I', data, pos)[0]
    frames.append(data[pos + 12:pos + 12 + size])
    pos += 12 + size
struct.pack_into('<I', header, 24, total)
with open(out, 'wb') as f:
    f.write(header)
    for i in range(total):
        body = frames[i % len(frames)]
        f.write(struct.pack('<IQ', len(body), i))
        f.write(body)
PY
}

scenario() {  # scenario IVF OUT
  cat >"$2" <<YAML
description: peak RSS benchmark
device: {commandq_size: 256}
time_limit_ms: 3600000
streams:
  - name: long
    input: {file: $1}
    input_resources: 4
    output_resources: 8
YAML
}

peak_kib() {  # peak_kib ARGS...: the vvsim run's peak RSS in KiB
  /usr/bin/time -f %M -o "$work/rss" "$VVSIM" run "$@" --quiet >/dev/null 2>"$work/err" || {
    echo "run failed: $(tail -1 "$work/err")" >&2; exit 1; }
  tail -1 "$work/rss"
}

measure() {  # measure LABEL CHUNK MODE_ARGS FRAMES...
  local label=$1 chunk_file=$2 mode=$3 prev_frames=0 prev_kib=0
  shift 3
  for n in "$@"; do
    repeat_ivf "$chunk_file" "$n" "$work/long.ivf"
    scenario "$work/long.ivf" "$work/long.yaml"
    # shellcheck disable=SC2086
    kib=$(peak_kib "$work/long.yaml" $mode --out "$work/out" --host-threads 1 ${TRACE:+--trace "$work/out/trace.json"})
    growth=""
    [ "$prev_frames" -gt 0 ] && growth=$(printf "%.0f B/frame since %d" \
      "$(echo "($kib - $prev_kib) * 1024 / ($n - $prev_frames)" | bc -l)" "$prev_frames")
    printf "%-22s %8d frames  peak RSS %7.1f MiB  %s\n" "$label" "$n" "$(echo "$kib / 1024" | bc -l)" "$growth"
    prev_frames=$n prev_kib=$kib
    rm -rf "$work/out" "$work/long.ivf"
  done
}

chunk 160x96 300 "$work/small.ivf"
measure "160x96 timing-only" "$work/small.ivf" --timing-only "${TIMING_FRAMES[@]}"
if [ -n "$FULL_FRAMES" ]; then
  chunk 1920x1080 60 "$work/hd.ivf"
  # shellcheck disable=SC2086
  measure "1920x1080 full" "$work/hd.ivf" "" $FULL_FRAMES
fi
