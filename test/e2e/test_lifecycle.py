# SPDX-License-Identifier: BSD-3-Clause
"""Start and clean shutdown: while haslb runs its exception namespace holds
one tap per port with the port's address and MAC; SIGTERM or SIGINT end it
with status 0 and remove the namespace and the console socket."""
import json
import os
import signal

import pytest

from lab import Lab, standard


@pytest.fixture(scope="module")
def lab(request):
    """The standard lab without a running haslb (each test starts one)."""
    with Lab("hllifecyc") as lab:
        standard.build_standard(lab)
        yield lab


def test_exception_namespace_mirrors_ports(lab):
    """haslb-<prefix> exists while haslb runs, with the port addresses and
    MACs on its taps; the console socket accepts commands."""
    h = standard.standard_haslb(lab).start()
    try:
        exc = h.exception_ns
        assert exc.exists()
        links = json.loads(exc.iproute("-j", "addr", "show"))
        found = {(a["local"], a["prefixlen"], link["address"].lower())
                 for link in links for a in link.get("addr_info", []) if a["family"] == "inet"}
        for seg in lab.segments.values():
            mac = lab.dut.mac(seg.ifname)
            want = (seg.gateway, seg.network.prefixlen, mac)
            assert want in found, (want, found)
        assert os.path.exists(h.socket_path)
        assert "haslb 0.1.0" in h.console("show version")
    finally:
        rc = h.stop(check=False)
    assert rc == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_clean_shutdown(lab, sig):
    """The signal ends haslb with status 0 within 15 s, and its exception
    namespace and console socket are gone."""
    h = standard.standard_haslb(lab).start()
    assert h.exception_ns.exists() and os.path.exists(h.socket_path)
    rc = h.stop(sig, timeout=15, check=False)
    assert rc == 0, h.stderr
    assert h.leftovers() == [], h.stderr


def test_second_instance_with_the_same_prefix_is_refused(lab):
    """Starting haslb again with a running instance's file_prefix exits 2
    with a message, before touching anything: the first keeps its console,
    telemetry and exception namespace."""
    from lab.haslb import haslb_binary

    h = standard.standard_haslb(lab).start()
    try:
        r = lab.dut.run([haslb_binary(), "-c", h.config_path, "--no-console"], check=False, timeout=30)
        assert r.returncode == 2, r
        assert f'another haslb with file_prefix "{h.file_prefix}" is running' in r.stderr, r.stderr
        assert "haslb 0.1.0" in h.console("show version")
        assert h.telemetry("/haslb/version")["/haslb/version"]["version"] == "0.1.0"
        assert h.exception_ns.exists()
    finally:
        rc = h.stop(check=False)
    assert rc == 0
