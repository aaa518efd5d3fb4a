import pytest

from tests.nodes import bcoin as bcoin_node


@pytest.fixture(scope="session")
def bcoin():
    node = bcoin_node.start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def btc_world(bcoin):
    from tests.chains.bitcoin import world

    return world.build(bcoin)
