# SPDX-License-Identifier: BSD-3-Clause
"""RADIUS CoA, Disconnect and accounting (seed 004, RFC 5176 / 2866) with the
real FreeRADIUS tools.

The hotline lab of test_hotline.py (alice@example.com registers through
haslb with home address 198.51.100.77; profiles IPREDIR, BLOCKED, PORTAL;
curl from mn) plus, on the core segment:
- aaa 203.0.113.30: the AAA's dynamic authorization client, `radclient`
  sending CoA-Request and Disconnect-Request to haslb's 203.0.113.1:3799;
- acct 203.0.113.31: a real `radiusd` (freeradius -X) receiving haslb's
  Accounting-Requests on 1813 and writing them to a detail file.

Tests run in file order on one haslb (module fixture): each moves alice
further, as the AAA would.
"""
import os
import re
import shutil
import signal
import tempfile
import time

import pytest

import test_hotline as hl
from conftest import lab_prefix
from lab import mip, standard, wait_until

AAA, ACCT = "203.0.113.30", "203.0.113.31"
HASLB_CORE = "203.0.113.1"
COA_SECRET, ACCT_SECRET = "coa-s3cret", "acct-s3cret"
NAI, HOME, WWW = hl.NAI, hl.HOME, hl.WWW
NAI2, HOME2 = hl.NAI2, hl.HOME2


def radius_text(spool):
    return f"""
radius = {{
  dynauth = {{ clients = ( {{ address = "{AAA}"; secret = "{COA_SECRET}"; }} ); }};
  accounting = {{ spool = "{spool}"; retransmit = 300; max_retransmit = 1000; retries = 3;
    servers = ( {{ address = "{ACCT}"; secret = "{ACCT_SECRET}"; }} ); }};
}};
"""


