# SPDX-License-Identifier: BSD-3-Clause
"""Starting, talking to and stopping the real haslb binary in a lab.

`Haslb(lab, ports=[...], routes=[...])` writes a config into the lab's work
directory (absolute @include of the driver profile, a file prefix unique to
the lab), `start()` runs `ip netns exec <dut> haslb -c CFG --no-console` and
waits for `haslb: ready`, `console()` and `telemetry()` query the running
daemon, `stop()` sends SIGTERM by PID and checks that haslb removed its
exception namespace and console socket.
"""
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass

from . import REPO
from .netns import CONSOLE_DIR, DPDK_RUN_DIR, NETNS_DIR, Netns
from .util import note, wait_until

READY_LINE = "haslb: ready"


def launcher():
    """How haslb is put into its namespace: $HASLB_LAB_LAUNCHER, "ip-netns-exec"
    (default, the documented way) or "nsenter" (`nsenter --net=...`, which
    keeps the caller's mount namespace; `ip netns exec` gives the process a
    private one)."""
    value = os.environ.get("HASLB_LAB_LAUNCHER", "ip-netns-exec")
    if value not in ("ip-netns-exec", "nsenter"):
        raise ValueError(f"HASLB_LAB_LAUNCHER={value!r}: use ip-netns-exec or nsenter")
    return value


def in_netns(ns_name, argv):
    """`argv` prefixed to run in namespace `ns_name` with the chosen launcher."""
    if launcher() == "nsenter":
        return ["nsenter", f"--net={os.path.join(NETNS_DIR, ns_name)}", "--", *argv]
    return ["ip", "netns", "exec", ns_name, *argv]


def haslb_binary():
    """Path of the haslb executable: $HASLB_BIN or build/app/haslb/haslb."""
    return os.environ.get("HASLB_BIN") or os.path.join(REPO, "build", "app", "haslb", "haslb")


class HaslbError(RuntimeError):
    """haslb did not start (crash, timeout) or did not stop cleanly; the
    message carries its stderr."""


@dataclass
class Port:
    """One data port of a generated config.

    `segment` is a lab Segment; `address` defaults to the segment's
    appliance address and `ifname` to the segment's interface name;
    `driver` is "af_packet" (veth made by the lab) or "tap" (haslb creates
    the tap, the lab bridges it). `settings` is extra libconfig text inside
    the port's group, e.g. 'mac = "02:00:00:00:00:01";'. `address6`
    defaults to the segment's (None: no IPv6 on the port).
    """
    name: str
    segment: object
    address: str = None
    address6: str = None
    driver: str = "af_packet"
    ifname: str = None
    settings: str = ""

    def device(self, index):
        """The `device` devargs for DPDK vdev number `index`."""
        ifname = self.ifname or self.segment.ifname
        if self.driver == "af_packet":
            return f"net_af_packet{index},iface={ifname},qpairs=2"
        if self.driver == "tap":
            return f"net_tap{index},iface={ifname}"
        raise ValueError(f"port {self.name}: unknown driver {self.driver!r}")


def console_query(path, commands, timeout=10):
    """Sends `commands` (one per line) to a haslb console socket, half-closes
    and returns everything the server wrote until it closed (str)."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall("".join(c.rstrip("\n") + "\n" for c in commands).encode())
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"console {path}: no EOF within {timeout}s; got "
                                   f"{b''.join(chunks).decode(errors='replace')!r}")
            s.settimeout(left)
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode(errors="replace")


def telemetry_query(path, command, timeout=5):
    """One DPDK telemetry v2 request on SOCK_SEQPACKET socket `path`: reads the
    greeting (for max_output_len), sends `command`, returns the parsed reply
    (e.g. {"/haslb/version": {...}})."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(timeout)
        s.connect(path)
        info = json.loads(s.recv(1024).decode())
        max_len = int(info.get("max_output_len", 16384))
        s.send(command.encode())
        return json.loads(s.recv(max_len).decode())


def parse_name_values(text):
    """`name: value` lines (show stats, show stats drops) -> {name: int}."""
    out = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        value = value.strip()
        if sep and value.lstrip("-").isdigit():
            out[name.strip()] = int(value)
    return out


