"""EVM adapter on anvil: retries on 429/5xx, token storage proofs, configured slots.

A small proxy in front of the real node stands in for a rate-limiting or
failing endpoint, or for a node that lies in a token's storage proof; the
figures are checked against the amounts tests/chains/evm/world.py minted.
"""

import pytest

from chains.evm.adapter import Adapter
from reserves.balances import AssetSpec
from reserves.errors import NodeUnavailableError
from tests.nodes.anvil import CHAIN_ID
from tests.nodes.tamper import FlakyProxy, TamperingProxy

pytestmark = pytest.mark.node


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



@pytest.mark.parametrize("multicall", [False, True], ids=["eth_call", "multicall"])
def test_a_balance_lie_is_reported_for_the_holder_lied_about(anvil, world, multicall):
    """The node inflates one holder's balanceOf, the first one the slot probe would try.
    That holder's figure is refused as a lie; the others are proven as usual, not all
    reported as "balance mapping slot unknown"."""
    from eth_abi import decode, encode

    from chains.evm import calls

    target = world.holders[0]
    true = world.expected[(target, "USDT")]
    inflated = true + 500_000 * 10**6

    def lie(method, params, answer):
        if method != "eth_call" or "result" not in answer:
            return answer
        data = params[0]["data"]
        if data == calls.balance_of(target) and \
                params[0]["to"].lower() == world.usdt.address.lower():
            return dict(answer, result="0x" + inflated.to_bytes(32, "big").hex())
        if data.startswith("0x" + calls.AGGREGATE3.hex()):
            (asked,) = decode(["(address,bool,bytes)[]"], bytes.fromhex(data[10:]))
            results = calls.decode_aggregate3(bytes.fromhex(answer["result"][2:]))
            out = [(ok, inflated.to_bytes(32, "big") if "0x" + c.hex()
                    == calls.balance_of(target) else ret)
                   for (_, _, c), (ok, ret) in zip(asked, results)]
            return dict(answer, result="0x" + encode(["(bool,bytes)[]"], [out]).hex())
        return answer

    proxy = TamperingProxy(anvil.url, lie)
    try:
        got = _proven_usdt(proxy.url, world, multicall=multicall)
    finally:
        proxy.close()
    bad = got[target]
    assert bad.amount is None and bad.proven is False
    assert f"proven balance {true} differs from balanceOf {inflated}" in bad.error, bad.error
    for h in world.holders[1:3]:
        assert got[h].proven is True and got[h].amount == world.expected[(h, "USDT")], got[h]
