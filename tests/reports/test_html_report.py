"""report.html rendered in headless Chromium: the chart is drawn, the text matches the JSON."""

import json

import pytest

from reports import html, json_report
from reports.common import amount, percent
from reserves.balances import Balance
from reserves.claims_check import check_claims
from reserves.message_policy import MessagePolicy
from reserves.reconcile import LiabilityTotal, address_key, reconcile
from reserves.result import AuditResult
from tests.reports import chromium
from tests.support import ROOT

GREEN, RED = (0x2E, 0x7D, 0x32), (0xC6, 0x28, 0x28)


@pytest.fixture(scope="module")
def result():
    check = check_claims(str(ROOT / "examples/demo/claims.csv"), jobs=1,
                         policy=MessagePolicy("Demo Exchange proof of reserves, snapshot "
                                              "2026-11-24"))
    balances = {}
    for c in check.claims:
        if c.amount is not None:
            balances[(c.chain, address_key(c), c.asset)] = Balance(
                c.chain, c.address, c.asset, c.amount, c.decimals, 7, "ab" * 32, "test")
    owed = [LiabilityTotal("BTC", 8, 20 * 10**8, "recomputed"),
            LiabilityTotal("USDT", 6, 6_000_000 * 10**6, "attested")]
    addresses, coverage, findings = reconcile(check.claims, check.verdicts, balances, owed)
    return AuditResult("Demo Exchange", [{"chain": "bitcoin", "height": 7, "block_hash": "ab" * 32,
                                          "source": "test"}],
                       [{"role": "claims", "path": "claims.csv", "sha256": "00", "format": "native"}],
                       None, addresses, coverage, findings, "exactly 'x'")


def test_screenshot_shows_the_charts(result, tmp_path):
    from PIL import Image

    page = tmp_path / "report.html"
    page.write_text(html.render(result))
    png = tmp_path / "shot.png"
    chromium.screenshot(page, png, tmp_path / "profile")
    image = Image.open(png).convert("RGB")
    assert image.size == (1100, 1600)
    colors = image.getcolors(maxcolors=1 << 20)
    counts = {rgb: n for n, rgb in colors}
    # Bars are 26 px high; a visible verified segment is thousands of pixels.
    assert counts.get(GREEN, 0) > 5000
    assert counts.get(RED, 0) > 500  # USDT has unverified reserves


def test_page_text_matches_the_json(result, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(html.render(result))
    text = chromium.dom(page, tmp_path / "profile")
    tables = chromium.tables(text)
    doc = json.loads(json_report.render(result))
    rows = {r[0]: r for r in tables["coverage"][1:]}
    assert set(rows) == {c["asset"] for c in doc["coverage"]}
    for c in doc["coverage"]:
        r = rows[c["asset"]]
        d = c["decimals"]
        assert r[1] == amount(c["verified"], d)
        assert r[5] == amount(c["liabilities"], d)
        assert r[6] == percent(c["coverage"])
        assert r[9] == c["status"]
    assert len(tables["addresses"]) - 1 == len(doc["addresses"])
    assert len(tables["findings"]) - 1 == len(doc["findings"])
    assert "USDT" in text and "deficit" in text
