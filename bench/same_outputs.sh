#!/usr/bin/env bash
# Byte-identity check for changes that must not change any simulated result
# (performance work): runs every shipped scenario, full and timing-only, under
# each protocol (v6, v6-async, virtio-media) and the media-only ones, with
# every output the run command has (summary, trace, CSV, VCD, HTML report,
# frame dump, exit status, stdout, stderr), plus scattered buffers, the test
# fixtures, a 720p VP9 stream and a timing-only sweep, and compares all of it
# byte for byte with a reference recorded the same way.
# Usage:
#   bench/same_outputs.sh record REF_DIR [BUILD_DIR]   record the reference (e.g. with main's build)
#   bench/same_outputs.sh check  REF_DIR [BUILD_DIR]   run again and compare with REF_DIR
# BUILD_DIR defaults to build. check exits 0 when every byte is the same.
# HOST_THREADS=N runs every case with --host-threads N (decoding on N host
# threads): a check with several counts against one reference shows that the
# count changes no output.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?record or check}
ref=${2:?reference directory}
BUILD_DIR=${3:-build}
VVSIM="$(cd "$BUILD_DIR" && pwd)/bin/vvsim"
SRC="$(pwd)"
[ -x "$VVSIM" ] || { echo "build first: ./dev build" >&2; exit 1; }
case $mode in record | check) ;; *) echo "mode is record or check" >&2; exit 2 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Inputs made here (ffmpeg/vpxenc output is deterministic for the same options).
inputs="$work/inputs"
mkdir -p "$inputs"
ffmpeg -v error -f lavfi -i "testsrc=size=1280x720:rate=30" -frames:v 30 -pix_fmt yuv420p -f rawvideo -y "$inputs/720p.yuv"
vpxenc -q --ivf --codec=vp9 --i420 -w 1280 -h 720 --fps=30/1 --target-bitrate=2000 --threads=1 --cpu-used=8 \
  --lag-in-frames=0 -o "$inputs/vp9_720p.ivf" "$inputs/720p.yuv" 2>/dev/null
rm "$inputs/720p.yuv"

# Every case runs in the same relative place (runs/NAME) on a copy of the
# scenarios, profiles and fixtures named by a relative path (../src/...), so
# paths printed or embedded in outputs are equal between the reference and the
# check, whichever checkout either was made from.
mkdir -p "$work/src/tests/codec"
cp -r "$SRC/scenarios" "$SRC/profiles" "$work/src/"
cp -r "$SRC/tests/codec/fixtures" "$work/src/tests/codec/"
out="$work/runs"
mkdir -p "$out"
cd "$out"
SRC_COPY=../src
inputs=../inputs
run_case() {  # run_case NAME [--timing-only] ARGS...: one vvsim run command with every output
  local name=$1
  shift
  local extra=(--dump-frames "$name/frames.yuv")
  for a in "$@"; do [ "$a" = --timing-only ] && extra=(); done
  mkdir -p "$name"
  set +e
  "$VVSIM" run "$@" ${HOST_THREADS:+--host-threads "$HOST_THREADS"} --out "$name" --trace "$name/t.json" --csv "$name/f.csv" --vcd "$name/w.vcd" \
    --report "$name/r.html" "${extra[@]}" >"$name/stdout" 2>"$name/stderr"
  echo $? >"$name/status"
  set -e
}

for scenario in "$SRC_COPY"/scenarios/*.yaml; do
  name=$(basename "$scenario" .yaml)
  run_case "$name" "$scenario"
  run_case "$name.timing" "$scenario" --timing-only
  # The same scenario under the other protocols (docs/protocols.md).
  for protocol in v6-async media; do
    run_case "$name.$protocol" "$scenario" --set protocol=$protocol
    run_case "$name.$protocol.timing" "$scenario" --set protocol=$protocol --timing-only
  done
done
for scenario in "$SRC_COPY"/scenarios/media/*.yaml; do
  name=media.$(basename "$scenario" .yaml)
  run_case "$name" "$scenario"
  run_case "$name.timing" "$scenario" --timing-only
done
run_case default.scatter "$SRC_COPY/scenarios/default.yaml" --set streams.0.scatter_buffers=true
run_case default.scatter.timing "$SRC_COPY/scenarios/default.yaml" --set streams.0.scatter_buffers=true --timing-only
for fixture in vp8_176x144.ivf vp8_drc.ivf vp9_drc.ivf h264_drc.h264 h264_x264_baseline.h264 h264_x264_high_bframes.h264; do
  run_case "fixture.$fixture" "$SRC_COPY/scenarios/default.yaml" --input "$SRC_COPY/tests/codec/fixtures/$fixture"
done
run_case vp9_720p "$SRC_COPY/scenarios/default.yaml" --input "$inputs/vp9_720p.ivf"
run_case vp9_720p.scatter "$SRC_COPY/scenarios/default.yaml" --input "$inputs/vp9_720p.ivf" --set streams.0.scatter_buffers=true
run_case vp9_720p.timing "$SRC_COPY/scenarios/default.yaml" --input "$inputs/vp9_720p.ivf" --timing-only
# Four 720p streams at once, contending for the codec cores (and the host's).
{
  echo "description: four 720p VP9 streams"
  echo "streams:"
  for i in 0 1 2 3; do printf '  - name: s%d\n    input: {file: vp9_720p.ivf}\n' "$i"; done
} >"$inputs/four_720p.yaml"
run_case four_720p "$inputs/four_720p.yaml"
set +e
"$VVSIM" sweep "$SRC_COPY/scenarios/sweep_display_pipeline.yaml" --param output_buffers=2,4,8,16 \
  --param device.clock_mhz=200,400,800 --param cores=1,2 --jobs 2 --quiet --timing-only --out sweep >sweep.stdout 2>&1
echo $? >sweep.status
set -e
# What names this build or this machine's paths, not the results: the
# manifest and point records (absolute paths), and the point id and vvsim
# version, which carry a digest of the executable (the profile digest stays).
rm -f sweep/points.jsonl sweep/points/*/result.json sweep/points/*/run-point.txt
sed -i -E 's/"(point_id|vvsim_version)": "[^"]*"/"\1": "-"/' sweep/points/*/summary.json
# A point runs its scenario by absolute path: keep only the part below the copy.
sed -i -E 's#"scenario": "[^"]*/src/scenarios/#"scenario": "../src/scenarios/#' sweep/points/*/summary.json
sed -i -E 's/,[0-9a-f]{16},[^,]* \(build [0-9a-f]+\),/,-,-,/' sweep/sweep.csv
sed -i -E 's/vvsim [^<]* \(build [0-9a-f]+\)/vvsim -/; s#<td>[0-9a-f]{16}</td>#<td>-</td>#g' sweep/sweep.html
cd "$SRC"

if [ "$mode" = record ]; then
  rm -rf "$ref"
  mkdir -p "$(dirname "$ref")"
  cp -r "$out" "$ref"
  echo "recorded $(find "$ref" -type f | wc -l) files in $ref"
  exit 0
fi
if diff -r "$ref" "$out" >"$work/diff" 2>&1; then
  echo "same: $(find "$out" -type f | wc -l) files byte for byte equal to $ref"
else
  echo "DIFFERENT from $ref: $(diff -rq "$ref" "$out" | wc -l) files; each, then the first 50 lines of the diff:" >&2
  diff -rq "$ref" "$out" | sed "s|$out|checked|g" >&2 || true
  head -50 "$work/diff" >&2
  exit 1
fi
