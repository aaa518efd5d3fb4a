"""Validated settings of the Bitcoin adapter (one ``[chains.<chain>]`` table)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from chains.settings import node_url, only_keys
from reserves.errors import ConfigError
from reserves.urls import with_env_credentials

KEYS = {"adapter", "rpc", "network", "backend", "scan", "start_height", "verify_proofs",
        "rpc_user_env", "rpc_password_env", "timeout", "batch_size", "address_format",
        "provider", "api_key_env", "history_limit", "confirmations"}
NETWORKS = ("mainnet", "testnet", "signet", "regtest")
BACKENDS = ("core-rpc", "bcoin-rest", "bitcoinlib")
# bitcoinlib service providers the bitcoinlib backend drives (chains/bitcoin/services.py).
PROVIDERS = ("bcoin", "blockstream", "mempool")
SCANS = ("auto", "forward", "walk-back")
CONFIRMATIONS = 6
"""Blocks the snapshot height must lie below the node's tip (tip - H >= this): a
block that shallow can still be reorganised away, and with it every figure."""
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
    provider: str | None = None
    """bitcoinlib backend: which of bitcoinlib's provider clients talks to ``rpc``."""
    api_key: str = field(default="", repr=False)
    """bitcoinlib backend: the provider's API key, read from ``api_key_env``."""
    history_limit: int = 1000
    """bitcoinlib backend: most transactions read per address; more is no figure."""
    confirmations: int = CONFIRMATIONS
    """How far below the tip the snapshot height must be (finality by depth)."""


def parse(chain: str, raw: dict[str, Any]) -> BitcoinSettings:
    where = f"chains.{chain}"
    only_keys(raw, KEYS, where)
    rpc = node_url(raw, where, "the node's URL")
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
    confirmations = raw.get("confirmations", CONFIRMATIONS)
    if not isinstance(confirmations, int) or isinstance(confirmations, bool) or confirmations < 0:
        raise ConfigError(f"{where}.confirmations: must be a non-negative integer (blocks the "
                          f"snapshot height must lie below the tip; default {CONFIRMATIONS})")
    backend = choice("backend", BACKENDS, "core-rpc")
    provider, api_key, limit = _provider(where, raw, backend)
    return BitcoinSettings(rpc, network, backend, choice("scan", SCANS, "auto"), start, proofs,
                           float(timeout), batch, choice("address_format", ("core", "bcoin"), "core"),
                           provider, api_key, limit, confirmations)


def _provider(where: str, raw: dict[str, Any], backend: str) -> tuple[str | None, str, int]:
    """``provider``, the API key named by ``api_key_env`` and ``history_limit``."""
    if backend != "bitcoinlib":
        for key in ("provider", "api_key_env", "history_limit"):
            if key in raw:
                raise ConfigError(f"{where}.{key}: only the bitcoinlib backend takes it")
        return None, "", 1000
    provider = raw.get("provider")
    if provider not in PROVIDERS:
        raise ConfigError(f"{where}.provider: the bitcoinlib backend needs one of "
                          f"{', '.join(PROVIDERS)}")
    var = raw.get("api_key_env")
    api_key = ""
    if var is not None:
        if not isinstance(var, str) or not var:
            raise ConfigError(f"{where}.api_key_env: must name an environment variable")
        api_key = os.environ.get(var, "")
        if not api_key:
            raise ConfigError(f"{where}.api_key_env: environment variable {var} is not set")
    limit = raw.get("history_limit", 1000)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ConfigError(f"{where}.history_limit: must be a positive integer")
    return provider, api_key, limit
