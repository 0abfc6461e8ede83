# SPDX-License-Identifier: BSD-3-Clause
"""HA-SLB on the wire (seed 001, operating modes), checked with tcpdump and
tshark on the real HAs' interfaces and on the pdsn:

- dispatched (MIPSLB -> HAFARM, nat none): the RRQ reaches the chosen real
  with its destination MAC = the real's MAC and destination IP = the VIP;
  everything after the IP header is byte-identical to what the pdsn sent.
- NAT server (MIPNAT -> NATFARM): destination IP = the real's address, IP
  and UDP checksums valid, the UDP payload (RRQ and its extensions, MN-HA
  authenticator included) byte-identical.
In both modes the RRP comes from the real's own address and haslb routes
it to the pdsn unchanged.
"""
import pytest

from conftest import lab_prefix
from lab import mip

VIP, VIP_NAT, HA1, HA2, HA3 = mip.VIP, mip.VIP_NAT, mip.HA1, mip.HA2, mip.HA3
PDSN = "192.0.2.10"
FIELDS = ["eth.dst", "ip.src", "ip.dst", "udp.srcport", "udp.dstport", "mip.type", "mip.nai",
          "ip.checksum.status", "udp.checksum.status", "udp.payload"]


@pytest.fixture(scope="module")
def slb(request):
    """The SLB lab (both vservers, idle 30 s)."""
    yield from mip.start_slb_lab(lab_prefix(request.module), mip.slb_text(idle=30))


def capture_exchange(s, vip, nais, reals):
    """Captures UDP 434 on the pdsn and on each of `reals` while the pdsn
    registers `nais` at `vip`; returns (results, {host: pcap path})."""
    caps = {"pdsn": s.pdsn.capture("eth0", "udp port 434")}
    for a in reals:
        caps[a] = s.reals[a].capture("eth0", "udp port 434")
    try:
        res = mip.register_nais(s.pdsn, vip, nais)
    finally:
        paths = {k: c.stop() for k, c in caps.items()}
    return res, paths


def after_ip(pcap, nai, msg_type=1):
    """Raw bytes after the IP header of the frames of `pcap` carrying a
    Mobile IP message of `msg_type` for `nai` (scapy)."""
    from scapy.layers.inet import IP
    from scapy.utils import rdpcap
    out = []
    for p in rdpcap(pcap):
        if IP in p:
            body = bytes(p[IP].payload)
            if len(body) > 8 and body[8] == msg_type and nai.encode() in body:
                out.append(body)
    return out


def rrqs_for(pcap, nai):
    """tshark rows (FIELDS) of the RRQs for `nai` in `pcap`."""
    return tshark(pcap, f'mip.type == 1 && mip.nai == "{nai}"')


def tshark(pcap, flt):
    """tshark rows (FIELDS) of the frames of `pcap` matching `flt`."""
    return mip.tshark_fields(pcap, FIELDS, display_filter=flt)


def vip_reached_through_haslb(s, vip):
    """Asserts that the pdsn's ARP entry for `vip` is haslb's MAC (that of
    192.0.2.1): haslb answered ARP for the VIP. Returns {ip: MAC}."""
    s.pdsn.wait_ping("192.0.2.1")
    neigh = s.pdsn.iproute("neigh", "show", "dev", "eth0")
    lladdr = {line.split()[0]: line.split()[line.split().index("lladdr") + 1].lower()
              for line in neigh.splitlines() if "lladdr" in line}
    assert vip in lladdr and lladdr.get(vip) == lladdr.get("192.0.2.1"), \
        f"pdsn should reach {vip} through haslb's MAC:\n{neigh}"
    return lladdr


