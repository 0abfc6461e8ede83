# SPDX-License-Identifier: BSD-3-Clause
"""Mobile IPv4 registration peers for the HA-SLB tests (RFC 5944, RFC 2794 NAI).

Four parts:

- Wire format (stdlib only): `rrq()`, `rrp()` build Registration Requests and
  Replies (NAI extension 131, MN-HA authentication extension 32 with a real
  HMAC-MD5 authenticator), `parse()` reads either back.
- Peers, run as a script inside a host namespace with Debian's interpreter:

      python3 mip.py ha --addr 198.51.100.11 --state FILE [--silent] [--code N]
      python3 mip.py pdsn --spec JSON          (prints a JSON list of results)

  `ha` is a real Home Agent: it answers every RRQ on UDP 434 (any local
  address, so also a VIP on its loopback) with an RRP from its own address
  (source address and HA field = --addr, like IOS `ip mobile home-agent
  dynamic-address`), keeps bindings per NAI and rewrites a JSON summary to
  FILE after every message. SIGUSR1 makes it silent (it still receives and
  counts), SIGUSR2 makes it answer again.
  `pdsn` sends RRQs from UDP port 434, waits for the matching RRPs (same
  Identification and NAI) and retransmits the very same bytes when asked:
  `retransmit` N = up to N more copies, one per `wait` seconds until an RRP
  comes, or all at once with `burst`.
- Harness side (imported as lab.mip): `Responder` (an `ha` process in a
  host), `register()` / `register_nais()` (a `pdsn` run),
  `setup_dispatched_real()` (VIP on lo, arp_ignore/arp_announce),
  `next_ident()`.
- The SLB lab: `slb_text()` (the `slb` config group of the tests),
  `start_slb_lab()` (a fixture generator: standard.build_slb, responders on
  ha1..ha3, haslb started) yielding an `SlbLab` (console, telemetry with
  paging, parsed show outputs), `tshark_fields()`, and the parsers of what
  haslb shows (`show slb reals`, `show slb sessions`, `show slb vservers`,
  `show mobile traffic`, `show mobile bindings`).
"""
import argparse
import hashlib
import hmac
import ipaddress
import itertools
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import time
import zlib

PYTHON = "/usr/bin/python3"
SCRIPT = os.path.abspath(__file__)
MIP_PORT = 434
TYPE_RRQ = 1
TYPE_RRP = 3
EXT_MHAE = 32          # Mobile-Home Authentication Extension
EXT_NAI = 131          # Mobile Node NAI (RFC 2794)
AUTH_TYPES = (32, 33, 34, 36)
LONG_EXT_TYPES = (36, 38, 47)
MN_HA_SPI = 0x00000100
MN_HA_KEY = hashlib.md5(b"haslb-lab mn-ha key").digest()
CODE_ACCEPTED = 0
CODE_MN_FAILED_AUTH = 131
CODE_POORLY_FORMED = 134
HOME_POOL = ipaddress.IPv4Network("198.51.100.128/25")
PDSN_COA = "192.0.2.10"
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux value; Python does not export it


# -- wire format --------------------------------------------------------------

def _ip(a):
    return socket.inet_aton(str(a))


def mhae(message, spi=MN_HA_SPI, key=MN_HA_KEY):
    """The MN-HA authentication extension for `message` (fixed part and every
    extension before it): type 32, length 20, SPI, HMAC-MD5 over message ||
    type || length || SPI (RFC 5944 3.5.1)."""
    head = bytes([EXT_MHAE, 20]) + struct.pack("!I", spi)
    return head + hmac.new(key, message + head, hashlib.md5).digest()


def nai_ext(nai):
    """The NAI extension: type 131, length, the NAI bytes."""
    raw = nai.encode() if isinstance(nai, str) else bytes(nai)
    if not 0 < len(raw) <= 255:
        raise ValueError(f"NAI of {len(raw)} bytes")
    return bytes([EXT_NAI, len(raw)]) + raw


