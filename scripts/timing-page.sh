#!/usr/bin/env bash
# Regenerates the "Hand-computed and simulated" section of docs/timing.md:
# runs each scenario below with the given vvsim binary (timing-only), and sets
# the latency a formula gives from the scenario's own profile values beside
# the latencies the simulation reports. Exits 1 if a simulated figure is off
# its hand value by more than the stated tolerance.
#   scripts/timing-page.sh VVSIM PAGE          rewrite PAGE's generated section
#   scripts/timing-page.sh VVSIM PAGE --check  exit 1 if PAGE is not what it would write
set -euo pipefail
vvsim=${1:?vvsim binary}
page=${2:?docs/timing.md}
mode=${3:-write}
marker='<!-- Everything below is written by scripts/timing-page.sh; do not edit by hand. -->'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# The platform of every scenario: a bus so fast its transfers add well under
# a nanosecond, a 1 GHz engine whose VP8 unit costs DECODE cycles whatever it holds.
SUBMIT=2000 FIRMWARE=2000 DECODE=1000000 IRQ=1000 ISR=5000
scenario() {  # scenario CORES STREAMS SUBMIT_NS GUEST_CPUS [MORE INTERRUPT KEYS]
  cat <<YAML
platform:
  bus: {clock_mhz: 99999, bytes_per_cycle: 4096, latency_cycles: 0, register_latency_cycles: 0}
  interrupt: {delivery_latency_ns: $IRQ${5:+, $5}}
  driver: {command_submit_ns: $3, interrupt_handle_ns: $ISR}
  guest: {cpus: $4}
  engine:
    clock_mhz: 1000
    num_cores: $1
    decode:
      vp8: {cycles_per_unit: $DECODE, cycles_per_macroblock: 0, cycles_per_byte: 0, cycles_no_picture: 0}
device: {firmware_cycles_per_command: $FIRMWARE}
streams:
YAML
  for ((i = 0; i < $2; i++)); do
    echo "  - {codec: vp8, input: {generate: {width: 320, height: 240, frames: 10}}, input_resources: 1, feed_fps: 50}"
  done
}

# A 320x240 4:2:0 picture (115200 bytes, whole 16-byte beats per plane) on a
# 16-byte bus at 28.8 MHz crosses it in PICTURE ns; its other transfers then
# take up to 128 bus cycles (SLOW_TOL ns), twice that when the picture's write
# runs on past its job's end and shares the bus with the input's answer.
PICTURE=250000 SLOW_TOL=4445
slow_bus_scenario() {  # slow_bus_scenario OUTPUT_WRITE DECODE_CYCLES: one stream, one core, the slow bus
  scenario 1 1 $SUBMIT 2 | sed -e 's/bus: {clock_mhz: 99999, bytes_per_cycle: 4096/bus: {clock_mhz: 28.8, bytes_per_cycle: 16/' \
    -e "s/num_cores: 1/num_cores: 1\n    output_write: $1/" -e "s/cycles_per_unit: $DECODE/cycles_per_unit: $2/" \
    -e 's/frames: 10}/frames: 10, bitrate_kbps: 20}/'
}

# latencies NAME YAML: runs it; prints "timestamp fastest slowest" of frames 1..9 (ns).
latencies() {
  printf '%s\n' "$2" >"$work/$1.yaml"
  "$vvsim" run "$work/$1.yaml" --quiet --timing-only --out "$work/$1" --csv "$work/$1.csv"
  awk -F, 'NR > 1 && $2 >= 1 { t = $2; v = $8; if (!(t in lo) || v < lo[t]) lo[t] = v; if (!(t in hi) || v > hi[t]) hi[t] = v }
           END { for (t in lo) print t, lo[t], hi[t] }' "$work/$1.csv" | sort -n
}

