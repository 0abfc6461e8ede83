# SPDX-License-Identifier: BSD-3-Clause
"""`reload`: the operator edits the configuration file and asks haslb to
re-read it. Static routes change in the data plane and in the exception
namespace's kernel; an invalid file or a changed init-only key is refused
and changes nothing."""
import json
import re

from lab import standard

LOOPBACK = standard.SRV_LOOPBACK


def _rewrite(h, routes=None, text=None):
    """Writes a new config file for the running haslb `h`."""
    if routes is not None:
        h.routes = list(routes)
    with open(h.config_path, "w") as f:
        f.write(text if text is not None else h.config_text())


def _kernel_routes(h):
    return {r["dst"] for r in json.loads(h.exception_ns.iproute("-j", "route", "show"))}


def test_reload_removes_and_adds_static_routes(router):
    """Removing the static route stops forwarding to 203.0.113.129 (counted
    as no_route) and removes it from the exception namespace; putting it
    back restores both."""
    h, pdsn = router.haslb, router.pdsn
    pdsn.wait_ping(LOOPBACK)
    assert "203.0.113.128/25" in _kernel_routes(h)

    _rewrite(h, routes=[])
    out = h.console("reload")
    assert "route 203.0.113.128/25 via 203.0.113.10 removed" in out, out
    assert "reloaded" in out, out
    assert "203.0.113.128/25" not in h.console("show routes")
    assert "203.0.113.128/25" not in _kernel_routes(h)
    before = h.stats()["drops"]["no_route"]
    assert not pdsn.ping(LOOPBACK, count=2).ok
    assert h.stats()["drops"]["no_route"] >= before + 2

    _rewrite(h, routes=standard.ROUTES)
    out = h.console("reload")
    assert "route 203.0.113.128/25 via 203.0.113.10 added" in out, out
    assert re.search(r"S +203\.0\.113\.128/25 \[1/0\] via 203\.0\.113\.10, core", h.console("show routes"))
    assert "203.0.113.128/25" in _kernel_routes(h)
    pdsn.wait_ping(LOOPBACK, timeout=10)


def test_reload_refuses_an_invalid_file(router):
    """A syntax or validation error names file:line and nothing changes."""
    h = router.haslb
    good = h.config_text()
    bad = good.replace('via = "203.0.113.10"', 'via = "203.0.113.300"')
    assert bad != good
    _rewrite(h, text=bad)
    out = h.console("reload")
    line = next(i + 1 for i, t in enumerate(bad.splitlines()) if "203.0.113.300" in t)
    assert "reload refused" in out, out
    assert f"{h.config_path}:{line}:" in out, out
    assert "203.0.113.128/25" in h.console("show routes")
    _rewrite(h, text=good)


def test_reload_refuses_init_only_changes(router):
    """Changing a port address needs a restart: reload says which key and
    keeps running with the old addresses."""
    h = router.haslb
    good = h.config_text()
    changed = good.replace('address = "198.51.100.1/24"', 'address = "198.51.100.2/24"')
    assert changed != good
    _rewrite(h, text=changed)
    out = h.console("reload")
    assert "init-only" in out and "ports.[1]" in out, out
    assert "198.51.100.1/24" in h.console("show ports")
    router.ha1.wait_ping("198.51.100.1", timeout=10)
    _rewrite(h, text=good)
    assert "reloaded" in h.console("reload")
