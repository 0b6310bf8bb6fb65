#!/usr/bin/env bash
# nsd-compare.sh — serve one zone from NSD and from authdns and compare their answers with dig.
#
# usage: deploy/compare/nsd-compare.sh [ZONE_FILE [ORIGIN]]
#   default zone: deploy/compare/tricky.zone (origin tricky.test.)
#
# For every query below, over UDP and over TCP, it compares the rcode, the header flags and every
# section (records sorted; TTLs compared as they are). The SOA serial is normalised: NSD serves the
# file's serial, authdns its change-log counter. EDNS cookies are not sent (+nocookie).
# It prints a diff per mismatch and exits 1 if there is any.
#
# What it starts, it stops (trap EXIT): NSD (own temp config, pid, log and zone dirs; rrl off),
# authdns (jar from authdns/target, built when missing), and a throwaway PostgreSQL database.
#
# environment: AUTHDNS_JAR (default authdns/target/authdns-*-all.jar, built when missing),
#   COMPARE_PG (host:port of PostgreSQL, default 127.0.0.1:5432), DNSPLANE_DB_USER (postgres),
#   DNSPLANE_DB_PASSWORD, KEEP_WORK=1 to keep the temp dir, VERBOSE=1 to print every answer.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
ZONE_FILE="$(readlink -f "${1:-$ROOT/deploy/compare/tricky.zone}")"
ORIGIN="${2:-tricky.test.}"
[[ "$ORIGIN" == *. ]] || ORIGIN="$ORIGIN."

