#!/usr/bin/env bash
# A live single-node Slurm for the engine tests and `poms demo --engine slurm`: installs munge and
# slurm-wlm from Debian's packages if missing, writes a minimal slurm.conf (no systemd, no
# cgroups), starts munged, slurmctld and slurmd, and waits until the node takes jobs. Idempotent:
# running it again on a running cluster only checks it. Runs as root.
#
# Prints `export SLURM_CONF=…` (and POMS_SLURM_DIR) on stdout, everything else on stderr, so
# `eval "$(bash scripts/slurm-setup.sh)"` works. Stop the cluster with `slurm-setup.sh stop`.
set -euo pipefail

DIR="${POMS_SLURM_DIR:-/var/lib/poms-slurm}"
CONF="$DIR/slurm.conf"
started=$(date +%s%N)
log() { echo "slurm-setup: $*" >&2; }

if [[ "$(id -u)" -ne 0 ]]; then
  log "must run as root (it starts munged, slurmctld and slurmd)"
  exit 1
fi

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [[ "${1:-}" == "stop" ]]; then
  for daemon in slurmd slurmctld; do
    if pid_alive "$DIR/$daemon.pid"; then kill "$(cat "$DIR/$daemon.pid")" && log "stopped $daemon"; fi
  done
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  log "installing munge and slurm-wlm from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends slurmctld slurmd slurm-client munge >&2; }
  if ! install; then
    apt-get -o DPkg::Lock::Timeout=300 update >&2
    install
  fi
fi

mkdir -p "$DIR/state" "$DIR/spool"
# Every setting here was tested on this kind of machine (see MACHINE-NOTES): linuxproc and
# task/none need no cgroups; jobcomp/filetxt keeps one line per finished job, since without
# slurmdbd there is no sacct; 16 CPUs and 16 GB are declared so that arrays and --mem requests
# are accepted on a 2-core machine; a job that asks no memory gets 1000 MB per CPU, not the whole
# node (which would run such jobs one at a time).
cat >"$CONF.new" <<CONF
ClusterName=poms
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=1000
SlurmdParameters=config_overrides
MailProg=/bin/true
ReturnToService=2
MaxArraySize=10001
MaxJobCount=50000
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost CPUs=16 RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=localhost MaxTime=60 State=UP
CONF
if ! cmp -s "$CONF.new" "$CONF"; then
  mv "$CONF.new" "$CONF"
  changed=1
else
  rm "$CONF.new"
  changed=0
fi
export SLURM_CONF="$CONF"
# The machine's default configuration too, as on a cluster's login node: a shell that has no
# SLURM_CONF (an ssh session to this machine as a launch host) finds the cluster.
if [[ ! -e /etc/slurm/slurm.conf || "$(readlink /etc/slurm/slurm.conf)" == "$CONF" ]]; then
  mkdir -p /etc/slurm
  ln -sfn "$CONF" /etc/slurm/slurm.conf
fi

# munge: the package made the key; the daemon needs its run folder.
mkdir -p /run/munge
chown munge:munge /run/munge 2>/dev/null || true
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  log "started munged"
fi

if [[ $changed -eq 1 ]]; then
  # A new configuration: daemons started on an old one are restarted.
  for daemon in slurmd slurmctld; do
    if pid_alive "$DIR/$daemon.pid"; then kill "$(cat "$DIR/$daemon.pid")"; sleep 0.5; fi
  done
fi
if ! pid_alive "$DIR/slurmctld.pid"; then
  slurmctld -i
  log "started slurmctld"
fi
if ! pid_alive "$DIR/slurmd.pid"; then
  slurmd -N localhost
  log "started slurmd"
fi

# Ready when the node is idle (or busy with jobs already): a node marked down is resumed.
for i in $(seq 150); do
  state="$(sinfo -h -n localhost -o '%T' 2>/dev/null | head -1 || true)"
  case "$state" in
    idle* | mixed* | allocated* | completing*) break ;;
    down* | drain*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
  esac
  if [[ $i -eq 150 ]]; then
    log "the node did not become ready (state '$state'); logs in $DIR"
    exit 1
  fi
  sleep 0.2
done
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
log "ready in $((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100)) s: node localhost $state, config $CONF"
echo "export SLURM_CONF=$CONF POMS_SLURM_DIR=$DIR"
