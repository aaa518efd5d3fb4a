"""Checks every adapter's ``[chains.<chain>]`` table shares, so each names the key alike."""

from __future__ import annotations

from typing import Any

from reserves.errors import ConfigError
from reserves.urls import check_http_url


def only_keys(raw: dict[str, Any], keys: set[str], where: str) -> None:
    for k in raw:
        if k not in keys:
            raise ConfigError(f"{where}.{k}: unknown key (allowed: {', '.join(sorted(keys))})")


def node_url(raw: dict[str, Any], where: str, what: str = "the node's JSON-RPC URL") -> str:
    rpc = raw.get("rpc")
    if not isinstance(rpc, str):
        raise ConfigError(f"{where}.rpc: missing ({what})")
    return check_http_url(rpc, f"{where}.rpc")
