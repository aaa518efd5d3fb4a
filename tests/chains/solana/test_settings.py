"""The [chains.solana] table: every wrong key is named."""

import pytest

from chains.solana.settings import parse
from reserves.errors import ConfigError


@pytest.mark.parametrize("raw,needle", [
    ({}, "chains.solana.rpc: missing"),
    ({"rpc": "http://x", "slot": 5}, "chains.solana.slot: unknown key"),
    ({"rpc": "http://x", "mode": "now"}, "chains.solana.mode: must be history or context"),
    ({"rpc": "http://x", "commitment": "processed"}, "chains.solana.commitment"),
    ({"rpc": "http://x", "page_size": 5000}, "chains.solana.page_size"),
    ({"rpc": "http://x", "concurrency": 0}, "chains.solana.concurrency"),
    ({"rpc": "http://x", "timeout": True}, "chains.solana.timeout"),
])
def test_bad_settings_name_the_key(raw, needle):
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        parse("solana", raw)


def test_defaults():
    s = parse("solana", {"rpc": "http://127.0.0.1:8899"})
    assert (s.mode, s.commitment, s.page_size, s.concurrency) == ("history", "finalized", 1000, 16)
