# SPDX-License-Identifier: BSD-3-Clause
"""What lives in the lab's namespaces: Netns (a namespace commands run in),
Host (a host namespace on one segment), Segment (an L2 segment around a
bridge in the dut namespace), Capture (tcpdump) and PingResult.
"""
import ipaddress
import json
import os
import re
import signal
import subprocess

from .cleanup import NETNS_DIR
from .util import as_argv, run, wait_until

IFNAMSIZ = 15


class PingResult:
    """Outcome of one `ping` run: packets sent/received and the raw output."""

    def __init__(self, cp):
        self.returncode = cp.returncode
        self.output = cp.stdout + cp.stderr
        m = re.search(r"(\d+) packets transmitted, (\d+) received", cp.stdout)
        self.sent = int(m.group(1)) if m else 0
        self.received = int(m.group(2)) if m else 0

    @property
    def ok(self):
        """True if every echo request got its reply."""
        return self.sent > 0 and self.received == self.sent

    def __repr__(self):
        return f"PingResult({self.received}/{self.sent} received)\n{self.output}"


class Netns:
    """A network namespace commands can run in: one the lab created, or the
    exception namespace of a haslb it started."""

    def __init__(self, lab, name):
        self.lab = lab
        self.name = name

    def __repr__(self):
        return f"<Netns {self.name}>"

    def exists(self):
        """True while /run/netns/<name> exists."""
        return os.path.exists(os.path.join(NETNS_DIR, self.name))

    def argv(self, cmd):
        """`cmd` prefixed so that it runs inside this namespace."""
        return ["ip", "netns", "exec", self.name, *as_argv(cmd)]

    def run(self, cmd, **kw):
        """Runs `cmd` (list, or str for sh) in this namespace; see util.run."""
        return run(self.argv(cmd), **kw)

    def popen(self, cmd, *, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
              stderr=subprocess.DEVNULL, env=None, new_session=True):
        """Starts `cmd` in this namespace in the background. The lab kills it
        (its whole process group, by PID) when it closes."""
        return self.lab.popen(self.argv(cmd), stdin=stdin, stdout=stdout, stderr=stderr,
                              env=env, new_session=new_session)

    def iproute(self, *args, check=True):
        """Runs `ip -n <ns> ARGS` (iproute2); returns stdout."""
        return run(["ip", "-n", self.name, *args], check=check, timeout=10).stdout

    def link_exists(self, ifname):
        """True if interface `ifname` exists in this namespace."""
        return run(["ip", "-n", self.name, "link", "show", "dev", ifname],
                   check=False, timeout=10).returncode == 0

    def link(self, ifname):
        """`ip -j link show` of one interface, as a dict."""
        return json.loads(self.iproute("-j", "link", "show", "dev", ifname))[0]

    def mac(self, ifname="eth0"):
        """MAC address of `ifname` (lower case, colon separated)."""
        return self.link(ifname)["address"].lower()

    def sysctl(self, **settings):
        """Sets sysctls in this namespace: sysctl(net__ipv4__ip_forward=1)
        (double underscores stand for dots)."""
        args = [f"{k.replace('__', '.')}={v}" for k, v in settings.items()]
        self.run(["sysctl", "-qw", *args], timeout=10)

    def ping(self, dst, count=3, interval=0.2, wait=2, ttl=None, size=None, timeout=None):
        """Pings `dst` from this namespace; returns a PingResult (no raise)."""
        argv = ["ping", "-n", "-c", str(count), "-i", str(interval), "-W", str(wait)]
        if ttl is not None:
            argv += ["-t", str(ttl)]
        if size is not None:
            argv += ["-s", str(size)]
        argv.append(dst)
        bound = timeout if timeout is not None else count * (interval + wait) + 10
        return PingResult(self.run(argv, check=False, timeout=bound))

    def wait_ping(self, dst, timeout=15):
        """Waits until one echo request to `dst` is answered (e.g. while ARP
        resolves), bounded; returns the successful PingResult."""
        def once():
            r = self.ping(dst, count=1, wait=1)
            return r if r.ok else None
        return wait_until(once, timeout, interval=0.2, what=f"{self.name}: ping {dst}")

    def listening(self, port, proto="tcp"):
        """True if a socket listens (TCP) / is bound (UDP) on `port`."""
        flag = "-ltn" if proto == "tcp" else "-lun"
        out = self.run(["ss", "-H", flag, f"sport = :{port}"], timeout=10).stdout
        return bool(out.strip())

    def wait_listening(self, port, proto="tcp", timeout=10):
        """Waits (bounded) until something listens on `port` here."""
        wait_until(lambda: self.listening(port, proto), timeout,
                   what=f"{self.name}: {proto} port {port} listening")

    def capture(self, ifname, bpf="", name=None, snaplen=0):
        """Starts tcpdump on `ifname` here; see Capture."""
        return Capture(self, ifname, bpf, name=name, snaplen=snaplen)


