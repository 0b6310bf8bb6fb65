# shellcheck shell=bash
# What deploy/bench/authdns.sh and rrl.sh share: a work folder and a throwaway database removed
# on exit, the servers under test (one at a time, or several up together whose measured windows
# take turns), their CPU time, and dnsperf runs against them. Sourced,
# never run; the sourcing script defines die and log and sets CLIENTS, OUTSTANDING, DURATION.

# Makes $WORK (mktemp, prefix $1) and names a throwaway database $DB_NAME on $PG; both go on exit.
bench_setup() { # work-prefix
  WORK="$(mktemp -d "/tmp/$1.XXXXXX")"
  PG="${COMPARE_PG:-127.0.0.1:5432}"
  PG_USER="${DNSPLANE_DB_USER:-postgres}"
  DB_NAME="dnsplane_bench_$$_$RANDOM"
  export PGPASSWORD="${DNSPLANE_DB_PASSWORD:-${PGPASSWORD:-}}"
  SERVER_PID=""
  BENCH_SERVERS=()
  PG_PINNED=""
  BENCH_EXTRA_DBS=() # more throwaway databases (bench_extra_db), dropped on exit with DB_NAME
  CLK_TCK="$(getconf CLK_TCK)"
  # shellcheck disable=SC2034 # the figures are read by the sourcing script's report
  declare -gA QPS LOST LAT CPU PER_CPU SPREAD WINDOWS DB_CPU
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    if kill -TERM "$SERVER_PID" 2>/dev/null; then wait "$SERVER_PID" 2>/dev/null || true; fi
  fi
  SERVER_PID=""
}

# Servers that are up together (their windows taken in turn): each is stopped on exit, as
# SERVER_PID is, or by bench_stop_servers.
bench_stop_servers() {
  local p
  for p in "${BENCH_SERVERS[@]}"; do
    if kill -TERM "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
  done
  BENCH_SERVERS=()
}

bench_cleanup() {
  local rc=$?
  bench_stop_server
  bench_stop_servers
  bench_pg_unpin
  local db
  for db in "$DB_NAME" "${BENCH_EXTRA_DBS[@]}"; do
    psql -q -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d postgres \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}

# Copies database $DB_NAME (no session may be connected to it) as $DB_NAME$1, dropped on exit.
bench_extra_db() { # suffix
  BENCH_EXTRA_DBS+=("$DB_NAME$1")
  psql -q -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d postgres \
    -c "CREATE DATABASE $DB_NAME$1 TEMPLATE $DB_NAME" >/dev/null
}

# Pins the PostgreSQL cluster at $PG (its postmaster, every process it has forked, and so every
# backend it forks from now on) to CPU $1 when it runs on this machine; bench_pg_unpin (or exit)
# puts its CPU set back. Why: a run that makes the database work (the churn run) must not hand
# that work to the server under test's CPU. A database on a host of its own would not take the
# server's CPU; on this 2-core machine the scheduler otherwise runs PostgreSQL on CPU 0 too, and
# the run measures the machine's sharing rather than the server. A remote cluster is left alone.
bench_pg_pin() { # cpu
  local info checkpointer datadir postmaster p
  info="$(psql -Atq -F ' ' -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d postgres -c \
    "SELECT pid, current_setting('data_directory') FROM pg_stat_activity WHERE backend_type = 'checkpointer'" \
    2>/dev/null)" || info=""
  read -r checkpointer datadir <<<"$info"
  postmaster=""
  if [[ "$checkpointer" =~ ^[0-9]+$ && -r /proc/$checkpointer/stat ]]; then
    postmaster="$(awk '{print $4}' "/proc/$checkpointer/stat")"
  fi
  # The same pid on this machine is that cluster only if the postmaster works in its data directory.
  if [[ -z "$postmaster" || "$(readlink "/proc/$postmaster/cwd" 2>/dev/null)" != "$datadir" ]]; then
    log "PostgreSQL at $PG is not a cluster of this machine (or not readable here): not pinned"
    return 0
  fi
  PG_PINNED_MASK="$(taskset -p "$postmaster" | awk '{print $NF}')"
  for p in $(bench_descendants "$postmaster"); do
    taskset -p -c "$1" "$p" >/dev/null 2>&1 || true
  done
  PG_PINNED="$postmaster"
  log "PostgreSQL (postmaster $postmaster and its processes) pinned to CPU $1 for this run"
}

