"""OKX full liabilities Merkle sum tree (v2 text file), rebuilt node by node, streaming.

Each line is ``hash,height,{"BTC":"…","ETH":"…","USDT":"…"}``. Lines are
grouped by height from the root down to the leaves (height 1); within a
height they run right to left, so in file order the children of the k-th
parent of a level are the (2k)-th (right) and (2k+1)-th (left) nodes of the
level below. An odd level is padded at its right end (first in file order)
with a copy of its rightmost node's hash and zero balances.

A parent's hash is sha256_hex(left_hash + right_hash + BTC + ETH + USDT +
str(height)) over the parent's sums written in canonical form (no trailing
zeros, '0' for zero; 8 decimal places at most). Only the sums are hashed
(the Maxwell flaw), which is why every parent's sums are checked against its
children here, not just its hash.

The file is read by two cursors at once: one over the parents of a level, one
over the level below, both moving forward only, so a tree of any size is
rebuilt in constant memory (plus 8 bytes per leaf for the duplicate check).
"""

from __future__ import annotations

import decimal
import hashlib
import json
import re
from collections import Counter
from decimal import Decimal
from collections.abc import Iterator

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import U64_MAX

PLACES = 8
_NUMBER = r"(-?[0-9]+(?:\.[0-9]+)?)"
# Sums of values below 2^64 units of 1e-8 have at most 21 digits: 40 digits of
# precision keep every addition exact, and Inexact traps if that ever fails.
_CTX = decimal.Context(prec=40, traps=[decimal.Inexact, decimal.InvalidOperation])
_U64_UNITS = Decimal(U64_MAX).scaleb(-PLACES)
HASH_RULE = ("node = sha256_hex(left_hash + right_hash + sums... + height); sums in "
             "canonical decimal text, 8 places; leaves as published")
MAX_PER_KIND = 50


class _Node:
    __slots__ = ("line", "hash", "height", "texts", "values")

    def __init__(self, line: int, hash_: str, height: int, texts: list[str],
                 values: list[int]) -> None:
        self.line = line
        self.hash = hash_
        self.height = height
        self.texts = texts
        self.values = values


def looks_like(text_head: str) -> bool:
    first = text_head.split("\n", 1)[0].strip()
    parts = first.split(",", 2)
    return (len(parts) == 3 and len(parts[0]) == 64 and parts[1].isdigit()
            and parts[2].startswith("{"))


class _Reader:
    """Parsed nodes of the tree file, in file order, one at a time."""

    def __init__(self, path: str, assets: list[str] | None) -> None:
        self.path = path
        self.assets = assets
        self._pattern: re.Pattern | None = None
        self._file = open(path, encoding="utf-8", newline="")
        self._line = 0
        self._peeked: _Node | None = None
        self._done = False

    def close(self) -> None:
        self._file.close()

    def _compile(self) -> None:
        body = ",".join(f'"{re.escape(a)}":"{_NUMBER}"' for a in self.assets)
        self._pattern = re.compile(r"([0-9a-f]{64}),([0-9]+),\{" + body + r"\}\r?\n?")

    def _parse(self, raw: str) -> _Node:
        if self._pattern is not None:
            m = self._pattern.fullmatch(raw)
            if m is not None:
                groups = m.groups()
                texts = list(groups[2:])
                return _Node(self._line, groups[0], int(groups[1]), texts,
                             [Decimal(t) for t in texts])
        return self._parse_slow(raw)

    def _parse_slow(self, raw: str) -> _Node:
        """Any line the fast pattern refuses: parse it fully, or say what is wrong."""
        line = self._line
        try:
            hash_, height_text, rest = raw.rstrip("\r\n").split(",", 2)
        except ValueError:
            raise InputError(self.path, "expected 'hash,height,{balances}'", line) from None
        if len(hash_) != 64 or not (height_text.isascii() and height_text.isdigit()):
            raise InputError(self.path, "expected a 64-hex hash and a height", line)
        try:
            bytes.fromhex(hash_)
        except ValueError:
            raise InputError(self.path, "the hash is not hex", line) from None
        try:
            balances = json.loads(rest)
        except json.JSONDecodeError:
            raise InputError(self.path, "balances are not valid JSON", line) from None
        if not isinstance(balances, dict) or not all(isinstance(v, str)
                                                     for v in balances.values()):
            raise InputError(self.path, "balances must be an object of decimal strings", line)
        if self.assets is None:
            self.assets = list(balances)
        if list(balances) != self.assets:
            raise InputError(self.path, f"assets {list(balances)} differ from the first "
                                        f"line's {self.assets}", line)
        texts = list(balances.values())
        for t in texts:
            if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", t):
                raise InputError(self.path, f"{t!r} is not a plain decimal number", line)
            if len(t.partition(".")[2]) > PLACES:
                raise InputError(self.path, f"{t!r} has more than {PLACES} decimal places",
                                 line)
        if self._pattern is None:
            self._compile()
        elif hash_ != hash_.lower():
            raise InputError(self.path, "the hash must be lower-case hex", line)
        return _Node(line, hash_, int(height_text), texts, [Decimal(t) for t in texts])

    def next(self) -> _Node | None:
        if self._peeked is not None:
            node, self._peeked = self._peeked, None
            return node
        while not self._done:
            raw = self._file.readline()
            if not raw:
                self._done = True
                return None
            self._line += 1
            if raw.strip():
                return self._parse(raw)
        return None

    def peek(self) -> _Node | None:
        if self._peeked is None:
            self._peeked = self.next()
        return self._peeked

    def raw_lines(self) -> Iterator[tuple[int, str]]:
        for raw in self._file:
            self._line += 1
            if raw.strip():
                yield self._line, raw


