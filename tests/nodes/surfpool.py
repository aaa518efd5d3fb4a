"""Start and stop Surfpool (a Solana RPC runtime from npm) offline for the tests."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from tests.nodes import stop_process
from tests.support import tool

SCRIPT = Path(__file__).with_name("surfnet.js")
PACKAGE = "@solana/surfpool-linux-x64-gnu/surfpool-sdk.linux-x64-gnu.node"


class Surfpool:
    def __init__(self, slot_ms: int = 50) -> None:
        from solders.keypair import Keypair

        tool(PACKAGE)
        self.proc = subprocess.Popen(["node", str(SCRIPT)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     env={"PATH": "/usr/bin:/bin:/usr/local/bin",
                                          "SURFNET_SLOT_MS": str(slot_ms)})
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()))
        reader.start()
        reader.join(60)
        if not line or not line[0].strip():
            self.stop()
            raise RuntimeError(f"surfpool did not start: {self.proc.stderr.read()[:500]}")
        info = json.loads(line[0])
        self.url = info["rpc"]
        self.payer = Keypair.from_bytes(bytes(info["payerSecretKey"]))

    def stop(self) -> None:
        stop_process(self.proc)


def start(slot_ms: int = 50) -> Surfpool:
    return Surfpool(slot_ms)
