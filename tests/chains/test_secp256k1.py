"""Key recovery through libsecp256k1, checked against coincurve's own API."""

import hashlib

import coincurve
import pytest

from chains.secp256k1 import ORDER, SignatureError, recover


def _signed(i: int) -> tuple[bytes, bytes, bytes]:
    key = coincurve.PrivateKey(hashlib.sha256(b"key %d" % i).digest())
    digest = hashlib.sha256(b"message %d" % i).digest()
    sig = key.sign_recoverable(digest, hasher=None)
    return sig, digest, key.public_key.format(compressed=False)


def test_recovers_the_signer_and_results_do_not_share_a_buffer():
    results = []
    for i in range(50):
        sig, digest, pub = _signed(i)
        got = recover(sig[:64], sig[64], digest)
        assert got == pub
        results.append((got, pub))
    # The binding reuses one output buffer: earlier results must be untouched.
    assert all(got == pub for got, pub in results)
    assert len({got for got, _ in results}) == 50


def test_another_recovery_id_gives_another_key_or_none():
    sig, digest, pub = _signed(1)
    other = sig[64] ^ 1
    try:
        assert recover(sig[:64], other, digest) != pub
    except SignatureError:
        pass


@pytest.mark.parametrize("r, s", [
    (0, 1),
    (1, 0),
    (ORDER, 1),
    (1, ORDER),
    (2**256 - 1, 1),
])
def test_r_or_s_outside_the_group_order_is_refused(r, s):
    rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    with pytest.raises(SignatureError, match="r or s out of range"):
        recover(rs, 0, b"\x42" * 32)


@pytest.mark.parametrize("rs, recid, digest, reason", [
    (b"\x01" * 63, 0, b"\x42" * 32, "64 bytes"),
    (b"\x01" * 64, 4, b"\x42" * 32, "recovery id"),
    (b"\x01" * 64, 0, b"\x42" * 31, "digest"),
])
def test_malformed_inputs_are_refused_with_their_reason(rs, recid, digest, reason):
    with pytest.raises(SignatureError, match=reason):
        recover(rs, recid, digest)


def test_threads_recovering_at_once_each_get_their_own_signer():
    from concurrent.futures import ThreadPoolExecutor

    cases = [_signed(i) for i in range(64)]

    def run(offset):
        return all(recover(sig[:64], sig[64], digest) == pub
                   for _ in range(20) for sig, digest, pub in cases[offset:] + cases[:offset])

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(run, range(0, 64, 8)))
