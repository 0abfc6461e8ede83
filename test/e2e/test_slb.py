# SPDX-License-Identifier: BSD-3-Clause
"""HA-SLB with real peers (seed 001): weighted round robin per NAI, the
seed's show outputs, stickiness, RRQs without NAI.

Lab: pdsn 192.0.2.10 sends Mobile IP RRQs from UDP 434 to the VIPs;
real HAs ha1 .11, ha2 .12, ha3 .13 (198.51.100.0/24) run responders
(lab/mip.py) that answer from their own address. MIPSLB 192.0.2.100 ->
HAFARM (dispatched, ha1/ha2 weight 1); MIPNAT 192.0.2.101 -> NATFARM (nat
server, ha1/ha2/ha3 weights 3/1/2). Idle 30 s so no session expires while a
test runs (expiry: test_slb_failover.py). Tests of one module share the lab
and haslb; they assert deltas where earlier tests left state, and the WRR
order test relies on being the first to use NATFARM.
"""
import collections

import pytest

from conftest import lab_prefix
from lab import mip

VIP, VIP_NAT, HA1, HA2, HA3 = mip.VIP, mip.VIP_NAT, mip.HA1, mip.HA2, mip.HA3
PDSN = "192.0.2.10"


@pytest.fixture(scope="module")
def slb(request):
    """The SLB lab with haslb running the two vservers (idle 30 s)."""
    yield from mip.start_slb_lab(lab_prefix(request.module), mip.slb_text(idle=30))


def answered(results):
    """Asserts every request got an accepted RRP; returns the answering
    real per NAI."""
    for r in results:
        assert r["reply"] is not None, f"no RRP for {r['nai']} (ident {r['ident']})"
        assert r["reply"]["code"] == 0, r["reply"]
        # The real answers from, and names, itself (dynamic-address).
        assert r["reply"]["ha"] == r["answered_by"], r["reply"]
    return {r["nai"]: r["answered_by"] for r in results}


def check_sessions(s, expected, vserver):
    """The sessions of `expected` ({nai: real}) as telemetry and both
    console forms show them: right vserver, client, real, IPMOBILE_ESTAB, and
    the console's NAI hash equal to telemetry's."""
    tele = s.sessions_by_nai()
    rows = {r["nai_hash"]: r for r in s.show_sessions()}
    plain = {r["nai_hash"]: r for r in s.show_sessions("show slb sessions")}
    for nai, real in expected.items():
        assert nai in tele, f"{nai} missing from /haslb/slb/sessions: {sorted(tele)}"
        t = tele[nai]
        assert (t["vserver"], t["client"], t["real"], t["state"]) == \
            (vserver, PDSN, real, "IPMOBILE_ESTAB"), t
        h = str(t["nai_hash"]).upper()
        assert len(h) == 16 and int(h, 16) >= 0, t
        assert h in rows, f"{nai} (hash {h}) not in show slb sessions ipmobile:\n{rows}"
        row = rows[h]
        assert (row["vserver"], row["client"], row["real"], row["state"]) == \
            (vserver, PDSN, real, "IPMOBILE_ESTAB"), row
        assert plain.get(h) == row, f"show slb sessions differs for {nai}: {plain.get(h)}"


def test_seed_example_two_reals_weight_one(slb):
    """Seed: 4 MIP sessions over two reals of weight 1 -> 2 and 2 (show slb
    reals conns, each HA's binding count, show slb sessions with the real of
    each NAI); then 100 more -> 50 and 50."""
    s = slb
    bind0 = s.bindings()
    nais = [f"mwts-mip-np-user{i}@ispxyz.com" for i in range(1, 5)]
    got = answered(mip.register_nais(s.pdsn, VIP, nais))
    per_real = collections.Counter(got.values())
    assert per_real == {HA1: 2, HA2: 2}, got

    reals = s.show_reals()
    for a in (HA1, HA2):
        assert reals.get((a, "HAFARM")) == {"weight": 1, "state": "OPERATIONAL", "conns": 2}, reals
    bind1 = s.bindings()
    assert (bind1[HA1] - bind0[HA1], bind1[HA2] - bind0[HA2]) == (2, 2), bind1
    check_sessions(s, got, "MIPSLB")
    vs = mip.parse_vservers(s.console("show slb vservers"))
    assert vs.get("MIPSLB") == {"prot": "UDP", "virtual": f"{VIP}:434", "state": "OPERATIONAL",
                                "conns": 4}, vs
    tele_vs = s.tele("/haslb/slb/vservers")["MIPSLB"]
    assert (tele_vs["virtual"], int(tele_vs["port"]), tele_vs["serverfarm"], tele_vs["state"],
            tele_vs["conns"]) == (VIP, 434, "HAFARM", "OPERATIONAL", 4), tele_vs

    many = [f"user{i:03d}@ispxyz.com" for i in range(100)]
    got = answered(mip.register_nais(s.pdsn, VIP, many))
    assert collections.Counter(got.values()) == {HA1: 50, HA2: 50}
    after = s.show_reals()
    for a in (HA1, HA2):
        assert after[(a, "HAFARM")]["conns"] == 52, after
        assert after[(a, "HAFARM")]["state"] == "OPERATIONAL", after
    bind2 = s.bindings()
    assert (bind2[HA1] - bind1[HA1], bind2[HA2] - bind1[HA2]) == (50, 50), bind2
    tele = s.tele_reals()
    for a in (HA1, HA2):
        t = tele[(a, "HAFARM")]
        assert (t["weight"], t["state"], t["conns"]) == (1, "OPERATIONAL", 52), t
    # All 104 sessions, through telemetry's pages and on the console.
    total, entries = s.tele_paged("/haslb/slb/sessions")
    by_nai = {e["nai"]: e for e in entries}
    assert total == len(entries) == len(by_nai) == 104, (total, len(entries))
    wrong = [n for n in many if by_nai.get(n, {}).get("real") != got[n]]
    assert not wrong, f"sessions whose real is not the one that answered: {wrong[:5]}"
    assert len(s.show_sessions()) == 104


