"""Public Bitcoin signed-message vectors, judged under the rule set README states.

The vector files record, per entry, what each of four verifier policies
accepts; reserves implements the `electrum_trezor` policy (README "Bitcoin
signature rules"), so every entry must come out exactly as that policy says.
"""

import json

import pytest

from chains.bitcoin import verify_ownership
from reserves.verdicts import Status
from tests.claimkit import claim
from tests.support import VECTORS, shared

POLICY = "electrum_trezor"


def _vectors(name):
    data = json.loads(shared(f"{VECTORS}/{name}").read_text())
    return data["vectors"]


def _message(v):
    if "message_hex" in v:
        return bytes.fromhex(v["message_hex"]).decode("utf-8", "surrogateescape")
    return v["message"]


def _accepted(v) -> bool:
    policy = v.get("accepted_by_policy") or v["computed"]
    return bool(policy[POLICY])


@pytest.mark.parametrize("name", ["btc_legacy_signmessage.json", "btc_bip137_segwit.json"])
def test_every_vector_follows_the_stated_policy(name):
    vectors = _vectors(name)
    assert len(vectors) > 40
    wrong = []
    for i, v in enumerate(vectors):
        verdict = verify_ownership(claim("bitcoin", v["address"], _message(v), [v["signature"]],
                                         network=v.get("network", "main")))
        if (verdict.status is Status.VERIFIED) != _accepted(v):
            wrong.append((i, v["address"], v["expected"], verdict.reason))
    assert not wrong, wrong[:5]


def test_core_vectors_by_their_published_expectation():
    """The Bitcoin Core vectors: valid ones verify, invalid ones fail with a reason."""
    core = [v for v in _vectors("btc_legacy_signmessage.json")
            if v["source"]["repo"] == "bitcoin/bitcoin"]
    assert core
    for v in core:
        verdict = verify_ownership(claim("bitcoin", v["address"], _message(v), [v["signature"]],
                                         network=v.get("network", "main")))
        if v["expected"] == "valid":
            assert verdict.status is Status.VERIFIED, (v, verdict)
        elif v["expected"] == "invalid":
            assert verdict.status is Status.FAILED and verdict.reason, (v, verdict)


def test_bitcoinlib_agrees_on_legacy_vectors():
    """bitcoinlib (the slow reference) and our coincurve verifier agree on P2PKH vectors."""
    from bitcoinlib.keys import verify_message

    sample = [v for v in _vectors("btc_legacy_signmessage.json")
              if v["expected"] in ("valid", "invalid")
              and (v.get("network") or "main") == "main"][:40]
    for v in sample:
        ours = verify_ownership(claim("bitcoin", v["address"], _message(v),
                                      [v["signature"]])).status is Status.VERIFIED
        try:
            theirs = bool(verify_message(_message(v), v["signature"], v["address"]))
        except Exception:
            theirs = False
        assert ours == theirs, v
