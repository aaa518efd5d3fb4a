"""Validated settings of the EVM adapter (one ``[chains.<chain>]`` table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chains.settings import only_keys
from reserves.errors import ConfigError
from reserves.urls import check_http_url

KEYS = {"adapter", "rpc", "chain_id", "verify_proofs", "confirmations", "batch_size",
        "concurrency", "timeout", "retries", "multicall", "token_slots"}


@dataclass(frozen=True)
class EvmSettings:
    rpc: str
    chain_id: int
    verify_proofs: bool = False
    confirmations: int | None = None
    batch_size: int = 500
    concurrency: int = 4
    timeout: float = 30.0
    retries: int = 4
    multicall: bool = True
    token_slots: dict[str, int] = field(default_factory=dict)


def parse(chain: str, raw: dict[str, Any]) -> EvmSettings:
    where = f"chains.{chain}"
    only_keys(raw, KEYS, where)
    if "chain_id" not in raw:
        # Required, never taken from the node; the catalog's id is named as a hint only
        # (a test chain labelled ethereum has another id).
        from reserves.catalog import default_catalog

        known = default_catalog().chain(chain)
        hint = (f"; {chain} is {known.chain_id} in the catalog"
                if known is not None and known.chain_id is not None else "")
        raise ConfigError(f"{where}.chain_id: missing (the chain id the node must report"
                          f"{hint})")
    if "rpc" not in raw:
        raise ConfigError(f"{where}.rpc: missing (the node's JSON-RPC URL)")
    if not isinstance(raw["rpc"], str):
        raise ConfigError(f"{where}.rpc: must be a URL string")
    check_http_url(raw["rpc"], f"{where}.rpc")

    def integer(key: str, default, minimum: int = 0):
        v = raw.get(key, default)
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
            raise ConfigError(f"{where}.{key}: must be an integer >= {minimum}")
        return v

    def flag(key: str, default: bool) -> bool:
        v = raw.get(key, default)
        if not isinstance(v, bool):
            raise ConfigError(f"{where}.{key}: must be true or false")
        return v

    slots = raw.get("token_slots", {})
    if not isinstance(slots, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in slots.values()):
        raise ConfigError(f"{where}.token_slots: must be a table of SYMBOL = slot number")
    timeout = raw.get("timeout", 30.0)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"{where}.timeout: must be a positive number of seconds")
    return EvmSettings(
        rpc=raw["rpc"], chain_id=integer("chain_id", None, 1), verify_proofs=flag("verify_proofs",
                                                                                False),
        confirmations=integer("confirmations", None), batch_size=integer("batch_size", 500, 1),
        concurrency=integer("concurrency", 4, 1), timeout=float(timeout),
        retries=integer("retries", 4), multicall=flag("multicall", True),
        token_slots={k.upper(): v for k, v in slots.items()})
