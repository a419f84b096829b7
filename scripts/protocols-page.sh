#!/usr/bin/env bash
# Regenerates the measured section of docs/protocols.md: runs `vvsim compare`
# on each comparison scenario under every registered protocol and writes the
# tables it prints.
#   scripts/protocols-page.sh VVSIM PAGE          rewrite PAGE's generated section
#   scripts/protocols-page.sh VVSIM PAGE --check  exit 1 if PAGE is not what it would write
set -euo pipefail
vvsim=$(realpath "${1:?vvsim binary}")
page=${2:?docs/protocols.md}
mode=${3:-write}
marker='<!-- Everything below is written by scripts/protocols-page.sh; do not edit by hand. -->'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$page")/.."  # the repository: scenario paths in the tables are relative to it

# measured TITLE SCENARIO [COMPARE OPTIONS]: the table of one comparison.
measured() {
  local title=$1 scenario=$2
  shift 2
  echo
  echo "### $title"
  echo
  echo "\`vvsim compare $scenario${*:+ $*}\`"
  echo
  echo '```'
  "$vvsim" compare "$scenario" "$@" --out "$work/out" | grep -v -e '^  compare: ' -e '^  report: '
  echo '```'
}

generate() {
  echo "$marker"
  measured "1. Commandq exhaustion: 2 streams x 6 outputs pre-queued, Q = 16" scenarios/commandq_exhaustion.yaml
  measured "1b. The same with Q = 64 (2·S·C = 24 < Q)" scenarios/commandq_exhaustion.yaml --set device.commandq_size=64
  measured "2. Negotiation over a slow transport (1 ms interrupt delivery)" scenarios/negotiation_slow_transport.yaml
  measured "3. Output batching (H.264 High with B-frames, paced at 30 fps)" scenarios/output_batching.yaml
  measured "3b. Drain after every frame" scenarios/output_batching_drain_each_frame.yaml
  measured "4. DRC racing the end-of-stream drain" scenarios/drc_racing_drain.yaml
  measured "4b. DRC mid-stream with outputs in flight" scenarios/default.yaml
}

head_of_page=$(awk -v m="$marker" '$0 == m { exit } { print }' "$page")
new=$(printf '%s\n' "$head_of_page"; generate)
if [ "$mode" = --check ]; then
  if [ "$new" != "$(cat "$page")" ]; then
    echo "protocols-page: $page is not what the simulation gives now; run scripts/protocols-page.sh build/bin/vvsim $page" >&2
    diff <(printf '%s\n' "$new") "$page" >&2 || true
    exit 1
  fi
else
  printf '%s\n' "$new" >"$page"
fi
