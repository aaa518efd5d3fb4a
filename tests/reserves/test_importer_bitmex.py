"""BitMEX's reserves YAML: every multisig row checked as a script against the published keys.

No BitMEX file is in shared/, so these files follow the published field names
(BitMEX/proof-of-reserves-liabilities: address[addr, addr_type, script,
balance], chain, claim{m, n}, height, keys, total) with scripts of our own keys
in every form BitMEX uses: P2SH with uncompressed keys, P2SH-P2WSH and P2WSH
with compressed ones, plus the extra ("vanity") key outside the published set.
"""

import json

import pytest
import yaml

from chains.signers import Secp256k1Key, multisig_address, secret
from reserves.claims_check import check_claims
from reserves.cli import main
from reserves.importers import load, sniff


def _keys(n, seed):
    return [Secp256k1Key(secret(seed, i)) for i in range(n)]


def script(m, pubs):
    return (bytes([0x50 + m]) + b"".join(bytes([len(p)]) + p for p in pubs)
            + bytes([0x50 + len(pubs), 0xAE]))


FORM = {"sh": "p2sh", "sh_wsh": "p2sh-p2wsh", "wsh": "p2wsh"}


def row(kind, s, balance, address=None, network="mainnet"):
    return {"addr": address or multisig_address(s, FORM[kind], network=network),
            "addr_type": kind,
            "script": s.hex(), "balance": balance}


def write(tmp_path, rows, keys, m, n, total=None, chain="main", name="reserves.yaml", **extra):
    proof = {"address": rows, "chain": chain, "claim": {"m": m, "n": n}, "height": 693062,
             "keys": keys, "total": sum(r.get("balance", 0) for r in rows) if total is None
             else total, **extra}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(proof))
    return str(path)


def verdicts(path):
    check = check_claims(path, jobs=1)
    return check, [(v.status.value, v.reason) for v in check.verdicts]


def test_three_of_four_in_every_form_like_bitmex(tmp_path):
    static = _keys(3, "bitmex-static")
    vanity = Secp256k1Key(secret("bitmex-vanity", 0))
    legacy = script(3, [k.pub(False) for k in static] + [vanity.pub(False)])
    segwit = script(3, [k.pub() for k in static] + [vanity.pub()])
    path = write(tmp_path, [row("sh", legacy, 100_000), row("sh_wsh", segwit, 40_000),
                            row("wsh", segwit, 7_000)],
                 [k.pub(False).hex() for k in static], 3, 4)
    assert sniff(open(path).read()) == "bitmex"
    check, got = verdicts(path)
    assert check.file.format == "bitmex"
    assert [s for s, _ in got] == ["unsigned"] * 3
    assert got[0][1] == ("3-of-4 P2SH script matches the published keys (keys #1, #2, #3; "
                         "1 other); no signature")
    assert got[1][1].startswith("3-of-4 P2SH-P2WSH script matches")
    assert got[2][1].startswith("3-of-4 P2WSH script matches")
    first = check.claims[0]
    assert (first.chain, first.asset, first.network, first.height) == ("bitcoin", "BTC",
                                                                       "mainnet", 693062)
    assert (first.amount, first.decimals, first.row) == (100_000, 8, 2)
    assert first.proof.script_type == "sh" and first.proof.published.m == 3
    assert check.exit_code == 0 and not [f for f in check.findings if f.kind.startswith("tot")]


@pytest.mark.parametrize("m, n, kinds", [(2, 3, ("sh", "wsh")), (3, 5, ("sh", "wsh", "sh_wsh"))])
def test_two_of_three_and_three_of_five_p2sh_and_p2wsh(tmp_path, m, n, kinds):
    keys = _keys(n, f"bitmex-{m}of{n}")
    s = script(m, [k.pub() for k in keys])
    path = write(tmp_path, [row(kind, s, 1_000 + i, network="regtest")
                            for i, kind in enumerate(kinds)],
                 [k.pub().hex() for k in keys], m, n, chain="regtest")
    check, got = verdicts(path)
    assert [v for v, _ in got] == ["unsigned"] * len(kinds)
    assert all(f"{m}-of-{n}" in r and f"{n - n} other" in r for _, r in got)
    assert check.claims[0].network == "regtest" and check.claims[0].address.startswith("2")


