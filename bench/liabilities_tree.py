"""Benchmark: rebuilding an OKX-format liabilities tree, streaming.

Generates a tree of N leaves (default 10,000,000; cached under bench/.cache),
then in the same run measures:

* a bare hashlib loop: read every line of the file and sha256 it (the least
  work any verifier that looks at every node must do);
* ``reserves liabilities verify`` on the file, in a child process, for its
  leaves per second and its peak memory. The verifier may fork a second
  process for the leaves, so memory is the peak of the whole process tree's
  RSS, sampled every 20 ms from /proc (``rebuild_peak_rss_mb``), beside the
  largest single process's max RSS from getrusage.

Targets (issue 6): at least half the bare loop's rate; peak memory under 1 GB.
Other work on the machine slows both loops; the load average before the run
is recorded with the figures.
Usage: .venv/bin/python bench/liabilities_tree.py [--leaves N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (0 once gone)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def _run_sampled(cmd: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``cmd``; return it and the peak RSS (KiB) of its process tree."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--leaves", type=int, default=10_000_000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "baselines" / "liabilities_tree.json"))
    args = ap.parse_args()
    cache = ROOT / "bench" / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"okx_tree_{args.leaves}.txt"
    if not path.exists():
        from reserves.liabilities.okx_tree_writer import random_leaves, write_tree

        t = time.perf_counter()
        write_tree(str(path) + ".tmp", random_leaves(args.leaves), args.leaves)
        os.replace(str(path) + ".tmp", path)
        print(f"generated {path} in {time.perf_counter() - t:.0f}s", file=sys.stderr)

    t = time.perf_counter()
    lines = 0
    with open(path, "rb") as f:
        for line in f:
            hashlib.sha256(line).hexdigest()
            lines += 1
    bare = time.perf_counter() - t

    load_before = os.getloadavg()
    t = time.perf_counter()
    child, tree_peak_kb = _run_sampled([str(ROOT / ".venv" / "bin" / "reserves"), "liabilities",
                                        "verify", str(path), "--json", "--quiet"])
    rebuild = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    doc = json.loads(child.stdout) if child.stdout else {}
    result = {
        "benchmark": "liabilities_tree",
        "leaves": args.leaves,
        "lines": lines,
        "file_bytes": path.stat().st_size,
        "bare_hashlib_loop_seconds": round(bare, 2),
        "bare_hashlib_loop_leaves_per_s": round(args.leaves / bare),
        "rebuild_seconds": round(rebuild, 2),
        "rebuild_leaves_per_s": round(args.leaves / rebuild),
        "rebuild_vs_bare": round(bare / rebuild, 3),
        "rebuild_peak_rss_mb": round(max(tree_peak_kb, usage.ru_maxrss) / 1024, 1),
        "rebuild_largest_process_max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rebuild_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "rebuild_exit_status": child.returncode,
        "rebuild_binding": doc.get("binding"),
        "targets": {"rebuild_vs_bare": 0.5, "rebuild_peak_rss_mb": 1024},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in load_before]},
    }
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0 if child.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
