# SPDX-License-Identifier: BSD-3-Clause
"""HA-SLB bindings learnt from RRPs and the operator's commands, with real
peers (lab/mip.py):

- show mobile bindings / telemetry /haslb/mobile/bindings after RRPs, and
  removal by a deregistration (lifetime 0) answered with lifetime 0, sent
  straight to the real HA as in the seed's call flow (step 5) or to the VIP;
  a denied RRP creates no binding.
- set real ... weight / outofservice / inservice (new sessions only),
  clear slb sessions, debug slb sessions on|off.
"""
import re
import time

import pytest

from conftest import lab_prefix
from lab import mip, wait_until

VIP, VIP_NAT, HA1, HA2, HA3 = mip.VIP, mip.VIP_NAT, mip.HA1, mip.HA2, mip.HA3
DEBUG_LINE = re.compile(r"SLB_SESSION_IPMOBILE:\s*event=\s*IPMOBILE_REQ_REQUEST,\s*"
                        r"state=\s*IPMOBILE_INIT\s*->\s*IPMOBILE_ESTAB")


@pytest.fixture(scope="module")
def slb(request):
    """The SLB lab (both vservers, idle 30 s)."""
    yield from mip.start_slb_lab(lab_prefix(request.module), mip.slb_text(idle=30))


def tele_bindings(s):
    """/haslb/mobile/bindings as (total, {nai: binding})."""
    total, entries = s.tele_paged("/haslb/mobile/bindings")
    return total, {x["nai"]: x for x in entries}


def console_bindings(s, nai=None):
    """show mobile bindings [nai NAI], parsed."""
    return mip.parse_bindings(s.console(f"show mobile bindings nai {nai}" if nai
                                        else "show mobile bindings"))


def test_bindings_from_replies(slb):
    """After accepted RRPs, show mobile bindings and telemetry list each NAI
    with the home address and HA the real gave and the granted lifetime; a
    deregistration answered with lifetime 0 removes the binding (sent to
    the real HA directly, and via the VIP); a denied RRP adds none."""
    s = slb
    t0 = s.show_traffic()
    nais = ["bind-a@ispxyz.com", "bind-b@ispxyz.com", "bind-c@ispxyz.com"]
    reqs = [{"nai": n, "ident": mip.next_ident(), "dst": VIP, "lifetime": 1800} for n in nais]
    reqs[2]["home"] = "198.51.100.250"          # a static home address is kept
    res = {r["nai"]: r for r in mip.register(s.pdsn, reqs)}
    for n in nais:
        assert res[n]["reply"] and res[n]["reply"]["code"] == 0, res[n]
    assert res[nais[2]]["reply"]["home"] == "198.51.100.250"
    assert res[nais[0]]["reply"]["home"] == mip.assigned_home(nais[0])

    def listed():
        c = console_bindings(s)["bindings"]
        return all(n in c for n in nais) and c
    shown = wait_until(listed, 5, what="the 3 bindings in show mobile bindings")
    whole = console_bindings(s)
    assert whole["total"] is not None and whole["total"] >= 3, whole
    total, tele = tele_bindings(s)
    assert total == whole["total"], (total, whole["total"])
    for n in nais:
        rep = res[n]["reply"]
        want = {"home_addr": rep["home"], "home_agent": res[n]["answered_by"]}
        got = shown[n]
        assert {k: got.get(k) for k in want} == want, (n, got)
        assert got.get("lifetime") == 1800 and 1790 <= got.get("remaining", -1) <= 1800, got
        t = tele[n]
        assert (t["home_addr"], t["home_agent"], t["lifetime"]) == \
            (rep["home"], res[n]["answered_by"], 1800), t
        assert 1790 <= t["remaining"] <= 1800, t
        one = console_bindings(s, n)
        assert list(one["bindings"]) == [n] and one["bindings"][n].get("home_addr") == \
            rep["home"], one
    t1 = s.show_traffic()
    assert t1["replies"] - t0["replies"] >= 3 and \
        t1["replies_accepted"] - t0["replies_accepted"] >= 3, (t0, t1)

    # Deregistration straight to the real HA (the seed's step 5: HA field =
    # the real), then one through the VIP (HA field = the VIP, sticky session).
    for n, dst in ((nais[0], res[nais[0]]["answered_by"]), (nais[1], VIP)):
        real, home = res[n]["answered_by"], res[n]["reply"]["home"]
        count0 = s.responders[real].binding_count
        d = mip.register(s.pdsn, [{"nai": n, "ident": mip.next_ident(), "dst": dst,
                                   "lifetime": 0, "home": home,
                                   "ha": VIP if dst == VIP else real}])[0]
        assert d["answered_by"] == real and d["reply"]["lifetime"] == 0, d
        assert s.responders[real].binding_count == count0 - 1
        wait_until(lambda: n not in console_bindings(s)["bindings"], 5,
                   what=f"{n} gone from show mobile bindings")
        assert n not in tele_bindings(s)[1]
        assert console_bindings(s, n)["bindings"] == {}
    assert nais[2] in tele_bindings(s)[1], "the other binding stays"

    # A denied reply (MN failed authentication: 131) makes no binding.
    bad = "bind-bad@ispxyz.com"
    d = mip.register(s.pdsn, [{"nai": bad, "ident": mip.next_ident(), "dst": VIP,
                               "corrupt_auth": True}])[0]
    assert d["reply"] and d["reply"]["code"] == mip.CODE_MN_FAILED_AUTH, d
    wait_until(lambda: s.show_traffic()["replies_denied"] > t1["replies_denied"], 5,
               what="replies_denied to grow")
    assert bad not in tele_bindings(s)[1] and bad not in console_bindings(s)["bindings"]
    assert s.show_traffic()["replies"] > t1["replies"]


