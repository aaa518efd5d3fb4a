"""Audit the demo exchange live on freshly started local nodes, and keep the output.

Starts bcoin (regtest), anvil and Surfpool from .tools (scripts/setup installs
them), builds on them the demo exchange of examples/demo/claims.csv
(examples/demo/world.py), writes an audit config for the live nodes and runs
``reserves audit`` on it. The reports and the evidence bundle go to --out
(default examples/demo/audit, the recorded example that ``scripts/demo``
replays offline); the nodes are stopped at the end.

Usage: .venv/bin/python examples/demo/record.py [--out DIR] [--keep-config DIR]
Exit status: the audit's: 1 for findings (the demo exchange has them on
purpose), 0 for none; 2 when it could not run (nodes missing or failing, a
config error), and then nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BCL_DATA_DIR", str(ROOT / ".bitcoinlib"))

TOOLS = ("bcoin/bin/node", "@foundry-rs/anvil-linux-amd64/bin/anvil",
         "@solana/surfpool-linux-x64-gnu/surfpool-sdk.linux-x64-gnu.node")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "examples/demo/audit"),
                        help="output folder (default: examples/demo/audit)")
    parser.add_argument("--keep-config", metavar="DIR",
                        help="write the live config (and claims, liabilities) here, not in a "
                             "temporary folder")
    args = parser.parse_args(argv)

    from tests.support import TOOLS as TOOL_DIR

    for tool in TOOLS:
        if not (TOOL_DIR / tool).exists():
            print(f"record: local node {TOOL_DIR / tool} is missing (run scripts/setup)",
                  file=sys.stderr)
            return 2

    from examples.demo import world
    from reserves.cli import main as reserves_main
    from tests.nodes import anvil, bcoin, surfpool

    nodes = []
    try:
        print("starting bcoin (regtest), anvil and Surfpool ...", file=sys.stderr)
        for start in (bcoin.start, anvil.start, surfpool.start):
            nodes.append(start())
        print("building the demo exchange on them ...", file=sys.stderr)
        demo = world.build(*nodes)
        os.environ.update(demo.env)
        with tempfile.TemporaryDirectory(prefix="demo-live-") as tmp:
            folder = Path(args.keep_config or tmp)
            config = world.write_config(folder, demo)
            print(f"snapshot: bitcoin height {demo.bitcoin_height}, ethereum block "
                  f"{demo.ethereum_block}, solana slot {demo.solana_slot}; auditing ...",
                  file=sys.stderr)
            code = reserves_main(["audit", str(config), "--out", args.out])
    except Exception as e:  # a node that would not start or a transaction it refused
        print(f"record: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
              file=sys.stderr)
        return 2
    finally:
        for node in nodes:
            node.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
