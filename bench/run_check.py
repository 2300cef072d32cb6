#!/usr/bin/env python3
"""Times `dep-ls check DIR --format json > /dev/null` on generated workspaces.

    python3 bench/run_check.py [--bin target/release/dep-ls] [--runs 7] [--markdown] DIR...

For each DIR: one untimed warm-up run (warms the page cache; its stdout is kept to count the
findings and the output size), then --runs timed runs. Each run is one child process, waited
for with os.wait4, which gives that run's own peak RSS (ru_maxrss) and CPU time. Exit codes 0
and 1 are normal (1 = error findings exist); anything else aborts.

Prints a table: files, MB, entries, findings, median / min / max wall time, median CPU time
(user + sys: on a busy machine wall time waits for the CPU, CPU time does not), MB/s and
ms per 1,000 files (both from the median wall time; linear scaling keeps these flat), and the
largest peak RSS of the runs. Files / MB / entries come from DIR/.bench-meta.json written by
gen_workspace.py (counted from DIR when it is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def workspace_stats(d: Path) -> dict:
    meta = d / ".bench-meta.json"
    if meta.exists():
        m = json.loads(meta.read_text())
        return {"files": m["files"], "bytes": m["bytes"], "entries": m["entries"]}
    files = [p for p in d.rglob("*") if p.suffix.lower() in (".md", ".markdown") and p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files), "entries": None}


def run_once(cmd: list[str], capture: bool = False):
    """One run: (wall seconds, cpu seconds, peak RSS bytes, exit code, stdout bytes or None)."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE if capture else subprocess.DEVNULL)
    data = None
    err = b""
    if capture:
        # Read both pipes before waiting (the JSON can be many MB); not communicate(), which
        # would reap the child before wait4 sees its rusage.
        data, err = _drain(proc)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode
    if code not in (0, 1):
        sys.stderr.write(err.decode(errors="replace") if err else "")
        sys.exit(f"run_check: {' '.join(cmd)} exited with {code}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, code, data


def _drain(proc: subprocess.Popen):
    import threading

    chunks_err: list[bytes] = []

    def read_err():
        chunks_err.append(proc.stderr.read())

    t = threading.Thread(target=read_err)
    t.start()
    data = proc.stdout.read()
    t.join()
    proc.stdout.close()
    proc.stderr.close()
    return data, chunks_err[0] if chunks_err else b""


def bench(binary: str, d: Path, runs: int) -> dict:
    cmd = [binary, "check", str(d), "--format", "json"]
    st = workspace_stats(d)
    _, _, _, code, data = run_once(cmd, capture=True)  # warm-up, untimed
    findings = len(json.loads(data)) if data else 0
    walls, cpus, rss = [], [], []
    for i in range(runs):
        w, c, m, _, _ = run_once(cmd)
        walls.append(w)
        cpus.append(c)
        rss.append(m)
        print(f"  {d.name}: run {i + 1}/{runs}: {w:.3f} s wall, {c:.3f} s CPU, "
              f"{m / 2**20:.0f} MiB", file=sys.stderr)
    med = statistics.median(walls)
    return {
        "dir": str(d), **st, "findings": findings, "exit": code, "output_bytes": len(data or b""),
        "runs": runs, "wall_median": med, "wall_min": min(walls), "wall_max": max(walls),
        "cpu_median": statistics.median(cpus), "rss_max": max(rss),
        "mb_per_s": st["bytes"] / 1e6 / med if med else 0.0,
        "ms_per_1k_files": med * 1000 / (st["files"] / 1000) if st["files"] else 0.0,
    }


COLUMNS = [("files", "{:,}"), ("MB", "{:.1f}"), ("entries", "{:,}"), ("findings", "{:,}"),
           ("median s", "{:.3f}"), ("min s", "{:.3f}"), ("max s", "{:.3f}"),
           ("CPU s", "{:.3f}"), ("MB/s", "{:.1f}"), ("ms/1k files", "{:.0f}"),
           ("peak RSS MiB", "{:.0f}")]


def row(r: dict) -> list[str]:
    vals = [r["files"], r["bytes"] / 1e6, r["entries"] if r["entries"] is not None else 0,
            r["findings"], r["wall_median"], r["wall_min"], r["wall_max"], r["cpu_median"],
            r["mb_per_s"], r["ms_per_1k_files"], r["rss_max"] / 2**20]
    return [f.format(v) for (_, f), v in zip(COLUMNS, vals)]


def print_table(results: list[dict], markdown: bool):
    head = [c for c, _ in COLUMNS]
    rows = [row(r) for r in results]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---:" for _ in head) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths)))
    for r in rows:
        print("  ".join(v.rjust(w) for v, w in zip(r, widths)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--bin", default="target/release/dep-ls")
    ap.add_argument("--runs", type=int, default=7,
                    help="timed runs per workspace (default 7; 3 for workspaces of 20,000+ files)")
    ap.add_argument("--runs-large", type=int, default=3,
                    help="timed runs for workspaces of 20,000 files or more (default 3)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    a = ap.parse_args(argv)
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"run_check: {a.bin} is not an executable (run cargo build --release)")
    results = []
    for d in a.dirs:
        n = workspace_stats(d)["files"]
        results.append(bench(a.bin, d, a.runs_large if n >= 20_000 else a.runs))
    load1, load5, _ = os.getloadavg()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
          f"load average {load1:.2f} / {load5:.2f} (1 / 5 min) after the runs")
    print_table(results, a.markdown)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
