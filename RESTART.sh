#!/usr/bin/env bash
# Start (or restart) ShareTube locally and follow its logs.
#   ./RESTART.sh               build, migrate, (re)start, wait for /api/health, follow the logs
#   ./RESTART.sh --no-follow   the same, but return once healthy
#   ./RESTART.sh stop          stop what an earlier run started
# Embedded default: SQLite, one process, no Redis. With SOCKETIO_MESSAGE_QUEUE=redis://… it runs
# the interactive and the background pool; with --redis it also starts a private redis-server.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh

ACTION=start FOLLOW=1 OWN_REDIS=0
for arg in "$@"; do
  case "$arg" in
    --no-follow) FOLLOW=0 ;;
    stop) ACTION=stop ;;
    --redis) OWN_REDIS=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) st_log "unknown argument: $arg"; exit 2 ;;
  esac
done

export VERSION="${VERSION:-v1-03}"
export INSTANCE_DIR="${INSTANCE_DIR:-$PWD/instance/ShareTube-$VERSION}"
export LISTEN_HOST="${LISTEN_HOST:-127.0.0.1}" LISTEN_PORT="${LISTEN_PORT:-5077}"
mkdir -p "$INSTANCE_DIR"
[ -f .env ] && { set -a; source .env; set +a; }

stop_pidfile() {
  local file="$1"
  [ -f "$file" ] || return 0
  local pid; pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    st_log "stopping $(basename "$file" .pid) (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_all() {
  stop_pidfile "$INSTANCE_DIR/ShareTube.pid"
  stop_pidfile "$INSTANCE_DIR/ShareTube.bg.pid"
  if [ -f "$INSTANCE_DIR/redis.pid" ]; then stop_pidfile "$INSTANCE_DIR/redis.pid"; fi
}

if [ "$ACTION" = stop ]; then stop_all; exit 0; fi

st_python_env requirements.txt
st_node_env
stop_all

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
if [ -n "${SOCKETIO_MESSAGE_QUEUE:-}" ]; then
  SHARETUBE_LOG_STDOUT=0 SHARETUBE_POOL=interactive nohup "$GUNICORN" -c gunicorn.conf.py server.wsgi:app >"$INSTANCE_DIR/ShareTube.console.log" 2>&1 &
  START_BG=1
  LOGS=("$INSTANCE_DIR/ShareTube.log" "$INSTANCE_DIR/ShareTube.bg.log")
else
  SHARETUBE_LOG_STDOUT=0 SHARETUBE_POOL=single nohup "$GUNICORN" -c gunicorn.conf.py server.wsgi:app >"$INSTANCE_DIR/ShareTube.console.log" 2>&1 &
  LOGS=("$INSTANCE_DIR/ShareTube.log")
fi

URL="http://$LISTEN_HOST:$LISTEN_PORT/api/health"
[ "$LISTEN_HOST" = 0.0.0.0 ] && URL="http://127.0.0.1:$LISTEN_PORT/api/health"
for _ in $(seq 1 150); do
  if "$ST_VENV/bin/python" -c "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('$URL', timeout=1).status == 200 else 1)" 2>/dev/null; then
    if [ "${START_BG:-0}" = 1 ]; then  # after the interactive pool migrated the schema
      SHARETUBE_LOG_STDOUT=0 SHARETUBE_POOL=background nohup "$GUNICORN" -c gunicorn.conf.py server.wsgi:app \
        >"$INSTANCE_DIR/ShareTube.bg.console.log" 2>&1 &
      st_log "background pool started (logs: $INSTANCE_DIR/ShareTube.bg.log)"
    fi
    st_log "ShareTube is up: http://$LISTEN_HOST:$LISTEN_PORT  (extension build: extension/dist)"
    [ "$FOLLOW" = 1 ] && exec tail -n +1 -F "${LOGS[@]}"
    exit 0
  fi
  sleep 0.2
done
st_log "ShareTube did not become healthy in 30 s; last log lines:"
tail -n 40 "${LOGS[@]}" "$INSTANCE_DIR"/*.console.log >&2
exit 1
