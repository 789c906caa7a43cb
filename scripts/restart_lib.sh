#!/usr/bin/env bash
# The pieces of RESTART.sh (sourced after scripts/bootstrap.sh):
#   st_usage FILE             the header comment of FILE, without the '#'
#   st_load_settings ENVFILE  environment, then ENVFILE (never overriding), then defaults; exports
#                             VERSION INSTANCE_DIR LISTEN_HOST LISTEN_PORT BACKEND_BASE_URL
#   st_command ARGS...        the exact RESTART.sh command for this instance (same settings)
#   st_stop_all               stop the pools (and the private redis) of this instance
#   st_failure_reason LOG     the one line of a Gunicorn console log that says why it stopped
#   st_next_steps ZIP         what to do once the service is up

# Settings that decide WHICH instance a command talks to: when they come from the command line
# (not .env), the printed follow-up commands repeat them.
ST_INSTANCE_SETTINGS=(VERSION INSTANCE_DIR LISTEN_HOST LISTEN_PORT BACKEND_BASE_URL DATABASE_URL)
ST_FROM_ENVIRONMENT=()
ST_INVOKED="$0"  # how this script was called: the printed follow-up commands repeat it

st_usage() {
  sed -n '2,/^[^#]/p' "$1" | grep '^#' | sed 's/^# \{0,1\}//'
}

st_load_env_file() {
  local file="$1" line key value
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [ -z "$line" ] && continue
    [ "${line:0:1}" = "#" ] && continue
    line="${line#export }"
    key="${line%%=*}"
    value="${line#*=}"
    if [ "$key" = "$line" ] || ! [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
      st_log "$file: ignoring a line that is not NAME=value: $line"
      continue
    fi
    value="${value%"${value##*[![:space:]]}"}"
    if [[ ${#value} -ge 2 && ( ( "${value:0:1}" == '"' && "${value: -1}" == '"' ) || ( "${value:0:1}" == "'" && "${value: -1}" == "'" ) ) ]]; then
      value="${value:1:${#value}-2}"
    else
      value="${value%%[[:space:]]#*}"  # NAME=value  # a comment (as python-dotenv reads it)
    fi
    if [ -n "${!key+x}" ]; then continue; fi  # the environment wins over .env
    export "$key=$value"
  done < "$file"
}

st_lan_address() {
  local addr=""
  addr="$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n 1)" || true
  if [ -z "$addr" ]; then
    addr="$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.' | head -n 1)" || true
  fi
  echo "${addr:-127.0.0.1}"
}

st_load_settings() {
  local name
  for name in "${ST_INSTANCE_SETTINGS[@]}"; do
    if [ -n "${!name+x}" ]; then ST_FROM_ENVIRONMENT+=("$name"); fi
  done
  st_load_env_file "$1"
  export VERSION="${VERSION:-v1-03}"
  export INSTANCE_DIR="${INSTANCE_DIR:-$PWD/instance/ShareTube-$VERSION}"
  export LISTEN_HOST="${LISTEN_HOST:-127.0.0.1}" LISTEN_PORT="${LISTEN_PORT:-5077}"
  if [ -z "${BACKEND_BASE_URL:-}" ]; then
    case "$LISTEN_HOST" in
      # Listening on every interface: the address other devices (a phone) use, never 0.0.0.0.
      0.0.0.0|::|"[::]") BACKEND_BASE_URL="http://$(st_lan_address):$LISTEN_PORT" ;;
      localhost|127.*) BACKEND_BASE_URL="http://127.0.0.1:$LISTEN_PORT" ;;
      *) BACKEND_BASE_URL="http://$LISTEN_HOST:$LISTEN_PORT" ;;
    esac
  fi
  export BACKEND_BASE_URL="${BACKEND_BASE_URL%/}"
  mkdir -p "$INSTANCE_DIR"
}

st_command() {
  local prefix="" name value
  for name in "${ST_FROM_ENVIRONMENT[@]}"; do
    value="${!name}"
    # Never print a database password: the user puts it back (or keeps DATABASE_URL in .env).
    if [ "$name" = DATABASE_URL ] && [[ "$value" =~ ^([^:/]+://[^:/@]+:).*(@[^@]*)$ ]]; then
      value="${BASH_REMATCH[1]}PASSWORD${BASH_REMATCH[2]}"
    fi
    prefix+="$name=$(printf '%q' "$value") "
  done
  echo "$prefix$ST_INVOKED $*"
}

st_stop_pidfile() {
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

st_stop_all() {
  st_stop_pidfile "$INSTANCE_DIR/ShareTube.pid"
  st_stop_pidfile "$INSTANCE_DIR/ShareTube.bg.pid"
  st_stop_pidfile "$INSTANCE_DIR/redis.pid"
}

st_failure_reason() {
  local log="$1" line=""
  line="$(grep -h 'refusing to start' "$log" 2>/dev/null | tail -n 1)" || true
  if [ -z "$line" ]; then  # e.g. a worker that failed to boot: its traceback's last error line
    line="$(grep -hE '(Error|Exception)(: |$)' "$log" 2>/dev/null | grep -vE 'HaltServer|Worker failed to boot' | tail -n 1)" || true
  fi
  [ -n "$line" ] || line="$(grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1)" || true
  line="${line#ShareTube: }"
  echo "${line:-it exited without a word}"
}

st_next_steps() {
  local zip="$1"
  local where="$LISTEN_HOST:$LISTEN_PORT"
  case "$LISTEN_HOST" in 0.0.0.0|::|"[::]") where="every interface, port $LISTEN_PORT" ;; esac
  st_log "ShareTube is up: $BACKEND_BASE_URL  (listening on $where)"
  echo "Next steps:"
  echo "  1. Open $BACKEND_BASE_URL/ in Chrome and install the extension built for this server:"
  if [ -n "$zip" ]; then
    echo "       the homepage's download is $zip"
  fi
  echo "       or load $PWD/extension/dist with \"Load unpacked\" in chrome://extensions (Developer mode)"
  echo "  2. Admin dashboard ($BACKEND_BASE_URL/dashboard): run"
  echo "       $(st_command admin-link you@example.com)"
  echo "     and open the one-time link it prints."
  echo "  3. Stop the service: $(st_command stop)"
  echo "     Logs: $INSTANCE_DIR/ShareTube.log"
}
