# SPDX-License-Identifier: BSD-3-Clause
"""Removing what a lab leaves behind: the lock of a lab prefix, the
namespaces and haslb leftovers (exception namespaces, console sockets, DPDK
runtime directories, work directories) of a crashed run, and closing the
labs still open at interpreter exit and on SIGTERM/SIGHUP.
"""
import atexit
import fcntl
import glob
import os
import re
import shutil
import signal
import tempfile

from .util import note, run, wait_until

NETNS_DIR = "/run/netns"
LOCK_DIR = "/run/haslb-lab"
CONSOLE_DIR = "/run/haslb"
DPDK_RUN_DIR = "/var/run/dpdk"


def lock_prefix(prefix):
    """Takes the exclusive lock of a lab prefix without waiting. Returns the
    open lock file (keep it open to hold the lock; unlock_prefix() removes
    it) or None if another lab with this prefix runs."""
    os.makedirs(LOCK_DIR, exist_ok=True)
    path = os.path.join(LOCK_DIR, f"{prefix}.lock")
    for _ in range(5):
        f = open(path, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            return None
        # The holder before us may have removed the file after we opened it.
        try:
            if os.stat(path).st_ino == os.fstat(f.fileno()).st_ino:
                return f
        except FileNotFoundError:
            pass
        f.close()
    return None


def unlock_prefix(lock):
    """Removes the lock file and releases the lock."""
    try:
        os.unlink(lock.name)
    except FileNotFoundError:
        pass
    lock.close()


def list_netns():
    """Names of all named network namespaces (those in /run/netns)."""
    try:
        return sorted(os.listdir(NETNS_DIR))
    except FileNotFoundError:
        return []


def _kill_pids(pids, sig=signal.SIGKILL):
    """Sends `sig` to each PID; PIDs that are already gone are ignored."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def netns_pids(name):
    """PIDs of the processes whose network namespace is `name`."""
    cp = run(["ip", "netns", "pids", name], check=False, timeout=10)
    return [int(x) for x in cp.stdout.split()]


def delete_netns(name, timeout=5):
    """Kills what still runs in namespace `name` (only namespaces this lab
    owns are passed here) and deletes it. Returns True if it is gone."""
    if not os.path.exists(os.path.join(NETNS_DIR, name)):
        return True
    pids = netns_pids(name)
    if pids:
        _kill_pids(pids)
        try:
            wait_until(lambda: not netns_pids(name), timeout, what=f"processes in {name} to exit")
        except TimeoutError as e:
            note(f"warning: {e}")
    run(["ip", "netns", "del", name], check=False, timeout=10)
    return not os.path.exists(os.path.join(NETNS_DIR, name))


def file_prefix_pattern(prefix):
    """The DPDK file prefixes a lab with `prefix` hands out: `<prefix>-h<N>`."""
    return re.compile(rf"^{re.escape(prefix)}-h\d+$")


def remove_haslb_leftovers(file_prefix):
    """Removes what a killed haslb with `file_prefix` may leave: its exception
    namespace, console socket and DPDK runtime directory."""
    delete_netns(f"haslb-{file_prefix}")
    for path in (os.path.join(CONSOLE_DIR, f"{file_prefix}.sock"),):
        if os.path.lexists(path):
            os.unlink(path)
    shutil.rmtree(os.path.join(DPDK_RUN_DIR, file_prefix), ignore_errors=True)


def cleanup_prefix(prefix, file_prefixes=()):
    """Removes everything a lab with `prefix` creates, e.g. after a crash:
    namespaces `<prefix>-*` (killing what runs in them first), the haslb
    leftovers of file prefixes `<prefix>-h<N>` and of `file_prefixes`, and
    work directories (also those kept with HASLB_LAB_KEEP=1). Call it only
    while holding the prefix lock. Returns the list of things removed."""
    removed = []
    fp_re = file_prefix_pattern(prefix)
    fps = set(file_prefixes)
    for ns in list_netns():
        if ns.startswith("haslb-") and fp_re.match(ns[len("haslb-"):]):
            fps.add(ns[len("haslb-"):])
    for d in (CONSOLE_DIR, DPDK_RUN_DIR):
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for n in names:
            base = n[:-len(".sock")] if n.endswith(".sock") else n
            if fp_re.match(base):
                fps.add(base)
    # Processes first (haslb runs in <prefix>-dut), then what they leave.
    for ns in list_netns():
        if ns.startswith(prefix + "-"):
            if delete_netns(ns):
                removed.append(f"netns {ns}")
    for fp in sorted(fps):
        if os.path.exists(os.path.join(NETNS_DIR, f"haslb-{fp}")):
            removed.append(f"netns haslb-{fp}")
        remove_haslb_leftovers(fp)
    for d in glob.glob(os.path.join(tempfile.gettempdir(), f"haslb-lab-{prefix}-*")):
        shutil.rmtree(d, ignore_errors=True)
        removed.append(f"workdir {d}")
    return removed


# -- cleanup at exit and on termination signals -----------------------------

_LABS = []
_HANDLERS_INSTALLED = False


def _register_cleanup(lab):
    global _HANDLERS_INSTALLED
    _LABS.append(lab)
    if not _HANDLERS_INSTALLED:
        _HANDLERS_INSTALLED = True
        atexit.register(_close_all)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                if signal.getsignal(sig) in (signal.SIG_DFL, None):
                    signal.signal(sig, _on_signal)
            except ValueError:  # not the main thread
                pass


def _unregister_cleanup(lab):
    if lab in _LABS:
        _LABS.remove(lab)


def _close_all():
    """atexit: closes every lab still open."""
    for lab in list(reversed(_LABS)):
        lab.close()


def _on_signal(signum, frame):
    """SIGTERM/SIGHUP: unwind like Ctrl-C so `with` blocks and pytest
    fixtures tear the labs down; atexit catches the rest."""
    raise KeyboardInterrupt(f"signal {signum}")
