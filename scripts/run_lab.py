#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Body of scripts/run-lab: the standard lab (test/e2e/lab, the same code as
the e2e tests) with haslb running app/haslb/conf/lab.conf.

    run_lab.py [--demo | --interactive] [--config FILE]

Default: interactive if stdin is a terminal, else the scripted demo.
"""
import argparse
import os
import re
import signal
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "test", "e2e"))
sys.dont_write_bytecode = True

from lab import Haslb, HaslbError, Lab, standard  # noqa: E402

LAB_PREFIX = "hlab"
DEFAULT_CONFIG = os.path.join(REPO, "app", "haslb", "conf", "lab.conf")


def config_file_prefix(path):
    """The eal.file_prefix a config sets (the console socket and exception
    namespace are named after it); "haslb" (the default) if it sets none."""
    with open(path) as f:
        m = re.search(r'file_prefix\s*[=:]\s*"([^"]+)"', f.read())
    return m.group(1) if m else "haslb"


def step(msg):
    """One demo step, visible in the output."""
    print(f"\n==> {msg}", flush=True)


def show(haslb, *commands):
    """Runs console commands over the socket and prints them with output."""
    for c in commands:
        print(f"haslb> {c}")
        print(haslb.console(c).rstrip("\n"), flush=True)


def ping_step(host, dst, what):
    """Pings `dst` from `host` (waiting, bounded, for the first reply while
    ARP resolves) and prints the output; returns True on success."""
    step(f"ping {what}: ip netns exec {host.name} ping -c 3 {dst}")
    try:
        host.wait_ping(dst, timeout=15)
    except TimeoutError as e:
        print(f"FAILED: {e}")
        return False
    r = host.ping(dst, count=3)
    print(r.output.rstrip("\n"))
    if not r.ok:
        print(f"FAILED: {r.received}/{r.sent} replies")
    return r.ok


def demo(lab, haslb):
    """The scripted demo; returns the exit status."""
    pdsn, srv = lab.hosts["pdsn"], lab.hosts["srv"]
    step(f"starting haslb -c {os.path.relpath(haslb.config_path, REPO)} --console "
         f"in netns {lab.dut.name}")
    haslb.start(console=True)
    print(f"haslb: ready (pid {haslb.pid}); console socket {haslb.socket_path}")
    step("console: show ports, show routes")
    show(haslb, "show ports", "show routes")
    ok = ping_step(pdsn, srv.ip, "pdsn -> srv across haslb")
    ok &= ping_step(pdsn, standard.SRV_LOOPBACK,
                    "pdsn -> 203.0.113.129 (static route 203.0.113.128/25 via srv)")
    ok &= ping_step(pdsn, srv.ip6, "pdsn -> srv across haslb over IPv6")
    ok &= ping_step(pdsn, standard.SRV_LOOPBACK6,
                    "pdsn -> 2001:db8:cc::1 (static route 2001:db8:cc::/48 via srv)")
    step("console: show neighbors, show ipv6 neighbors, show stats")
    show(haslb, "show neighbors", "show ipv6 neighbors", "show stats")
    step(f"stopping haslb: kill -TERM {haslb.pid}")
    rc = haslb.stop(check=False)
    left = haslb.leftovers()
    print(f"haslb exited with status {rc}" + (f"; left behind: {', '.join(left)}" if left else ""))
    if rc != 0 or left or not ok:
        print("\n--- haslb stderr (last lines)")
        print("\n".join(haslb.stderr.splitlines()[-30:]))
    step("tearing the lab down")
    return 0 if ok and rc == 0 and not left else 1


def interactive(lab, haslb):
    """haslb's console on this terminal until haslb exits; returns its status."""
    print(f"""haslb lab: namespaces {', '.join(ns.name for ns in lab.namespaces)}
  hosts:   pdsn 192.0.2.10 2001:db8:a::10 (access), ha1 198.51.100.11 2001:db8:f::11 (farm),
           srv 203.0.113.10 2001:db8:c::10 + 203.0.113.129 2001:db8:cc::1 (core)
  try:     ip netns exec {lab.hosts['pdsn'].name} ping 203.0.113.10
           ip netns exec {lab.hosts['pdsn'].name} ping 2001:db8:cc::1
  console: here, or scripts/haslb-console -p {haslb.file_prefix} (another terminal)
  logs:    {haslb.stderr_path}
  quit the console (or Ctrl-C) to stop haslb and tear the lab down.
""", flush=True)
    haslb.start(interactive=True)
    # Ctrl-C goes to haslb too (same process group): it shuts down cleanly
    # and we tear down after it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rc = haslb.wait()
    print(f"\nhaslb exited with status {rc}; tearing the lab down", flush=True)
    return 0 if rc == 0 else 1


def main():
    """Builds the lab, runs the chosen mode, tears down; returns the status."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--demo", action="store_true", help="run the scripted demo")
    mode.add_argument("--interactive", action="store_true", help="console on the terminal")
    ap.add_argument("--config", default=DEFAULT_CONFIG, help="haslb config (default lab.conf)")
    args = ap.parse_args()
    use_terminal = args.interactive or (not args.demo and sys.stdin.isatty())
    fp = config_file_prefix(args.config)
    with Lab(LAB_PREFIX, stale_file_prefixes=[fp]) as lab:
        standard.build_standard(lab, ipv6=True)
        haslb = Haslb(lab, config=args.config, file_prefix=fp)
        try:
            return interactive(lab, haslb) if use_terminal else demo(lab, haslb)
        except HaslbError as e:
            print(f"run-lab: {e}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
