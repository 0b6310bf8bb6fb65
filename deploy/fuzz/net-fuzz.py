#!/usr/bin/env python3
"""Network-level fuzzing of a running authdns and resolver (see deploy/fuzz/net-fuzz).

Sends random and mutated DNS packets over UDP, malformed TCP frames and slow (slowloris) TCP
connections, then checks that both servers still answer a known name as they did before, and
reports their resident memory before and after. Loopback only: anything else is refused, so this
can never be pointed at someone else's server.
"""
import argparse
import ipaddress
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import time

TYPES = [1, 2, 5, 6, 12, 15, 16, 28, 33, 43, 46, 48, 64, 65, 99, 251, 252, 255, 41, 250, 0, 65535]


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(name, qtype=1, qid=None, edns=True, rd=True, qclass=1, payload=1232, do=False):
    qid = random.getrandbits(16) if qid is None else qid
    hdr = struct.pack(">HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 1 if edns else 0)
    q = name_wire(name) + struct.pack(">HH", qtype, qclass)
    if edns:
        q += b"\0" + struct.pack(">HHBBHH", 41, payload, 0, 0, 0x8000 if do else 0, 0)
    return hdr + q


def random_case(name):
    return "".join(c.upper() if random.random() < 0.5 else c for c in name)


class Gen:
    """Packets: valid queries (names of the seed zone and random ones), mutations of them, and noise."""

    def __init__(self, names):
        self.names = names

    def valid(self):
        base = random.choice(self.names)
        r = random.random()
        if r < 0.3:
            base = "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789-") for _ in range(random.randint(1, 20))) + "." + base
        elif r < 0.4:
            base = "x" * random.randint(1, 63) + "." + base
        return query(random_case(base), random.choice(TYPES[:12]) if random.random() < 0.9 else random.choice(TYPES),
                     edns=random.random() < 0.7, payload=random.choice([0, 1, 512, 1232, 4096, 65535]),
                     do=random.random() < 0.2)

    def mutate(self, p):
        p = bytearray(p)
        for _ in range(random.randint(1, 6)):
            op = random.randrange(9)
            if op == 0 and p:  # bit flip
                i = random.randrange(len(p))
                p[i] ^= 1 << random.randrange(8)
            elif op == 1 and p:  # random byte
                p[random.randrange(len(p))] = random.randrange(256)
            elif op == 2 and len(p) > 1:  # truncate
                del p[random.randrange(1, len(p)):]
            elif op == 3:  # insert junk
                i = random.randrange(len(p) + 1)
                p[i:i] = os.urandom(random.randint(1, 16))
            elif op == 4 and len(p) >= 12:  # header counts
                off = random.choice([4, 6, 8, 10])
                p[off:off + 2] = struct.pack(">H", random.choice([0, 1, 2, 0xFF, 0xFFFF, random.getrandbits(16)]))
            elif op == 5 and len(p) >= 4:  # flags/opcode/rcode
                p[2:4] = struct.pack(">H", random.getrandbits(16))
            elif op == 6 and len(p) > 13:  # compression pointer in the question (loops, forward, out of range)
                i = random.randrange(12, len(p) - 1)
                p[i:i + 2] = bytes([0xC0 | random.randrange(64), random.choice([0, 12, i & 0xFF, 0xFF])])
            elif op == 7 and len(p) > 13:  # label length beyond the packet or with extended-label bits
                p[random.randrange(12, len(p))] = random.choice([63, 64, 0x40, 0x80, 0xFF, random.randrange(256)])
            elif op == 8:  # append a bogus record or OPT
                p += b"\0" + struct.pack(">HHIH", random.choice([41, 1, 6, 250]), random.getrandbits(16),
                                         random.getrandbits(32), random.choice([0, 4, 0xFFFF])) + os.urandom(random.randint(0, 8))
        return bytes(p[:65507])

    def packet(self):
        r = random.random()
        if r < 0.2:
            return self.valid()
        if r < 0.75:
            return self.mutate(self.valid())
        return os.urandom(random.choice([0, 1, 11, 12, 13, random.randint(0, 64), random.randint(0, 600)]))


def loopback(addr, what):
    host, _, port = addr.rpartition(":")
    host = host.strip("[]")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        sys.exit(f"net-fuzz: {what} must be a literal loopback address, got {addr!r}")
    if not ip.is_loopback:
        sys.exit(f"net-fuzz: refusing to send to {addr} ({what}): loopback addresses only")
    return (str(ip), int(port), socket.AF_INET6 if ip.version == 6 else socket.AF_INET)


