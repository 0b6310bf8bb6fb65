# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this file
# The local stack's layout (ports, folders, pid files) and process helpers, shared by up, down, status
# and outage-demo. Sourced after common.sh.

# Every port moves by DNSPLANE_PORT_OFFSET, so a second stack (the end-to-end test) cannot collide
# with a developer's running one.
DP_OFF="${DNSPLANE_PORT_OFFSET:-0}"
if ! [[ "$DP_OFF" =~ ^[0-9]+$ ]] || ((DP_OFF > 50000)); then
  dp_die "DNSPLANE_PORT_OFFSET must be 0..50000, got '$DP_OFF'"
fi
# A single port can also be set by its DNSPLANE_HOST_PORT_* variable: the names deploy/compose.yaml
# publishes its ports under, so the demo and the scripts reach a compose stack the same way.
DP_HOST=127.0.0.1
DP_AUTHDNS_DNS="${DNSPLANE_HOST_PORT_AUTHDNS_DNS:-$((1053 + DP_OFF))}"
DP_AUTHDNS_HTTP="${DNSPLANE_HOST_PORT_AUTHDNS_HTTP:-$((8080 + DP_OFF))}"
DP_PLANNER_HTTP="${DNSPLANE_HOST_PORT_PLANNER:-$((8081 + DP_OFF))}"
DP_RESOLVER_DNS="${DNSPLANE_HOST_PORT_RESOLVER_DNS:-$((1054 + DP_OFF))}"
DP_RESOLVER_HTTP="${DNSPLANE_HOST_PORT_RESOLVER_HTTP:-$((8085 + DP_OFF))}"
DP_NOGUARD_DNS="${DNSPLANE_HOST_PORT_NOGUARD_DNS:-$((1064 + DP_OFF))}"
DP_NOGUARD_HTTP="${DNSPLANE_HOST_PORT_NOGUARD_HTTP:-$((8095 + DP_OFF))}"
DP_AZS=(az-a az-b az-c)
dp_enactor_port() {
  case "$1" in
    az-a) echo "${DNSPLANE_HOST_PORT_ENACTOR_A:-$((8082 + DP_OFF))}" ;;
    az-b) echo "${DNSPLANE_HOST_PORT_ENACTOR_B:-$((8083 + DP_OFF))}" ;;
    az-c) echo "${DNSPLANE_HOST_PORT_ENACTOR_C:-$((8084 + DP_OFF))}" ;;
    *) dp_die "unknown az $1" ;;
  esac
}

# docker-compose on deploy/compose.yaml (DNSPLANE_COMPOSE_FILE overrides it); the project is
# COMPOSE_PROJECT_NAME's, as docker-compose itself reads it.
dp_compose() { docker-compose -f "${DNSPLANE_COMPOSE_FILE:-$DNSPLANE_ROOT/deploy/compose.yaml}" "$@"; }

DP_STATE="${DNSPLANE_STATE_DIR:-$DNSPLANE_ROOT/deploy/state}"
DP_RUN="$DP_STATE/run"
DP_LOGS="${DNSPLANE_LOG_DIR:-$DNSPLANE_ROOT/deploy/logs}"
DP_SEED="$DNSPLANE_ROOT/deploy/seed"
DP_ZONE=aws.test.
DP_ENDPOINTS=(dynamodb.us-east-1.aws.test. sts.us-east-1.aws.test. lambda.us-east-1.aws.test.)
DP_HEALTH_TIMEOUT="${DNSPLANE_UP_TIMEOUT:-90}"
export DNSPLANE_STATE_DIR="$DP_STATE"

# The components in start order (db-embedded only when up started it).
DP_COMPONENTS=(db-embedded authdns planner enactor-az-a enactor-az-b enactor-az-c resolver)

dp_http_port() {
  case "$1" in
    authdns) echo "$DP_AUTHDNS_HTTP" ;;
    planner) echo "$DP_PLANNER_HTTP" ;;
    enactor-*) dp_enactor_port "${1#enactor-}" ;;
    resolver) echo "$DP_RESOLVER_HTTP" ;;
    *) echo "" ;;
  esac
}

