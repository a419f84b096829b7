#!/usr/bin/env bash
# A 20-point timing-only sweep through `--engine slurm` (5 array tasks of 4 points) on a single-node
# cluster started here, its merged sweep.csv and sweep.html compared byte for
# byte with the local engine's, and each of the 20 rows checked complete; a
# rerun that resumes without submitting; a --no-wait submission (a task per
# point) merged later.
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

# The cluster's ports (6817/6818) and munged belong to the whole machine: other
# build trees may run this test at the same moment, so one at a time.
exec 9>"${TMPDIR:-/tmp}/vvsim-slurm-cluster.lock"
flock -w 180 9 || skip_or_fail "another Slurm cluster test kept the ports for 180 s"
"$cluster" ports-free || skip_or_fail "another Slurm daemon holds port 6817 or 6818"
state=$(mktemp -d /tmp/vvsim-slurm-test.XXXXXX)
trap '"$cluster" stop "$state"' EXIT
t0=$(date +%s.%N)
"$cluster" start "$state"
t1=$(date +%s.%N)
export SLURM_CONF=$state/slurm.conf

rm -rf "$work/slurm_sweep" "$work/local_sweep"
args=("$src/scenarios/sweep_display_pipeline.yaml" --param output_buffers=2,4,8,12,16 --param cores=1,2
      --param device.clock_mhz=400,800 --timing-only --jobs 2)
timeout -k 5 150 "$vvsim" sweep "${args[@]}" --quiet --engine slurm --points-per-task 4 --out "$work/slurm_sweep"
t2=$(date +%s.%N)
timeout -k 5 150 "$vvsim" sweep "${args[@]}" --quiet --out "$work/local_sweep"
t3=$(date +%s.%N)

rows=$(tail -n +2 "$work/slurm_sweep/sweep.csv" | grep -c ',0,completed,' || true)
[ "$rows" -eq 20 ] || { echo "FAIL: $rows of 20 points completed through Slurm" >&2; cat "$work/slurm_sweep/sweep.csv" >&2; exit 1; }
[ "$(ls "$work/slurm_sweep/slurm/"*_*.out | wc -l)" -eq 5 ] || { echo "FAIL: not 5 array tasks of 4 points" >&2; exit 1; }
cmp "$work/slurm_sweep/sweep.csv" "$work/local_sweep/sweep.csv"
cmp "$work/slurm_sweep/sweep.html" "$work/local_sweep/sweep.html"
# Run again: every point is done, nothing is submitted.
again=$(timeout -k 5 60 "$vvsim" sweep "${args[@]}" --engine slurm --out "$work/slurm_sweep")
grep -q "resuming: 20 of 20 points already done" <<<"$again" || { echo "FAIL: no resume: $again" >&2; exit 1; }
[ "$(ls "$work/slurm_sweep/slurm/"*_*.out | wc -l)" -eq 5 ] || { echo "FAIL: points were submitted again" >&2; exit 1; }

# --no-wait: submitted, merged later from what the points stored.
rm -rf "$work/nowait_sweep" "$work/nowait_local"
small=("$src/scenarios/sweep_display_pipeline.yaml" --param output_buffers=2,8 --param cores=1,2 --timing-only)
submitted=$(timeout -k 5 30 "$vvsim" sweep "${small[@]}" --engine slurm --no-wait --out "$work/nowait_sweep")
job=$(sed -n 's/^submitted Slurm job \([0-9]*\) .*/\1/p' <<<"$submitted")
[ -n "$job" ] || { echo "FAIL: no job id in: $submitted" >&2; exit 1; }
deadline=$((SECONDS + 90))
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
  [ $SECONDS -lt $deadline ] || { echo "FAIL: job $job still queued after 90 s" >&2; exit 1; }
  sleep 0.5
done
timeout -k 5 30 "$vvsim" sweep merge "$work/nowait_sweep" >/dev/null
timeout -k 5 60 "$vvsim" sweep "${small[@]}" --quiet --out "$work/nowait_local"
cmp "$work/nowait_sweep/sweep.csv" "$work/nowait_local/sweep.csv"
cmp "$work/nowait_sweep/sweep.html" "$work/nowait_local/sweep.html"

t4=$(date +%s.%N)
"$cluster" stop "$state"
trap - EXIT
t5=$(date +%s.%N)
printf 'cluster start %.2f s, 20 points through Slurm %.2f s, locally %.2f s, resume and --no-wait %.2f s, ' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t4 - $t3" | bc)"
printf 'cluster stop %.2f s\n' "$(echo "$t5 - $t4" | bc)"