def rrq(nai, ident, home="0.0.0.0", ha="0.0.0.0", coa=PDSN_COA, lifetime=1800, flags=0x00,
        extra=b"", auth=True):
    """A Registration Request (bytes): type 1, flags, lifetime, home address,
    home agent, care-of address, 64-bit identification, then the NAI
    extension (none if `nai` is None), `extra` (raw extensions) and an MN-HA
    authentication extension (unless `auth` is false)."""
    msg = struct.pack("!BBH4s4s4sQ", TYPE_RRQ, flags, lifetime, _ip(home), _ip(ha), _ip(coa),
                      ident)
    if nai is not None:
        msg += nai_ext(nai)
    msg += extra
    return msg + mhae(msg) if auth else msg


def rrp(code, lifetime, home, ha, ident, nai=None, auth=True):
    """A Registration Reply (bytes): type 3, code, lifetime, home address,
    home agent, identification, the NAI extension when `nai` is given and an
    MN-HA authentication extension."""
    msg = struct.pack("!BBH4s4sQ", TYPE_RRP, code, lifetime, _ip(home), _ip(ha), ident)
    if nai is not None:
        msg += nai_ext(nai)
    return msg + mhae(msg) if auth else msg


def parse(data):
    """Parses an RRQ or RRP into a dict (type, flags/code, lifetime, home,
    ha, coa, ident, extensions [(type, bytes)], nai (str or None), auth_ok
    (None without an MN-HA extension)). Raises ValueError on a short or
    malformed message."""
    if len(data) < 1:
        raise ValueError("empty message")
    t = data[0]
    if t == TYPE_RRQ:
        if len(data) < 24:
            raise ValueError(f"RRQ of {len(data)} bytes")
        _, flags, life, home, ha, coa, ident = struct.unpack("!BBH4s4s4sQ", data[:24])
        out = {"type": t, "flags": flags, "coa": socket.inet_ntoa(coa)}
        off = 24
    elif t == TYPE_RRP:
        if len(data) < 20:
            raise ValueError(f"RRP of {len(data)} bytes")
        _, code, life, home, ha, ident = struct.unpack("!BBH4s4sQ", data[:20])
        out = {"type": t, "code": code}
        off = 20
    else:
        raise ValueError(f"message type {t}")
    out.update(lifetime=life, home=socket.inet_ntoa(home), ha=socket.inet_ntoa(ha),
               ident=ident, extensions=[], nai=None, auth_ok=None)
    while off < len(data):
        et = data[off]
        if et in LONG_EXT_TYPES:
            if off + 4 > len(data):
                raise ValueError("truncated long extension")
            elen = struct.unpack("!H", data[off + 2:off + 4])[0]
            body, nxt = data[off + 4:off + 4 + elen], off + 4 + elen
        else:
            if off + 2 > len(data):
                raise ValueError("truncated extension")
            elen = data[off + 1]
            body, nxt = data[off + 2:off + 2 + elen], off + 2 + elen
        if nxt > len(data):
            raise ValueError(f"extension {et} runs past the end")
        out["extensions"].append((et, body))
        if et == EXT_NAI and out["nai"] is None:
            out["nai"] = body.decode(errors="replace")
        if et == EXT_MHAE and out["auth_ok"] is None:
            out["auth_ok"] = (elen == 20 and
                              mhae(data[:off], struct.unpack("!I", body[:4])[0]) ==
                              data[off:nxt])
        off = nxt
    return out


def assigned_home(nai):
    """The home address a responder gives `nai` when the RRQ asks for
    0.0.0.0: deterministic from the NAI, in 198.51.100.128/25."""
    n = zlib.crc32(nai.encode()) % (HOME_POOL.num_addresses - 2) + 1
    return str(HOME_POOL.network_address + n)


# -- the real HA responder (runs in a host namespace) ----------------------------