def test_scripts_that_do_not_put_the_address_under_the_published_keys_fail(tmp_path):
    static = _keys(3, "bitmex-static")
    outsiders = _keys(3, "bitmex-outsider")
    good = script(3, [k.pub() for k in static] + [outsiders[0].pub()])
    other = script(3, [k.pub() for k in static] + [outsiders[1].pub()])
    two_only = script(3, [k.pub() for k in static[:2]] + [o.pub() for o in outsiders[:2]])
    wrong_m = script(2, [k.pub() for k in static] + [outsiders[0].pub()])
    rows = [
        row("wsh", good, 1, address=multisig_address(other, "p2wsh")),  # not this address
        row("sh_wsh", good, 2, address=multisig_address(good, "p2sh")),  # hashes as P2SH
        row("wsh", two_only, 3),  # only 2 published keys, m = 3
        row("wsh", wrong_m, 4),  # a 2-of-4 in a 3-of-4 file
        {"addr": multisig_address(good, "p2wsh"), "addr_type": "wsh", "script": "zz",
         "balance": 5},
        row("wsh", good, 6),  # the one good row
    ]
    check, got = verdicts(path := write(tmp_path, rows, [k.pub().hex() for k in static], 3, 4))
    assert [s for s, _ in got] == ["failed"] * 5 + ["unsigned"]
    assert got[0][1] == "the script does not hash to this address as P2WSH (the address is p2wsh)"
    assert got[1][1] == "addr_type is sh_wsh but the script hashes to this address as P2SH"
    assert got[2][1] == ("3-of-4 P2WSH: only 2 of its keys are published keys, fewer than the "
                         "3 needed to spend")
    assert got[3][1] == "the script is 2-of-4; the file claims 3-of-4"
    assert got[4][1] == "script is not valid hex"
    assert check.exit_code == 1
    assert main(["claims", "verify", path, "--quiet"]) == 1


def test_keys_outside_the_published_set_that_could_spend_alone_fail(tmp_path):
    """A lender's 2 keys beside the exchange's 2 in a 2-of-4: the lender can move it alone."""
    ours, lender = _keys(2, "bitmex-ours"), _keys(2, "bitmex-lender")
    s = script(2, [k.pub() for k in ours + lender])
    _, got = verdicts(write(tmp_path, [row("wsh", s, 1)], [k.pub().hex() for k in ours], 2, 4))
    assert got == [("failed", "2-of-4 P2WSH: 2 of its keys are not published keys, enough to "
                              "spend without any published key")]


def test_a_published_key_that_is_not_a_point_fails_every_row(tmp_path):
    keys = _keys(2, "bitmex-bad")
    s = script(2, [k.pub() for k in keys])
    bad = "02" + "00" * 32
    _, got = verdicts(write(tmp_path, [row("wsh", s, 1)], [keys[0].pub().hex(), bad], 2, 2))
    assert got[0][0] == "failed" and "published key 2" in got[0][1]


def test_a_script_key_matches_a_published_key_only_as_the_same_point(tmp_path):
    """A 65-byte 'key' with the published X but off the curve is not that key."""
    keys = _keys(3, "bitmex-point")
    fake = b"\x04" + keys[2].pub(False)[1:33] + bytes(32)
    s = script(3, [keys[0].pub(False), keys[1].pub(False), fake])
    _, got = verdicts(write(tmp_path, [row("sh", s, 1)], [k.pub(False).hex() for k in keys],
                            3, 3))
    assert got[0][0] == "failed" and "only 2 of its keys are published" in got[0][1]


def test_a_p2sh_redeem_script_over_520_bytes_can_never_be_spent(tmp_path):
    keys = _keys(8, "bitmex-long")
    s = script(2, [k.pub(False) for k in keys])  # 1 + 8 * 66 + 2 = 531 bytes
    _, got = verdicts(write(tmp_path, [row("sh", s, 1)], [k.pub(False).hex() for k in keys],
                            2, 8))
    assert got == [("failed", "the redeem script is 531 bytes; a P2SH redeem script of more "
                              "than 520 can never be spent")]


