# SPDX-License-Identifier: BSD-3-Clause
"""Hotlining (seed 004) as a subscriber and an operator see it.

The SLB lab (HAFARM behind 192.0.2.100, responders on ha1..ha3) plus:
- mn 198.51.100.77: the subscriber's host (its home address; its upstream
  traffic reaches haslb on the farm side, as after the HA decapsulates it);
- srv 203.0.113.10: "the internet": an HTTP server on port 80 that does not
  answer pings;
- portal 203.0.113.20: the redirect server: HTTP on 8081 (IP redirect
  target), the portal on 8080 (HTTP redirect target), UDP echo on 7, pings.

alice@example.com registers through haslb with home address 198.51.100.77:
the RRP teaches haslb the binding, so she is a subscriber. The operator
then moves her between profiles on the console (RADIUS does this later):
IPREDIR (web -> portal:8081, UDP 7 and pings to srv -> portal), BLOCKED
(filter everything), PORTAL (HTTP redirect to the portal, the portal itself
passes, the rest filtered), normal again, and a Session-Timeout.
"""
import re
import time

import pytest

from conftest import lab_prefix
from lab import mip, traffic, wait_until

WWW, PORTAL = "203.0.113.10", "203.0.113.20"
HOME, HOME2 = "198.51.100.77", "198.51.100.78"
NAI, NAI2 = "alice@example.com", "bob@example.com"
PORTAL_URL = f"http://{PORTAL}:8080/portal.html"
UDP_TIMEOUT, ICMP_TIMEOUT = 4, 3

CONFIG = f"""
acls = (
  {{ name = "web"; entries = ( "permit tcp any any eq www" ); }},
  {{ name = "portal"; entries = ( "permit tcp any host {PORTAL} eq 8080" ); }},
  {{ name = "echo"; entries = ( "permit udp any host {WWW} eq 7" ); }},
  {{ name = "pings"; entries = ( "deny icmp any host {PORTAL}", "permit icmp any any" ); }},
  {{ name = "all"; entries = ( "permit ip any any" ); }}
);
hotline = {{
  profiles = (
    {{ name = "IPREDIR"; rules = (
        {{ type = "ip-redirect"; acl = "web"; redirect = "{PORTAL}"; port = 8081; }},
        {{ type = "ip-redirect"; acl = "echo"; redirect = "{PORTAL}"; }},
        {{ type = "ip-redirect"; acl = "pings"; redirect = "{PORTAL}"; }} ); }},
    {{ name = "BLOCKED"; rules = ( {{ type = "filter"; acl = "all"; }} ); }},
    {{ name = "PORTAL"; rules = (
        {{ type = "filter"; acl = "all"; }},
        {{ type = "http-redirect"; acl = "web"; url = "{PORTAL_URL}"; }},
        {{ type = "http-pass"; acl = "portal"; }} ); }}
  );
  realms = ( {{ realm = "@example.com"; capability = "all"; }} );
  max_subscribers = 4096;
  nat = {{ max_translations = 4096; udp = {UDP_TIMEOUT}; icmp = {ICMP_TIMEOUT}; tcp = 30;
          tcp_fin = 3; tcp_syn = 10; tcp_nosynack = 5; }};
}};
"""


def web_server(host, address, port, body):
    """An HTTP server (python http.server) serving `body` as index.html and
    portal.html from a directory of its own."""
    d = host.lab.path(f"www-{host.host}-{port}")
    import os
    os.makedirs(d, exist_ok=True)
    for name in ("index.html", "portal.html"):
        with open(os.path.join(d, name), "w") as f:
            f.write(body)
    host.popen(["/usr/bin/python3", "-m", "http.server", str(port), "--bind", address,
                "--directory", d])
    host.wait_listening(port)


def before_start(lab):
    lab.add_host("mn", "farm", f"{HOME}/24")
    lab.add_host("portal", "core", f"{PORTAL}/25")
    srv, portal = lab.hosts["srv"], lab.hosts["portal"]
    srv.sysctl(net__ipv4__icmp_echo_ignore_all=1)
    web_server(srv, WWW, 80, "the internet host\n")
    web_server(portal, PORTAL, 8081, "the redirect server\n")
    web_server(portal, PORTAL, 8080, "the hotline portal\n")
    traffic.udp_echo_server(portal, PORTAL, 7)


