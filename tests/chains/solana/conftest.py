import pytest

from tests.nodes import surfpool


@pytest.fixture(scope="session")
def surfnet():
    node = surfpool.start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def sol_world(surfnet):
    from tests.chains.solana import world

    return world.build(surfnet)
