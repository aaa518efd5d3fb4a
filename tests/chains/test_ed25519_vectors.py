"""Wycheproof ed25519 vectors through the Solana verifier (raw-message scheme)."""

import json

from chains.solana import verify_ownership
from reserves.verdicts import Status
from tests.claimkit import claim
from tests.support import VECTORS, shared


def test_wycheproof_raw_messages():
    data = json.loads(shared(f"{VECTORS}/solana_ed25519.json").read_text())
    vectors = data["ed25519_wycheproof"]
    assert len(vectors) == 151
    wrong = []
    for v in vectors:
        message = bytes.fromhex(v["message_hex"])
        try:
            text = message.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a text file cannot carry these bytes; ed25519.verify is tested below
        c = claim("solana", v["address"], text, [v["signature_hex"]], scheme="ed25519-raw")
        verdict = verify_ownership(c)
        if (verdict.status is Status.VERIFIED) != (v["expected"] == "valid"):
            wrong.append((v["source"]["tcId"], v["expected"], verdict.reason))
    assert not wrong, wrong


def test_wycheproof_all_bytes():
    from chains.ed25519 import verify

    data = json.loads(shared(f"{VECTORS}/solana_ed25519.json").read_text())
    for v in data["ed25519_wycheproof"]:
        ok = verify(bytes.fromhex(v["public_key_hex"]), bytes.fromhex(v["message_hex"]),
                    bytes.fromhex(v["signature_hex"]))
        assert ok == (v["expected"] == "valid"), v["source"]["tcId"]
