"""The Bitcoin adapter's conformance (tests/chains/conformance.py) on bcoin regtest."""

import pytest

from chains.bitcoin.adapter import Adapter
from chains.bitcoin.settings import CONFIRMATIONS
from reserves.errors import SnapshotError
from tests.chains.conformance import AdapterConformance, Live
from tests.nodes import free_port

pytestmark = pytest.mark.node


@pytest.fixture
def live(bcoin, btc_world):
    def make(**extra):
        return Adapter("bitcoin", {"rpc": bcoin.url, "network": "regtest", "scan": "forward",
                                   **extra})

    return Live(
        make=make,
        dead=lambda: make(rpc=f"http://x:y@127.0.0.1:{free_port()}"),
        block_hash=lambda h: bcoin.call("getblockhash", h),
        final=lambda: btc_world.height,  # the world mines CONFIRMATIONS blocks above it
        not_final=lambda: bcoin.call("getblockcount"),
        future=lambda: bcoin.call("getblockcount") + 1,
        wrong_hash="00" * 32)


class TestBitcoinConformance(AdapterConformance):
    def test_finality_is_depth_below_the_tip(self, live, bcoin):
        tip = bcoin.call("getblockcount")
        with live.make() as a:
            assert a.pin(tip - CONFIRMATIONS).height == tip - CONFIRMATIONS
            with pytest.raises(SnapshotError, match=f"{CONFIRMATIONS - 1} block\\(s\\) above"):
                a.pin(tip - CONFIRMATIONS + 1)
        with live.make(confirmations=0) as a:  # waived explicitly: the tip itself
            assert a.pin(tip).height == tip
