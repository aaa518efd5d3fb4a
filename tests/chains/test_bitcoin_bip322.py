"""BIP-322 vectors (bitcoin/bips, bip322-js) through the Bitcoin ownership verifier."""

import json

import pytest

from chains.bitcoin import verify_ownership
from chains.bitcoin.address import decode
from chains.bitcoin.bip322 import message_hash, to_sign, to_spend
from chains.bitcoin.params import params_for
from reserves.verdicts import Status
from tests.claimkit import claim
from tests.support import VECTORS, shared

MAIN = params_for("bitcoin", "mainnet")
# Constructs this verifier refuses by design (README): never verified, never failed.
UNSUPPORTED = {"p2tr-time-lock", "p2wsh-time-lock"}


def _data():
    return json.loads(shared(f"{VECTORS}/btc_bip322.json").read_text())


def _message(v) -> bytes:
    return bytes.fromhex(v["message_hex"]) if "message_hex" in v else v["message"].encode()


def test_message_hash_and_virtual_transactions():
    for hv in _data()["hash_vectors"]:
        spk = decode(hv["address"], MAIN).script_pubkey()
        m = bytes.fromhex(hv["message_utf8_hex"])
        assert message_hash(m).hex() == hv["message_hash"]
        spend = to_spend(spk, m)
        assert spend.txid.hex() == hv["to_spend_tx_hash"]
        assert to_sign(spend.txid, []).txid.hex() == hv["to_sign_tx_hash"]


def test_every_signature_vector():
    vectors = _data()["vectors"]
    assert len(vectors) == 75
    counts = {"verified": 0, "failed": 0, "unsupported": 0}
    for v in vectors:
        try:
            text = _message(v).decode("utf-8")
        except UnicodeDecodeError:
            continue  # covered at the function level below
        verdict = verify_ownership(claim("bitcoin", v["address"], text, [v["signature"]]))
        counts[verdict.status.value] += 1
        kind = v.get("address_type")
        if v["expected"] == "valid":
            if v["scheme"].endswith("proof-of-funds") or kind in UNSUPPORTED:
                assert verdict.status is Status.UNSUPPORTED, (v, verdict)
            else:
                assert verdict.status is Status.VERIFIED, (v, verdict)
                assert verdict.scheme in ("bip322-simple", "bip322-full")
        else:
            assert verdict.status is not Status.VERIFIED, (v, verdict)
            assert verdict.reason
    assert counts["verified"] >= 25 and counts["failed"] >= 35


def test_binary_messages_at_the_function_level():
    from chains.bitcoin.bip322 import Invalid, verify_proof

    checked = 0
    for v in _data()["vectors"]:
        if "message_hex" not in v or v["expected"] != "valid" or "proof-of-funds" in v["scheme"]:
            continue
        spk = decode(v["address"], MAIN).script_pubkey()
        verify_proof(spk, bytes.fromhex(v["message_hex"]), v["signature"])
        with pytest.raises(Invalid):
            verify_proof(spk, bytes.fromhex(v["message_hex"]) + b"!", v["signature"])
        checked += 1
    assert checked >= 1


def test_the_bip322_package_agrees_on_simple_proofs():
    """PyPI bip322 (rust-bitcoin) as an independent oracle for simple proofs."""
    import bip322

    checked = 0
    for v in _data()["vectors"]:
        if "simple" not in v["scheme"] or "message_hex" in v:
            continue
        try:
            bip322.verify_simple_encoded(v["address"], v["message"], v["signature"].removeprefix(
                "smp"))
            theirs = True
        except Exception:
            theirs = False
        ours = verify_ownership(claim("bitcoin", v["address"], v["message"], [v["signature"]]))
        if ours.status is not Status.UNSUPPORTED:
            assert (ours.status is Status.VERIFIED) == theirs, (v, ours)
            checked += 1
    assert checked >= 15
