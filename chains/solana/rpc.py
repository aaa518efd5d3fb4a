"""Solana JSON-RPC through solana-py's AsyncClient, with bounded concurrency.

Everything the adapter asks goes through ``SolanaRpc``, which runs the async
client on its own event loop and caps the requests in flight (Surfpool and
many providers refuse JSON-RPC batches, so parallel single requests are the
way to be fast). Errors are translated here: transport failures and timeouts
become ``NodeUnavailableError``, answers with a JSON-RPC error become
``SolanaRpcError`` (with the node's code, e.g. -32016 "minimum context slot
not reached").

solana-py's ``get_balance`` and ``get_token_accounts_by_owner_json_parsed``
take no ``minContextSlot``; for context mode the same solders request objects
are built with it and sent through the client's provider.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from solana.exceptions import SolanaRpcException
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment
from solana.rpc.core import RPCException
from solders.account_decoder import UiAccountEncoding
from solders.pubkey import Pubkey
from solders.rpc.config import RpcAccountInfoConfig, RpcContextConfig, RpcTokenAccountsFilterMint
from solders.rpc.requests import GetBalance, GetTokenAccountsByOwner
from solders.rpc.responses import GetBalanceResp, GetTokenAccountsByOwnerJsonParsedResp

from reserves.errors import ChainError, NodeMismatchError, NodeUnavailableError
from reserves.urls import redact

T = TypeVar("T")


def rpc_detail(error: RPCException) -> str:
    """The node's own words for a JSON-RPC error (solders keeps the message, and the
    code only where it has no typed error for it)."""
    inner = error.args[0] if error.args else error
    code, message = getattr(inner, "code", None), getattr(inner, "message", None)
    if message is None and isinstance(inner, dict):
        code, message = inner.get("code"), inner.get("message")
    if message is None:
        return str(inner)
    return f"{code}: {message}" if code is not None else str(message)


def is_panic(error: BaseException) -> bool:
    """solders raises a Rust panic (a BaseException) on an answer it cannot parse."""
    return type(error).__name__ == "PanicException"


def panic_detail(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"unreadable answer ({text[:160]})"


class SolanaRpcError(ChainError):
    def __init__(self, method: str, error: RPCException) -> None:
        self.error = error
        self.detail = rpc_detail(error)
        super().__init__(f"{method} failed: {self.detail}")


RETRY_STATUS = {429, 500, 502, 503, 504}
"""HTTP answers worth asking again: rate limited, or the node briefly unwell."""


class SolanaRpc:
    def __init__(self, url: str, timeout: float = 30.0, concurrency: int = 16,
                 retries: int = 4, backoff: float = 0.5) -> None:
        self.url = url
        self.shown = redact(url)
        self.timeout = timeout
        self.concurrency = concurrency
        self.retries = retries
        self.backoff = backoff
        self._loop = asyncio.new_event_loop()
        self._client = AsyncClient(url, timeout=timeout)

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._client.close())
        finally:
            self._loop.close()

    async def _guard(self, method: str, make: Callable[[], Awaitable[T]]) -> T:
        """``make()``'s answer; asked again with backoff on HTTP 429 and 5xx (reads are
        idempotent); every failure translated to one of our errors."""
        for attempt in range(self.retries + 1):
            try:
                return await make()
            except RPCException as e:
                raise SolanaRpcError(method, e) from None
            except SolanaRpcException as e:
                cause = e.__cause__ or e
                status = getattr(getattr(cause, "response", None), "status_code", None)
                if status in RETRY_STATUS and attempt < self.retries:
                    await asyncio.sleep(self.backoff * 2 ** attempt)
                    continue
                if status is not None:
                    tries = f" ({attempt + 1} tries)" if status in RETRY_STATUS else ""
                    raise NodeUnavailableError(f"node {self.shown} answered HTTP {status} to "
                                               f"{method}{tries}") from None
                name = type(cause).__name__
                if "Timeout" in name:
                    raise NodeUnavailableError(f"node {self.shown} timed out after "
                                               f"{self.timeout:g}s") from None
                raise NodeUnavailableError(f"node {self.shown} is unreachable ({name})") \
                    from None
            except (OSError, asyncio.TimeoutError) as e:
                raise NodeUnavailableError(f"node {self.shown} is unreachable "
                                           f"({type(e).__name__})") from None
            except BaseException as e:
                if is_panic(e):
                    raise NodeMismatchError(f"{method}: node {self.shown} gave an "
                                            f"{panic_detail(e)}") from None
                raise
        raise AssertionError("unreachable")

    def run(self, method: str, make: Callable[[AsyncClient], Awaitable[T]]) -> T:
        return self._loop.run_until_complete(self._guard(method, lambda: make(self._client)))

    def map(self, method: str, make: Callable[[AsyncClient, Any], Awaitable[T]],
            items: Iterable[Any], progress: Callable[[int], None] | None = None) -> list[T]:
        """``make(client, item)`` for every item, ``concurrency`` at a time, in order."""
        items = list(items)
        limit = asyncio.Semaphore(self.concurrency)

        async def one(item):
            async with limit:
                result = await self._guard(method, lambda: make(self._client, item))
            if progress:
                progress(1)
            return result

        async def every():
            return await asyncio.gather(*(one(i) for i in items))

        return self._loop.run_until_complete(every()) if items else []

    # --- the calls solana-py does not expose with minContextSlot -------------------

    @staticmethod
    async def balance_at_least(client: AsyncClient, address: Pubkey, slot: int,
                               commitment: Commitment) -> GetBalanceResp:
        request = GetBalance(address, RpcContextConfig(commitment=_level(commitment),
                                                       min_context_slot=slot))
        return await client._provider.make_request(request, GetBalanceResp)

    @staticmethod
    async def token_accounts_at_least(client: AsyncClient, owner: Pubkey, mint: Pubkey,
                                      slot: int | None, commitment: Commitment
                                      ) -> GetTokenAccountsByOwnerJsonParsedResp:
        config = RpcAccountInfoConfig(encoding=UiAccountEncoding.JsonParsed,
                                      commitment=_level(commitment), min_context_slot=slot)
        request = GetTokenAccountsByOwner(owner, RpcTokenAccountsFilterMint(mint), config)
        return await client._provider.make_request(request, GetTokenAccountsByOwnerJsonParsedResp)


def _level(commitment: Commitment):
    from solders.commitment_config import CommitmentLevel

    return {"finalized": CommitmentLevel.Finalized, "confirmed": CommitmentLevel.Confirmed,
            "processed": CommitmentLevel.Processed}[str(commitment)]
