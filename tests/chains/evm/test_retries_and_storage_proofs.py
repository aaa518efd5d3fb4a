"""EVM adapter on anvil: retries on 429/5xx, token storage proofs, configured slots.

A small proxy in front of the real node stands in for a rate-limiting or
failing endpoint, or for a node that lies in a token's storage proof; the
figures are checked against the amounts tests/chains/evm/world.py minted.
"""

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chains.evm.adapter import Adapter
from reserves.balances import AssetSpec
from reserves.errors import NodeUnavailableError
from tests.nodes.anvil import CHAIN_ID
from tests.nodes.tamper import TamperingProxy

pytestmark = pytest.mark.node


class FlakyProxy:
    """Answers the first ``failures`` requests with HTTP ``status``, then passes through."""

    def __init__(self, upstream: str, status: int, failures: int) -> None:
        self.seen = []
        state = {"left": failures}
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    fail = state["left"] > 0
                    state["left"] -= 1
                    outer.seen.append(status if fail else 200)
                if fail:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                req = urllib.request.Request(upstream, data=body,
                                             headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(req) as r:
                    data = r.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_server_errors_are_retried(anvil, world, status):
    proxy = FlakyProxy(anvil.url, status, failures=2)
    try:
        with Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID,
                                  "retries": 3}) as a:
            block = a.pin(world.block)
            got = a.read_balances(world.holders[:2], [AssetSpec("ETH", 18)], block)
    finally:
        proxy.close()
    assert proxy.seen[:3] == [status, status, 200]
    assert [b.amount for b in got] == [world.expected[(h, "ETH")] for h in world.holders[:2]]


def test_retries_run_out_with_a_one_line_error(anvil, world):
    proxy = FlakyProxy(anvil.url, 429, failures=10)
    try:
        with pytest.raises(NodeUnavailableError, match="answered HTTP 429"):
            Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID,
                                 "retries": 1}).pin(world.block)
    finally:
        proxy.close()
    assert proxy.seen == [429, 429]  # the first try and one retry, no more


def _flip(hex_text: str, at: int = -3) -> str:
    digits = list(hex_text)
    digits[at] = "0" if digits[at] != "0" else "1"
    return "".join(digits)


def _proven_usdt(url, world, **extra):
    usdt = AssetSpec("USDT", 6, world.usdt.address)
    with Adapter("ethereum", {"rpc": url, "chain_id": CHAIN_ID, "verify_proofs": True,
                              **extra}) as a:
        block = a.pin(world.block)
        return {b.address: b for b in a.read_balances(world.holders[:3], [usdt], block)}


def test_a_tampered_storage_proof_is_caught(anvil, world):
    target = world.holders[1]

    def lie(method, params, answer):
        if method == "eth_getProof" and params[0].lower() == world.usdt.address.lower():
            for entry in answer["result"]["storageProof"]:
                if entry["value"] not in ("0x0", "0x00") and \
                        int(entry["value"], 16) == world.expected[(target, "USDT")]:
                    entry["proof"][-1] = _flip(entry["proof"][-1])
        return answer

    proxy = TamperingProxy(anvil.url, lie)
    try:
        got = _proven_usdt(proxy.url, world)
    finally:
        proxy.close()
    bad = got[target]
    assert bad.amount is None and bad.proven is False and "storage proof failed" in bad.error
    for h in (world.holders[0], world.holders[2]):
        assert got[h].proven is True and got[h].amount == world.expected[(h, "USDT")]


def test_a_tampered_token_account_proof_fails_every_holder(anvil, world):
    def lie(method, params, answer):
        if method == "eth_getProof" and params[0].lower() == world.usdt.address.lower():
            answer["result"]["accountProof"][-1] = _flip(answer["result"]["accountProof"][-1])
        return answer

    proxy = TamperingProxy(anvil.url, lie)
    try:
        got = _proven_usdt(proxy.url, world)
    finally:
        proxy.close()
    assert all(b.amount is None and "token account proof failed" in b.error
               for b in got.values())


def test_configured_slot_is_used_and_a_wrong_one_proves_nothing(anvil, world):
    """TestToken keeps balanceOf at slot 0 (its source says so)."""
    right = _proven_usdt(anvil.url, world, token_slots={"USDT": 0})
    assert all(b.proven is True and b.amount == world.expected[(h, "USDT")]
               for h, b in right.items())
    wrong = _proven_usdt(anvil.url, world, token_slots={"USDT": 1})
    assert all(b.amount is None and b.proven is False and "differs from balanceOf" in b.error
               for b in wrong.values())

