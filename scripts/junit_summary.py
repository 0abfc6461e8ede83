#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summarises the JUnit XML files of one `scripts/test` run.

Usage: junit_summary.py NAME:XML:RC [NAME:XML:RC ...]

For each suite (its name, the JUnit file it should have written and the exit
status of its runner) prints one line, then ends with exactly one line
``N passed, N failed`` (``, N skipped`` only when something was skipped).
A suite that wrote no readable XML, recorded no test at all, or exited
non-zero without a recorded failure counts as one failure: a suite that
could not run is never a silent zero. Exit status: 0 iff nothing failed.
"""
import os
import sys
import xml.etree.ElementTree as ET


def count_cases(path):
    """Returns (passed, failed, skipped, failed_names) for one JUnit file.

    Counts <testcase> elements (Catch2, pytest and our fixture runner all
    write them); a case with <failure> or <error> failed, one with <skipped>
    was skipped.
    """
    root = ET.parse(path).getroot()
    passed = failed = skipped = 0
    failed_names = []
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
            name = case.get("name", "?")
            cls = case.get("classname")
            failed_names.append(f"{cls}::{name}" if cls else name)
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, failed_names


def summarise(specs):
    """Prints the per-suite lines and the total line; returns the exit status."""
    total_p = total_f = total_s = 0
    for spec in specs:
        name, path, rc = spec.rsplit(":", 2)
        rc = int(rc)
        note = ""
        if not os.path.exists(path):
            p, f, s, names = 0, 1, 0, []
            note = f"did not run (no {path}, exit {rc})"
        else:
            try:
                p, f, s, names = count_cases(path)
            except ET.ParseError as e:
                p, f, s, names = 0, 1, 0, []
                note = f"unreadable {path}: {e} (exit {rc})"
            else:
                if p + f + s == 0:
                    f += 1
                    note = f"no test recorded (exit {rc})"
                elif rc != 0 and f == 0:
                    f += 1
                    note = f"runner exited {rc} without a recorded failure"
        line = f"{name}: {p} passed, {f} failed"
        if s:
            line += f", {s} skipped"
        if note:
            line += f" -- {note}"
        print(line)
        for n in names:
            print(f"  FAILED {n}")
        total_p += p
        total_f += f
        total_s += s
    total = f"{total_p} passed, {total_f} failed"
    if total_s:
        total += f", {total_s} skipped"
    print(total)
    return 1 if total_f else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(summarise(sys.argv[1:]))