class _HaResponder:
    def __init__(self, args):
        self.addr = args.addr
        self.state_path = args.state
        self.code = args.code
        self.silent = args.silent
        self.max_log = args.max_log
        self.bindings = {}
        self.requests = []
        self.counts = {"rrqs": 0, "rrps_sent": 0, "ignored": 0, "auth_failed": 0}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        self.sock.bind(("0.0.0.0", args.port))
        signal.signal(signal.SIGUSR1, lambda *_: self._set_silent(True))
        signal.signal(signal.SIGUSR2, lambda *_: self._set_silent(False))

    def _set_silent(self, flag):
        self.silent = flag
        self.write_state()

    def write_state(self):
        state = {
            "address": self.addr, "pid": os.getpid(), "silent": self.silent, "code": self.code,
            **self.counts,
            "binding_count": len(self.bindings),
            "nais": sorted(self.bindings),
            "bindings": self.bindings,
            "requests": self.requests[-self.max_log:],
        }
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, self.state_path)

    def serve(self):
        self.write_state()
        while True:
            data, anc, _flags, peer = self.sock.recvmsg(65535, socket.CMSG_SPACE(12))
            dst = None
            for level, ctype, cdata in anc:
                if level == socket.IPPROTO_IP and ctype == IP_PKTINFO and len(cdata) >= 12:
                    dst = socket.inet_ntoa(cdata[8:12])
            self.handle(data, dst, peer)
            self.write_state()

    def handle(self, data, dst, peer):
        try:
            m = parse(data)
        except ValueError as e:
            self.counts["ignored"] += 1
            self.requests.append({"src": peer[0], "sport": peer[1], "dst": dst,
                                  "error": str(e), "hex": data.hex()})
            return
        if m["type"] != TYPE_RRQ:
            self.counts["ignored"] += 1
            return
        self.counts["rrqs"] += 1
        nai = m["nai"]
        code = self.code
        if m["auth_ok"] is False:
            code = CODE_MN_FAILED_AUTH
            self.counts["auth_failed"] += 1
        key = nai if nai is not None else f"home:{m['home']}"
        if m["home"] != "0.0.0.0":
            home = m["home"]
        elif nai is not None:
            home = assigned_home(nai)
        else:
            home, code = "0.0.0.0", CODE_POORLY_FORMED
        rec = {"nai": nai, "ident": m["ident"], "src": peer[0], "sport": peer[1], "dst": dst,
               "lifetime": m["lifetime"], "home": m["home"], "ha": m["ha"],
               "auth_ok": m["auth_ok"], "hex": data.hex(), "answered": not self.silent,
               "time": time.time()}
        self.requests.append(rec)
        if self.silent:
            return
        if code in (0, 1):
            if m["lifetime"] == 0:
                self.bindings.pop(key, None)
            else:
                self.bindings[key] = {"home": home, "lifetime": m["lifetime"],
                                      "ident": m["ident"], "coa": m["coa"], "client": peer[0]}
        reply = rrp(code, m["lifetime"] if code in (0, 1) else 0, home, self.addr, m["ident"], nai)
        # Source = our own address even when the RRQ came to a VIP on lo.
        pktinfo = struct.pack("=i4s4s", 0, _ip(self.addr), b"\0\0\0\0")
        self.sock.sendmsg([reply], [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)], 0, peer)
        self.counts["rrps_sent"] += 1
        rec["code"] = code
        rec["reply_home"] = home


# -- the PDSN client (runs in the pdsn namespace) --------------------------------

