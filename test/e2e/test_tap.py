# SPDX-License-Identifier: BSD-3-Clause
"""The router checks once with net_tap data ports (drivers-cfg/lab-tap.conf):
haslb creates the taps in the dut namespace, the lab bridges them."""
import pytest

from conftest import lab_prefix, start_router
from lab import standard, traffic


@pytest.fixture(scope="module")
def router_tap(request):
    """The standard lab with haslb on net_tap ports."""
    yield from start_router(lab_prefix(request.module), driver="tap")


@pytest.mark.parametrize("src,dst", [("pdsn", "srv"), ("pdsn", "ha1"), ("srv", "ha1"),
                                     ("pdsn", "srv-lo"), ("pdsn", "appliance")])
def test_ping_tap(router_tap, src, dst):
    """Pings through haslb (and to it) with tap ports."""
    r = router_tap
    hosts = {"pdsn": r.pdsn, "ha1": r.ha1, "srv": r.srv}
    address = {"srv-lo": standard.SRV_LOOPBACK, "appliance": "192.0.2.1"}.get(dst) or hosts[dst].ip
    hosts[src].wait_ping(address, timeout=15)
    result = hosts[src].ping(address, count=5)
    assert result.ok, result


def test_tcp_transfer_tap(router_tap):
    """10 MiB over TCP pdsn -> srv with tap ports arrive unchanged."""
    r = router_tap
    r.srv.wait_ping(r.pdsn.ip)
    t = traffic.tcp_transfer(r.pdsn, r.srv, r.srv.ip, size=10 << 20, timeout=120)
    print(f"10 MiB in {t.seconds:.2f}s ({t.mbit_per_s:.0f} Mbit/s)")
    assert t.ok, t
