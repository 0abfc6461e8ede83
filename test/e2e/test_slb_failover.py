# SPDX-License-Identifier: BSD-3-Clause
"""HA-SLB session timers and real failure handling with real peers (seed
001): idle expiry of session objects, retransmissions, reassignment of a
session whose real stays silent, faildetect (FAILED), retry (TESTING) and
recovery (OPERATIONAL after an RRP).

MIPSLB 192.0.2.100 -> HAFARM (dispatched, ha1/ha2 weight 1) with short
timers: idle 3 s, retry 4 s, reassign 3, faildetect 2. A silent real is a
responder that receives and counts but never answers (lab/mip.py).
"""
import time

import pytest

from conftest import lab_prefix
from lab import mip, wait_until

VIP, HA1, HA2 = mip.VIP, mip.HA1, mip.HA2
IDLE, RETRY, REASSIGN, FAILDETECT = 3, 4, 3, 2


@pytest.fixture(scope="module")
def slb(request):
    """The SLB lab with MIPSLB only and short timers."""
    text = mip.slb_text(idle=IDLE, retry=RETRY, reassign=REASSIGN, faildetect=FAILDETECT,
                        natfarm=False)
    yield from mip.start_slb_lab(lab_prefix(request.module), text)


def session_of(s, nai):
    """The telemetry session of `nai`, or None."""
    return s.sessions_by_nai().get(nai)


def state_of(s, real):
    """The state of `real` in HAFARM as show slb reals has it."""
    return s.show_reals()[(real, "HAFARM")]["state"]


def test_idle_expiry(slb):
    """A session lives `idle` seconds after its last RRQ: a re-registration
    resets the timer, then it disappears from show slb sessions within
    ~idle..idle+3 s; the next RRQ of that NAI creates a new session, placed
    by round robin (the other real of the 1:1 farm)."""
    s = slb
    nai = "idle@ispxyz.com"
    t0 = s.show_traffic()
    first = mip.register_nais(s.pdsn, VIP, [nai])[0]
    real = first["answered_by"]
    assert real in (HA1, HA2) and session_of(s, nai)["real"] == real, first
    time.sleep(IDLE * 0.6)  # the point is time passing; nothing to poll
    refresh = mip.register_nais(s.pdsn, VIP, [nai])[0]
    refreshed = time.monotonic()
    assert refresh["answered_by"] == real, refresh
    time.sleep(IDLE * 0.6)  # now older than `idle` counted from the first RRQ
    assert session_of(s, nai) is not None, "an RRQ must reset the idle timer"
    wait_until(lambda: session_of(s, nai) is None, IDLE + 5, interval=0.2,
               what=f"session of {nai} to expire")
    gone = time.monotonic() - refreshed
    assert IDLE - 0.5 <= gone <= IDLE + 3.5, f"expired {gone:.1f}s after the last RRQ"
    assert not [r for r in s.show_sessions()], s.console("show slb sessions ipmobile")
    assert s.show_reals()[(real, "HAFARM")]["conns"] == 0
    again = mip.register_nais(s.pdsn, VIP, [nai])[0]
    t1 = s.show_traffic()
    assert t1["new_sessions"] - t0["new_sessions"] == 2, (t0, t1)
    other = HA2 if real == HA1 else HA1
    assert again["answered_by"] == other, "a new session follows round robin, not the old real"
    assert session_of(s, nai)["real"] == other


def test_retransmissions_below_reassign(slb):
    """With both reals silent, an RRQ and 2 retransmissions (same NAI and
    identification, below reassign = 3) all reach the same real; 2
    retransmissions are counted and the session does not move."""
    s = slb
    for r in s.responders.values():
        r.set_silent(True)
    try:
        t0 = s.show_traffic()
        nai, ident = "retx@ispxyz.com", mip.next_ident()
        res = mip.register(s.pdsn, [{"nai": nai, "ident": ident, "dst": VIP,
                                     "retransmit": 2, "wait": 0.3}])[0]
        assert res["sends"] == 3 and res["reply"] is None, res
        got = {a: len(s.responders[a].requests_for(nai, ident)) for a in (HA1, HA2)}
        assert sorted(got.values()) == [0, 3], f"copies per real: {got}"
        real = max(got, key=got.get)
        t1 = s.show_traffic()
        assert t1["retransmitted"] - t0["retransmitted"] == 2, (t0, t1)
        assert t1["reassigned"] == t0["reassigned"], (t0, t1)
        assert session_of(s, nai)["real"] == real
    finally:
        for r in s.responders.values():
            r.set_silent(False)