def _run_pdsn(spec, sport):
    """Sends each request of `spec` (list of dicts), waits for its RRP and
    retransmits; returns the list of results."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    results = []
    for req in spec:
        nai = req.get("nai")
        ident = int(req["ident"])
        msg = rrq(nai, ident, home=req.get("home", "0.0.0.0"), ha=req.get("ha", "0.0.0.0"),
                  coa=req.get("coa", PDSN_COA), lifetime=int(req.get("lifetime", 1800)),
                  flags=int(req.get("flags", 0)), extra=bytes.fromhex(req.get("extra", "")))
        if req.get("corrupt_auth"):
            msg = msg[:-1] + bytes([msg[-1] ^ 0xFF])
        dst = (req["dst"], int(req.get("dport", MIP_PORT)))
        copies = 1 + int(req.get("retransmit", 0))
        wait = float(req.get("wait", 1.0))
        burst = bool(req.get("burst", False))
        res = {"nai": nai, "ident": ident, "dst": req["dst"], "sent_hex": msg.hex(),
               "sends": 0, "reply": None, "answered_by": None, "answered_after": None,
               "replies": []}

        def collect(deadline, stop_at_first):
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                r, _, _ = select.select([s], [], [], left)
                if not r:
                    return
                data, peer = s.recvfrom(65535)
                try:
                    m = parse(data)
                except ValueError:
                    continue
                if m["type"] != TYPE_RRP or m["ident"] != ident or m["nai"] != nai:
                    continue  # a late answer to something else
                rep = {"src": peer[0], "sport": peer[1], "code": m["code"],
                       "lifetime": m["lifetime"], "home": m["home"], "ha": m["ha"],
                       "ident": m["ident"], "nai": m["nai"], "auth_ok": m["auth_ok"],
                       "hex": data.hex(), "after_sends": res["sends"]}
                res["replies"].append(rep)
                if res["reply"] is None:
                    res["reply"] = rep
                    res["answered_by"] = peer[0]
                    res["answered_after"] = res["sends"]
                if stop_at_first:
                    return

        if burst:
            for _ in range(copies):
                s.sendto(msg, dst)
                res["sends"] += 1
            if wait > 0:
                collect(time.monotonic() + wait, False)
        else:
            for _ in range(copies):
                s.sendto(msg, dst)
                res["sends"] += 1
                if wait <= 0:
                    continue
                collect(time.monotonic() + wait, True)
                if res["reply"] is not None:
                    break
            gap = float(req.get("gap", 0))
            if gap > 0:
                time.sleep(gap)
        results.append(res)
    s.close()
    return results


def main(argv=None):
    """Command line of the peers (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="mip.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    ha = sub.add_parser("ha", help="a real Home Agent answering RRQs on UDP 434")
    ha.add_argument("--addr", required=True, help="own address: RRP source and HA field")
    ha.add_argument("--state", required=True, help="JSON summary rewritten after every message")
    ha.add_argument("--silent", action="store_true", help="receive and count, never answer")
    ha.add_argument("--code", type=int, default=0, help="reply code (default 0)")
    ha.add_argument("--port", type=int, default=MIP_PORT)
    ha.add_argument("--max-log", type=int, default=2000, help="requests kept in the summary")
    pd = sub.add_parser("pdsn", help="send RRQs, wait for RRPs, print JSON results")
    pd.add_argument("--spec", help="JSON list of requests {nai, ident, dst, home, ha, coa, "
                                   "lifetime, retransmit, wait, burst, gap, extra, "
                                   "corrupt_auth}")
    pd.add_argument("--dst", help="with --nai: destination (the VIP)")
    pd.add_argument("--nai", action="append", default=[], help="one RRQ per NAI")
    pd.add_argument("--ident", type=int, default=1, help="with --nai: first identification")
    pd.add_argument("--lifetime", type=int, default=1800)
    pd.add_argument("--retransmit", type=int, default=0)
    pd.add_argument("--wait", type=float, default=1.0)
    pd.add_argument("--sport", type=int, default=MIP_PORT)
    args = ap.parse_args(argv)
    if args.cmd == "ha":
        _HaResponder(args).serve()
        return 0
    if args.spec:
        spec = json.loads(args.spec)
    else:
        if not args.dst or not args.nai:
            ap.error("pdsn: --spec, or --dst with --nai")
        spec = [{"nai": n, "ident": args.ident + i, "dst": args.dst, "lifetime": args.lifetime,
                 "retransmit": args.retransmit, "wait": args.wait}
                for i, n in enumerate(args.nai)]
    json.dump(_run_pdsn(spec, args.sport), sys.stdout)
    print()
    return 0


# -- harness side (imported as lab.mip) ------------------------------------------

_IDENTS = itertools.count(1)


def next_ident():
    """A fresh 64-bit Identification (NTP-like seconds in the high half, a
    counter in the low half): never the same twice in one test run."""
    return ((int(time.time()) + 2208988800) & 0xFFFFFFFF) << 32 | next(_IDENTS)


def setup_dispatched_real(host, vip):
    """Makes `host` a real HA of a dispatched-mode farm: the VIP on its
    loopback and ARP settings so it never answers or announces it
    (arp_ignore=1, arp_announce=2)."""
    host.sysctl(net__ipv4__conf__all__arp_ignore=1, net__ipv4__conf__all__arp_announce=2)
    host.add_address(f"{vip}/32", dev="lo")


class Responder:
    """A real HA responder (`mip.py ha`) in a host namespace. The lab kills it
    when it closes; stop() ends it earlier."""

    def __init__(self, host, *, silent=False, code=0, addr=None):
        self.host = host
        self.addr = addr or host.ip
        self.silent = silent
        self.code = code
        self.state_path = host.lab.path(f"mip-ha-{host.host}.json")
        self.log_path = host.lab.path(f"mip-ha-{host.host}.log")
        self.proc = None

    def start(self, timeout=10):
        """Starts the responder and waits (bounded) until it listens on UDP
        434 and has written its first summary; returns self."""
        from .util import wait_until
        if os.path.exists(self.state_path):
            os.unlink(self.state_path)
        argv = [PYTHON, SCRIPT, "ha", "--addr", self.addr, "--state", self.state_path,
                "--code", str(self.code)]
        if self.silent:
            argv.append("--silent")
        with open(self.log_path, "a") as log:
            self.proc = self.host.popen(argv, stderr=log)
        wait_until(lambda: self.proc.poll() is not None or os.path.exists(self.state_path),
                   timeout, what=f"mip responder on {self.host.host}")
        if self.proc.poll() is not None:
            with open(self.log_path) as f:
                raise RuntimeError(f"mip responder on {self.host.host} exited: {f.read()}")
        self.host.wait_listening(MIP_PORT, proto="udp", timeout=timeout)
        return self

    def stop(self):
        """Stops the responder now."""
        if self.proc is not None:
            self.host.lab.kill(self.proc)

    def state(self):
        """The responder's latest summary (dict): address, silent, rrqs,
        rrps_sent, binding_count, nais, bindings {nai: {home, lifetime,
        ...}}, requests [{nai, ident, src, dst, lifetime, hex, answered}]."""
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"mip responder on {self.host.host} died "
                               f"(exit {self.proc.returncode})")
        with open(self.state_path) as f:
            return json.load(f)

    @property
    def binding_count(self):
        """Bindings this HA holds."""
        return self.state()["binding_count"]

    def requests_for(self, nai, ident=None):
        """The RRQs this HA received from `nai` (and `ident` if given)."""
        return [r for r in self.state()["requests"]
                if r.get("nai") == nai and (ident is None or r.get("ident") == ident)]

    def set_silent(self, flag, timeout=5):
        """Makes the running responder stop (True) or resume (False)
        answering, by signal; waits until its summary says so."""
        from .util import wait_until
        self.proc.send_signal(signal.SIGUSR1 if flag else signal.SIGUSR2)
        wait_until(lambda: self.state()["silent"] == flag, timeout,
                   what=f"responder {self.host.host} silent={flag}")
        self.silent = flag


