# SPDX-License-Identifier: BSD-3-Clause
"""IKEv2 cluster load balancing in the lab (seed 003): gateways reporting
their load with the real haslb-cluster-agent, a strongSwan charon-cmd client,
and helpers to read haslb's cluster state.

    client 192.0.2.10 --- access 192.0.2.0/24 --- .1 [haslb] .1 --- farm 198.51.100.0/24
                                                  VIP 203.0.113.100       gw1 .21  gw2 .22  gw3 .23

The VIP is off every port subnet: the client reaches it through its
default route (haslb's access address). `build6(lab)` adds IPv6 to the same
lab: access 2001:db8:a::/64 (client ::10), farm 2001:db8:f::/64 (gw1..gw3
::21..::23), haslb ::1 on both.

- `build(lab)`: the segments, the client and three gateways; `build6(lab)`
  the same with IPv6.
- `cluster_text(...)`: the `cluster` group for Haslb(extra=...).
- `Agent(host, gateway, ..., primary=...)`: haslb-cluster-agent in a gateway namespace,
  reading its load from a file (`set_load(cpu=..., mem=..., ike_sas=...)`),
  `stop()`, `start()`.
- `charon_cmd(client, vip)`: starts charon-cmd (strongSwan 5.9.8) with a
  STRONGSWAN_CONF of the lab's (kernel-libipsec off) and returns a Charon
  whose `wait_redirect()` waits for its "redirected to X" log line.
- `Client(client, vip)`: a charon daemon as the initiator (IPv6 VIPs: charon-cmd
  5.9.8 connects to IPv4 only), in a private mount namespace so it can run
  next to a gateway's charon.
- `redirected_from(packets, vip)`: the IKE_SA_INIT requests in a capture
  that carry REDIRECTED_FROM naming `vip`.
- `initiator(client, vip, name)`: charon-cmd or Client, by the VIP's family.
- `ClusterLab`: what the test modules' fixtures yield (`loads()`,
  `redirect_once()`); `peek(capture)`: the packets captured so far.
- `tele_cluster(haslb)`: /haslb/cluster; `members(haslb)` keyed by address.
"""
import os
import re
import struct

from . import REPO
from .util import wait_until

VIP = "203.0.113.100"
PRIMARY = "198.51.100.1"
CLIENT = ("client", "access", "192.0.2.10/24")
GATEWAYS = (("gw1", "198.51.100.21"), ("gw2", "198.51.100.22"), ("gw3", "198.51.100.23"))
PORT = 2000
# IPv6 (build6): haslb 2001:db8:a::1 and 2001:db8:f::1, the client ::10 on
# access, the gateways ::21..23 on farm.
ACCESS6, FARM6 = "2001:db8:a::1/64", "2001:db8:f::1/64"
PRIMARY6 = "2001:db8:f::1"
CLIENT6 = "2001:db8:a::10"
GATEWAYS6 = (("gw1", "2001:db8:f::21"), ("gw2", "2001:db8:f::22"), ("gw3", "2001:db8:f::23"))


def agent_binary():
    """$HASLB_CLUSTER_AGENT_BIN, else build/app/haslb-cluster-agent/haslb-cluster-agent."""
    return os.environ.get("HASLB_CLUSTER_AGENT_BIN") or os.path.join(
        REPO, "build", "app", "haslb-cluster-agent", "haslb-cluster-agent")


def build(lab):
    """Segments access and farm, the client and gw1..gw3. Returns the lab."""
    lab.add_segment("access", "192.0.2.1/24")
    lab.add_segment("farm", "198.51.100.1/24")
    lab.add_host(*CLIENT)
    for name, addr in GATEWAYS:
        lab.add_host(name, "farm", addr + "/24")
    return lab


