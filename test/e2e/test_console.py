# SPDX-License-Identifier: BSD-3-Clause
"""The console over its unix socket (/run/haslb/<file_prefix>.sock) and
scripts/haslb-console."""
import os
import re
import subprocess

from lab import REPO, run

COMMANDS = ("help", "show ports", "show routes", "show neighbors", "show stats",
            "show version", "quit")
VERSION_RE = re.compile(r"haslb 0\.1\.0 \(DPDK 22\.11\.\d+")
ERROR_RE = re.compile(r"(?i)unknown|not found|bad|error|invalid|unrecognized")


def test_help_lists_every_command(router):
    """`help` names every command, including `show stats drops`."""
    out = router.haslb.console("help")
    for cmd in COMMANDS:
        assert cmd in out, f"{cmd!r} missing from help:\n{out}"
    assert re.search(r"show stats.*drops", out), out


def test_show_version(router):
    """`show version` gives the haslb and DPDK versions and the uptime."""
    out = router.haslb.console("show version")
    assert VERSION_RE.search(out), out
    assert re.search(r"(?i)uptime", out), out


def test_unknown_command_is_an_error_and_session_goes_on(router):
    """An unknown command gets an error message; the next command of the same
    session still runs."""
    out = router.haslb.console("frobnicate the widgets", "show version")
    first, _, _ = out.partition("haslb 0.1.0")
    assert ERROR_RE.search(first), out
    assert VERSION_RE.search(out), out


def test_quit_closes_the_session(router):
    """Nothing after `quit` runs: the server closes the session."""
    out = router.haslb.console("show version", "quit", "show routes")
    assert VERSION_RE.search(out), out
    assert "directly connected" not in out, out


def test_two_commands_with_socat(router):
    """`printf 'show ports\\nshow routes\\n' | socat -t 5 - UNIX-CONNECT:SOCK`
    prints both outputs (the documented way to script the console)."""
    cp = run(["socat", "-t", "5", "-", f"UNIX-CONNECT:{router.haslb.socket_path}"],
             input="show ports\nshow routes\n", timeout=15)
    assert "net_af_packet0" in cp.stdout and "directly connected" in cp.stdout, cp.stdout


def test_show_ports_table(router):
    """`show ports`: header and one row per port with name, device, address,
    the MAC of the port's interface and link up."""
    out = router.haslb.console("show ports")
    header = ("Port", "Name", "Device", "Address", "MAC", "Link", "RX-packets", "RX-bytes",
              "TX-packets", "TX-bytes", "Drops")
    assert re.search(r"\s+".join(header), out), out
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["0"], ["1"], ["2"])]
    by_name = {r[1]: r for r in rows if len(r) >= 11}
    for i, seg in enumerate(router.lab.segments.values()):
        row = by_name.get(seg.name)
        assert row, f"no row for {seg.name}:\n{out}"
        mac = router.lab.dut.mac(seg.ifname)
        assert row[0] == str(i) and row[2] == f"net_af_packet{i}" and row[3] == seg.address, row
        assert row[4].lower() == mac and row[5] == "up", (row, mac)
        assert all(t.isdigit() for t in row[6:11]), row


def _console_script(*args, input=None):
    return subprocess.run([os.path.join(REPO, "scripts", "haslb-console"), *args],
                          input=input, capture_output=True, text=True, timeout=30)


def test_haslb_console_script(router):
    """scripts/haslb-console -p PREFIX CMD... prints each command's output;
    -s SOCKET and commands on stdin work too."""
    fp, sock = router.haslb.file_prefix, router.haslb.socket_path
    cp = _console_script("-p", fp, "show version", "show routes")
    assert cp.returncode == 0, cp.stderr
    assert VERSION_RE.search(cp.stdout) and "directly connected" in cp.stdout, cp.stdout
    cp = _console_script("-s", sock, input="show ports\n")
    assert cp.returncode == 0 and "net_af_packet0" in cp.stdout, cp


def test_haslb_console_script_without_daemon():
    """With no haslb behind the prefix the script says so and fails."""
    cp = _console_script("-p", "hlnosuchprefix", "show version")
    assert cp.returncode != 0 and "no console socket" in cp.stderr, cp