def register(pdsn, requests, *, timeout=None):
    """Runs the PDSN client in host `pdsn` for `requests` (list of dicts:
    nai, ident, dst, and optionally home, ha, coa, lifetime, retransmit,
    wait, burst, gap, extra hex, corrupt_auth). Returns its results, one dict per request:
    nai, ident, sent_hex, sends, reply (src, code, lifetime, home, ha, hex,
    auth_ok, after_sends) or None, answered_by, answered_after, replies."""
    from .util import run
    bound = timeout
    if bound is None:
        bound = 15 + sum(float(r.get("wait", 1.0)) * (1 + int(r.get("retransmit", 0))) +
                         float(r.get("gap", 0)) for r in requests)
    cp = run(pdsn.argv([PYTHON, SCRIPT, "pdsn", "--spec", json.dumps(requests)]), timeout=bound)
    return json.loads(cp.stdout)


def register_nais(pdsn, dst, nais, **kw):
    """One RRQ per NAI (in order, each waiting for its RRP) to `dst`; `kw`
    goes into every request (lifetime, retransmit, wait, home, ha, ...).
    Returns the results of register()."""
    reqs = [{"nai": n, "ident": next_ident(), "dst": dst, **kw} for n in nais]
    return register(pdsn, reqs)


# -- an HA-SLB lab: haslb, three real HAs with responders, the pdsn --------------

