"""The catalog: which chain and asset a published coin label stands for.

Exchanges label rows "USDT-TRC20", "ETH-ARBITRUM", "HT-ETH" or give a
Network column ("ETH", "OKC", "Vaulta"). The catalog maps these labels to
a chain id, the chain's verifier family and the asset's decimals, from
``data/catalog.toml``. A label it cannot resolve resolves to chain
``None``: the row is then reported as unsupported, never guessed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Chain:
    """One chain of the catalog."""

    id: str
    """Stable chain id: "bitcoin", "ethereum", "tron", ..."""
    family: str
    """Verifier family (a package under chains/), "" when none exists."""
    native: str
    """Symbol of the chain's native asset."""
    decimals: int
    """Decimals of the native asset."""
    chain_id: int | None = None
    """EVM chains: the EIP-155 chain id their nodes report (eth_chainId); else None."""


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a coin label (and optional network label) means."""

    asset: str
    chain: Chain | None
    decimals: int | None


def _norm(label: str) -> str:
    return " ".join(label.replace("_", " ").split()).upper()


class Catalog:
    """Lookup tables built once from the TOML data."""

    def __init__(self, data: dict) -> None:
        self.chains: dict[str, Chain] = {}
        self._alias: dict[str, str] = {}
        for cid, c in data.get("chains", {}).items():
            number = c.get("chain_id")
            if number is not None and (type(number) is not int or number <= 0):
                raise ValueError(f"catalog chains.{cid}.chain_id: must be a positive integer")
            self.chains[cid] = Chain(cid, c["family"], c["native"], int(c["decimals"]), number)
            for alias in [cid, *c.get("aliases", [])]:
                self._alias.setdefault(_norm(alias), cid)
        self._resolved: dict[tuple[str, str | None], Resolved] = {}
        self._assets: dict[str, dict] = {}
        for sym, a in data.get("assets", {}).items():
            self._assets[sym.upper()] = dict(a, symbol=sym)

    def chain(self, chain_id: str) -> Chain | None:
        return self.chains.get(chain_id)

    def chain_by_label(self, label: str) -> Chain | None:
        cid = self._alias.get(_norm(label))
        return self.chains[cid] if cid else None

    def asset_symbol(self, label: str) -> str:
        a = self._assets.get(label.strip().upper())
        return a["symbol"] if a else label.strip()

    def decimals(self, asset: str, chain: Chain | None) -> int | None:
        a = self._assets.get(asset.upper())
        if a is not None:
            if chain is not None and chain.id in a.get("chains", {}):
                return int(a["chains"][chain.id])
            if "decimals" in a:
                return int(a["decimals"])
        if chain is not None and chain.native.upper() == asset.upper():
            return chain.decimals
        return None

    def home_chain(self, asset: str) -> Chain | None:
        a = self._assets.get(asset.upper())
        if a is not None and a.get("home"):
            return self.chains[a["home"]]
        cid = self._alias.get(_norm(asset))
        if cid and self.chains[cid].native.upper() == asset.upper():
            return self.chains[cid]
        return None

    def resolve(self, coin: str, network: str | None = None) -> Resolved:
        key = (coin, network)
        hit = self._resolved.get(key)
        if hit is None:
            hit = self._resolved[key] = self._resolve(coin, network)
        return hit

    def _resolve(self, coin: str, network: str | None = None) -> Resolved:
        """Resolve a coin label, using the network label when the file has one.

        "USDT-TRC20" -> (USDT, tron); "ETH" -> (ETH, ethereum);
        ("USDT-TON", network "TON") -> (USDT, ton). The label is split at
        its first '-' only, so "USDT-Avalanche C-Chain" keeps its suffix.
        """
        head, _, suffix = coin.strip().partition("-")
        asset = self.asset_symbol(head)
        if network is not None and network.strip():
            chain = self.chain_by_label(network)
        elif suffix:
            chain = self.chain_by_label(suffix)
        else:
            chain = self.home_chain(asset)
        return Resolved(asset, chain, self.decimals(asset, chain))


@cache
def default_catalog() -> Catalog:
    """The catalog shipped with the package."""
    text = resources.files("reserves").joinpath("data/catalog.toml").read_text("utf-8")
    return Catalog(tomllib.loads(text))