def build6(lab):
    """The IPv6 cluster lab: segments access and farm with IPv4 and IPv6, the
    client (192.0.2.10, 2001:db8:a::10) and gw1..gw3 (IPv4 as in build(),
    IPv6 GATEWAYS6). Returns the lab."""
    lab.add_segment("access", "192.0.2.1/24", address6=ACCESS6)
    lab.add_segment("farm", "198.51.100.1/24", address6=FARM6)
    lab.add_host(*CLIENT, address6=CLIENT6 + "/64")
    for (name, addr), (_, addr6) in zip(GATEWAYS, GATEWAYS6):
        lab.add_host(name, "farm", addr + "/24", address6=addr6 + "/64")
    return lab


def cluster_text(vip=VIP, members=None, holdtime=2000, overload=80, max_session=100,
                 port=PORT, extra="", listen=PRIMARY):
    """The `cluster` group; `vip` one address or a list; `members` a list of
    addresses (default gw1..3); `listen` None for every address."""
    members = members or [a for _, a in GATEWAYS]
    entries = ",\n".join(f'    {{ address = "{m}"; max_session = {max_session}; }}' for m in members)
    vips = vip if isinstance(vip, (list, tuple)) else [vip]
    virtual = "[" + ", ".join(f'"{v}"' for v in vips) + "]"
    listen_line = f'  listen = "{listen}";\n' if listen else ""
    return (f'cluster = {{\n  virtual = {virtual};\n{listen_line}  port = {port};\n'
            f'  holdtime = {holdtime};\n  overload_limit = {overload};\n{extra}'
            f'  members = (\n{entries}\n  );\n}};\n')


class Agent:
    """haslb-cluster-agent in `host` for member `gateway`, load from a file."""

    def __init__(self, host, gateway, *, interval_ms=300, cpu=10, mem=10, ike_sas=0,
                 primary=PRIMARY):
        self.host = host
        self.gateway = gateway
        self.primary = primary
        self.interval_ms = interval_ms
        self.load_path = host.lab.path(f"cluster-{host.name}.load")
        self.log_path = host.lab.path(f"cluster-{host.name}.log")
        self.proc = None
        self.set_load(cpu=cpu, mem=mem, ike_sas=ike_sas)

    def set_load(self, *, cpu, mem=10, ike_sas=0, ike_in_neg=0, ipsec_sas=0):
        tmp = self.load_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"ike_sas {ike_sas}\nike_in_neg {ike_in_neg}\nipsec_sas {ipsec_sas}\n"
                    f"cpu {cpu}\nmem {mem}\n")
        os.replace(tmp, self.load_path)

    def argv(self):
        return [agent_binary(), "--primary", self.primary, "--port", str(PORT),
                "--gateway", self.gateway, "--hello", str(self.interval_ms),
                "--update", str(self.interval_ms), "--load-file", self.load_path]

    def start(self):
        binary = agent_binary()
        if not os.access(binary, os.X_OK):
            raise RuntimeError(f"{binary} does not exist or is not executable (build first)")
        with open(self.log_path, "a") as log:
            self.proc = self.host.popen(self.argv(), stderr=log, stdout=log)
        return self

    def stop(self):
        if self.proc is not None:
            self.host.lab.kill(self.proc)
            self.proc = None

    def log(self):
        with open(self.log_path) as f:
            return f.read()


STRONGSWAN_CONF = """\
# charon-cmd in a lab namespace: no kernel-libipsec (no /dev/net/tun here),
# logs on stderr, RFC 5685 redirects followed (the default, said here).
charon-cmd {
  load_modular = yes
  follow_redirects = yes
  retransmit_tries = 2
  retransmit_timeout = 1.0
  plugins {
    include /etc/strongswan.d/charon/*.conf
    kernel-libipsec {
      load = no
    }
  }
}
"""


class Charon:
    """A running charon-cmd; its output goes to a file of the lab."""

    def __init__(self, client, proc, log_path):
        self.client = client
        self.proc = proc
        self.log_path = log_path

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_redirect(self, timeout=20):
        """The address of charon's "redirected to X" line (bounded wait)."""
        def found():
            m = re.search(r"redirected to (\S+)", self.log())
            return m.group(1) if m else None
        return wait_until(found, timeout, what=f"charon-cmd 'redirected to' in {self.log_path}")

    def stop(self):
        self.client.lab.kill(self.proc)


