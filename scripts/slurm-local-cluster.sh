#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `vvsim sweep
# --engine slurm` and for the CI test. Needs root and Debian's slurmctld,
# slurmd, slurm-client and munge; no systemd: the daemons are started directly
# and stopped by their pid files. Everything but munged lives in STATE_DIR.
#
#   scripts/slurm-local-cluster.sh start [STATE_DIR]   wipe STATE_DIR, start munged (if down), slurmctld, slurmd
#   scripts/slurm-local-cluster.sh stop  [STATE_DIR]   stop what start started, job steps included; wipe STATE_DIR
#   scripts/slurm-local-cluster.sh env   [STATE_DIR]   print the export line for sbatch/sinfo/squeue
#   scripts/slurm-local-cluster.sh ports-free          exit 0 when ports 6817 and 6818 are free
#
# STATE_DIR defaults to /tmp/vvsim-slurm. Clients find the cluster through
# SLURM_CONF=STATE_DIR/slurm.conf (the system's /etc/slurm is not touched).
# Every wait has a deadline, so a broken installation fails in seconds.
set -euo pipefail

action=${1:?usage: slurm-local-cluster.sh start|stop|env|ports-free [STATE_DIR]}
state=${2:-/tmp/vvsim-slurm}
conf=$state/slurm.conf
export SLURM_CONF=$conf

say() { echo "slurm-local-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

# Polls COMMAND every 0.1 s until it succeeds or SECONDS pass.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { say "gave up waiting ${seconds}s for $what"; return 1; }
    sleep 0.1
  done
}

# Alive and not a zombie (a killed daemon whose parent has not reaped it yet is dead).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

dead() { ! alive "$1"; }
munge_answers() { munge -n | unmunge; }
node_idle() { sinfo -h -N -o %t | grep -qx idle; }

# TERM, then KILL after 2 s, then wait up to 2 s more.
stop_pid() {
  local pid=$1
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_for 2 "pid $pid to stop" dead "$pid" && return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait_for 2 "pid $pid to die" dead "$pid"
}

port_listening() {  # /proc/net/tcp{,6}: local port in hex, state 0A is LISTEN
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {found=1} END {exit !found}' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

write_conf() {
  local host cpus
  host=$(hostname -s)
  cpus=$(nproc)
  cat >"$conf" <<EOF
# Written by slurm-local-cluster.sh: one node, no accounting, no cgroups.
ClusterName=vvsim-local
SlurmctldHost=$host
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/jobcomp.txt
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MinJobAge=2
MaxArraySize=100001
MaxJobCount=200000
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  if munge_answers >/dev/null 2>&1; then return 0; fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  [ -s /etc/munge/munge.key ] || { mungekey --create --force && chown munge:munge /etc/munge/munge.key; }
  runuser -u munge -- /usr/sbin/munged
  cp /run/munge/munged.pid "$state/munged.pid"  # started here, so stopped here
  wait_for 5 "munged to answer" munge_answers
}

start() {
  [ "$(id -u)" -eq 0 ] || die "needs root (the daemons run as root here)"
  for c in slurmctld slurmd sbatch sinfo munged munge unmunge; do
    command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || die "$c missing: apt-get install slurmctld slurmd slurm-client munge"
  done
  for port in 6817 6818; do
    ! port_listening $port || die "port $port is in use (another slurmctld/slurmd? run stop first)"
  done
  rm -rf "$state"  # a dirty restart reruns old tasks
  mkdir -p "$state/ctld" "$state/slurmd"
  write_conf
  start_munge
  /usr/sbin/slurmctld -f "$conf" || die "slurmctld did not start (see $state/slurmctld.log)"
  wait_for 10 "slurmctld to answer" scontrol ping || die "slurmctld does not answer ($state/slurmctld.log)"
  /usr/sbin/slurmd -f "$conf" || die "slurmd did not start (see $state/slurmd.log)"
  wait_for 15 "the node to be idle" node_idle ||
    die "the node is not idle: $(sinfo -h -N -o '%t %E' 2>&1)"
  say "up: $(sinfo -h -N -o '%N %c CPUs %t'); export SLURM_CONF=$conf"
}

stop() {
  [ -d "$state" ] || return 0
  scancel --quiet --user=root 2>/dev/null || true
  for daemon in slurmd slurmctld; do
    [ -s "$state/$daemon.pid" ] && stop_pid "$(cat "$state/$daemon.pid")"
  done
  # Job steps outlive slurmd and ignore SIGTERM then: find ours by the
  # SLURM_CONF they inherited from slurmd.
  for env in /proc/[0-9]*/environ; do
    local pid=${env#/proc/}
    pid=${pid%/environ}
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/sbin/slurmstepd ] || continue
    tr '\0' '\n' <"$env" 2>/dev/null | grep -qx "SLURM_CONF=$conf" && stop_pid "$pid"
  done
  [ -s "$state/munged.pid" ] && stop_pid "$(cat "$state/munged.pid")"
  rm -rf "$state"
}

case $action in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$conf" ;;
  ports-free) ! port_listening 6817 && ! port_listening 6818 ;;
  *) die "unknown action '$action' (start, stop, env, ports-free)" ;;
esac
