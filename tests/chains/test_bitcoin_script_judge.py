"""The script judge's limits, one by one, on both proof paths.

Every rule is checked through the compact-signature path and the BIP-322 path
alike (they share ``chains.bitcoin.script_judge``): the same script gets the
same answer whichever way the exchange proves it. The node tests beside these
(tests/chains/bitcoin/test_off_curve_multisig_key.py, test_oversized_p2sh_script.py)
show the chain itself agreeing.
"""

from __future__ import annotations

import pytest

from chains.bitcoin import verify_ownership
from chains.bitcoin.script import MAX_KEYS, ScriptError, Unprovable, parse_multisig
from chains.bitcoin.script_judge import (NONSTANDARD, P2SH_MAX, WITNESS_MAX, WITNESS_STANDARD,
                                         judge, size_warnings)
from chains.secp256k1 import parse_public_key
from reserves.claims_check import verdict_findings
from reserves.findings import Severity
from reserves.verdicts import Status, verified
from tests.chains.bitcoin.adversary import (FIELD, MESSAGE, address, bip322, compact,
                                            off_curve_twin, script_of)
from tests.chains.bitcoin.world import key
from tests.claimkit import claim

KEYS = [key(f"judge-{i}") for i in range(21)]
A, B, C = KEYS[:3]
FORMS = ["p2sh", "p2wsh", "p2sh-p2wsh"]


def _both(script: bytes, form: str, signers) -> tuple:
    """(compact verdict, BIP-322 full-proof verdict) for ``signers`` proving ``script``."""
    def run(signatures):
        return verify_ownership(claim("bitcoin", address(script, form), MESSAGE, signatures,
                                      script.hex(), network="regtest"))
    return run(compact(signers)), run([bip322(script, form, signers, True)])


# --- sizes ----------------------------------------------------------------------

def test_p2sh_redeem_script_limit_is_520_bytes():
    assert size_warnings(P2SH_MAX, "P2SH") == ()
    with pytest.raises(Unprovable, match="521 bytes.*over 520"):
        size_warnings(P2SH_MAX + 1, "P2SH")


def test_witness_script_limit_is_10000_bytes():
    assert size_warnings(WITNESS_MAX, "P2WSH")  # allowed, with the standardness warning
    for form in ("P2WSH", "P2SH-P2WSH"):
        with pytest.raises(Unprovable, match="10001 bytes.*over 10,000"):
            size_warnings(WITNESS_MAX + 1, form)


def test_witness_script_over_3600_bytes_is_a_nonstandard_warning():
    assert size_warnings(WITNESS_STANDARD, "P2WSH") == ()
    ((kind, message),) = size_warnings(WITNESS_STANDARD + 1, "P2SH-P2WSH")
    assert kind == NONSTANDARD == "nonstandard-script"
    assert "3,601 bytes" in message and "3,600" in message


def test_the_p2sh_limit_is_not_the_witness_limit():
    """547 bytes: unspendable as P2SH, fine as a witness script (either kind)."""
    script = script_of(2, [k.pub() for k in KEYS[:16]])
    assert len(script) == 547
    for v in _both(script, "p2sh", [A, B]):
        assert v.status is Status.FAILED and "547 bytes" in v.reason and "520" in v.reason
    for form in ("p2wsh", "p2sh-p2wsh"):
        for v in _both(script, form, [A, B]):
            assert v.status is Status.VERIFIED and not v.warnings, v


def test_a_witness_script_over_10000_bytes_fails_before_anything_else():
    script = b"\x51" * (WITNESS_MAX + 1)
    v = verify_ownership(claim("bitcoin", address(script, "p2wsh"), MESSAGE, compact([A]),
                               script.hex(), network="regtest"))
    assert v.status is Status.FAILED and "over 10,000 bytes" in v.reason, v


def test_a_warning_travels_in_the_reason_and_as_a_finding():
    """No bare multisig reaches 3,600 bytes (20 keys of 65 bytes are 1,325), so the
    warning's way out is checked on a verdict made with one."""
    (warning,) = size_warnings(WITNESS_STANDARD + 1, "P2WSH")
    v = verified("bitcoin-multisig", "2-of-3 P2WSH: script keys #1, #2 signed", (), (warning,))
    assert v.reason.endswith(f"(nonstandard-script: {warning[1]})")
    row = claim("bitcoin", address(b"x", "p2wsh"), MESSAGE, network="regtest")
    (finding,) = verdict_findings([row], [v])
    assert finding.kind == "nonstandard-script" and finding.severity is Severity.WARNING
    assert finding.subject == "test:1" and row.address in finding.message
    assert verdict_findings([row], [verified("x", "no warning")]) == []


# --- keys and thresholds --------------------------------------------------------

