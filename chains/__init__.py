"""Chain families, registered by name.

``FAMILIES`` lists every family with an ownership verifier; each is a
package here exposing ``SCHEMES`` (stable scheme ids) and
``verify_ownership(claim) -> Verdict``, ``check_address(claim)`` and
``address_key(address, chain, network) -> bytes`` (what the address locks:
scriptPubKey, 20 or 21 account bytes, 32-byte key). Families that can also read
balances expose ``Adapter`` (a ``chains.base.ChainAdapter``). Packages are
imported on first use, so a missing optional dependency only matters when
a file or config actually needs that family.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from types import ModuleType

from reserves.claims import Claim
from reserves.verdicts import Verdict

FAMILIES: tuple[str, ...] = ("bitcoin", "evm", "tron", "solana", "algorand", "polkadot")


class UnknownFamilyError(KeyError):
    pass


@cache
def family_module(name: str) -> ModuleType:
    if name not in FAMILIES:
        raise UnknownFamilyError(name)
    return importlib.import_module(f"chains.{name}")


def verifier(name: str) -> Callable[[Claim], Verdict]:
    """The offline ownership verifier of family ``name``."""
    return family_module(name).verify_ownership


def schemes(name: str) -> tuple[str, ...]:
    return family_module(name).SCHEMES


def address_key(claim: Claim) -> str:
    """The one key of what ``claim``'s address locks, the same for every spelling of it.

    Addresses are compared by this, never by their text: one P2WPKH written in
    upper and in lower case, or one EVM account in three cases, is one key.
    It names the network and the family's bytes (Bitcoin family: the
    scriptPubKey; EVM: 20 bytes; Tron: 21; ed25519 chains: the key). An address
    that does not decode, or on a chain without a verifier, keys on its own
    spelling: it can equal no other address but itself.
    """
    if claim.family in FAMILIES:
        try:
            raw = family_module(claim.family).address_key(claim.address, claim.chain or "",
                                                          claim.network)
        except ValueError:
            pass
        else:
            return f"{claim.network}:{claim.family}:{raw.hex()}"
    return f"{claim.network}:spelling:{claim.address.strip()}"


def adapter_class(name: str):
    """The balance adapter class of family ``name``; UnknownFamilyError if none."""
    mod = family_module(name)
    cls = getattr(mod, "Adapter", None)
    if cls is None:
        raise UnknownFamilyError(name)
    return cls
