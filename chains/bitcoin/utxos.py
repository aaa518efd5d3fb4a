"""Which watched outputs were unspent at height H, from block data.

Two ways, both pure functions over node answers:

* ``forward``: start from an empty set at a start height and apply every
  block up to H: an output to a watched script is added, any output spent
  is removed. Needs only ``getblock`` verbosity 2, which every node has; costs
  one block per height from the start to H.
* ``walk_back``: start from the watched scripts' UTXO set at the tip
  (``scantxoutset``) and undo every block from the tip down to H+1: outputs a
  block created are removed, outputs it spent are put back (their value and
  script come from ``getblock`` verbosity 3's prevouts). Costs one block per
  height from H to the tip; needs Bitcoin Core 23+.

``history`` does the same for an address-indexed backend: outputs to the
script confirmed at or below H, minus those spent at or below H.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chains.bitcoin.rpc import sats
from reserves.errors import ChainError


@dataclass(frozen=True)
class Utxo:
    txid: str
    vout: int
    script: bytes
    value: int
    """Satoshis."""
    height: int
    """Height of the block that created it."""


def forward(blocks: Iterable[dict], watched: set[bytes],
            start: dict[tuple[str, int], Utxo] | None = None) -> dict[tuple[str, int], Utxo]:
    """Apply ``blocks`` (verbosity 2, in height order) to ``start``."""
    utxos = dict(start or {})
    for block in blocks:
        height = block["height"]
        for tx in block["tx"]:
            for vin in tx["vin"]:
                if "coinbase" not in vin:
                    utxos.pop((vin["txid"], vin["vout"]), None)
            for out in tx["vout"]:
                script = bytes.fromhex(out["scriptPubKey"]["hex"])
                if script in watched:
                    utxos[(tx["txid"], out["n"])] = Utxo(tx["txid"], out["n"], script,
                                                         sats(out["value"]), height)
    return utxos


def walk_back(tip: dict[tuple[str, int], Utxo], blocks_down: Iterable[dict],
              watched: set[bytes]) -> dict[tuple[str, int], Utxo]:
    """Undo ``blocks_down`` (verbosity 3, tip first) from the tip's UTXO set."""
    utxos = dict(tip)
    for block in blocks_down:
        for tx in reversed(block["tx"]):
            for out in tx["vout"]:
                script = bytes.fromhex(out["scriptPubKey"]["hex"])
                if script in watched:
                    if utxos.pop((tx["txid"], out["n"]), None) is None:
                        raise ChainError(f"undoing block {block['height']}: output "
                                         f"{tx['txid']}:{out['n']} to a watched script is in "
                                         "neither the tip's UTXO set nor spent later")
            for vin in tx["vin"]:
                if "coinbase" in vin:
                    continue
                prev = vin.get("prevout")
                if prev is None:
                    raise ChainError(f"block {block['height']} lacks prevouts (getblock "
                                     "verbosity 3 is needed to walk back)")
                script = bytes.fromhex(prev["scriptPubKey"]["hex"])
                if script in watched:
                    utxos[(vin["txid"], vin["vout"])] = Utxo(vin["txid"], vin["vout"], script,
                                                             sats(prev["value"]),
                                                             prev["height"])
    return utxos


@dataclass(frozen=True)
class HistoryTx:
    """One transaction of an address's history, as an address index returns it."""

    txid: str
    height: int | None
    """Confirmation height; None while unconfirmed."""
    outputs: list[tuple[int, bytes, int]]
    """(n, script, satoshis) for every output."""
    spends: list[tuple[str, int]]
    """Outpoints the transaction spends."""


def history(txs: Iterable[HistoryTx], script: bytes, height: int) -> dict[tuple[str, int], Utxo]:
    """Outputs to ``script`` confirmed at or below ``height`` and not spent by then."""
    created: dict[tuple[str, int], Utxo] = {}
    spent: set[tuple[str, int]] = set()
    for tx in txs:
        if tx.height is None or tx.height > height:
            continue
        for n, spk, value in tx.outputs:
            if spk == script:
                created[(tx.txid, n)] = Utxo(tx.txid, n, spk, value, tx.height)
        spent.update(tx.spends)
    return {k: u for k, u in created.items() if k not in spent}
