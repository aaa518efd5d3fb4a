"""Verdicts: what the verifiers concluded about one claim, and why.

A verdict is data, never an exception. Only ``VERIFIED`` counts as proven
reserves; ``OWNER_SIGNED`` means the listed owners signed but their link to
the address is not yet checked on chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    VERIFIED = "verified"
    OWNER_SIGNED = "owner-signed"
    FAILED = "failed"
    UNSIGNED = "unsigned"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one claim's ownership proof."""

    status: Status
    reason: str
    """Why, in one line; never empty."""
    scheme: str = ""
    """Id of the scheme that matched (or was required); "" when none applied."""
    signers: tuple[str, ...] = ()
    """Keys or addresses recovered from the signatures, in signature order."""
    onchain: bool = False
    """True when chain state may still settle the proof: the EVM adapter asks a
    contract at the address (EIP-1271) or checks listed owners (Safe)."""

    def __post_init__(self) -> None:
        if not self.reason:
            raise ValueError("a verdict needs a reason")


def verified(scheme: str, reason: str, signers: tuple[str, ...] = ()) -> Verdict:
    return Verdict(Status.VERIFIED, reason, scheme, signers)


def failed(reason: str, scheme: str = "", signers: tuple[str, ...] = (),
           onchain: bool = False) -> Verdict:
    return Verdict(Status.FAILED, reason, scheme, signers, onchain)


def unsupported(reason: str, scheme: str = "") -> Verdict:
    return Verdict(Status.UNSUPPORTED, reason, scheme)


def owner_signed(scheme: str, reason: str, signers: tuple[str, ...] = ()) -> Verdict:
    return Verdict(Status.OWNER_SIGNED, reason, scheme, signers, onchain=True)


def unsigned(reason: str = "no signature published") -> Verdict:
    return Verdict(Status.UNSIGNED, reason)