def new_nais(s, tag, n, vip=VIP_NAT):
    """Registers `n` fresh NAIs at `vip`; returns [(nai, real)] in order."""
    nais = [f"{tag}{i}-{time.monotonic_ns()}@ispxyz.com" for i in range(n)]
    res = mip.register_nais(s.pdsn, vip, nais)
    for r in res:
        assert r["reply"] and r["reply"]["code"] == 0, r
    return [(r["nai"], r["answered_by"]) for r in res]


def reals_of(pairs):
    """The reals of new_nais() results."""
    return [real for _, real in pairs]


def nat_row(s, real):
    """The NATFARM row of `real` in show slb reals."""
    return s.show_reals()[(real, "NATFARM")]


def test_set_real_outofservice_weight_inservice(slb):
    """set real .13 outofservice: no new NATFARM session goes to it while
    its existing session stays (re-registrations still reach it); inservice
    brings it back; weight 0 has the same effect and shows weight 0."""
    s = slb
    got = []
    for _ in range(6):
        got += new_nais(s, "ops", 1)
        if got[-1][1] == HA3:
            break
    assert got[-1][1] == HA3, f"no session reached {HA3} in 6 new NAIs: {got}"
    keeper = got[-1][0]

    out = s.console(f"set real {HA3} outofservice")
    assert nat_row(s, HA3)["state"] == "OUTOFSERVICE", out
    assert s.tele_reals()[(HA3, "NATFARM")]["state"] == "OUTOFSERVICE"
    assert HA3 not in reals_of(new_nais(s, "oos", 6))
    again = mip.register_nais(s.pdsn, VIP_NAT, [keeper])[0]
    assert again["answered_by"] == HA3, f"existing session moved: {again['answered_by']}"
    assert s.sessions_by_nai()[keeper]["real"] == HA3
    assert nat_row(s, HA3)["conns"] >= 1

    s.console(f"set real {HA3} inservice")
    assert nat_row(s, HA3)["state"] == "OPERATIONAL"
    assert HA3 in reals_of(new_nais(s, "ins", 6)), "back in service: 2 of 6 new sessions"

    s.console(f"set real {HA3} weight 0")
    row = nat_row(s, HA3)
    assert row["weight"] == 0, row
    assert s.tele_reals()[(HA3, "NATFARM")]["weight"] == 0
    assert HA3 not in reals_of(new_nais(s, "w0", 6))
    s.console(f"set real {HA3} weight 5")
    assert nat_row(s, HA3)["weight"] == 5
    picks = reals_of(new_nais(s, "w5", 18))
    # Weights 3/1/5: 10 of 18 in steady state; a cycle begun before the
    # change may shift that, but 18 picks hold one whole cycle.
    assert picks.count(HA3) >= 5 and picks.count(HA3) > picks.count(HA1), picks


def test_clear_slb_sessions(slb):
    """clear slb sessions empties the table (console, telemetry, conns);
    the next RRQ of a known NAI then creates a new session."""
    s = slb
    got = new_nais(s, "clr", 2, vip=VIP)
    assert len(got) == 2
    assert s.show_sessions(), "sessions exist before clear"
    s.console("clear slb sessions")
    assert s.show_sessions() == []
    assert s.tele("/haslb/slb/sessions")["total"] == 0
    assert all(r["conns"] == 0 for r in s.show_reals().values()), s.show_reals()
    t0 = s.show_traffic()
    nai = "clr-again@ispxyz.com"
    r = mip.register_nais(s.pdsn, VIP, [nai])[0]
    assert r["reply"] and r["answered_by"] in (HA1, HA2), r
    assert s.show_traffic()["new_sessions"] == t0["new_sessions"] + 1
    assert list(s.sessions_by_nai()) == [nai]


def test_debug_slb_sessions(slb):
    """debug slb sessions on: a new session logs the IOS-like state change
    line on haslb's stderr; off: no more lines."""
    s = slb
    s.console("debug slb sessions on")
    try:
        before = len(DEBUG_LINE.findall(s.haslb.stderr))
        new_nais(s, "dbg", 1, vip=VIP)
        wait_until(lambda: len(DEBUG_LINE.findall(s.haslb.stderr)) > before, 5,
                   what="SLB_SESSION_IPMOBILE line on stderr")
    finally:
        s.console("debug slb sessions off")
    n = len(DEBUG_LINE.findall(s.haslb.stderr))
    new_nais(s, "nodbg", 1, vip=VIP)
    time.sleep(0.5)  # absence of a line: nothing to poll for
    assert len(DEBUG_LINE.findall(s.haslb.stderr)) == n, "debug off still logs"
