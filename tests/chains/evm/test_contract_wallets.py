"""Contract wallets on anvil: the legacy EIP-1271 variant on its own, wallets that answer
wrongly, and a Safe's owners read at block N, not at the tip.

Only a known Safe is ever counted (test_safe_wallets.py); the wallets here of other
code show what each EIP-1271 answer is taken to mean, and that it never verifies."""

import csv

import pytest

from chains.evm import calls, verify_ownership
from chains.evm.adapter import Adapter
from chains.evm.personal_sign import eip191_text
from tests.chains.evm import world as world_mod
from tests.claimkit import claim
from tests.nodes.anvil import CHAIN_ID

pytestmark = pytest.mark.node

MESSAGE = world_mod.MESSAGE


def _sig(world, key, message=MESSAGE, scheme="eip191-text"):
    return world.keys[key].evm_sign(message, scheme)


def _settle(anvil, c, height):
    offline = verify_ownership(c)
    with Adapter("ethereum", {"rpc": anvil.url, "chain_id": CHAIN_ID}) as a:
        return offline, a.settle_ownership(c, offline, a.pin(height))


def _wallet_claim(world, contract, signature):
    return claim("ethereum", contract, MESSAGE, [signature])


def _raw_call(anvil, to, data, height):
    """What the node answers a call at ``height``: (result bytes, None) or (None, error)."""
    r = anvil.w3.provider.make_request("eth_call", [{"to": to, "data": data}, hex(height)])
    if r.get("error"):
        return None, r["error"]
    return bytes.fromhex(r["result"][2:]), None


def _bytes32_call(message=MESSAGE, signature="0x" + "11" * 65):
    return calls.is_valid_signature(eip191_text(message.encode()), bytes.fromhex(signature[2:]))


def _legacy_call(message=MESSAGE, signature="0x" + "11" * 65):
    return calls.is_valid_signature_legacy(message.encode(), bytes.fromhex(signature[2:]))


# --- the legacy variant alone ------------------------------------------------------------

def test_a_wallet_with_only_the_legacy_interface_is_heard_through_it(anvil, world):
    wallet = world.legacy1271.address
    good = _sig(world, "o5")
    # The wallet has no isValidSignature(bytes32,bytes): only the legacy call answers.
    _, error = _raw_call(anvil, wallet, _bytes32_call(signature=good), world.block)
    assert error is not None and "revert" in error["message"]
    answer, _ = _raw_call(anvil, wallet, _legacy_call(signature=good), world.block)
    assert answer == world_mod.LEGACY_MAGIC + bytes(28)

    offline, settled = _settle(anvil, _wallet_claim(world, wallet, good), world.block)
    assert offline.status.value == "failed" and offline.onchain  # o5 is not the wallet
    # It accepts and refuses the negative control, but its code is no Safe's.
    assert settled.status.value == "unsupported", settled.reason
    assert settled.scheme == "eip1271-legacy"
    assert f"isValidSignature(bytes,bytes) accepts the signature over the message at block " \
           f"{world.block}" in settled.reason
    assert "contract code not recognised" in settled.reason


def test_legacy_wallet_a_wrong_signature_fails_with_its_reason(anvil, world):
    wallet = world.legacy1271.address
    # o4 became the wallet's owner only after block N: at N its signature is wrong.
    late = _wallet_claim(world, wallet, _sig(world, "o4"))
    _, s = _settle(anvil, late, world.block)
    assert s.status.value == "failed"
    assert "did not accept it through EIP-1271 at block" in s.reason
    assert "isValidSignature(bytes32,bytes) reverted" in s.reason
    assert "isValidSignature(bytes,bytes) answered 0xffffffff (magic 0x20c13b0b)" in s.reason
    # ...and at a block after the change the wallet accepts it: the block decides.
    _, s = _settle(anvil, late, world.later)
    assert s.status.value == "unsupported" and s.scheme == "eip1271-legacy"
    # The owner's signature over another message, and a signature of the wrong length.
    for sig in (_sig(world, "o5", MESSAGE + " (edited)"), "0x" + "ab" * 64):
        offline, s = _settle(anvil, _wallet_claim(world, wallet, sig), world.block)
        assert offline.status.value == "failed" and offline.onchain
        assert s.status.value == "failed", s
        assert "isValidSignature(bytes,bytes) answered 0xffffffff" in s.reason
    # The owner's key under a digest the wallet does not use (raw keccak of the text).
    _, s = _settle(anvil, _wallet_claim(world, wallet, _sig(world, "o5", scheme="raw-keccak")),
                   world.block)
    assert s.status.value == "failed" and "answered 0xffffffff" in s.reason


