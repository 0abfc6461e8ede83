# SPDX-License-Identifier: BSD-3-Clause
"""Real traffic between lab namespaces: TCP bulk transfers checked by
sha256, TCP echo, UDP echo. Every operation is bounded in time."""
import hashlib
import os
import subprocess
import time
from dataclasses import dataclass

from .util import CommandError, wait_until

# A UDP echo server: python3 -c UDP_ECHO ADDRESS PORT
UDP_ECHO = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
"""

# One UDP request/reply: python3 -c UDP_ASK ADDRESS PORT HEXPAYLOAD ATTEMPTS WAIT
# prints the reply as hex, exits 1 if no reply came. The socket is connected,
# so the kernel accepts only a reply from ADDRESS:PORT.
UDP_ASK = """
import socket, sys, time
addr, port, payload = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(float(sys.argv[5]))
s.connect((addr, port))
for _ in range(int(sys.argv[4])):
    s.send(payload)
    try:
        print(s.recv(65535).hex())
        sys.exit(0)
    except socket.timeout:
        pass
    except ConnectionRefusedError:  # ICMP port unreachable: try again later
        time.sleep(float(sys.argv[5]))
sys.exit(1)
"""

PYTHON = "/usr/bin/python3"


def random_file(path, size):
    """Writes `size` random bytes to `path`; returns their sha256 hex."""
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 1 << 20))
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def sha256_file(path):
    """sha256 hex of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Transfer:
    """Outcome of tcp_transfer(): sizes, digests, duration."""
    size: int
    received: int
    sent_sha256: str
    received_sha256: str
    seconds: float

    @property
    def ok(self):
        """True if every byte arrived unchanged."""
        return self.size == self.received and self.sent_sha256 == self.received_sha256

    @property
    def mbit_per_s(self):
        """Throughput in Mbit/s."""
        return self.size * 8 / 1e6 / max(self.seconds, 1e-9)


def tcp_transfer(client, server, address, port=5001, size=10 << 20, timeout=60):
    """Sends `size` random bytes over one TCP connection from namespace
    `client` to a socat listener at `address`:`port` in namespace `server`
    and returns a Transfer (compare .ok). Raises CommandError/TimeoutError
    if the transfer does not complete within `timeout` seconds."""
    lab = client.lab
    tag = f"{client.name}-{server.name}-{port}-{time.monotonic_ns()}"
    src, dst = lab.path(f"{tag}.send"), lab.path(f"{tag}.recv")
    digest = random_file(src, size)
    listener = server.popen(["socat", "-u", f"TCP4-LISTEN:{port},bind={address},reuseaddr",
                             f"CREATE:{dst}"])
    server.wait_listening(port)
    t0 = time.monotonic()
    client.run(["socat", "-u", f"OPEN:{src}", f"TCP4:{address}:{port}"], timeout=timeout)
    try:
        listener.wait(timeout)
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"tcp_transfer: receiver on {server.name} did not finish in "
                           f"{timeout}s") from None
    seconds = time.monotonic() - t0
    received = os.path.getsize(dst) if os.path.exists(dst) else 0
    result = Transfer(size, received, digest, sha256_file(dst) if received else "", seconds)
    os.unlink(src)
    if os.path.exists(dst):
        os.unlink(dst)
    return result


def tcp_echo_server(ns, address, port):
    """Starts a TCP echo server (socat + cat, one child per connection)."""
    p = ns.popen(["socat", f"TCP4-LISTEN:{port},bind={address},reuseaddr,fork", "EXEC:cat"])
    ns.wait_listening(port)
    return p


def tcp_echo(client, address, port, data, timeout=30):
    """Sends `data` (bytes) to a TCP echo server, half-closes, and returns
    what came back before the server closed."""
    cp = client.run(["socat", "-t", str(timeout), "-", f"TCP4:{address}:{port}"], input=data,
                    text=False, timeout=timeout + 5)
    return cp.stdout


def udp_echo_server(ns, address, port):
    """Starts a UDP echo server bound to `address`:`port` in `ns`."""
    p = ns.popen([PYTHON, "-c", UDP_ECHO, address, str(port)])
    ns.wait_listening(port, proto="udp")
    return p


def udp_exchange(client, address, port, payload, attempts=5, wait=1.0):
    """Sends `payload` (bytes) in one datagram from `client` and returns the
    reply (bytes; only a reply from `address`:`port` counts), retrying up to `attempts` times `wait` seconds apart;
    None if no reply came."""
    try:
        cp = client.run([PYTHON, "-c", UDP_ASK, address, str(port), payload.hex(),
                         str(attempts), str(wait)], timeout=attempts * wait + 10)
    except CommandError:
        return None
    return bytes.fromhex(cp.stdout.strip())


__all__ = ["Transfer", "tcp_transfer", "tcp_echo_server", "tcp_echo", "udp_echo_server",
           "udp_exchange", "random_file", "sha256_file", "wait_until"]
