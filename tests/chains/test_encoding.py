"""Address encodings against bitcoinlib and the specifications' own examples."""

import pytest

from chains.bitcoin.address import AddressError, Destination, decode, encode, encode_cashaddr
from chains.bitcoin.params import params_for
from chains.encoding import b58check_decode, decode_segwit, encode_segwit
from chains.signers import Secp256k1Key, secret

MAIN = params_for("bitcoin", "mainnet")


def test_base58_and_bech32_agree_with_bitcoinlib():
    from bitcoinlib.encoding import addr_base58_to_pubkeyhash, addr_bech32_to_pubkeyhash

    for i in range(20):
        key = Secp256k1Key(secret("enc", i))
        for kind in ("p2pkh", "p2sh-p2wpkh", "p2wpkh"):
            address = key.btc_address(kind)
            ours = decode(address, MAIN).program
            if kind == "p2wpkh":
                theirs = addr_bech32_to_pubkeyhash(address)
            else:
                theirs = addr_base58_to_pubkeyhash(address, True)
            assert ours == bytes.fromhex(theirs) if isinstance(theirs, str) else ours == theirs


def test_bip350_examples():
    # BIP-173 / BIP-350 example addresses (facts from the BIPs).
    v0 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert decode(v0, MAIN) == Destination("p2wpkh",
                                           bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    # A v1 program written with the bech32 (v0) checksum is invalid under BIP-350.
    program = bytes(range(32))
    good = encode_segwit("bc", 1, program)
    assert decode_segwit("bc", good) == (1, program)
    from chains.encoding import bech32_encode, convert_bits
    bad = bech32_encode("bc", [1] + convert_bits(program, 8, 5, True), 1)
    with pytest.raises(ValueError, match="wrong checksum variant"):
        decode_segwit("bc", bad)


@pytest.mark.parametrize("address,problem", [
    ("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv", "checksum"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "checksum"),
    ("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "not a base58"),
    ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "version byte"),
    ("", "empty"),
    ("0x0114efa8f268ce0a41d92b7f9a13880dad234848", "base58"),
])
def test_bad_addresses_are_refused(address, problem):
    with pytest.raises(AddressError, match=problem):
        decode(address, MAIN)


def test_cashaddr_spec_example():
    """The CashAddr spec's example: legacy 1BpEi6Df... is bitcoincash:qpm2qsznhks23z7..."""
    legacy = "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"
    dest = decode(legacy, params_for("bitcoin-cash", "mainnet"))
    cash = encode_cashaddr(dest, "bitcoincash")
    assert cash == "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
    assert decode(cash, params_for("bitcoin-cash", "mainnet")) == dest
    assert decode(cash.split(":")[1], params_for("bitcoin-cash", "mainnet")) == dest
    with pytest.raises(AddressError, match="checksum"):
        decode(cash[:-1] + ("q" if cash[-1] != "q" else "p"), params_for("bitcoin-cash", "mainnet"))


def test_round_trip_every_kind():
    key = Secp256k1Key(secret("rt", 1))
    for network in ("mainnet", "testnet", "regtest"):
        params = params_for("bitcoin", network)
        for kind in ("p2pkh", "p2wpkh", "p2sh-p2wpkh"):
            address = key.btc_address(kind, network=network)
            assert encode(decode(address, params), params) == address
    assert b58check_decode("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu")[0] == 0


def _reference_polymod(values):
    """BIP-173's checksum, written as the BIP gives it."""
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def test_table_checksum_agrees_with_the_bip_loop_on_random_strings():
    import random

    from chains.encoding import _B32_CHARSET, _bech32_parse, _hrp_expand

    rng = random.Random(173)
    agreed = valid = 0
    for _ in range(4000):
        hrp = "".join(rng.choice("abcxyz019~!") for _ in range(rng.randint(1, 12)))
        data = [rng.randrange(32) for _ in range(rng.randint(6, 89 - len(hrp)))]
        if rng.random() < 0.5:  # make the checksum valid (bech32 or bech32m)
            const = rng.choice((1, 0x2BC830A3))
            pm = _reference_polymod(_hrp_expand(hrp) + data[:-6] + [0] * 6) ^ const
            data[-6:] = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
        text = hrp + "1" + "".join(_B32_CHARSET[d] for d in data)
        expected = _reference_polymod(_hrp_expand(hrp) + data)
        try:
            got_hrp, count, number, const = _bech32_parse(text, 90)
        except ValueError as e:
            assert "checksum" in str(e) and expected not in (1, 0x2BC830A3)
            agreed += 1
            continue
        assert (got_hrp, count, const) == (hrp, len(data), expected)
        assert number == int("".join(f"{d:05b}" for d in data), 2)
        agreed += 1
        valid += 1
    assert agreed == 4000 and valid > 1500


def test_segwit_programs_of_every_length_and_version_round_trip():
    import random

    from chains.encoding import bech32_encode, convert_bits

    rng = random.Random(350)
    for version in range(17):
        for size in range(2, 41):
            program = bytes(rng.randrange(256) for _ in range(size))
            if version == 0 and size not in (20, 32):
                continue
            address = encode_segwit("bc", version, program)
            assert decode_segwit("bc", address) == (version, program)
    # Non-zero padding bits, and a leftover of 5 or more bits, are refused (BIP-173).
    data = convert_bits(bytes(32), 8, 5, True)  # 52 values: 4 padding bits
    data[-1] |= 1
    with pytest.raises(ValueError, match="padding"):
        decode_segwit("bc", bech32_encode("bc", [0] + data, 1))
    with pytest.raises(ValueError, match="padding"):
        decode_segwit("bc", bech32_encode("bc", [0] + convert_bits(bytes(20), 8, 5, True) + [0],
                                          1))


def test_strings_longer_than_the_tables_still_get_the_whole_checksum():
    from chains.encoding import _B32_CHARSET, _bech32_parse, _hrp_expand

    data = [i % 32 for i in range(300)]
    pm = _reference_polymod(_hrp_expand("lnbc") + data[:-6] + [0] * 6) ^ 1
    data[-6:] = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    text = "lnbc1" + "".join(_B32_CHARSET[d] for d in data)
    assert _bech32_parse(text, 1023)[3] == 1
    flipped = text[:10] + ("q" if text[10] != "q" else "p") + text[11:]  # far from the end
    with pytest.raises(ValueError, match="checksum"):
        _bech32_parse(flipped, 1023)