bench_pg_unpin() {
  local p
  [[ -n "$PG_PINNED" ]] || return 0
  for p in $(bench_descendants "$PG_PINNED"); do
    taskset -p "$PG_PINNED_MASK" "$p" >/dev/null 2>&1 || true
  done
  PG_PINNED=""
}

bench_descendants() { # a process and all its descendants (NSD: xfrd → main → server children)
  local p
  echo "$1"
  for p in $(pgrep -P "$1" || true); do bench_descendants "$p"; done
}

bench_cpu_ticks() { # utime+stime of a process tree
  local total=0 p f
  for p in $(bench_descendants "$1"); do
    [[ -r /proc/$p/stat ]] || continue
    # Field 2 (comm) may hold spaces; strip through ") " first: utime/stime are then fields 12/13.
    f="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null)" || continue
    total=$((total + $(awk '{print $12 + $13}' <<<"$f")))
  done
  echo "$total"
}

# The CPU ticks of a process tree whose root reaps its children (a PostgreSQL postmaster): the
# live processes' utime+stime, plus the root's cutime+cstime, the children that have exited (a
# backend that came and went inside a window, as a checkpoint writer's connection does).
bench_cpu_ticks_reaped() { # pid
  local f
  f="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  echo $(($(bench_cpu_ticks "$1") + $(awk '{print $14 + $15}' <<<"$f")))
}

# Warm-up: one pass of $WORK/queries, then WARMUP seconds (default 10) of the same load, untimed,
# from CPU 1 at port $2 over transport $3 (udp, the default, or tcp: -c connections, queries
# pipelined on each). Servers here run for weeks: the figure that matters is the steady state, and
# a JVM reaches it only once its JIT has compiled the hot path (about 10 s of load; before that the
# compiler threads take up to a third of the CPU). Every server gets the same warm-up.
# DNSPERF_NICE: dnsperf's niceness (default 0), for runs where a latency-bound process shares its CPU.
bench_warm() { # name port [mode]
  local name="$1" port="$2" mode="${3:-udp}"
  bench_perf "$port" "$mode" -n 1 >"$WORK/$name.warmup" 2>&1 \
    || die "$name warm-up failed: $(tail -3 "$WORK/$name.warmup")"
  if ((${WARMUP:-10} > 0)); then
    bench_perf "$port" "$mode" -l "${WARMUP:-10}" >>"$WORK/$name.warmup" 2>&1 \
      || die "$name warm-up failed: $(tail -3 "$WORK/$name.warmup")"
  fi
}

# DNSPERF_RATE: when set, the most queries/s dnsperf sends (-Q): a fixed offered load, for runs
# that compare the server's CPU per query rather than the most it answers.
bench_perf() { # port mode dnsperf-args...: dnsperf from CPU 1 at 127.0.0.1:port
  local port="$1" mode="$2"; shift 2
  local rate=()
  [[ -n "${DNSPERF_RATE:-}" ]] && rate=(-Q "$DNSPERF_RATE")
  taskset -c 1 nice -n "${DNSPERF_NICE:-0}" dnsperf -m "$mode" -s 127.0.0.1 -p "$port" -d "$WORK/queries" \
    -c "$CLIENTS" -q "$OUTSTANDING" "${rate[@]}" "$@"
}

