"""The one interface every chain family implements.

A family (bitcoin, evm, solana, tron, ...) does two jobs behind it:

* ``verify_ownership(claim)``: check a published proof offline. Pure, no
  network, picklable, so the engine can fan it out over processes. It never
  raises for a bad proof: it returns a ``Verdict`` with the reason.
* an adapter instance, built from config, that reads balances from a node
  at a pinned block (``pin``, ``read_balances``) and may settle verdicts
  that need chain state (``settle_ownership``: EIP-1271, Safe owners).

Adapters know nothing of reports; the engine knows no chain's details.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from reserves.balances import AssetSpec, Balance, BlockRef
from reserves.claims import Claim
from reserves.verdicts import Verdict

Progress = Callable[[int], None]
"""Called with the number of items just finished, for progress bars."""


class ChainAdapter(abc.ABC):
    """Reads one chain at a pinned block through a node the auditor chose."""

    family: ClassVar[str]
    """Registry key: "bitcoin", "evm", "solana", "tron"."""

    def __init__(self, chain: str, settings: dict[str, Any]) -> None:
        self.chain = chain
        self.settings = settings

    @abc.abstractmethod
    def pin(self, height: int, expected_hash: str | None = None) -> BlockRef:
        """Resolve ``height`` to its block, checking it against ``expected_hash``.

        Raises SnapshotError when the node is behind or the block is not
        final, NodeMismatchError when the hash differs (a reorg) or the
        node serves another network, NodeUnavailableError when it is down.
        """

    @abc.abstractmethod
    def read_balances(self, addresses: Sequence[str], assets: Sequence[AssetSpec],
                      block: BlockRef, progress: Progress | None = None) -> list[Balance]:
        """One Balance per (address, asset), in input order, read at ``block``.

        A per-address failure is a Balance with ``error`` set, not an
        exception; only a failure of the whole node raises.
        """

    def token_decimals(self, contract: str, block: BlockRef) -> int | str:
        """The decimals token ``contract`` reports at ``block``, or why there are none.

        Asked only for a token neither the config nor the catalog gives decimals
        for. The default reads none: such a token's balances are not counted.
        """
        return f"the {self.family} adapter does not read token decimals from the chain"

    def settle_ownership(self, claim: Claim, verdict: Verdict, block: BlockRef) -> Verdict:
        """Upgrade or refute a verdict with chain state at ``block``.

        The default changes nothing; the EVM adapter checks contract owners
        (Safe) and EIP-1271 here.
        """
        return verdict

    def close(self) -> None:  # noqa: B027 (optional hook: most adapters hold nothing)
        """Release connections."""

    def __enter__(self) -> "ChainAdapter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
