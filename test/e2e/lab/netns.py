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
"""
import atexit
import fcntl
import glob
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile

from .util import as_argv, note, run, wait_until

NETNS_DIR = "/run/netns"
LOCK_DIR = "/run/haslb-lab"
CONSOLE_DIR = "/run/haslb"
DPDK_RUN_DIR = "/var/run/dpdk"
PREFIX_RE = re.compile(r"^[a-z][a-z0-9]{0,9}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]{0,11}$")
IFNAMSIZ = 15


def lock_prefix(prefix):
    """Takes the exclusive lock of a lab prefix without waiting. Returns the
    open lock file (keep it open to hold the lock; unlock_prefix() removes
    it) or None if another lab with this prefix runs."""
    os.makedirs(LOCK_DIR, exist_ok=True)
    path = os.path.join(LOCK_DIR, f"{prefix}.lock")
    for _ in range(5):
        f = open(path, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            return None
        # The holder before us may have removed the file after we opened it.
        try:
            if os.stat(path).st_ino == os.fstat(f.fileno()).st_ino:
                return f
        except FileNotFoundError:
            pass
        f.close()
    return None


def unlock_prefix(lock):
    """Removes the lock file and releases the lock."""
    try:
        os.unlink(lock.name)
    except FileNotFoundError:
        pass
    lock.close()


def list_netns():
    """Names of all named network namespaces (those in /run/netns)."""
    try:
        return sorted(os.listdir(NETNS_DIR))
    except FileNotFoundError:
        return []


def _kill_pids(pids, sig=signal.SIGKILL):
    """Sends `sig` to each PID; PIDs that are already gone are ignored."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def netns_pids(name):
    """PIDs of the processes whose network namespace is `name`."""
    cp = run(["ip", "netns", "pids", name], check=False, timeout=10)
    return [int(x) for x in cp.stdout.split()]


def delete_netns(name, timeout=5):
    """Kills what still runs in namespace `name` (only namespaces this lab
    owns are passed here) and deletes it. Returns True if it is gone."""
    if not os.path.exists(os.path.join(NETNS_DIR, name)):
        return True
    pids = netns_pids(name)
    if pids:
        _kill_pids(pids)
        try:
            wait_until(lambda: not netns_pids(name), timeout, what=f"processes in {name} to exit")
        except TimeoutError as e:
            note(f"warning: {e}")
    run(["ip", "netns", "del", name], check=False, timeout=10)
    return not os.path.exists(os.path.join(NETNS_DIR, name))


def file_prefix_pattern(prefix):
    """The DPDK file prefixes a lab with `prefix` hands out: `<prefix>-h<N>`."""
    return re.compile(rf"^{re.escape(prefix)}-h\d+$")


def remove_haslb_leftovers(file_prefix):
    """Removes what a killed haslb with `file_prefix` may leave: its exception
    namespace, console socket and DPDK runtime directory."""
    delete_netns(f"haslb-{file_prefix}")
    for path in (os.path.join(CONSOLE_DIR, f"{file_prefix}.sock"),):
        if os.path.lexists(path):
            os.unlink(path)
    shutil.rmtree(os.path.join(DPDK_RUN_DIR, file_prefix), ignore_errors=True)


def cleanup_prefix(prefix, file_prefixes=()):
    """Removes everything a lab with `prefix` creates, e.g. after a crash:
    namespaces `<prefix>-*` (killing what runs in them first), the haslb
    leftovers of file prefixes `<prefix>-h<N>` and of `file_prefixes`, and
    work directories (also those kept with HASLB_LAB_KEEP=1). Call it only
    while holding the prefix lock. Returns the list of things removed."""
    removed = []
    fp_re = file_prefix_pattern(prefix)
    fps = set(file_prefixes)
    for ns in list_netns():
        if ns.startswith("haslb-") and fp_re.match(ns[len("haslb-"):]):
            fps.add(ns[len("haslb-"):])
    for d in (CONSOLE_DIR, DPDK_RUN_DIR):
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for n in names:
            base = n[:-len(".sock")] if n.endswith(".sock") else n
            if fp_re.match(base):
                fps.add(base)
    # Processes first (haslb runs in <prefix>-dut), then what they leave.
    for ns in list_netns():
        if ns.startswith(prefix + "-"):
            if delete_netns(ns):
                removed.append(f"netns {ns}")
    for fp in sorted(fps):
        if os.path.exists(os.path.join(NETNS_DIR, f"haslb-{fp}")):
            removed.append(f"netns haslb-{fp}")
        remove_haslb_leftovers(fp)
    for d in glob.glob(os.path.join(tempfile.gettempdir(), f"haslb-lab-{prefix}-*")):
        shutil.rmtree(d, ignore_errors=True)
        removed.append(f"workdir {d}")
    return removed


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

    def __init__(self, lab, name, address, ifname, tap):
        self.lab = lab
        self.name = name
        self.interface = ipaddress.IPv4Interface(address)
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

    def __repr__(self):
        return f"<Segment {self.name} {self.network} bridge {self.bridge}>"