class Capture:
    """A packet capture (tcpdump to a pcap file in the lab's workdir).

    Started by Netns.capture(); waits until tcpdump really listens. stop()
    ends it (SIGINT by PID) and returns the pcap path; packets() reads the
    file with scapy.
    """

    def __init__(self, ns, ifname, bpf="", name=None, snaplen=0):
        lab = ns.lab
        self.path = lab.path(name or f"{ns.name}-{ifname}-{len(lab.procs)}.pcap")
        self._err_path = self.path + ".log"
        # --immediate-mode: without it packets wait in the ring until a
        # block times out and a quick stop() loses them.
        argv = ["tcpdump", "-n", "-U", "--immediate-mode", "-Z", "root", "-s", str(snaplen),
                "-i", ifname, "-w", self.path]
        if bpf:
            argv.append(bpf)
        with open(self._err_path, "w") as err:
            self.proc = ns.popen(argv, stderr=err)
        wait_until(lambda: "listening on" in self._log() or self.proc.poll() is not None,
                   10, what=f"tcpdump on {ns.name}/{ifname}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"tcpdump failed: {self._log()}")

    def _log(self):
        with open(self._err_path) as f:
            return f.read()

    def stop(self, timeout=5):
        """Stops tcpdump (flushing the file) and returns the pcap path."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        return self.path

    def packets(self):
        """Stops the capture if needed and returns its packets (scapy)."""
        from scapy.utils import rdpcap  # imported late: scapy is slow to load
        return list(rdpcap(self.stop()))


class Segment:
    """One L2 segment: a bridge in the dut namespace, the appliance's
    address on it and the interface name of haslb's port."""

    def __init__(self, lab, name, address, ifname, tap, address6=None):
        self.lab = lab
        self.name = name
        self.interface = ipaddress.IPv4Interface(address)
        self.interface6 = ipaddress.IPv6Interface(address6) if address6 else None
        self.network = self.interface.network
        self.ifname = ifname
        self.tap = tap
        self.bridge = f"br-{name}"[:IFNAMSIZ]

    @property
    def address(self):
        """The appliance's address with prefix length, e.g. "192.0.2.1/24"."""
        return self.interface.with_prefixlen

    @property
    def gateway(self):
        """The appliance's address without prefix length."""
        return str(self.interface.ip)

    @property
    def address6(self):
        """The appliance's IPv6 address with prefix length, or None."""
        return self.interface6.with_prefixlen if self.interface6 else None

    @property
    def gateway6(self):
        """The appliance's IPv6 address without prefix length, or None."""
        return str(self.interface6.ip) if self.interface6 else None

    def __repr__(self):
        return f"<Segment {self.name} {self.network} bridge {self.bridge}>"


class Host(Netns):
    """A host namespace `<prefix>-<name>` on one segment (interface eth0)."""

    def __init__(self, lab, name, segment, address, address6=None):
        super().__init__(lab, f"{lab.prefix}-{name}")
        self.host = name
        self.segment = segment
        self.interface = ipaddress.IPv4Interface(address)
        self.interface6 = ipaddress.IPv6Interface(address6) if address6 else None

    @property
    def ip(self):
        """The host's address on its segment, without prefix length."""
        return str(self.interface.ip)

    @property
    def ip6(self):
        """The host's IPv6 address on its segment (no prefix length), or None."""
        return str(self.interface6.ip) if self.interface6 else None

    def enable_ipv6(self, dev="eth0"):
        """Turns IPv6 on in this namespace for `dev` and lo, without
        duplicate address detection, router solicitations or SLAAC (so an
        address is usable at once and the segment stays quiet)."""
        pre = "net__ipv6__conf__"
        settings = {}
        for ifc in ("default", "all", dev, "lo"):
            settings[f"{pre}{ifc}__accept_dad"] = 0
            settings[f"{pre}{ifc}__router_solicitations"] = 0
            settings[f"{pre}{ifc}__accept_ra"] = 0
        self.sysctl(**settings)
        self.sysctl(**{f"{pre}{ifc}__disable_ipv6": 0 for ifc in ("default", "all", dev, "lo")})

    @property
    def mac_address(self):
        """The MAC of eth0 (what the appliance should learn by ARP)."""
        return self.mac("eth0")

    def add_address(self, address, dev="lo"):
        """Adds an extra address, e.g. add_address("203.0.113.129/32")."""
        self.iproute("addr", "add", address, "dev", dev)

    def add_route(self, prefix, via=None, dev=None):
        """Adds a route in the host's table (IPv4 or IPv6, by the prefix)."""
        args = (["-6"] if ":" in prefix else []) + ["route", "add", prefix]
        if via:
            args += ["via", via]
        if dev:
            args += ["dev", dev]
        self.iproute(*args)
