#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the Jazzer fuzz targets (the regression corpus).

Each target reads src/test/resources/<package>/<Class>Inputs/<method>/; every file there runs in
`mvn verify`. Run this once after changing a target's input layout; it only (re)writes seed-*
files, so committed regression inputs for fixed findings stay.
"""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "DS": 43,
         "OPT": 41, "IXFR": 251, "AXFR": 252, "ANY": 255, "HINFO": 13}


def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(qid, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def opt(payload=1232, do=False, version=0, options=b""):
    return b"\0" + struct.pack(">HHBBHH", 41, payload, 0, version, 0x8000 if do else 0, len(options)) + options


def query(qname, qtype, qid=0x1234, edns=None, qclass=1, flags=0x0100):
    t = TYPES[qtype] if isinstance(qtype, str) else qtype
    q = name(qname) + struct.pack(">HH", t, qclass)
    if edns is None:
        return header(qid, flags) + q
    return header(qid, flags, ar=1) + q + edns


def soa_rr(owner_wire, serial):
    rdata = name("ns1.tricky.test.") + name("hostmaster.tricky.test.") + struct.pack(">IIIII", serial, 7200, 3600, 1209600, 300)
    return owner_wire + struct.pack(">HHIH", 6, 1, 3600, len(rdata)) + rdata


def write(module, pkg, cls, method, files):
    d = os.path.join(ROOT, module, "src/test/resources", pkg.replace(".", "/"), cls + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    for fname in os.listdir(d):
        if fname.startswith("seed-"):
            os.remove(os.path.join(d, fname))
    for label, data in files.items():
        with open(os.path.join(d, "seed-" + label), "wb") as f:
            f.write(data)
    print(f"{len(files):3d} seeds in {os.path.relpath(d, ROOT)}")


def authdns():
    pkg = "dnsplane.authdns.fuzz"
    q = {
        "a-www": query("www.tricky.test.", "A"),
        "aaaa-www-edns": query("www.tricky.test.", "AAAA", edns=opt()),
        "a-www-edns-do": query("www.tricky.test.", "A", edns=opt(4096, do=True)),
        "a-mixed-case": query("WwW.TrIcKy.TeSt.", "A", edns=opt()),
        "txt-big-no-edns-tc": query("big.tricky.test.", "TXT"),
        "txt-big-edns-4096": query("big.tricky.test.", "TXT", edns=opt(4096)),
        "txt-big-edns-600": query("big.tricky.test.", "TXT", edns=opt(600)),
        "mx-additional": query("mail.tricky.test.", "MX", edns=opt()),
        "cname-chain": query("alias.tricky.test.", "A"),
        "cname-loop": query("loop1.tricky.test.", "A"),
        "cname-out-of-zone": query("ext.tricky.test.", "A"),
        "wildcard": query("anything.wild.tricky.test.", "A"),
        "wildcard-cname": query("x.wc.tricky.test.", "AAAA"),
        "ent-nodata": query("b.c.tricky.test.", "A"),
        "nxdomain": query("nope.tricky.test.", "A", edns=opt()),
        "referral-glue": query("host.deleg.tricky.test.", "A"),
        "ds-at-delegation": query("deleg.tricky.test.", "DS"),
        "ds-child-apex": query("child.tricky.test.", "DS"),
        "child-zone": query("www.child.tricky.test.", "A"),
        "any-minimal": query("www.tricky.test.", "ANY"),
        "soa-apex": query("tricky.test.", "SOA"),
        "refused-outside": query("example.com.", "A"),
        "class-ch": query("version.bind.", "TXT", qclass=3),
        "edns-version-1": query("www.tricky.test.", "A", edns=opt(version=1)),
        "edns-cookie-option": query("www.tricky.test.", "A", edns=opt(options=struct.pack(">HH", 10, 8) + b"\x01" * 8)),
        "qtype-opt": query("www.tricky.test.", "OPT"),
        "axfr-over-udp": query("tricky.test.", "AXFR"),
        "opcode-status": query("www.tricky.test.", "A", flags=0x1000),
        "qr-set-dropped": query("www.tricky.test.", "A", flags=0x8000),
        "two-questions": header(7, qd=2) + name("www.tricky.test.") + b"\0\1\0\1" + b"\xc0\x0c\0\x1c\0\1",
    }
    # IXFR over UDP and NOTIFY carry an SOA whose owner is a compression pointer to the question.
    ixfr_q = name("tricky.test.") + struct.pack(">HH", 251, 1)
    q["ixfr-udp-old-compressed"] = header(0x4242, 0, qd=1, ns=1) + ixfr_q + soa_rr(b"\xc0\x0c", 1)
    q["ixfr-udp-current-compressed"] = header(0x4243, 0, qd=1, ns=1) + ixfr_q + soa_rr(b"\xc0\x0c", 7)
    q["notify-compressed"] = header(0x4244, 0x2000 | 0x0400, qd=1, an=1) + name("tricky.test.") + b"\0\6\0\1" + soa_rr(b"\xc0\x0c", 8)
    write("authdns", pkg, "QueryPathFuzzTest", "query", q)

    axfr = query("tricky.test.", "AXFR", flags=0)
    t = {
        "axfr-loopback": b"\0" + axfr,
        "axfr-ipv6-loopback": b"\1" + axfr,
        "axfr-not-allowed": b"\2" + axfr,
        "axfr-child": b"\0" + query("child.tricky.test.", "AXFR", flags=0),
        "axfr-not-apex": b"\0" + query("www.tricky.test.", "AXFR", flags=0),
        "axfr-class-ch": b"\0" + query("tricky.test.", "AXFR", flags=0, qclass=3),
        "ixfr-old": b"\0" + header(9, 0, ns=1) + ixfr_q + soa_rr(b"\xc0\x0c", 1),
        "ixfr-uptodate": b"\0" + header(10, 0, ns=1) + ixfr_q + soa_rr(b"\xc0\x0c", 7),
        "ixfr-serial-wrap": b"\0" + header(11, 0, ns=1) + ixfr_q + soa_rr(b"\xc0\x0c", 0x80000007),
        "ixfr-no-soa": b"\0" + query("tricky.test.", "IXFR", flags=0),
        "axfr-edns": b"\0" + query("tricky.test.", "AXFR", flags=0, edns=opt()),
    }
    write("authdns", pkg, "TransferFuzzTest", "transfer", t)

    with open(os.path.join(ROOT, "authdns/src/test/resources/zones/tricky.test.zone"), "rb") as f:
        tricky = f.read()
    z = {
        "tricky-zone-file": b"\0" + tricky,
        "tricky-with-origin": b"\1" + tricky,
        "minimal-relative": b"\2" + b"$TTL 60\n@ IN SOA ns1 hm 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\nwww 300 IN AAAA 2001:db8::1\n",
        "export-format-empty-rrset": b"\0" + (
            b"; zone aws.test., exported by dnsplane authdns\n$ORIGIN aws.test.\n"
            b"aws.test.\t60\tIN\tSOA\tns1.aws.test. hm.aws.test. 3 7200 3600 1209600 60\n"
            b"aws.test.\t60\tIN\tNS\tns1.aws.test.\n"
            b";dnsplane-empty dynamodb.us-east-1.aws.test. 60 A\n"
            b"_plan.dynamodb.us-east-1.aws.test.\t60\tIN\tTXT\t\"generation=7\"\n"),
        "cname-and-data-rejected": b"\2" + b"@ 60 IN SOA ns1 hm 1 2 3 4 5\n@ 60 NS ns1\nx 60 CNAME www\nx 60 A 192.0.2.1\n",
        "parens-and-escapes": b"\2" + b"@ 60 IN SOA ns1 hm ( 1 2\n 3 4 5 )\n@ 60 NS ns1\na\\.b 60 TXT \"q\\\"uote\" \\065\nc 60 MX 10 a\\.b\n",
        "include-refused": b"\2" + b"$INCLUDE /etc/passwd\n@ 60 IN SOA ns1 hm 1 2 3 4 5\n",
    }
    write("authdns", pkg, "ZoneFileFuzzTest", "parse", z)


def resolver():
    pkg = "dnsplane.resolver.fuzz"
    aws = lambda n, t, **k: query(n, t, edns=opt(), **k)
    c = {
        "udp-a-www": b"\0" + aws("www.aws.test.", "A"),
        "udp-aaaa-www-no-edns": b"\0" + query("www.aws.test.", "AAAA"),
        "tcp-a-www": b"\1" + aws("www.aws.test.", "A"),
        "outside-acl": b"\2" + aws("www.aws.test.", "A"),
        "cname": b"\0" + aws("alias.aws.test.", "A"),
        "cname-out-of-zone": b"\0" + aws("ext.aws.test.", "A"),
        "nxdomain": b"\0" + aws("nope.aws.test.", "A"),
        "nodata": b"\0" + aws("txtonly.aws.test.", "A"),
        "wildcard": b"\0" + aws("x.wild.aws.test.", "A"),
        "referral": b"\0" + aws("a.sub.aws.test.", "A"),
        "ttl-zero": b"\0" + aws("zero.aws.test.", "A"),
        "big-udp-no-edns-tc": b"\0" + query("big.aws.test.", "TXT"),
        "big-udp-edns-tc": b"\0" + aws("big.aws.test.", "TXT"),
        "big-tcp": b"\1" + aws("big.aws.test.", "TXT"),
        "mixed-case": b"\0" + aws("DyNaMoDb.Us-EaSt-1.AwS.tEsT.", "A"),
        "no-route-refused": b"\0" + aws("example.com.", "A"),
        "class-ch-fast-path": b"\0" + query("www.aws.test.", "A", qclass=3),
        "class-ch-slow-path": b"\0" + header(5, ar=2) + name("www.aws.test.") + b"\0\1\0\3" + opt() + opt(),
        "axfr-fast-path": b"\0" + query("aws.test.", "AXFR"),
        "notify-notimp": b"\0" + query("aws.test.", "SOA", flags=0x2000),
        "answer-section-slow-path": b"\0" + header(6, an=1) + name("www.aws.test.") + b"\0\1\0\1" + b"\xc0\x0c\0\1\0\1\0\0\0\x3c\0\4\xc0\0\2\1",
    }
    write("resolver", pkg, "ClientQueryFuzzTest", "clientQuery", c)

    # byte 0 question index, byte 1 flags; built mode (8) then header byte and 4-byte instructions
    # (section%3: 0 answer 1 authority 2 additional; owner index; type/target; ttl index).
    A, SOA, CNAME, NS = 0, 5, 2, 4
    def ins(section, owner, typ, target, ttl):
        return bytes([section, owner, typ + 8 * target, ttl])
    u = {
        "positive": bytes([0, 8 | 1 | 16, 0x10]) + ins(0, 0, A, 0, 3),
        "positive-with-poison-additional": bytes([0, 8 | 1 | 16, 0x10]) + ins(0, 0, A, 0, 3) + ins(2, 5, A, 0, 3) + ins(1, 6, NS, 5, 3),
        "cname-chain-out-of-zone": bytes([2, 8 | 1 | 16, 0x10]) + ins(0, 0, CNAME, 10, 3) + ins(0, 10, A, 0, 3),
        "nxdomain-soa": bytes([0, 8 | 1 | 16, 0x13]) + ins(1, 1, SOA, 11, 2),
        "nodata-soa-guarded-after-positive": bytes([3, 8 | 4 | 1 | 16, 0x10]) + ins(1, 1, SOA, 11, 2),
        "nxdomain-guarded-after-positive": bytes([0, 8 | 4 | 1 | 16, 0x13]) + ins(1, 1, SOA, 11, 2),
        "wrong-id": bytes([0, 8 | 16, 0x10]) + ins(0, 0, A, 0, 3),
        "huge-ttls": bytes([0, 8 | 1 | 16, 0x10]) + ins(0, 0, A, 0, 7) + ins(0, 0, A, 0, 6),
        "referral-unusable": bytes([4, 8 | 1 | 16, 0x00]) + ins(1, 3, NS, 11, 3) + ins(2, 11, A, 0, 3),
        "truncated-then-tcp": bytes([0, 8 | 1 | 16, 0x30]) + ins(0, 0, A, 0, 3),
        "dname-out-of-zone": bytes([2, 8 | 1 | 16, 0x10]) + ins(0, 1, 3, 10, 3),
    }
    # Raw replies: a real reply with the question spliced in by the harness (flag 2).
    rr = b"\xc0\x0c\0\1\0\1\0\0\x01\x2c\0\4\xc0\0\2\x63"
    u["raw-spliced-question"] = bytes([0, 1 | 2]) + header(0, 0x8580, qd=1, an=1) + rr
    u["raw-wrong-question"] = bytes([0, 1]) + header(0, 0x8580, qd=1, an=1) + name("evil.aws.test.") + b"\0\1\0\1" + rr
    u["raw-garbage"] = bytes([0, 1]) + b"\xff" * 40
    write("resolver", pkg, "UpstreamReplyFuzzTest", "upstreamReply", u)


def bodies():
    good = b'{"ttl":60,"guarded":true,"failOpen":"family","targets":[{"address":"192.0.2.10","weight":100,"az":"az-a"},{"address":"2001:db8::10","az":"az-b","check":{"kind":"tcp","address":"127.0.0.1:9"}}]}'
    p = {
        "put-valid": b"\0" + good,
        "put-valid-other-name": b"\4" + good,
        "bulk-valid": b"\1" + b'{"endpoints":[{"name":"fz3.aws.test","targets":[{"address":"192.0.2.20","az":"az-a"}]}]}',
        "bulk-duplicate": b"\1" + b'{"endpoints":[{"name":"a.aws.test","targets":[{"address":"192.0.2.20","az":"az-a"}]},{"name":"A.aws.test.","targets":[{"address":"192.0.2.21","az":"az-a"}]}]}',
        "health-valid": b"\2" + b'{"healthy":false}',
        "health-not-boolean": b"\2" + b'{"healthy":"no"}',
        "named-put": b"\3" + b"fz4.aws.test\n" + good,
        "named-outside-zone": b"\3" + b"www.example.\n" + good,
        "malformed": b"\0" + b'{"targets":[',
        "wrong-types": b"\0" + b'{"ttl":"soon","failOpen":{"x":1},"targets":[{"address":7}]}',
        "http-check": b"\0" + b'{"targets":[{"address":"192.0.2.9","az":"az-a","check":{"kind":"http","url":"http://127.0.0.1:9/h"}}]}',
        "huge-number": b"\0" + b'{"ttl":99999999999999999999,"targets":[{"address":"192.0.2.9","az":"az-a"}]}',
    }
    write("planner", "dnsplane.planner.fuzz", "PlannerBodyFuzzTest", "endpointBody", p)
    e = {
        "mode-safe": b"\0" + b'{"mode":"safe"}',
        "mode-legacy": b"\0" + b'{"mode":"legacy"}',
        "mode-bad": b"\0" + b'{"mode":"fast"}',
        "delay-valid": b"\1" + b'{"endpoint":"dynamodb.us-east-1.aws.test.","delay":"20s"}',
        "delay-bad-duration": b"\1" + b'{"endpoint":"x.aws.test","delay":"-5q"}',
        "repair-unknown": b"\2" + b'{"endpoint":"nope.aws.test"}',
        "repair-bad-name": b"\2" + b'{"endpoint":"bad_-..name"}',
        "audit-limit": b"\3" + b"10\nenactor-az-a",
        "audit-limit-bad": b"\3" + b"ten",
        "not-json": b"\0" + b"mode=safe",
        "json-array": b"\1" + b"[1,2,3]",
    }
    write("enactor", "dnsplane.enactor.fuzz", "EnactorBodyFuzzTest", "adminBody", e)


if __name__ == "__main__":
    authdns()
    resolver()
    bodies()
    sys.exit(0)
