"""The EVM adapter's conformance (tests/chains/conformance.py) on anvil."""

import pytest

from chains.evm.adapter import Adapter
from tests.chains.conformance import AdapterConformance, Live
from tests.nodes import free_port
from tests.nodes.anvil import CHAIN_ID

pytestmark = pytest.mark.node


@pytest.fixture
def live(anvil, world):
    def make(**extra):
        return Adapter("ethereum", {"rpc": anvil.url, "chain_id": CHAIN_ID, **extra})

    return Live(
        make=make,
        dead=lambda: make(rpc=f"http://127.0.0.1:{free_port()}", retries=0),
        block_hash=lambda h: anvil.w3.eth.get_block(h)["hash"].to_0x_hex(),
        final=lambda: world.block,  # the world mines past anvil's finality lag after it
        not_final=lambda: anvil.w3.eth.block_number,
        future=lambda: anvil.w3.eth.block_number + 10,
        wrong_hash="0x" + "00" * 32)


class TestEvmConformance(AdapterConformance):
    pass
