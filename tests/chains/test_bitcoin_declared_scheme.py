"""A Bitcoin row that declares its scheme is judged under that scheme and no other.

README: "The native format may declare the scheme per row, and then only that
one is tried." A valid proof of another scheme is not a proof of the one the
exchange said it used (an auditor pinning the scheme must get what they asked
for), and an id the family does not know is `unsupported`, never guessed.
"""

from __future__ import annotations

import base64

import pytest

from chains.bitcoin import SCHEMES, verify_ownership
from chains.bitcoin.address import Destination
from chains.bitcoin.bip322 import to_sign, to_spend
from chains.hashes import compact_size, hash160
from chains.signers import multisig_address, multisig_script
from reserves.claims_check import check_claims
from reserves.verdicts import Status
from tests.chains.bitcoin.world import key

MESSAGE = "reserves declared scheme, snapshot 2026-12-01"
K, K2, K3 = key("declared-1"), key("declared-2"), key("declared-3")
P2PKH, P2WPKH = K.btc_address("p2pkh"), K.btc_address("p2wpkh")
MS = multisig_script([K, K2, K3], 2)
MS_ADDRESS = multisig_address(MS, "p2wsh")


def _simple_p2wpkh(k) -> str:
    """A BIP-322 simple proof for k's P2WPKH address."""
    program = hash160(k.pub())
    spend = to_spend(Destination("p2wpkh", program).script_pubkey(), MESSAGE.encode())
    tx = to_sign(spend.txid, [])
    code = Destination("p2pkh", program).script_pubkey()
    sig = k.private.sign(tx.sighash_segwit_v0(0, code, 0), hasher=None) + b"\x01"
    stack = [sig, k.pub()]
    raw = compact_size(len(stack)) + b"".join(compact_size(len(x)) + x for x in stack)
    return base64.b64encode(raw).decode()


def _verdict(address, signatures, scheme, script=None):
    from tests.claimkit import claim

    return verify_ownership(claim("bitcoin", address, MESSAGE, signatures, script,
                                  scheme=scheme))


def test_the_family_lists_exactly_its_five_schemes():
    assert SCHEMES == ("bitcoin-signmessage", "bip137", "bitcoin-multisig", "bip322-simple",
                       "bip322-full")


@pytest.mark.parametrize("scheme", ["bip322", "eip191-text", "BIP137", "schnorr"])
def test_an_unknown_scheme_is_unsupported_with_the_reason(scheme):
    v = _verdict(P2PKH, [K.btc_sign(MESSAGE)], scheme)
    assert v.status is Status.UNSUPPORTED, v
    assert f"scheme {scheme!r} is not a Bitcoin-family message scheme" in v.reason
    assert v.scheme == scheme


def test_each_declared_scheme_accepts_its_own_proof():
    cases = [(P2PKH, [K.btc_sign(MESSAGE)], "bitcoin-signmessage", None),
             (P2WPKH, [K.btc_sign(MESSAGE, header_base=39)], "bip137", None),
             (P2PKH, [K.btc_sign(MESSAGE)], "bip137", None),  # BIP-137 covers P2PKH too
             (MS_ADDRESS, [K.btc_sign(MESSAGE), K3.btc_sign(MESSAGE)], "bitcoin-multisig",
              MS.hex()),
             (P2WPKH, [_simple_p2wpkh(K)], "bip322-simple", None),
             (P2WPKH, ["smp" + _simple_p2wpkh(K)], "bip322-simple", None)]
    for address, sigs, scheme, script in cases:
        v = _verdict(address, sigs, scheme, script)
        assert v.status is Status.VERIFIED and v.scheme == scheme, (scheme, v)


def test_a_valid_proof_of_another_scheme_is_not_accepted():
    cases = [
        # a good compact signature, but the row says BIP-322
        (P2PKH, [K.btc_sign(MESSAGE)], "bip322-full", None),
        (P2PKH, [K.btc_sign(MESSAGE)], "bip322-simple", None),
        # a good BIP-322 simple proof, but the row says compact or full
        (P2WPKH, [_simple_p2wpkh(K)], "bip137", None),
        (P2WPKH, ["smp" + _simple_p2wpkh(K)], "bip322-full", None),
        # signmessage proves P2PKH only
        (P2WPKH, [K.btc_sign(MESSAGE)], "bitcoin-signmessage", None),
        # a multisig proof under a single-key scheme, and the reverse
        (MS_ADDRESS, [K.btc_sign(MESSAGE), K3.btc_sign(MESSAGE)], "bip137", MS.hex()),
        (P2PKH, [K.btc_sign(MESSAGE)], "bitcoin-multisig", None),
    ]
    for address, sigs, scheme, script in cases:
        undeclared = _verdict(address, sigs, None, script)
        assert undeclared.status is Status.VERIFIED, (scheme, undeclared)
        v = _verdict(address, sigs, scheme, script)
        assert v.status is Status.FAILED, (scheme, v)
        assert v.reason and v.scheme == scheme, (scheme, v)


def test_a_native_file_declaring_a_scheme_is_held_to_it(tmp_path):
    path = tmp_path / "claims.csv"
    rows = [("bitcoin-signmessage", K.btc_sign(MESSAGE)), ("bip322-full", K.btc_sign(MESSAGE)),
            ("bip322", K.btc_sign(MESSAGE)), ("", K.btc_sign(MESSAGE))]
    path.write_text("chain,asset,address,amount,decimals,message,scheme,signatures\n" + "".join(
        f'bitcoin,BTC,{P2PKH},{i},8,"{MESSAGE}",{scheme},{sig}\n'
        for i, (scheme, sig) in enumerate(rows, 1)))
    check = check_claims(str(path), jobs=1)
    assert [v.status.value for v in check.verdicts] == ["verified", "failed", "unsupported",
                                                       "verified"]
    assert check.verdicts[1].reason.startswith("BIP-322: ")