class _Findings:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Finding] = []
        self.counts: Counter = Counter()

    def add(self, kind: str, severity: Severity, message: str, node: _Node, **details) -> None:
        self.counts[kind] += 1
        if self.counts[kind] <= MAX_PER_KIND:
            self.items.append(finding(kind, severity, message, f"{self.path}:{node.line}",
                                      line=node.line, height=node.height, **details))

    def close(self) -> list[Finding]:
        for kind, n in sorted(self.counts.items()):
            if n > MAX_PER_KIND:
                self.items.append(Finding(kind, Severity.ERROR,
                                          f"{n - MAX_PER_KIND} more {kind} findings not listed",
                                          subject=self.path))
        return self.items


def verify(path: str, source: SourceFile, progress=None) -> LiabilitiesReport:
    """Rebuild the whole tree in ``path``; findings name each bad node by line."""
    parents = _Reader(path, None)
    children = _Reader(path, None)
    out = _Findings(path)
    leaf_prefixes = bytearray()
    leaves = 0
    sha = hashlib.sha256
    try:
        root = parents.peek()
        if root is None:
            raise InputError(path, "empty file")
        assets = parents.assets
        children.assets = assets
        children.next()  # the root is nobody's child
        _check_values(root, out)
        if root.height == 1:
            leaves = 1
            leaf_prefixes += bytes.fromhex(root.hash[:16])
        last_height = root.height
        child_level = None
        while True:
            parent = parents.next()
            if parent is None or parent.height == 1:
                break
            if parent.height > last_height:
                raise InputError(path, "heights must not increase down the file", parent.line)
            first_of_level = parent.height != last_height or parent is root
            last_height = parent.height
            if first_of_level and not any(parent.values):
                twin = parents.peek()
                if twin is not None and twin.height == parent.height and \
                        twin.hash == parent.hash:
                    continue  # a pad: a copy of its left neighbour, with no children
            want = parent.height - 1
            right = children.next()
            left = children.next()
            bad = next((c for c in (right, left) if c is None or c.height != want), False)
            if bad is not False:
                if bad is not None and bad.height > want:
                    message = (f"height {bad.height} has more nodes than its parents have "
                               f"children (first extra node at line {bad.line})")
                else:
                    message = (f"parent at height {parent.height} lacks its two children at "
                               f"height {want}")
                out.add("tree-structure", Severity.ERROR, message, parent)
                break
            level_first = right.height != child_level
            child_level = want
            pad = False
            if right.hash == left.hash:
                if not level_first:
                    out.add("duplicate-node", Severity.ERROR,
                            f"hash {right.hash[:16]}... appears twice at height {want} (lines "
                            f"{right.line} and {left.line}) away from the right end", right)
                elif any(right.values):
                    out.add("bad-padding", Severity.ERROR,
                            "the pad (a copy of its left neighbour's hash, listed first for "
                            "its height) must carry zero balances", right)
                else:
                    pad = True
            for child in (right, left):
                _check_values(child, out)
                if want == 1 and not (pad and child is right):
                    leaves += 1
                    leaf_prefixes += bytes.fromhex(child.hash[:16])
            if progress is not None and want == 1:
                progress(2)
            try:
                sums = [_CTX.add(a, b) for a, b in zip(left.values, right.values)]
            except decimal.DecimalException:
                out.add("value-overflow", Severity.ERROR,
                        "children's values are too large to add exactly", parent)
                continue
            if sums != parent.values:
                diffs = ", ".join(f"{a} {_text(s)} (published {t})"
                                  for a, s, t, p in zip(assets, sums, parent.texts,
                                                        parent.values) if s != p)
                out.add("sum-mismatch", Severity.ERROR,
                        f"parent sums differ from its children (lines {left.line} and "
                        f"{right.line}), which add up to {diffs}", parent)
            # The parent's hash commits to its own published sums (OKX's rule): checked
            # apart from the sums themselves, so a Maxwell "max" parent shows as a sum
            # mismatch with a consistent hash, a moved child as a hash mismatch.
            texts = [t if _canonical(t) else _text(v) for t, v in zip(parent.texts, parent.values)]
            digest = sha((left.hash + right.hash + "".join(texts) + str(parent.height))
                         .encode()).hexdigest()
            if digest != parent.hash:
                out.add("hash-mismatch", Severity.ERROR,
                        f"parent hash does not match its children (lines {left.line} and "
                        f"{right.line}): recomputed {digest[:16]}...", parent)
        if not out.counts["tree-structure"]:
            if root.height > 1 and child_level != 1:
                out.add("tree-structure", Severity.ERROR,
                        f"the tree ends at height {child_level} without leaves", root)
            extra = children.next()
            if extra is not None:
                out.add("tree-structure", Severity.ERROR,
                        "nodes left over after every parent has its two children", extra)
    finally:
        parents.close()
        children.close()
    if not out.counts["tree-structure"]:
        _duplicates(path, leaf_prefixes, out)
    findings = out.close()
    errors = any(f.severity >= Severity.ERROR for f in findings)
    totals = [AssetLiability(a, PLACES, int(v.scaleb(PLACES))) for a, v in
              zip(assets, root.values)]
    if errors:
        findings.append(Finding(
            "liabilities-unbound", Severity.ERROR,
            "the tree does not rebuild to its root: its totals are bound to nothing",
            subject=path))
    return LiabilitiesReport("okx-tree", Binding.ATTESTED if errors else Binding.RECOMPUTED,
                             root.hash, HASH_RULE, totals, findings, source,
                             {"leaves": leaves, "height": root.height})


