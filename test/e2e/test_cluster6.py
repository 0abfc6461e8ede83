# SPDX-License-Identifier: BSD-3-Clause
"""IKEv2 cluster load balancer on IPv6 and on-link VIPs, with real strongSwan.

haslb owns three VIPs: 2001:db8:ff::100 (routed: the client reaches it
through its default route, haslb's 2001:db8:a::1), 2001:db8:a::100 (on the
access link: haslb answers the client's neighbour solicitations) and
192.0.2.100 (on the access link: haslb answers ARP). The gateways gw1..gw3
are IPv6 members (2001:db8:f::21..23) whose haslb-cluster-agents report over
IPv6 to haslb's dual-stack listener (no `listen` address).

The initiator is charon-cmd for the IPv4 VIP and a charon daemon (swanctl
--initiate) for the IPv6 ones: charon-cmd 5.9.8 resolves its --host as IPv4
only ("unable to resolve 2001:db8:ff::100, initiate aborted").

1. the agents' IPv6 reports make all three members alive; `show cluster`
   and /haslb/cluster list every VIP;
2. a client against the routed IPv6 VIP is redirected to the least-loaded
   IPv6 gateway, and its next IKE_SA_INIT reaches that gateway carrying
   REDIRECTED_FROM with the IPv6 VIP (GW Ident Type 2);
3. against the on-link IPv6 VIP: the client learns the VIP's neighbour entry
   (haslb's MAC) from haslb's answer and is redirected (after a load change
   moved the target);
4. against the on-link IPv4 VIP: ARP answered by haslb, redirected to an
   IPv6 gateway (a REDIRECT may name either family), which charon-cmd then
   reaches over IPv6 with REDIRECTED_FROM naming the IPv4 VIP;
5. a client without redirect support is NATed (NAT66) to the least-loaded
   gateway, which runs a real charon: IKE_AUTH crosses, and everything the
   client heard came from the VIP.
"""
import json

import pytest

from lab import Haslb, Lab, Port, wait_until
from lab import cluster

VIP6 = "2001:db8:ff::100"
VIP6_ONLINK = "2001:db8:a::100"
VIP4_ONLINK = "192.0.2.100"
GW1, GW2, GW3 = (a for _, a in cluster.GATEWAYS6)
HOLDTIME_MS = 2000
PREFIX = "hlik6"


@pytest.fixture(scope="module")
def cl():
    with Lab(PREFIX) as lab:
        cluster.build6(lab)
        ports = [Port("access", lab.segments["access"]), Port("farm", lab.segments["farm"])]
        text = cluster.cluster_text(vip=[VIP6, VIP6_ONLINK, VIP4_ONLINK],
                                    members=[a for _, a in cluster.GATEWAYS6],
                                    holdtime=HOLDTIME_MS, listen=None)
        haslb = Haslb(lab, ports, extra=text).start()
        agents = {}
        for name, addr in cluster.GATEWAYS6:
            agents[addr] = cluster.Agent(lab.hosts[name], addr, primary=cluster.PRIMARY6).start()
        wait_until(lambda: cluster.tele_cluster(haslb).get("alive") == 3, 20,
                   what="three IPv6 cluster members alive")
        yield cluster.ClusterLab(lab, haslb, agents, cluster.GATEWAYS6)
        assert haslb.stop() == 0


def test_ipv6_reports_and_every_vip_shown(cl):
    cl.loads(gw1=50, gw2=10, gw3=30)
    cluster.wait_least_loaded(cl.haslb, GW2)
    out = cl.haslb.console("show cluster")
    assert f"Cluster IP     : {VIP4_ONLINK}, {VIP6}, {VIP6_ONLINK}" in out, out
    rows = cluster.show_cluster_rows(out)
    assert rows[GW2]["code"] == "*" and rows[GW2]["load"] == "10.0%", out
    t = cluster.tele_cluster(cl.haslb)
    assert t["vips"] == [VIP4_ONLINK, VIP6, VIP6_ONLINK]
    assert t["listen"] == "*"
    # The agents reached haslb over IPv6.
    for name, addr in cluster.GATEWAYS6:
        assert f"connected to [{cluster.PRIMARY6}]:{cluster.PORT}" in cl.agents[addr].log()
    assert f"speaks for member {GW1}" in cl.haslb.stderr