VIP = "192.0.2.100"       # dispatched vserver MIPSLB -> HAFARM (ha1, ha2)
VIP_NAT = "192.0.2.101"   # NAT vserver MIPNAT -> NATFARM (ha1, ha2, ha3)
HA1, HA2, HA3 = "198.51.100.11", "198.51.100.12", "198.51.100.13"


def slb_text(*, idle=10, retry=3, reassign=3, faildetect=2, natfarm=True, nat_idle=None):
    """The `slb` group of the SLB tests: HAFARM (dispatched, ha1/ha2 weight
    1, `retry`/`reassign`/`faildetect`) behind MIPSLB (192.0.2.100, `idle`)
    and, with `natfarm`, NATFARM (nat server, ha1/ha2/ha3 weights 3/1/2)
    behind MIPNAT (192.0.2.101)."""
    farms = [f'{{ name = "HAFARM"; nat = "none"; retry = {retry}; reassign = {reassign}; '
             f'faildetect = {faildetect};\n'
             f'      reals = ( {{ address = "{HA1}"; weight = 1; }}, '
             f'{{ address = "{HA2}"; weight = 1; }} ); }}']
    vservers = [f'{{ name = "MIPSLB"; virtual = "{VIP}"; serverfarm = "HAFARM"; idle = {idle}; }}']
    if natfarm:
        farms.append(f'{{ name = "NATFARM"; nat = "server";\n'
                     f'      reals = ( {{ address = "{HA1}"; weight = 3; }}, '
                     f'{{ address = "{HA2}"; weight = 1; }}, '
                     f'{{ address = "{HA3}"; weight = 2; }} ); }}')
        vservers.append(f'{{ name = "MIPNAT"; virtual = "{VIP_NAT}"; serverfarm = "NATFARM"; '
                        f'idle = {nat_idle or idle}; }}')
    return ("slb = {\n  serverfarms = (\n    " + ",\n    ".join(farms) + " );\n"
            "  vservers = (\n    " + ",\n    ".join(vservers) + " );\n};")


