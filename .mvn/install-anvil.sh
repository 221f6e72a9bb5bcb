#!/usr/bin/env bash
# Installs Foundry's anvil (a real Ethereum node) from the npm registry for the integration tests.
# Usage: install-anvil.sh VERSION DIR
set -euo pipefail
version="$1"
dir="$2"
bin="$dir/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
if [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null)" == *"$version"* ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "tiergate tests need Foundry's anvil, installed from npm, but npm is not on the PATH." >&2
  echo "Install Node.js and npm (Debian: apt-get install nodejs npm), then run ./mvnw verify again." >&2
  exit 1
fi
mkdir -p "$dir"
# The platform package already carries the binary; the wrapper's install script is not needed.
npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error \
  "@foundry-rs/anvil@$version" "@foundry-rs/anvil-linux-amd64@$version"
if [[ ! -x "$bin" ]]; then
  echo "npm install of @foundry-rs/anvil@$version did not leave an anvil binary at $bin" >&2
  echo "(the package carries linux-x64 only; on another platform install anvil with foundryup)." >&2
  exit 1
fi
"$bin" --version
