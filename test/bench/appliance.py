#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Whole-appliance benchmark: haslb on net_pcap ports fed by `infinite_rx=1`,
then dpdk-testpmd --forward-mode=io on the same pcap and devargs, per
traffic mix; the ratio haslb/testpmd is the headline figure (it cancels the
machine's speed).

Usage: appliance.py --haslb BIN [--mixes a,b] [--warmup S] [--seconds S]
                    [--json FILE] [--workdir DIR]

Each mix is a pcap of 64-byte frames (RRQs are longer) written with scapy.
haslb gets three ports (access, farm, core) whose TX queues write to
/dev/null; the loaded port replays its pcap forever, the others replay a
short pcap once (the ARP requests that teach haslb its next hops' MACs,
and for "reverse" the upstream packets that create the translations).
Rates come from telemetry, read twice `--seconds` apart after `--warmup`:
haslb's /haslb/ports (tx_packets of the output port: what it forwarded),
testpmd's /ethdev/stats (opackets). Every process started here is stopped
by PID and every file is removed (unless --keep).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from scapy.all import ARP, IP, UDP, Ether, Raw, wrpcap  # noqa: E402

# net_pcap cannot change its MAC: it gives its ports 02:70:63:61:70:<n> ("\x02pcap"
# and the order of creation in the process), checked against /haslb/ports.
MAC = {"access": "02:70:63:61:70:00", "farm": "02:70:63:61:70:01", "core": "02:70:63:61:70:02"}
ADDR = {"access": "192.0.2.1", "farm": "198.51.100.1", "core": "203.0.113.1"}
PORTS = ["access", "farm", "core"]
PDSN_MAC = "02:00:00:00:0a:0a"
SUBS = 64            # hotlined subscribers 198.51.100.100 .. 163
FLOWS_PER_SUB = 16   # UDP flows each: 1024 translations
NAIS = 1024          # RRQ mix: sessions


def pad(p):
    """64-byte frames on the wire: 60 bytes without the FCS."""
    raw = bytes(p)
    return Ether(raw + b"\x00" * max(0, 60 - len(raw)))


def arp_from(port, ip, mac):
    """An ARP request from a next hop for haslb's port address: haslb
    learns the neighbour from it (README "Neighbours")."""
    return pad(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
               ARP(op=1, hwsrc=mac, psrc=ip, hwdst="00:00:00:00:00:00", pdst=ADDR[port]))


def udp(src_mac, port, src, dst, sport, dport):
    return pad(Ether(src=src_mac, dst=MAC[port]) / IP(src=src, dst=dst, ttl=64) /
               UDP(sport=sport, dport=dport) / Raw(b"\x5a" * 18))


def rrq(nai, ident):
    body = bytes([1, 0x02]) + (1800).to_bytes(2, "big") + bytes(4) + bytes(4)
    body += bytes([192, 0, 2, 10]) + ident.to_bytes(8, "big")
    n = nai.encode()
    body += bytes([131, len(n)]) + n
    body += bytes([32, 20]) + (256).to_bytes(4, "big") + bytes(16)  # MN-HA auth (unchecked)
    return Ether(src=PDSN_MAC, dst=MAC["access"]) / IP(src="192.0.2.10", dst="192.0.2.100") / \
        UDP(sport=434, dport=434) / Raw(body)


def sub_ip(i):
    return f"198.51.100.{100 + i}"


def upstream_redirect():
    return [udp("02:00:00:00:0d:01", "farm", sub_ip(s), "203.0.113.10", 10000 + f, 53)
            for f in range(FLOWS_PER_SUB) for s in range(SUBS)]


# mix -> (loaded port, output port, loaded frames, {port: one-pass frames}, stat that must grow)
def mixes():
    core_arps = [arp_from("core", "203.0.113.10", "02:00:00:00:0c:0c"),
                 arp_from("core", "203.0.113.20", "02:00:00:00:0c:14")]
    farm_arps = [arp_from("farm", "198.51.100.11", "02:00:00:00:0b:0b"),
                 arp_from("farm", "198.51.100.12", "02:00:00:00:0b:0c")] + \
        [arp_from("farm", sub_ip(s), "02:00:00:00:0d:01") for s in range(SUBS)]
    access_arps = [arp_from("access", "192.0.2.10", PDSN_MAC)]
    return {
        "routed": ("access", "core",
                   [udp(PDSN_MAC, "access", f"192.0.2.{10 + i % 200}",
                        f"203.0.113.{129 + i % 120}", 1024 + i, 9) for i in range(1024)],
                   {"core": core_arps, "farm": farm_arps}, "forwarded"),
        "redirect": ("farm", "core", upstream_redirect(),
                     {"core": core_arps, "access": access_arps}, "hotline_ip_redirected"),
        "reverse": ("core", "farm",
                    [udp("02:00:00:00:0c:14", "core", "203.0.113.20", sub_ip(s), 53, 10000 + f)
                     for f in range(FLOWS_PER_SUB) for s in range(SUBS)],
                    {"farm": farm_arps + upstream_redirect(), "access": access_arps},
                    "nat_reversed"),
        # Two Identifications per NAI, all NAIs between them: every RRQ is a
        # new request of a known session (a repeat would be a retransmission).
        "rrq": ("access", "farm",
                [rrq(f"bench{i:05}@example.com", 2 * i + k) for k in (1, 2)
                 for i in range(NAIS)],
                {"farm": farm_arps, "core": core_arps}, "rrq_balanced"),
    }


CONFIG = """
driver = {{ name = "bench-pcap"; eal_args = [ "--no-huge", "-m", "1024", "--no-pci", "--no-shconf" ];
  rx_queue_size = 1024; tx_queue_size = 1024; rss = false; rx_offloads = [ ]; tx_offloads = [ ];
  mtu = 1500; }};
eal = {{ lcores = "0-1"; file_prefix = "{prefix}"; }};
console = {{ socket_dir = "{workdir}"; }};
ports = (
{ports}
);
routes = ( {{ prefix = "203.0.113.128/25"; via = "203.0.113.10"; }} );
slb = {{
  serverfarms = ( {{ name = "HAFARM"; nat = "none";
      reals = ( {{ address = "198.51.100.11"; weight = 1; }},
                {{ address = "198.51.100.12"; weight = 1; }} ); }} );
  vservers = ( {{ name = "MIPSLB"; virtual = "192.0.2.100"; serverfarm = "HAFARM"; idle = 300; }} );
}};
acls = ( {{ name = "web"; entries = ( "permit tcp any any eq www" ); }},
         {{ name = "dns"; entries = ( "permit udp any any eq domain" ); }} );
hotline = {{
  max_subscribers = 65536;
  profiles = ( {{ name = "ht-redirect"; rules = (
      {{ type = "ip-redirect"; acl = "web"; redirect = "203.0.113.20"; port = 8081; }},
      {{ type = "ip-redirect"; acl = "dns"; redirect = "203.0.113.20"; }} ); }} );
  subscribers = (
{subs}
  );
  nat = {{ max_translations = 65536; }};
}};
"""


def write_config(workdir, prefix, pcaps, loaded):
    ports = []
    for i, p in enumerate(PORTS):
        rx = f"rx_pcap={pcaps[p]}" + (",infinite_rx=1" if p == loaded else "")
        dev = f"net_pcap{i},{rx},tx_pcap=/dev/null,tx_pcap=/dev/null"
        ports.append(f'  {{ name = "{p}"; device = "{dev}"; address = "{ADDR[p]}/'
                     f'{ {"access": 24, "farm": 24, "core": 25}[p] }"; }}')
    subs = ",\n".join(f'    {{ nai = "bench{s}@example.com"; addresses = [ "{sub_ip(s)}" ]; '
                      f'profile = "ht-redirect"; }}' for s in range(SUBS))
    text = CONFIG.format(prefix=prefix, workdir=workdir, ports=",\n".join(ports), subs=subs)
    path = os.path.join(workdir, f"{prefix}.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def telemetry(prefix, command, timeout=3):
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(timeout)
        s.connect(path)
        info = json.loads(s.recv(1024).decode())
        s.send(command.encode())
        return json.loads(s.recv(int(info.get("max_output_len", 16384))).decode())


def wait_telemetry(prefix, proc, limit):
    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            telemetry(prefix, "/")
            return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(proc, prefix):
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # EAL leaves its runtime directory (telemetry socket) behind.
    shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)


def run_haslb(binary, workdir, mix, loaded, out, stat, warmup, seconds, pcaps):
    prefix = f"hbench-{mix}-{os.getpid()}"
    conf = write_config(workdir, prefix, pcaps, loaded)
    log = open(os.path.join(workdir, f"{prefix}.log"), "w")
    proc = subprocess.Popen([binary, "-c", conf, "--no-console"], stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT)
    res = {"mix": mix}
    try:
        if not wait_telemetry(prefix, proc, 30):
            res["error"] = f"haslb did not start (see {log.name})"
            return res
        time.sleep(warmup)
        p0, s0, t0 = (telemetry(prefix, "/haslb/ports")["/haslb/ports"],
                      telemetry(prefix, "/haslb/stats")["/haslb/stats"], time.time())
        time.sleep(seconds)
        p1, s1, t1 = (telemetry(prefix, "/haslb/ports")["/haslb/ports"],
                      telemetry(prefix, "/haslb/stats")["/haslb/stats"], time.time())
        dt = t1 - t0
        macs = {p: p1[p]["mac"].lower() for p in PORTS}
        if any(macs[p] != MAC[p] for p in PORTS):
            res["error"] = f"port MACs {macs} are not the ones the pcaps were written for"
        res["rx_mpps"] = (p1[loaded]["rx_packets"] - p0[loaded]["rx_packets"]) / dt / 1e6
        res["tx_mpps"] = (p1[out]["tx_packets"] - p0[out]["tx_packets"]) / dt / 1e6
        grew = s1["counters"][stat] - s0["counters"][stat]
        sent = p1[out]["tx_packets"] - p0[out]["tx_packets"]
        res["stat"] = stat
        res["stat_per_tx"] = grew / sent if sent else 0.0
        drops = {k: v - s0["drops"].get(k, 0) for k, v in s1["drops"].items()
                 if v - s0["drops"].get(k, 0)}
        res["drops"] = drops
    finally:
        stop(proc, prefix)
        log.close()
    return res


def run_testpmd(workdir, mix, pcap, warmup, seconds):
    prefix = f"tbench-{mix}-{os.getpid()}"
    dev = f"net_pcap0,rx_pcap={pcap},infinite_rx=1,tx_pcap=/dev/null"
    log = open(os.path.join(workdir, f"{prefix}.log"), "w")
    argv = ["dpdk-testpmd", "-l", "0-1", "--no-huge", "-m", "1024", "--no-pci", "--no-shconf",
            "--file-prefix", prefix, "--vdev", dev, "--", "--forward-mode=io",
            "--port-topology=loop", "--stats-period", "1"]
    # testpmd without -i exits when stdin closes: keep a pipe open.
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
    res = {"mix": mix, "devargs": dev}
    try:
        if not wait_telemetry(prefix, proc, 30):
            res["error"] = f"testpmd did not start (see {log.name})"
            return res
        time.sleep(warmup)
        a, t0 = telemetry(prefix, "/ethdev/stats,0")["/ethdev/stats"], time.time()
        time.sleep(seconds)
        b, t1 = telemetry(prefix, "/ethdev/stats,0")["/ethdev/stats"], time.time()
        res["rx_mpps"] = (b["ipackets"] - a["ipackets"]) / (t1 - t0) / 1e6
        res["tx_mpps"] = (b["opackets"] - a["opackets"]) / (t1 - t0) / 1e6
    finally:
        stop(proc, prefix)
        try:
            proc.stdin.close()
        except OSError:
            pass
        log.close()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--haslb", required=True)
    ap.add_argument("--mixes", default="routed,redirect,reverse,rrq")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--json")
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    workdir = a.workdir or tempfile.mkdtemp(prefix="haslb-bench-")
    os.makedirs(workdir, exist_ok=True)
    all_mixes = mixes()
    out = []
    try:
        for mix in a.mixes.split(","):
            loaded, outp, frames, once, stat = all_mixes[mix]
            pcaps = {}
            for p in PORTS:
                pcaps[p] = os.path.join(workdir, f"{mix}-{p}.pcap")
                if p == loaded:
                    wrpcap(pcaps[p], frames)
                else:
                    # One pass; a port needs at least one frame to replay.
                    wrpcap(pcaps[p], once.get(p) or
                           [arp_from(p, "192.0.2.254", "02:00:00:00:ff:ff")])
            h = run_haslb(a.haslb, workdir, mix, loaded, outp, stat, a.warmup, a.seconds, pcaps)
            t = run_testpmd(workdir, mix, pcaps[loaded], a.warmup, a.seconds)
            row = {"mix": mix, "frames": len(frames), "frame_bytes": len(bytes(frames[0])),
                   "haslb": h, "testpmd": t}
            if h.get("tx_mpps") and t.get("tx_mpps"):
                row["ratio"] = h["tx_mpps"] / t["tx_mpps"]
            out.append(row)
            print(f"{mix:<9} haslb {h.get('tx_mpps', 0):6.2f} Mpps  testpmd "
                  f"{t.get('tx_mpps', 0):6.2f} Mpps  ratio {row.get('ratio', 0):.3f}  "
                  f"({h.get('stat')}/tx {h.get('stat_per_tx', 0):.3f}) "
                  f"{h.get('error', '')}{t.get('error', '')}", flush=True)
    finally:
        if not a.keep and not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"tool": "appliance.py", "warmup_s": a.warmup, "seconds": a.seconds,
                       "mixes": out}, f, indent=1)
    return 0 if all("ratio" in r for r in out) else 1


if __name__ == "__main__":
    sys.exit(main())
