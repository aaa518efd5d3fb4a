"""Benchmark: rebuilding an OKX-format liabilities tree, streaming.

Generates a tree of N leaves (default 10,000,000; cached under bench/.cache),
then in the same run measures:

* a bare hashlib loop: read every line of the file and sha256 it (the least
  work any verifier that looks at every node must do);
* ``reserves liabilities verify`` on the file, in a child process, for its
  leaves per second and its peak memory (max RSS).

Targets (issue 6): at least half the bare loop's rate; peak memory under 1 GB.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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

    t = time.perf_counter()
    child = subprocess.run([str(ROOT / ".venv" / "bin" / "reserves"), "liabilities", "verify",
                            str(path), "--json", "--quiet"], capture_output=True, text=True)
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
        "rebuild_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rebuild_exit_status": child.returncode,
        "rebuild_binding": doc.get("binding"),
        "targets": {"rebuild_vs_bare": 0.5, "rebuild_peak_rss_mb": 1024},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0 if child.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