class SlbLab:
    """What start_slb_lab() yields: the lab, the running Haslb, the pdsn
    host, the real HA hosts and their responders (both keyed by address),
    and short-cuts to what haslb shows."""

    def __init__(self, lab, haslb, reals, responders):
        self.lab = lab
        self.haslb = haslb
        self.pdsn = lab.hosts["pdsn"]
        self.reals = reals            # address -> Host
        self.responders = responders  # address -> Responder

    def console(self, *cmds):
        """Console output of `cmds` (str)."""
        return self.haslb.console(*cmds)

    def tele(self, cmd):
        """Telemetry `cmd` ("/x/y" or "/x/y,param"), unwrapped: the value
        under the command's key."""
        return self.haslb.telemetry(cmd)[cmd.split(",")[0]]

    def show_reals(self):
        """`show slb reals` parsed: {(real, farm): {weight, state, conns}}."""
        return parse_reals(self.console("show slb reals"))

    def show_sessions(self, cmd="show slb sessions ipmobile"):
        """`show slb sessions ipmobile` parsed: list of rows."""
        return parse_sessions(self.console(cmd))

    def show_traffic(self):
        """`show mobile traffic` parsed: {counter: int}."""
        return parse_traffic(self.console("show mobile traffic"))

    def tele_paged(self, cmd, limit=100000):
        """A paged telemetry list (/haslb/slb/sessions, /haslb/mobile/bindings):
        every entry, following `next` (the command's parameter is the start
        index). Accepts a plain list under "sessions"/"bindings" too.
        Returns (total, [entries])."""
        entries, start, total = [], 0, None
        while len(entries) < limit:
            page = self.tele(f"{cmd},{start}" if start else cmd)
            total = page.get("total")
            for key in ("sessions", "bindings"):
                if isinstance(page.get(key), list):
                    return total, page[key]
            items = sorted(((int(k), v) for k, v in page.items() if k.isdigit()),
                           key=lambda kv: kv[0])
            entries += [v for _, v in items]
            nxt = page.get("next")
            if not items or nxt is None or int(nxt) <= start or int(nxt) >= (total or 0):
                break
            start = int(nxt)
        return total, entries

    def sessions_by_nai(self):
        """Telemetry /haslb/slb/sessions as {nai: session dict}."""
        return {x["nai"]: x for x in self.tele_paged("/haslb/slb/sessions")[1]}

    def tele_reals(self):
        """Telemetry /haslb/slb/reals as {(address, farm): entry}. Keys of
        that dict may not hold dots (DPDK telemetry names): the entry's
        "address" is used, else the key ("198_51_100_11/NATFARM" or
        "198.51.100.11@NATFARM")."""
        out = {}
        for key, v in self.tele("/haslb/slb/reals").items():
            addr = v.get("address") or re.split(r"[@/]", key)[0].replace("_", ".")
            out[(addr, v.get("farm"))] = v
        return out

    def bindings(self):
        """Responder binding counts {real address: N}."""
        return {a: r.binding_count for a, r in self.responders.items()}

    def assert_alive(self):
        """Raises AssertionError with haslb's exit status and log tail if it died."""
        h = self.haslb
        if not h.running:
            tail = "\n".join(h.stderr.splitlines()[-40:])
            raise AssertionError(f"haslb is not running any more (exit {h.proc.returncode})\n"
                                 f"{tail}")


def start_slb_lab(prefix, slb, *, dispatched=("ha1", "ha2"), before_start=None, **haslb_kw):
    """Generator (for a pytest fixture): the SLB lab (standard.build_slb)
    with VIP 192.0.2.100 on the loopback of the `dispatched` reals, a
    responder on ha1, ha2 and ha3, and haslb started with the `slb` text
    appended to its config. Warms up ARP on both sides (pdsn pings every
    real through haslb). Tears everything down after."""
    from . import standard
    from .netns import Lab
    with Lab(prefix) as lab:
        standard.build_slb(lab)
        reals = {lab.hosts[n].ip: lab.hosts[n] for n in ("ha1", "ha2", "ha3")}
        for name in dispatched:
            setup_dispatched_real(lab.hosts[name], VIP)
        responders = {a: Responder(h).start() for a, h in reals.items()}
        if before_start is not None:
            before_start(lab)  # more hosts, servers: whatever the caller's tests need
        haslb = standard.standard_haslb(lab, extra=slb, **haslb_kw).start()
        for a in reals:
            lab.hosts["pdsn"].wait_ping(a, timeout=15)
        yield SlbLab(lab, haslb, reals, responders)
        if haslb.running:
            haslb.stop(check=False)


