"""Solana ownership proofs: raw, OKX-framed and off-chain messages; bad addresses fail."""

import json

import pytest
from solders.pubkey import Pubkey

from chains.encoding import b58decode, b58encode
from chains.signers import Ed25519Key, secret
from chains.solana import offchain, verify_ownership
from reserves.verdicts import Status
from tests.claimkit import claim
from tests.support import VECTORS, shared

MESSAGE = "Demo Exchange proof of reserves, snapshot 2026-11-24"


def _vectors():
    return json.loads(shared(f"{VECTORS}/solana_ed25519.json").read_text())


def test_offchain_serialization_matches_solana_sdk_vectors():
    vectors = _vectors()["solana_offchain_serialization"]
    assert len(vectors) == 2  # one ASCII (format 0), one UTF-8 (format 1)
    for v in vectors:
        assert offchain.cli_v0(v["message"].encode()).hex() == v["serialized_hex"]


def test_real_cli_signature_and_its_negatives():
    """A published `solana sign-offchain-message` output, and the vector file's two
    derived negatives (a changed message; the same signature read as a raw one)."""
    examples = _vectors()["solana_cli_real_example"]
    assert len(examples) == 3
    for v in examples:
        scheme = {"ed25519-raw": "ed25519-raw"}.get(v["scheme"])
        c = claim("solana", v["address"], v["message"], [v["signature"]], scheme=scheme)
        verdict = verify_ownership(c)
        assert (verdict.status is Status.VERIFIED) == (v["expected"] == "valid"), (v, verdict)
        if v["expected"] == "valid":
            assert verdict.scheme == "solana-offchain"  # detected, not declared


def test_full_preamble_layout_follows_the_proposal():
    """Offsets from the proposal's preamble table: application domain at 0x11, format
    at 0x31, signer count at 0x32, signers from 0x33, then the u16 length."""
    key = Ed25519Key(secret("sol-offchain", 1))
    signer = bytes(key.keypair.pubkey())
    data = offchain.spec_v0(b"hi there", signer)
    assert data[:16] == b"\xffsolana offchain" and data[16] == 0
    assert data[0x11:0x31] == bytes(32)
    assert data[0x31] == 0 and data[0x32] == 1 and data[0x33:0x53] == signer
    assert data[0x53:0x55] == (8).to_bytes(2, "little") and data[0x55:] == b"hi there"
    # UTF-8 beyond ASCII is format 1; past the packet limit, format 2.
    assert offchain.spec_v0("é".encode(), signer)[0x31] == 1
    assert offchain.spec_v0(b"a" * 1200, signer)[0x31] == 2
    assert offchain.cli_v0(b"a" * 1200)[17] == 0  # the short preamble leaves more room
    with pytest.raises(offchain.OffchainError):
        offchain.cli_v0(b"")
    with pytest.raises(offchain.OffchainError):
        offchain.cli_v0(b"\xff\xfe")


@pytest.mark.parametrize("form", ["ed25519-raw", "ed25519-okx-framed", "solana-offchain",
                                  "solana-offchain-full"])
def test_every_form_verifies_and_is_named(form):
    key = Ed25519Key(secret("sol-offchain", 2))
    sig = key.sign(MESSAGE, form)
    verdict = verify_ownership(claim("solana", key.address, MESSAGE, [sig]))
    assert verdict.status is Status.VERIFIED and verdict.scheme == form, verdict
    # Declared as another scheme, the same signature fails.
    other = "ed25519-raw" if form != "ed25519-raw" else "solana-offchain"
    pinned = verify_ownership(claim("solana", key.address, MESSAGE, [sig], scheme=other))
    assert pinned.status is Status.FAILED, pinned
    # One character of the message changed: fails under every form.
    changed = verify_ownership(claim("solana", key.address, MESSAGE[:-1] + "5", [sig]))
    assert changed.status is Status.FAILED and "does not verify" in changed.reason


def test_signature_by_another_key_fails():
    key, other = Ed25519Key(secret("sol-offchain", 3)), Ed25519Key(secret("sol-offchain", 4))
    verdict = verify_ownership(claim("solana", key.address, MESSAGE,
                                     [other.sign(MESSAGE, "solana-offchain")]))
    assert verdict.status is Status.FAILED


def _pda() -> str:
    program = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    pda, _ = Pubkey.find_program_address([b"reserves"], program)
    assert not pda.is_on_curve()
    return str(pda)


@pytest.mark.parametrize("address,reason", [
    ("HZeRmfRb2kYpxsfD6WnNBMsBU8fkmWQfJsVZ6oN0u8x6", "address does not decode"),  # '0'
    ("HZeRmfRb2kYpxsfD6WnNBMsBU8fkmWQfJsVZ6oNu8x", "address does not decode"),
    (b58encode(bytes(33)), "decodes to 33 bytes"),
    ("", "address does not decode"),
])
def test_bad_addresses_fail_with_their_reason(address, reason):
    key = Ed25519Key(secret("sol-offchain", 5))
    verdict = verify_ownership(claim("solana", address, MESSAGE, [key.sign(MESSAGE)]))
    assert verdict.status is Status.FAILED and reason in verdict.reason, verdict


def test_program_derived_address_presented_as_signer_fails():
    key = Ed25519Key(secret("sol-offchain", 6))
    verdict = verify_ownership(claim("solana", _pda(), MESSAGE, [key.sign(MESSAGE)]))
    assert verdict.status is Status.FAILED and "off the ed25519 curve" in verdict.reason


def test_base58_round_trip_of_a_real_address():
    address = "4fwzf5RUcptqpMTYjNhXVuYabeX9bF1patCSYTkMufFN"
    assert b58encode(b58decode(address)) == address
