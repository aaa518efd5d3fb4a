"""Millions of unsigned claims held as columns, each ``Claim`` built when it is read.

A ``Claim`` object with its own address, amount and amount-text strings
takes about 380 bytes; Binance's 4.2 million deposit rows would need 1.6 GB
that way before anything is verified. Such rows share almost everything
(label, chain, decimals, height, custodian, the empty proof), so the table
keeps one copy of each shared value and, per row, only the address and the
amount text as UTF-8 in two byte arrays, the amount as a 64-bit integer
(larger ones and empty cells in a side dict) and small indexes: about 90
bytes a row. It is a read-only ``Sequence[Claim]``: verifiers, renderers
and the audit iterate or slice it like a list and get ordinary ``Claim``
objects, equal field for field to what the other importers build.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reserves.catalog import Resolved
from reserves.claims import Claim, Proof

NO_PROOF = Proof(None)
_WIDE = (1 << 64) - 1
"""Amount slot marker: the amount is in ``_wide`` (too large for 64 bits, or None)."""


@dataclass(slots=True)
class Label:
    """What every row with one (coin, network) pair shares."""

    coin: str
    chain_label: str
    asset: str
    chain: str | None
    family: str
    decimals: int | None
    inferred: bool = False


class ClaimTable(Sequence[Claim]):
    """The claims of one file, by column; see the module docstring."""

    def __init__(self, source: str, network: str = "mainnet") -> None:
        self.source = source
        self.network = network
        self.labels: list[Label] = []
        self._label_of: dict[tuple[str, str], int] = {}
        self.custodians: list[str] = [""]
        self._custodian_of: dict[str, int] = {"": 0}
        self._address = bytearray()
        self._address_end = array("Q")
        self._text = bytearray()
        self._text_end = array("Q")
        self._amount = array("Q")
        self._wide: dict[int, int | None] = {}
        self._row = array("Q")
        self._height = array("q")
        self._label = array("I")
        self._custodian = array("I")

    # --- building ---------------------------------------------------------
    def label(self, coin: str, chain_label: str, resolve) -> int:
        """Index of the label for (coin, network); ``resolve(coin, network)`` on first sight."""
        key = (coin, chain_label)
        i = self._label_of.get(key)
        if i is None:
            r: Resolved = resolve(coin, chain_label or None)
            i = self._label_of[key] = len(self.labels)
            self.labels.append(Label(coin, chain_label, r.asset, r.chain.id if r.chain else None,
                                     r.chain.family if r.chain else "", r.decimals))
        return i

    def custodian(self, name: str) -> int:
        i = self._custodian_of.get(name)
        if i is None:
            i = self._custodian_of[name] = len(self.custodians)
            self.custodians.append(name)
        return i

    def append(self, row: int, label: int, address: str, amount_text: str,
               amount: int | None, height: int | None, custodian: int) -> None:
        n = len(self._row)
        self._address += address.encode("utf-8")
        self._address_end.append(len(self._address))
        self._text += amount_text.encode("utf-8")
        self._text_end.append(len(self._text))
        if amount is None or amount >= _WIDE:
            self._wide[n] = amount
            self._amount.append(_WIDE)
        else:
            self._amount.append(amount)
        self._row.append(row)
        self._height.append(-1 if height is None else height)
        self._label.append(label)
        self._custodian.append(custodian)

    def set_amount(self, i: int, amount: int | None) -> None:
        """Fill in an amount parsed after the pass (decimals inferred from the whole file)."""
        if amount is None or amount >= _WIDE:
            self._wide[i] = amount
            self._amount[i] = _WIDE
        else:
            self._wide.pop(i, None)
            self._amount[i] = amount

    def amount_text(self, i: int) -> str:
        start = self._text_end[i - 1] if i else 0
        return self._text[start:self._text_end[i]].decode("utf-8")

    def label_index(self, i: int) -> int:
        return self._label[i]

    def nbytes(self) -> int:
        """Bytes held by the columns (the shared labels and custodians aside)."""
        cols = (self._address_end, self._text_end, self._amount, self._row, self._height,
                self._label, self._custodian)
        return len(self._address) + len(self._text) + sum(c.itemsize * len(c) for c in cols)

    # --- reading ----------------------------------------------------------
    def __len__(self) -> int:
        return len(self._row)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._claim(i) for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("claim index out of range")
        return self._claim(index)

    def __iter__(self) -> Iterator[Claim]:
        for i in range(len(self)):
            yield self._claim(i)

    def _claim(self, i: int) -> Claim:
        lab = self.labels[self._label[i]]
        a0 = self._address_end[i - 1] if i else 0
        t0 = self._text_end[i - 1] if i else 0
        amount = self._amount[i]
        height = self._height[i]
        return Claim(
            source=self.source, row=self._row[i], coin=lab.coin, asset=lab.asset,
            chain=lab.chain, family=lab.family,
            address=self._address[a0:self._address_end[i]].decode("utf-8"),
            amount=self._wide[i] if amount == _WIDE else amount, decimals=lab.decimals,
            amount_text=self._text[t0:self._text_end[i]].decode("utf-8"), proof=NO_PROOF,
            network=self.network, height=None if height < 0 else height,
            decimals_inferred=lab.inferred, chain_label=lab.chain_label,
            custodian=self.custodians[self._custodian[i]])