def charon_cmd(client, vip=VIP, name="charon", follow_redirects=True):
    """Starts charon-cmd in `client` against `vip` (ikev2-eap: nothing is
    needed before IKE_AUTH). With follow_redirects=False strongSwan sends no
    REDIRECT_SUPPORTED: a client without redirect support."""
    conf = client.lab.path(f"strongswan-client-{int(follow_redirects)}.conf")
    with open(conf, "w") as f:
        f.write(STRONGSWAN_CONF.replace("follow_redirects = yes",
                                        f"follow_redirects = {'yes' if follow_redirects else 'no'}"))
    log_path = client.lab.path(f"{name}-{len(client.lab.procs)}.log")
    env = dict(os.environ, STRONGSWAN_CONF=conf)
    with open(log_path, "w") as log:
        proc = client.popen(["charon-cmd", "--host", vip, "--identity", "client@example.com",
                             "--profile", "ikev2-eap", "--debug", "1"],
                            stdout=log, stderr=log, env=env)
    return Charon(client, proc, log_path)


GATEWAY_CONF = """\
# charon as an IKEv2 gateway in a lab namespace: its own VICI socket, no
# stroke socket, no kernel-libipsec, a log file.
charon {{
  load_modular = yes
  plugins {{
    include /etc/strongswan.d/charon/*.conf
    kernel-libipsec {{
      load = no
    }}
    stroke {{
      load = no
    }}
    vici {{
      socket = unix://{vici}
    }}
  }}
  filelog {{
    gw {{
      path = {log}
      default = 1
      flush_line = yes
      time_format = %T
    }}
  }}
}}
"""

SWANCTL_CONF = """\
connections {{
  rw {{
    version = 2
    local_addrs = {address}
    local {{
      auth = psk
      id = {address}
    }}
    remote {{
      auth = psk
    }}
    children {{
      net {{
        local_ts = 10.99.0.0/24
      }}
    }}
  }}
}}
secrets {{
  ike-lab {{
    secret = "haslb-lab-psk"
  }}
}}
"""