dp_pidfile() { echo "$DP_RUN/$1.pid"; }

# The pid recorded for a component when that process still runs a dnsplane jar (a stale pid file, or a
# pid reused by an unrelated process after a reboot, counts as not running).
# A process in the middle of an exec (the launcher's bash becoming java) shows an empty command line
# for a moment, between the kernel swapping in its new memory and writing its new arguments; read under
# load, that once failed deploy/up with "exited during start-up" and an empty log. So an empty command
# line is read again for up to half a second; a zombie's stays empty and counts as not running.
# DP_PROC (default /proc) lets a test stand in for the kernel's view.
dp_live_pid() {
  local f pid cmdline i
  f="$(dp_pidfile "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [[ -n "$pid" ]] || return 1
  for ((i = 0; i < 25; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    cmdline="$(tr '\0' ' ' 2>/dev/null <"${DP_PROC:-/proc}/$pid/cmdline")"
    [[ -n "$cmdline" ]] && break
    sleep 0.02
  done
  # A java on one of our jars, or the launcher/wrapper still on its way to exec it.
  grep -Eq -- '-all\.jar|deploy/dnsplane' <<<"$cmdline" || return 1
  echo "$pid"
}

# Starts a launcher command detached (own session, nohup, stdin closed), logging to $DP_LOGS/NAME.log;
# the pid file holds the java pid because the launcher execs java.
dp_spawn() {
  local name="$1"
  shift
  mkdir -p "$DP_RUN" "$DP_LOGS"
  local log="$DP_LOGS/$name.log" pidfile
  pidfile="$(dp_pidfile "$name")"
  rm -f "$pidfile"
  echo "=== $(date -u +%FT%TZ) starting: $*" >>"$log"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  # fds 8 and 9 (the up/down and build locks) are closed: a long-lived child must not hold them.
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$DNSPLANE_ROOT/deploy/dnsplane" "$@" >>"$log" 2>&1 </dev/null 8>&- 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$pidfile" ]] && return 0; sleep 0.1; done
  dp_die "$name did not start (no pid file $pidfile); see $log"
}

# Waits (bounded) until GET /health on the component answers 200; on failure names the log.
dp_wait_healthy() {
  local name="$1" port deadline code pid
  port="$(dp_http_port "$name")"
  deadline=$((SECONDS + DP_HEALTH_TIMEOUT))
  while ((SECONDS < deadline)); do
    code="$(dp_http_code "http://$DP_HOST:$port/health")"
    [[ "$code" == 200 ]] && return 0
    if ! pid="$(dp_live_pid "$name")"; then
      echo "dnsplane: $name exited during start-up; last lines of $DP_LOGS/$name.log:" >&2
      tail -n 25 "$DP_LOGS/$name.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  echo "dnsplane: $name (pid ${pid:-?}) not healthy after ${DP_HEALTH_TIMEOUT}s: GET http://$DP_HOST:$port/health gave ${code:-nothing}; log $DP_LOGS/$name.log" >&2
  tail -n 25 "$DP_LOGS/$name.log" >&2 || true
  exit 1
}

# Stops one component by its recorded pid: SIGTERM, up to 15 s, then SIGKILL to its process group.
dp_stop() {
  local name="$1" pid i
  if ! pid="$(dp_live_pid "$name")"; then
    rm -f "$(dp_pidfile "$name")"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "dnsplane: $name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$(dp_pidfile "$name")"
  echo "$pid"
}

# The database the stack uses, written by up: DNSPLANE_DB_URL/USER/PASSWORD and how it was found.
DP_DB_ENV="$DP_RUN/db.env"
dp_load_db_env() {
  if [[ -z "${DNSPLANE_DB_URL:-}" && -f "$DP_DB_ENV" ]]; then
    # shellcheck disable=SC1090
    source "$DP_DB_ENV"
  fi
  export DNSPLANE_DB_URL DNSPLANE_DB_USER DNSPLANE_DB_PASSWORD
}

