#!/usr/bin/env bash
# Re-makes the decoder fixtures and their reference checksums with Debian's
# ffmpeg and vpx-tools. Run from anywhere; writes into fixtures/ beside it.
# Every reference comes from a decoder this project did not write:
#   VP8/VP9: vpxdec --i420 --md5 (MD5 of all frames, I420, each at its own size)
#   H.264:   ffmpeg -f rawvideo -pix_fmt yuv420p -autoscale 0 (each frame at its own size) | md5sum
set -euo pipefail
cd "$(dirname "$0")/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

raw() {  # raw <size> <frames> <out.yuv>: ffmpeg's test pattern as I420
  ffmpeg -v error -f lavfi -i "testsrc=size=$1:rate=30" -frames:v "$2" -pix_fmt yuv420p -f rawvideo -y "$3"
}
vpx() {  # vpx <codec> <w> <h> <frames> <out.ivf>
  raw "$2x$3" "$4" "$tmp/in.yuv"
  vpxenc -q --ivf --codec="$1" --i420 -w "$2" -h "$3" --fps=30/1 --kf-max-dist=10 --kf-min-dist=10 \
    --target-bitrate=300 --threads=1 --cpu-used=8 --lag-in-frames=0 -o "$5" "$tmp/in.yuv" 2>/dev/null
}
h264() {  # h264 <size> <frames> <out.h264> <encoder args...>
  local size=$1 frames=$2 out=$3; shift 3
  ffmpeg -v error -f lavfi -i "testsrc=size=$size:rate=30" -frames:v "$frames" -pix_fmt yuv420p "$@" -f h264 -y "$out"
}
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
concat_ivf() {  # concat_ivf <a.ivf> <b.ivf> <out.ivf>: b's frames after a's (b starts with a key frame)
  { cat "$1"; tail -c +33 "$2"; } > "$3"
  local frames=$(( $(od -An -tu4 -j24 -N4 "$1") + $(od -An -tu4 -j24 -N4 "$2") ))
  printf "$(le32 $frames)" | dd of="$3" bs=1 seek=24 conv=notrunc status=none  # vpxdec stops at the declared count
}

vpx vp8 176 144 20 vp8_176x144.ivf
vpx vp9 176 144 20 vp9_176x144.ivf
vpx vp8 96 64 10 "$tmp/vp8_small.ivf"
vpx vp9 96 64 10 "$tmp/vp9_small.ivf"
concat_ivf vp8_176x144.ivf "$tmp/vp8_small.ivf" vp8_drc.ivf
concat_ivf vp9_176x144.ivf "$tmp/vp9_small.ivf" vp9_drc.ivf

h264 176x144 20 h264_x264_baseline.h264 -c:v libx264 -profile:v baseline -g 10 -bf 0 -x264-params threads=1
h264 176x144 20 h264_x264_high_bframes.h264 -c:v libx264 -profile:v high -g 10 -bf 2 -x264-params threads=1
h264 96x64 10 "$tmp/h264_small.h264" -c:v libx264 -profile:v baseline -g 10 -bf 0 -x264-params threads=1
cat h264_x264_baseline.h264 "$tmp/h264_small.h264" > h264_drc.h264

: > reference.md5
for f in *.ivf; do
  echo "$f $(vpxdec --i420 --md5 "$f" 2>/dev/null | cut -d' ' -f1) $(vpxdec --i420 -o - "$f" 2>/dev/null | wc -c)" >> reference.md5
done
for f in *.h264; do
  ffmpeg -v error -i "$f" -f rawvideo -pix_fmt yuv420p -autoscale 0 -y "$tmp/out.yuv"
  echo "$f $(md5sum < "$tmp/out.yuv" | cut -d' ' -f1) $(wc -c < "$tmp/out.yuv")" >> reference.md5
done
cat reference.md5
