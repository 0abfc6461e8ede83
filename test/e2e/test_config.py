# SPDX-License-Identifier: BSD-3-Clause
"""Configuration errors and --check: a bad config names file and line, exits
2 and starts nothing; the example config passes --check."""
import os
import re

import pytest

from lab import REPO, Lab, haslb_binary, standard


@pytest.fixture(scope="module")
def lab():
    """A lab with just the dut namespace: if haslb wrongly started anything,
    it would be confined there and removed afterwards."""
    with Lab("hlconfig") as lab:
        yield lab


def _haslb(lab, *args, timeout=30):
    return lab.dut.run([haslb_binary(), *args], check=False, timeout=timeout)


BAD_ADDRESS = """\
# a config with a bad port address on line 8
@include "{repo}/drivers-cfg/lab-af_packet.conf"
eal = {{ lcores = "0-1"; file_prefix = "{fp}"; }};
ports = (
  {{ name = "access"; device = "net_af_packet0,iface=lab-access,qpairs=2";
    address = "192.0.2.1/24"; }},
  {{ name = "farm"; device = "net_af_packet1,iface=lab-farm,qpairs=2";
    address = "198.51.100.300/24"; }}
);
"""


@pytest.mark.parametrize("mode", ["start", "check"])
def test_bad_address(lab, mode):
    """A bad address on line 8: exit 2, `haslb: FILE:8: ...address...` on
    stderr, and no exception namespace or console socket left."""
    fp = lab.new_file_prefix()
    path = lab.path(f"bad-{mode}.conf")
    with open(path, "w") as f:
        f.write(BAD_ADDRESS.format(repo=REPO, fp=fp))
    cp = _haslb(lab, "-c", path, "--check" if mode == "check" else "--no-console")
    assert cp.returncode == 2, cp
    line = re.search(rf"^haslb: {re.escape(path)}:(\d+): (.*)$", cp.stderr, re.M)
    assert line, cp.stderr
    assert line.group(1) == "8" and "address" in line.group(2), line.group(0)
    assert not os.path.exists(f"/run/netns/haslb-{fp}")
    assert not os.path.exists(f"/run/haslb/{fp}.sock")


def test_missing_file(lab):
    """A config file that does not exist: exit 2 and the file is named."""
    path = lab.path("no-such.conf")
    cp = _haslb(lab, "-c", path, "--check")
    assert cp.returncode == 2, cp
    assert path in cp.stderr, cp.stderr


def test_check_example_config(lab):
    """`haslb -c app/haslb/conf/lab.conf --check` prints `...: ok`, exits 0."""
    conf = os.path.join(REPO, "app", "haslb", "conf", "lab.conf")
    cp = _haslb(lab, "-c", conf, "--check")
    assert cp.returncode == 0, cp
    assert f"{conf}: ok" in cp.stdout, cp.stdout


def test_check_generated_configs(lab):
    """The configs the harness writes (af_packet and net_tap) pass --check."""
    with Lab("hlconfig2") as other:
        standard.build_standard(other)
        for driver in ("af_packet", "tap"):
            h = standard.standard_haslb(other, driver=driver)
            cp = _haslb(lab, "-c", h.config_path, "--check")
            assert cp.returncode == 0, (cp, h.config_text())