def test_unspendable_rows_are_unsigned_and_say_why(tmp_path):
    keys = _keys(2, "bitmex-other")
    s = script(2, [k.pub() for k in keys])
    rows = [{"addr": multisig_address(s, "p2wsh"), "addr_type": "unspendable", "balance": 9}]
    _, got = verdicts(write(tmp_path, rows, [k.pub().hex() for k in keys], 2, 2))
    assert got == [("unsigned", "the file marks this address unspendable (addr_type "
                                "unspendable); no signature")]


def _xpub(seed: str):
    from bitcoinlib.keys import HDKey

    return HDKey.from_seed(secret(seed, 0), witness_type="legacy")


def _p2wpkh(pub: bytes) -> str:
    from chains.bitcoin.address import Destination, encode
    from chains.bitcoin.params import params_for
    from chains.hashes import hash160

    return encode(Destination("p2wpkh", hash160(pub)), params_for("bitcoin", "mainnet"))


def test_wpkh_rows_derived_from_the_published_xpub(tmp_path):
    """bitcoinlib's BIP-32 derivation is the oracle for the address at each path."""
    hd, other = _xpub("bitmex-xpub"), _xpub("bitmex-other-xpub")
    xpub = hd.wif_public()
    at = {path: _p2wpkh(bytes.fromhex(hd.child_public(path[0]).child_public(path[1]).public_hex))
          for path in [(0, 3), (1, 9)]}
    keys = _keys(2, "bitmex-wpkh")
    rows = [
        {"addr": at[(0, 3)], "addr_type": "wpkh", "script": f"wpkh({xpub}/0/3)", "balance": 1},
        {"addr": at[(1, 9)], "addr_type": "wpkh",
         "script": f"wpkh([d34db33f/84h/0h/0h]{xpub}/1/9)#qwertyui", "balance": 2},
        {"addr": at[(0, 3)], "addr_type": "wpkh", "script": f"wpkh({xpub}/0/4)", "balance": 3},
        {"addr": at[(0, 3)], "addr_type": "wpkh", "script": f"wpkh({other.wif_public()}/0/3)",
         "balance": 4},
        {"addr": at[(0, 3)], "addr_type": "wpkh", "script": f"wpkh({xpub}/0/*)", "balance": 5},
        {"addr": at[(0, 3)], "addr_type": "wpkh", "script": f"wpkh({xpub}/0h/3)", "balance": 6},
        {"addr": at[(0, 3)], "addr_type": "wpkh", "script": "pkh(02ab)", "balance": 7},
    ]
    _, got = verdicts(write(tmp_path, rows, [k.pub().hex() for k in keys], 2, 2, xpub=[xpub]))
    assert got[0] == ("unsigned", "P2WPKH key at xpub #1/0/3 of the published xpub; no "
                                  "signature")
    assert got[1][0] == "unsigned"
    assert got[2][0] == "failed" and "does not hash to this P2WPKH address" in got[2][1]
    assert got[3] == ("failed", "the descriptor's xpub is not one the file publishes")
    assert got[4][0] == "unsupported" and "a range (*)" in got[4][1]
    assert got[5][0] == "unsupported" and "hardened" in got[5][1]
    assert got[6] == ("failed", "wpkh descriptor: not a wpkh(xpub/...) descriptor")


def test_total_checked_exactly_in_satoshis(tmp_path):
    keys = _keys(2, "bitmex-total")
    s = script(2, [k.pub() for k in keys])
    path = write(tmp_path, [row("wsh", s, 5), row("sh", s, 6)], [k.pub().hex() for k in keys],
                 2, 2, total=12)
    check, _ = verdicts(path)
    (f,) = [f for f in check.findings if f.kind == "totals-mismatch"]
    assert f.message == ("BTC: the file's total is 12 sat, its 2 address rows add up to 11 sat "
                         "(difference -1)")
    assert check.exit_code == 1


