#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Plot and tabulate one scripts/bench result file.

Usage: plot.py RESULT.json [--png OUT.png] [--markdown]

The PNG has three panels: Mpps on one core per path (haslb-bench, one bar
per table size), cycles/packet against table size (log scale), and the
whole appliance (haslb and testpmd io on the same pcap, per mix).
--markdown prints the tables the README shows.
"""
import argparse
import json
import sys

ORDER = ["io", "route", "route6", "normal", "redirect", "reverse", "filter", "rrq-new", "rrq-known",
         "ike-redirect", "ike-redirect6", "ike-esp", "ike-esp6"]


def human(n):
    for div, suffix in ((1000000, "M"), (1000, "K")):
        if n >= div and n % div == 0:
            return f"{n // div}{suffix}"
    return str(n)


def paths_of(size):
    by = {p["path"]: p for p in size["paths"]}
    return [by[p] for p in ORDER if p in by]


def markdown(res):
    bench = res.get("bench")
    out = []
    if bench:
        sizes = bench["sizes"]
        head = "| path | " + " | ".join(f"{human(s['size'])}: cycles/pkt | Mpps" for s in sizes)
        out.append(head + " |")
        out.append("|---|" + "---:|---:|" * len(sizes))
        for name in ORDER:
            cells = []
            for s in sizes:
                p = {q["path"]: q for q in s["paths"]}.get(name)
                cells += [f"{p['cycles_per_packet']:.0f}", f"{p['mpps']:.2f}"] if p else ["-", "-"]
            if any(c != "-" for c in cells):
                out.append(f"| {name} | " + " | ".join(cells) + " |")
        out.append("")
        out.append("| table size | bytes/subscriber | bytes/session | bytes/translation |")
        out.append("|---:|---:|---:|---:|")
        for s in sizes:
            out.append(f"| {human(s['size'])} | {s['bytes_per_subscriber']:.0f} | "
                       f"{s['bytes_per_session']:.0f} | {s['bytes_per_translation']:.0f} |")
        out.append("")
    app = res.get("appliance")
    if app:
        out.append("| mix | haslb Mpps | testpmd io Mpps | haslb/testpmd |")
        out.append("|---|---:|---:|---:|")
        for m in app["mixes"]:
            h, t = m["haslb"].get("tx_mpps"), m["testpmd"].get("tx_mpps")
            out.append(f"| {m['mix']} | {h or 0:.2f} | {t or 0:.2f} | {m.get('ratio', 0):.3f} |")
        out.append("")
    return "\n".join(out)


def plot(res, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bench, app = res.get("bench"), res.get("appliance")
    panels = (2 if bench else 0) + (1 if app else 0)
    if not panels:
        return
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.8))
    axes = list(axes) if panels > 1 else [axes]
    ax_i = 0
    if bench:
        sizes = bench["sizes"]
        ax = axes[ax_i]
        ax_i += 1
        names = [p["path"] for p in paths_of(sizes[0])]
        width = 0.8 / len(sizes)
        for k, s in enumerate(sizes):
            by = {p["path"]: p for p in s["paths"]}
            ax.bar([i + k * width for i in range(len(names))],
                   [by[n]["mpps"] if n in by else 0 for n in names], width,
                   label=f"{human(s['size'])} entries")
        ax.set_xticks([i + width * (len(sizes) - 1) / 2 for i in range(len(names))])
        ax.set_xticklabels(names, rotation=35, ha="right")
        # io (no stage) runs at several times the others: clip it, label it.
        others = [p["mpps"] for s in sizes for p in s["paths"] if p["path"] != "io"]
        if others and "io" in names:
            top = max(others) * 1.3
            ax.set_ylim(0, top)
            io = max(p["mpps"] for s in sizes for p in s["paths"] if p["path"] == "io")
            ax.annotate(f"io {io:.0f} Mpps", (0, top * 0.95), ha="left", va="top", fontsize=8)
        ax.set_ylabel("Mpps, one core (haslb-bench)")
        ax.axhline(10, color="grey", linestyle=":", linewidth=1)
        ax.set_title("Mpps per path")
        ax.legend(fontsize=8)
        ax = axes[ax_i]
        ax_i += 1
        xs = [s["size"] for s in sizes]
        for n in names:
            ys = [{p["path"]: p for p in s["paths"]}.get(n, {}).get("cycles_per_packet")
                  for s in sizes]
            ax.plot(xs, ys, marker="o", label=n)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("table size (subscribers = sessions = translations)")
        ax.set_ylabel("cycles / packet (thread CPU time x TSC rate)")
        ax.set_title("cycles/packet against table size")
        ax.legend(fontsize=8)
    if app:
        ax = axes[ax_i]
        mixes = app["mixes"]
        xs = range(len(mixes))
        ax.bar([x - 0.2 for x in xs], [m["haslb"].get("tx_mpps") or 0 for m in mixes], 0.4,
               label="haslb")
        ax.bar([x + 0.2 for x in xs], [m["testpmd"].get("tx_mpps") or 0 for m in mixes], 0.4,
               label="testpmd io")
        for x, m in zip(xs, mixes):
            ax.annotate(f"{m.get('ratio', 0):.2f}", (x - 0.2, m["haslb"].get("tx_mpps") or 0),
                        ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(xs))
        ax.set_xticklabels([m["mix"] for m in mixes])
        ax.set_ylabel("Mpps (net_pcap infinite_rx, 1 worker)")
        ax.set_title("whole appliance vs testpmd (ratio on bars)")
        ax.legend(fontsize=8)
    fig.suptitle(res.get("title", ""), fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=90)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("result")
    ap.add_argument("--png")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    with open(a.result) as f:
        res = json.load(f)
    if a.png:
        plot(res, a.png)
    if a.markdown:
        print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
