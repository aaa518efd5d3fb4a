"""The EVM adapter against anvil: balances at a past block, proofs, contract wallets."""

import pytest

from chains.evm.adapter import Adapter
from chains.evm.calls import MULTICALL3
from reserves.balances import AssetSpec
from reserves.errors import ChainError, NodeMismatchError, NodeUnavailableError, SnapshotError
from tests.chains.evm import world as world_mod
from tests.claimkit import claim
from tests.nodes import free_port
from tests.nodes.anvil import CHAIN_ID

pytestmark = pytest.mark.node


def _adapter(anvil, **extra):
    return Adapter("ethereum", {"rpc": anvil.url, "chain_id": CHAIN_ID, **extra})


def _assets(world):
    return [AssetSpec("ETH", 18), AssetSpec("USDT", 6, world.usdt.address),
            AssetSpec("DAI", 18, world.dai.address)]


def _read(anvil, world, **extra):
    with _adapter(anvil, **extra) as a:
        block = a.pin(world.block)
        return block, a.read_balances(world.holders + [world.safe2.address], _assets(world),
                                      block)


def test_balances_at_the_pinned_block(anvil, world):
    block, balances = _read(anvil, world)
    assert block.height == world.block and block.hash.startswith("0x")
    for b in balances:
        assert b.error == "" and b.amount == world.expected[(b.address, b.asset)], b
        assert b.block_hash == block.hash and b.height == world.block
    # Later history moved money; the figures at the block did not move.
    latest = anvil.w3.eth.get_balance(world.holders[0])
    assert latest != world.expected[(world.holders[0], "ETH")]
    assert {b.method for b in balances} == {"eth_getBalance", "multicall3 balanceOf"}


def test_without_multicall_and_with_proofs_the_numbers_are_the_same(anvil, world):
    _, plain = _read(anvil, world, multicall=False)
    _, proven = _read(anvil, world, verify_proofs=True)
    assert [b.amount for b in plain] == [b.amount for b in proven]
    assert {b.method for b in plain} == {"eth_getBalance", "eth_call balanceOf"}
    assert all(b.proven is True and not b.error for b in proven), \
        [b for b in proven if b.error][:2]


def test_errors_are_one_line_operational_failures(anvil, world):
    with pytest.raises(NodeMismatchError, match="chain id 31337, the config says"):
        Adapter("ethereum", {"rpc": anvil.url, "chain_id": 1}).pin(world.block)
    with pytest.raises(NodeUnavailableError, match="unreachable"):
        Adapter("ethereum", {"rpc": f"http://127.0.0.1:{free_port()}", "chain_id": CHAIN_ID,
                             "retries": 0}).pin(world.block)
    tip = anvil.w3.eth.block_number
    with pytest.raises(SnapshotError, match="in the future"):
        _adapter(anvil).pin(tip + 10)
    with pytest.raises(SnapshotError, match="not final"):
        _adapter(anvil).pin(tip - 2)
    with pytest.raises(SnapshotError, match="not final: 2 confirmations"):
        _adapter(anvil, confirmations=12).pin(tip - 2)
    with pytest.raises(NodeMismatchError, match="not the pinned"):
        _adapter(anvil).pin(world.block, "0x" + "00" * 32)
    with _adapter(anvil) as a:
        block = a.pin(world.block)
        with pytest.raises(ChainError, match="has no code at block"):
            a.read_balances(world.holders, [AssetSpec("FAKE", 6, "0x" + "42" * 20)], block)


def _owner_claim(world, contract, signers, owners):
    sigs = [world.keys[s].evm_sign(world_mod.MESSAGE, "eip191-text") for s in signers]
    return claim("ethereum", contract, world_mod.MESSAGE, sigs,
                 owners=[world.keys[o].evm_address() for o in owners])


def _settle(anvil, world, c):
    from chains.evm import verify_ownership

    offline = verify_ownership(c)
    with _adapter(anvil) as a:
        return offline, a.settle_ownership(c, offline, a.pin(world.block))


