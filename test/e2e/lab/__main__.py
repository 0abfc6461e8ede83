# SPDX-License-Identifier: BSD-3-Clause
"""Command line of the lab package (PYTHONPATH=test/e2e python3 -m lab ...):

    cleanup PREFIX [FILE_PREFIX ...]   remove what a crashed lab left behind
                                       (nothing if a lab with PREFIX runs)
"""
import argparse
import sys

from .netns import cleanup_prefix, lock_prefix, unlock_prefix


def main(argv=None):
    """Parses the command line and runs the sub-command."""
    ap = argparse.ArgumentParser(prog="python3 -m lab", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cleanup", help="remove leftovers of a lab prefix")
    c.add_argument("prefix")
    c.add_argument("file_prefixes", nargs="*", help="extra DPDK file prefixes the lab owned")
    args = ap.parse_args(argv)
    if args.cmd == "cleanup":
        lock = lock_prefix(args.prefix)
        if lock is None:
            print(f"lab {args.prefix} is in use by a running lab: left alone", file=sys.stderr)
            return 1
        try:
            for what in cleanup_prefix(args.prefix, args.file_prefixes):
                print(f"removed {what}")
        finally:
            unlock_prefix(lock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
