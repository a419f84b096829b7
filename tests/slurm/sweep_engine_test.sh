#!/usr/bin/env bash
# A 20-point timing-only sweep through `--engine slurm` on a single-node
# cluster started here, its merged sweep.csv and sweep.html compared byte for
# byte with the local engine's, and each of the 20 rows checked complete.
# Usage: sweep_engine_test.sh VVSIM SOURCE_DIR WORK_DIR
set -euo pipefail
vvsim=$1 src=$2 work=$3
cluster=$src/scripts/slurm-local-cluster.sh

skip_or_fail() {  # in CI the test must run: a missing prerequisite is a failure there
  if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): $*" >&2; exit 1; fi
  echo "SKIP: $*" >&2
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip_or_fail "starting a Slurm cluster needs root"
for c in slurmctld slurmd sbatch munged; do
  command -v $c >/dev/null || [ -x /usr/sbin/$c ] || skip_or_fail "$c missing (apt-get install slurmctld slurmd slurm-client munge)"
done

state=$(mktemp -d /tmp/vvsim-slurm-test.XXXXXX)
trap '"$cluster" stop "$state"' EXIT
t0=$(date +%s.%N)
"$cluster" start "$state"
t1=$(date +%s.%N)
export SLURM_CONF=$state/slurm.conf

rm -rf "$work/slurm_sweep" "$work/local_sweep"
args=("$src/scenarios/sweep_display_pipeline.yaml" --param output_buffers=2,4,8,12,16 --param cores=1,2
      --param device.clock_mhz=400,800 --timing-only --jobs 2 --quiet)
timeout -k 5 150 "$vvsim" sweep "${args[@]}" --engine slurm --out "$work/slurm_sweep"
t2=$(date +%s.%N)
timeout -k 5 150 "$vvsim" sweep "${args[@]}" --out "$work/local_sweep"
t3=$(date +%s.%N)

rows=$(tail -n +2 "$work/slurm_sweep/sweep.csv" | grep -c ',0,completed,' || true)
[ "$rows" -eq 20 ] || { echo "FAIL: $rows of 20 points completed through Slurm" >&2; cat "$work/slurm_sweep/sweep.csv" >&2; exit 1; }
[ "$(ls "$work/slurm_sweep/slurm/"*_*.out | wc -l)" -eq 20 ] || { echo "FAIL: not 20 array tasks" >&2; exit 1; }
cmp "$work/slurm_sweep/sweep.csv" "$work/local_sweep/sweep.csv"
cmp "$work/slurm_sweep/sweep.html" "$work/local_sweep/sweep.html"
"$cluster" stop "$state"
trap - EXIT
t4=$(date +%s.%N)
printf 'cluster start %.2f s, 20 points through Slurm %.2f s, locally %.2f s, cluster stop %.2f s\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t4 - $t3" | bc)"
