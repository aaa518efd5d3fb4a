"""Public EIP-191 and TIP-191 vectors through the EVM and Tron verifiers."""

import json

import pytest

from chains.evm import verify_ownership as verify_evm
from chains.evm.personal_sign import eip191_text
from chains.secp256k1 import recover, split_rsv
from chains.tron import verify_ownership as verify_tron
from chains.tron.address import encode, from_public_key
from chains.tron.signed_message import tip191_v2
from reserves.verdicts import Status
from tests.claimkit import claim
from tests.support import VECTORS, shared


def _evm():
    return json.loads(shared(f"{VECTORS}/evm_eip191_eip712_eip1271.json").read_text())


def _evm_signatures(v):
    if v["signature"]:
        return [v["signature"]]
    r, s = int(v["r_int"]), int(v["s_int"])
    return ["0x" + (r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([vv])).hex()
            for vv in v["v_variants"]]


def test_eip191_signatures():
    vectors = _evm()["eip191_personal_sign"]
    assert len(vectors) == 6
    for v in vectors:
        for sig in _evm_signatures(v):
            verdict = verify_evm(claim("ethereum", v["address"], v["message"], [sig]))
            if v["expected"] == "valid":
                assert verdict.status is Status.VERIFIED, (v, verdict)
                assert verdict.scheme == "eip191-text"
            else:
                assert verdict.status is Status.FAILED, (v, verdict)
                assert "does not recover" in verdict.reason


def test_eip191_hashes():
    for v in _evm()["eip191_hash_vectors"]:
        if v["input_kind"] != "text":
            continue
        assert "0x" + eip191_text(v["message"].encode()).hex() == v["expected_hash"], v


def test_eth_account_agrees_with_our_recovery():
    """eth-account, the reference EIP-191 implementation, recovers the same signers."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    for v in _evm()["eip191_personal_sign"]:
        for sig in _evm_signatures(v):
            theirs = Account.recover_message(encode_defunct(text=v["message"]), signature=sig)
            ours = verify_evm(claim("ethereum", theirs, v["message"], [sig]))
            assert ours.status is Status.VERIFIED


def _tron():
    return json.loads(shared(f"{VECTORS}/tron_tip191.json").read_text())["vectors"]


def test_tip191_text_vectors():
    text = [v for v in _tron() if v["message"] is not None and v["scheme"].startswith("tron")]
    assert len(text) == 2
    for v in text:
        verdict = verify_tron(claim("tron", v["address"], v["message"], [v["signature"]]))
        if v["expected"] == "valid":
            assert verdict.status is Status.VERIFIED and verdict.scheme == "tip191-v2", verdict
        else:
            assert verdict.status is Status.FAILED, verdict


def test_a_tron_signature_is_not_valid_under_the_ethereum_prefix():
    (v,) = [v for v in _tron() if v["scheme"].startswith("eip191")]
    rs, recid = split_rsv(bytes.fromhex(v["signature"][2:]))
    pub = recover(rs, recid, eip191_text(v["message"].encode()))
    assert encode(from_public_key(pub)) != v["address"]


def test_tip191_binary_vectors_at_the_digest_level():
    """Messages that are raw bytes cannot appear in a text file; check the digest rule."""
    binary = [v for v in _tron() if v["message"] is None]
    assert binary
    for v in binary:
        digest = tip191_v2(bytes.fromhex(v["message_hex"].removeprefix("0x")))
        assert "0x" + digest.hex() == v["expected_message_hash"]
        rs, recid = split_rsv(bytes.fromhex(v["signature"][2:]))
        pub = recover(rs, recid, digest)
        assert encode(from_public_key(pub)) == v["address"]


def _key_with_recid(recid: int, message: str):
    from chains.signers import Secp256k1Key, secret

    for i in range(64):
        key = Secp256k1Key(secret("tron-v", i))
        sig = bytes.fromhex(key.tron_sign(message, "tip191-v1", v_base=0)[2:])
        if sig[64] == recid:
            return key, sig
    raise AssertionError("no key found")


@pytest.mark.parametrize("recid,v_byte", [(0, 0), (1, 1), (0, 27), (1, 28)])
def test_tron_v_byte_forms(recid, v_byte):
    """HTX writes v as 00/01, OKX as 1b/1c; both name the same recovery id."""
    key, sig = _key_with_recid(recid, "huobi")
    text = (sig[:64] + bytes([v_byte])).hex()
    verdict = verify_tron(claim("tron", key.tron_address(), "huobi", [text]))
    assert verdict.status is Status.VERIFIED and verdict.scheme == "tip191-v1"
    wrong = (sig[:64] + bytes([v_byte ^ 1])).hex()
    assert verify_tron(claim("tron", key.tron_address(), "huobi", [wrong])).status \
        is Status.FAILED
