# SPDX-License-Identifier: BSD-3-Clause
"""DPDK telemetry endpoints of haslb, read with the harness's direct client
and with dpdk-telemetry.py."""
import json

from lab import run

PORT_KEYS = {"port_id", "address", "mac", "link", "rx_packets", "rx_bytes", "tx_packets",
             "tx_bytes", "rx_dropped", "tx_dropped"}


def test_version(router):
    """/haslb/version names haslb 0.1.0 and DPDK 22.11."""
    v = router.haslb.telemetry("/haslb/version")["/haslb/version"]
    assert v["version"] == "0.1.0", v
    assert v["dpdk"].startswith("DPDK 22.11"), v


def test_ports(router):
    """/haslb/ports: one entry per port with its address, MAC and link up;
    RX on access and TX on core grow by at least the pings sent."""
    h = router.haslb
    router.pdsn.wait_ping(router.srv.ip)
    before = h.telemetry("/haslb/ports")["/haslb/ports"]
    assert set(before) == set(router.lab.segments), before
    for i, seg in enumerate(router.lab.segments.values()):
        p = before[seg.name]
        assert PORT_KEYS <= set(p), p
        assert p["port_id"] == i and p["address"] == seg.address and p["link"] == "up", p
        assert p["mac"].lower() == router.lab.dut.mac(seg.ifname), p
    r = router.pdsn.ping(router.srv.ip, count=10, interval=0.05)
    assert r.ok, r
    after = h.telemetry("/haslb/ports")["/haslb/ports"]
    assert after["access"]["rx_packets"] >= before["access"]["rx_packets"] + 10
    assert after["access"]["rx_bytes"] >= before["access"]["rx_bytes"] + 10 * 98
    assert after["core"]["tx_packets"] >= before["core"]["tx_packets"] + 10
    assert after["core"]["rx_packets"] >= before["core"]["rx_packets"] + 10
    assert after["access"]["tx_packets"] >= before["access"]["tx_packets"] + 10


def test_stats(router):
    """/haslb/stats has a counters and a drops dict of integers, with the
    router's counters and drop reasons; forwarded grows with traffic."""
    h = router.haslb
    router.pdsn.wait_ping(router.srv.ip)
    before = h.stats()
    for key in ("rx_packets", "tx_packets", "forwarded", "to_control",
                "icmp_time_exceeded_sent", "arp_requests_sent", "arp_resolve_failed"):
        assert key in before["counters"], before["counters"]
    for key in ("ttl_exceeded", "no_route"):
        assert key in before["drops"], before["drops"]
    assert all(isinstance(v, int) for v in (*before["counters"].values(),
                                            *before["drops"].values())), before
    assert router.pdsn.ping(router.srv.ip, count=5, interval=0.05).ok
    after = h.stats()
    assert after["counters"]["forwarded"] >= before["counters"]["forwarded"] + 10


def test_console_and_telemetry_agree_on_drops(router):
    """`show stats drops` lists the same reasons as telemetry."""
    h = router.haslb
    console = h.console_stats(drops=True)
    assert set(console) == set(h.stats()["drops"]), console


def test_dpdk_telemetry_py(router):
    """dpdk-telemetry.py -f <file_prefix> reads the same three endpoints."""
    h = router.haslb
    cp = run(["/usr/bin/python3", "/usr/bin/dpdk-telemetry.py", "-f", h.file_prefix],
             input="/haslb/version\n/haslb/ports\n/haslb/stats\n", timeout=30)
    replies = [json.loads(line) for line in cp.stdout.splitlines() if line.startswith("{")]
    merged = {k: v for r in replies for k, v in r.items()}
    assert merged["/haslb/version"]["version"] == "0.1.0", cp.stdout
    assert set(merged["/haslb/ports"]) == set(router.lab.segments), cp.stdout
    assert "ttl_exceeded" in merged["/haslb/stats"]["drops"], cp.stdout
