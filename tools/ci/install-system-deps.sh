#!/usr/bin/env bash
# Installs the Debian packages the project needs that are not installed yet (or older than their list asks).
#   install-system-deps.sh runtime   what training and serving need (tools/ci/apt-runtime.txt)
#   install-system-deps.sh           that plus what the tests need (tools/ci/apt-packages.txt, and
#                                    tools/ci/apt-backports.txt from the release's backports suite)
# A list holds one package a line, optionally followed by the minimum version wanted; `#` starts a comment.
set -euo pipefail
here=$(dirname "$0")
lists=("$here/apt-runtime.txt")
backports_lists=()
if [ "${1:-all}" != runtime ]; then
  lists+=("$here/apt-packages.txt")
  backports_lists+=("$here/apt-backports.txt")
fi

# Prints the packages of the given lists that are not installed, or installed older than their minimum version.
missing_from() {
  [ $# -gt 0 ] || return 0
  grep -hv '^\s*#' "$@" | awk 'NF {print $1, $2}' | while read -r pkg min; do
    version=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null | awk '$3 == "installed" {print $4}' || true)
    if [ -z "$version" ] || { [ -n "$min" ] && dpkg --compare-versions "$version" lt "$min"; }; then
      echo "$pkg"
    fi
  done
}

# The mirror (and keyring, when named) of the release's main suite, from apt's sources in either format, as the two
# deb822 lines "URIs: …" and "Signed-By: …": backports must come from the same place.
main_suite_source() {
  local codename=$1 file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v codename="$codename" 'BEGIN { RS = "" }
      {
        uri = ""; keyring = ""; hit = 0
        n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^URIs:/) { split(lines[i], u, /[ \t]+/); uri = u[2] }
          if (lines[i] ~ /^Signed-By:/) { split(lines[i], k, /[ \t]+/); keyring = k[2] }
          if (lines[i] ~ /^Suites:/) { m = split(lines[i], s, /[ \t]+/); for (j = 2; j <= m; j++) if (s[j] == codename) hit = 1 }
        }
        if (hit && uri != "") { print "URIs: " uri; if (keyring != "") print "Signed-By: " keyring; found = 1; exit }
      }
      END { exit found ? 0 : 1 }' "$file" && return 0
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v codename="$codename" '$1 == "deb" { for (i = 3; i <= NF; i++) if ($i == codename) { print "URIs: " $(i - 1); found = 1; exit } }
      END { exit found ? 0 : 1 }' "$file" && return 0
  done
  return 1
}

# Adds "<codename>-backports" to apt's sources unless some source already names it. Prints the suite's name.
ensure_backports_suite() {
  local codename suite
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")
  suite="$codename-backports"
  if ! grep -rqsw -- "$suite" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    local source
    source=$(main_suite_source "$codename") || { echo "no apt source for $codename to take the backports mirror from" >&2; exit 1; }
    printf 'Types: deb\n%s\nSuites: %s\nComponents: main\n' "$source" "$suite" >"/etc/apt/sources.list.d/$suite.sources"
    echo "added $suite to apt's sources" >&2
  fi
  echo "$suite"
}

mapfile -t missing < <(missing_from "${lists[@]}")
mapfile -t missing_backports < <(missing_from "${backports_lists[@]}")
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_backports[@]} -eq 0 ]; then exit 0; fi
echo "installing system packages: ${missing[*]} ${missing_backports[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "run as root (or install them yourself): apt-get install ${missing[*]} ${missing_backports[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
backports_suite=
[ ${#missing_backports[@]} -eq 0 ] || backports_suite=$(ensure_backports_suite)
apt-get update -qq
[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ ${#missing_backports[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends -t "$backports_suite" "${missing_backports[@]}" >/dev/null
fi
