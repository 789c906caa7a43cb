#!/usr/bin/env bash
# Start (or restart) ShareTube locally and follow its logs.
#   ./RESTART.sh                   build, migrate, (re)start, wait for /api/health, follow the logs
#   ./RESTART.sh --no-follow       the same, but return once healthy
#   ./RESTART.sh --redis           also start a private redis-server and run both pools
#   ./RESTART.sh stop              stop what an earlier run started
#   ./RESTART.sh admin-link EMAIL  print a one-time dashboard sign-in link to this instance
# Settings: the environment, then .env in this folder (the environment wins), then the defaults.
# The extension is built for BACKEND_BASE_URL and packaged into the instance folder, where the
# homepage offers it. Embedded default: SQLite, one process, no Redis; with
# SOCKETIO_MESSAGE_QUEUE=redis://… it runs the interactive and the background pool.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
source scripts/restart_lib.sh

ACTION=start FOLLOW=1 OWN_REDIS=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-follow) FOLLOW=0 ;;
    stop) ACTION=stop ;;
    admin-link) ACTION=admin-link; shift; ARGS=("$@"); break ;;
    --redis) OWN_REDIS=1 ;;
    -h|--help) st_usage "$0"; exit 0 ;;
    *) st_log "unknown argument: $1 (see ./RESTART.sh --help)"; exit 2 ;;
  esac
  shift
done

st_load_settings .env

if [ "$ACTION" = stop ]; then st_stop_all; exit 0; fi

if [ "$ACTION" = admin-link ]; then
  if [ ${#ARGS[@]} -eq 0 ]; then st_log "usage: ./RESTART.sh admin-link EMAIL [--unban]"; exit 2; fi
  st_python_env requirements.txt
  # The same settings as the service: same database, same public URL in the link.
  SHARETUBE_LOG_STDOUT=0 RUN_SCHEDULER=false SOCKETIO_ASYNC_MODE=threading FLASK_SKIP_DOTENV=1 \
    exec "$ST_VENV/bin/flask" --app server sharetube admin-link "${ARGS[@]}"
fi

st_python_env requirements.txt
st_node_env  # builds the extension for $BACKEND_BASE_URL (exported by st_load_settings)
st_stop_all
EXTENSION_ZIP=""
if [ "${ST_SKIP_NODE:-0}" != 1 ]; then
  node extension/package.mjs --out "$INSTANCE_DIR/extension" >/dev/null
  EXTENSION_ZIP="$(ls -t "$INSTANCE_DIR"/extension/ShareTube-extension-*.zip | head -n 1)"
fi

if [ "$OWN_REDIS" = 1 ]; then
  command -v redis-server >/dev/null || st_apt redis-server
  REDIS_PORT="${REDIS_PORT:-6390}"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --pidfile "$INSTANCE_DIR/redis.pid" --logfile "$INSTANCE_DIR/redis.log"
  export SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:$REDIS_PORT/0"
fi

: > "$INSTANCE_DIR/ShareTube.log"
: > "$INSTANCE_DIR/ShareTube.bg.log"
GUNICORN="$ST_VENV/bin/gunicorn"
CONSOLE="$INSTANCE_DIR/ShareTube.console.log"
if [ -n "${SOCKETIO_MESSAGE_QUEUE:-}" ]; then
  POOL=interactive START_BG=1
  LOGS=("$INSTANCE_DIR/ShareTube.log" "$INSTANCE_DIR/ShareTube.bg.log")
else
  POOL=single START_BG=0
  LOGS=("$INSTANCE_DIR/ShareTube.log")
fi
SHARETUBE_LOG_STDOUT=0 SHARETUBE_POOL=$POOL setsid nohup "$GUNICORN" -c gunicorn.conf.py server.wsgi:app >"$CONSOLE" 2>&1 &
SERVICE_PID=$!  # its own session (setsid): Ctrl-C on this terminal never reaches the service

HEALTH_URL="http://$LISTEN_HOST:$LISTEN_PORT/api/health"
case "$LISTEN_HOST" in 0.0.0.0|::|"[::]") HEALTH_URL="http://127.0.0.1:$LISTEN_PORT/api/health" ;; esac
for _ in $(seq 1 150); do
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    st_log "ShareTube did not start: $(st_failure_reason "$CONSOLE")"
    st_log "(full output: $CONSOLE)"
    exit 1
  fi
  if "$ST_VENV/bin/python" -c "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('$HEALTH_URL', timeout=1).status == 200 else 1)" 2>/dev/null; then
    if [ "$START_BG" = 1 ]; then  # after the interactive pool migrated the schema
      SHARETUBE_LOG_STDOUT=0 SHARETUBE_POOL=background setsid nohup "$GUNICORN" -c gunicorn.conf.py server.wsgi:app \
        >"$INSTANCE_DIR/ShareTube.bg.console.log" 2>&1 &
      st_log "background pool started (logs: $INSTANCE_DIR/ShareTube.bg.log)"
    fi
    st_next_steps "$EXTENSION_ZIP"
    if [ "$FOLLOW" = 1 ]; then
      trap 'echo >&2; st_log "Stopped following the logs. ShareTube keeps running; stop it with: $(st_command stop)"; exit 0' INT
      tail -n +1 -F "${LOGS[@]}" || true
    fi
    exit 0
  fi
  sleep 0.2
done
st_log "ShareTube did not become healthy in 30 s; last log lines:"
tail -n 40 "${LOGS[@]}" "$INSTANCE_DIR"/*.console.log >&2
exit 1
