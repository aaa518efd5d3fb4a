"""Validated settings of the Solana adapter (one ``[chains.<chain>]`` table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chains.settings import node_url, only_keys
from reserves.errors import ConfigError

KEYS = {"adapter", "rpc", "mode", "commitment", "page_size", "concurrency", "timeout",
        "retries"}


@dataclass(frozen=True)
class SolanaSettings:
    rpc: str
    mode: str = "history"
    commitment: str = "finalized"
    page_size: int = 1000
    concurrency: int = 16
    timeout: float = 30.0
    retries: int = 4


def parse(chain: str, raw: dict[str, Any]) -> SolanaSettings:
    where = f"chains.{chain}"
    only_keys(raw, KEYS, where)
    rpc = node_url(raw, where)
    mode = raw.get("mode", "history")
    if mode not in ("history", "context"):
        raise ConfigError(f"{where}.mode: must be history or context")
    commitment = raw.get("commitment", "finalized")
    if commitment not in ("finalized", "confirmed"):
        raise ConfigError(f"{where}.commitment: must be finalized or confirmed")
    page = raw.get("page_size", 1000)
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= 1000:
        raise ConfigError(f"{where}.page_size: must be an integer from 1 to 1000")
    conc = raw.get("concurrency", 16)
    if not isinstance(conc, int) or isinstance(conc, bool) or conc < 1:
        raise ConfigError(f"{where}.concurrency: must be a positive integer")
    timeout = raw.get("timeout", 30)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"{where}.timeout: must be a positive number of seconds")
    retries = raw.get("retries", 4)
    if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 10:
        raise ConfigError(f"{where}.retries: must be an integer from 0 to 10")
    return SolanaSettings(rpc, mode, commitment, page, conc, float(timeout), retries)