def _text(value: Decimal) -> str:
    """Canonical text of a sum: plain digits, no trailing zeros, '0' for zero."""
    if not value:
        return "0"
    return format(value.normalize(_CTX), "f")


def _canonical(text: str) -> bool:
    """True when ``text`` is already in the canonical form the hash rule uses."""
    body = text[1:] if text.startswith("-") else text
    whole, dot, frac = body.partition(".")
    if dot and (not frac or frac.endswith("0")):
        return False
    return whole == "0" or not whole.startswith("0")


def _check_values(node: _Node, out: _Findings) -> None:
    for i, v in enumerate(node.values):
        if v < 0:
            out.add("negative-balance", Severity.ERROR,
                    f"negative balance {node.texts[i]} at height {node.height}", node,
                    asset_index=i)
        elif v > _U64_UNITS:
            out.add("value-overflow", Severity.ERROR,
                    f"balance {node.texts[i]} exceeds the u64 range of 1e-8 units", node,
                    asset_index=i)


def _duplicates(path: str, prefixes: bytearray, out: _Findings) -> None:
    """Leaves whose hash repeats (the one valid pad of the leaf level excluded)."""
    import numpy as np

    if len(prefixes) < 16:
        return
    arr = np.frombuffer(bytes(prefixes), dtype=">u8")
    s = np.sort(arr)
    repeated = set(s[1:][s[1:] == s[:-1]].tolist())
    if not repeated:
        return
    # Candidates share 8 hash bytes; confirm on the full hashes in a second pass.
    seen: dict[str, int] = {}
    reader = _Reader(path, None)
    first_leaf = True
    try:
        node = reader.next()
        while node is not None:
            if node.height == 1:
                if first_leaf:
                    first_leaf = False
                    twin = reader.peek()
                    if twin is not None and twin.hash == node.hash and not any(node.values):
                        node = reader.next()  # the leaf level's pad: not a duplicate
                        continue
                if int(node.hash[:16], 16) in repeated:
                    first = seen.setdefault(node.hash, node.line)
                    if first != node.line:
                        out.add("duplicate-leaf", Severity.ERROR,
                                f"leaf hash {node.hash[:16]}... is also the leaf at line "
                                f"{first}", node)
            node = reader.next()
    finally:
        reader.close()
