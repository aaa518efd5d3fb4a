"""A regtest chain on bcoin paying every address type we watch, with history after H.

Expected balances at H are computed from the transactions built here, not
read back from the node: they are the oracle the adapter is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chains.bitcoin.address import Destination, encode
from chains.bitcoin.params import params_for
from chains.bitcoin.tx import TxOut
from chains.hashes import hash160
from chains.signers import Secp256k1Key, multisig_script, secret
from tests.chains.bitcoin.wallet import Coin, p2pkh_script, spend
from chains.bitcoin.rest import BCOIN_REGTEST
from chains.bitcoin.settings import CONFIRMATIONS
from tests.nodes import wait_until

REGTEST = params_for("bitcoin", "regtest")
COIN = 100_000_000
FEE = 10_000


def key(name: str) -> Secp256k1Key:
    return Secp256k1Key(secret("btc-world", hash(name) & 0xFFFF if False else
                               sum(ord(c) * 31 ** i for i, c in enumerate(name))))


@dataclass
class World:
    node: object
    miner: Secp256k1Key = None
    height: int = 0
    block_hash: str = ""
    addresses: dict[str, str] = field(default_factory=dict)  # label -> Core regtest address
    expected: dict[str, int] = field(default_factory=dict)   # label -> sats at height
    expected_tip: dict[str, int] = field(default_factory=dict)  # label -> sats at the tip
    scripts: dict[str, bytes] = field(default_factory=dict)
    coinbases: list = field(default_factory=list)


def _mine(node, miner, n=1) -> list[str]:
    addr = encode(Destination("p2pkh", hash160(miner.pub())), BCOIN_REGTEST)
    return node.call("generatetoaddress", n, addr)


def _send(node, tx) -> bytes:
    node.call("sendrawtransaction", tx.serialize().hex())
    # bcoin answers before the transaction is in its mempool: wait, or the next block
    # may be mined without it.
    wait_until(lambda: tx.txid.hex() in node.call("getrawmempool"), 10, "the transaction")
    return tx.txid


def build(node) -> World:
    w = World(node, miner=key("miner"))
    hashes = _mine(node, w.miner, 450)  # segwit activates on bcoin regtest after ~432 blocks
    coinbase = [node.call("getblock", h, True)["tx"][0] for h in hashes[:5]]
    w.coinbases = [(bytes.fromhex(t), 0) for t in coinbase]
    k = {n: key(n) for n in ("a", "b", "c", "m1", "m2", "m3", "t", "e")}
    ms = multisig_script([k["m1"], k["m2"], k["m3"]], 2)
    kinds = {
        "p2pkh": Coin(b"", 0, 0, "p2pkh", [k["a"]]),
        "p2wpkh": Coin(b"", 0, 0, "p2wpkh", [k["b"]]),
        "p2sh-p2wpkh": Coin(b"", 0, 0, "p2sh-p2wpkh", [k["c"]]),
        "p2sh-multisig": Coin(b"", 0, 0, "p2sh-multisig", [k["m1"], k["m2"]], ms),
        "p2wsh-multisig": Coin(b"", 0, 0, "p2wsh-multisig", [k["m2"], k["m3"]], ms),
        "p2sh-p2wsh-multisig": Coin(b"", 0, 0, "p2sh-p2wsh-multisig", [k["m1"], k["m3"]], ms),
    }
    for label, coin in kinds.items():
        w.scripts[label] = coin.script_pubkey
    w.scripts["p2tr"] = bytes([0x51, 32]) + k["t"].pub()[1:]
    w.scripts["empty"] = Destination("p2wpkh", hash160(k["e"].pub())).script_pubkey()
    for label, script in w.scripts.items():
        if script[0] == 0x51:
            dest = Destination("p2tr", script[2:])
        elif script[:2] == b"\x00\x14":
            dest = Destination("p2wpkh", script[2:])
        elif script[:2] == b"\x00\x20":
            dest = Destination("p2wsh", script[2:])
        elif script[0] == 0xA9:
            dest = Destination("p2sh", script[2:22])
        else:
            dest = Destination("p2pkh", script[3:23])
        w.addresses[label] = encode(dest, REGTEST)

    miner_coin = Coin(w.coinbases[0][0], 0, 50 * COIN, "p2pkh", [w.miner])
    amounts = {"p2pkh": 1, "p2wpkh": 2, "p2sh-p2wpkh": 3, "p2sh-multisig": 4,
               "p2wsh-multisig": 5, "p2sh-p2wsh-multisig": 6, "p2tr": 7}
    outs = [TxOut(v * COIN, w.scripts[lbl]) for lbl, v in amounts.items()]
    change = 50 * COIN - sum(o.value for o in outs) - FEE
    f1 = spend([miner_coin], outs + [TxOut(change, p2pkh_script(w.miner))])
    _send(node, f1)
    _mine(node, w.miner)
    coins = {lbl: Coin(f1.txid, i, o.value, kinds[lbl].kind if lbl in kinds else "p2tr",
                       kinds[lbl].keys if lbl in kinds else [], kinds.get(lbl, Coin(b"", 0, 0, "",
                                                                                   [])).script)
             for i, (lbl, o) in enumerate(zip(amounts, outs))}
    # Before H: move money around inside and out of the watched set.
    f2 = spend([coins["p2pkh"], coins["p2wsh-multisig"]],
               [TxOut(40_000_000, w.scripts["p2pkh"]), TxOut(50_000_000, w.scripts["p2wpkh"]),
                TxOut(4 * COIN, w.scripts["p2wsh-multisig"]),
                TxOut(1 * COIN + 10_000_000 - FEE, p2pkh_script(w.miner))])
    _send(node, f2)
    (w.block_hash,) = _mine(node, w.miner)
    w.height = node.call("getblockcount")
    w.expected = {"p2pkh": 40_000_000, "p2wpkh": 250_000_000, "p2sh-p2wpkh": 300_000_000,
                  "p2sh-multisig": 400_000_000, "p2wsh-multisig": 400_000_000,
                  "p2sh-p2wsh-multisig": 600_000_000, "p2tr": 700_000_000, "empty": 0}
    # After H: spend from and pay to the watched set; none of it may change the figures at H.
    b1 = Coin(f1.txid, 1, 2 * COIN, "p2wpkh", [k["b"]])
    b2 = Coin(f2.txid, 1, 50_000_000, "p2wpkh", [k["b"]])
    m1 = coins["p2sh-multisig"]
    m3 = coins["p2sh-p2wsh-multisig"]
    c = coins["p2sh-p2wpkh"]
    m2 = Coin(f2.txid, 2, 4 * COIN, "p2wsh-multisig", [k["m2"], k["m3"]], ms)
    after = spend([b1, b2, m1, m3, c, m2],
                  [TxOut(COIN, w.scripts["p2sh-p2wsh-multisig"]),
                   TxOut(10_000_000, w.scripts["p2pkh"]), TxOut(70_000_000, w.scripts["p2tr"]),
                   TxOut(2_000_000, w.scripts["empty"]),
                   TxOut(2 * COIN + 50_000_000 + 4 * COIN + 6 * COIN + 3 * COIN + 4 * COIN
                         - COIN - 10_000_000 - 70_000_000 - 2_000_000 - FEE,
                         p2pkh_script(w.miner))])
    _send(node, after)
    _mine(node, w.miner, CONFIRMATIONS)  # H is final by the adapter's default depth
    # At the tip: every watched output `after` spent is gone, what it paid is there.
    w.expected_tip = {"p2pkh": 40_000_000 + 10_000_000, "p2wpkh": 0, "p2sh-p2wpkh": 0,
                      "p2sh-multisig": 0, "p2wsh-multisig": 0, "p2sh-p2wsh-multisig": COIN,
                      "p2tr": 700_000_000 + 70_000_000, "empty": 2_000_000}
    return w
