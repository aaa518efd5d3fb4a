"""Ed25519 verification and the message framings exchanges sign with it.

Solana, Algorand and Polkadot rows are ed25519 signatures, either over the
raw message (HTX) or over OKX's framing varstr("OKX Signed Message:\\n") ||
varstr(message), which OKX signs without hashing. Verification goes
through solders (ed25519-dalek); it agrees with every Wycheproof vector.
"""

from __future__ import annotations

import base64
import binascii
import re

from solders.pubkey import Pubkey
from solders.signature import Signature

from chains.encoding import b58decode
from chains.hashes import varstr

OKX_HEADER = b"OKX Signed Message:\n"
_HEX = re.compile(r"(?:0x)?[0-9a-fA-F]{128}")
_KEY_HEX = re.compile(r"(?:0x)?[0-9a-fA-F]{64}")


class NotCanonical(ValueError):
    """Text that decodes to a key but is not the spelling its chain writes for that key.

    An Algorand address has two bits no decoder needs; a lenient base58 or
    SS58 decoder could have others. Such a string would be a second
    "address" for one key, so it is not an address at all.
    """


def require_canonical(text: str, canonical: str, error: type[ValueError] = NotCanonical) -> None:
    if text != canonical:
        raise error(f"is not the canonical spelling of its key ({canonical}); another "
                    "spelling of one key is not another address")


def address_problem(e: ValueError) -> str:
    """The reason a row gets for an address that does not decode, or is not canonical."""
    return f"address {e}" if isinstance(e, NotCanonical) else f"address does not decode: {e}"


def okx_framed(message: bytes) -> bytes:
    """OKX's framing of a message for its non-EVM chains."""
    return varstr(OKX_HEADER) + varstr(message)


def decode_signature(text: str) -> bytes:
    """A 64-byte signature written as hex, base64 or base58."""
    s = text.strip()
    if _HEX.fullmatch(s):
        return bytes.fromhex(s.removeprefix("0x"))
    if len(s) in (86, 87, 88) and not s.endswith("="):
        try:
            raw = b58decode(s)
            if len(raw) == 64:
                return raw
        except ValueError:
            pass
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not valid hex, base64 or base58") from None
    if len(raw) != 64:
        raise ValueError(f"decodes to {len(raw)} bytes, an ed25519 signature has 64")
    return raw


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        return bool(Signature(signature).verify(Pubkey(public_key), message))
    except BaseException as e:  # solders raises Rust panics as BaseException
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return False


# What is signed, per scheme: a function of the message and the signer's key.
MESSAGE_FORMS = {
    "ed25519-raw": lambda m, key: m,
    "ed25519-okx-framed": lambda m, key: okx_framed(m),
}


def verify_claim(claim, public_key: bytes, forms=None):
    """Verdict for an ed25519 row whose address encodes ``public_key``.

    A public key published beside the address (OKX's column) must be the
    same key: a signature is only worth anything once bound to the address.
    """
    from chains.encoding import decode_hex
    from reserves.verdicts import failed, unsupported, verified

    forms = forms if forms is not None else MESSAGE_FORMS
    only = claim.proof.scheme
    if only is not None:
        if only not in forms:
            return unsupported(f"scheme {only!r} is not supported on {claim.chain}", only)
        forms = {only: forms[only]}
    published = (claim.proof.script or "").strip()
    if published:
        try:
            key = (decode_hex(published) if _KEY_HEX.fullmatch(published)
                   else b58decode(published))
        except ValueError:
            key = b""
        if key != public_key:
            return failed("the published public key is not the address's key")
    if len(claim.proof.signatures) != 1:
        return failed(f"{len(claim.proof.signatures)} signatures for a single-key address; "
                      "expected 1")
    try:
        sig = decode_signature(claim.proof.signatures[0])
    except ValueError as e:
        return failed(f"signature 1 is {e}")
    message = (claim.proof.message or "").encode("utf-8")
    for form, signed_bytes in forms.items():
        try:
            data = signed_bytes(message, public_key)
        except ValueError:
            continue  # this form cannot carry the message (too long)
        if verify(public_key, data, sig):
            return verified(form, "ed25519 signature by the address's key")
    return failed(f"ed25519 signature does not verify under {', '.join(forms)} "
                  "(wrong key or wrong message)", only or "")
