"""Every EVM read names the pinned block by its hash (EIP-1898), so a reorg is seen.

A read by number after a reorg silently answers for the block that replaced the
pinned one; a read by hash cannot. The reorg is a real one, on its own anvil
(``evm_snapshot`` / ``evm_revert``, then other transactions mined to the same height).
"""

import pytest

from chains.evm import verify_ownership
from chains.evm.adapter import Adapter
from chains.signers import Secp256k1Key, secret
from reserves.balances import AssetSpec
from reserves.errors import NodeMismatchError
from tests.chains.evm import world as world_mod
from tests.claimkit import claim
from tests.nodes import anvil as anvil_node
from tests.nodes.anvil import CHAIN_ID
from tests.nodes.tamper import TamperingProxy

pytestmark = pytest.mark.node

STATE_READS = {"eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_call", "eth_getProof",
               "eth_getTransactionCount"}


def _seen(log):
    def alter(method, params, response):
        log.append((method, params))
        return response
    return alter


@pytest.mark.parametrize("proofs", [False, True], ids=["plain", "proofs"])
def test_every_state_read_names_the_block_by_hash(anvil, world, proofs):
    log: list = []
    proxy = TamperingProxy(anvil.url, _seen(log))
    try:
        with Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID,
                                  "verify_proofs": proofs}) as a:
            block = a.pin(world.block)
            a.read_balances(world.holders[:2] + [world.safes["2of2"].address],
                            [AssetSpec("ETH", 18), AssetSpec("USDT", 6, world.usdt.address)],
                            block)
            owners = claim("ethereum", world.safes["2of2"].address, world_mod.MESSAGE,
                           [world.keys[k].evm_sign(world_mod.MESSAGE, "eip191-text")
                            for k in ("o1", "o2")],
                           owners=[world.keys[k].evm_address() for k in ("o1", "o2")])
            wallet = claim("ethereum", world.wallet1271.address, world_mod.MESSAGE,
                           [world.keys["o3"].evm_sign(world_mod.MESSAGE, "eip191-text")])
            for c in (owners, wallet):
                a.settle_ownership(c, verify_ownership(c), block)
    finally:
        proxy.close()
    reads = [(m, p) for m, p in log if m in STATE_READS]
    assert {m for m, _ in reads} >= {"eth_getBalance", "eth_call",
                                     "eth_getProof" if proofs else "eth_getCode"}
    for method, params in reads:
        assert params[-1] == {"blockHash": block.hash, "requireCanonical": True}, (method,
                                                                                  params)


def test_a_reorg_after_the_pin_stops_the_read():
    node = anvil_node.start()
    try:
        rich, poor = node.accounts[0], node.accounts[1]
        snapshot = node.rpc("evm_snapshot", [])
        node.send_eth(poor, 10**18)
        node.mine(3)
        height = node.w3.eth.block_number - 2
        with Adapter("ethereum", {"rpc": node.url, "chain_id": CHAIN_ID,
                                  "confirmations": 1}) as a:
            block = a.pin(height)
            before = a.read_balances([poor], [AssetSpec("ETH", 18)], block)
            assert before[0].error == "" and before[0].amount > 0
            # The chain reorganises: the pinned block is replaced by another at its height.
            node.rpc("evm_revert", [snapshot])
            node.send_eth(rich, 1, sender=poor)
            node.mine(5)
            assert node.w3.eth.get_block(height)["hash"].to_0x_hex() != block.hash
            with pytest.raises(NodeMismatchError, match="reorg"):
                a.read_balances([poor], [AssetSpec("ETH", 18)], block)
            # Settling a contract-wallet row reads the same block: it stops the same way.
            key = Secp256k1Key(secret("reorg-owner", 1))
            c = claim("ethereum", poor, "m", [key.evm_sign("m", "eip191-text")],
                      owners=[key.evm_address()])
            with pytest.raises(NodeMismatchError, match="reorg"):
                a.settle_ownership(c, verify_ownership(c), block)
    finally:
        node.stop()