# One measured window: DURATION seconds of load at the server whose process (tree) is $2, on port
# $3 over transport $4; its queries/s, lost, average latency, the server's CPU seconds and queries
# per CPU-second are appended to run $1's windows (WINDOWS[$1], one line each). bench_settle then
# takes the median. Windows of the servers compared, taken in turn (round-robin) while all of them
# are up, share the machine's noise: a slow minute on this shared host lands on every server
# rather than on whichever one ran then.
bench_window() { # name pid port [mode]
  local name="$1" pid="$2" port="$3" mode="${4:-udp}" before after out runs
  runs="${WINDOWS[$name]:-}"
  runs="${runs//[!$'\n']/}"
  out="$WORK/$name.$((${#runs} + 1)).perf"
  # The database's CPU too, while it is pinned for this run: what it takes from dnsperf's CPU.
  local db_before=0 db_after=0
  [[ -n "$PG_PINNED" ]] && db_before="$(bench_cpu_ticks_reaped "$PG_PINNED")"
  before="$(bench_cpu_ticks "$pid")"
  bench_perf "$port" "$mode" -l "$DURATION" >"$out" 2>&1 || die "$name run failed: $(tail -3 "$out")"
  after="$(bench_cpu_ticks "$pid")"
  [[ -n "$PG_PINNED" ]] && db_after="$(bench_cpu_ticks_reaped "$PG_PINNED")"
  WINDOWS[$name]+="$(awk -v t=$((after - before)) -v db=$((db_after - db_before)) -v hz="$CLK_TCK" -v d="$DURATION" '
    /Queries per second/ { q = $4 }
    /Queries lost/ { lost = $3 " " $4 }
    /Average Latency/ && !lat { lat = sprintf("%.3f ms", $4 * 1000) }
    END { c = t / hz; printf "%s\t%s\t%s\t%.2f\t%s\t%.2f\n", q, lost, lat, c, (c > 0 ? sprintf("%.0f", q * d / c) : "n/a"), db / hz }' "$out")"$'\n'
}

# Run $1's figures from its windows: QPS, LOST, LAT and CPU of the median window by queries/s,
# PER_CPU the median of the windows' queries per CPU-second, DB_CPU the median of the database's
# CPU seconds (0 when it was not pinned), SPREAD their queries/s, lowest to highest.
bench_settle() { # name
  local name="$1" runs
  [[ -n "${WINDOWS[$name]:-}" ]] || die "$name: no measured window"
  runs="${WINDOWS[$name]%$'\n'}"
  IFS=$'\t' read -r "QPS[$name]" "LOST[$name]" "LAT[$name]" "CPU[$name]" _ <<<"$(bench_median 1 <<<"$runs")"
  PER_CPU[$name]="$(cut -f5 <<<"$runs" | bench_median 1)"
  # shellcheck disable=SC2034 # read by the sourcing script's report
  DB_CPU[$name]="$(cut -f6 <<<"$runs" | bench_median 1)"
  # shellcheck disable=SC2034 # read by the sourcing script's report
  SPREAD[$name]="$(cut -f1 <<<"$runs" | sort -g | awk '{ l[NR] = sprintf("%.0f", $0) } END { print (NR > 1 ? l[1] "-" l[NR] : l[1]) }')"
}

# The median line of stdin's tab-separated lines by their numeric field $1 (the lower of two).
bench_median() { # field
  sort -t$'\t' -k"$1,$1"g | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'
}

# Warm-up and one measured window at $SERVER_PID, settled: for a run with nothing to take turns with.
bench_dnsperf() { # name port [mode]
  bench_warm "$1" "$2" "${3:-udp}"
  bench_window "$1" "$SERVER_PID" "$2" "${3:-udp}"
  bench_settle "$1"
}

# Queries per server-CPU-second of run $1.
bench_per_cpu() { # name
  echo "${PER_CPU[$1]}"
}

bench_wait_for() { # what seconds command...
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not come up: $(tail -5 "$WORK"/*.out 2>/dev/null)"
    kill -0 "$SERVER_PID" 2>/dev/null || die "$what exited: $(tail -5 "$WORK"/*.out 2>/dev/null)"
    sleep 0.2
  done
}

# One row of deploy/bench/all's table, on stdout: what was measured, dnsplane's figure, the
# peer's figure from the same run ("" when it has none) and the ratio (""). Tab-separated after
# the ROW tag, which is how deploy/bench/all finds it in a script's output.
bench_row() { # what ours peer ratio
  printf 'ROW\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-}" "${4:-}"
}

# $1 / $2 as "0.00x" (empty when either is missing or $2 is zero).
bench_ratio() { # a b
  awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.2f×", a / b }'
}

# A figure rounded to thousands: 151873.2 → 151.9k.
bench_k() { # number
  awk -v n="$1" 'BEGIN { if (n == "" || n == "n/a") print n; else printf "%.1fk", n / 1000 }'
}
