# shellcheck shell=bash
# Shared helpers for deploy/dnsplane, up, down, status and outage-demo.
# Sourced, never run. Everything here is plain bash + coreutils + curl.

# The repository root, from this file's own location (works from any cwd and through symlinks).
# Every server's start runs this: a subshell, and readlink only when this file is a link.
_dp_self="${BASH_SOURCE[0]}"
[[ -L "$_dp_self" ]] && _dp_self="$(readlink -f "$_dp_self")"
[[ "$_dp_self" == */* ]] || _dp_self="./$_dp_self"
DNSPLANE_ROOT="$(cd -P "${_dp_self%/*}/../.." && pwd -P)"
unset _dp_self
DNSPLANE_VERSION="${DNSPLANE_VERSION:-0.1.0-SNAPSHOT}"
export DNSPLANE_ROOT

dp_die() { echo "dnsplane: $*" >&2; exit 1; }
dp_log() { echo "[$(date -u +%H:%M:%S)] $*"; }

# The fat jar of a module, e.g. authdns/target/authdns-0.1.0-SNAPSHOT-all.jar.
dp_jar() { echo "$DNSPLANE_ROOT/$1/target/$1-$DNSPLANE_VERSION-all.jar"; }

# True when the module's jar is missing or older than its sources, db's sources or a pom.
# The check is a cheap `find -newer` that stops at the first newer file.
dp_jar_stale() {
  local mod="$1" jar
  jar="$(dp_jar "$mod")"
  [[ -f "$jar" ]] || return 0
  local paths=("$DNSPLANE_ROOT/pom.xml" "$DNSPLANE_ROOT/$mod/pom.xml" "$DNSPLANE_ROOT/$mod/src/main")
  [[ "$mod" == db ]] || paths+=("$DNSPLANE_ROOT/db/pom.xml" "$DNSPLANE_ROOT/db/src/main")
  local p existing=()
  for p in "${paths[@]}"; do [[ -e "$p" ]] && existing+=("$p"); done
  [[ -n "$(find "${existing[@]}" -newer "$jar" -type f -print -quit 2>/dev/null)" ]]
}

# Builds the given modules (and what they depend on) when a jar is missing or stale.
# DNSPLANE_BUILD=never turns this off (then a missing jar is an error naming it);
# DNSPLANE_BUILD=always rebuilds regardless.
dp_ensure_built() {
  local mode="${DNSPLANE_BUILD:-auto}" mod need=()
  if [[ "$mode" == never ]]; then
    # Nothing will be built, so nothing is compared: only a missing jar is an error.
    local missing=() jar
    for mod in "$@"; do
      jar="$DNSPLANE_ROOT/$mod/target/$mod-$DNSPLANE_VERSION-all.jar"
      [[ -f "$jar" ]] || missing+=("$jar")
    done
    ((${#missing[@]} == 0)) || dp_die "missing (DNSPLANE_BUILD=never): ${missing[*]}; build with: (cd $DNSPLANE_ROOT && mvn -B -DskipTests package)"
    return 0
  fi
  for mod in "$@"; do
    if [[ "$mode" == always ]] || dp_jar_stale "$mod"; then need+=("$mod"); fi
  done
  ((${#need[@]})) || return 0
  command -v mvn >/dev/null || dp_die "mvn not found; install Maven 3.8+ (apt-get install -y maven) or build the jars elsewhere"
  local list
  list="$(IFS=,; echo "${need[*]}")"
  echo "dnsplane: building $list (mvn -B -q -DskipTests -pl $list -am package) ..." >&2
  mkdir -p "$DNSPLANE_ROOT/deploy/state"
  (
    cd "$DNSPLANE_ROOT"
    # One build at a time, even when several launchers start at once.
    if command -v flock >/dev/null; then exec 9>"$DNSPLANE_ROOT/deploy/state/.build.lock"; flock 9; fi
    mvn -B -q -Dstyle.color=never -DskipTests -pl "$list" -am package >&2
  ) || dp_die "build of $list failed (see the Maven output above)"
  for mod in "${need[@]}"; do
    [[ -f "$(dp_jar "$mod")" ]] || dp_die "the build finished but $(dp_jar "$mod") does not exist: is module $mod implemented yet?"
  done
}

# The java binary: DNSPLANE_JAVA, else $JAVA_HOME/bin/java, else java on PATH.
dp_java() {
  if [[ -n "${DNSPLANE_JAVA:-}" ]]; then echo "$DNSPLANE_JAVA"
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"
  else command -v java || dp_die "java not found; install a JDK 17+ (apt-get install -y openjdk-17-jdk-headless)"
  fi
}

# What `java -version` prints, in DP_JAVA_VERSION_TEXT, and its checksum in DP_JAVA_VERSION_SUM
# (the class-data archive's key). A JVM started only to say that costs ~50 ms, and every server's
# start asked twice (its flags, its archive's key): the answer is kept for the shell, and in
# deploy/state/java under the binary's real path, with the inode, size and time of the binary and
# of its runtime image (lib/modules), which any new or upgraded JDK changes. A start that finds it
# reads it with builtins: two processes (readlink, stat), where forks for each step cost a start
# ~50 ms more on a busy 2-core machine.
dp_java_version() {
  local java="$1" real stamp cache lines IFS
  [[ "${DP_JAVA_VERSION_OF:-}" == "$java" ]] && return 0
  DP_JAVA_VERSION_OF="$java"
  real="$java"
  [[ "$real" == */* ]] || real="$(command -v "$java" || echo "$java")"
  real="$(readlink -f "$real" 2>/dev/null || echo "$real")"
  stamp="$(stat -Lc '%i-%s-%Y' "$real" "${real%/*}/../lib/modules" 2>/dev/null)"
  stamp="${stamp//$'\n'/ }"
  cache="$DNSPLANE_ROOT/deploy/state/java/${real//[^A-Za-z0-9._-]/_}"
  if [[ -n "$stamp" && -s "$cache" ]]; then
    mapfile -t lines <"$cache"
    if [[ "${lines[0]:-}" == "$stamp" && ${#lines[@]} -ge 3 ]]; then
      DP_JAVA_VERSION_SUM="${lines[1]}"
      IFS=$'\n'
      DP_JAVA_VERSION_TEXT="${lines[*]:2}"
      return 0
    fi
  fi
  DP_JAVA_VERSION_TEXT="$("$java" -version 2>&1)"
  DP_JAVA_VERSION_SUM="$(printf '%s\n' "$DP_JAVA_VERSION_TEXT" | cksum | cut -d' ' -f1)"
  [[ -n "$stamp" && "$DP_JAVA_VERSION_TEXT" == *version* ]] &&
    { mkdir -p "${cache%/*}" &&
      printf '%s\n%s\n%s\n' "$stamp" "$DP_JAVA_VERSION_SUM" "$DP_JAVA_VERSION_TEXT" >"$cache.$$" &&
      mv -f "$cache.$$" "$cache"; } 2>/dev/null
  return 0
}

# The feature version of a java binary: 17 for "17.0.15", 8 for "1.8.0_x".
dp_java_major() {
  local v
  dp_java_version "$1"
  [[ "$DP_JAVA_VERSION_TEXT" =~ version\ \"([^\"]*)\" ]] || return 0
  v="${BASH_REMATCH[1]}"
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

# JVM flags: G1 with a modest heap (DNSPLANE_XMX overrides), exit on OOM so a supervisor restarts us,
# native access for Netty's epoll on JDK 24+ (STACK.md pitfall 10), then DNSPLANE_JAVA_OPTS (word-split).
# A heap of "auto" has no fixed bound: up to half the machine's memory (MaxRAMPercentage), for
# authdns, whose heap is its zones' size (a million names need ~250 MB, five million ~1.2 GB).
# Whatever the bound, G1 gives back what it does not use rather than keeping its high-water mark:
# the heap shrinks to at most 30% free after a collection that finds it so (MaxHeapFreeRatio; a
# first full load's garbage is gone after the full collection authdns asks for before serving it),
# and an idle process gets a concurrent cycle every minute that lets it shrink (G1PeriodicGCInterval).
# For authdns (third argument), GCTimeRatio=2 lets G1 spend up to a third of its time collecting
# (default 12: 8%) before it grows the heap instead. The default grew it towards the bound on any busy machine: one query per name
# of a million-name zone took authdns from ~400 to ~600 MiB RSS, ~430 with this (issue 13,
# deploy/bench/memory.sh); young collections of a server's short-lived garbage stay cheap, and
# UDP queries per CPU-second did not drop (deploy/bench/authdns.sh).
# Also for authdns, G1 starts marking the old generation at a fixed 85% of the heap, not at its
# adaptive threshold: that one is 95% of the current heap less the young generation and what it
# expects to promote while marking, and authdns's old generation, its zone snapshot, is most of a
# heap held near it by MaxHeapFreeRatio. At a million names the adaptive threshold sat below the
# live snapshot, so G1 marked the whole heap back to back on the server's one CPU (47-63 cycles in
# the first 2-3 minutes of load, against 16-19 at 85%), and a fresh server answered 0.69-0.86x as
# many queries per CPU-second as with this (issue 13, alternated on CPU 0). 85 stays below the 90%
# that MinHeapFreeRatio=10 grows the heap to keep free, or each marking would grow it.
# That holds while the snapshot stays below 85% of the heap; the answer cache grows it after the
# load's full collection has sized the heap, so authdns's heap may keep up to 45% free after a
# collection (MaxHeapFreeRatio, 30% for the others): at a million names, after minutes of load,
# the old generation filled 74-84% of the heap with 30 (one server of three at 84%, marking back
# to back again) and 71% with 45, whose first minute was faster too (112k against 85k queries per
# CPU-second in the first 10 s), for 13 MiB more RSS.
dp_java_flags() {
  local java="$1" xmx="${DNSPLANE_XMX:-$2}" major
  dp_java_version "$java" # here, so that the subshell below and dp_cds_flags reuse it
  major="$(dp_java_major "$java")"
  ((major >= 17)) 2>/dev/null || dp_die "$java is Java ${major:-?}; dnsplane needs Java 17 or newer"
  DP_FLAGS=(-XX:+UseG1GC)
  if [[ "$xmx" == auto ]]; then DP_FLAGS+=(-XX:MaxRAMPercentage=50); else DP_FLAGS+=("-Xmx$xmx"); fi
  local max_free=30
  [[ "${3:-}" == authdns ]] && max_free=45
  DP_FLAGS+=(-XX:MinHeapFreeRatio=10 "-XX:MaxHeapFreeRatio=$max_free" -XX:G1PeriodicGCInterval=60000
    -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8)
  [[ "${3:-}" == authdns ]] &&
    DP_FLAGS+=(-XX:GCTimeRatio=2 -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=85)
  ((major >= 24)) && DP_FLAGS+=(--enable-native-access=ALL-UNNAMED)
  # authdns on Java 17 serves UDP from threads of its own calling recvmmsg/sendmmsg through the
  # incubating foreign linker (authdns/.../net/NativeUdp.java), which needs its module and native
  # access; elsewhere, or with DNSPLANE_UDP_IO=netty, it serves UDP through Netty's epoll channel.
  # The JVM says "Using incubator modules" once at start.
  [[ "${3:-}" == authdns && "$major" == 17 && "${DNSPLANE_UDP_IO:-native}" != netty ]] &&
    DP_FLAGS+=(--add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED)
  if [[ -n "${DNSPLANE_JAVA_OPTS:-}" ]]; then
    local extra
    read -r -a extra <<<"$DNSPLANE_JAVA_OPTS"
    DP_FLAGS+=("${extra[@]}")
  fi
}

# Class-data sharing (AppCDS) for a server's JVM: the classes an earlier start of the same jar
# loaded are mapped from an archive instead of being read from the jar, parsed and verified again.
# For authdns at a million names that took start to first answer from 3.4-3.5 s to 2.8-3.0 s
# (deploy/bench/memory.sh); every JVM service starts sooner. JDK 17 writes such an archive only as
# a JVM exits (-XX:ArchiveClassesAtExit), so the first start of a build writes one when it stops
# (NAME.KEY.PID.dump) and a later start adopts it. Adopting checks it in a throwaway JVM first
# (-Xshare:on with every region's checksum verified): a JVM mapping a torn archive (a dump cut
# short by SIGKILL) can crash, and one that fails the check is deleted instead. KEY is the jar's
# size and time and the JVM's version, so a rebuild or another JDK starts over; the JVM checks
# both itself as well. DNSPLANE_CDS=off turns this off. Adds to DP_FLAGS (after dp_java_flags).
dp_cds_flags() { # java jar name args...
  local java="$1" jar="$2" name="$3" dir key final f pid a
  shift 3
  [[ "${DNSPLANE_CDS:-on}" == off ]] && return 0
  # A run that only prints help would make an archive of almost nothing.
  for a in "$@"; do [[ "$a" == -h || "$a" == --help || "$a" == -V || "$a" == --version ]] && return 0; done
  dir="$DNSPLANE_ROOT/deploy/state/cds"
  { [[ -d "$dir" ]] || mkdir -p "$dir"; } 2>/dev/null
  [[ -d "$dir" && -w "$dir" ]] || return 0
  dp_java_version "$java"
  key="$(stat -c '%s-%Y' "$jar")-$DP_JAVA_VERSION_SUM"
  final="$dir/$name.$key.jsa"
  if [[ ! -s "$final" ]]; then
    for f in "$dir/$name.$key".*.dump; do
      [[ -e "$f" ]] || continue
      pid="${f%.dump}"
      pid="${pid##*.}"
      # Its JVM is still running, or still writing it.
      kill -0 "$pid" 2>/dev/null && continue
      if "$java" "${DP_FLAGS[@]}" -Xshare:on -XX:+VerifySharedSpaces "-XX:SharedArchiveFile=$f" \
        -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -cp "$jar" -version >/dev/null 2>&1; then
        mv -f "$f" "$final" 2>/dev/null || true
      else
        rm -f "$f"
      fi
    done
  fi
  # What earlier builds (or JDKs) left is of no further use.
  for f in "$dir/$name".*; do
    [[ -e "$f" && "$f" != "$dir/$name.$key".* ]] && rm -f "$f"
  done
  if [[ -s "$final" ]]; then
    DP_FLAGS+=("-XX:SharedArchiveFile=$final")
  else
    # $$: this shell's pid, which exec hands on to the JVM.
    DP_FLAGS+=("-XX:ArchiveClassesAtExit=$dir/$name.$key.$$.dump")
  fi
  # CDS's own notes (classes it cannot archive, which are loaded as before) are not the service's.
  DP_FLAGS+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
}

# Probes host:port over TCP with bash's /dev/tcp (no extra tools), 1 s bound.
dp_tcp_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# The HTTP status of GET url (000 when nothing answers), 2 s bound.
dp_http_code() {
  curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}

# The headers of a control-API call (planner, enactor, resolver), in DP_CURL_HEADERS: the bearer token when
# DNSPLANE_API_TOKEN is set, and Content-Type: application/json on every mutating call. Without a token the
# services accept mutating calls only as JSON from loopback (no browser can send that cross-site).
dp_control_headers() {
  local method="$1"
  DP_CURL_HEADERS=()
  [[ -n "${DNSPLANE_API_TOKEN:-}" ]] && DP_CURL_HEADERS+=(-H "Authorization: Bearer $DNSPLANE_API_TOKEN")
  [[ "$method" == GET || "$method" == HEAD ]] || DP_CURL_HEADERS+=(-H 'Content-Type: application/json')
}