def test_claims_verify_json_on_a_bitmex_file(tmp_path, capsys):
    keys = _keys(3, "bitmex-json")
    s = script(2, [k.pub() for k in keys])
    path = write(tmp_path, [row("wsh", s, 10)], [k.pub().hex() for k in keys], 2, 3,
                 blockhash="00" * 32)
    assert main(["claims", "verify", path, "--json", "--quiet"]) == 0
    (obj,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (obj["verdict"], obj["scheme"], obj["amount"], obj["row"]) == \
        ("unsigned", "bitcoin-multisig", 10, 2)


@pytest.mark.parametrize("text, where, what", [
    ("address:\n- addr: x\n  addr_type: wsh\n  script: ab\n  colour: red\n", ":5 (address[1]):",
     "unknown key 'colour'"),
    ("address:\n- addr: x\n  addr_type: wsh\n  script: ab\n  balance: 1.5\n",
     ":2 (address[1].balance):", "'1.5' is not a whole number"),
    ("address:\n- addr: x\n  addr_type: p2tr\n  script: ab\n", ":2 (address[1].addr_type):",
     "addr_type 'p2tr' is not one of"),
    ("address:\n- addr: x\n  addr_type: wsh\n", ":2 (address[1]):", "missing script"),
    ("address:\n- addr: x\n  addr_type: wsh\n  script: \"ab\n", ":", "not valid YAML"),
    ("address:\n- addr: x\n  addr_type: wsh\n  script: [ab]\n", ":4 (address[1].script):",
     "script must be a single value"),
    ("address:\n- addr: x\n  addr_type: wsh\n  script: ab\n" "chain: moon\n", ":", "chain 'moon'"),
    ("address: []\nfoo: 1\n", ":2:", "unknown key 'foo'"),
    ("address:\n- &a {addr: x, addr_type: wsh, script: ab}\n- *a\n", ":3:", "aliases"),
])
def test_malformed_files_are_one_line_errors(tmp_path, capsys, text, where, what):
    tail = "chain: main\nclaim: {m: 1, n: 1}\nheight: 1\nkeys: ['02ab']\ntotal: 0\n"
    if "chain:" in text:
        tail = tail.replace("chain: main\n", "")
    path = tmp_path / "r.yaml"
    path.write_text(text + tail)
    assert main(["claims", "verify", str(path), "--format", "bitmex"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"r.yaml{where}" in err and what in err, err


def test_a_file_cut_short_is_unusable_input(tmp_path, capsys):
    keys = _keys(2, "bitmex-cut")
    s = script(2, [k.pub() for k in keys])
    path = write(tmp_path, [row("wsh", s, i) for i in range(50)],
                 [k.pub().hex() for k in keys], 2, 2)
    text = open(path).read()
    open(path, "w").write(text[:len(text) // 2])
    assert main(["claims", "verify", path]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "reserves.yaml:" in err


def test_keys_in_any_order_and_streamed_whole(tmp_path):
    keys = _keys(2, "bitmex-order")
    s = script(2, [k.pub() for k in keys])
    path = tmp_path / "o.yaml"
    path.write_text(f"height: 5\nchain: test\nclaim:\n  m: 2\n  n: 2\nkeys:\n"
                    f"- {keys[0].pub().hex()}\n- {keys[1].pub().hex()}\ntotal: 3\naddress:\n"
                    f"- addr: {multisig_address(s, 'p2wsh', network='testnet')}\n"
                    f"  addr_type: wsh\n  script: {s.hex()}\n  balance: 3\n")
    file = load(str(path))
    assert file.format == "bitmex" and file.claims[0].network == "testnet"
    assert file.claims[0].row == 11 and file.source.size == path.stat().st_size


def test_a_published_key_in_hybrid_encoding_is_not_a_published_key(tmp_path):
    """0x06/0x07 + x + y parses in libsecp256k1, but no signature can use that slot."""
    keys = _keys(2, "bitmex-hybrid")
    hybrid = bytes([6 + (keys[1].pub(False)[64] & 1)]) + keys[1].pub(False)[1:]
    s = script(2, [keys[0].pub(False), hybrid])
    _, got = verdicts(write(tmp_path, [row("sh", s, 1)], [k.pub(False).hex() for k in keys],
                            2, 2))
    assert got[0][0] == "failed"
