#!/usr/bin/env bash
# Installs the npm packages of a directory (default: this one) exactly as its lock file pins them.
#   src/test/node/install.sh [DIR]
# The npm cache lives outside the checkout, in $WARDEN_NPM_CACHE (default ~/.cache/warden-npm), so
# every checkout and worktree shares it and neither `git clean` nor `mvn clean` empties it. Installs
# run with --prefer-offline: a package already in the cache is never fetched again, so once one
# install has succeeded on a machine, later installs (and the tests) need no registry.
# Nothing is done while DIR/node_modules is newer than the lock file.
set -euo pipefail
dir="$(cd "${1:-$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")}" && pwd)"
cache="${WARDEN_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warden-npm}"

if [ -d "$dir/node_modules" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed (Debian: apt-get install nodejs npm); cannot install $dir" >&2
  exit 127
fi
mkdir -p "$cache"
(cd "$dir" && npm ci --prefer-offline --cache "$cache" --no-audit --no-fund --loglevel=error) >&2
touch "$dir/node_modules"
