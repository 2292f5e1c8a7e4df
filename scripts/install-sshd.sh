#!/usr/bin/env bash
# Installs Debian's OpenSSH server binary for the live ssh runner tests, which start their own
# sshd on 127.0.0.1 with a private config. Idempotent: does nothing when /usr/sbin/sshd is there.
# Never starts (or enables) a system sshd: apt does not start daemons on these machines, and the
# tests need none. Prints how long it took on stderr.
set -euo pipefail
started_ms=$(($(date +%s%N) / 1000000))
took() {
  local ms=$(($(date +%s%N) / 1000000 - started_ms))
  echo "install-sshd: $1 in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s" >&2
}

if [ -x /usr/sbin/sshd ]; then
  took "already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-sshd: /usr/sbin/sshd is missing and installing it needs root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
install() { apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends openssh-server >/tmp/poms-sshd-install.log 2>&1; }
# apt-get update only when the package lists lack openssh-server: it is the slow, networked part.
if ! install; then
  apt-get -o DPkg::Lock::Timeout=300 update >/tmp/poms-sshd-update.log 2>&1
  install
fi
test -x /usr/sbin/sshd
took "installed openssh-server"
