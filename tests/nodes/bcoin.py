"""Start and stop bcoin (a bitcoind-compatible full node from npm) on regtest for the tests."""

from __future__ import annotations

import subprocess

from tests.nodes import free_port, stop_process, wait_until
from tests.support import tool

BCOIN = "bcoin/bin/node"
API_KEY = "test-api-key"


class Bcoin:
    def __init__(self) -> None:
        from chains.bitcoin.rpc import BitcoinRpc

        node = tool(BCOIN)
        self.port = free_port()
        p2p = free_port()
        self.url = f"http://x:{API_KEY}@127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            ["node", str(node), "--network=regtest", "--memory=true", "--http-host=127.0.0.1",
             f"--http-port={self.port}", f"--port={p2p}", f"--api-key={API_KEY}",
             "--index-tx=true", "--index-address=true", "--workers=false", "--listen=false",
             "--log-level=error", "--no-wallet"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.rpc = BitcoinRpc(self.url, timeout=60)
        wait_until(lambda: self.rpc.call("getblockcount") >= 0, 30, "bcoin")

    def call(self, method: str, *params):
        return self.rpc.call(method, *params)

    def stop(self) -> None:
        stop_process(self.proc)


def start() -> Bcoin:
    return Bcoin()