# curl against a control API at base URL $1; prints the body, fails on HTTP >= 400. A mutating call
# without a body sends none (the services accept an empty body with the JSON type).
dp_control() {
  local base="$1" method="$2" path="$3" body="${4:-}" data=()
  dp_control_headers "$method"
  [[ -n "$body" ]] && data=(--data "$body")
  curl -sS --fail-with-body -m 10 -X "$method" "${DP_CURL_HEADERS[@]}" "${data[@]}" "$base$path"
}

# curl against the planner, with the API token when one is set.
dp_planner() { dp_control "http://$DP_HOST:$DP_PLANNER_HTTP" "$@"; }

# curl against an enactor (by az), with the API token when one is set.
dp_enactor() {
  local az="$1"
  shift
  dp_control "http://$DP_HOST:$(dp_enactor_port "$az")" "$@"
}

# A JSON field of a flat-enough document: jq when present, else a sed fallback good for scalars.
dp_json() {
  local field="$1"
  if command -v jq >/dev/null; then
    jq -r --arg f "$field" '.[$f] | if . == null then empty else . end' 2>/dev/null || true
  else
    sed -n "s/.*\"$field\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" | head -n1
  fi
}

# The launcher arguments of each component, in DP_ARGS (ports follow DNSPLANE_PORT_OFFSET).
dp_authdns_args() { DP_ARGS=(--listen "$DP_HOST:$DP_AUTHDNS_DNS" --http "$DP_HOST:$DP_AUTHDNS_HTTP"); }
dp_planner_args() {
  DP_ARGS=(--http "$DP_HOST:$DP_PLANNER_HTTP")
  dp_console_env
}
# The planner's console (/ui) probes authdns, the resolvers and the enactors of this stack: its
# DNSPLANE_CONSOLE_* variables follow the stack's ports, and a user's own values win. Exported, so the
# planner dp_spawn starts next inherits them (the other components ignore them). The guard-off
# resolver runs only during deploy/outage-demo; until then the console shows it as not answering.
dp_console_env() {
  local az enactors=()
  for az in "${DP_AZS[@]}"; do enactors+=("$az=http://$DP_HOST:$(dp_enactor_port "$az")"); done
  DNSPLANE_CONSOLE_AUTHDNS="${DNSPLANE_CONSOLE_AUTHDNS:-$DP_HOST:$DP_AUTHDNS_DNS}"
  DNSPLANE_CONSOLE_RESOLVERS="${DNSPLANE_CONSOLE_RESOLVERS:-resolver=$DP_HOST:$DP_RESOLVER_DNS,resolver-guard-off=$DP_HOST:$DP_NOGUARD_DNS}"
  DNSPLANE_CONSOLE_ENACTORS="${DNSPLANE_CONSOLE_ENACTORS:-$(IFS=,; echo "${enactors[*]}")}"
  export DNSPLANE_CONSOLE_AUTHDNS DNSPLANE_CONSOLE_RESOLVERS DNSPLANE_CONSOLE_ENACTORS
}
# The console's address, printed by up and status.
dp_console_url() { echo "http://$DP_HOST:$DP_PLANNER_HTTP/ui/"; }
dp_enactor_args() { DP_ARGS=(--az "$1" --http "$DP_HOST:$(dp_enactor_port "$1")" --authdns "$DP_HOST:$DP_AUTHDNS_DNS"); }
dp_resolver_args() {
  DP_ARGS=(--listen "$DP_HOST:$DP_RESOLVER_DNS" --http "$DP_HOST:$DP_RESOLVER_HTTP" --stub-zones "$DP_ZONE=$DP_HOST:$DP_AUTHDNS_DNS")
}

# Takes the state folder's up/down lock on fd 8 (bounded wait).
dp_lock() {
  exec 8>"$DP_RUN/.lock"
  flock -n 8 && return 0
  echo "dnsplane: waiting for another deploy/up or deploy/down ($DP_RUN/.lock) ..." >&2
  flock -w 120 8 || dp_die "another deploy/up or deploy/down still holds $DP_RUN/.lock after 120 s"
}
