# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Shared helpers for scripts/*: repository root, logging, root check.
# Sourced, never executed.

# Absolute path of the repository (the parent of scripts/).
HASLB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export HASLB_REPO

# Debian's interpreter: scapy and pytest are installed for it, not for a
# pyenv python3 that may come first on PATH.
HASLB_PYTHON=/usr/bin/python3
export HASLB_PYTHON

# Never litter the source tree with __pycache__.
export PYTHONDONTWRITEBYTECODE=1

# log MESSAGE...: progress line on stderr, prefixed with the script's name.
log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

# die MESSAGE...: error line on stderr and exit 1.
die() { log "error: $*"; exit 1; }

# need_root: the lab and the package installation need root.
need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root"; }
