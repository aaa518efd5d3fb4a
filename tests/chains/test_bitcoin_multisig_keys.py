"""Multisig keys are compared as points, whatever encoding the script or signature uses.

A script may hold 65-byte (uncompressed) keys, and a signature's header may say
the signer used the uncompressed form (27-30) or the compressed one (31-34):
the same key must match either way, and must still count only once.
"""

from __future__ import annotations

import pytest

from chains.bitcoin import verify_ownership
from chains.signers import Secp256k1Key, multisig_address, secret
from reserves.verdicts import Status
from tests.claimkit import claim

MESSAGE = "reserves multisig key forms"
KEYS = [Secp256k1Key(secret("multisig-forms", i)) for i in range(3)]


def _script(uncompressed: set[int], m: int = 2) -> bytes:
    body = b""
    for i, k in enumerate(KEYS):
        pub = k.pub(compressed=i not in uncompressed)
        body += bytes([len(pub)]) + pub
    return bytes([0x50 + m]) + body + bytes([0x50 + len(KEYS), 0xAE])


def _verdict(script: bytes, signatures: list[str], form: str = "p2wsh"):
    return verify_ownership(claim("bitcoin", multisig_address(script, form), MESSAGE,
                                  signatures, script.hex()))


@pytest.mark.parametrize("uncompressed", [set(), {0}, {1}, {0, 1, 2}])
@pytest.mark.parametrize("headers", [(31, 31), (27, 27), (27, 31), (31, 27)])
@pytest.mark.parametrize("form", ["p2wsh", "p2sh", "p2sh-p2wsh"])
def test_signers_match_script_keys_in_any_encoding(uncompressed, headers, form):
    sigs = [KEYS[0].btc_sign(MESSAGE, header_base=headers[0]),
            KEYS[1].btc_sign(MESSAGE, header_base=headers[1])]
    v = _verdict(_script(uncompressed), sigs, form)
    assert v.status is Status.VERIFIED, v
    assert "script keys #1, #2 signed" in v.reason
    assert v.signers == (KEYS[0].pub().hex(), KEYS[1].pub().hex())


def test_one_key_in_both_encodings_is_one_signer():
    sigs = [KEYS[0].btc_sign(MESSAGE, header_base=27), KEYS[0].btc_sign(MESSAGE, header_base=31)]
    v = _verdict(_script({0}), sigs)
    assert v.status is Status.FAILED
    assert "duplicate signer" in v.reason


def test_a_key_outside_the_script_fails_in_either_encoding():
    outsider = Secp256k1Key(secret("multisig-forms-outsider", 0))
    for header in (27, 31):
        sigs = [KEYS[0].btc_sign(MESSAGE), outsider.btc_sign(MESSAGE, header_base=header)]
        v = _verdict(_script({1}), sigs)
        assert v.status is Status.FAILED
        assert f"signature 2 is by key {outsider.pub().hex()}, which is not in the script" \
            in v.reason
