"""What every chain adapter must do at its pinned block, checked on its real node.

Every figure an audit reports was read at one block; ``pin`` is where an
adapter proves that block is the one meant: it exists, it is final, it has the
hash the config pinned, and a node that cannot say so stops the run with an
exact error. These checks are the same for every family, so they are written
once, here.

Each adapter's test package subclasses ``AdapterConformance`` (in
``tests/chains/<family>/test_conformance.py``) and provides a ``live`` fixture:
a ``Live`` for its adapter on its real local node (bcoin, anvil, Surfpool).
Checks for later rules (a declared scheme, the canonical key round-trip, a
reorg under the pinned block, one address's error not failing the others)
belong here too, as further methods using further ``Live`` fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from chains.base import ChainAdapter
from reserves.errors import NodeMismatchError, NodeUnavailableError, SnapshotError


@dataclass
class Live:
    """One adapter family on its real node, as the conformance checks need it.

    Heights are asked for when a check runs (a shared node's tip moves as other
    tests mine), so each is a callable.
    """

    make: Callable[..., ChainAdapter]
    """An adapter on the live node; keyword arguments override its settings."""
    dead: Callable[[], ChainAdapter]
    """The same adapter pointed at a local port nothing listens on."""
    block_hash: Callable[[int], str]
    """The hash of the block at a height, asked of the node directly (not the adapter)."""
    final: Callable[[], int]
    """A height the node has and that is final under the adapter's default settings."""
    not_final: Callable[[], int]
    """A height the node has but that is not final yet."""
    future: Callable[[], int]
    """A height above the node's tip."""
    wrong_hash: str
    """A well-formed block hash that is no block's."""


def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert message and "\n" not in message, message
    return message


class AdapterConformance:
    """The checks; a subclass named ``Test...`` with a ``live`` fixture runs them."""

    def test_pinning_returns_the_blocks_hash(self, live: Live):
        height = live.final()
        with live.make() as adapter:
            block = adapter.pin(height)
        assert block.height == height
        assert block.hash == live.block_hash(height)
        with live.make() as adapter:  # and pinning that hash is accepted
            assert adapter.pin(height, block.hash).hash == block.hash

    def test_a_future_height_is_refused(self, live: Live):
        with live.make() as adapter, pytest.raises(SnapshotError) as e:
            adapter.pin(live.future())
        _one_line(e)

    def test_a_height_that_is_not_final_is_refused(self, live: Live):
        with live.make() as adapter, pytest.raises(SnapshotError) as e:
            adapter.pin(live.not_final())
        assert "final" in _one_line(e)

    def test_a_wrong_pinned_hash_is_a_node_mismatch(self, live: Live):
        with live.make() as adapter, pytest.raises(NodeMismatchError) as e:
            adapter.pin(live.final(), live.wrong_hash)
        assert live.wrong_hash in _one_line(e)

    def test_a_dead_node_is_unavailable(self, live: Live):
        with live.dead() as adapter, pytest.raises(NodeUnavailableError) as e:
            adapter.pin(live.final())
        _one_line(e)