def test_redirect_over_ipv6_to_least_loaded(cl):
    cl.loads(gw1=50, gw2=10, gw3=30)
    cluster.wait_least_loaded(cl.haslb, GW2)
    before = cl.haslb.stats()["counters"].get("ike_redirects_sent", 0)
    target, hits, log = cl.redirect_once(GW2, VIP6)
    assert target == GW2, log
    assert hits, "no IKE_SA_INIT with REDIRECTED_FROM (IPv6 VIP) reached gw2"
    assert hits[0]["IPv6"].src == cluster.CLIENT6
    assert f"received packet: from {VIP6}[" in log, log
    assert cl.haslb.stats()["counters"]["ike_redirects_sent"] > before


def _assert_learned_haslb_mac(cl, family, vip):
    """The client's neighbour entry for `vip` has haslb's access MAC (ARP or ND answered)."""
    neigh = json.loads(cl.client.iproute(family, "-j", "neigh", "show", vip))
    mac = cl.lab.dut.mac(cl.lab.segments["access"].ifname)
    assert neigh and neigh[0]["lladdr"].lower() == mac, neigh


def test_on_link_ipv6_vip_answers_neighbour_discovery(cl):
    cl.loads(gw1=50, gw2=60, gw3=5)
    cluster.wait_least_loaded(cl.haslb, GW3)
    target, hits, log = cl.redirect_once(GW3, VIP6_ONLINK)
    assert target == GW3, log
    assert hits
    _assert_learned_haslb_mac(cl, "-6", VIP6_ONLINK)


def test_on_link_ipv4_vip_answers_arp(cl):
    cl.loads(gw1=5, gw2=60, gw3=50)
    cluster.wait_least_loaded(cl.haslb, GW1)
    target, hits, log = cl.redirect_once(GW1, VIP4_ONLINK)
    assert target == GW1, log
    # An IPv4 VIP named an IPv6 gateway: the client follows over IPv6, and its
    # REDIRECTED_FROM names the IPv4 VIP (GW Ident Type 1).
    assert hits and hits[0]["IPv6"].src == cluster.CLIENT6
    _assert_learned_haslb_mac(cl, "-4", VIP4_ONLINK)


def test_client_without_redirect_support_is_nat66ed(cl):
    cl.loads(gw1=40, gw2=5, gw3=60)
    cluster.wait_least_loaded(cl.haslb, GW2)
    counters = cl.haslb.stats()["counters"]
    gw = cluster.Gateway(cl.gw_hosts[GW2], GW2).start()
    charon = cluster.initiator(cl.client, VIP6, "charon-nat66", follow_redirects=False)
    try:
        wait_until(lambda: "parsed IKE_AUTH request 1" in gw.log(), 20,
                   what="the client's IKE_AUTH at gw2's charon")
        wait_until(lambda: "parsed IKE_AUTH response 1" in charon.log(), 20,
                   what="gw2's IKE_AUTH response at the client")
        log = charon.log()
        assert "N(REDIR_SUP)" not in log and "redirected to" not in log, log
        received = [l for l in log.splitlines() if "received packet" in l]
        assert received and all(f"from {VIP6}[" in l for l in received), log
        assert any(f"from {VIP6}[4500]" in l for l in received), log
        assert f"{cluster.CLIENT6} is initiating an IKE_SA" in gw.log(), gw.log()
    finally:
        charon.stop()
        gw.stop()
    after = cl.haslb.stats()["counters"]
    assert after["ike_nat_new"] == counters.get("ike_nat_new", 0) + 1
    assert after["ike_nat_reversed"] >= counters.get("ike_nat_reversed", 0) + 2
    assert after["ike_nat_forwarded"] >= counters.get("ike_nat_forwarded", 0) + 2
    assert cluster.members(cl.haslb)[GW2]["nat_sessions"] >= 1