def test_reassign_faildetect_retry(slb):
    """ha1 silent: a session on it moves to ha2 after reassign + 1
    retransmissions (answered by ha2), ha1 records a connection failure;
    at faildetect = 2 failures ha1 is FAILED and gets no new sessions;
    after retry seconds it is TESTING, and once it answers a new session
    it is OPERATIONAL again."""
    s = slb
    silent = s.responders[HA1]
    silent.set_silent(True)
    t0 = s.show_traffic()
    fail0 = s.tele_reals()[(HA1, "HAFARM")]["failures"]
    moved = []
    try:
        for i in range(8):
            nai = f"reassign{i}@ispxyz.com"
            r = mip.register(s.pdsn, [{"nai": nai, "ident": mip.next_ident(), "dst": VIP,
                                       "retransmit": REASSIGN + 2, "wait": 0.4}])[0]
            assert r["reply"] is not None and r["answered_by"] == HA2, \
                f"{nai}: expected an answer from {HA2} (ha1 is silent): {r}"
            if r["answered_after"] > 1:
                moved.append(r)
                if len(moved) == FAILDETECT:
                    break
        assert len(moved) == FAILDETECT, f"sessions reassigned from {HA1}: {len(moved)}"
        # FAILED (the control lcore applies it on its next tick): new
        # sessions only to ha2, at the first RRQ.
        wait_until(lambda: state_of(s, HA1) == "FAILED", 2, interval=0.05,
                   what=f"{HA1} FAILED after {FAILDETECT} reassignments")
        failed_at = time.monotonic()
        fresh = mip.register_nais(s.pdsn, VIP, ["failed-a@ispxyz.com", "failed-b@ispxyz.com"])
        assert [(r["answered_by"], r["answered_after"]) for r in fresh] == [(HA2, 1)] * 2, fresh
        assert not silent.requests_for("failed-a@ispxyz.com") + \
            silent.requests_for("failed-b@ispxyz.com")

        for r in moved:
            # The original and `reassign` retransmissions to ha1, the next
            # one (retries > reassign) goes to ha2 and is answered.
            assert r["answered_after"] == REASSIGN + 2, r
            assert len(silent.requests_for(r["nai"], r["ident"])) == REASSIGN + 1, r["nai"]
            assert len(s.responders[HA2].requests_for(r["nai"], r["ident"])) == 1, r["nai"]
            assert session_of(s, r["nai"])["real"] == HA2
        t1 = s.show_traffic()
        assert t1["reassigned"] - t0["reassigned"] == FAILDETECT, (t0, t1)
        assert t1["retransmitted"] - t0["retransmitted"] >= FAILDETECT * (REASSIGN + 1), (t0, t1)
        tele = s.tele_reals()[(HA1, "HAFARM")]
        assert tele["failures"] - fail0 >= FAILDETECT and tele["state"] == "FAILED", tele

        wait_until(lambda: state_of(s, HA1) == "TESTING", RETRY + 6, interval=0.2,
                   what=f"{HA1} TESTING {RETRY}s after FAILED")
        waited = time.monotonic() - failed_at
        assert waited >= RETRY - 1.5, f"TESTING {waited:.1f}s after FAILED (retry = {RETRY})"
    finally:
        silent.set_silent(False)
    answered = None
    for i in range(4):
        r = mip.register_nais(s.pdsn, VIP, [f"testing{i}@ispxyz.com"])[0]
        assert r["reply"] is not None, r
        if r["answered_by"] == HA1:
            answered = r
            break
    assert answered, f"no new session was tried on the TESTING real {HA1}"
    wait_until(lambda: state_of(s, HA1) == "OPERATIONAL", 5,
               what=f"{HA1} OPERATIONAL after its RRP")
