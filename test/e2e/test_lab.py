# SPDX-License-Identifier: BSD-3-Clause
"""Self-test of the lab harness without haslb: the dut namespace is made a
plain Linux router in place of the appliance. When these pass and the router
tests fail, the fault is in haslb, not in the lab."""
import os

import pytest

from lab import Lab, cleanup_prefix, standard, traffic


@pytest.fixture(scope="module")
def kernel_router():
    """The standard lab with the kernel of the dut namespace routing between
    the segments (addresses on haslb's veths, ip_forward, static route)."""
    with Lab("hlself") as lab:
        standard.build_standard(lab)
        for seg in lab.segments.values():
            lab.dut.iproute("addr", "add", seg.address, "dev", seg.ifname)
        lab.dut.sysctl(net__ipv4__ip_forward=1)
        for prefix, via in standard.ROUTES:
            lab.dut.iproute("route", "add", prefix, "via", via)
        yield lab


def test_hosts_route_through_segments(kernel_router):
    lab = kernel_router
    pdsn, ha1, srv = (lab.hosts[n] for n in ("pdsn", "ha1", "srv"))
    for src, dst in ((pdsn, srv.ip), (pdsn, ha1.ip), (ha1, srv.ip), (pdsn, standard.SRV_LOOPBACK)):
        src.wait_ping(dst, timeout=10)
        r = src.ping(dst)
        assert r.ok, r


def test_tcp_transfer_and_udp(kernel_router):
    lab = kernel_router
    pdsn, srv = lab.hosts["pdsn"], lab.hosts["srv"]
    t = traffic.tcp_transfer(pdsn, srv, srv.ip, size=2 << 20)
    assert t.ok, t
    traffic.udp_echo_server(srv, srv.ip, 7779)
    assert traffic.udp_exchange(pdsn, srv.ip, 7779, b"hello") == b"hello"


def test_capture_sees_ping(kernel_router):
    lab = kernel_router
    pdsn, srv = lab.hosts["pdsn"], lab.hosts["srv"]
    cap = srv.capture("eth0", "icmp")
    assert pdsn.ping(srv.ip, count=2).ok
    from scapy.layers.inet import ICMP, IP
    pkts = [p for p in cap.packets() if ICMP in p and p[ICMP].type == 8]
    assert len(pkts) == 2 and pkts[0][IP].src == pdsn.ip


def test_cleanup_removes_everything():
    with Lab("hlself2") as lab:
        standard.build_standard(lab)
        names = [ns.name for ns in lab.namespaces]
        proc = lab.hosts["pdsn"].popen(["sleep", "300"])
        workdir = lab.workdir
    assert proc.poll() is not None
    assert not os.path.exists(workdir)
    assert not [n for n in names if os.path.exists(f"/run/netns/{n}")]
    assert cleanup_prefix("hlself2") == []


def test_second_namespace_on_a_segment(kernel_router):
    """connect() plugs another namespace (e.g. a standby appliance) into an
    existing segment; hosts reach it on L2."""
    lab = kernel_router
    standby = lab.add_namespace("dut2")
    lab.connect(lab.segments["access"], standby, "lab-access")
    standby.iproute("addr", "add", "192.0.2.2/24", "dev", "lab-access")
    lab.hosts["pdsn"].wait_ping("192.0.2.2", timeout=10)
    assert lab.hosts["pdsn"].ping("192.0.2.2").ok
