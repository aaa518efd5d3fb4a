"""Solana's off-chain message format: what ``solana sign-offchain-message`` signs.

Two preambles exist, and exchanges may have used either:

* the short one the Solana CLI and solana-sdk shipped first (version 0):
  ``"\\xffsolana offchain" | version 0 | format | u16 length | message``;
* the full one of the off-chain signing proposal, which newer SDKs write:
  ``domain | version 0 | application domain (32) | format | signer count |
  signers (32 each) | u16 length | message``. Nothing in a reserves file
  says which application domain was used, so we take it as all zeros and
  the address as the only signer (README).

The format byte follows from the message (0: printable ASCII, 1: other
UTF-8, both limited so the whole fits a ledger packet; 2: longer UTF-8), so
it is computed here, never taken from the file. The limits differ because
the preambles differ in length.
"""

from __future__ import annotations

DOMAIN = b"\xffsolana offchain"
PACKET = 1232          # what a hardware wallet can take in one packet
MAX_U16 = 0xFFFF
SHORT_HEADER = len(DOMAIN) + 1 + 1 + 2
FULL_HEADER = len(DOMAIN) + 1 + 32 + 1 + 1 + 2   # plus 32 bytes per signer in later SDKs' limits


class OffchainError(ValueError):
    pass


def message_format(message: bytes, header: int) -> int:
    if not message:
        raise OffchainError("an off-chain message cannot be empty")
    if len(message) > MAX_U16 - header:
        raise OffchainError(f"message of {len(message)} bytes is too long for an off-chain "
                            "message")
    short = len(message) <= PACKET - header
    if short and all(0x20 <= b <= 0x7E for b in message):
        return 0
    try:
        message.decode("utf-8")
    except UnicodeDecodeError:
        raise OffchainError("an off-chain message must be UTF-8") from None
    return 1 if short else 2


def cli_v0(message: bytes) -> bytes:
    """The bytes the Solana CLI (solana-sdk's first v0) signs for ``message``."""
    return (DOMAIN + b"\x00" + bytes([message_format(message, SHORT_HEADER)])
            + len(message).to_bytes(2, "little") + message)


def spec_v0(message: bytes, signer: bytes, application_domain: bytes = b"\x00" * 32) -> bytes:
    """The bytes the proposal's full preamble signs, with ``signer`` the only signer."""
    if len(signer) != 32 or len(application_domain) != 32:
        raise OffchainError("signer and application domain are 32 bytes each")
    return (DOMAIN + b"\x00" + application_domain
            + bytes([message_format(message, FULL_HEADER)]) + b"\x01" + signer
            + len(message).to_bytes(2, "little") + message)
