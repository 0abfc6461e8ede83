# SPDX-License-Identifier: BSD-3-Clause
"""IPv6 on haslb's ports (the standard lab with ipv6=True): the address6 of
each port in `show ports` and /haslb/ports, with the link-local address
derived from the port MAC, and the exception namespace's kernel holding the
same addresses (usable at once: no DAD) and the static IPv6 route."""
import ipaddress
import json

import pytest

from conftest import lab_prefix, Router
from lab import Lab, standard


@pytest.fixture(scope="module")
def router6(request):
    with Lab(lab_prefix(request.module)) as lab:
        standard.build_standard(lab, ipv6=True)
        haslb = standard.standard_haslb(lab).start()
        yield Router(lab, haslb)
        if haslb.running:
            haslb.stop(check=False)


def _link_local(mac):
    """fe80::/64 + modified EUI-64 (RFC 4291 2.5.1)."""
    b = bytes.fromhex(mac.replace(":", ""))
    iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))


def test_show_ports_lists_ipv6(router6):
    """`show ports` ends with one IPv6 row per port: address6 and link-local."""
    out = router6.haslb.console("show ports")
    assert "IPv6 address" in out and "Link-local" in out, out
    for i, (name, addr6) in enumerate(standard.SEGMENTS6.items()):
        mac = router6.lab.dut.mac(router6.lab.segments[name].ifname)
        row = f"{i:<5} {name:<10} {addr6:<40} {_link_local(mac)}"
        assert row in out, (row, out)


def test_telemetry_ports_ipv6(router6):
    """/haslb/ports carries address6 and link_local6 for every port."""
    ports = router6.haslb.telemetry("/haslb/ports")["/haslb/ports"]
    for name, addr6 in standard.SEGMENTS6.items():
        assert ports[name]["address6"] == addr6, ports[name]
        mac = router6.lab.dut.mac(router6.lab.segments[name].ifname)
        assert ports[name]["link_local6"] == _link_local(mac), ports[name]


def test_exception_namespace_has_ipv6(router6):
    """The kernel behind the taps holds each address6 (not tentative: DAD is
    off) and the static IPv6 route 2001:db8:cc::/48 via srv."""
    exc = router6.haslb.exception_ns
    addrs = json.loads(exc.iproute("-6", "-j", "addr", "show"))
    have = {}
    for link in addrs:
        for a in link.get("addr_info", []):
            have[f'{a["local"]}/{a["prefixlen"]}'] = (link["ifname"], a.get("tentative", False))
    for name, addr6 in standard.SEGMENTS6.items():
        assert have.get(addr6) == (name, False), (addr6, have)
    routes = json.loads(exc.iproute("-6", "-j", "route", "show"))
    assert any(r["dst"] == "2001:db8:cc::/48" and r.get("gateway") == "2001:db8:c::10"
               and r.get("dev") == "core" for r in routes), routes
