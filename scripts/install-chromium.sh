#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it; Playwright's own
# browser download cannot work without internet). Idempotent: does nothing when it is there.
# Prints the executable's path.
set -euo pipefail
path="${POMS_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$path" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium: $path is missing and installing it needs root (apt-get install chromium)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y chromium >/tmp/poms-chromium-install.log 2>&1; then
    apt-get update >/tmp/poms-chromium-update.log 2>&1
    apt-get install -y chromium >/tmp/poms-chromium-install.log 2>&1
  fi
fi
echo "$path"
