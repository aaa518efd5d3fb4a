"""Node URLs are shown and recorded without their secrets."""

import pytest

from reserves.urls import redact


@pytest.mark.parametrize("url,shown", [
    ("http://127.0.0.1:8332", "http://127.0.0.1:8332"),
    ("http://user:pass@127.0.0.1:8332/", "http://127.0.0.1:8332/"),
    ("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161",
     "https://mainnet.infura.io/v3/***"),
    ("https://eth-mainnet.g.alchemy.com/v2/Ab3dEfGhIjKlMnOpQrStUv12",
     "https://eth-mainnet.g.alchemy.com/v2/***"),
    ("https://mainnet.helius-rpc.com/?api-key=0123-4567", "https://mainnet.helius-rpc.com/?api-key=***"),
    ("https://api.avax.network/ext/bc/C/rpc", "https://api.avax.network/ext/bc/C/rpc"),
    ("https://solana-mainnet.example/rpc", "https://solana-mainnet.example/rpc"),
    ("http://u:p@[::1]:8545/x?token=abc&v=1", "http://[::1]:8545/x?token=***&v=***"),
])
def test_redact(url, shown):
    assert redact(url) == shown
    assert "pass" not in redact(url) and "9aa3d95b" not in redact(url)
