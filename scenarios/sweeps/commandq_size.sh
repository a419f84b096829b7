#!/usr/bin/env bash
# Finds the smallest safe commandq size for N streams that each pre-queue M
# output buffers (v6 holds a commandq descriptor chain, 2 descriptors, for every
# queued resource until it is answered). Tries every power of two from 4 to
# 32768 and prints, per size, whether the run completed or deadlocked.
# Usage: scenarios/sweeps/commandq_size.sh N_STREAMS M_OUTPUT_BUFFERS [VVSIM]
set -euo pipefail
streams=${1:?number of streams}
buffers=${2:?output buffers per stream}
vvsim=${3:-$(dirname "$0")/../../build/bin/vvsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
  echo "description: commandq size sweep, $streams streams x $buffers output buffers"
  echo "device: {max_streams: $streams}"
  echo "streams:"
  for ((i = 0; i < streams; i++)); do
    echo "  - {name: s$i, codec: vp8, input: {generate: {frames: 6}}, output_resources: $buffers, input_resources: 2}"
  done
} > "$work/sweep.yaml"

smallest=""
for ((size = 4; size <= 32768; size *= 2)); do
  set +e
  "$vvsim" run "$work/sweep.yaml" --quiet --out "$work/out" --set device.commandq_size=$size \
    --set device.max_resources=$((buffers > 32 ? buffers : 32)) 2>/dev/null
  status=$?
  set -e
  case $status in
    0) verdict=completed ;;
    3) verdict=deadlock ;;
    *) verdict="error (exit $status)" ;;
  esac
  echo "commandq_size $size: $verdict"
  if [ $status -eq 0 ]; then smallest=$size; break; fi
done
if [ -n "$smallest" ]; then
  echo "smallest safe commandq size for $streams streams x $buffers output buffers: $smallest"
else
  echo "no commandq size up to 32768 completes" >&2
  exit 1
fi
