# SPDX-License-Identifier: BSD-3-Clause
"""IKEv2 cluster load balancer (seed 003) with real strongSwan: haslb owns
the VIP 203.0.113.100 and plays the CLB primary; three gateways (gw1..gw3,
198.51.100.21-23) run haslb-cluster-agent reporting a load read from a file;
the client runs charon-cmd (strongSwan 5.9.8) against the VIP.

1. the agents report: `show cluster` in the seed's layout (Role, Status,
   Cluster IP, Hold time, Overload limit, per gateway), `show cluster
   details`, telemetry /haslb/cluster;
2. charon-cmd is redirected to the least-loaded gateway ("redirected to
   198.51.100.22") and its next IKE_SA_INIT reaches that gateway with
   REDIRECTED_FROM naming the VIP (captured on the gateway);
3. changing the reported loads changes the target;
4. a member that stops reporting is skipped after the hold time;
5. an overloaded member (composite above the limit) is skipped;
6. a client without redirect support (charon-cmd with follow_redirects =
   no) is NATed to the least-loaded gateway, which runs a real charon: its
   IKE_SA_INIT response comes back from the VIP, and the client's IKE_AUTH
   (floated to 4500) reaches the same gateway and is answered.
In 1-5 the gateways run no IKE daemon: the redirected IKE_SA_INIT is the
end of each exchange (charon-cmd retransmits it and is stopped).
"""
import pytest

from lab import Haslb, Lab, Port, wait_until
from lab import cluster

GW1, GW2, GW3 = (a for _, a in cluster.GATEWAYS)
HOLDTIME_MS = 2000
PREFIX = "hlik"


@pytest.fixture(scope="module")
def cl():
    with Lab(PREFIX) as lab:
        cluster.build(lab)
        ports = [Port("access", lab.segments["access"]), Port("farm", lab.segments["farm"])]
        haslb = Haslb(lab, ports, extra=cluster.cluster_text(holdtime=HOLDTIME_MS)).start()
        agents = {}
        for name, addr in cluster.GATEWAYS:
            agents[addr] = cluster.Agent(lab.hosts[name], addr).start()
        wait_until(lambda: cluster.tele_cluster(haslb).get("alive") == 3, 20,
                   what="three cluster members alive")
        yield cluster.ClusterLab(lab, haslb, agents)
        assert haslb.stop() == 0


def test_show_cluster_and_telemetry(cl):
    cl.loads(gw1=50, gw2=10, gw3=30)
    cluster.wait_least_loaded(cl.haslb, GW2)
    out = cl.haslb.console("show cluster")
    for line in ("Role           : CLB Primary", "Status         : Up", "CLB Secondary  : 3",
                 f"Cluster IP     : {cluster.VIP}", f"Hold time      : {HOLDTIME_MS} msec",
                 "Overload limit : 80%"):
        assert line in out, out
    rows = cluster.show_cluster_rows(out)
    assert rows[GW2]["code"] == "*" and rows[GW1]["code"] == " ", out
    assert rows[GW2]["load"] == "10.0%" and rows[GW1]["load"] == "50.0%", out
    assert rows[GW1]["role"] == "Second" and rows[GW1]["prio"] == "100", out
    details = cl.haslb.console("show cluster details")
    assert "Composite" in details and "Prioritized" in details
    row = next(l for l in details.splitlines() if GW3 in l)
    assert row.split()[-2:] == ["30.0%", "30.0%"], details
    m = cluster.members(cl.haslb)
    assert m[GW1]["state"] == "UP" and m[GW1]["cpu_pm"] == 500
    assert m[GW2]["least_loaded"] == 1


def test_redirect_to_least_loaded(cl):
    cl.loads(gw1=50, gw2=10, gw3=30)
    cluster.wait_least_loaded(cl.haslb, GW2)
    before = cl.haslb.stats()["counters"].get("ike_redirects_sent", 0)
    target, hits, log = cl.redirect_once(GW2)
    assert target == GW2, log
    assert hits, "no IKE_SA_INIT with REDIRECTED_FROM reached gw2"
    assert hits[0]["IP"].src == "192.0.2.10"
    assert cl.haslb.stats()["counters"]["ike_redirects_sent"] > before


