#!/usr/bin/env bash
# Install the real stacks tests/realstacks.rs runs: a Python venv (Django + DRF + simplejwt +
# django-cors-headers, FastAPI + uvicorn + PyJWT, Flask + flask-cors + flask-jwt-extended),
# node_modules (Express + cors + jsonwebtoken + ws, esbuild) and Debian's nginx. Everything is cached
# outside the clone, keyed by the pinned versions, so a second run installs nothing.
# Prints the cache directory on its last line; export it as CONNCHECK_STACKS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
key=$(cat "$here/requirements.txt" "$here/package.json" | sha256sum | cut -c1-16)
cache="${CONNCHECK_STACKS_CACHE:-$HOME/.cache/conncheck-realstacks}/$key"
mkdir -p "$cache"
if [ ! -x "$cache/venv/bin/python" ] || [ ! -f "$cache/venv/.done" ]; then
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$cache/venv/.done"
fi
if [ ! -f "$cache/node/.done" ]; then
  mkdir -p "$cache/node"
  cp "$here/package.json" "$cache/node/package.json"
  (cd "$cache/node" && npm install --no-audit --no-fund --silent >&2)
  touch "$cache/node/.done"
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  # Install the binary without letting the package start a service on this machine.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light || \
   DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx) >&2
  rm -f /usr/sbin/policy-rc.d
fi
echo "$cache"
