#!/usr/bin/env bash
# Installs the Debian packages listed in tools/ci/apt-packages.txt that are not installed yet.
set -euo pipefail
list="$(dirname "$0")/apt-packages.txt"
mapfile -t wanted < <(grep -v '^\s*#' "$list" | awk 'NF {print $1}')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
