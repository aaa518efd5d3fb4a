"""A lying node in proof mode cannot settle a contract wallet.

A proxy between the adapter and anvil (tests/nodes/tamper.py) alters the answers that
would settle a contract-wallet row: code where there is none, an owner list, an
isValidSignature answer, storage values, the `value` and `codeHash` fields of
eth_getProof, a proof node. With `verify_proofs` the row must not become `verified`
(issue 15: a wrong-key row was turned `verified`, +500,000 USDT): what settles it is read
from proofs checked against the pinned block's state root, never from the node's word.
"""

import csv

import pytest
from eth_abi import encode

from chains.evm import calls, proofs, verify_ownership
from chains.evm.adapter import Adapter
from chains.hashes import keccak256
from tests.chains.evm import world as world_mod
from tests.claimkit import claim
from tests.nodes.anvil import CHAIN_ID
from tests.nodes.safe import PROXY, artifact, canonical
from tests.nodes.tamper import TamperingProxy

pytestmark = pytest.mark.node

MESSAGE = world_mod.MESSAGE
MAGIC_WORD = "0x" + (calls.MAGIC_1271 + bytes(28)).hex()
FAKE_CODE = "0x" + (bytes.fromhex("6080604052") * 8).hex()
SENTINEL = "0x" + "00" * 19 + "01"
GET_OWNERS = calls.selector("getOwners()")
GET_THRESHOLD = calls.selector("getThreshold()")
# Safe's fallback-handler slot: keccak256("fallback_manager.handler.address")
HANDLER_SLOT = "0x" + keccak256(b"fallback_manager.handler.address").hex()


def _proxy_code_hash() -> str:
    code = artifact("1.4.1", PROXY["1.4.1"])["deployedBytecode"]
    return "0x" + keccak256(bytes.fromhex(code[2:])).hex()


