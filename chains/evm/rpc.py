"""JSON-RPC to an EVM node, through web3's HTTP provider, with batches and retries.

Everything the adapter asks the node goes through ``EvmRpc``: single calls,
batches (split into chunks of ``batch_size``), bounded concurrency across
chunks, and retries with exponential backoff on HTTP 429 and 5xx and on
dropped connections. Third-party errors end here: callers see
``NodeUnavailableError`` (node down, refused, timed out, bad credentials)
or ``RpcCallError`` (the node answered with a JSON-RPC error).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from web3.providers import HTTPProvider

from reserves.errors import ChainError, NodeUnavailableError
from reserves.urls import redact


class RpcCallError(ChainError):
    """The node answered a call with a JSON-RPC error."""

    def __init__(self, method: str, error: dict) -> None:
        self.method = method
        self.error = error
        super().__init__(f"{method} failed: {error.get('message', error)} "
                         f"(code {error.get('code')})")


class EvmRpc:
    def __init__(self, url: str, timeout: float = 30.0, retries: int = 4,
                 batch_size: int = 500, concurrency: int = 4) -> None:
        self.url = url
        self.shown = redact(url)
        self.retries = retries
        self.batch_size = batch_size
        self.concurrency = concurrency
        # web3 retries single calls itself (5 tries) unless told not to: the retries
        # here are the only ones, so ``retries`` means what the config says.
        self._provider = HTTPProvider(url, request_kwargs={"timeout": timeout},
                                      exception_retry_configuration=None)

    def _with_retries(self, send):
        delay = 0.25
        for attempt in range(self.retries + 1):
            try:
                return send()
            except requests.HTTPError as e:
                status = e.response.status_code if e.response is not None else 0
                if status in (401, 403):
                    raise NodeUnavailableError(
                        f"node {self.shown} refused the credentials (HTTP {status})") from None
                if (status == 429 or status >= 500) and attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise NodeUnavailableError(f"node {self.shown} answered HTTP {status}") from None
            except (requests.ConnectionError, requests.Timeout) as e:
                if attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                kind = "timed out" if isinstance(e, requests.Timeout) else "is unreachable"
                raise NodeUnavailableError(f"node {self.shown} {kind}") from None
            except ValueError as e:  # not JSON: not a JSON-RPC endpoint
                raise NodeUnavailableError(f"node {self.shown} did not answer JSON-RPC "
                                           f"({e})") from None

    def call(self, method: str, params: Sequence[Any]) -> Any:
        response = self._with_retries(lambda: self._provider.make_request(method, list(params)))
        if response.get("error"):
            raise RpcCallError(method, response["error"])
        return response.get("result")

    def _batch(self, calls: list[tuple[str, list]]) -> list[dict]:
        responses = self._with_retries(lambda: self._provider.make_batch_request(calls))
        if isinstance(responses, dict):  # the whole batch was refused
            raise RpcCallError("batch", responses.get("error") or responses)
        if len(responses) != len(calls):
            raise ChainError(f"node {self.shown} answered {len(responses)} of "
                             f"{len(calls)} batched calls")
        return sorted(responses, key=lambda r: r["id"])

    def batch(self, calls: Sequence[tuple[str, list]], size: int | None = None) -> list[dict]:
        """Raw responses ({"result"} or {"error"}), in the order of ``calls``.

        ``size`` caps the calls per HTTP request below ``batch_size`` for heavy calls
        (nodes refuse oversized request bodies).
        """
        size = min(size or self.batch_size, self.batch_size)
        chunks = [list(calls[i:i + size]) for i in range(0, len(calls), size)]
        if len(chunks) <= 1 or self.concurrency <= 1:
            return [r for c in chunks for r in self._batch(c)]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return [r for part in pool.map(self._batch, chunks) for r in part]