def test_at_most_20_keys():
    twenty = script_of(2, [k.pub() for k in KEYS[:20]])
    assert parse_multisig(twenty).n == MAX_KEYS == 20
    for form in ("p2wsh", "p2sh-p2wsh"):  # 20 compressed keys: 685 bytes, too big for P2SH
        for v in _both(twenty, form, [A, B]):
            assert v.status is Status.VERIFIED and "2-of-20" in v.reason, v
    over = script_of(2, [k.pub() for k in KEYS[:21]])
    with pytest.raises(Unprovable, match="21 keys: CHECKMULTISIG takes at most 20"):
        parse_multisig(over)
    for v in _both(over, "p2wsh", [A, B]):
        assert v.status is Status.FAILED and "at most 20" in v.reason, v


def test_n_pushed_as_a_number_must_be_minimal():
    pubs = [k.pub() for k in KEYS[:3]]
    body = b"".join(bytes([33]) + p for p in pubs)
    with pytest.raises(ScriptError, match="minimal number push"):
        parse_multisig(b"\x52" + body + b"\x01\x03\xae")  # 3 has its own opcode, OP_3


@pytest.mark.parametrize("m", [0, 4])
def test_m_must_be_between_1_and_n(m):
    script = bytes([0x50 + m if m else 0]) + script_of(1, [A.pub(), B.pub(), C.pub()])[1:]
    with pytest.raises(Unprovable, match="m=0: anyone can spend" if m == 0 else "m=4 is larger"):
        parse_multisig(script)
    for form in FORMS:
        v = verify_ownership(claim("bitcoin", address(script, form), MESSAGE, compact([A, B]),
                                   script.hex(), network="regtest"))
        assert v.status is Status.FAILED, v


def test_m_equal_to_n_is_fine():
    script = script_of(3, [A.pub(), B.pub(), C.pub()])
    for form in FORMS:
        for v in _both(script, form, [A, B, C]):
            assert v.status is Status.VERIFIED, v


def _not_on_curve_x() -> bytes:
    """A compressed encoding whose x has no point: x^3 + 7 is not a square mod p."""
    x = 1
    while pow((x**3 + 7) % FIELD, (FIELD - 1) // 2, FIELD) == 1:
        x += 1
    return b"\x02" + x.to_bytes(32, "big")


def _hybrid(k) -> bytes:
    full = k.pub(compressed=False)
    return bytes([6 + (full[64] & 1)]) + full[1:]


def test_libsecp256k1_decides_what_is_a_key():
    assert parse_public_key(A.pub()) == A.pub(compressed=False)
    assert parse_public_key(A.pub(compressed=False)) == A.pub(compressed=False)
    for bad in (off_curve_twin(A), _hybrid(A), _not_on_curve_x(),
                b"\x02" + (FIELD + 1).to_bytes(32, "big"), b"\x05" + A.pub()[1:]):
        assert parse_public_key(bad) is None, bad.hex()


@pytest.mark.parametrize("bad", ["off-curve", "hybrid", "no-point-x"])
def test_an_unparsable_key_is_not_a_signer(bad):
    """2-of-3 whose key #3 cannot parse: A and B prove it; C never does through #3."""
    third = {"off-curve": off_curve_twin(C), "hybrid": _hybrid(C),
             "no-point-x": _not_on_curve_x()}[bad]
    script = script_of(2, [A.pub(), B.pub(), third])
    assert judge(script, "P2WSH").unparsable() == [2]
    for form in FORMS:
        for v in _both(script, form, [A, B]):
            assert v.status is Status.VERIFIED, (form, v)
        for v in _both(script, form, [A, C]):
            assert v.status is Status.FAILED, (form, v)


def test_a_threshold_the_parsable_keys_cannot_meet_fails_with_that_reason():
    script = script_of(2, [A.pub(), _hybrid(B), off_curve_twin(C)])
    reason = judge(script, "P2SH").unreachable()
    assert reason == ("threshold can never be met: script key #2 is not a valid public key "
                      "(a hybrid encoding); script key #3 is not a valid public key (not a "
                      "point on the curve); so at most 1 of the 3 keys can sign, and the "
                      "2-of-3 script requires 2")
    for form in FORMS:
        for v in _both(script, form, [A, B]):
            assert v.status is Status.FAILED and "threshold can never be met" in v.reason, v
    assert judge(script_of(1, [A.pub(), _hybrid(B)]), "P2SH").unreachable() is None


def test_a_key_in_both_encodings_still_counts_as_one_point():
    """A 65-byte slot that IS a point matches its compressed signer, and only it."""
    script = script_of(2, [A.pub(compressed=False), B.pub()])
    for form in FORMS:
        for v in _both(script, form, [A, B]):
            assert v.status is Status.VERIFIED, v