@pytest.fixture(scope="module")
def hot(request):
    yield from mip.start_slb_lab(lab_prefix(request.module),
                                 mip.slb_text(natfarm=False, idle=300) + CONFIG,
                                 before_start=before_start)


def console(hot, *cmds):
    return hot.console(*cmds)


def curl(hot, url, *args, timeout=4):
    """curl from mn: (exit code, stdout). -w prints what curl connected to."""
    cp = hot.lab.hosts["mn"].run(
        ["curl", "-s", "--connect-timeout", "2", "-m", str(timeout), *args,
         "-w", "\n%{remote_ip}:%{remote_port} %{http_code} %{url_effective}", url],
        check=False, timeout=timeout + 10)
    return cp.returncode, cp.stdout


def set_profile(hot, profile, nai=NAI, timeout=None):
    cmd = f"hotline subscriber {nai} " + (
        "normal" if profile is None else f"profile {profile}" +
        (f" timeout {timeout}" if timeout else ""))
    out = console(hot, cmd)
    assert not out.startswith("%"), out
    return out


def nat_rows(hot):
    """`show nat translations` rows: (proto, inside, outside local, outside global)."""
    rows = []
    for line in console(hot, "show nat translations").splitlines()[1:]:
        f = line.split()
        if len(f) >= 4 and f[0] in ("tcp", "udp", "icmp"):
            rows.append(tuple(f[:4]))
    return rows


def user(hot, nai=NAI):
    return console(hot, f"show hotline users nai {nai}")


def test_binding_makes_a_subscriber(hot):
    res = mip.register_nais(hot.pdsn, mip.VIP, [NAI], home=HOME)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    wait_until(lambda: f"Home Addr {HOME}" in user(hot), 10, what="alice's home address")
    text = user(hot)
    assert text.startswith(f"{NAI} (Bindings 1):"), text
    assert "Normal" in text
    users = hot.tele("/haslb/hotline/users")
    assert users["total"] == 1 and users["0"]["nai"] == NAI
    assert users["0"]["addresses"] == HOME and users["0"]["state"] == "normal"
    hot.lab.hosts["mn"].wait_ping(PORTAL)


def test_normal_subscriber_reaches_the_internet(hot):
    rc, out = curl(hot, f"http://{WWW}/")
    assert rc == 0 and out.startswith("the internet host"), out
    assert nat_rows(hot) == []


def test_ip_redirect_tcp_answers_from_the_redirect_server(hot):
    out = set_profile(hot, "IPREDIR")
    assert "hotlined with profile IPREDIR" in out
    rc, out = curl(hot, f"http://{WWW}/")
    assert rc == 0, out
    body, info = out.rsplit("\n", 1)
    body = body.strip()
    assert body == "the redirect server"
    # curl talked to the original address and port all along
    assert info.split()[0] == f"{WWW}:80", info
    rows = nat_rows(hot)
    tcp = [r for r in rows if r[0] == "tcp"]
    assert tcp and all(r[1].startswith(HOME + ":") and r[2] == f"{WWW}:80" and
                       r[3] == f"{PORTAL}:8081" for r in tcp), rows
    text = user(hot)
    assert "Profile Based HotLining, Profile IPREDIR (Rules 3)" in text
    assert f"Redirected IPAddr {PORTAL}:8081" in text
    prof = console(hot, "show hotline profile IPREDIR")
    assert re.search(r"IP redirected [1-9]", prof), prof


def test_udp_and_ping_redirected_both_ways(hot):
    mn = hot.lab.hosts["mn"]
    # srv has no UDP echo and ignores pings: answers come from the portal,
    # translated back so mn sees srv answering.
    assert traffic.udp_exchange(mn, WWW, 7, b"hotline-udp") == b"hotline-udp"
    assert mn.ping(WWW, count=3).ok
    protos = {r[0] for r in nat_rows(hot) if r[2].startswith(WWW)}
    assert {"udp", "icmp"} <= protos, nat_rows(hot)
    summ = hot.tele("/haslb/nat/summary")
    assert summ["udp"] >= 1 and summ["icmp"] >= 1 and summ["bytes_per_translation"] > 0


