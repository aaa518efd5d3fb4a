"""Coin labels: what a published label means, and what to do when nothing says.

A new label appears in almost every monthly file ("aETH", "ERC20-USDC",
"USDT-aEthUSDT"), so resolution has three steps, in this order:

1. the user's label map (``--labels FILE``, ``[labels]`` in the audit
   config): ``"ERC20-USDC" = { chain = "ethereum", asset = "USDC" }``;
2. the catalog (``reserves.catalog``), which reads ``ASSET-NETWORK``,
   ``NETWORK-ASSET`` and bare ``ASSET`` labels against its network aliases;
3. the address itself: when no chain is named, the ownership proof can still
   be judged by the address's own form (0x + 40 hex is an EVM key, base58check
   0x41 is Tron, ...). Such a row keeps ``chain`` None: its balance cannot be
   read, so it is never counted, and a ``label-unmapped`` warning says how to
   map the label.

Importers never call this directly: ``build_claims`` asks ``current()``,
which ``reserves.importers.load`` sets for the duration of one import, so an
importer only knows its columns.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from reserves.catalog import Catalog, Chain, default_catalog
from reserves.catalog import normalize_label as _norm
from reserves.errors import ConfigError

ENTRY_KEYS = ("chain", "asset", "decimals")
MAX_DECIMALS = 77
_SYMBOL = re.compile(r"[^\s\"'\\]{1,64}")


@dataclass(frozen=True, slots=True)
class LabelEntry:
    """One entry of a label map."""

    label: str
    """The key as written in the map."""
    chain: str
    """Catalog chain id (an alias in the map is resolved to the id)."""
    asset: str
    decimals: int | None = None
    """Decimals of the asset on that chain; None = the catalog's, else the file's."""


@dataclass(frozen=True)
class LabelMap:
    """The user's label map: normalised label -> entry, and where it came from."""

    entries: dict[str, LabelEntry]
    source: str

    def get(self, key: str) -> LabelEntry | None:
        return self.entries.get(_norm(key))

    def merged(self, other: LabelMap | None) -> LabelMap:
        """This map with ``other``'s entries on top (a command-line map over the config's)."""
        if other is None:
            return self
        return LabelMap({**self.entries, **other.entries}, f"{self.source} + {other.source}")


def parse_label_map(data: dict, where: str, catalog: Catalog | None = None) -> LabelMap:
    """Validate a TOML table of label entries; ``where`` prefixes every error ("labels.")."""
    catalog = catalog or default_catalog()
    entries: dict[str, LabelEntry] = {}
    for label, entry in data.items():
        key = f"{where}{_quote(label)}"
        if not label.strip():
            raise ConfigError(f"{key}: an empty label")
        if not isinstance(entry, dict):
            raise ConfigError(f"{key}: must be a table like {{ chain = \"ethereum\", "
                              "asset = \"USDC\" }")
        for k in entry:
            if k not in ENTRY_KEYS:
                raise ConfigError(f"{key}.{k}: unknown key (allowed: {', '.join(ENTRY_KEYS)})")
        chain_label = entry.get("chain")
        if not isinstance(chain_label, str) or not chain_label.strip():
            raise ConfigError(f"{key}.chain: missing (a chain id such as ethereum, bsc, tron)")
        chain = catalog.chain_by_label(chain_label)
        if chain is None:
            raise ConfigError(f"{key}.chain: unknown chain {chain_label!r} (known: "
                              f"{', '.join(sorted(catalog.chains))})")
        asset = entry.get("asset")
        if not isinstance(asset, str) or not _SYMBOL.fullmatch(asset.strip()):
            raise ConfigError(f"{key}.asset: missing or not an asset symbol (such as \"USDC\")")
        decimals = entry.get("decimals")
        if decimals is not None and (type(decimals) is not int or
                                     not 0 <= decimals <= MAX_DECIMALS):
            raise ConfigError(f"{key}.decimals: must be a whole number from 0 to {MAX_DECIMALS}")
        known = catalog.decimals(asset.strip(), chain)
        if decimals is not None and known is not None and known != decimals:
            raise ConfigError(f"{key}.decimals: {decimals} contradicts the catalog, which has "
                              f"{known} for {asset.strip()} on {chain.id}")
        norm = _norm(label)
        if norm in entries:
            raise ConfigError(f"{key}: the same label as {where}{_quote(entries[norm].label)}")
        entries[norm] = LabelEntry(label.strip(), chain.id, asset.strip(), decimals)
    return LabelMap(entries, where.rstrip(". ") or "labels")