def test_legacy_wallet_with_the_wrong_magic_value_fails(anvil, world):
    """It accepts its owner's signature but answers 0x1626ba7e, the bytes32 variant's
    magic value, from the legacy call: that is not the legacy magic value."""
    wallet = world.legacy_wrong_magic.address
    good = _sig(world, "o5")
    answer, _ = _raw_call(anvil, wallet, _legacy_call(signature=good), world.block)
    assert answer == world_mod.MAGIC + bytes(28)
    _, s = _settle(anvil, _wallet_claim(world, wallet, good), world.block)
    assert s.status.value == "failed"
    assert "isValidSignature(bytes,bytes) answered 0x1626ba7e (magic 0x20c13b0b)" in s.reason


# --- wallets that answer wrongly -----------------------------------------------------------

BAD_REASONS = {
    0: ("isValidSignature(bytes32,bytes) reverted", "isValidSignature(bytes,bytes) reverted"),
    1: ("isValidSignature(bytes32,bytes) answered 0x20c13b0b (magic 0x1626ba7e)",
        "isValidSignature(bytes,bytes) answered 0x1626ba7e (magic 0x20c13b0b)"),
    2: ("isValidSignature(bytes32,bytes) answered 0x1626ba7e with non-zero ABI padding",
        "isValidSignature(bytes,bytes) answered 0x20c13b0b with non-zero ABI padding"),
    3: ("isValidSignature(bytes32,bytes) answered 4 bytes starting 0x1626ba7e",
        "isValidSignature(bytes,bytes) answered 4 bytes starting 0x20c13b0b"),
    4: ("isValidSignature(bytes32,bytes) answered 64 bytes starting 0x1626ba7e",
        "isValidSignature(bytes,bytes) answered 64 bytes starting 0x20c13b0b"),
}


@pytest.mark.parametrize("mode", sorted(world_mod.BAD_MODES),
                         ids=[world_mod.BAD_MODES[m] for m in sorted(world_mod.BAD_MODES)])
def test_a_wallet_that_answers_wrongly_never_verifies(anvil, world, mode):
    wallet = world.bad1271[mode].address
    for signature in (_sig(world, "o1"), "0x" + "11" * 65):
        _, s = _settle(anvil, _wallet_claim(world, wallet, signature), world.block)
        assert s.status.value == "failed", s
        for needle in BAD_REASONS[mode]:
            assert needle in s.reason, s.reason


def test_a_fallback_that_echoes_its_calldata_never_verifies(anvil, world):
    """Each isValidSignature selector is its own magic value, so a contract echoing its
    calldata answers words that begin with the magic bytes."""
    wallet = world.echo.address
    answer, _ = _raw_call(anvil, wallet, _bytes32_call(), world.block)
    assert answer[:4] == world_mod.MAGIC and len(answer) > 32
    answer, _ = _raw_call(anvil, wallet, _legacy_call(), world.block)
    assert answer[:4] == world_mod.LEGACY_MAGIC and len(answer) > 32
    for signature in (_sig(world, "o1"), "0x" + "11" * 65):
        _, s = _settle(anvil, _wallet_claim(world, wallet, signature), world.block)
        assert s.status.value == "failed", s
        assert "isValidSignature(bytes32,bytes) answered" in s.reason
        assert "starting 0x1626ba7e, not one ABI word" in s.reason
        assert "isValidSignature(bytes,bytes) answered" in s.reason
        assert "starting 0x20c13b0b, not one ABI word" in s.reason


# --- a Safe's owners are read at block N -------------------------------------------------

def _owner_claim(world, contract, signers):
    return claim("ethereum", contract, MESSAGE, [_sig(world, s) for s in signers],
                 owners=[world.keys[s].evm_address() for s in signers])


