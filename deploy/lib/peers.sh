# shellcheck shell=bash
# Helpers for the scripts that run dnsplane beside peer servers (NSD, Unbound) on loopback:
# deploy/bench/*.sh and deploy/compare/nsd-compare.sh. Sourced, never run; the sourcing script
# defines die and log.

# Installs Debian package $2 when command $1 is missing.
peer_need_pkg() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2 (for $1)"
  # Debian's nsd and unbound packages start a system server on port 53 through their postinst when
  # they can; these scripts never use it, and policy-rc.d keeps it from starting at all.
  local prc=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $prc ]]; then printf '#!/bin/sh\nexit 101\n' >$prc && chmod +x $prc && created=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null \
    || { ((created)) && rm -f $prc; die "apt-get install $2 failed"; }
  ((created)) && rm -f $prc
  command -v "$1" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}

# The authdns fat jar: $AUTHDNS_JAR when set, else the one under authdns/target, built by the
# launcher's rule (deploy/lib/common.sh) when missing or older than the sources.
peer_authdns_jar() {
  if [[ -z "${AUTHDNS_JAR:-}" ]]; then
    # shellcheck source=deploy/lib/common.sh
    source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
    dp_ensure_built authdns >&2
    AUTHDNS_JAR="$(dp_jar authdns)"
  fi
  [[ -f "$AUTHDNS_JAR" ]] || die "no authdns jar at $AUTHDNS_JAR"
  echo "$AUTHDNS_JAR"
}

# A port free for both TCP and UDP on 127.0.0.1 (a DNS server binds both).
peer_free_port() {
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

# Prints an NSD config serving one zone file on 127.0.0.1:PORT, with every file it keeps under WORK.
peer_nsd_conf() { # work port origin zonefile
  cat <<CONF
server:
  ip-address: 127.0.0.1@$2
  port: $2
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$1"
  pidfile: "$1/nsd.pid"
  database: ""
  xfrdfile: "$1/xfrd.state"
  xfrdir: "$1"
  zonelistfile: "$1/zone.list"
  logfile: "$1/nsd.log"
  verbosity: 1
  hide-version: yes
  # Debian enables response-rate limiting (200 responses/s per /24): it would cap a benchmark at
  # ~1.7k qps and drop a comparison's repeated queries.
  rrl-ratelimit: 0
  # NSD's defaults otherwise (minimal-responses off): positive answers carry the apex NS rrset in
  # the authority section and its in-zone addresses as additional data, and authdns does the same.
remote-control:
  control-enable: no
zone:
  name: "$3"
  zonefile: "$4"
CONF
}

# Prints a Knot DNS config serving one zone file on 127.0.0.1:PORT, with every file it keeps under
# WORK: one UDP and one TCP worker (as NSD's one server process), no journal, no zone file writes.
peer_knot_conf() { # work port origin zonefile
  cat <<CONF
server:
  listen: 127.0.0.1@$2
  rundir: "$1"
  pidfile: "$1/knot.pid"
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
log:
  - target: "$1/knot.log"
    any: warning
database:
  storage: "$1/knot-db"
template:
  - id: default
    storage: "$1"
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: "$3"
    file: "$4"
CONF
}