class Radiusd:
    """freeradius -X in the acct host with a minimal config directory of its
    own: accounting on ACCT:1813 from haslb, every record to `detail`."""

    def __init__(self, host, workdir):
        self.host = host
        self.dir = workdir
        self.detail = os.path.join(workdir, "detail")
        self.log = os.path.join(workdir, "radiusd.log")
        self.proc = None
        os.makedirs(workdir, exist_ok=True)
        with open(os.path.join(workdir, "radiusd.conf"), "w") as f:
            f.write(f"""
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = {workdir}
raddbdir = {workdir}
radacctdir = {workdir}
name = freeradius
confdir = {workdir}
run_dir = {workdir}
db_dir = {workdir}
libdir = /usr/lib/freeradius
pidfile = {workdir}/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {{
  destination = stderr
}}
security {{
  allow_core_dumps = no
}}
thread pool {{
  start_servers = 1
  max_servers = 2
  min_spare_servers = 1
  max_spare_servers = 2
}}
client haslb {{
  ipaddr = {HASLB_CORE}
  secret = {ACCT_SECRET}
}}
modules {{
  detail {{
    filename = {self.detail}
    escape_filenames = no
    permissions = 0600
    header = "%t"
  }}
}}
server default {{
  listen {{
    type = acct
    ipaddr = {ACCT}
    port = 1813
  }}
  accounting {{
    detail
  }}
}}
""")

    def start(self):
        out = open(self.log, "a")
        self.proc = self.host.popen(["freeradius", "-f", "-X", "-d", self.dir], stdout=out,
                                    stderr=out)
        out.close()
        wait_until(lambda: self.host.listening(1813, "udp") or self.proc.poll() is not None, 15,
                   what="radiusd listening on 1813")
        assert self.proc.poll() is None, open(self.log).read()[-3000:]
        return self

    def stop(self):
        """SIGTERM to the radiusd this test started (its PID), bounded wait."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.proc = None

    def records(self):
        """The detail file as a list of {attribute: value} (values unquoted)."""
        if not os.path.exists(self.detail):
            return []
        recs = []
        for block in open(self.detail).read().split("\n\n"):
            rec = {}
            for line in block.splitlines():
                m = re.match(r"\s+([\w.-]+) = (.*)$", line)
                if m:
                    rec[m.group(1)] = m.group(2).strip('"')
            if rec:
                recs.append(rec)
        return recs

    def wait_records(self, n, timeout=20):
        """Waits until the detail file holds at least n records; returns them."""
        return wait_until(lambda: len(self.records()) >= n and self.records(), timeout,
                          interval=0.2, what=f"{n} accounting records in {self.detail}")


@pytest.fixture(scope="module")
def rad(request):
    spool = tempfile.mkdtemp(prefix="haslb-radius-spool-")
    state = {}

    def before(lab):
        hl.before_start(lab)
        lab.add_host("aaa", "core", f"{AAA}/25")
        acct = lab.add_host("acct", "core", f"{ACCT}/25")
        state["radiusd"] = Radiusd(acct, lab.path("radiusd")).start()

    text = mip.slb_text(natfarm=False, idle=300) + hl.CONFIG + radius_text(spool)
    try:
        for hot in mip.start_slb_lab(lab_prefix(request.module), text, before_start=before):
            hot.radiusd = state["radiusd"]
            hot.spool = spool
            hot.text = text
            hot.lab.hosts["aaa"].wait_ping(HASLB_CORE)
            yield hot
            hot.radiusd.stop()
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def radclient(hot, kind, attrs, secret=COA_SECRET, timeout=2):
    """radclient from the AAA host to haslb: (exit code, printed output)."""
    text = "\n".join(attrs) + "\n"
    cp = hot.lab.hosts["aaa"].run(
        ["radclient", "-x", "-r", "1", "-t", str(timeout), f"{HASLB_CORE}:3799", kind, secret],
        input=text, check=False, timeout=timeout * 3 + 10)
    return cp.returncode, cp.stdout + cp.stderr


def coa(hot, *attrs, user=NAI, **kw):
    return radclient(hot, "coa", [f'User-Name = "{user}"', *attrs], **kw)


def radius_counters(hot):
    return hot.tele("/haslb/radius")["counters"]


def redirected(hot):
    rc, out = hl.curl(hot, f"http://{WWW}/")
    return rc == 0 and out.startswith("the redirect server")


def reaches_internet(hot):
    rc, out = hl.curl(hot, f"http://{WWW}/")
    return rc == 0 and out.startswith("the internet host")


def test_alice_registers_and_radius_is_up(rad):
    res = mip.register_nais(rad.pdsn, mip.VIP, [NAI], home=HOME)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    wait_until(lambda: f"Home Addr {HOME}" in hl.user(rad), 10, what="alice's binding")
    show = rad.console("show radius")
    assert "Dynamic authorization server: UDP 3799" in show, show
    assert re.search(rf"{AAA}\s+optional", show), show
    assert re.search(rf"{ACCT}\s+1813\s+ACTIVE", show), show
    tele = rad.tele("/haslb/radius")
    assert tele["dynauth"] == 1 and tele["accounting"] == 1 and tele["spool_depth"] == 0
    assert reaches_internet(rad)


def test_coa_with_a_profile_acks_redirects_and_accounts(rad):
    before = hl.user(rad)
    old_id = re.search(r"Accounting-Session-Id (\S+)", before).group(1)
    rc, out = coa(rad, 'Filter-Id = "IPREDIR"', "Attr-26.5535.122 = 0x484c2d31",
                  "Proxy-State = 0x0a0b", "Message-Authenticator = 0x00")
    assert rc == 0, out
    assert "Received CoA-ACK" in out and "Proxy-State = 0x0a0b" in out, out
    assert "Profile Based HotLining, Profile IPREDIR" in hl.user(rad)
    assert redirected(rad)
    recs = rad.radiusd.wait_records(2)
    stop, start = recs[0], recs[1]
    assert stop["Acct-Status-Type"] == "Stop" and start["Acct-Status-Type"] == "Start"
    assert stop["Acct-Session-Id"] == old_id
    assert start["Acct-Session-Id"] != old_id
    assert start["Acct-Session-Id"] in hl.user(rad)
    assert stop["3GPP2-Release-Indicator"] == "14"
    assert stop["User-Name"] == NAI and stop["Framed-IP-Address"] == HOME
    assert start["Filter-Id"] == "IPREDIR"
    # the hot-line accounting indication of the CoA, echoed in both (seed 004)
    assert stop["Attr-26.5535.122"] == "0x484c2d31" and start["Attr-26.5535.122"] == "0x484c2d31"


def test_unknown_filter_id_naks_501_and_changes_nothing(rad):
    rc, out = coa(rad, 'Filter-Id = "NO-SUCH-PROFILE"')
    assert rc == 1, out
    assert "CoA-NAK" in out and "Error-Cause = Administratively-Prohibited" in out, out
    assert "Profile IPREDIR" in hl.user(rad)
    assert redirected(rad)
    assert radius_counters(rad)["nak_administratively_prohibited"] == 1


def test_hot_line_normal_acks_and_reconciles(rad):
    rc, out = coa(rad, 'Filter-Id = "Hot-Line Normal"')
    assert rc == 0, out
    assert reaches_internet(rad)
    recs = rad.radiusd.wait_records(4)
    assert [r["Acct-Status-Type"] for r in recs] == ["Stop", "Start", "Stop", "Start"]
    assert recs[2]["Acct-Session-Id"] == recs[1]["Acct-Session-Id"]
    assert recs[3]["Acct-Session-Id"] != recs[2]["Acct-Session-Id"]


def test_unknown_user_naks_503(rad):
    rc, out = coa(rad, 'Filter-Id = "BLOCKED"', user="nobody@unknown.example")
    assert rc == 1, out
    assert "Error-Cause = Session-Context-Not-Found" in out, out


def test_wrong_secret_gets_no_answer(rad):
    before = radius_counters(rad)["discard_bad_authenticator"]
    rc, out = coa(rad, 'Filter-Id = "BLOCKED"', secret="not-the-secret", timeout=1)
    assert rc == 1, out
    assert "No reply" in out or "no response" in out.lower(), out
    assert radius_counters(rad)["discard_bad_authenticator"] >= before + 1
    assert reaches_internet(rad)


def test_counters_in_show_mobile_traffic(rad):
    text = rad.console("show mobile traffic")
    m = re.search(r"Change of Authorization \(RADIUS CoA\):\n\s+Request rcvd (\d+), accepted (\d+), "
                  r"rejected (\d+)", text)
    assert m, text
    assert (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (4, 2, 2)
    assert "Session Cxt Not Found 1" in text


def test_accounting_outage_loses_nothing_and_keeps_order(rad):
    n = len(rad.radiusd.records())
    rad.radiusd.stop()
    assert coa(rad, 'Filter-Id = "BLOCKED"')[0] == 0
    assert coa(rad, 'Filter-Id = "Hot-Line Normal"')[0] == 0
    wait_until(lambda: rad.tele("/haslb/radius")["spool_depth"] == 4, 5, what="4 records spooled")
    assert len([f for f in os.listdir(rad.spool) if f.endswith(".acct")]) == 4
    rad.radiusd.start()
    recs = rad.radiusd.wait_records(n + 4, timeout=30)[n:]
    assert [r["Acct-Status-Type"] for r in recs] == ["Stop", "Start", "Stop", "Start"], recs
    assert recs[1]["Filter-Id"] == "BLOCKED"
    assert recs[2]["Acct-Session-Id"] == recs[1]["Acct-Session-Id"]
    wait_until(lambda: rad.tele("/haslb/radius")["spool_depth"] == 0, 10, what="empty spool")
    assert not [f for f in os.listdir(rad.spool) if f.endswith(".acct")]


def test_session_timeout_ends_the_session_on_time(rad):
    n = len(rad.radiusd.records())
    sent = time.monotonic()
    rc, out = coa(rad, 'Filter-Id = "IPREDIR"', "Session-Timeout = 3")
    assert rc == 0, out
    assert redirected(rad)
    wait_until(lambda: "session ended" in hl.user(rad), 8, interval=0.2, what="Session-Timeout")
    took = time.monotonic() - sent
    # whole seconds of the data path's clock, checked 4 times a second
    assert 2 <= took <= 5, f"the session ended {took:.1f} s after the CoA"
    rc, _ = hl.curl(rad, f"http://{WWW}/", timeout=3)
    assert rc != 0
    recs = rad.radiusd.wait_records(n + 3)[n:]
    assert [r["Acct-Status-Type"] for r in recs] == ["Stop", "Start", "Stop"], recs
    assert recs[2]["Acct-Terminate-Cause"] == "Session-Timeout"
    assert recs[2]["Acct-Session-Id"] == recs[1]["Acct-Session-Id"]
    assert coa(rad, 'Filter-Id = "Hot-Line Normal"')[0] == 0
    assert reaches_internet(rad)


def test_disconnect_removes_the_subscriber(rad):
    n = len(rad.radiusd.records())
    rc, out = radclient(rad, "disconnect", [f'User-Name = "{NAI}"'])
    assert rc == 0, out
    assert "Disconnect-ACK" in out, out
    assert rad.console(f"show hotline users nai {NAI}").startswith("% no subscriber"), \
        rad.console(f"show hotline users nai {NAI}")
    assert NAI not in rad.console("show mobile bindings")
    recs = rad.radiusd.wait_records(n + 1)[n:]
    assert recs[0]["Acct-Status-Type"] == "Stop"
    assert recs[0]["Acct-Terminate-Cause"] == "Admin-Reset"
    assert recs[0]["3GPP2-Release-Indicator"] == "6"
    rc, out = radclient(rad, "disconnect", [f'User-Name = "{NAI}"'])
    assert rc == 1 and "Error-Cause = Session-Context-Not-Found" in out, out


def test_new_session_coa_applies_when_the_binding_appears(rad):
    n = len(rad.radiusd.records())
    rc, out = coa(rad, 'Filter-Id = "BLOCKED"', "Attr-26.5535.122 = 0x4e53", user=NAI2)
    assert rc == 0, out
    assert "Kept CoAs (new sessions) 1 of 1024" in rad.console("show radius")
    assert len(rad.radiusd.records()) == n  # no session yet, nothing to account
    res = mip.register_nais(rad.pdsn, mip.VIP, [NAI2], home=HOME2)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    wait_until(lambda: f"Home Addr {HOME2}" in hl.user(rad, NAI2), 10, what="bob's binding")
    text = hl.user(rad, NAI2)
    assert "Profile BLOCKED" in text and "new session" in text, text
    assert "Kept CoAs (new sessions) 0 of 1024" in rad.console("show radius")
    assert radius_counters(rad)["pending_applied"] == 1
    start = rad.radiusd.wait_records(n + 1)[n]
    assert start["Acct-Status-Type"] == "Start" and start["User-Name"] == NAI2
    assert start["Filter-Id"] == "BLOCKED" and start["Framed-IP-Address"] == HOME2
    assert start["Attr-26.5535.122"] == "0x4e53"  # seed 004 new-session step 5


def test_spooled_records_survive_a_haslb_restart(rad):
    n = len(rad.radiusd.records())
    rad.radiusd.stop()
    assert coa(rad, 'Filter-Id = "Hot-Line Normal"', user=NAI2)[0] == 0
    wait_until(lambda: rad.tele("/haslb/radius")["spool_depth"] == 2, 5, what="2 records spooled")
    rad.haslb.stop(check=False)
    assert len([f for f in os.listdir(rad.spool) if f.endswith(".acct")]) == 2
    rad.haslb = standard.standard_haslb(rad.lab, extra=rad.text).start()
    assert "2 accounting record(s) from the spool" in rad.haslb.stderr
    assert rad.tele("/haslb/radius")["spool_depth"] == 2
    rad.radiusd.start()
    recs = rad.radiusd.wait_records(n + 2, timeout=30)[n:]
    assert [r["Acct-Status-Type"] for r in recs] == ["Stop", "Start"], recs
    assert recs[0]["Filter-Id"] == "BLOCKED" and recs[0]["User-Name"] == NAI2
    assert recs[1]["Acct-Session-Id"] != recs[0]["Acct-Session-Id"]
    wait_until(lambda: rad.tele("/haslb/radius")["spool_depth"] == 0, 10, what="empty spool")


def test_reload_applies_new_radius_settings(rad):
    # The restarted haslb of the previous test learns bob's binding anew.
    res = mip.register_nais(rad.pdsn, mip.VIP, [NAI2], home=HOME2)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    wait_until(lambda: f"Home Addr {HOME2}" in hl.user(rad, NAI2), 10, what="bob's binding")
    n = len(rad.radiusd.records())
    assert coa(rad, 'Filter-Id = "BLOCKED"', user=NAI2)[0] == 0
    blocked = rad.radiusd.wait_records(n + 2)[n + 1]
    assert blocked["Acct-Status-Type"] == "Start" and blocked["Filter-Id"] == "BLOCKED"

    path = rad.haslb.config_path
    text = open(path).read()
    assert "retransmit = 300;" in text
    with open(path, "w") as f:
        f.write(text.replace("retransmit = 300;", "retransmit = 300; release_indicator = 15;"))
    out = rad.console("reload")
    assert "radius restarted" in out and "reloaded" in out, out
    assert "Release-Indicator 15" in rad.console("show radius")

    # A session opened before the reload still gets its Stop when it ends.
    res = mip.register_nais(rad.pdsn, mip.VIP, [NAI2], home=HOME2, lifetime=0)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    stop = rad.radiusd.wait_records(n + 3)[n + 2]
    assert stop["Acct-Status-Type"] == "Stop" and stop["Acct-Terminate-Cause"] == "User-Request"
    assert stop["Acct-Session-Id"] == blocked["Acct-Session-Id"]

    # Still hotlined: its next session starts as such, with a new id; the
    # server listens again and the next Stop has the new Release-Indicator.
    res = mip.register_nais(rad.pdsn, mip.VIP, [NAI2], home=HOME2)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    assert coa(rad, 'Filter-Id = "Hot-Line Normal"', user=NAI2)[0] == 0
    recs = rad.radiusd.wait_records(n + 6)[n + 3:]
    assert [r["Acct-Status-Type"] for r in recs] == ["Start", "Stop", "Start"], recs
    assert recs[0]["Filter-Id"] == "BLOCKED"
    assert recs[0]["Acct-Session-Id"] != blocked["Acct-Session-Id"]
    assert recs[1]["Acct-Session-Id"] == recs[0]["Acct-Session-Id"]
    assert recs[1]["3GPP2-Release-Indicator"] == "15"
