"""The catalog: which chain and asset a published coin label stands for.

Exchanges label rows "USDT-TRC20", "ETH-ARBITRUM", "HT-ETH", write the
network first ("ERC20-USDC", "SOL-USDC"), or give a Network column ("ETH",
"OKC", "Vaulta"). The catalog maps these labels to a chain id, the chain's
verifier family and the asset's decimals, from ``data/catalog.toml``. A
label that names no chain the catalog knows resolves to chain ``None``,
never to a guess; ``reserves.labels`` then tries the user's label map and
the address's own form.
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
    form: str = "bare"
    """How the label was read: "asset-network" ("USDT-TRC20"), "network-asset"
    ("ERC20-USDC"), "bare" ("ETH", "stETH": the asset's home chain),
    "network-column", "asset-qualifier" ("USDT-T-Bills": a known asset and words
    naming no network), "qualifier-asset" ("STEAK-USDC"), or "unknown"."""


def normalize_label(label: str) -> str:
    """How labels compare: case, underscores and runs of spaces do not matter."""
    return " ".join(label.replace("_", " ").split()).upper()


_norm = normalize_label


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
        self._natives = {c.native.upper() for c in self.chains.values()}

    def chain(self, chain_id: str) -> Chain | None:
        return self.chains.get(chain_id)

    def chain_by_label(self, label: str) -> Chain | None:
        cid = self._alias.get(_norm(label))
        return self.chains[cid] if cid else None

    def is_asset(self, label: str) -> bool:
        """True when ``label`` is an asset the catalog knows, or a chain's native coin."""
        key = label.strip().upper()
        return key in self._assets or key in self._natives

    def is_network_only(self, label: str) -> bool:
        """True when ``label`` names a network and no asset ("ERC20", "BASE", "TRC20")."""
        return self.chain_by_label(label) is not None and not self.is_asset(label)

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

        Both orders are read: "USDT-TRC20" -> (USDT, tron) and "ERC20-USDC" ->
        (USDC, ethereum); "ETH" -> (ETH, ethereum); ("USDT-TON", network "TON")
        -> (USDT, ton). A label may hold more dashes ("USDT-Avalanche C-Chain"),
        so every split point is tried, asset first. When the part before the
        dash is both a network and an asset ("SOL", "BTC"), the rest must be an
        asset the catalog knows for the network reading to win: "SOL-USDC" is
        USDC on Solana, "BTC-BUY-BACK" is BTC on no chain the label names. A part
        that only names a network ("ERC20", "BASE") is never taken for the asset.
        """
        label = coin.strip()
        if network is not None and network.strip():
            chain = self.chain_by_label(network)
            asset = self._resolve(label).asset
            return Resolved(asset, chain, self.decimals(asset, chain), "network-column")
        splits = [(label[:i].strip(), label[i + 1:].strip())
                  for i, ch in enumerate(label) if ch == "-"]
        splits = [(head, tail) for head, tail in splits if head and tail]
        for head, tail in splits:
            chain = self.chain_by_label(tail)
            # "BASE-ETH" is ETH on Base, not an asset "BASE" on Ethereum: a part that is
            # only a network name is never read as the asset.
            if chain is not None and not (self.is_network_only(head) and self.is_asset(tail)):
                asset = self.asset_symbol(head)
                return Resolved(asset, chain, self.decimals(asset, chain), "asset-network")
        for head, tail in splits:
            chain = self.chain_by_label(head)
            if chain is not None and (self.is_asset(tail) or not self.is_asset(head)):
                asset = self.asset_symbol(tail)
                return Resolved(asset, chain, self.decimals(asset, chain), "network-asset")
        if not splits:
            asset = self.asset_symbol(label)
            chain = self.home_chain(asset)
            return Resolved(asset, chain, self.decimals(asset, chain),
                            "bare" if chain is not None else "unknown")
        for head, _ in splits:
            if self.is_asset(head):
                asset = self.asset_symbol(head)
                return Resolved(asset, None, self.decimals(asset, None), "asset-qualifier")
        for _, tail in reversed(splits):
            if self.is_asset(tail):
                asset = self.asset_symbol(tail)
                return Resolved(asset, None, self.decimals(asset, None), "qualifier-asset")
        return Resolved(label, None, self.decimals(label, None), "unknown")


@cache
def default_catalog() -> Catalog:
    """The catalog shipped with the package."""
    text = resources.files("reserves").joinpath("data/catalog.toml").read_text("utf-8")
    return Catalog(tomllib.loads(text))