def _word(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def _settle_through(anvil, world, c, alter, proofs_on=True):
    proxy = TamperingProxy(anvil.url, alter)
    try:
        offline = verify_ownership(c)
        with Adapter("ethereum", {"rpc": proxy.url, "chain_id": CHAIN_ID,
                                  "verify_proofs": proofs_on}) as a:
            return offline, a.settle_ownership(c, offline, a.pin(world.block))
    finally:
        proxy.close()


def _owner_claim(world, address, signers):
    return claim("ethereum", address, MESSAGE,
                 [world.keys[s].evm_sign(MESSAGE, "eip191-text") for s in signers],
                 owners=[world.keys[s].evm_address() for s in signers])


def _on(address):
    return lambda params: isinstance(params, list) and params and (
        str(params[0].get("to") if isinstance(params[0], dict) else params[0]).lower()
        == address.lower())


def _code_liar(address, code=FAKE_CODE, code_hash=None):
    """Code at ``address``, and every isValidSignature there answered with the magic."""
    on = _on(address)
    code_hash = code_hash or "0x" + keccak256(bytes.fromhex(code[2:])).hex()

    def alter(method, params, response):
        if not on(params) or "result" not in response:
            return response
        if method == "eth_getCode":
            return dict(response, result=code)
        if method == "eth_call" and params[0]["data"][:10] == "0x" + calls.IS_VALID_SIGNATURE.hex():
            return dict(response, result=MAGIC_WORD)
        if method == "eth_getProof":
            return dict(response, result=dict(response["result"], codeHash=code_hash))
        return response
    return alter


def test_a_wrong_key_row_gets_no_code_and_no_magic_from_a_liar(anvil, world):
    """The issue's case: an externally owned address signed by the wrong key. The liar
    says it is a contract that accepts the signature."""
    holder = world.holders[0]
    c = claim("ethereum", holder, MESSAGE, [world.keys["o4"].evm_sign(MESSAGE, "eip191-text")])
    offline, s = _settle_through(anvil, world, c, _code_liar(holder))
    assert offline.status.value == "failed" and offline.onchain
    assert s.status.value == "failed", s.reason
    assert s == offline  # the proven code hash is the empty one: nothing to ask


def _storage_liar(address, values: dict[str, int], calls_answers: dict[bytes, str]):
    """Storage ``values`` (slot hex -> int) at ``address`` through eth_getStorageAt and the
    eth_getProof value fields, and eth_call answers by selector."""
    on = _on(address)

    def alter(method, params, response):
        if not on(params) or "result" not in response:
            return response
        if method == "eth_getStorageAt":
            slot = "0x" + int(params[1], 16).to_bytes(32, "big").hex()
            if slot in values:
                return dict(response, result=_word(values[slot]))
        if method == "eth_getProof":
            entries = []
            for e in response["result"]["storageProof"]:
                slot = "0x" + int(e["key"], 16).to_bytes(32, "big").hex()
                entries.append(dict(e, value=hex(values[slot])) if slot in values else e)
            return dict(response, result=dict(response["result"], storageProof=entries))
        if method == "eth_call":
            selector = bytes.fromhex(params[0]["data"][2:10])
            if selector in calls_answers:
                return dict(response, result=calls_answers[selector])
        return response
    return alter


def _slot(base: int, key: str) -> str:
    return "0x" + proofs.mapping_slot(bytes.fromhex(key[2:]), base).hex()


def test_a_liar_cannot_make_a_stranger_an_owner(anvil, world):
    safe = world.safes["2of2"].address
    o = {k: world.keys[k].evm_address() for k in ("o1", "o2", "o3")}
    owners = "0x" + encode(["address[]"], [[o["o1"], o["o2"], o["o3"]]]).hex()
    alter = _storage_liar(safe, {_slot(2, o["o3"]): 1, "0x" + (4).to_bytes(32, "big").hex(): 1},
                          {GET_OWNERS: owners, GET_THRESHOLD: _word(1)})
    _, s = _settle_through(anvil, world, _owner_claim(world, safe, ["o3"]), alter)
    assert s.status.value != "verified", s.reason
    assert f"{o['o3']} is not an owner of the Safe" in s.reason, s.reason


def test_a_liar_cannot_hide_a_module(anvil, world):
    safe = world.safes["module"].address
    none = "0x" + encode(["address[]", "address"], [[], SENTINEL]).hex()
    alter = _storage_liar(safe, {_slot(1, SENTINEL): 1},
                          {calls.selector("getModulesPaginated(address,uint256)"): none})
    _, s = _settle_through(anvil, world, _owner_claim(world, safe, ["o1", "o2"]), alter)
    assert s.status.value == "failed" and "is enabled" in s.reason, s.reason


def test_a_tampered_proof_node_leaves_the_row_unsettled(anvil, world):
    safe = world.safes["2of2"].address

    def alter(method, params, response):
        if method == "eth_getProof" and _on(safe)(params) and "result" in response:
            entries = response["result"]["storageProof"]
            node = entries[-1]["proof"][-1]
            flipped = node[:-2] + ("00" if node[-2:] != "00" else "01")
            entries[-1] = dict(entries[-1], proof=entries[-1]["proof"][:-1] + [flipped])
            return dict(response, result=dict(response["result"], storageProof=entries))
        return response
    offline, s = _settle_through(anvil, world, _owner_claim(world, safe, ["o1", "o2"]), alter)
    assert s.status.value == "owner-signed", s.reason  # the owners did sign; unproven link
    assert "proof" in s.reason and "not settled" in s.reason, s.reason


def test_a_liar_cannot_dress_a_look_alike_as_a_safe(anvil, world):
    """SafeLike with the real proxy's code and the real singleton in slot 0, as the liar
    tells it; the account proof's code hash says otherwise."""
    address = world.safe2.address
    singleton = canonical("1.4.1", "singleton")
    liar = _code_liar(address, code_hash=_proxy_code_hash())
    storage = _storage_liar(address, {_word(0): int(singleton, 16)}, {})

    def alter(method, params, response):
        return storage(method, params, liar(method, params, response))
    _, s = _settle_through(anvil, world, _owner_claim(world, address, ["o1", "o2"]), alter)
    assert s.status.value == "owner-signed", s.reason
    assert "contract code not recognised" in s.reason


def test_a_liar_cannot_swap_a_safes_fallback_handler_for_eip1271(anvil, world):
    """o3-handler's fallback handler is a wallet that accepts o3; the liar says it is the
    known CompatibilityFallbackHandler."""
    safe = world.safes["o3-handler"].address
    handler = canonical("1.4.1", "handler")
    c = claim("ethereum", safe, MESSAGE, [world.keys["o3"].evm_sign(MESSAGE, "eip191-text")])
    alter = _storage_liar(safe, {HANDLER_SLOT: int(handler, 16)}, {})
    _, s = _settle_through(anvil, world, c, alter)
    assert s.status.value != "verified", s.reason


def test_a_liar_cannot_make_a_safe_accept_strangers_signatures(anvil, world):
    """The node says yes to exactly the claimed EIP-1271 question (and no to the negative
    control); the Safe's own owners, proven, did not sign."""
    from chains.evm.personal_sign import DIGESTS
    from tests.nodes.safe import safe_signatures

    wallet = world.safes["2of2"]
    digest = world.kit.message_hash(wallet, DIGESTS["eip191-text"](MESSAGE.encode()))
    sigs = safe_signatures([world.keys["o3"], world.keys["o4"]], digest).hex()
    c = claim("ethereum", wallet.address, MESSAGE, ["0x" + sigs], scheme="eip191-text")

    def alter(method, params, response):
        if method == "eth_call" and _on(wallet.address)(params) and sigs in params[0]["data"]:
            return {k: v for k, v in response.items() if k != "error"} | {"result": MAGIC_WORD}
        return response
    offline, s = _settle_through(anvil, world, c, alter)
    assert offline.status.value == "failed"
    assert s.status.value == "failed", s.reason
    o3 = world.keys["o3"].evm_address()
    assert "is not an owner of the Safe" in s.reason and o3 in s.reason, s.reason


def test_an_audit_in_proof_mode_is_not_fooled(anvil, world, tmp_path):
    """The issue's figures through `reserves.audit`: a wrong-key USDT row and a Safe row,
    the liar pleading for both."""
    import reserves
    from reserves.result import records

    holder = world.holders[1]
    safe = world.safes["2of2"].address
    o3 = world.keys["o3"].evm_address()
    wrong = world.keys["o4"].evm_sign(MESSAGE, "eip191-text")
    rows = [["ethereum", "USDT", holder, world.expected[(holder, "USDT")], 6, wrong, ""],
            ["ethereum", "ETH", safe, 7 * 10**18, 18,
             world.keys["o3"].evm_sign(MESSAGE, "eip191-text"), o3]]
    with open(tmp_path / "claims.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["chain", "asset", "address", "amount", "decimals", "message",
                      "signatures", "owners"])
        for r in rows:
            out.writerow(r[:5] + [MESSAGE] + r[5:])
    owners = "0x" + encode(["address[]"], [[o3]]).hex()
    liars = [_code_liar(holder),
             _storage_liar(safe, {_slot(2, o3): 1, _word(4): 1},
                           {GET_OWNERS: owners, GET_THRESHOLD: _word(1)})]

    def alter(method, params, response):
        for liar in liars:
            response = liar(method, params, response)
        return response
    proxy = TamperingProxy(anvil.url, alter)
    try:
        (tmp_path / "config.toml").write_text(
            '[exchange]\nname = "Test"\n[claims]\nfiles = ["claims.csv"]\n'
            f'message = "{MESSAGE}"\n[snapshot.ethereum]\nheight = {world.block}\n'
            f'[chains.ethereum]\nadapter = "evm"\nrpc = "{proxy.url}"\nchain_id = {CHAIN_ID}\n'
            'verify_proofs = true\n'
            f'[[assets]]\nsymbol = "USDT"\nchain = "ethereum"\n'
            f'contract = "{world.usdt.address}"\ndecimals = 6\n')
        result = reserves.audit(tmp_path / "config.toml", quiet=True)
    finally:
        proxy.close()
    got = {r["address"]: r for r in records(result.addresses)}
    assert got[holder]["verdict"] == "failed" and got[holder]["bucket"] == "unverified"
    assert got[safe]["verdict"] != "verified" and got[safe]["bucket"] != "verified"
    verified = {r["asset"]: r["verified"] for r in records(result.coverage)}
    assert verified == {"ETH": 0, "USDT": 0}
