"""Ownership proofs for EVM addresses: externally owned and contract wallets.

An externally owned address is verified when its own key signed the
message under one of the EVM digest schemes. A contract wallet (OKX rows
with EOA1/EOA2, and staking rows signed by EOA1) is ``owner-signed`` when
every listed owner signed: the owners' link to the contract is checked on
chain by the EVM adapter, for a known Safe only (chains/evm/safe.py), and
until then such a row is never ``verified``.
"""

from __future__ import annotations

from chains.ecdsa_recovery import SchemeRecovery
from chains.encoding import decode_signature_text
from chains.evm.address import AddressError, checksummed, decode, from_public_key
from chains.evm.personal_sign import DECLARED_DIGESTS, DIGESTS, WEAK_SCHEMES, digest
from chains.secp256k1 import SignatureError
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed, owner_signed, unsupported, verified

SCHEMES = (*DIGESTS, *DECLARED_DIGESTS)
GUESSED = tuple(DIGESTS)
"""The schemes tried, in turn, for a row that declares none."""
_recovery = SchemeRecovery(GUESSED, digest, from_public_key)


def check_address(claim: Claim) -> str | None:
    if claim.kind != "address":
        return None
    try:
        decode(claim.address)
    except AddressError as e:
        return f"address does not decode: {e}"
    return None


def _note(scheme: str) -> str:
    return " (raw keccak, no EIP-191 prefix)" if scheme in WEAK_SCHEMES else ""


def verify_ownership(claim: Claim) -> Verdict:
    only = claim.proof.scheme
    if only is not None and only not in SCHEMES:
        return unsupported(f"scheme {only!r} is not an EVM message scheme", only)
    address = b""
    if claim.kind == "address":
        try:
            address = decode(claim.address)
        except AddressError as e:
            return failed(f"address does not decode: {e}")
    owners = []
    for i, owner in enumerate(claim.proof.owners, 1):
        try:
            owners.append(decode(owner))
        except AddressError as e:
            return failed(f"owner {i} ({owner}) does not decode: {e}")
    sigs = []
    for i, text in enumerate(claim.proof.signatures, 1):
        try:
            sigs.append(decode_signature_text(text))
        except ValueError as e:
            return failed(f"signature {i} is {e}")
    # A contract wallet may validate signatures of any form (EIP-1271): a signature
    # that proves nothing offline can still be settled on chain by the adapter.
    contract_may_settle = not owners and claim.kind == "address" and len(sigs) == 1
    message = (claim.proof.message or "").encode("utf-8")
    if owners or claim.kind != "address":
        return _verify_owners(claim, owners, sigs, message, only)
    if len(sigs) != 1:
        return failed(f"{len(sigs)} signatures for an externally owned address; expected 1")
    try:
        found = _recovery.recover(sigs[0], message, (address,), only)
    except SignatureError as e:
        return failed(f"bad signature: {e}", onchain=contract_may_settle)
    if found is None:
        tried = only or ", ".join(GUESSED)
        return failed(f"signature does not recover to this address under {tried} "
                      "(wrong key or wrong message)", only or "", onchain=contract_may_settle)
    scheme, _ = found
    return verified(scheme, f"recovered signer is this address{_note(scheme)}",
                    ("0x" + address.hex(),))


def _verify_owners(claim: Claim, owners: list[bytes], sigs: list[bytes], message: bytes,
                   only: str | None) -> Verdict:
    if not owners:
        return failed(f"{claim.kind} row names no owner address (EOA1) to check the "
                      "signature against")
    signed: dict[bytes, int] = {}
    schemes = set()
    for i, sig in enumerate(sigs, 1):
        try:
            found = _recovery.recover(sig, message, owners, only)
        except SignatureError as e:
            return failed(f"signature {i}: {e}")
        if found is None:
            return failed(f"signature {i} is not by any listed owner (wrong key or "
                          "wrong message)")
        scheme, owner = found
        if owner in signed:
            return failed(f"signatures {signed[owner]} and {i} are by the same owner "
                          f"{checksummed(owner)} (duplicate signer)", scheme)
        signed[owner] = i
        schemes.add(scheme)
    missing = [checksummed(o) for o in owners if o not in signed]
    if missing:
        return failed(f"owner {', '.join(missing)} did not sign", ",".join(sorted(schemes)))
    scheme = ",".join(sorted(schemes))
    names = ", ".join(checksummed(o) for o in owners)
    subject = ("staking validator" if claim.kind != "address" else "contract")
    why = ("its withdrawal credentials are not checked" if claim.kind != "address"
           else "their link to the contract is not yet checked on chain")
    return owner_signed(scheme, f"{len(owners)} owner(s) of this {subject} signed ({names}); "
                                f"{why}{_note(scheme)}",
                        tuple(checksummed(o) for o in owners))
