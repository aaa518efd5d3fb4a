import pytest

from tests.nodes import anvil as anvil_node


@pytest.fixture(scope="session")
def anvil():
    node = anvil_node.start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def world(anvil):
    from tests.chains.evm import world as world_mod

    return world_mod.build(anvil)