class Haslb:
    """One haslb process in a lab namespace (default: the dut namespace).

    Either generates a config from `ports` (Port list), `routes` ((prefix,
    via) pairs), `neighbors` (dict for the `neighbors` group) and `extra`
    (raw libconfig text appended, for later features' groups), or runs an
    existing `config` file, in which case `file_prefix` must be the one it
    sets. `profile` is the drivers-cfg profile name (default lab-af_packet,
    lab-tap if any port is a tap).
    """

    def __init__(self, lab, ports=(), routes=(), *, extra="", neighbors=None, config=None,
                 file_prefix=None, ns=None, lcores="0-1", profile=None, args=(),
                 name="haslb"):
        self.lab = lab
        self.ports = list(ports)
        self.routes = list(routes)
        self.extra = extra
        self.neighbors = neighbors
        self.ns = ns or lab.dut
        self.lcores = lcores
        self.args = list(args)
        self.name = name
        self.proc = None
        self.returncode = None
        self._stdin = None
        if config:
            if not file_prefix:
                raise ValueError("an existing config needs its file_prefix")
            self.config_path = os.path.abspath(config)
            self.file_prefix = file_prefix
            lab.own_file_prefix(file_prefix)
        else:
            self.file_prefix = file_prefix or lab.new_file_prefix()
            lab.own_file_prefix(self.file_prefix)
            if profile is None:
                tap = any(p.driver == "tap" for p in self.ports)
                profile = "lab-tap" if tap else "lab-af_packet"
            self.profile = profile
            self.config_path = lab.path(f"{self.file_prefix}.conf")
            with open(self.config_path, "w") as f:
                f.write(self.config_text())
        self.stdout_path = lab.path(f"{self.file_prefix}.stdout")
        self.stderr_path = lab.path(f"{self.file_prefix}.stderr")

    # -- names --------------------------------------------------------------

    @property
    def socket_path(self):
        """The console socket: /run/haslb/<file_prefix>.sock."""
        return os.path.join(CONSOLE_DIR, f"{self.file_prefix}.sock")

    @property
    def telemetry_path(self):
        """DPDK's telemetry socket for this file prefix."""
        return os.path.join(DPDK_RUN_DIR, self.file_prefix, "dpdk_telemetry.v2")

    @property
    def exception_ns(self):
        """haslb's exception-path namespace `haslb-<file_prefix>` (a Netns:
        run()/popen() there reach the data ports through the taps)."""
        return Netns(self.lab, f"haslb-{self.file_prefix}")

    @property
    def pid(self):
        """PID of the haslb process (`ip netns exec` execs it)."""
        return self.proc.pid if self.proc else None

    # -- config -------------------------------------------------------------

    def config_text(self):
        """The generated libconfig text."""
        lines = [
            "# generated by test/e2e/lab (haslb.Haslb)",
            f'@include "{os.path.join(REPO, "drivers-cfg", self.profile + ".conf")}"',
            f'eal = {{ lcores = "{self.lcores}"; file_prefix = "{self.file_prefix}"; }};',
        ]
        if self.ports:
            lines.append("ports = (")
            rows = []
            for i, p in enumerate(self.ports):
                addr = p.address or p.segment.address
                addr6 = p.address6 or p.segment.address6
                v6 = f'address6 = "{addr6}"; ' if addr6 else ""
                rows.append(f'  {{ name = "{p.name}"; device = "{p.device(i)}"; '
                            f'address = "{addr}"; {v6}{p.settings}}}')
            lines.append(",\n".join(rows))
            lines.append(");")
        if self.routes:
            lines.append("routes = (")
            lines.append(",\n".join(f'  {{ prefix = "{pfx}"; via = "{via}"; }}'
                                    for pfx, via in self.routes))
            lines.append(");")
        if self.neighbors:
            body = " ".join(f"{k} = {v};" for k, v in self.neighbors.items())
            lines.append(f"neighbors = {{ {body} }};")
        lines.append(f'console = {{ socket_dir = "{CONSOLE_DIR}"; }};')
        if self.extra:
            lines.append(self.extra)
        return "\n".join(lines) + "\n"

    # -- life cycle ---------------------------------------------------------

    def start(self, timeout=30, console=False, interactive=False):
        """Starts haslb and waits (bounded) until it is ready; returns self.

        Default: `--no-console`, stdout/stderr to files, ready = the line
        `haslb: ready` on stdout. `console=True`: `--console` with stdin a
        pipe kept open (an idle terminal console). `interactive=True`:
        `--console` on this process's terminal (run-lab), stderr to the log
        file, ready = the console socket accepts connections. Tap ports are
        bridged once ready. Raises HaslbError with haslb's stderr if it
        exits or is not ready in time.
        """
        if self.proc is not None:
            raise RuntimeError("already started")
        binary = haslb_binary()
        if not os.access(binary, os.X_OK):
            raise HaslbError(f"{binary} does not exist or is not executable (build first)")
        if os.path.exists(self.socket_path) or os.path.exists(
                os.path.join(NETNS_DIR, f"haslb-{self.file_prefix}")):
            raise HaslbError(f"a haslb with file prefix {self.file_prefix} seems to run already "
                             f"({self.socket_path} or netns haslb-{self.file_prefix} exists)")
        mode = "--console" if (console or interactive) else "--no-console"
        argv = in_netns(self.ns.name, [binary, "-c", self.config_path, mode, *self.args])
        self.lab.haslbs.append(self)
        err = open(self.stderr_path, "w")
        try:
            if interactive:
                # Same process group as us: the console reads the terminal.
                self.proc = subprocess.Popen(argv, stderr=err)
            else:
                out = open(self.stdout_path, "w")
                stdin = subprocess.PIPE if console else subprocess.DEVNULL
                self.proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err,
                                             start_new_session=True)
                out.close()
                self._stdin = self.proc.stdin
        finally:
            err.close()
        note(f"started haslb pid {self.proc.pid} in {self.ns.name} with {self.config_path}")
        if interactive:
            ready = self._socket_ready
        else:
            ready = lambda: READY_LINE in self.stdout  # noqa: E731
        try:
            wait_until(lambda: self.proc.poll() is not None or ready(), timeout,
                       interval=0.05, what="haslb: ready")
        except TimeoutError:
            self.kill_if_running()
            raise HaslbError(f"haslb not ready within {timeout}s\n--- stderr\n{self.stderr}") \
                from None
        if self.proc.poll() is not None:
            self.returncode = self.proc.returncode
            raise HaslbError(f"haslb exited with {self.returncode} before ready\n"
                             f"--- stderr\n{self.stderr}")
        for p in self.ports:
            if p.driver == "tap":
                self.lab.attach_tap(p.segment, p.ifname or p.segment.ifname, ns=self.ns)
        return self

    def _socket_ready(self):
        try:
            console_query(self.socket_path, [], timeout=2)
            return True
        except OSError:
            return False

    @property
    def running(self):
        """True while the process runs."""
        return self.proc is not None and self.proc.poll() is None

    @property
    def stdout(self):
        """Everything haslb wrote on stdout so far (non-interactive modes)."""
        return _read(self.stdout_path)

    @property
    def stderr(self):
        """Everything haslb logged on stderr so far."""
        return _read(self.stderr_path)

    def wait(self, timeout=None):
        """Waits for haslb to exit by itself; returns its exit status."""
        self.returncode = self.proc.wait(timeout)
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=15, check=True):
        """Stops haslb with `sig` (by PID), waits up to `timeout` seconds and
        returns its exit status. With `check`, raises HaslbError if it did
        not exit in time (it is then killed) or left its exception namespace
        or console socket behind."""
        if self.proc is None:
            raise RuntimeError("not started")
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill_if_running()
                if check:
                    raise HaslbError(f"haslb did not exit within {timeout}s of signal {sig}\n"
                                     f"--- stderr\n{self.stderr}") from None
        self._close_stdin()
        self.returncode = self.proc.returncode
        if check:
            left = self.leftovers()
            if left:
                raise HaslbError(f"haslb exited {self.returncode} but left {', '.join(left)}\n"
                                 f"--- stderr\n{self.stderr}")
        return self.returncode

    def leftovers(self):
        """What of this haslb still exists: its exception namespace and/or
        console socket (empty list after a clean exit)."""
        left = []
        if self.exception_ns.exists():
            left.append(f"netns {self.exception_ns.name}")
        if os.path.lexists(self.socket_path):
            left.append(self.socket_path)
        return left

    def kill_if_running(self, timeout=10):
        """Cleanup path: SIGTERM, bounded wait, SIGKILL. No checks."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                note(f"haslb {self.pid} ignored SIGTERM for {timeout}s: SIGKILL")
                self.proc.kill()
                self.proc.wait(timeout)
        self._close_stdin()
        self.returncode = self.proc.returncode

    def _close_stdin(self):
        if self._stdin:
            try:
                self._stdin.close()
            except OSError:
                pass
            self._stdin = None

    # -- front-ends ---------------------------------------------------------

    def console(self, *commands, timeout=10):
        """Runs console commands over the unix socket; returns their output."""
        return console_query(self.socket_path, commands, timeout)

    def telemetry(self, command, timeout=5):
        """One telemetry request, e.g. telemetry("/haslb/ports") -> the parsed
        reply {"/haslb/ports": {...}}."""
        return telemetry_query(self.telemetry_path, command, timeout)

    def stats(self):
        """Telemetry /haslb/stats as {"counters": {...}, "drops": {...}}."""
        return self.telemetry("/haslb/stats")["/haslb/stats"]

    def console_stats(self, drops=False):
        """`show stats` (or `show stats drops`) parsed into {name: int}."""
        return parse_name_values(self.console("show stats drops" if drops else "show stats"))


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""
