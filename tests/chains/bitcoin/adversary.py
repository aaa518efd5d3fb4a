"""What an exchange (or a lender helping it) would try with a script of its own making.

Helpers for the adversarial script tests: pay a script's address in a block
we mine, try to spend it in a block we mine (the chain's own answer to "who
can spend this"), and build the claims an attacker would publish for it:
compact signatures, and BIP-322 simple and full proofs.
"""

from __future__ import annotations

import base64

from chains.bitcoin.address import Destination, encode
from chains.bitcoin.bip322 import OP_RETURN, to_sign, to_spend
from chains.bitcoin.params import params_for
from chains.bitcoin.rest import BCOIN_REGTEST
from chains.bitcoin.tx import Tx, TxIn, TxOut
from chains.hashes import compact_size, hash160, sha256
from chains.secp256k1 import ORDER
from chains.signers import Secp256k1Key
from tests.chains.bitcoin import blocks
from tests.chains.bitcoin.wallet import Coin, p2pkh_script, push, spend
from tests.chains.bitcoin.world import COIN, FEE, key

REGTEST = params_for("bitcoin", "regtest")
MESSAGE = "reserves adversarial script, snapshot 2026-12-01 height 1234567"
FIELD = 2**256 - 2**32 - 977
KINDS = {"p2sh": "p2sh-multisig", "p2wsh": "p2wsh-multisig",
         "p2sh-p2wsh": "p2sh-p2wsh-multisig"}
assert ORDER < FIELD


def off_curve_twin(k: Secp256k1Key) -> bytes:
    """``04 || x(k) || y'``: k's x, a y of k's parity, and not a point of the curve.

    The only points with k's x are (x, y) and (x, -y); any other y is off the
    curve. Keeping k's parity is what made the old comparison (which took the
    parity byte and x, i.e. "compressed" it) mistake this for k's own key.
    """
    full = k.pub(compressed=False)
    x, y = full[1:33], int.from_bytes(full[33:], "big")
    bad = (y + 2) % FIELD
    assert bad % 2 == y % 2 and (bad * bad - pow(int.from_bytes(x, "big"), 3, FIELD) - 7) % FIELD
    return b"\x04" + x + bad.to_bytes(32, "big")


def number(n: int) -> bytes:
    """A script number as Core's multisig template reads it: OP_1..OP_16, else a
    minimal one-byte push (17..127)."""
    return bytes([0x50 + n]) if 1 <= n <= 16 else bytes([1, n])


def script_of(m: int, keys: list[bytes]) -> bytes:
    """``<m> <keys as given> <n> OP_CHECKMULTISIG``."""
    body = b"".join(bytes([len(k)]) + k for k in keys)
    return number(m) + body + number(len(keys)) + b"\xae"


def address(script: bytes, form: str) -> str:
    return encode(destination(script, form), REGTEST)


def destination(script: bytes, form: str) -> Destination:
    if form == "p2sh":
        return Destination("p2sh", hash160(script))
    if form == "p2wsh":
        return Destination("p2wsh", sha256(script))
    return Destination("p2sh", hash160(b"\x00\x20" + sha256(script)))


class Chain:
    """Our own miner on a regtest node, with mature coinbases to spend."""

    def __init__(self, node, name: str) -> None:
        self.node = node
        self.miner = key(f"{name}-miner")
        self.payout = p2pkh_script(self.miner)
        mine_to = encode(Destination("p2pkh", hash160(self.miner.pub())), BCOIN_REGTEST)
        hashes = node.call("generatetoaddress", 110, mine_to)
        self.coinbases = [bytes.fromhex(node.call("getblock", h, True)["tx"][0])
                          for h in hashes[:10]]
        below = 450 - node.call("getblockcount")  # segwit is active on bcoin regtest by then
        if below > 0:
            node.call("generatetoaddress", below, mine_to)
        self._heights = [node.call("getblock", h, True)["height"] for h in hashes[:10]]

    def _subsidy(self, i: int) -> int:
        return (50 * COIN) >> (self._heights[i] // blocks.HALVING)

    def fund(self, script_pubkey: bytes, value: int = COIN) -> tuple[bytes, int]:
        """Pay ``value`` to ``script_pubkey`` in a block we mine; the paid outpoint."""
        i = len(self.coinbases) - 1
        cb = self.coinbases.pop()
        subsidy = self._subsidy(i)
        tx = spend([Coin(cb, 0, subsidy, "p2pkh", [self.miner])],
                   [TxOut(value, script_pubkey), TxOut(subsidy - value - FEE, self.payout)])
        refused = blocks.mine(self.node, [tx], self.payout)
        assert refused is None, refused
        return tx.txid, 0

    def try_spend(self, outpoint: tuple[bytes, int], value: int, kind: str,
                  signers: list[Secp256k1Key], script: bytes) -> str | None:
        """Spend the output signed by ``signers`` (in script order), in a block we mine.

        None when the chain took the block (the output is then spent), else the
        node's reason for refusing it.
        """
        coin = Coin(outpoint[0], outpoint[1], value, kind, signers, script)
        tx = spend([coin], [TxOut(value - FEE, self.payout)])
        return blocks.mine(self.node, [tx], self.payout)

    def unspent(self, outpoint: tuple[bytes, int]) -> bool:
        return self.node.call("gettxout", outpoint[0].hex(), outpoint[1]) is not None


def compact(signers: list[Secp256k1Key]) -> list[str]:
    return [k.btc_sign(MESSAGE, network="regtest") for k in signers]


def _sig(k: Secp256k1Key, digest: bytes) -> bytes:
    return k.private.sign(digest, hasher=None) + b"\x01"


def bip322(script: bytes, form: str, signers: list[Secp256k1Key], full: bool) -> str:
    """A BIP-322 proof that ``signers`` (in script order) spend the script's address.

    The proof is what the chain would accept as a spend of to_spend: the same
    signatures, script and pushes a real spend carries. P2SH has only the full
    form; the witness forms may be simple (the witness stack alone).
    """
    spk = destination(script, form).script_pubkey()
    tx = to_sign(to_spend(spk, MESSAGE.encode()).txid, [])
    tx.outputs = [TxOut(0, OP_RETURN)]
    inp = tx.inputs[0]
    if form == "p2sh":
        sigs = [_sig(k, tx.sighash_legacy(0, script)) for k in signers]
        inp.script_sig = b"\x00" + b"".join(push(s) for s in sigs) + push(script)
    else:
        sigs = [_sig(k, tx.sighash_segwit_v0(0, script, 0)) for k in signers]
        inp.witness = [b""] + sigs + [script]
        if form == "p2sh-p2wsh":
            inp.script_sig = push(b"\x00\x20" + sha256(script))
    if full:
        return "ful" + base64.b64encode(tx.serialize()).decode()
    stack = compact_size(len(inp.witness)) + b"".join(compact_size(len(w)) + w
                                                      for w in inp.witness)
    return "smp" + base64.b64encode(stack).decode()


__all__ = ["COIN", "KINDS", "MESSAGE", "Chain", "Tx", "TxIn", "address", "bip322", "compact",
           "off_curve_twin", "script_of"]
