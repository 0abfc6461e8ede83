# SPDX-License-Identifier: BSD-3-Clause
"""Shared pytest fixtures of the e2e suites.

This directory is on sys.path, so tests `import lab` (the harness package).
`router` starts the standard lab (standard.py) with haslb on af_packet ports
once per test module; `start_router()` is the generator behind it, for
modules that want other ports (net_tap) or extra config.
"""
import os
import re
import sys

import pytest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))

from lab import Lab, standard  # noqa: E402


def pytest_sessionstart(session):
    """The lab needs root; say so once instead of failing every test."""
    if os.geteuid() != 0:
        pytest.exit("the e2e tests need root (network namespaces)", returncode=2)


def lab_prefix(module):
    """A short, stable lab prefix per test module ("hl" + its name), so
    modules never share namespaces and a rerun removes a crashed run's
    leftovers."""
    name = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return "hl" + re.sub(r"[^a-z0-9]", "", name.lower())[:8]


class Router:
    """What the router fixtures yield: the lab, the running Haslb and the
    standard hosts."""

    def __init__(self, lab, haslb):
        self.lab = lab
        self.haslb = haslb
        self.pdsn = lab.hosts["pdsn"]
        self.ha1 = lab.hosts["ha1"]
        self.srv = lab.hosts["srv"]

    def assert_alive(self):
        """Fails with haslb's exit status and log tail if it died."""
        h = self.haslb
        if not h.running:
            tail = "\n".join(h.stderr.splitlines()[-40:])
            pytest.fail(f"haslb is not running any more (exit {h.proc.returncode})\n{tail}",
                        pytrace=False)


def start_router(prefix, driver="af_packet", **haslb_kw):
    """Generator: the standard lab with a started haslb on `driver` ports
    ("af_packet" or "tap"); `haslb_kw` goes to Haslb. Tears down after."""
    with Lab(prefix) as lab:
        standard.build_standard(lab, tap=(driver == "tap"))
        haslb = standard.standard_haslb(lab, driver=driver, **haslb_kw).start()
        yield Router(lab, haslb)
        if haslb.running:
            haslb.stop(check=False)


@pytest.fixture(scope="module")
def router(request):
    """The standard lab with haslb on af_packet ports, once per module."""
    yield from start_router(lab_prefix(request.module))


@pytest.fixture(autouse=True)
def _haslb_still_running(request):
    """After each test that used a router or SLB lab fixture: haslb must
    still run (a crash shows up as an error naming the test that caused it)."""
    yield
    for name in ("router", "router_tap", "slb", "hot"):
        value = getattr(request.node, "funcargs", {}).get(name)
        if value is not None and hasattr(value, "assert_alive"):
            value.assert_alive()
