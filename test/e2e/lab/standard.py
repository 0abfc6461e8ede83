# SPDX-License-Identifier: BSD-3-Clause
"""The standard lab of the router tests and run-lab (app/haslb/conf/lab.conf):

    pdsn 192.0.2.10 --- access 192.0.2.0/24 ---- .1 [haslb] .1 ---- farm 198.51.100.0/24 --- ha1 .11
                                                      | 203.0.113.1
                                          core 203.0.113.0/25
                                                      |
                               srv 203.0.113.10 (ip_forward, lo 203.0.113.129/32)

Static route on haslb: 203.0.113.128/25 via 203.0.113.10.
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


def build_standard(lab, tap=False):
    """Adds the standard segments (interfaces lab-access, lab-farm,
    lab-core; net_tap ports if `tap`) and hosts pdsn, ha1, srv to `lab`.
    Returns the lab."""
    for name, address in SEGMENTS:
        lab.add_segment(name, address, tap=tap)
    for name, seg, address in HOSTS:
        if name == "srv":
            lab.add_host(name, seg, address, forwarding=True, addresses=[SRV_LOOPBACK + "/32"])
        else:
            lab.add_host(name, seg, address)
    return lab


def standard_ports(lab, driver="af_packet"):
    """The Port list of the standard segments, in config order."""
    return [Port(name, lab.segments[name], driver=driver) for name, _ in SEGMENTS]


def standard_haslb(lab, driver="af_packet", **kw):
    """A Haslb (not started) with the standard ports and static route; `kw`
    goes to Haslb (extra, neighbors, ...)."""
    return Haslb(lab, standard_ports(lab, driver), ROUTES, **kw)


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
