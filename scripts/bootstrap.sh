#!/usr/bin/env bash
# Installs what ShareTube needs on a fresh Debian machine; sourced by RESTART.sh and tests/run.sh.
#   st_apt PKG...      apt-get install (as root) the packages whose commands are missing
#   st_python_env      .venv with requirements (re-installed when a requirements file changes)
#   st_node_env        node_modules from package-lock.json, then `npm run build`
set -euo pipefail
ST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ST_VENV="${ST_VENV:-$ST_ROOT/.venv}"

st_log() { printf '[sharetube] %s\n' "$*" >&2; }

st_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    st_log "missing packages: ${missing[*]} (run as root, or install them: sudo apt-get install ${missing[*]})"
    return 1
  fi
  st_log "apt-get install ${missing[*]}"
  if [ ! -f /var/lib/apt/lists/.st-updated ] || [ -n "$(find /var/lib/apt/lists/.st-updated -mmin +720 2>/dev/null)" ]; then
    apt-get update -qq && touch /var/lib/apt/lists/.st-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

st_python_env() {
  local req="$1"  # requirements.txt or requirements-dev.txt
  if ! command -v python3 >/dev/null 2>&1; then st_apt python3 python3-venv python3-pip; fi
  if [ ! -x "$ST_VENV/bin/python" ]; then
    python3 -m venv "$ST_VENV" 2>/dev/null || { st_apt python3-venv; python3 -m venv "$ST_VENV"; }
  fi
  local stamp="$ST_VENV/.st-$(basename "$req").sha"
  local sum
  sum="$(cat "$ST_ROOT/requirements.txt" "$ST_ROOT/$req" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    st_log "installing Python packages ($req)"
    "$ST_VENV/bin/pip" install -q --disable-pip-version-check -r "$ST_ROOT/$req"
    echo "$sum" > "$stamp"
  fi
}

st_node_env() {
  [ -f "$ST_ROOT/package.json" ] || return 0
  [ "${ST_SKIP_NODE:-0}" = 1 ] && return 0
  command -v npm >/dev/null 2>&1 || st_apt nodejs npm
  local stamp="$ST_ROOT/node_modules/.st-lock.sha"
  local sum
  sum="$(sha256sum "$ST_ROOT/package-lock.json" 2>/dev/null | cut -d' ' -f1 || echo none)"
  if [ -L "$ST_ROOT/node_modules" ]; then
    # A shared node_modules (a worktree's or a test checkout's link): never reinstall it from here,
    # npm ci would empty it under everyone else who uses it.
    if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
      st_log "node_modules is shared and may be older than package-lock.json; not reinstalling it"
    fi
  elif [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    st_log "installing npm packages"
    (cd "$ST_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$stamp"
  fi
  (cd "$ST_ROOT" && npm run --silent build)
}
