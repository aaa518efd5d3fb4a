"""Benchmark: the Binance importer on a generated 4.2-million-row file, rows/s and peak RSS.

Binance publishes about 1.4 thousand hot and cold wallet rows and 4.2 million
deposit-address rows a month, unsigned. The file is generated in a temporary
folder (``bench/binance_file.py``: Binance's columns, real address encodings of
our own, never kept in the repository), at 4.2 million rows and at a tenth of
that, so memory growth can be stated as a ratio. Measured in one run:

* import (``reserves.importers.load``) in a fresh process per round: rows per
  second, peak RSS, peak RSS as a multiple of the file's size, and the growth
  over the interpreter with the package imported;
* once per size, the whole ``reserves claims verify FILE --json --jobs 2``: wall
  time and peak RSS (the main process; workers are forked from it).

Target (issue 14): import peak under 1.5 GB at 4.2 million rows.
Usage: .venv/bin/python bench/binance_import.py [--rows N] [--repeat R] [--no-verify]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
sys.path.insert(0, str(ROOT))

from bench.binance_file import generate  # noqa: E402

TARGET_PEAK_MB = 1536

# Run in a fresh interpreter, so each round's peak is the import's alone.
_IMPORT = """
import json, resource, sys, time
from reserves.importers import load
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
file = load(sys.argv[1])
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert file.format == "binance"
print(json.dumps({"rows": len(file.claims), "seconds": seconds, "base_kb": base,
                  "peak_kb": peak, "table_bytes": file.claims.nbytes()}))
"""
_VERIFY = """
import json, os, resource, sys, time
from reserves.cli import main
out = open(os.devnull, "w")
sys.stdout = out
t = time.perf_counter()
code = main(["claims", "verify", sys.argv[1], "--json", "--quiet", "--jobs", "2"])
seconds = time.perf_counter() - t
print(json.dumps({"exit": code, "seconds": seconds,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "workers_peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}),
      file=sys.stderr)
"""


def _child(script: str, path: Path, stream: str = "stdout") -> dict:
    proc = subprocess.run([PYTHON, "-c", script, str(path)], capture_output=True, text=True,
                          cwd=ROOT)
    text = proc.stdout if stream == "stdout" else proc.stderr
    if proc.returncode != 0 and stream == "stdout":
        raise SystemExit(f"import failed: {proc.stderr.strip()}")
    return json.loads(text.strip().splitlines()[-1])


def _mb(kb: float) -> float:
    return round(kb / 1024, 1)


def measure(path: Path, rows: int, repeat: int, verify: bool) -> dict:
    size = path.stat().st_size
    rounds = []
    for r in range(repeat):
        got = _child(_IMPORT, path)
        if got["rows"] != rows:
            raise SystemExit(f"imported {got['rows']} rows, expected {rows}")
        rounds.append({
            "rows_per_s": round(rows / got["seconds"]),
            "seconds": round(got["seconds"], 2),
            "peak_rss_mb": _mb(got["peak_kb"]),
            "growth_mb": _mb(got["peak_kb"] - got["base_kb"]),
        })
        print(f"{rows} rows, round {r + 1}: {json.dumps(rounds[-1])}", file=sys.stderr)
    peak = statistics.median(x["peak_rss_mb"] for x in rounds)
    growth = statistics.median(x["growth_mb"] for x in rounds)
    out = {
        "rows": rows,
        "file_mb": round(size / 2**20, 1),
        "rounds": rounds,
        "median": {
            "rows_per_s": round(statistics.median(x["rows_per_s"] for x in rounds)),
            "peak_rss_mb": peak,
            "growth_mb": growth,
            "peak_rss_per_file_size": round(peak * 2**20 / size, 2),
            "growth_per_file_size": round(growth * 2**20 / size, 2),
            "growth_bytes_per_row": round(growth * 2**20 / rows),
            "claim_table_bytes_per_row": round(got["table_bytes"] / rows, 1),
        },
    }
    if verify:
        got = _child(_VERIFY, path, "stderr")
        if got["exit"] != 0:
            raise SystemExit(f"claims verify exited {got['exit']}")
        out["claims_verify_json_two_cores"] = {
            "seconds": round(got["seconds"], 1),
            "rows_per_s": round(rows / got["seconds"]),
            "peak_rss_mb": _mb(got["peak_kb"]),
            "workers_peak_rss_mb": _mb(got["workers_peak_kb"]),
        }
        print(f"{rows} rows, claims verify: {json.dumps(out['claims_verify_json_two_cores'])}",
              file=sys.stderr)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=4_200_000)
    ap.add_argument("--repeat", type=int, default=3, help="import rounds per size (default 3)")
    ap.add_argument("--no-verify", action="store_true",
                    help="skip the whole claims verify run")
    ap.add_argument("--out", default=str(ROOT / "bench" / "baselines" / "binance_import.json"))
    args = ap.parse_args()

    sizes = [args.rows // 10, args.rows]
    results = []
    with tempfile.TemporaryDirectory(prefix="binance-bench-") as tmp:
        for rows in sizes:
            path = Path(tmp) / f"binance_{rows}.csv"
            t = time.perf_counter()
            generate(path, rows)
            print(f"generated {rows} rows ({path.stat().st_size} bytes) in "
                  f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
            results.append(measure(path, rows, args.repeat, not args.no_verify))
            path.unlink()
    small, large = results
    result = {
        "benchmark": "binance_import",
        "sizes": results,
        "ratios": {
            "rows": round(large["rows"] / small["rows"], 1),
            "file_size": round(large["file_mb"] / small["file_mb"], 2),
            "import_growth": round(large["median"]["growth_mb"] / small["median"]["growth_mb"], 2)
            if small["median"]["growth_mb"] else None,
            "import_peak_rss": round(large["median"]["peak_rss_mb"]
                                     / small["median"]["peak_rss_mb"], 2),
            "import_rows_per_s": round(large["median"]["rows_per_s"]
                                       / small["median"]["rows_per_s"], 2),
        },
        "targets": {"import_peak_rss_mb_at_4_2m_rows": TARGET_PEAK_MB},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0 if large["median"]["peak_rss_mb"] < TARGET_PEAK_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
