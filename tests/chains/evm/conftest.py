import pytest

from tests.nodes import anvil as anvil_node


@pytest.fixture(scope="session")
def anvil():
    node = anvil_node.start()
    yield node
    node.stop()
