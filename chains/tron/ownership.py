"""Ownership proofs for Tron addresses: one signature by the address's own key."""

from __future__ import annotations

from chains.ecdsa_recovery import SchemeRecovery
from chains.encoding import decode_signature_text
from chains.secp256k1 import SignatureError
from chains.tron.address import AddressError, decode, from_public_key
from chains.tron.signed_message import DIGESTS, digest
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed, unsupported, verified

SCHEMES = tuple(DIGESTS)
_recovery = SchemeRecovery(SCHEMES, digest, from_public_key)


def check_address(claim: Claim) -> str | None:
    try:
        decode(claim.address)
    except AddressError as e:
        return f"address does not decode: {e}"
    return None


def verify_ownership(claim: Claim) -> Verdict:
    only = claim.proof.scheme
    if only is not None and only not in SCHEMES:
        return unsupported(f"scheme {only!r} is not a Tron message scheme", only)
    try:
        address = decode(claim.address)
    except AddressError as e:
        return failed(f"address does not decode: {e}")
    if claim.proof.owners:
        return unsupported("owner-signed Tron rows (multi-signature accounts) are not "
                           "supported")
    if len(claim.proof.signatures) != 1:
        return failed(f"{len(claim.proof.signatures)} signatures for a single-key "
                      "address; expected 1")
    try:
        sig = decode_signature_text(claim.proof.signatures[0])
    except ValueError as e:
        return failed(f"signature 1 is {e}")
    message = (claim.proof.message or "").encode("utf-8")
    try:
        found = _recovery.recover(sig, message, (address,), only)
    except SignatureError as e:
        return failed(f"bad signature: {e}")
    if found is None:
        tried = only or ", ".join(SCHEMES)
        return failed(f"signature does not recover to this address under {tried} "
                      "(wrong key or wrong message)", only or "")
    return verified(found[0], "recovered signer is this address", (claim.address.strip(),))
