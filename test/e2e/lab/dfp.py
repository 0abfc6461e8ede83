# SPDX-License-Identifier: BSD-3-Clause
"""DFP (Cisco Dynamic Feedback Protocol) in the HA-SLB lab: the agents on the
real HAs and what haslb's DFP manager shows.

- `Agent(host, port=500, weight=25, password=None)`: `haslb-dfp-agent` in a
  real's namespace, in `--command` mode reading a weight file, so a test
  changes the reported weight with `set_weight(n)` (the agent re-checks
  every second and reports a change at once). `stop()`, `pause()` (SIGSTOP:
  the connection stays open, nothing is sent), `resume()`, `start()` again.
- `slb_text(agents, password=None, **slb_kw)`: mip.slb_text() with an
  `slb.dfp` block; `agent_entry()` builds one entry.
- `restart_haslb(slb, text)`: replaces the SlbLab's haslb by one started
  with another `slb` text (same lab, hosts and responders).
- Parsers of `show slb dfp` and `show slb dfp weights`, and `tele_dfp()`
  for telemetry /haslb/slb/dfp.
"""
import os
import re
import signal

from . import REPO
from .util import wait_until

AGENT_PORT = 500
IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
STATES = ("NOT_OPEN", "TRYING", "CONNECTING", "OPEN", "FAILED", "SECURITY_ERROR")


def agent_binary():
    """$HASLB_DFP_AGENT_BIN, else build/app/haslb-dfp-agent/haslb-dfp-agent."""
    return os.environ.get("HASLB_DFP_AGENT_BIN") or os.path.join(
        REPO, "build", "app", "haslb-dfp-agent", "haslb-dfp-agent")


# -- the agent on a real ------------------------------------------------------

class Agent:
    """One haslb-dfp-agent in host `host`, listening on TCP `port`, reporting
    the weight held in a file of the lab's work dir (`--command "exit
    $(cat FILE)"`, so 0..255). The lab kills it when it closes."""

    def __init__(self, host, port=AGENT_PORT, *, weight=25, password=None, args=()):
        self.host = host
        self.port = port
        self.password = password
        self.args = list(args)
        self.weight_path = host.lab.path(f"dfp-{host.host}-{port}.weight")
        self.log_path = host.lab.path(f"dfp-{host.host}-{port}.log")
        self.proc = None
        self._write(weight)

    def _write(self, weight):
        if not 0 <= int(weight) <= 255:
            raise ValueError(f"an exit status carries 0..255, not {weight}")
        tmp = self.weight_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{int(weight)}\n")
        os.replace(tmp, self.weight_path)
        self.weight = int(weight)

    def argv(self):
        """The agent's command line."""
        argv = [agent_binary(), "--port", str(self.port),
                "--command", f"exit $(cat {self.weight_path})"]
        if self.password is not None:
            argv += ["--password", self.password]
        return argv + self.args

    def start(self, timeout=10):
        """Starts the agent and waits (bounded) until it listens; returns self."""
        binary = agent_binary()
        if not os.access(binary, os.X_OK):
            raise RuntimeError(f"{binary} does not exist or is not executable (build first)")
        with open(self.log_path, "a") as log:
            log.write(f"--- start: {' '.join(self.argv())}\n")
            log.flush()
            self.proc = self.host.popen(self.argv(), stderr=log, stdout=log)
        wait_until(lambda: self.proc.poll() is not None or self.host.listening(self.port),
                   timeout, what=f"dfp agent on {self.host.host}:{self.port} listening")
        if self.proc.poll() is not None:
            raise RuntimeError(f"dfp agent on {self.host.host} exited "
                               f"{self.proc.returncode}:\n{self.log()}")
        return self

    def stop(self):
        """Kills the agent now (its connection closes)."""
        if self.proc is not None:
            self.resume()
            self.host.lab.kill(self.proc)
            self.proc = None

    def restart(self, **kw):
        """stop() then start(); `kw` may change `password` or `weight`."""
        self.stop()
        if "password" in kw:
            self.password = kw.pop("password")
        if "weight" in kw:
            self._write(kw.pop("weight"))
        return self.start(**kw)

    def pause(self):
        """SIGSTOP: the TCP connection stays up but nothing is sent or read."""
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        """SIGCONT after pause()."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGCONT)

    def set_weight(self, weight):
        """The weight the agent reports from its next check (within ~1 s)."""
        self._write(weight)

    @property
    def running(self):
        """True while the agent process lives."""
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        """The agent's stderr/stdout so far (for failure messages)."""
        try:
            with open(self.log_path) as f:
                return f.read()[-4000:]
        except OSError:
            return ""


# -- configuration ----------------------------------------------------------------

