"""The audit config: one TOML file, every key known, every mistake named.

A mistyped key must never fall back to a default silently (an auditor
writing ``snapshot_hieght`` would audit the wrong block), so unknown keys
and missing required keys are errors naming the key. Chain tables are
passed whole to their adapter, which validates its own keys the same way.
Paths in the config are relative to the config file's folder.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reserves.catalog import default_catalog
from reserves.errors import ConfigError
from reserves.importers.totals import parse_tolerance
from reserves.labels import LabelMap, parse_label_map


@dataclass(frozen=True)
class ClaimsSource:
    path: Path
    format: str | None = None
    name: str = ""
    """The path as written in the config: how reports and the bundle name the file."""


@dataclass(frozen=True)
class SnapshotPin:
    height: int
    block_hash: str | None = None


@dataclass(frozen=True)
class TokenConfig:
    symbol: str
    chain: str
    contract: str
    decimals: int | None
    """None: the catalog's, else (EVM) the token's own decimals() at the pinned block."""


@dataclass
class Config:
    path: Path
    exchange: str
    claims: list[ClaimsSource]
    message: str | None = None
    message_pattern: str | None = None
    liabilities: Path | None = None
    liabilities_format: str | None = None
    liabilities_name: str = ""
    liabilities_extra: dict[str, tuple[str, Path]] = field(default_factory=dict)
    """Companion files by key (tree, proof_table): (name as written, path)."""
    liabilities_two_digit: list[str] | None = None
    snapshot: dict[str, SnapshotPin] = field(default_factory=dict)
    chains: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: list[TokenConfig] = field(default_factory=list)
    output: Path | None = None
    labels: LabelMap | None = None
    """The [labels] table: what coin labels the catalog does not know mean."""
    totals_tolerance: Decimal | None = None
    """claims.totals_tolerance: the share of a total its rows may differ by as rounding."""
    raw: dict[str, Any] = field(default_factory=dict)


_TOP = {"exchange", "snapshot", "chains", "assets", "claims", "liabilities", "output",
        "labels"}


def _table(data: dict, key: str, where: str, required: bool = True) -> dict:
    value = data.get(key)
    if value is None:
        if required:
            raise ConfigError(f"{where}{key}: missing (required)")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}{key}: must be a table")
    return value


def _only(table: dict, allowed: set[str], where: str) -> None:
    for k in table:
        if k not in allowed:
            raise ConfigError(f"{where}{k}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _str(table: dict, key: str, where: str, required: bool = True) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise ConfigError(f"{where}{key}: missing (required)")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}{key}: must be a non-empty string")
    return value


def _int(table: dict, key: str, where: str) -> int:
    value = table.get(key)
    if value is None:
        raise ConfigError(f"{where}{key}: missing (required)")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}{key}: must be a non-negative integer")
    return value


def load_config(path: str | Path) -> Config:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    base = p.parent
    _only(data, _TOP, "")
    exchange = _table(data, "exchange", "")
    _only(exchange, {"name"}, "exchange.")
    name = _str(exchange, "name", "exchange.")

    claims_t = _table(data, "claims", "")
    _only(claims_t, {"files", "format", "message", "message_pattern", "totals_tolerance"},
          "claims.")
    files = claims_t.get("files")
    if not isinstance(files, list) or not files:
        raise ConfigError("claims.files: missing or empty (a list of claims files)")
    fmt = _str(claims_t, "format", "claims.", required=False)
    sources = []
    for i, f in enumerate(files):
        if isinstance(f, str):
            sources.append(ClaimsSource(base / f, fmt, f))
        elif isinstance(f, dict):
            _only(f, {"path", "format"}, f"claims.files[{i}].")
            rel = _str(f, "path", f"claims.files[{i}].")
            sources.append(ClaimsSource(base / rel,
                                        _str(f, "format", f"claims.files[{i}].", False) or fmt,
                                        rel))
        else:
            raise ConfigError(f"claims.files[{i}]: must be a path or a table")
    message = _str(claims_t, "message", "claims.", required=False)
    pattern = _str(claims_t, "message_pattern", "claims.", required=False)
    if message and pattern:
        raise ConfigError("claims.message_pattern: give message or message_pattern, not both")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ConfigError(f"claims.message_pattern: not a valid regular expression: {e}") \
                from None

    cfg = Config(path=p, exchange=name, claims=sources, message=message,
                 message_pattern=pattern, raw=data)
    if "totals_tolerance" in claims_t:
        try:
            cfg.totals_tolerance = parse_tolerance(claims_t["totals_tolerance"],
                                                   "claims.totals_tolerance")
        except ValueError as e:
            raise ConfigError(str(e)) from None
    cfg.labels = parse_label_map(_table(data, "labels", "", required=False), "labels.")

    liab = _table(data, "liabilities", "", required=False)
    if liab:
        _only(liab, {"file", "format", "tree", "proof_table", "two_digit"}, "liabilities.")
        cfg.liabilities_name = _str(liab, "file", "liabilities.")
        cfg.liabilities = base / cfg.liabilities_name
        cfg.liabilities_format = _str(liab, "format", "liabilities.", required=False)
        for key in ("tree", "proof_table"):
            name = _str(liab, key, "liabilities.", required=False)
            if name:
                cfg.liabilities_extra[key] = (name, base / name)
        two = liab.get("two_digit")
        if two is not None:
            if not isinstance(two, list) or not all(isinstance(x, str) for x in two):
                raise ConfigError("liabilities.two_digit: must be a list of asset symbols")
            cfg.liabilities_two_digit = two

    catalog = default_catalog()
    chains = _table(data, "chains", "", required=False)
    for chain_id, settings in chains.items():
        where = f"chains.{chain_id}"
        if catalog.chain(chain_id) is None:
            raise ConfigError(f"{where}: unknown chain id (known: "
                              f"{', '.join(sorted(catalog.chains))})")
        if not isinstance(settings, dict):
            raise ConfigError(f"{where}: must be a table")
        cfg.chains[chain_id] = dict(settings)

    snapshot = _table(data, "snapshot", "", required=bool(chains))
    for chain_id, pin in snapshot.items():
        where = f"snapshot.{chain_id}."
        if chain_id not in chains:
            raise ConfigError(f"snapshot.{chain_id}: no [chains.{chain_id}] table for it")
        if not isinstance(pin, dict):
            raise ConfigError(f"snapshot.{chain_id}: must be a table with height")
        _only(pin, {"height", "block_hash"}, where)
        cfg.snapshot[chain_id] = SnapshotPin(_int(pin, "height", where),
                                             _str(pin, "block_hash", where, required=False))
    for chain_id in chains:
        if chain_id not in cfg.snapshot:
            raise ConfigError(f"snapshot.{chain_id}: missing (chain {chain_id} is in use, "
                              "give its height)")

    assets = data.get("assets", [])
    if not isinstance(assets, list):
        raise ConfigError("assets: must be an array of tables ([[assets]])")
    for i, a in enumerate(assets):
        where = f"assets[{i}]."
        if not isinstance(a, dict):
            raise ConfigError(f"assets[{i}]: must be a table")
        _only(a, {"symbol", "chain", "contract", "decimals"}, where)
        chain = _str(a, "chain", where)
        if chain not in chains:
            raise ConfigError(f"{where}chain: {chain!r} has no [chains.{chain}] table")
        decimals = _int(a, "decimals", where) if "decimals" in a else None
        cfg.tokens.append(TokenConfig(_str(a, "symbol", where), chain,
                                      _str(a, "contract", where), decimals))

    out = _table(data, "output", "", required=False)
    if out:
        _only(out, {"dir"}, "output.")
        cfg.output = base / _str(out, "dir", "output.")
    return cfg
