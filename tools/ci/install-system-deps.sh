#!/usr/bin/env bash
# Installs the Debian packages the project needs that are not installed yet.
#   install-system-deps.sh runtime   what training and serving need (tools/ci/apt-runtime.txt)
#   install-system-deps.sh           that plus what the tests need (tools/ci/apt-packages.txt)
set -euo pipefail
here=$(dirname "$0")
lists=("$here/apt-runtime.txt")
[ "${1:-all}" = runtime ] || lists+=("$here/apt-packages.txt")
mapfile -t wanted < <(cat "${lists[@]}" | grep -v '^\s*#' | awk 'NF {print $1}')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "run as root (or install them yourself): apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