def tshark_fields(pcap, fields, display_filter="mip", checksums=True, timeout=30):
    """Reads `pcap` with tshark (-T fields) and returns one dict per frame
    matching `display_filter`, keyed by field name. With `checksums`, IP
    and UDP checksums are verified (ip.checksum.status / udp.checksum.status:
    "1" good, "0" bad)."""
    from .util import run
    argv = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=\t"]
    if checksums:
        argv += ["-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"]
    if display_filter:
        argv += ["-Y", display_filter]
    for f in fields:
        argv += ["-e", f]
    out = run(argv, timeout=timeout).stdout
    return [dict(zip(fields, line.split("\t"))) for line in out.splitlines() if line.strip()]


# -- what haslb shows -------------------------------------------------------------

IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"


def parse_reals(text):
    """`show slb reals` rows -> {(real, farm): {"weight", "state", "conns"}}."""
    rows = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) >= 5 and re.fullmatch(IPV4, t[0]) and t[2].isdigit() and t[-1].isdigit():
            rows[(t[0], t[1])] = {"weight": int(t[2]), "state": t[3], "conns": int(t[-1])}
    return rows


def parse_vservers(text):
    """`show slb vservers` rows -> {name: {"prot", "virtual", "state", "conns"}}."""
    rows = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) >= 5 and re.fullmatch(IPV4 + r":\d+", t[2]) and t[-1].isdigit():
            rows[t[0]] = {"prot": t[1], "virtual": t[2], "state": t[3], "conns": int(t[-1])}
    return rows


def parse_sessions(text):
    """`show slb sessions [ipmobile]` rows -> list of {"vserver", "nai_hash",
    "client", "real", "state"}."""
    rows = []
    for line in text.splitlines():
        t = line.split()
        if (len(t) >= 5 and re.fullmatch(r"[0-9A-Fa-f]{16}", t[1]) and
                re.fullmatch(IPV4, t[2]) and re.fullmatch(IPV4, t[3])):
            rows.append({"vserver": t[0], "nai_hash": t[1].upper(), "client": t[2],
                         "real": t[3], "state": t[4]})
    return rows


def parse_traffic(text):
    """`show mobile traffic` `name: N` lines -> {name: int}."""
    out = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        value = value.strip()
        if sep and value.isdigit():
            out[name.strip()] = int(value)
    return out


def parse_bindings(text):
    """`show mobile bindings` -> {"total": N or None, "bindings": {nai:
    {"home_addr", "home_agent", "lifetime", "remaining"}}}."""
    total = None
    m = re.search(r"Total\s+(\d+)", text)
    if m:
        total = int(m.group(1))
    bindings = {}
    cur = None
    for line in text.splitlines():
        s = line.strip()
        # A subscriber's first line: "NAI: user@realm" or, as IOS prints it,
        # "user@realm:" / "user@realm (Bindings 1):" at the start of the line.
        m = re.match(r"NAI:\s*(\S+)$", s) or \
            (re.match(r"(\S+?)(?:\s+\(Bindings \d+\))?:$", s) if line[:1].strip() else None)
        if m and s != "Mobility Binding List:":
            cur = bindings.setdefault(m.group(1), {})
            continue
        if cur is None:
            continue
        m = re.search(r"Home Addr(?:ess)?:?\s+(" + IPV4 + ")", s)
        if m:
            cur["home_addr"] = m.group(1)
        m = re.search(r"Home Agent:?\s+(" + IPV4 + ")", s)
        if m:
            cur["home_agent"] = m.group(1)
        m = re.search(r"Lifetime granted:?\s+(\d+)(?:.*remaining:?\s+(\d+))?", s)
        if m:
            cur["lifetime"] = int(m.group(1))
            if m.group(2) is not None:
                cur["remaining"] = int(m.group(2))
    return {"total": total, "bindings": bindings}


if __name__ == "__main__":
    sys.exit(main())
