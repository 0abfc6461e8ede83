#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""scripts/test's bench step: runs haslb-bench once on small tables and
records one JUnit test case that fails if it exits non-zero, runs too long
or reports no numbers. Benchmarks are not tests: no speed is asserted.

Usage: smoke.py --junit FILE HASLB_BENCH
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from xml.sax.saxutils import escape, quoteattr

PATHS = ["io", "route", "route6", "normal", "redirect", "reverse", "filter", "rrq-new", "rrq-known",
         "ike-redirect", "ike-redirect6", "ike-esp", "ike-esp6"]


def check(binary):
    """Returns (ok, message, output)."""
    if not os.access(binary, os.X_OK):
        return False, f"{binary} is missing", ""
    with tempfile.TemporaryDirectory(prefix="haslb-bench-smoke-") as d:
        js = os.path.join(d, "bench.json")
        try:
            p = subprocess.run([binary, "--sizes", "1000", "--seconds", "0.05", "--json", js],
                               capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            return False, "haslb-bench ran longer than 60 s", ""
        out = p.stdout + p.stderr
        if p.returncode != 0:
            return False, f"haslb-bench exited {p.returncode}", out
        try:
            res = json.load(open(js))
            got = {q["path"]: q for q in res["sizes"][0]["paths"]}
        except (OSError, ValueError, KeyError, IndexError) as e:
            return False, f"no readable results: {e}", out
        missing = [n for n in PATHS if not got.get(n, {}).get("cycles_per_packet")]
        if missing:
            return False, f"no cycles/packet for {', '.join(missing)}", out
        return True, "", out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--junit", required=True)
    ap.add_argument("binary")
    a = ap.parse_args()
    t0 = time.time()
    ok, msg, out = check(a.binary)
    dt = time.time() - t0
    print(out, end="")
    case = (f'<testcase classname="bench" name="haslb-bench runs on 1K tables and reports '
            f'cycles/packet for every path" time="{dt:.2f}">')
    if not ok:
        case += f"<failure message={quoteattr(msg)}>{escape(out[-4000:])}</failure>"
        print(f"smoke: FAIL: {msg}", file=sys.stderr)
    case += "</testcase>"
    with open(a.junit, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(f'<testsuites><testsuite name="bench" tests="1" failures="{0 if ok else 1}">'
                f"{case}</testsuite></testsuites>\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