def test_natfarm_weighted_round_robin_order(slb):
    """NATFARM weights 3/1/2: six new NAIs go to .11, .11, .11, .12, .13,
    .13 (seen from the RRP source and in show slb sessions), then the same
    again; show slb reals counts 6/2/4."""
    s = slb
    order = [HA1, HA1, HA1, HA2, HA3, HA3]
    first = [f"wrr{i}@ispxyz.com" for i in range(6)]
    res = mip.register_nais(s.pdsn, VIP_NAT, first)
    got = answered(res)
    assert [got[n] for n in first] == order, [got[n] for n in first]
    check_sessions(s, got, "MIPNAT")
    second = [f"wrr{i}@ispxyz.com" for i in range(6, 12)]
    got2 = answered(mip.register_nais(s.pdsn, VIP_NAT, second))
    assert [got2[n] for n in second] == order, [got2[n] for n in second]
    reals = s.show_reals()
    assert [reals[(a, "NATFARM")]["conns"] for a in (HA1, HA2, HA3)] == [6, 2, 4], reals
    assert [reals[(a, "NATFARM")]["weight"] for a in (HA1, HA2, HA3)] == [3, 1, 2], reals
    tele = s.tele_reals()
    assert [tele[(a, "NATFARM")]["conns"] for a in (HA1, HA2, HA3)] == [6, 2, 4], tele
    assert [tele[(a, "NATFARM")]["weight"] for a in (HA1, HA2, HA3)] == [3, 1, 2], tele


def test_stickiness(slb):
    """A session sticks to its real: re-registrations of the same NAI (new
    identification) and a repeated one (same identification) go to the same
    real; back-to-back copies of one RRQ (retransmissions below reassign)
    all reach that real and the session does not move."""
    s = slb
    nai = "sticky@ispxyz.com"
    t0 = s.show_traffic()
    first = mip.register_nais(s.pdsn, VIP_NAT, [nai])[0]
    real = answered([first])[nai]
    again = mip.register(s.pdsn, [{"nai": nai, "ident": mip.next_ident(), "dst": VIP_NAT}
                                  for _ in range(5)])
    assert [r["answered_by"] for r in again] == [real] * 5, [r["answered_by"] for r in again]
    same = mip.register(s.pdsn, [{"nai": nai, "ident": first["ident"], "dst": VIP_NAT}])[0]
    assert same["answered_by"] == real, same
    ident = mip.next_ident()
    burst = mip.register(s.pdsn, [{"nai": nai, "ident": ident, "dst": VIP_NAT,
                                   "retransmit": 2, "burst": True, "wait": 1.0}])[0]
    assert burst["sends"] == 3 and burst["answered_by"] == real, burst
    for a, r in s.responders.items():
        n = len(r.requests_for(nai, ident))
        assert n == (3 if a == real else 0), f"{a} got {n} copies of ident {ident}"
    t1 = s.show_traffic()
    assert t1["new_sessions"] - t0["new_sessions"] == 1, (t0, t1)
    assert t1["reassigned"] == t0["reassigned"], (t0, t1)
    # The copies arrived before any RRP: at least one counts as a retransmission.
    assert t1["retransmitted"] - t0["retransmitted"] >= 1, (t0, t1)
    sess = [x for x in s.tele_paged("/haslb/slb/sessions")[1] if x["nai"] == nai]
    assert len(sess) == 1 and sess[0]["real"] == real and sess[0]["vserver"] == "MIPNAT", sess


def test_rrq_without_nai_balanced_per_request(slb):
    """RRQs without an NAI extension are balanced request by request (1:1
    over HAFARM: 2 and 2 of 4), create no session and are counted
    (without_nai)."""
    s = slb
    t0 = s.show_traffic()
    total0 = s.tele("/haslb/slb/sessions")["total"]
    reqs = [{"nai": None, "ident": mip.next_ident(), "dst": VIP, "home": f"198.51.100.{200 + i}"}
            for i in range(4)]
    res = mip.register(s.pdsn, reqs)
    for r in res:
        assert r["reply"] is not None and r["reply"]["code"] == 0, r
    assert collections.Counter(r["answered_by"] for r in res) == {HA1: 2, HA2: 2}, \
        [r["answered_by"] for r in res]
    t1 = s.show_traffic()
    assert t1["without_nai"] - t0["without_nai"] == 4, (t0, t1)
    assert t1["requests"] - t0["requests"] >= 4, (t0, t1)
    assert t1["new_sessions"] == t0["new_sessions"], (t0, t1)
    assert s.tele("/haslb/slb/sessions")["total"] == total0
