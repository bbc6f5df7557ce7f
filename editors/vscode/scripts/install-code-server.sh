#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3: its server, web workbench and Node
# extension host) from the npm registry into DIR, with nothing fetched from
# anywhere else. Idempotent: does nothing when the pinned version is there.
# Usage: install-code-server.sh DIR   -> DIR/node_modules/.bin/code-server
# Needs (Debian): build-essential python3 pkg-config libkrb5-dev ripgrep;
# scripts/test installs them.
set -euo pipefail
DIR=${1:?usage: install-code-server.sh DIR}
CS_VERSION=4.100.3        # the last release whose engines.node is 20 (4.103+ need Node 22)
RG_PKG_VERSION=1.15.11    # @vscode/ripgrep as pinned in code-server 4.100.3's shrinkwrap
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
CS="$DIR/node_modules/.bin/code-server"
if [ -x "$CS" ] && [ "$(node -p "require('$DIR/node_modules/code-server/package.json').version" 2>/dev/null)" = "$CS_VERSION" ]; then
  echo "code-server $CS_VERSION already installed in $DIR"
  exit 0
fi
command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is needed" >&2; exit 1; }
cd "$DIR"
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json

# @vscode/ripgrep's postinstall downloads rg from the internet; seed its
# cache (under os.tmpdir()) with Debian's rg instead.
export TMPDIR="$DIR/.tmp"
mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION" "$TMPDIR/rg"
cp "$(command -v rg)" "$TMPDIR/rg/rg"
tar czf "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C "$TMPDIR/rg" rg

# node-pty's install runs `npx node-gyp` (refused unless yes); native
# modules build against the local Node headers instead of downloading them.
export npm_config_yes=true
[ -d /usr/include/node ] && export npm_config_nodedir=/usr
npm install --no-audit --no-fund --no-save --unsafe-perm --foreground-scripts --loglevel=error "code-server@$CS_VERSION" > "$DIR/install.log" 2>&1 \
  || { tail -40 "$DIR/install.log" >&2; echo "install-code-server: npm install failed (log: $DIR/install.log)" >&2; exit 1; }
XDG_CONFIG_HOME="$DIR/.config" XDG_DATA_HOME="$DIR/.data" "$CS" --version
