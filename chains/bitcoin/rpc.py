"""Bitcoin Core-style JSON-RPC through python-bitcoinrpc, read-only, batched.

Only reading calls are ever made: nothing here changes the node's state (no
invalidateblock, no wallet). Amounts arrive as ``Decimal`` (python-bitcoinrpc
parses JSON floats that way) and are converted to satoshis exactly. Errors
are translated here: a refused connection, a timeout, bad credentials or a
non-JSON answer become ``NodeUnavailableError``; a JSON-RPC error answer
becomes ``BitcoinRpcError``.
"""

from __future__ import annotations

import http.client
import socket
from decimal import Decimal
from typing import Any

from bitcoinrpc.authproxy import AuthServiceProxy, JSONRPCException

from reserves.errors import ChainError, NodeUnavailableError
from reserves.urls import redact

COIN = Decimal(100_000_000)


class BitcoinRpcError(ChainError):
    def __init__(self, method: str, error: dict) -> None:
        self.method = method
        self.error = error
        super().__init__(f"{method} failed: {error.get('message', error)} "
                         f"(code {error.get('code')})")


def sats(value: Any) -> int:
    """An amount in BTC (Decimal or str, as nodes send it) as exact satoshis."""
    d = Decimal(str(value)) * COIN
    if d != d.to_integral_value():
        raise ChainError(f"amount {value} is not a whole number of satoshis")
    return int(d)


class BitcoinRpc:
    def __init__(self, url: str, timeout: float = 60.0, batch_size: int = 200) -> None:
        self.url = url
        self.shown = redact(url)
        self.timeout = timeout
        self.batch_size = batch_size

    def _proxy(self) -> AuthServiceProxy:
        return AuthServiceProxy(self.url, timeout=self.timeout)

    def _translate(self, method: str, e: Exception):
        if isinstance(e, JSONRPCException):
            err = e.error if isinstance(e.error, dict) else {"message": str(e)}
            message = str(err.get("message", ""))
            if "401" in message or "403" in message or "Unauthorized" in message:
                return NodeUnavailableError(f"node {self.shown} refused the RPC credentials")
            if err.get("code") in (-342, -343):
                return NodeUnavailableError(f"node {self.shown} did not answer JSON-RPC "
                                            f"({message})")
            return BitcoinRpcError(method, err)
        if isinstance(e, (socket.timeout, TimeoutError)):
            return NodeUnavailableError(f"node {self.shown} timed out after {self.timeout:g}s")
        if isinstance(e, (ConnectionError, OSError, http.client.HTTPException)):
            return NodeUnavailableError(f"node {self.shown} is unreachable "
                                        f"({type(e).__name__})")
        if isinstance(e, ValueError):
            return NodeUnavailableError(f"node {self.shown} did not answer JSON-RPC ({e})")
        return None

    def call(self, method: str, *params: Any) -> Any:
        try:
            return getattr(self._proxy(), method)(*params)
        except Exception as e:
            translated = self._translate(method, e)
            if translated is None:
                raise
            raise translated from None

    def batch(self, method: str, params_list: list[list]) -> list[Any]:
        """Results of ``method`` for each parameter list, batched; any error raises."""
        out: list[Any] = []
        for i in range(0, len(params_list), self.batch_size):
            chunk = [[method, *p] for p in params_list[i:i + self.batch_size]]
            try:
                out.extend(self._proxy().batch_(chunk))
            except Exception as e:
                translated = self._translate(method, e)
                if translated is None:
                    raise
                raise translated from None
        return out