die() { echo "nsd-compare: $*" >&2; exit 2; }
log() { echo "nsd-compare: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"

# ---- prerequisites -----------------------------------------------------------------------------
peer_need_pkg nsd nsd
peer_need_pkg dig bind9-dnsutils
peer_need_pkg psql postgresql-client
peer_need_pkg curl curl
peer_need_pkg python3 python3
command -v java >/dev/null || die "java (17+) is needed"
[[ -r "$ZONE_FILE" ]] || die "cannot read zone file $ZONE_FILE"

AUTHDNS_JAR="$(peer_authdns_jar)"

# ---- everything we start is stopped on exit ------------------------------------------------------
WORK="$(mktemp -d /tmp/nsd-compare.XXXXXX)"
PG="${COMPARE_PG:-127.0.0.1:5432}"
PG_USER="${DNSPLANE_DB_USER:-postgres}"
DB_NAME="dnsplane_compare_$$_$RANDOM"
NSD_PID="" AUTH_PID=""
export PGPASSWORD="${DNSPLANE_DB_PASSWORD:-${PGPASSWORD:-}}"
cleanup() {
  local rc=$?
  [[ -n "$AUTH_PID" ]] && kill -TERM "$AUTH_PID" 2>/dev/null && wait "$AUTH_PID" 2>/dev/null || true
  [[ -n "$NSD_PID" ]] && kill -TERM "$NSD_PID" 2>/dev/null && wait "$NSD_PID" 2>/dev/null || true
  psql -q -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d postgres \
    -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

NSD_PORT="$(peer_free_port)"
AUTH_PORT="$(peer_free_port)"
AUTH_HTTP="$(peer_free_port)"

# ---- NSD ---------------------------------------------------------------------------------------
cp "$ZONE_FILE" "$WORK/zone"
peer_nsd_conf "$WORK" "$NSD_PORT" "$ORIGIN" "$WORK/zone" >"$WORK/nsd.conf"
nsd-checkconf "$WORK/nsd.conf" || die "nsd-checkconf rejected the generated config"
nsd -d -c "$WORK/nsd.conf" >"$WORK/nsd.out" 2>&1 &
NSD_PID=$!

# ---- authdns -----------------------------------------------------------------------------------
export DNSPLANE_DB_URL="jdbc:postgresql://$PG/$DB_NAME"
export DNSPLANE_DB_USER="$PG_USER"
java -jar "$AUTHDNS_JAR" zone import "$ZONE_FILE" --origin "$ORIGIN" >"$WORK/import.out" 2>&1 \
  || { cat "$WORK/import.out" >&2; die "authdns zone import failed"; }
java -Xmx256m -jar "$AUTHDNS_JAR" serve --listen "127.0.0.1:$AUTH_PORT" --http "127.0.0.1:$AUTH_HTTP" \
  --state-dir "$WORK/state" >"$WORK/authdns.out" 2>&1 &
AUTH_PID=$!

wait_for() { # what seconds command...
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "$what did not come up"; tail -20 "$WORK"/*.out "$WORK/nsd.log" >&2 2>/dev/null; exit 2; }
    kill -0 "${PID_CHECK:-$$}" 2>/dev/null || { log "$what exited"; tail -20 "$WORK"/*.out >&2; exit 2; }
    sleep 0.2
  done
}
PID_CHECK=$NSD_PID wait_for "NSD" 20 dig +short +time=1 +tries=1 @127.0.0.1 -p "$NSD_PORT" "$ORIGIN" SOA
PID_CHECK=$AUTH_PID wait_for "authdns" 60 curl -sf "http://127.0.0.1:$AUTH_HTTP/health"
log "NSD on 127.0.0.1:$NSD_PORT, authdns on 127.0.0.1:$AUTH_PORT ($(tail -1 "$WORK/import.out"))"

# ---- the queries -------------------------------------------------------------------------------
# NAME TYPE [MODE] [DIG OPTIONS...]; names are relative to the origin unless they end in a dot.
# MODE "=" compares everything; "noadditional" skips the additional section (for answers whose
# additional data is optional and may legitimately differ; none needed at present); "subset" is for
# ANY (see below).
QUERIES="
@ SOA
@ NS
@ MX
multi MX
@ A
@ TXT
@ AAAA
www A
WWW.Tricky.TEST. A
www AAAA
www MX
mixed A
MIXED AAAA
ns2 A
alias A
alias CNAME
chain1 A
chain1 AAAA
dangling A
external A
loop1 A
nx A
deep.nx A
foo.wild A
FOO.wild TXT
foo.wild MX
a.b.wild A
explicit.wild A
explicit.wild TXT
wild A
x.cw A
y.ent A
ent A
x.y.ent A
z.ent A
z.y.ent A
sub NS
www.sub A
ns.sub A
deep.www.sub AAAA
sub DS
secure DS
secure A
foo.secure A
big TXT
big TXT = +bufsize=4096
big TXT = +noedns
multi TXT
multi ANY subset
www ANY subset
example.com. A
test. SOA
"
# ANY: authdns answers minimal ANY (RFC 8482, one rrset of the name) while NSD 4.6 returns every
# rrset. That is a documented, deliberate difference, so for ANY the script checks that rcode and
# flags agree and that authdns's answer is a non-empty subset of NSD's (same authority section).

normalise() { # mode < dig output > canonical text
  python3 -c '
import re, sys
mode = sys.argv[1]
status = flags = edns = ""
sections = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
cur = None
for line in sys.stdin:
    line = line.rstrip("\n")
    m = re.search(r"status: (\w+)", line)
    if line.startswith(";; ->>HEADER<<-") and m:
        status = m.group(1); continue
    if line.startswith(";; flags:"):
        flags = " ".join(sorted(line.split(";")[2].split(":", 1)[1].split())); continue
    if line.startswith("; EDNS:"):
        edns = line[2:]; continue
    m = re.match(r";; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:", line)
    if m:
        cur = m.group(1); continue
    if not line.strip():
        cur = None; continue
    if cur and not line.startswith(";"):
        f = line.split()
        if len(f) >= 4 and f[3] == "SOA" and len(f) >= 7:
            f[6] = "SERIAL"
        sections[cur].append(" ".join(f))
if not status:
    print("NO ANSWER (timeout or unparsable)"); sys.exit(0)
print("status: " + status); print("flags: " + flags); print("edns: " + (edns or "none"))
for name in ("ANSWER", "AUTHORITY", "ADDITIONAL"):
    if mode == "noadditional" and name == "ADDITIONAL":
        continue
    print(name + ":")
    for r in sorted(sections[name]):
        print("  " + r)
' "$1"
}

subset_check() { # nsd_file auth_file: rcode/flags/authority equal, answer a non-empty subset
  python3 - "$1" "$2" <<'PY'
import sys
def parse(p):
    out, cur = {}, None
    for l in open(p):
        l = l.rstrip("\n")
        if l.endswith(":") and not l.startswith(" "):
            cur = l[:-1]; out[cur] = []
        elif l.startswith("  "):
            out[cur].append(l.strip())
        else:
            k, _, v = l.partition(": "); out[k] = v
    return out
n, a = parse(sys.argv[1]), parse(sys.argv[2])
ok = (n.get("status") == a.get("status") and n.get("flags") == a.get("flags")
      and a.get("ANSWER") and set(a["ANSWER"]) <= set(n.get("ANSWER", []))
      and n.get("AUTHORITY") == a.get("AUTHORITY"))
sys.exit(0 if ok else 1)
PY
}

ask() { # port transport name type opts...
  local port="$1" transport="$2" name="$3" type="$4"; shift 4
  local t=(+notcp +ignore)
  [[ "$transport" == tcp ]] && t=(+tcp)
  dig @127.0.0.1 -p "$port" "${t[@]}" +nocookie +time=3 +tries=1 +nottlunits "$@" "$name" "$type" 2>&1 || true
}

fail=0 total=0
while read -r name type mode opts; do
  [[ -z "$name" ]] && continue
  mode="${mode:-=}"
  [[ "$name" == "@" ]] && name="$ORIGIN"
  [[ "$name" == *. ]] || name="$name.$ORIGIN"
  # shellcheck disable=SC2206
  extra=($opts)
  for transport in udp tcp; do
    total=$((total + 1))
    ask "$NSD_PORT" "$transport" "$name" "$type" "${extra[@]}" | normalise "$mode" >"$WORK/nsd.txt"
    ask "$AUTH_PORT" "$transport" "$name" "$type" "${extra[@]}" | normalise "$mode" >"$WORK/auth.txt"
    label="$name $type ${opts:+($opts) }over $transport"
    if [[ "$mode" == subset ]]; then
      if subset_check "$WORK/nsd.txt" "$WORK/auth.txt"; then
        [[ "${VERBOSE:-0}" == 1 ]] && { echo "ok (subset)  $label"; cat "$WORK/auth.txt"; }
        continue
      fi
    elif diff -q "$WORK/nsd.txt" "$WORK/auth.txt" >/dev/null; then
      [[ "${VERBOSE:-0}" == 1 ]] && { echo "ok  $label"; cat "$WORK/auth.txt"; }
      continue
    fi
    fail=$((fail + 1))
    echo "MISMATCH  $label"
    diff -u --label nsd --label authdns "$WORK/nsd.txt" "$WORK/auth.txt" | sed 's/^/    /' || true
  done
done <<<"$QUERIES"

if ((fail)); then
  echo "nsd-compare: $fail of $total answers differ"
  exit 1
fi
echo "nsd-compare: all $total answers match NSD (UDP and TCP)"
