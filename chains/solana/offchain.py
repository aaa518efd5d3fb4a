"""Solana's off-chain message format: what ``solana sign-offchain-message`` signs.

Two preambles exist. The shipped CLI and solana-sdk (version 0) sign
``"\\xffsolana offchain" | version 0 | format | u16 length | message``; the
proposal's full header also carries a 32-byte application domain and the
signers: ``domain | version | application domain | format | signer count |
signers | u16 length | message``. With the full header we take the
application domain as all zeros and the address as the only signer (README).
The format byte follows from the message: 0 for printable ASCII up to 1212
bytes, 1 for other UTF-8 up to 1212 bytes, 2 up to 65515 bytes.
"""

from __future__ import annotations

DOMAIN = b"\xffsolana offchain"
MAX_SHORT = 1212
MAX_LONG = 65515


class OffchainError(ValueError):
    pass


def message_format(message: bytes) -> int:
    if len(message) > MAX_LONG:
        raise OffchainError(f"message of {len(message)} bytes is too long for an off-chain "
                            "message")
    if len(message) <= MAX_SHORT and all(0x20 <= b <= 0x7E for b in message):
        return 0
    return 1 if len(message) <= MAX_SHORT else 2


def cli_v0(message: bytes) -> bytes:
    """The bytes the Solana CLI (solana-sdk v0) signs for ``message``."""
    return (DOMAIN + b"\x00" + bytes([message_format(message)])
            + len(message).to_bytes(2, "little") + message)


def spec_v0(message: bytes, signer: bytes, application_domain: bytes = b"\x00" * 32) -> bytes:
    """The bytes the proposal's full header signs, with one signer."""
    return (DOMAIN + b"\x00" + application_domain + bytes([message_format(message)]) + b"\x01"
            + signer + len(message).to_bytes(2, "little") + message)