def load_label_map(path: str | Path, catalog: Catalog | None = None) -> LabelMap:
    """Read a label map file: entries at the top level, or all under one [labels] table."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{p}: is a directory, not a label map file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    if list(data) == ["labels"] and isinstance(data["labels"], dict):
        return parse_label_map(data["labels"], f"{p}: labels.", catalog)
    return LabelMap(parse_label_map(data, f"{p}: ", catalog).entries, str(p))


def _quote(label: str) -> str:
    return label if re.fullmatch(r"[A-Za-z0-9_-]+", label) else f'"{label}"'


@dataclass(frozen=True, slots=True)
class Resolution:
    """What one label (and network label) was resolved to, and by which step."""

    asset: str
    chain: Chain | None
    decimals: int | None
    how: str
    """"map", "catalog", or "unmapped" (no chain named: see ``address_form``)."""
    form: str
    """How the catalog read the label ("asset-network", ...); "map" for map entries."""


def label_key(coin: str, network: str | None = None) -> str:
    """The key a label map uses for a row: the coin label, or ``COIN@NETWORK`` when the
    file has a network column (OKX: coin "ETH" on network "STARKNET" is not plain ETH)."""
    coin = coin.strip()
    return f"{coin}@{network.strip()}" if network is not None and network.strip() else coin


class Resolver:
    """Resolve labels: the label map, then the catalog."""

    def __init__(self, labels: LabelMap | None = None, catalog: Catalog | None = None) -> None:
        self.labels = labels
        self.catalog = catalog or default_catalog()
        self._cache: dict[tuple[str, str | None], Resolution] = {}

    def resolve(self, coin: str, network: str | None = None) -> Resolution:
        key = (coin, network)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._resolve(coin, network)
        return hit

    def _resolve(self, coin: str, network: str | None) -> Resolution:
        entry = self.labels.get(label_key(coin, network)) if self.labels else None
        if entry is not None:
            chain = self.catalog.chain(entry.chain)
            decimals = entry.decimals if entry.decimals is not None else \
                self.catalog.decimals(entry.asset, chain)
            return Resolution(entry.asset, chain, decimals, "map", "map")
        r = self.catalog.resolve(coin, network)
        return Resolution(r.asset, r.chain, r.decimals,
                          "catalog" if r.chain is not None else "unmapped", r.form)


_CURRENT: ContextVar[Resolver | None] = ContextVar("reserves_label_resolver", default=None)


def current() -> Resolver:
    """The resolver of the import in progress (the catalog alone outside one)."""
    return _CURRENT.get() or Resolver()


@contextmanager
def using(resolver: Resolver) -> Iterator[Resolver]:
    token = _CURRENT.set(resolver)
    try:
        yield resolver
    finally:
        _CURRENT.reset(token)


@dataclass(frozen=True, slots=True)
class AddressForm:
    """What an address's own spelling says about the keys behind it."""

    family: str
    """Verifier family: "evm", "tron", "bitcoin", "solana", "algorand", "polkadot"."""
    chains: tuple[str, ...]
    """Catalog chains whose parameters judge the proof, tried in order (a Bitcoin-family
    address may decode for two chains with different signed-message prefixes)."""
    what: str
    """For reasons: "an EVM address (0x + 40 hex)"."""


def address_form(address: str) -> AddressForm | None:
    """The family an address's form names, or None when it names none or several.

    Only forms that cannot be read two ways count: 0x + 40 hex (an EVM key's
    hash), base58check 21 bytes starting 0x41 (Tron), Bitcoin-family base58check
    and bech32 addresses of a mainnet, Algorand (base32 with its checksum),
    Polkadot SS58 (prefix 0, checksum) and base58 of exactly 32 bytes (a Solana
    ed25519 key). Anything else (0x + 64 hex is an Aptos, Sui or NEAR account;
    TON, XRP, EOS names) is left alone: its row stays unsupported.
    """
    a = address.strip()
    if not a:
        return None
    forms = [f for f in (_evm(a), _tron(a), _bitcoin(a), _algorand(a), _polkadot(a), _solana(a))
             if f is not None]
    return forms[0] if len(forms) == 1 else None


_EVM = re.compile(r"0x[0-9a-fA-F]{40}")


def _evm(a: str) -> AddressForm | None:
    # The form, not the checksum: a mixed-case address with a bad EIP-55 checksum is
    # still an EVM address, and its row fails on that checksum.
    if _EVM.fullmatch(a):
        return AddressForm("evm", ("ethereum",), "an EVM address (0x + 40 hex)")
    return None


def _tron(a: str) -> AddressForm | None:
    from chains.tron.address import AddressError, decode

    try:
        decode(a)
    except AddressError:
        return None
    return AddressForm("tron", ("tron",), "a Tron address (base58check, 0x41)")


_BITCOIN_CHAINS = ("bitcoin", "litecoin", "dogecoin", "bitcoin-cash")


def _bitcoin(a: str) -> AddressForm | None:
    from chains.bitcoin.address import AddressError, decode
    from chains.bitcoin.params import params_for

    matches = []
    for chain in _BITCOIN_CHAINS:
        params = params_for(chain, "mainnet")
        try:
            decode(a, params)
        except AddressError:
            continue
        # Bitcoin Cash's legacy addresses are Bitcoin's, under the same message prefix:
        # judging them once, as Bitcoin, is the same check.
        if not any(params_for(m, "mainnet").magic == params.magic for m in matches):
            matches.append(chain)
    if not matches:
        return None
    names = " or ".join(matches)
    return AddressForm("bitcoin", tuple(matches), f"a Bitcoin-family address ({names})")


def _algorand(a: str) -> AddressForm | None:
    from chains.algorand import decode

    try:
        decode(a)
    except ValueError:
        return None
    return AddressForm("algorand", ("algorand",), "an Algorand address (base32 + checksum)")


def _polkadot(a: str) -> AddressForm | None:
    from chains.polkadot import decode

    try:
        decode(a)
    except ValueError:
        return None
    return AddressForm("polkadot", ("polkadot",), "a Polkadot address (SS58, prefix 0)")


def _solana(a: str) -> AddressForm | None:
    from chains.encoding import b58decode

    if not 32 <= len(a) <= 44:
        return None
    try:
        raw = b58decode(a)
    except ValueError:
        return None
    if len(raw) != 32:
        return None
    return AddressForm("solana", ("solana",), "a Solana address (base58 ed25519 key)")


def mapping_hint(label: str, asset: str) -> str:
    """The line a user adds to a label map to name the chain of ``label``."""
    return f'"{label}" = {{ chain = "<chain id>", asset = "{asset}" }}'
