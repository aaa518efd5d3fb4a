"""Start and stop anvil (EVM, from npm @foundry-rs/anvil) for the tests, and drive it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.nodes import free_port, stop_process, wait_until
from tests.support import ROOT, tool

ANVIL = "@foundry-rs/anvil-linux-amd64/bin/anvil"
CHAIN_ID = 31337
CONTRACTS = ROOT / "tests" / "contracts" / "build"


class Anvil:
    def __init__(self) -> None:
        from web3 import Web3

        binary = tool(ANVIL)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(binary), "--host", "127.0.0.1", "--port", str(self.port), "--chain-id",
             str(CHAIN_ID), "--accounts", "5", "--balance", "1000000", "--silent"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.w3 = Web3(Web3.HTTPProvider(self.url))
        wait_until(lambda: self.w3.is_connected(), 20, "anvil")
        self.accounts = self.w3.eth.accounts

    def stop(self) -> None:
        stop_process(self.proc)

    # --- helpers --------------------------------------------------------------
    def rpc(self, method: str, params: list):
        return self.w3.provider.make_request(method, params)["result"]

    def mine(self, blocks: int = 1) -> int:
        self.rpc("anvil_mine", [hex(blocks)])
        return self.w3.eth.block_number

    def deploy(self, name: str, *args, sender: str | None = None):
        art = json.loads((CONTRACTS / f"{name}.json").read_text())
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        tx = factory.constructor(*args).transact({"from": sender or self.accounts[0]})
        address = self.w3.eth.wait_for_transaction_receipt(tx).contractAddress
        return self.w3.eth.contract(address=address, abi=art["abi"])

    def send_eth(self, to: str, wei: int, sender: str | None = None) -> None:
        tx = self.w3.eth.send_transaction({"from": sender or self.accounts[0], "to": to,
                                           "value": wei})
        self.w3.eth.wait_for_transaction_receipt(tx)

    def transact(self, fn, sender: str | None = None) -> None:
        tx = fn.transact({"from": sender or self.accounts[0]})
        self.w3.eth.wait_for_transaction_receipt(tx)

    def install_multicall(self) -> str:
        """Put our aggregate3 implementation at Multicall3's canonical address."""
        from chains.evm.calls import MULTICALL3

        agg = self.deploy("Aggregator")
        code = self.w3.eth.get_code(agg.address)
        self.rpc("anvil_setCode", [MULTICALL3, "0x" + code.hex().removeprefix("0x")])
        return MULTICALL3


def start() -> Anvil:
    return Anvil()


__all__ = ["Anvil", "CHAIN_ID", "Path", "start"]