def test_owner_signed_becomes_verified_only_for_a_safe_with_owners_and_threshold(anvil, world):
    """The full set of Safe cases is in test_safe_wallets.py; here, the basic shapes."""
    offline, settled = _settle(anvil, world, _owner_claim(world, world.safes["2of2"].address,
                                                          ["o1", "o2"], ["o1", "o2"]))
    assert offline.status.value == "owner-signed"
    assert settled.status.value == "verified" and "threshold 2" in settled.reason
    _, s = _settle(anvil, world, _owner_claim(world, world.safes["3of3"].address, ["o1", "o2"],
                                              ["o1", "o2"]))
    assert s.status.value == "failed" and "threshold not met" in s.reason
    # Contracts that report owners through getOwners()/getThreshold() but are no Safe,
    # whatever they report (a threshold of 0, other owners), stay owner-signed.
    for contract in (world.safe2, world.safe0, world.safe_other, world.safe3):
        _, s = _settle(anvil, world, _owner_claim(world, contract.address, ["o1", "o2"],
                                                  ["o1", "o2"]))
        assert s.status.value == "owner-signed" and "contract code not recognised" in s.reason
    # One owner signing twice never reaches the chain check.
    c = _owner_claim(world, world.safes["2of2"].address, ["o1", "o1"], ["o1", "o2"])
    offline, s = _settle(anvil, world, c)
    assert offline.status.value == "failed" and "duplicate signer" in offline.reason
    assert s == offline
    # A token contract is no wallet at all.
    _, s = _settle(anvil, world, _owner_claim(world, world.usdt.address, ["o1", "o2"],
                                              ["o1", "o2"]))
    assert s.status.value == "owner-signed" and "contract code not recognised" in s.reason


def test_eip1271_wallet_of_unknown_code_is_not_counted(anvil, world):
    good = claim("ethereum", world.wallet1271.address, world_mod.MESSAGE,
                 [world.keys["o3"].evm_sign(world_mod.MESSAGE, "eip191-text")])
    offline, settled = _settle(anvil, world, good)
    assert offline.status.value == "failed" and offline.onchain
    assert settled.status.value == "unsupported" and settled.scheme == "eip1271"
    assert "accepts the signature over the eip191-text digest" in settled.reason
    assert "contract code not recognised" in settled.reason
    # At block N the wallet's owner is o3; o4 only became owner later.
    bad = claim("ethereum", world.wallet1271.address, world_mod.MESSAGE,
                [world.keys["o4"].evm_sign(world_mod.MESSAGE, "eip191-text")])
    _, s = _settle(anvil, world, bad)
    assert s.status.value == "failed" and "EIP-1271" in s.reason
    # An externally owned address gets nothing from the chain.
    eoa = claim("ethereum", world.holders[0], world_mod.MESSAGE,
                [world.keys["o1"].evm_sign(world_mod.MESSAGE, "eip191-text")])
    offline, s = _settle(anvil, world, eoa)
    assert s == offline and s.status.value == "failed"


def test_multicall_is_used_only_where_deployed(anvil, world):
    code = anvil.w3.eth.get_code(MULTICALL3, block_identifier=world.block)
    assert len(code) > 0


def _flip(hex_text: str, at: int = -3) -> str:
    digits = list(hex_text)
    digits[at] = "0" if digits[at] != "0" else "1"
    return "".join(digits)


def test_proofs_verify_offline_and_a_tampered_node_fails(anvil, world):
    from chains.evm import proofs
    from chains.evm.address import decode as addr

    block = anvil.rpc("eth_getBlockByNumber", [hex(world.block), False])
    root = bytes.fromhex(block["stateRoot"][2:])
    proof = anvil.rpc("eth_getProof", [world.holders[1], [], hex(world.block)])["accountProof"]
    _, balance, _, _ = proofs.verify_account(root, addr(world.holders[1]), proof)
    assert balance == world.expected[(world.holders[1], "ETH")]
    for i in range(len(proof)):
        tampered = list(proof)
        tampered[i] = _flip(tampered[i])
        with pytest.raises(proofs.ProofError):
            proofs.verify_account(root, addr(world.holders[1]), tampered)
    with pytest.raises(proofs.ProofError):  # the right proof against another root
        proofs.verify_account(bytes(32), addr(world.holders[1]), proof)


