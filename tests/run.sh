#!/usr/bin/env bash
# Runs every ShareTube test: JS unit tests + lint, Python lint and type check, then the whole pytest suite
# (unit, socket, integration against real Gunicorn/gevent/Redis, browser end-to-end with
# headless Chromium and the real extension, deployment checks) on SQLite, and once more on a
# real PostgreSQL that the run starts and stops itself. Installs what it needs on Debian.
#   tests/run.sh [extra pytest args]     e.g. tests/run.sh -k queue
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

st_apt redis-server postgresql chromium ffmpeg nginx fonts-dejavu-core openssl
st_python_env requirements-dev.txt
st_node_env

export PATH="$ST_VENV/bin:$PATH"
export SHARETUBE_TEST_CACHE="${SHARETUBE_TEST_CACHE:-${TMPDIR:-/tmp}/sharetube-test-cache}"

st_log "JS: lint and unit tests"
npm run --silent lint
npm run --silent test:js

st_log "Python: lint"
ruff check .
st_log "Python: type check (mypy over server/, config in pyproject.toml)"
mypy

st_log "pytest on SQLite (every suite)"
SHARETUBE_TEST_DB=sqlite pytest -q "$@"

st_log "pytest on PostgreSQL (every suite that touches the database)"
SHARETUBE_TEST_DB=postgres pytest -q --ignore=tests/unit --ignore=tests/deploy "$@"
st_log "all tests passed"
