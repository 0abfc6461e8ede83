# SPDX-License-Identifier: BSD-3-Clause
"""haslb's end-to-end lab: network namespaces with real hosts around the real
haslb binary. Used by the pytest e2e suites (test/e2e) and scripts/run-lab.

    from lab import Lab, Haslb, Port, standard

    with Lab("hlxx") as lab:
        standard.build_standard(lab)
        h = standard.standard_haslb(lab).start()
        lab.hosts["pdsn"].wait_ping("203.0.113.10")
        print(h.console("show neighbors"))
        assert h.stop() == 0

See netns.py (Lab), hosts.py (Netns, Host, Segment, Capture), cleanup.py
(locks, leftovers of crashed runs), haslb.py (Haslb, Port), traffic.py
(TCP/UDP peers), standard.py (the router topology).
"""
import os

# The repository root: $HASLB_REPO or three levels above this package.
REPO = os.environ.get("HASLB_REPO") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", ".."))

from . import standard, traffic  # noqa: E402
from .haslb import (Haslb, HaslbError, Port, console_query, haslb_binary,  # noqa: E402
                    telemetry_query)
from .netns import Capture, Host, Lab, Netns, PingResult, Segment, cleanup_prefix  # noqa: E402
from .util import CommandError, run, wait_until  # noqa: E402

__all__ = ["REPO", "Lab", "Netns", "Host", "Segment", "Capture", "PingResult", "Haslb",
           "HaslbError", "Port", "console_query", "telemetry_query", "haslb_binary",
           "cleanup_prefix", "CommandError", "run", "wait_until", "standard", "traffic"]
