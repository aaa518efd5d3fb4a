"""An ed25519 address has exactly one spelling: any other that decodes to the key fails.

Adversarial case for issue 13: 58 base32 characters carry 290 bits and an
Algorand address uses 288, so the last character has two bits that no decoder
needs. Four strings decode to one key and checksum; all four verified, so the
exchange could list one key as four addresses. Only the spelling the chain
itself writes (bits zero) is the address; the others are `failed`, with the
canonical spelling in the reason.
"""

from __future__ import annotations

import base64
import hashlib

import chains
from chains.signers import Ed25519Key, secret
from reserves.claims import Claim, Proof
from reserves.verdicts import Status

MSG = "A2 Exchange reserves 2026-11-24"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _algorand(key: bytes) -> str:
    checksum = hashlib.new("sha512_256", key).digest()[-4:]
    return base64.b32encode(key + checksum).decode().rstrip("=")


def _claim(chain, family, address, signature, asset):
    return Claim("f.csv", 2, asset, asset, chain, family, address, None, 6, "",
                 Proof(MSG, (signature,), None, (), "ed25519-raw"))


def _spellings(address: str) -> list[str]:
    """The address and the three strings that differ from it only in the unused bits."""
    last = BASE32.index(address[-1])
    assert last & 3 == 0  # the canonical spelling writes the unused bits as zero
    return [address[:-1] + BASE32[last | bits] for bits in range(4)]


def test_a_non_canonical_algorand_spelling_is_failed_with_the_reason():
    k = Ed25519Key(secret("a2-algorand", 1))
    key = bytes(k.keypair.pubkey())
    signature = k.sign(MSG, "ed25519-raw")
    canonical, *others = _spellings(_algorand(key))
    from chains.algorand import decode

    ok = chains.verifier("algorand")(_claim("algorand", "algorand", canonical, signature, "ALGO"))
    assert ok.status is Status.VERIFIED, ok.reason
    for spelling in others:
        # The spelling really is another string for the same key and checksum bytes...
        raw = base64.b32decode(spelling + "======")
        assert raw[:32] == key and hashlib.new("sha512_256", key).digest()[-4:] == raw[32:]
        verdict = chains.verifier("algorand")(_claim("algorand", "algorand", spelling,
                                                      signature, "ALGO"))
        # ...and it is not the address.
        assert verdict.status is Status.FAILED, spelling
        assert "not the canonical spelling" in verdict.reason
        assert canonical in verdict.reason
        assert chains.family_module("algorand").check_address(
            _claim("algorand", "algorand", spelling, signature, "ALGO")) is not None
        try:
            decode(spelling)
        except ValueError:
            pass
        else:
            raise AssertionError(f"{spelling} decoded")


def test_ed25519_keys_are_the_32_bytes():
    k = Ed25519Key(secret("a2-algorand", 2))
    key = bytes(k.keypair.pubkey())
    sig = k.sign(MSG)
    algo = chains.address_key(_claim("algorand", "algorand", _algorand(key), sig, "ALGO"))
    sol = chains.address_key(_claim("solana", "solana", k.address, sig, "SOL"))
    assert algo.endswith(key.hex()) and sol.endswith(key.hex())
