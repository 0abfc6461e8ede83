# SPDX-License-Identifier: BSD-3-Clause
"""The lab: network namespaces, bridges and veths around a haslb under test.

Layout (all names start with the lab's prefix `p`):

- `p-dut`: the appliance namespace where haslb runs. It holds one Linux
  bridge per segment (`br-<segment>`, no IP) and, for af_packet ports, a veth
  pair per segment whose one end is haslb's port (`lab-<segment>` by
  default) and whose other end is a bridge port. For net_tap ports there is
  no veth: haslb creates the tap and `Lab.attach_tap()` bridges it.
- `p-<host>`: one namespace per host, `eth0` is a veth whose peer is a port
  of its segment's bridge in `p-dut`.

The lab removes exactly what it created (namespaces, the processes it
started, haslb's exception namespaces, console sockets, DPDK runtime
directories of the file prefixes it handed out), on `close()`, on leaving a
`with` block, at interpreter exit and on SIGTERM/SIGHUP. Leftovers of a
crashed run with the same prefix are removed when a lab starts. A lock file
makes a second lab with the same prefix fail fast instead of destroying the
first one.

This module holds Lab; hosts.py holds what lives in the namespaces (Netns,
Host, Segment, Capture, PingResult) and cleanup.py the locks and the removal
of leftovers. Their names are importable from here too.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile

# Everything that was defined here stays importable from here.
from .cleanup import (CONSOLE_DIR, DPDK_RUN_DIR, LOCK_DIR, NETNS_DIR,  # noqa: F401
                      _register_cleanup, _unregister_cleanup, cleanup_prefix, delete_netns,
                      file_prefix_pattern, list_netns, lock_prefix, netns_pids,
                      remove_haslb_leftovers, unlock_prefix)
from .hosts import IFNAMSIZ, Capture, Host, Netns, PingResult, Segment  # noqa: F401
from .util import as_argv, note, run, wait_until

PREFIX_RE = re.compile(r"^[a-z][a-z0-9]{0,9}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]{0,11}$")


class Lab:
    """A set of namespaces, bridges, hosts and processes for one test run.

    Use as a context manager: `with Lab("hlrt") as lab: ...`. `prefix` is
    short (letters/digits, at most 10) and stable per user of the lab (a
    test module, run-lab) so a rerun removes the leftovers of a crashed run.
    `stale_file_prefixes` names extra DPDK file prefixes this lab owns (e.g.
    "haslb-lab" for run-lab with the example config).
    """

    def __init__(self, prefix="hlab", *, stale_file_prefixes=(), keep_workdir=None):
        if not PREFIX_RE.match(prefix):
            raise ValueError(f"lab prefix {prefix!r}: use 1-10 lower-case letters/digits")
        self.prefix = prefix
        self.stale_file_prefixes = tuple(stale_file_prefixes)
        self.keep_workdir = (os.environ.get("HASLB_LAB_KEEP") == "1"
                             if keep_workdir is None else keep_workdir)
        self.namespaces = []      # Netns created by this lab, in creation order
        self.segments = {}        # name -> Segment
        self.hosts = {}           # name -> Host
        self.procs = []           # background processes (Popen), killed on close
        self.haslbs = []          # Haslb instances started here
        self.file_prefixes = []   # DPDK file prefixes handed out / registered
        self.dut = None
        self.workdir = None
        self._lock = None
        self._veths = 0
        self._closed = True

    # -- life cycle ---------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self):
        """Takes the prefix lock, removes leftovers of an earlier run and
        creates the dut namespace."""
        if os.geteuid() != 0:
            raise PermissionError("the lab needs root (network namespaces)")
        self._lock = lock_prefix(self.prefix)
        if self._lock is None:
            raise RuntimeError(f"lab prefix {self.prefix!r} is in use by another lab "
                               f"(lock {LOCK_DIR}/{self.prefix}.lock)")
        self._closed = False
        _register_cleanup(self)
        try:
            removed = cleanup_prefix(self.prefix, self.stale_file_prefixes)
            if removed:
                note(f"removed leftovers of an earlier run: {', '.join(removed)}")
            self.workdir = tempfile.mkdtemp(prefix=f"haslb-lab-{self.prefix}-")
            self.dut = self.add_namespace("dut")
        except BaseException:
            self.close()
            raise
        return self

    def close(self):
        """Removes everything this lab created; safe to call more than once
        and from signal/atexit paths. Problems are reported, not raised."""
        if self._closed:
            return
        self._closed = True
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK,
                                          {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
        try:
            self._teardown()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
            _unregister_cleanup(self)

    def _teardown(self):
        def attempt(what, fn, *args):
            try:
                return fn(*args)
            except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
                note(f"warning: {what}: {e}")
                return None

        for h in reversed(self.haslbs):
            attempt(f"stopping haslb {h.file_prefix}", h.kill_if_running)
        for p in reversed(self.procs):
            attempt(f"stopping process {p.pid}", _stop_process, p)
        for ns in reversed(self.namespaces):
            if not attempt(f"deleting netns {ns.name}", delete_netns, ns.name):
                note(f"warning: netns {ns.name} may be left behind")
        for fp in self.file_prefixes:
            attempt(f"removing leftovers of {fp}", remove_haslb_leftovers, fp)
        if self.workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        elif self.workdir:
            note(f"kept lab workdir {self.workdir}")
        if self._lock:
            unlock_prefix(self._lock)
            self._lock = None

    # -- building blocks ----------------------------------------------------

    def path(self, name):
        """A path in this lab's private work directory (removed on close)."""
        return os.path.join(self.workdir, name)

    def new_file_prefix(self):
        """A DPDK file prefix unique to this lab (`<prefix>-h<N>`); the lab
        removes what a haslb with it leaves behind."""
        fp = f"{self.prefix}-h{len(self.file_prefixes) + 1}"
        self.file_prefixes.append(fp)
        return fp

    def own_file_prefix(self, fp):
        """Registers a file prefix chosen elsewhere (e.g. by a config file)
        whose leftovers this lab must remove."""
        if fp not in self.file_prefixes:
            self.file_prefixes.append(fp)

    def add_namespace(self, suffix):
        """Creates namespace `<prefix>-<suffix>` with lo up and IPv6 off
        (no router solicitations or MLD noise on the segments)."""
        if not NAME_RE.match(suffix):
            raise ValueError(f"namespace suffix {suffix!r}: 1-12 lower-case letters/digits")
        ns = Netns(self, f"{self.prefix}-{suffix}")
        run(["ip", "netns", "add", ns.name], timeout=10)
        self.namespaces.append(ns)
        ns.iproute("link", "set", "lo", "up")
        ns.sysctl(net__ipv6__conf__all__disable_ipv6=1, net__ipv6__conf__default__disable_ipv6=1)
        return ns

    def add_segment(self, name, address, *, ifname=None, tap=False, address6=None):
        """Creates segment `name` whose appliance address is `address`
        ("192.0.2.1/24") and, with `address6` ("2001:db8:a::1/64"), IPv6
        address: bridge `br-<name>` in the dut namespace and, unless
        `tap`, a veth whose end `ifname` (default `lab-<name>`) is haslb's
        af_packet port. With `tap`, call attach_tap() once haslb runs (the
        Haslb helper does it for tap ports)."""
        if name in self.segments:
            raise ValueError(f"segment {name} exists")
        seg = Segment(self, name, address, ifname or f"lab-{name}"[:IFNAMSIZ], tap, address6)
        self.dut.iproute("link", "add", seg.bridge, "type", "bridge", "stp_state", "0",
                    "forward_delay", "0", "mcast_snooping", "0")
        self.dut.iproute("link", "set", seg.bridge, "up")
        self.segments[name] = seg
        if not tap:
            self.connect(seg, self.dut, seg.ifname)
        return seg

    def connect(self, segment, ns, ifname, *, mac=None):
        """Plugs namespace `ns` into `segment`: a veth whose end `ifname` is
        in `ns` (up, no address) and whose peer is a port of the segment's
        bridge. Also used for a second appliance namespace. Returns the
        peer's name."""
        self._veths += 1
        peer = f"v{self._veths}-{ifname}"[:IFNAMSIZ]
        args = ["link", "add", peer, "type", "veth", "peer", "name", ifname, "netns", ns.name]
        self.dut.iproute(*args)
        if mac:
            ns.iproute("link", "set", ifname, "address", mac)
        self.dut.iproute("link", "set", peer, "master", segment.bridge, "up")
        ns.iproute("link", "set", ifname, "up")
        return peer

    def attach_tap(self, segment, ifname=None, *, ns=None, timeout=10):
        """Bridges haslb's net_tap port: waits (bounded) until tap `ifname`
        appears in `ns` (default: the dut namespace, which holds the bridges),
        gives its kernel side its own MAC (a bridge delivers frames for a
        port's own MAC locally instead of forwarding them, and net_tap gives
        the kernel side the port's MAC), enslaves it and sets it up."""
        ns = ns or self.dut
        if ns is not self.dut:
            raise ValueError("taps can only be bridged in the dut namespace")
        ifname = ifname or segment.ifname
        wait_until(lambda: ns.link_exists(ifname), timeout, what=f"tap {ifname} in {ns.name}")
        mac = _local_mac(self.prefix, "tap", ifname)
        ns.iproute("link", "set", ifname, "address", mac)
        ns.iproute("link", "set", ifname, "master", segment.bridge, "up")
        # net_tap writes the port MAC to the kernel side when the port starts;
        # call this after haslb is ready (Haslb.start does) so it sticks.
        if ns.mac(ifname) != mac:
            raise RuntimeError(f"tap {ifname}: MAC changed back while bridging "
                               "(attach after the ports started)")

    def add_host(self, name, segment, address, *, gateway=None, forwarding=False,
                 addresses=(), routes=(), address6=None, gateway6=None):
        """Creates host namespace `<prefix>-<name>` on `segment` (a Segment
        or its name) with eth0 = `address` ("192.0.2.10/24"), a default
        route via `gateway` (default: the appliance's address on the
        segment; "" for none), extra `addresses` (on lo, e.g. "x/32"),
        extra `routes` ((prefix, via) pairs, IPv4 or IPv6), optional
        ip_forward. With `address6` ("2001:db8:a::10/64") IPv6 is on (no
        DAD, no RS/SLAAC) and the default IPv6 route goes via `gateway6`
        (default: the segment's address6; "" for none). eth0 has TX
        checksum/segmentation offloads off (the veth checksum trap)."""
        seg = self.segments[segment] if isinstance(segment, str) else segment
        if name in self.hosts or name == "dut":
            raise ValueError(f"host name {name!r} is taken")
        ns = self.add_namespace(name)
        host = Host(self, name, seg, address, address6)
        self.hosts[name] = host
        self.connect(seg, ns, "eth0")
        host.run(["ethtool", "-K", "eth0", "tx", "off", "tso", "off", "gso", "off"], timeout=10)
        host.iproute("addr", "add", address, "dev", "eth0")
        gw = seg.gateway if gateway is None else gateway
        if gw:
            host.iproute("route", "add", "default", "via", gw)
        if address6:
            host.enable_ipv6()
            host.iproute("-6", "addr", "add", address6, "dev", "eth0", "nodad")
            gw6 = seg.gateway6 if gateway6 is None else gateway6
            if gw6:
                host.iproute("-6", "route", "add", "default", "via", gw6)
        for a in addresses:
            host.add_address(a)
        for prefix, via in routes:
            host.add_route(prefix, via=via)
        if forwarding:
            host.sysctl(net__ipv4__ip_forward=1)
            if address6:
                host.sysctl(net__ipv6__conf__all__forwarding=1)
        return host

    # -- processes ----------------------------------------------------------

    def kill(self, proc):
        """Stops a process started by popen() now (SIGTERM to its group,
        bounded wait, SIGKILL) instead of at close."""
        _stop_process(proc)

    def popen(self, argv, *, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
              stderr=subprocess.DEVNULL, env=None, new_session=True):
        """Starts a background process the lab kills on close (by PID: its
        process group when `new_session`, which is the default)."""
        p = subprocess.Popen(as_argv(argv), stdin=stdin, stdout=stdout, stderr=stderr,
                             env=env, start_new_session=new_session)
        p.lab_new_session = new_session
        self.procs.append(p)
        return p


def _stop_process(p, timeout=3):
    """Stops one tracked process: SIGTERM to its group (or itself), bounded
    wait, then SIGKILL."""
    if p.poll() is not None:
        return
    group = getattr(p, "lab_new_session", False)

    def send(sig):
        try:
            if group:
                os.killpg(p.pid, sig)
            else:
                p.send_signal(sig)
        except ProcessLookupError:
            pass

    send(signal.SIGTERM)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            note(f"warning: process {p.pid} did not exit")
    if group:  # children that outlived the leader (same group, ours)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _local_mac(*parts):
    """A stable locally administered unicast MAC derived from `parts`."""
    import hashlib
    h = hashlib.sha256("/".join(parts).encode()).digest()
    return "02:" + ":".join(f"{b:02x}" for b in h[:5])