def agent_entry(address, port=AGENT_PORT, *, timeout=None, retry_count=None,
                retry_interval=None, password=None):
    """One `slb.dfp.agents` entry (libconfig text); None = key left out."""
    kv = [f'address = "{address}";', f"port = {port};"]
    for key, value in (("timeout", timeout), ("retry_count", retry_count),
                       ("retry_interval", retry_interval)):
        if value is not None:
            kv.append(f"{key} = {value};")
    if password is not None:
        kv.append(f'password = "{password}";')
    return "{ " + " ".join(kv) + " }"


def slb_text(agents, *, password=None, **slb_kw):
    """mip.slb_text(**slb_kw) with `dfp = { [password]; agents = (...); }`
    inside the slb group; `agents` are agent_entry() strings."""
    from . import mip
    base = mip.slb_text(**slb_kw).rstrip()
    if not base.endswith("};"):
        raise ValueError("unexpected slb text")
    pw = f'    password = "{password}";\n' if password is not None else ""
    block = ("  dfp = {\n" + pw + "    agents = (\n      " + ",\n      ".join(agents) +
             "\n    );\n  };\n")
    return base[:-2] + block + "};"


def restart_haslb(slb, text, timeout=30):
    """Stops the SlbLab's haslb and starts a new one (new file prefix) in the
    same lab with `text` as its slb group; warms ARP again. Returns it."""
    from . import standard
    old = slb.haslb
    if old.running:
        old.stop(check=False)
    slb.haslb = standard.standard_haslb(slb.lab, extra=text).start(timeout=timeout)
    for a in slb.reals:
        slb.pdsn.wait_ping(a, timeout=15)
    return slb.haslb


# -- what haslb shows ---------------------------------------------------------------

def parse_dfp(text):
    """`show slb dfp` -> {"password": "set" | "none" | None, "agents":
    {(address, port): {"timeout", "retry_count", "interval", "state",
    "messages", "lost", "last" (what follows Lost, e.g. "2s ago", or
    None)}}}."""
    m = re.search(r"DFP Manager:\s*password\s+(\w+)", text)
    agents = {}
    row = re.compile(rf"^\s*({IPV4})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([A-Z_]+)\s+(\d+)\s+"
                     r"(\d+)(?:\s+(.*?))?\s*$")
    for line in text.splitlines():
        r = row.match(line)
        if r:
            agents[(r.group(1), int(r.group(2)))] = {
                "timeout": int(r.group(3)), "retry_count": int(r.group(4)),
                "interval": int(r.group(5)), "state": r.group(6),
                "messages": int(r.group(7)), "lost": int(r.group(8)),
                "last": r.group(9)}
    return {"password": m.group(1) if m else None, "agents": agents}


WEIGHT_LINE = re.compile(rf"Real IP Address:\s*({IPV4})\s+Protocol:\s*(\S+)\s+Port:\s*(\d+)\s+"
                         r"Bind_ID:\s*(\d+)\s+Weight:\s*(\d+)")
SET_BY_LINE = re.compile(rf"Set by Agent\s+({IPV4}):(\d+)\s+at\s+(\d\d:\d\d:\d\d) UTC "
                         r"(\d\d/\d\d/\d\d)")


def parse_dfp_weights(text):
    """`show slb dfp weights` (seed format, two lines per real) -> {real:
    {"protocol", "port", "bind_id", "weight", "agent" ("A:port"), "time"
    ("HH:MM:SS"), "date" ("MM/DD/YY")}}. A real without its "Set by" line
    has agent None."""
    out = {}
    cur = None
    for line in text.splitlines():
        m = WEIGHT_LINE.search(line)
        if m:
            cur = out[m.group(1)] = {"protocol": m.group(2), "port": int(m.group(3)),
                                     "bind_id": int(m.group(4)), "weight": int(m.group(5)),
                                     "agent": None, "time": None, "date": None}
            continue
        m = SET_BY_LINE.search(line)
        if m and cur is not None:
            cur.update(agent=f"{m.group(1)}:{m.group(2)}", time=m.group(3), date=m.group(4))
            cur = None
    return out


def tele_key(*parts):
    """A telemetry key of /haslb/slb/dfp: "agent", "198.51.100.11", 500 ->
    "agent_198_51_100_11_500" (DPDK allows only [A-Za-z0-9_/])."""
    return "_".join(str(p).replace(".", "_") for p in parts)


def tele_dfp(slb):
    """Telemetry /haslb/slb/dfp (the dict under the command)."""
    return slb.tele("/haslb/slb/dfp")


def show_dfp(slb):
    """`show slb dfp`, parsed (parse_dfp)."""
    return parse_dfp(slb.console("show slb dfp"))


def show_weights(slb):
    """`show slb dfp weights`, parsed (parse_dfp_weights)."""
    return parse_dfp_weights(slb.console("show slb dfp weights"))


def agent_row(slb, address, port=AGENT_PORT):
    """The `show slb dfp` row of one agent, or None."""
    return show_dfp(slb)["agents"].get((address, port))


def manager_ready(slb):
    """True when haslb has the DFP commands (`help` lists `show slb dfp`)."""
    return "show slb dfp" in slb.console("help")
