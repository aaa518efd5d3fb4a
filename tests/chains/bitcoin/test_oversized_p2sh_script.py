"""Issue 13, defect 2: a script consensus can never spend is never `verified`.

A 2-of-16 multisig over compressed keys is 547 bytes. As a P2SH redeem script
it must be pushed by the spending scriptSig, and consensus refuses any push
over 520 bytes: nobody, not even all sixteen keys, can ever spend that P2SH
address. We pay it in a block we mine and show the chain refuses its spend in
a block we build ourselves, while the same keys spend the 2-of-15 (513 bytes)
P2SH and the same 547-byte script as P2WSH and P2SH-P2WSH (a witness script
may be up to 10,000 bytes). The tool must say `failed`, naming the limit, on
the compact-signature path and on the BIP-322 full-proof path. The chain's
other multisig limit is here too: 20 keys spend, 21 never do.
"""

from __future__ import annotations

import pytest

from chains.bitcoin import verify_ownership
from reserves.verdicts import Status
from tests.chains.bitcoin.adversary import (COIN, KINDS, MESSAGE, Chain, address, bip322,
                                            compact, destination, script_of)
from tests.chains.bitcoin.world import key
from tests.claimkit import claim
from tests.nodes import bcoin as bcoin_node

pytestmark = pytest.mark.node

KEYS = [key(f"oversized-{i}") for i in range(21)]
BIG = script_of(2, [k.pub() for k in KEYS[:16]])   # 547 bytes
FITS = script_of(2, [k.pub() for k in KEYS[:15]])  # 513 bytes
SIGNERS = KEYS[:2]


@pytest.fixture(scope="module")
def chain():
    """A node of its own: the blocks mined here must not move the shared node's chain."""
    node = bcoin_node.start()
    try:
        yield Chain(node, "oversized")
    finally:
        node.stop()


def _verdict(script: bytes, form: str, signatures: list[str]):
    return verify_ownership(claim("bitcoin", address(script, form), MESSAGE, signatures,
                                  script.hex(), network="regtest"))


def test_sizes():
    assert len(BIG) == 547 and len(FITS) == 513


def test_the_chain_refuses_the_oversized_p2sh_spend(chain):
    paid = chain.fund(destination(BIG, "p2sh").script_pubkey())
    refused = chain.try_spend(paid, COIN, KINDS["p2sh"], SIGNERS, BIG)
    assert refused is not None, "the chain spent a P2SH redeem script over 520 bytes"
    assert "mandatory-script-verify-flag-failed" in refused  # the script failed
    assert chain.unspent(paid)
    # Nor can any other pair of its keys.
    refused = chain.try_spend(paid, COIN, KINDS["p2sh"], KEYS[14:16], BIG)
    assert refused is not None and "mandatory-script-verify-flag-failed" in refused
    assert chain.unspent(paid)


@pytest.mark.parametrize("script,form", [(FITS, "p2sh"), (BIG, "p2wsh"), (BIG, "p2sh-p2wsh")],
                         ids=["513-byte-p2sh", "547-byte-p2wsh", "547-byte-p2sh-p2wsh"])
def test_the_same_keys_spend_where_the_script_fits(chain, script, form):
    paid = chain.fund(destination(script, form).script_pubkey())
    assert chain.try_spend(paid, COIN, KINDS[form], SIGNERS, script) is None
    assert not chain.unspent(paid)
    assert _verdict(script, form, compact(SIGNERS)).status is Status.VERIFIED
    assert _verdict(script, form, [bip322(script, form, SIGNERS, True)]).status \
        is Status.VERIFIED


def test_compact_signatures_do_not_verify_an_unspendable_p2sh():
    v = _verdict(BIG, "p2sh", compact(SIGNERS))
    assert v.status is Status.FAILED, v
    assert "547 bytes" in v.reason and "520" in v.reason, v.reason


def test_a_bip322_full_proof_does_not_verify_an_unspendable_p2sh():
    v = _verdict(BIG, "p2sh", [bip322(BIG, "p2sh", SIGNERS, True)])
    assert v.status is Status.FAILED, v
    assert "547 bytes" in v.reason and "520" in v.reason, v.reason


def test_twenty_keys_spend_and_twenty_one_never_do(chain):
    """CHECKMULTISIG takes at most 20 keys (n written as a number push above 16)."""
    twenty = script_of(2, [k.pub() for k in KEYS[:20]])
    over = script_of(2, [k.pub() for k in KEYS])
    assert twenty[-3:-1] == bytes([1, 20]) and over[-3:-1] == bytes([1, 21])
    paid = chain.fund(destination(twenty, "p2wsh").script_pubkey())
    assert chain.try_spend(paid, COIN, KINDS["p2wsh"], SIGNERS, twenty) is None
    assert _verdict(twenty, "p2wsh", compact(SIGNERS)).status is Status.VERIFIED
    paid = chain.fund(destination(over, "p2wsh").script_pubkey())
    refused = chain.try_spend(paid, COIN, KINDS["p2wsh"], SIGNERS, over)
    assert refused is not None and "mandatory-script-verify-flag-failed" in refused
    for v in (_verdict(over, "p2wsh", compact(SIGNERS)),
              _verdict(over, "p2wsh", [bip322(over, "p2wsh", SIGNERS, False)])):
        assert v.status is Status.FAILED and "at most 20" in v.reason, v