def test_dispatched_mode_on_the_wire(slb):
    """Dispatched: each RRQ reaches only its real, addressed to the real's
    MAC and to the VIP, with UDP header and payload unchanged (valid
    checksums); pdsn reached the VIP through haslb's MAC; the RRP comes from
    the real's address and crosses haslb unchanged."""
    s = slb
    nais = ["disp-a@ispxyz.com", "disp-b@ispxyz.com"]
    res, pcaps = capture_exchange(s, VIP, nais, (HA1, HA2, HA3))
    lladdr = vip_reached_through_haslb(s, VIP)
    seen = set()
    for r in res:
        nai, real = r["nai"], r["answered_by"]
        assert real in (HA1, HA2) and r["reply"]["code"] == 0, r
        seen.add(real)
        sent = tshark(pcaps["pdsn"], f'mip.type == 1 && mip.nai == "{nai}"')
        assert len(sent) == 1, sent
        assert sent[0]["eth.dst"] == lladdr[VIP] and sent[0]["ip.dst"] == VIP, sent
        for a in (HA1, HA2, HA3):
            rows = rrqs_for(pcaps[a], nai)
            if a != real:
                assert rows == [], f"{nai} also reached {a}: {rows}"
                continue
            assert len(rows) == 1, rows
            row = rows[0]
            assert row["eth.dst"] == s.reals[a].mac_address, (row, s.reals[a].mac_address)
            assert (row["ip.src"], row["ip.dst"]) == (PDSN, VIP), row
            assert (row["udp.srcport"], row["udp.dstport"]) == ("434", "434"), row
            assert row["ip.checksum.status"] == "1" and row["udp.checksum.status"] == "1", row
            assert row["udp.payload"] == r["sent_hex"], row
        # Everything after the IP header (UDP header, checksum included).
        assert after_ip(pcaps[real], nai) == after_ip(pcaps["pdsn"], nai), nai
        req = s.responders[real].requests_for(nai, r["ident"])
        assert len(req) == 1 and req[0]["dst"] == VIP and req[0]["auth_ok"] is True, req
        rrps = tshark(pcaps["pdsn"], f'mip.type == 3 && mip.nai == "{nai}"')
        assert len(rrps) == 1 and rrps[0]["ip.src"] == real and rrps[0]["ip.dst"] == PDSN, rrps
        assert rrps[0]["udp.checksum.status"] == "1", rrps
        assert rrps[0]["udp.payload"] == r["reply"]["hex"], rrps
        assert after_ip(pcaps[real], nai, 3) == after_ip(pcaps["pdsn"], nai, 3), nai
    assert seen == {HA1, HA2}, "1:1 round robin: one RRQ each"


def test_nat_mode_on_the_wire(slb):
    """NAT server: the RRQ reaches the real addressed to the real's IP and
    MAC, with valid IP and UDP checksums and the UDP payload byte for byte
    what the pdsn sent (the MN-HA authenticator still verifies)."""
    s = slb
    nais = [f"nat-{i}@ispxyz.com" for i in range(6)]
    res, pcaps = capture_exchange(s, VIP_NAT, nais, (HA1, HA2, HA3))
    vip_reached_through_haslb(s, VIP_NAT)
    seen = set()
    for r in res:
        nai, real = r["nai"], r["answered_by"]
        assert real in (HA1, HA2, HA3) and r["reply"]["code"] == 0, r
        assert r["reply"]["ha"] == real, r["reply"]
        seen.add(real)
        for a in (HA1, HA2, HA3):
            rows = rrqs_for(pcaps[a], nai)
            if a != real:
                assert rows == [], f"{nai} also reached {a}: {rows}"
                continue
            assert len(rows) == 1, rows
            row = rows[0]
            assert row["eth.dst"] == s.reals[a].mac_address, row
            assert (row["ip.src"], row["ip.dst"]) == (PDSN, real), row
            assert (row["udp.srcport"], row["udp.dstport"]) == ("434", "434"), row
            assert row["ip.checksum.status"] == "1", f"bad IP checksum after NAT: {row}"
            assert row["udp.checksum.status"] == "1", f"bad UDP checksum after NAT: {row}"
            assert row["udp.payload"] == r["sent_hex"], row
        req = s.responders[real].requests_for(nai, r["ident"])
        assert len(req) == 1 and req[0]["dst"] == real and req[0]["auth_ok"] is True, req
        rrps = tshark(pcaps["pdsn"], f'mip.type == 3 && mip.nai == "{nai}"')
        assert len(rrps) == 1 and rrps[0]["ip.src"] == real, rrps
        assert rrps[0]["udp.payload"] == r["reply"]["hex"], rrps
    assert seen == {HA1, HA2, HA3}, f"6 sessions over weights 3/1/2 reach all reals: {seen}"
