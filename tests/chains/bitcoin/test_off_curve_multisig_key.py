"""Issue 13, defect 1: a multisig key that is not a curve point is credited to nobody.

The script is 2-of-3 over real keys A and B and a 65-byte key X = 04 || x(C) ||
y', with y' of C's parity but off the curve. The chain says who can spend its
address: we pay it in a block we mine, then A and B spend it in a block we mine,
while C (the key "behind" X) with A cannot, not even in a block we build
ourselves. The tool must agree: A + B is `verified`; C + A is never `verified`,
on the compact-signature path and on the BIP-322 path alike.
"""

from __future__ import annotations

import pytest

from chains.bitcoin import verify_ownership
from reserves.verdicts import Status
from tests.chains.bitcoin.adversary import (COIN, KINDS, MESSAGE, Chain, address, bip322,
                                            compact, destination, off_curve_twin,
                                            script_of)
from tests.chains.bitcoin.world import key
from tests.claimkit import claim
from tests.nodes import bcoin as bcoin_node

pytestmark = pytest.mark.node

A, B, C = key("offcurve-a"), key("offcurve-b"), key("offcurve-c")
X = off_curve_twin(C)
SCRIPT = script_of(2, [A.pub(), B.pub(), X])
FORMS = ["p2sh", "p2wsh", "p2sh-p2wsh"]


@pytest.fixture(scope="module")
def chain():
    """A node of its own: the blocks mined here must not move the shared node's chain."""
    node = bcoin_node.start()
    try:
        yield Chain(node, "offcurve")
    finally:
        node.stop()


def _verdict(form: str, signatures: list[str]):
    return verify_ownership(claim("bitcoin", address(SCRIPT, form), MESSAGE, signatures,
                                  SCRIPT.hex(), network="regtest"))


@pytest.mark.parametrize("form", FORMS)
def test_the_chain_lets_a_and_b_spend_and_refuses_c_with_a(chain, form):
    paid = chain.fund(destination(SCRIPT, form).script_pubkey())
    refused = chain.try_spend(paid, COIN, KINDS[form], [A, C], SCRIPT)
    assert refused is not None, "the chain let C's key spend through the off-curve key"
    assert "mandatory-script-verify-flag-failed" in refused  # the script failed
    assert chain.unspent(paid)
    assert chain.try_spend(paid, COIN, KINDS[form], [A, B], SCRIPT) is None
    assert not chain.unspent(paid)


@pytest.mark.parametrize("form", FORMS)
def test_compact_signatures_by_the_key_behind_x_do_not_verify(form):
    real = _verdict(form, compact([A, B]))
    assert real.status is Status.VERIFIED, real
    attack = _verdict(form, compact([A, C]))
    assert attack.status is not Status.VERIFIED, attack
    assert attack.status is Status.FAILED
    assert "key #3 is not a valid public key" in attack.reason, attack.reason
    # Key order in the signatures does not matter to the compact path.
    assert _verdict(form, compact([C, A])).status is Status.FAILED


@pytest.mark.parametrize("form", FORMS)
def test_bip322_agrees_with_the_chain(form):
    for full in ([True, False] if form == "p2wsh" else [True]):  # simple: P2WSH only here
        real = _verdict(form, [bip322(SCRIPT, form, [A, B], full)])
        assert real.status is Status.VERIFIED, real
        attack = _verdict(form, [bip322(SCRIPT, form, [A, C], full)])
        assert attack.status is Status.FAILED, attack


def test_two_unparsable_keys_leave_a_threshold_nobody_can_meet():
    """2-of-3 whose keys #2 and #3 cannot parse: only A can sign, and A alone is not 2."""
    script = script_of(2, [A.pub(), off_curve_twin(B), X])
    for form in FORMS:
        v = verify_ownership(claim("bitcoin", address(script, form), MESSAGE, compact([A, C]),
                                   script.hex(), network="regtest"))
        assert v.status is Status.FAILED
        assert "threshold can never be met" in v.reason and "1 of the 3 keys" in v.reason, v