def test_safe_owners_removed_after_n_do_not_hurt(anvil, world):
    """The 2of2 Safe is owned by o1 and o2 (threshold 2) at N; after N its owners became
    [o3], by the Safe's own transactions."""
    safe = world.safes["2of2"].address
    c = _owner_claim(world, safe, ["o1", "o2"])
    offline, at_n = _settle(anvil, c, world.block)
    assert offline.status.value == "owner-signed"
    assert at_n.status.value == "verified", at_n.reason
    assert f"at block {world.block} the address is a Safe 1.4.1" in at_n.reason
    assert "among its 2 owners with threshold 2" in at_n.reason
    # The same row at a later block, after o1 and o2 were removed: the change is real.
    _, later = _settle(anvil, c, world.later)
    assert later.status.value == "failed" and "is not an owner" in later.reason
    assert f"at block {world.later}" in later.reason


def test_safe_owners_added_after_n_do_not_help(anvil, world):
    """o3 became the Safe's only owner (threshold 1) after N: at N its signature proves
    nothing."""
    c = _owner_claim(world, world.safes["2of2"].address, ["o3"])
    offline, at_n = _settle(anvil, c, world.block)
    assert offline.status.value == "owner-signed"
    assert at_n.status.value == "failed"
    o3 = world.keys["o3"].evm_address()
    assert f"{o3} is not an owner of the Safe at block {world.block}" in at_n.reason
    # At a block after the change the same row is verified with threshold 1.
    _, later = _settle(anvil, c, world.later)
    assert later.status.value == "verified" and "threshold 1" in later.reason


# --- through the audit ------------------------------------------------------------------

def test_audit_settles_contract_wallet_rows_at_the_snapshot_block(anvil, world, tmp_path):
    """The same rows through `reserves.audit`: the verdicts the report shows."""
    import reserves
    from reserves.result import records

    o = {k: world.keys[k].evm_address() for k in ("o1", "o2", "o3")}
    safe = world.safes["2of2"].address
    rows = [  # (address, signatures, owners, verdict, scheme, text in the reason)
        (world.legacy1271.address, [_sig(world, "o5")], [], "unsupported", "eip1271-legacy",
         "contract code not recognised"),
        (world.legacy1271.address, [_sig(world, "o4")], [], "failed", "",
         "isValidSignature(bytes,bytes) answered 0xffffffff"),
        (world.legacy_wrong_magic.address, [_sig(world, "o5")], [], "failed", "",
         "answered 0x1626ba7e (magic 0x20c13b0b)"),
        (world.echo.address, [_sig(world, "o1")], [], "failed", "",
         "not one ABI word"),
        (safe, [_sig(world, "o1"), _sig(world, "o2")], [o["o1"], o["o2"]],
         "verified", "eip191-text+owners", "with threshold 2"),
        (safe, [_sig(world, "o3")], [o["o3"]], "failed", "eip191-text", "is not an owner"),
        (world.safe2.address, [_sig(world, "o1"), _sig(world, "o2")], [o["o1"], o["o2"]],
         "owner-signed", "eip191-text", "contract code not recognised"),
    ]
    with open(tmp_path / "claims.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["chain", "asset", "address", "amount", "decimals", "message",
                      "signatures", "owners"])
        for address, sigs, owners, *_ in rows:
            out.writerow(["ethereum", "ETH", address, 0, 18, MESSAGE, ";".join(sigs),
                          ";".join(owners)])
    (tmp_path / "config.toml").write_text(
        '[exchange]\nname = "Test"\n[claims]\nfiles = ["claims.csv"]\n'
        f'message = "{MESSAGE}"\n'
        f'[snapshot.ethereum]\nheight = {world.block}\n'
        f'[chains.ethereum]\nadapter = "evm"\nrpc = "{anvil.url}"\nchain_id = {CHAIN_ID}\n')
    result = reserves.audit(tmp_path / "config.toml", quiet=True)
    got = sorted(records(result.addresses), key=lambda r: r["row"])
    assert len(got) == len(rows)
    for r, (address, _, _, verdict, scheme, needle) in zip(got, rows):
        assert r["address"] == address and r["height"] == world.block
        assert (r["verdict"], r["scheme"]) == (verdict, scheme), r
        assert needle in r["reason"], r["reason"]