def pid_of(port):
    """The pid listening on UDP/TCP port, from `ss -ltnup`."""
    try:
        out = subprocess.run(["ss", "-ltnupH"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        cols = line.split()
        if len(cols) >= 5 and re.search(r"[:\]]%d$" % port, cols[4]):
            m = re.search(r"pid=(\d+)", line)
            if m:
                return int(m.group(1))
    return None


def rss_kb(pid):
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def parse_a(resp):
    """(rcode, sorted A addresses) of a response, minimal parser (names may be compressed)."""
    if len(resp) < 12:
        return None
    rcode = resp[3] & 0xF
    qd, an = struct.unpack(">HH", resp[4:8])
    p = 12

    def skip_name(p):
        while p < len(resp):
            n = resp[p]
            if n == 0:
                return p + 1
            if n & 0xC0 == 0xC0:
                return p + 2
            p += 1 + n
        raise ValueError("name runs off the end")

    addrs = []
    try:
        for _ in range(qd):
            p = skip_name(p) + 4
        for _ in range(an):
            p = skip_name(p)
            t, _c, _ttl, ln = struct.unpack(">HHIH", resp[p:p + 10])
            p += 10
            if t == 1 and ln == 4:
                addrs.append(socket.inet_ntoa(resp[p:p + 4]))
            p += ln
    except (ValueError, struct.error):
        return None
    return rcode, sorted(addrs)


def udp_ask(target, wire, timeout=2.0):
    host, port, fam = target
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, (host, port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def tcp_ask(target, wire, timeout=3.0):
    host, port, fam = target
    try:
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect((host, port))
            s.sendall(struct.pack(">H", len(wire)) + wire)
            ln = struct.unpack(">H", recv_exact(s, 2))[0]
            return recv_exact(s, ln)
    except (OSError, struct.error):
        return None


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise OSError("closed")
        b += c
    return b


def known_answer(target, name):
    """(udp, tcp, dig) views of the known name: each (rcode, addresses) or None."""
    u = udp_ask(target, query(name))
    t = tcp_ask(target, query(name))
    d = None
    try:
        # Answer section only: the glue in the additional section is not what is being compared.
        out = subprocess.run(["dig", "+tries=1", "+time=2", "+noall", "+answer", "+comments", f"@{target[0]}",
                              "-p", str(target[1]), name, "A"],
                             capture_output=True, text=True, timeout=10).stdout
        status = re.search(r"status: (\w+)", out)
        addrs = sorted(re.findall(r"^\S+\s+\d+\s+IN\s+A\s+(\S+)$", out, re.M))
        d = (status.group(1) if status else None, addrs)
    except (OSError, subprocess.SubprocessError):
        d = ("no dig", [])
    return (parse_a(u) if u else None, parse_a(t) if t else None, d)


def udp_phase(target, gen, count, stats):
    host, port, fam = target
    socks = [socket.socket(fam, socket.SOCK_DGRAM) for _ in range(4)]
    for s in socks:
        s.setblocking(False)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.connect((host, port))
    sent = recv = short = errors = 0
    start = time.time()
    i = 0
    while sent < count:
        s = socks[i % len(socks)]
        i += 1
        try:
            s.send(gen.packet())
            sent += 1
        except BlockingIOError:
            time.sleep(0.0005)
        except OSError:
            errors += 1  # e.g. ECONNREFUSED surfacing from an ICMP port unreachable
            sent += 1
        if sent % 64 == 0:
            r, sh = drain(socks)
            recv += r
            short += sh
        if sent % 200000 == 0:
            print(f"    {sent} sent, {recv} responses so far", flush=True)
    deadline = time.time() + 2
    while time.time() < deadline:
        r, sh = drain(socks)
        recv += r
        short += sh
        if not r:
            time.sleep(0.05)
    for s in socks:
        s.close()
    stats.update(udp_sent=sent, udp_responses=recv, udp_bad_responses=short, udp_send_errors=errors,
                 udp_seconds=round(time.time() - start, 1))


def drain(socks):
    n = bad = 0
    for s in socks:
        while True:
            try:
                b = s.recv(65535)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break
            n += 1
            if len(b) < 12 or not b[2] & 0x80:
                bad += 1
    return n, bad


def tcp_phase(target, gen, conns, stats):
    host, port, fam = target
    kinds = {"bad-length": 0, "truncated": 0, "zero-length": 0, "oversized": 0, "tiny": 0, "pipelined-garbage": 0}
    frames = responses = refused = 0
    for i in range(conns):
        kind = list(kinds)[i % len(kinds)]
        kinds[kind] += 1
        try:
            with socket.socket(fam, socket.SOCK_STREAM) as s:
                s.settimeout(1.0)
                s.connect((host, port))
                q = gen.valid()
                if kind == "bad-length":
                    s.sendall(struct.pack(">H", len(q) + random.randint(1, 5000)) + q)
                elif kind == "truncated":
                    s.sendall(struct.pack(">H", len(q)) + q[:random.randint(0, len(q) - 1)])
                elif kind == "zero-length":
                    s.sendall(b"\0\0" + struct.pack(">H", len(q)) + q)
                elif kind == "oversized":
                    s.sendall(b"\xff\xff" + os.urandom(65535))
                elif kind == "tiny":
                    s.sendall(b"\0" + bytes([random.randint(1, 11)]) + os.urandom(11))
                else:
                    blob = b"".join(struct.pack(">H", len(p)) + p for p in (gen.packet() for _ in range(8)))
                    s.sendall(blob + os.urandom(random.randint(0, 40)))
                frames += 1
                s.shutdown(socket.SHUT_WR)
                while True:
                    b = s.recv(65535)
                    if not b:
                        break
                    responses += 1
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError):
            refused += 1
        except (socket.timeout, OSError):
            pass
    stats.update(tcp_connections=conns, tcp_frames=frames, tcp_reads_with_data=responses,
                 tcp_reset_or_refused=refused, tcp_kinds=kinds)


def slowloris(target, conns, seconds, stats):
    host, port, fam = target
    socks = []
    for _ in range(conns):
        try:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(2)
            s.connect((host, port))
            s.sendall(b"\0")  # half a length prefix, then nothing for a long time
            socks.append(s)
        except OSError:
            break
    opened = len(socks)
    served_meanwhile = 0
    checks = 0
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(1)
        # One byte now and then keeps a naive idle timer from ever firing.
        for s in socks:
            try:
                s.send(b"")
            except OSError:
                pass
        checks += 1
        if tcp_ask(target, query("probe.slowloris.test."), timeout=2) is not None:
            served_meanwhile += 1
    closed = 0
    for s in socks:
        try:
            r, _, _ = select.select([s], [], [], 0)
            if r and not s.recv(1):
                closed += 1
        except OSError:
            closed += 1
        s.close()
    stats.update(slow_opened=opened, slow_closed_by_server=closed, slow_seconds=seconds,
                 tcp_answered_during_slowloris=f"{served_meanwhile}/{checks}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--authdns", default="127.0.0.1:1053")
    ap.add_argument("--resolver", default="127.0.0.1:1054")
    ap.add_argument("--authdns-pid", type=int)
    ap.add_argument("--resolver-pid", type=int)
    ap.add_argument("--packets", type=int, default=1_000_000, help="UDP packets in all, split between the two")
    ap.add_argument("--tcp-connections", type=int, default=3000, help="malformed-frame connections per server")
    ap.add_argument("--slow", type=int, default=200, help="slowloris connections per server")
    ap.add_argument("--slow-seconds", type=int, default=20)
    ap.add_argument("--name", default="dynamodb.us-east-1.aws.test.", help="known name of the seed zone")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=["authdns", "resolver"])
    a = ap.parse_args()
    random.seed(a.seed)
    servers = []
    for label, addr, pid in (("authdns", a.authdns, a.authdns_pid), ("resolver", a.resolver, a.resolver_pid)):
        if a.only and a.only != label:
            continue
        t = loopback(addr, label)
        servers.append((label, t, pid or pid_of(t[1])))
    names = [a.name, "aws.test.", "_plan." + a.name, "nope.aws.test.", "example.com.", "www.aws.test."]
    gen = Gen(names)
    ok = True
    report = {}
    for label, t, pid in servers:
        st = {"pid": pid, "rss_kb_before": rss_kb(pid)}
        before = known_answer(t, a.name)
        st["known_before"] = before
        report[label] = (t, st)
        print(f"{label} {t[0]}:{t[1]} pid {pid}: known {a.name} before: udp {before[0]} tcp {before[1]} dig {before[2]}",
              flush=True)
        if before[0] is None:
            print(f"  {label} does not answer before the run; is the stack up (deploy/up)?", file=sys.stderr)
            ok = False
    if not ok:
        return 1
    per = a.packets // len(servers)
    for label, (t, st) in report.items():
        print(f"== {label}: {per} UDP packets", flush=True)
        udp_phase(t, gen, per, st)
        print(f"== {label}: {a.tcp_connections} TCP connections with malformed frames", flush=True)
        tcp_phase(t, gen, a.tcp_connections, st)
        print(f"== {label}: {a.slow} slowloris connections for {a.slow_seconds}s", flush=True)
        slowloris(t, a.slow, a.slow_seconds, st)
    time.sleep(1)
    print()
    for label, (t, st) in report.items():
        after = known_answer(t, a.name)
        before = st["known_before"]
        same = after[0] == before[0] and after[1] == before[1] and after[2] == before[2] and after[0] is not None \
            and after[0][0] == 0 and len(after[0][1]) > 0
        ok &= same
        st["rss_kb_after"] = rss_kb(st["pid"])
        print(f"{label} ({t[0]}:{t[1]}, pid {st['pid']})")
        for k in ("udp_sent", "udp_responses", "udp_bad_responses", "udp_send_errors", "udp_seconds", "tcp_connections",
                  "tcp_frames", "tcp_reads_with_data", "tcp_reset_or_refused", "tcp_kinds", "slow_opened",
                  "slow_closed_by_server", "tcp_answered_during_slowloris", "rss_kb_before", "rss_kb_after"):
            print(f"  {k:30s} {st.get(k)}")
        print(f"  {'known answer before':30s} udp {before[0]} tcp {before[1]} dig {before[2]}")
        print(f"  {'known answer after':30s} udp {after[0]} tcp {after[1]} dig {after[2]}")
        print(f"  {'still answers correctly':30s} {'yes' if same else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
