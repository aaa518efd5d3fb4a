"""The walk-back path (scantxoutset + getblock verbosity 3), which bcoin lacks, replayed
from a RECORDED fixture in Bitcoin Core's documented format
(tests/fixtures/bitcoin/core_format_exchanges.json, see record_core_format.py)."""

import json

import pytest

from chains.bitcoin.adapter import Adapter
from reserves.balances import AssetSpec
from reserves.errors import ChainError, ReservesError
from reserves.evidence.exchanges import Replayer
from tests.support import ROOT

FIXTURE = ROOT / "tests/fixtures/bitcoin/core_format_exchanges.json"


@pytest.fixture(scope="module")
def recorded():
    return json.loads(FIXTURE.read_text())


def _run(recorded, scan, exchanges=None):
    replayer = Replayer(exchanges if exchanges is not None else recorded["exchanges"])
    try:
        # The recorded chain has 3 blocks above H: that is the depth it was recorded at.
        settings = {"rpc": replayer.url.replace("http://", "http://x:y@"), "network": "regtest",
                    "scan": scan, "start_height": 445, "confirmations": 3}
        with Adapter("bitcoin", settings) as a:
            block = a.pin(recorded["height"], recorded["block_hash"])
            return a.read_balances(list(recorded["addresses"].values()), [AssetSpec("BTC", 8)],
                                   block)
    finally:
        replayer.close()


@pytest.mark.parametrize("scan,method", [("walk-back", "utxo-walk-back"),
                                         ("forward", "utxo-forward-scan"),
                                         ("auto", "utxo-walk-back")])
def test_both_scans_give_the_expected_balances(recorded, scan, method):
    got = _run(recorded, scan)
    assert {b.address: b.amount for b in got} == recorded["expected"]
    assert all(b.method == method and b.proven is True for b in got)


def test_a_missing_prevout_is_refused(recorded):
    """A node whose verbosity-3 blocks lack prevouts cannot be walked back."""
    exchanges = []
    for e in recorded["exchanges"]:
        if e["key"].startswith("POST / ") and '"getblock"' in e["key"] and ',3]' in e["key"]:
            data = json.loads(e["response"]["text"])
            for answer in data if isinstance(data, list) else [data]:
                for tx in (answer.get("result") or {}).get("tx", []):
                    for vin in tx["vin"]:
                        vin.pop("prevout", None)
            e = dict(e, response={"text": json.dumps(data)})
        exchanges.append(e)
    with pytest.raises((ChainError, ReservesError)):
        _run(recorded, "walk-back", exchanges)
