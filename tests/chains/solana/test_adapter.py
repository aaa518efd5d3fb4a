"""The Solana adapter against Surfpool: SOL and SPL balances at slot S, both modes."""

import pytest
import requests

from chains.solana.adapter import Adapter
from reserves.balances import AssetSpec

pytestmark = pytest.mark.node


def _assets(w):
    return [AssetSpec("SOL", 9), AssetSpec("TOK", 6, w.mint), AssetSpec("T22", 9, w.mint_2022)]


def _block_hash(node, slot):
    """The block hash at ``slot``, asked of the node directly (not through the adapter)."""
    answer = requests.post(node.url, json={"jsonrpc": "2.0", "id": 1, "method": "getBlock",
                                           "params": [slot, {"transactionDetails": "none",
                                                             "commitment": "confirmed"}]})
    return answer.json()["result"]["blockhash"]


def _read(node, w, **settings):
    with Adapter("solana", {"rpc": node.url, **settings}) as a:
        block = a.pin(w.slot)
        return block, a.read_balances(w.holders, _assets(w), block)


@pytest.mark.parametrize("page_size", [1000, 2])
def test_history_mode_at_s(surfnet, sol_world, page_size):
    block, got = _read(surfnet, sol_world, page_size=page_size)
    assert block.height == sol_world.slot and block.hash == _block_hash(surfnet, block.height)
    for b in got:
        assert b.error == "" and b.method == "history", b
        assert b.amount == sol_world.expected[(b.address, b.asset)], b
        assert b.height == sol_world.slot and b.block_hash == block.hash
    with Adapter("solana", {"rpc": surfnet.url}) as a:
        assert a.pin(sol_world.slot, block.hash) == block  # the right pin is accepted


def test_context_mode_records_the_slot_it_read_at(surfnet, sol_world):
    _, got = _read(surfnet, sol_world, mode="context")
    for b in got:
        assert b.method == "context" and b.height >= sol_world.slot, b
        assert b.block_hash == _block_hash(surfnet, b.height), b
        assert b.amount == sol_world.latest[(b.address, b.asset)], b
    changed = [b for b in got if b.amount != sol_world.expected[(b.address, b.asset)]]
    assert changed  # what happened after S shows in a snapshot taken now, not in history
