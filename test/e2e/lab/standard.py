# SPDX-License-Identifier: BSD-3-Clause
"""The standard lab of the router tests and run-lab (app/haslb/conf/lab.conf):

    pdsn 192.0.2.10 --- access 192.0.2.0/24 ---- .1 [haslb] .1 ---- farm 198.51.100.0/24 --- ha1 .11
                                                      | 203.0.113.1
                                          core 203.0.113.0/25
                                                      |
                               srv 203.0.113.10 (ip_forward, lo 203.0.113.129/32)

Static route on haslb: 203.0.113.128/25 via 203.0.113.10.

With ipv6=True the segments and hosts also get IPv6 (2001:db8::/32, RFC 3849):
access 2001:db8:a::/64 (haslb ::1, pdsn ::10), farm 2001:db8:f::/64 (haslb
::1, ha1 ::11), core 2001:db8:c::/64 (haslb ::1, srv ::10, forwarding, lo
2001:db8:cc::1/128), and the route 2001:db8:cc::/48 via 2001:db8:c::10.
"""
from .haslb import Haslb, Port

SEGMENTS = (
    ("access", "192.0.2.1/24"),
    ("farm", "198.51.100.1/24"),
    ("core", "203.0.113.1/25"),
)
HOSTS = (
    ("pdsn", "access", "192.0.2.10/24"),
    ("ha1", "farm", "198.51.100.11/24"),
    ("srv", "core", "203.0.113.10/25"),
)
ROUTES = (("203.0.113.128/25", "203.0.113.10"),)
SRV_LOOPBACK = "203.0.113.129"
SEGMENTS6 = {"access": "2001:db8:a::1/64", "farm": "2001:db8:f::1/64", "core": "2001:db8:c::1/64"}
HOSTS6 = {"pdsn": "2001:db8:a::10/64", "ha1": "2001:db8:f::11/64", "srv": "2001:db8:c::10/64"}
ROUTES6 = (("2001:db8:cc::/48", "2001:db8:c::10"),)
SRV_LOOPBACK6 = "2001:db8:cc::1"


def build_standard(lab, tap=False, ipv6=False):
    """Adds the standard segments (interfaces lab-access, lab-farm,
    lab-core; net_tap ports if `tap`) and hosts pdsn, ha1, srv to `lab`,
    with their IPv6 addresses if `ipv6`. Returns the lab."""
    for name, address in SEGMENTS:
        lab.add_segment(name, address, tap=tap, address6=SEGMENTS6[name] if ipv6 else None)
    for name, seg, address in HOSTS:
        v6 = {"address6": HOSTS6[name]} if ipv6 else {}
        if name == "srv":
            host = lab.add_host(name, seg, address, forwarding=True,
                                addresses=[SRV_LOOPBACK + "/32"], **v6)
            if ipv6:
                host.add_address(SRV_LOOPBACK6 + "/128")
        else:
            lab.add_host(name, seg, address, **v6)
    return lab


def standard_ports(lab, driver="af_packet"):
    """The Port list of the standard segments, in config order."""
    return [Port(name, lab.segments[name], driver=driver) for name, _ in SEGMENTS]


def standard_haslb(lab, driver="af_packet", **kw):
    """A Haslb (not started) with the standard ports and static route (and
    the IPv6 one when the segments have IPv6); `kw` goes to Haslb (extra,
    neighbors, ...)."""
    ipv6 = any(seg.address6 for seg in lab.segments.values())
    return Haslb(lab, standard_ports(lab, driver), ROUTES + (ROUTES6 if ipv6 else ()), **kw)


# -- HA-SLB: the standard lab with three real HAs on the farm segment ----------
# ha1 198.51.100.11 (standard), ha2 .12 and ha3 .13; the VIPs are on the access
# subnet, so pdsn reaches them on-link through haslb's MAC.

SLB_REALS = (
    ("ha2", "farm", "198.51.100.12/24"),
    ("ha3", "farm", "198.51.100.13/24"),
)
SLB_VIP_DISPATCHED = "192.0.2.100"
SLB_VIP_NAT = "192.0.2.101"


def build_slb(lab, tap=False):
    """The standard lab (build_standard) plus real HAs ha2 (198.51.100.12)
    and ha3 (198.51.100.13) on the farm segment. Returns the lab."""
    build_standard(lab, tap=tap)
    for name, seg, address in SLB_REALS:
        lab.add_host(name, seg, address)
    return lab