def test_a_tampered_header_is_caught(anvil, world):
    from chains.evm.header import HeaderError, check_header

    block = anvil.rpc("eth_getBlockByNumber", [hex(world.block), False])
    check_header(block)
    block["stateRoot"] = _flip(block["stateRoot"])
    with pytest.raises(HeaderError, match="not to the block hash"):
        check_header(block)


def test_a_lying_node_is_caught(anvil, world):
    from tests.nodes.tamper import TamperingProxy

    def lie_in_proofs(method, params, answer):
        if method == "eth_getProof" and params[0].lower() == world.holders[2].lower():
            answer["result"]["accountProof"][-1] = _flip(answer["result"]["accountProof"][-1])
        return answer

    proxy = TamperingProxy(anvil.url, lie_in_proofs)
    try:
        with Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID,
                                  "verify_proofs": True}) as a:
            block = a.pin(world.block)
            got = {b.address: b for b in a.read_balances(world.holders[:4], [AssetSpec("ETH", 18)],
                                                         block)}
    finally:
        proxy.close()
    bad = got[world.holders[2]]
    assert bad.amount is None and bad.proven is False and "proof failed" in bad.error
    assert all(got[h].proven and got[h].amount is not None
               for h in world.holders[:4] if h != world.holders[2])

    def lie_in_header(method, params, answer):
        if method == "eth_getBlockByNumber" and params[0] == hex(world.block):
            answer["result"]["stateRoot"] = _flip(answer["result"]["stateRoot"])
        return answer

    proxy = TamperingProxy(anvil.url, lie_in_header)
    try:
        with pytest.raises(NodeMismatchError, match="header fields hash to"):
            Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID}).pin(world.block)
    finally:
        proxy.close()

    def lie_in_balance(method, params, answer):
        if method == "eth_getBalance" and params[0].lower() == world.holders[3].lower():
            answer["result"] = hex(int(answer["result"], 16) + 1)
        return answer

    proxy = TamperingProxy(anvil.url, lie_in_balance)
    try:
        with Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID,
                                  "verify_proofs": True}) as a:
            block = a.pin(world.block)
            (b,) = a.read_balances([world.holders[3]], [AssetSpec("ETH", 18)], block)
    finally:
        proxy.close()
    assert b.amount is None and "differs from eth_getBalance" in b.error


def test_our_trie_walker_agrees_with_the_trie_package(anvil, world):
    """chains.evm.mpt against the reference implementation, on real and tampered proofs."""
    import rlp
    from trie import HexaryTrie

    from chains.evm import mpt
    from chains.evm.address import decode as addr
    from chains.evm.proofs import mapping_slot
    from chains.hashes import keccak256

    block = anvil.rpc("eth_getBlockByNumber", [hex(world.block), False])
    root = bytes.fromhex(block["stateRoot"][2:])

    def reference(root, key, nodes):
        try:
            return HexaryTrie.get_from_proof(root, keccak256(key), [rlp.decode(n) for n in nodes])
        except Exception:
            return "error"

    def ours(root, key, nodes):
        try:
            return mpt.get(root, key, nodes)
        except mpt.ProofError:
            return "error"

    cases = []
    for h in world.holders + [world.usdt.address, "0x" + "77" * 20]:
        p = anvil.rpc("eth_getProof", [h, ["0x" + mapping_slot(addr(world.holders[0]), 0).hex()],
                                       hex(world.block)])
        nodes = [bytes.fromhex(n[2:]) for n in p["accountProof"]]
        cases.append((root, addr(h), nodes))
        cases.append((root, addr(h), nodes[:-1]))
        storage_root = bytes.fromhex(p["storageHash"][2:])
        s_nodes = [bytes.fromhex(n[2:]) for n in p["storageProof"][0]["proof"]]
        cases.append((storage_root, mapping_slot(addr(world.holders[0]), 0), s_nodes))
    for root_, key, nodes in cases:
        assert ours(root_, key, nodes) == reference(root_, key, nodes)
