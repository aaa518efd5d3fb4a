"""Verdicts cross process boundaries (the verify workers send them back pickled)."""

from __future__ import annotations

import pickle

import pytest

from reserves.verdicts import Status, Verdict, failed, owner_signed, unsigned, unsupported, verified

ALL = [
    verified("eip191-keccak", "recovered signer is this address", ("0xab",)),
    failed("bad signature: r or s out of range", "bip137", ("02aa", "03bb"), onchain=True),
    failed("address does not decode: bad checksum"),
    unsupported("chain ton is not supported", "ton-proof"),
    owner_signed("eip191-keccak", "2 owner(s) of this contract signed", ("0x01", "0x02")),
    unsigned(),
]


@pytest.mark.parametrize("verdict", ALL, ids=lambda v: v.status.value)
def test_pickle_round_trip_keeps_every_field(verdict: Verdict) -> None:
    for protocol in (2, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(verdict, protocol=protocol))
        assert back == verdict
        assert back.status is verdict.status  # the enum member itself, not a copy
        assert type(back.signers) is tuple


def test_every_status_round_trips() -> None:
    for status in Status:
        v = Verdict(status, f"reason for {status.value}")
        assert pickle.loads(pickle.dumps(v)).status is status


def test_unpickling_still_refuses_an_empty_reason() -> None:
    restore, args = verified("raw-keccak", "a reason").__reduce__()
    assert restore(*args) == verified("raw-keccak", "a reason")
    with pytest.raises(ValueError, match="needs a reason"):
        restore(args[0], "", *args[2:])
