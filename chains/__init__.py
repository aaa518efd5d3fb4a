"""Chain families, registered by name.

``FAMILIES`` lists every family with an ownership verifier; each is a
package here exposing ``SCHEMES`` (stable scheme ids) and
``verify_ownership(claim) -> Verdict``. Families that can also read
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


def adapter_class(name: str):
    """The balance adapter class of family ``name``; UnknownFamilyError if none."""
    mod = family_module(name)
    cls = getattr(mod, "Adapter", None)
    if cls is None:
        raise UnknownFamilyError(name)
    return cls