def test_translations_expire_on_time(hot):
    mn = hot.lab.hosts["mn"]
    assert traffic.udp_exchange(mn, WWW, 7, b"expiry") == b"expiry"
    sent = time.monotonic()

    def udp_gone():
        return not [r for r in nat_rows(hot) if r[0] == "udp"]

    assert not udp_gone()
    wait_until(udp_gone, UDP_TIMEOUT + 4, interval=0.2, what="UDP translation expiry")
    took = time.monotonic() - sent
    assert took >= UDP_TIMEOUT - 1, f"UDP translation gone after {took:.1f} s"
    wait_until(lambda: not [r for r in nat_rows(hot) if r[0] == "icmp"], ICMP_TIMEOUT + 4,
               what="ICMP translation expiry")


def test_filter_blocks_the_subscriber(hot):
    before = hot.haslb.stats()["drops"]["hotline_filtered"]
    set_profile(hot, "BLOCKED")
    rc, out = curl(hot, f"http://{WWW}/", timeout=3)
    assert rc != 0, out
    assert not hot.lab.hosts["mn"].ping(WWW, count=2, wait=1).ok
    assert hot.haslb.stats()["drops"]["hotline_filtered"] > before
    assert re.search(r"filtered [1-9]", console(hot, "show hotline profile BLOCKED"))
    # the IPREDIR translations did not survive the change of profile
    assert nat_rows(hot) == []


def test_http_redirect_ends_at_the_portal(hot):
    set_profile(hot, "PORTAL")
    rc, out = curl(hot, f"http://{WWW}/", "-i")
    assert rc == 0, out
    assert out.startswith("HTTP/1.1 302 Found"), out
    assert f"Location: {PORTAL_URL}" in out
    rc, out = curl(hot, f"http://{WWW}/", "-L")
    assert rc == 0, out
    body, info = out.rsplit("\n", 1)
    body = body.strip()
    assert body == "the hotline portal"
    assert info.split()[-1] == PORTAL_URL, info
    stats = hot.haslb.stats()["counters"]
    assert stats["http_syn_answered"] >= 2 and stats["http_redirects_sent"] >= 2


def test_back_to_normal(hot):
    out = set_profile(hot, None)
    assert "normal" in out
    rc, out = curl(hot, f"http://{WWW}/")
    assert rc == 0 and out.startswith("the internet host"), out
    text = console(hot, "show hotline summary")
    assert "Number of Sessions Hotlined 0" in text
    traffic_text = console(hot, "show mobile traffic")
    assert "Number of Active-Session Hotlined 1" in traffic_text, traffic_text
    assert "Number of Active-Sessions Reconciled 1" in traffic_text


def test_new_session_hotlining(hot):
    out = set_profile(hot, "BLOCKED", nai=NAI2)
    assert "applies when its binding appears" in out
    assert "new session" in user(hot, NAI2)
    res = mip.register_nais(hot.pdsn, mip.VIP, [NAI2], home=HOME2)
    assert res[0]["reply"] and res[0]["reply"]["code"] == 0, res
    wait_until(lambda: f"Home Addr {HOME2}" in user(hot, NAI2), 10, what="bob's binding")
    assert "Number of New-Session Hotlined 1" in console(hot, "show mobile traffic")
    assert hot.tele("/haslb/hotline/summary")["new_session_hotlined"] == 1


def test_session_timeout_ends_the_session(hot):
    set_profile(hot, "IPREDIR", timeout=2)
    assert "Session-Timeout 2" in user(hot)
    wait_until(lambda: "session ended" in user(hot), 6, what="Session-Timeout")
    rc, _ = curl(hot, f"http://{WWW}/", timeout=3)
    assert rc != 0
    assert hot.haslb.stats()["drops"]["hotline_session_ended"] > 0
    assert hot.tele("/haslb/hotline/summary")["timed_out"] == 1
    set_profile(hot, None)
    rc, out = curl(hot, f"http://{WWW}/")
    assert rc == 0 and out.startswith("the internet host"), out


def test_operator_errors(hot):
    assert console(hot, f"hotline subscriber {NAI} profile NOPE").startswith(
        "% no hotline profile named NOPE")
    assert console(hot, "hotline subscriber nobody@x normal").startswith("% no subscriber")
    out = console(hot, f"hotline subscriber {NAI2} address add {HOME}")
    assert out.startswith(f"% {HOME} is a home address of {NAI}"), out
    assert "hotline subscriber NAI profile NAME" in console(hot, "help")
