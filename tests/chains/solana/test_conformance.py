"""The Solana adapter's conformance (tests/chains/conformance.py) on Surfpool."""

import pytest
import requests

from chains.solana.adapter import Adapter
from tests.chains.conformance import AdapterConformance, Live
from tests.nodes import free_port

pytestmark = pytest.mark.node


def _rpc(node, method, params):
    answer = requests.post(node.url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                           "params": params}, timeout=10)
    return answer.json()["result"]


@pytest.fixture
def live(surfnet, sol_world):
    def make(**extra):
        return Adapter("solana", {"rpc": surfnet.url, **extra})

    def not_final():
        latest = _rpc(surfnet, "getSlot", [{"commitment": "confirmed"}])
        assert latest > _rpc(surfnet, "getSlot", [{"commitment": "finalized"}])
        return latest

    return Live(
        make=make,
        dead=lambda: make(rpc=f"http://127.0.0.1:{free_port()}", retries=0),
        block_hash=lambda s: _rpc(surfnet, "getBlock", [s, {"transactionDetails": "none",
                                                            "commitment": "confirmed"}])[
            "blockhash"],
        final=lambda: sol_world.slot,  # the world waits until it is finalized
        not_final=not_final,
        future=lambda: 10**9,
        wrong_hash="1" * 32)


class TestSolanaConformance(AdapterConformance):
    pass
