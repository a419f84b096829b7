#!/usr/bin/env bash
# Runs every harness of BUILD_DIR for SECONDS on a copy of its seed corpus
# (fuzz/corpus/<name>; the checked-in corpus is never written), one at a
# time, and prints one line per harness: executions, coverage, crashes.
# A crash, leak or timeout fails the script and leaves the reproducer in
# BUILD_DIR/fuzz-findings/<name>/ (emptied when the harness next runs).
# Usage: fuzz/run_fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:?build directory}
seconds=${2:-60}
root=$(cd "$(dirname "$0")" && pwd)
status=0
for name in wire bitstream decoder scenario device input media packed_ring; do
  work="$build/fuzz-work/$name" findings="$build/fuzz-findings/$name"
  rm -rf "$work" "$findings" && mkdir -p "$work" "$findings"
  cp -r "$root/corpus/$name/." "$work/"
  # SystemC's coroutine stacks confuse LeakSanitizer in the platform harnesses; the parsers keep it.
  leaks=1
  [ "$name" = device ] || [ "$name" = packed_ring ] && leaks=0
  set +e
  ASAN_OPTIONS=detect_leaks=$leaks UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/fuzz_$name" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$findings/" >"$build/fuzz-$name.log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/fuzz-$name.log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$build/fuzz-$name.log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "$findings" -type f | wc -l)
  echo "fuzz $name: $execs executions in $seconds s, coverage $cov, $crashes findings (exit $rc)"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    tail -40 "$build/fuzz-$name.log"
  fi
done
exit $status