class Gateway:
    """A real strongSwan charon answering IKE on a gateway host (one per
    machine: charon keeps /var/run/charon.pid). `log()` is its log."""

    def __init__(self, host, address):
        self.host = host
        self.address = address
        self.vici = host.lab.path(f"charon-{host.name}.vici")
        self.log_path = host.lab.path(f"charon-{host.name}.log")
        self.proc = None

    def start(self, timeout=15):
        conf = self.host.lab.path(f"strongswan-{self.host.name}.conf")
        with open(conf, "w") as f:
            f.write(GATEWAY_CONF.format(vici=self.vici, log=self.log_path))
        swanctl = self.host.lab.path(f"swanctl-{self.host.name}.conf")
        with open(swanctl, "w") as f:
            f.write(SWANCTL_CONF.format(address=self.address))
        env = dict(os.environ, STRONGSWAN_CONF=conf)
        with open(self.log_path + ".out", "w") as out:
            self.proc = self.host.popen(["/usr/lib/ipsec/charon"], stdout=out, stderr=out, env=env)
        wait_until(lambda: os.path.exists(self.vici) or self.proc.poll() is not None, timeout,
                   what=f"charon's VICI socket on {self.host.name}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"charon on {self.host.name} exited: {self.log()}")
        self.host.run(["swanctl", "--load-all", "--file", swanctl, "--uri", f"unix://{self.vici}"],
                      timeout=15, env=env)
        return self

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc is not None:
            self.host.lab.kill(self.proc)
            self.proc = None


CLIENT_SWANCTL_CONF = """\
connections {{
  home {{
    version = 2
    remote_addrs = {vip}
    local {{
      auth = psk
      id = client@example.com
    }}
    remote {{
      auth = psk
      id = %any
    }}
    children {{
      home {{
        remote_ts = 10.99.0.0/24
      }}
    }}
  }}
}}
secrets {{
  ike-lab {{
    secret = "haslb-lab-psk"
  }}
}}
"""


class Client(Charon):
    """A real charon daemon as the IKE initiator, for IPv6 VIPs (charon-cmd
    5.9.8 resolves its --host as IPv4 only). It runs in a mount namespace
    of its own with a private /run, so that it can run next to a gateway's
    charon (both keep /run/charon.pid). `follow_redirects` as charon-cmd's.
    Started by start(); wait_redirect(), log() and stop() as Charon's."""

    def __init__(self, client, vip, name="client-charon", follow_redirects=True):
        lab = client.lab
        self.vip = vip
        self.follow = follow_redirects
        self.vici = lab.path(f"{name}.vici")
        self.conf = lab.path(f"{name}.conf")
        self.swanctl = lab.path(f"{name}-swanctl.conf")
        self.initiate = None
        super().__init__(client, None, lab.path(f"{name}.log"))

    def start(self, timeout=15):
        conf = GATEWAY_CONF.format(vici=self.vici, log=self.log_path).replace(
            "charon {\n", f"charon {{\n  follow_redirects = {'yes' if self.follow else 'no'}\n"
            "  retransmit_tries = 2\n  retransmit_timeout = 1.0\n", 1)
        with open(self.conf, "w") as f:
            f.write(conf)
        with open(self.swanctl, "w") as f:
            f.write(CLIENT_SWANCTL_CONF.format(vip=self.vip))
        env = dict(os.environ, STRONGSWAN_CONF=self.conf)
        with open(self.log_path + ".out", "w") as out:
            self.proc = self.client.popen(
                ["unshare", "-m", "--propagation", "private", "sh", "-c",
                 "mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon"],
                stdout=out, stderr=out, env=env)
        wait_until(lambda: os.path.exists(self.vici) or self.proc.poll() is not None, timeout,
                   what=f"the client charon's VICI socket in {self.client.name}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"client charon exited: {self.log()}")
        uri = f"unix://{self.vici}"
        self.client.run(["swanctl", "--load-all", "--file", self.swanctl, "--uri", uri],
                        timeout=15, env=env)
        # --initiate waits for the outcome: in the background, stopped with charon.
        self.initiate = self.client.popen(["swanctl", "--initiate", "--child", "home",
                                           "--timeout", "30", "--uri", uri], env=env)
        return self

    def log(self):
        try:
            return super().log()
        except FileNotFoundError:
            return ""

    def stop(self):
        for p in (self.initiate, self.proc):
            if p is not None:
                self.client.lab.kill(p)
        self.initiate = self.proc = None


def _ike_notifies(payload):
    """(exchange, flags, [(type, data)]) of an IKE message, or None."""
    if len(payload) < 28:
        return None
    nxt, exch, flags = payload[16], payload[18], payload[19]
    length = struct.unpack("!I", payload[24:28])[0]
    if length != len(payload):
        return None
    off, out = 28, []
    while nxt and off + 4 <= len(payload):
        plen = struct.unpack("!H", payload[off + 2:off + 4])[0]
        if plen < 4 or off + plen > len(payload):
            return None
        if nxt == 41 and plen >= 8:
            spi = payload[off + 5]
            ntype = struct.unpack("!H", payload[off + 6:off + 8])[0]
            out.append((ntype, bytes(payload[off + 8 + spi:off + plen])))
        nxt = payload[off]
        off += plen
    return exch, flags, out


def redirected_from(packets, vip=VIP):
    """IKE_SA_INIT requests in `packets` (scapy, IPv4 or IPv6) carrying
    REDIRECTED_FROM = vip (GW Ident Type 1 or 2, RFC 5685)."""
    import ipaddress
    from scapy.all import UDP
    a = ipaddress.ip_address(vip)
    want = bytes([1 if a.version == 4 else 2, len(a.packed)]) + a.packed
    hits = []
    for p in packets:
        if UDP not in p:
            continue
        data = bytes(p[UDP].payload)
        if p[UDP].dport == 4500:
            if data[:4] != bytes(4):
                continue
            data = data[4:]
        parsed = _ike_notifies(data)
        if not parsed:
            continue
        exch, flags, notifies = parsed
        if exch == 34 and flags & 0x08 and any(t == 16408 and d == want for t, d in notifies):
            hits.append(p)
    return hits


def initiator(client, vip, name, follow_redirects=True):
    """An IKE initiator against `vip`: charon-cmd for an IPv4 VIP, a charon
    daemon (Client) for an IPv6 one (charon-cmd 5.9.8 resolves its --host as
    IPv4 only). Both have wait_redirect(), log() and stop()."""
    if ":" in vip:
        return Client(client, vip, name=name, follow_redirects=follow_redirects).start()
    return charon_cmd(client, vip=vip, name=name, follow_redirects=follow_redirects)


def peek(cap):
    """The packets a running capture has written so far (tcpdump -U)."""
    from scapy.utils import rdpcap
    try:
        return list(rdpcap(cap.path))
    except Exception:  # noqa: BLE001 - a half-written pcap: not yet
        return []


class ClusterLab:
    """What a cluster test module's fixture yields: the lab, haslb, the
    agents by gateway address, the client and the gateway hosts
    (`gateways`: GATEWAYS or GATEWAYS6)."""

    def __init__(self, lab, haslb, agents, gateways=GATEWAYS):
        self.lab = lab
        self.haslb = haslb
        self.agents = agents
        self.gateways = gateways
        self.client = lab.hosts["client"]
        self.gw_hosts = {addr: lab.hosts[name] for name, addr in gateways}

    def loads(self, **cpu):
        """cpu percent per gateway: loads(gw1=50, gw2=10, gw3=30); waits
        (bounded) until haslb shows each reporting member's new load."""
        want = {}
        for name, addr in self.gateways:
            if name in cpu:
                self.agents[addr].set_load(cpu=cpu[name])
                if self.agents[addr].proc is not None:
                    want[addr] = cpu[name] * 10
        wait_until(lambda: all(members(self.haslb)[a]["cpu_pm"] == pm for a, pm in want.items()),
                   10, what=f"reported loads {want}")

    def redirect_once(self, expect, vip=VIP):
        """One initiator run against `vip`: the redirect target it logs, and
        the IKE_SA_INIT requests with REDIRECTED_FROM `vip` seen at `expect`."""
        cap = self.gw_hosts[expect].capture("eth0", "udp and (port 500 or port 4500)")
        charon = initiator(self.client, vip, f"charon-{len(self.lab.procs)}")
        try:
            target = charon.wait_redirect()
            hits = []
            if target == expect:
                def seen():
                    hits[:] = redirected_from(peek(cap), vip)
                    return hits
                wait_until(seen, 15, what=f"IKE_SA_INIT with REDIRECTED_FROM {vip} at {expect}")
        finally:
            charon.stop()
            cap.stop()
        return target, hits, charon.log()


ROW = re.compile(r"^(.) (\S+)\s+(Second)\s+(\S+)\s+(\d+)\s+(\S+%)\s+(\d+)")


def show_cluster_rows(text):
    """`show cluster` gateway rows -> {address: {code, role, last_seen, prio, load, ike}}."""
    out = {}
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            out[m.group(2)] = dict(code=m.group(1), role=m.group(3), last_seen=m.group(4),
                                   prio=m.group(5), load=m.group(6), ike=m.group(7))
    return out


def tele_cluster(haslb):
    return haslb.telemetry("/haslb/cluster")["/haslb/cluster"]


def members(haslb):
    """{address: member dict} from /haslb/cluster."""
    t = tele_cluster(haslb)
    return {v["address"]: v for k, v in t.items() if k.startswith("member_")}


def wait_least_loaded(haslb, address, timeout=10):
    """Waits until haslb's least-loaded member is `address`."""
    return wait_until(lambda: members(haslb).get(address, {}).get("least_loaded") == 1,
                      timeout, what=f"{address} least loaded in /haslb/cluster")