def test_load_change_changes_target(cl):
    cl.loads(gw1=50, gw2=70, gw3=5)
    cluster.wait_least_loaded(cl.haslb, GW3)
    target, hits, log = cl.redirect_once(GW3)
    assert target == GW3, log
    assert hits


def test_silent_member_skipped_after_hold_time(cl):
    cl.loads(gw1=20, gw2=40, gw3=5)
    cluster.wait_least_loaded(cl.haslb, GW3)
    cl.agents[GW3].stop()
    wait_until(lambda: cluster.members(cl.haslb)[GW3]["state"] == "DEAD",
               HOLDTIME_MS / 1000 + 5, what="gw3 dead after the hold time")
    assert cluster.show_cluster_rows(cl.haslb.console("show cluster"))[GW3]["code"] == "x"
    target, hits, log = cl.redirect_once(GW1)
    assert target == GW1, log
    assert hits
    cl.agents[GW3].start()
    wait_until(lambda: cluster.members(cl.haslb)[GW3]["state"] == "UP", 10, what="gw3 back up")


def test_overloaded_member_skipped(cl):
    cl.loads(gw1=90, gw2=40, gw3=60)
    wait_until(lambda: cluster.members(cl.haslb)[GW1]["state"] == "OVERLOADED", 10,
               what="gw1 overloaded")
    cluster.wait_least_loaded(cl.haslb, GW2)
    target, hits, log = cl.redirect_once(GW2)
    assert target == GW2, log
    assert hits
    # Everybody overloaded: no redirect at all, the request is dropped and counted.
    cl.loads(gw1=90, gw2=95, gw3=85)
    wait_until(lambda: all(v["state"] == "OVERLOADED" for v in cluster.members(cl.haslb).values()),
               10, what="all overloaded")
    drops = cl.haslb.console_stats(drops=True).get("cluster_no_gateway", 0)
    charon = cluster.charon_cmd(cl.client, name="charon-none")
    try:
        wait_until(lambda: cl.haslb.console_stats(drops=True).get("cluster_no_gateway", 0) > drops,
                   15, what="cluster_no_gateway counted")
        assert "redirected to" not in charon.log()
    finally:
        charon.stop()


def test_client_without_redirect_support_is_natted(cl):
    cl.loads(gw1=5, gw2=40, gw3=60)
    cluster.wait_least_loaded(cl.haslb, GW1)
    counters = cl.haslb.stats()["counters"]
    gw = cluster.Gateway(cl.gw_hosts[GW1], GW1).start()
    charon = cluster.charon_cmd(cl.client, name="charon-nat", follow_redirects=False)
    try:
        wait_until(lambda: "parsed IKE_AUTH request 1" in gw.log(), 20,
                   what="the client's IKE_AUTH at gw1's charon")
        wait_until(lambda: "parsed IKE_AUTH response 1" in charon.log(), 20,
                   what="gw1's IKE_AUTH response at the client")
        log = charon.log()
        assert "N(REDIR_SUP)" not in log and "redirected to" not in log, log
        # Everything the client heard came from the VIP, first on 500, then 4500.
        received = [l for l in log.splitlines() if "received packet" in l]
        assert received and all(f"from {cluster.VIP}[" in l for l in received), log
        assert any(f"from {cluster.VIP}[4500]" in l for l in received), log
        assert "192.0.2.10 is initiating an IKE_SA" in gw.log(), gw.log()
        # The agent's default source: strongSwan's SAs through VICI (swanctl).
        reports = cluster.members(cl.haslb)[GW1]["reports"]
        once = cl.gw_hosts[GW1].run(
            [cluster.agent_binary(), "--primary", cluster.PRIMARY, "--gateway", GW1, "--once",
             "--swanctl", f"swanctl --list-sas --uri unix://{gw.vici}"], timeout=20, check=False)
        assert once.returncode == 0, once.stderr
        assert cluster.members(cl.haslb)[GW1]["reports"] > reports
    finally:
        charon.stop()
        gw.stop()
    after = cl.haslb.stats()["counters"]
    assert after["ike_nat_new"] == counters["ike_nat_new"] + 1
    assert after["ike_nat_reversed"] >= counters["ike_nat_reversed"] + 2
    assert after["ike_nat_forwarded"] >= counters["ike_nat_forwarded"] + 2
    assert cluster.members(cl.haslb)[GW1]["nat_sessions"] >= 1