# row TITLE FORMULA HAND TOLERANCE COLUMN NAME: COLUMN 2 = fastest of each pair, 3 = slowest.
row() {
  local title=$1 formula=$2 hand=$3 tol=$4 col=$5 name=$6
  local range
  range=$(awk -v c="$col" -v h="$hand" -v tol="$tol" '
    { v = $c; if (NR == 1 || v < lo) lo = v; if (NR == 1 || v > hi) hi = v }
    END { bad = (lo < h || hi > h + tol); printf "%.3f | %.3f | %s\n", lo, hi, bad ? "OFF" : "ok" }' "$work/$name.lat")
  case "$range" in *OFF) failed=1 ;; esac
  printf '| %s | %s | %d | %s |\n' "$title" "$formula" "$hand" "$range"
}

run() {  # run NAME YAML
  latencies "$1" "$2" >"$work/$1.lat"
}

generate() {
  run one "$(scenario 1 1 $SUBMIT 2)"
  run two_one_core "$(scenario 1 2 $SUBMIT 2)"
  run cpus2 "$(scenario 2 2 10000 2)"
  run cpus1 "$(scenario 2 2 10000 1)"
  run window "$(scenario 1 1 $SUBMIT 2 'coalesce_window_ns: 20000')"
  run slow_after "$(slow_bus_scenario after_decode $DECODE)"
  run slow_during "$(slow_bus_scenario during_decode $DECODE)"
  run slow_during_short "$(slow_bus_scenario during_decode 100000)"
  local base=$((SUBMIT + FIRMWARE + DECODE + IRQ + ISR))
  echo "$marker"
  echo
  echo "| scenario | hand formula | hand (ns) | simulated min (ns) | simulated max (ns) | within tolerance |"
  echo "|---|---|---|---|---|---|"
  row "one stream, one core" "submit + firmware + decode + delivery + handling" "$base" 1 2 one
  row "two streams, one core: first of a pair" "as one stream" "$base" 1 2 two_one_core
  row "two streams, one core: second of a pair" "+ decode (waits for the core)" "$((base + DECODE))" 1 3 two_one_core
  row "two streams, two cores, 10 us submit, guest.cpus 2: second" "10 us + firmware + decode + delivery + handling (reaped by the first's handler run)" \
    "$((10000 + FIRMWARE + DECODE + IRQ + ISR))" 2 3 cpus2
  row "the same, guest.cpus 1: second" "2 x 10 us + firmware + decode + delivery + handling (submits in turn)" \
    "$((2 * 10000 + FIRMWARE + DECODE + IRQ + ISR))" 1 3 cpus1
  row "one stream, interrupt.coalesce_window_ns 20000" "+ the window" "$((base + 20000))" 1 2 window
  row "one stream, 28.8 MHz bus (picture T = 250 us), output_write: after_decode" "as one stream + write T + read-back T" \
    "$((base + 2 * PICTURE))" $SLOW_TOL 2 slow_after
  row "the same, during_decode" "as one stream + read-back T (the write hidden behind the 1 ms decode)" \
    "$((base + PICTURE))" $SLOW_TOL 2 slow_during
  row "the same, during_decode, 100 us decode" "submit + firmware + write T + delivery + handling + read-back T (write-bound)" \
    "$((SUBMIT + FIRMWARE + 2 * PICTURE + IRQ + ISR))" $((2 * SLOW_TOL)) 2 slow_during_short
  echo
  echo "Frames 1 to 9 of each stream (frame 0 also waits for the other stream's set-up). Tolerance: 1 ns"
  echo "(2 ns where one handler run reads two streams' answers), the bus time of the run's small transfers;"
  echo "on the 28.8 MHz bus, 128 of its cycles (4.4 us), twice that where the write runs past the job's end."
}

head_of_page=$(awk -v m="$marker" '$0 == m { exit } { print }' "$page")
new=$(printf '%s\n' "$head_of_page"; generate)
if [ "$mode" = --check ]; then
  if [ "$new" != "$(cat "$page")" ]; then
    echo "timing-page: $page is not what the simulation gives now; run scripts/timing-page.sh build/bin/vvsim $page" >&2
    diff <(printf '%s\n' "$new") "$page" >&2 || true
    exit 1
  fi
else
  printf '%s\n' "$new" >"$page"
fi
[ "$failed" -eq 0 ] || { echo "timing-page: a simulated figure is off its hand value (OFF rows in $page)" >&2; exit 1; }
