# SPDX-License-Identifier: BSD-3-Clause
"""Small helpers the lab is built on: commands with a bounded run time and
polling a condition with a bounded timeout (never a bare sleep where a
condition can be polled)."""
import shlex
import subprocess
import sys
import time


class CommandError(RuntimeError):
    """A command exited non-zero or ran out of time; carries its output."""

    def __init__(self, argv, returncode, stdout, stderr, timed_out=False):
        self.argv = list(argv)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out
        what = "timed out" if timed_out else f"exited {returncode}"
        super().__init__(f"`{shlex.join(self.argv)}` {what}\n"
                         f"--- stdout\n{stdout}\n--- stderr\n{stderr}")


def as_argv(cmd):
    """A command as an argv list: lists are taken as is, a string is run by sh."""
    if isinstance(cmd, str):
        return ["sh", "-c", cmd]
    return [str(a) for a in cmd]


def run(cmd, *, check=True, timeout=30, input=None, env=None, text=True):
    """Runs a command to completion within `timeout` seconds, capturing output.

    Returns the CompletedProcess. Raises CommandError when it times out, and
    when it exits non-zero if `check`. `input` is str (text) or bytes.
    """
    argv = as_argv(cmd)
    try:
        stdin = None if input is not None else subprocess.DEVNULL
        cp = subprocess.run(argv, input=input, stdin=stdin, capture_output=True,
                            timeout=timeout, env=env, text=text)
    except subprocess.TimeoutExpired as e:
        raise CommandError(argv, None, e.stdout, e.stderr, timed_out=True) from None
    if check and cp.returncode != 0:
        raise CommandError(argv, cp.returncode, cp.stdout, cp.stderr)
    return cp


def wait_until(predicate, timeout=10.0, interval=0.1, what=None, ignore=()):
    """Polls `predicate()` until it returns something truthy, and returns that.

    Raises TimeoutError naming `what` after `timeout` seconds. Exceptions of
    the types in `ignore` count as "not yet" (e.g. ConnectionRefusedError
    while a server starts).
    """
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except ignore as e:  # noqa: PERF203 - polling on purpose
            last_exc = e
        if time.monotonic() >= deadline:
            msg = f"timed out after {timeout:g}s waiting for {what or predicate}"
            if last_exc is not None:
                msg += f" (last error: {last_exc!r})"
            raise TimeoutError(msg)
        time.sleep(interval)


def note(msg):
    """A progress line on stderr (shown by pytest on failure, by run-lab always)."""
    print(f"lab: {msg}", file=sys.stderr, flush=True)
