#!/usr/bin/env bash
# -DBUILD_TESTING=OFF configures with Boost hidden from CMake (as on a machine
# without Boost.Test) and generates no test, benchmark or fuzz target.
# Usage: configure_without_tests.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
rm -rf "$work"
cmake -S "$src" -B "$work" -G Ninja -DBUILD_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON >"$work.log" 2>&1 || { cat "$work.log"; exit 1; }
targets=$(cmake --build "$work" --target help)
echo "$targets" | grep -q "vvsim_models" || { echo "the layers are missing"; exit 1; }
if echo "$targets" | grep -E "_test_|vvsim-bench|fuzz_"; then
  echo "BUILD_TESTING=OFF still generates the targets above"
  exit 1
fi
echo "configured without Boost: layers and tools only"
