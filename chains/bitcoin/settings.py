"""Validated settings of the Bitcoin adapter (one ``[chains.<chain>]`` table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reserves.errors import ConfigError
from reserves.urls import check_http_url, with_env_credentials

KEYS = {"adapter", "rpc", "network", "backend", "scan", "start_height", "verify_proofs",
        "rpc_user_env", "rpc_password_env", "timeout", "batch_size", "address_format"}
NETWORKS = ("mainnet", "testnet", "signet", "regtest")
BACKENDS = ("core-rpc", "bcoin-rest")
SCANS = ("auto", "forward", "walk-back")
# What getblockchaininfo's "chain" says for each network.
NODE_CHAIN = {"mainnet": ("main",), "testnet": ("test", "testnet", "testnet4"),
              "signet": ("signet",), "regtest": ("regtest",)}


@dataclass(frozen=True)
class BitcoinSettings:
    rpc: str
    network: str
    backend: str = "core-rpc"
    scan: str = "auto"
    start_height: int = 0
    verify_proofs: bool | None = None
    timeout: float = 60.0
    batch_size: int = 200
    address_format: str = "core"


def parse(chain: str, raw: dict[str, Any]) -> BitcoinSettings:
    where = f"chains.{chain}"
    for k in raw:
        if k not in KEYS:
            raise ConfigError(f"{where}.{k}: unknown key (allowed: {', '.join(sorted(KEYS))})")
    rpc = raw.get("rpc")
    if not isinstance(rpc, str):
        raise ConfigError(f"{where}.rpc: missing (the node's URL)")
    check_http_url(rpc, f"{where}.rpc")
    rpc = with_env_credentials(rpc, raw.get("rpc_user_env"), raw.get("rpc_password_env"),
                               f"{where}.rpc_password_env")
    network = raw.get("network")
    if network not in NETWORKS:
        raise ConfigError(f"{where}.network: must be one of {', '.join(NETWORKS)}")

    def choice(key: str, options: tuple, default: str) -> str:
        v = raw.get(key, default)
        if v not in options:
            raise ConfigError(f"{where}.{key}: must be one of {', '.join(options)}")
        return v

    start = raw.get("start_height", 0)
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        raise ConfigError(f"{where}.start_height: must be a non-negative integer")
    proofs = raw.get("verify_proofs")
    if proofs is not None and not isinstance(proofs, bool):
        raise ConfigError(f"{where}.verify_proofs: must be true or false")
    timeout = raw.get("timeout", 60)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"{where}.timeout: must be a positive number of seconds")
    batch = raw.get("batch_size", 200)
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        raise ConfigError(f"{where}.batch_size: must be a positive integer")
    return BitcoinSettings(rpc, network, choice("backend", BACKENDS, "core-rpc"),
                           choice("scan", SCANS, "auto"), start, proofs, float(timeout), batch,
                           choice("address_format", ("core", "bcoin"), "core"))