class Host(Netns):
    """A host namespace `<prefix>-<name>` on one segment (interface eth0)."""

    def __init__(self, lab, name, segment, address):
        super().__init__(lab, f"{lab.prefix}-{name}")
        self.host = name
        self.segment = segment
        self.interface = ipaddress.IPv4Interface(address)

    @property
    def ip(self):
        """The host's address on its segment, without prefix length."""
        return str(self.interface.ip)

    @property
    def mac_address(self):
        """The MAC of eth0 (what the appliance should learn by ARP)."""
        return self.mac("eth0")

    def add_address(self, address, dev="lo"):
        """Adds an extra address, e.g. add_address("203.0.113.129/32")."""
        self.iproute("addr", "add", address, "dev", dev)

    def add_route(self, prefix, via=None, dev=None):
        """Adds a route in the host's table."""
        args = ["route", "add", prefix]
        if via:
            args += ["via", via]
        if dev:
            args += ["dev", dev]
        self.iproute(*args)


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

    def add_segment(self, name, address, *, ifname=None, tap=False):
        """Creates segment `name` whose appliance address is `address`
        ("192.0.2.1/24"): bridge `br-<name>` in the dut namespace and, unless
        `tap`, a veth whose end `ifname` (default `lab-<name>`) is haslb's
        af_packet port. With `tap`, call attach_tap() once haslb runs (the
        Haslb helper does it for tap ports)."""
        if name in self.segments:
            raise ValueError(f"segment {name} exists")
        seg = Segment(self, name, address, ifname or f"lab-{name}"[:IFNAMSIZ], tap)
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
                 addresses=(), routes=()):
        """Creates host namespace `<prefix>-<name>` on `segment` (a Segment
        or its name) with eth0 = `address` ("192.0.2.10/24"), a default
        route via `gateway` (default: the appliance's address on the
        segment; "" for none), extra `addresses` (on lo, e.g. "x/32"),
        extra `routes` ((prefix, via) pairs), optional ip_forward. eth0 has
        TX checksum/segmentation offloads off (the veth checksum trap)."""
        seg = self.segments[segment] if isinstance(segment, str) else segment
        if name in self.hosts or name == "dut":
            raise ValueError(f"host name {name!r} is taken")
        ns = self.add_namespace(name)
        host = Host(self, name, seg, address)
        self.hosts[name] = host
        self.connect(seg, ns, "eth0")
        host.run(["ethtool", "-K", "eth0", "tx", "off", "tso", "off", "gso", "off"], timeout=10)
        host.iproute("addr", "add", address, "dev", "eth0")
        gw = seg.gateway if gateway is None else gateway
        if gw:
            host.iproute("route", "add", "default", "via", gw)
        for a in addresses:
            host.add_address(a)
        for prefix, via in routes:
            host.add_route(prefix, via=via)
        if forwarding:
            host.sysctl(net__ipv4__ip_forward=1)
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


# -- cleanup at exit and on termination signals -----------------------------

_LABS = []
_HANDLERS_INSTALLED = False


def _register_cleanup(lab):
    global _HANDLERS_INSTALLED
    _LABS.append(lab)
    if not _HANDLERS_INSTALLED:
        _HANDLERS_INSTALLED = True
        atexit.register(_close_all)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                if signal.getsignal(sig) in (signal.SIG_DFL, None):
                    signal.signal(sig, _on_signal)
            except ValueError:  # not the main thread
                pass


def _unregister_cleanup(lab):
    if lab in _LABS:
        _LABS.remove(lab)


def _close_all():
    """atexit: closes every lab still open."""
    for lab in list(reversed(_LABS)):
        lab.close()


def _on_signal(signum, frame):
    """SIGTERM/SIGHUP: unwind like Ctrl-C so `with` blocks and pytest
    fixtures tear the labs down; atexit catches the rest."""
    raise KeyboardInterrupt(f"signal {signum}")
