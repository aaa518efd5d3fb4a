"""BitMEX liabilities proof: a Maxwell+ sum tree over satoshis, published whole.

First line ``block_height:<N>``, then one ``hex_digest,value`` line per node,
root first, then each level left to right (node i's children are nodes
2i+1 and 2i+2). A node's digest is sha256(left_digest || u64le(left_value)
|| right_digest || u64le(right_value)) and its value the children's sum, so
both children's values are bound (the fix to Maxwell's flaw). Every value
must fit in an unsigned 64-bit integer. Leaves are
HMAC-SHA256(sub_nonce, u64le(value) || u64le(leaf_index)), which a user can
check with their account nonce (``--account`` and ``--account-nonce``).

Rebuilt streaming, with one cursor over parents and one over children.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import U64_MAX

HASH_RULE = "node = sha256(left || u64le(left_value) || right || u64le(right_value))"
_U64 = struct.Struct("<Q")
# ASCII digits with an optional sign: str.isdigit() also accepts '²' and other
# Unicode digits, which int() then refuses.
_VALUE = re.compile(r"-?[0-9]+")


def looks_like(head: str) -> bool:
    return head.lstrip().startswith("block_height:")


def _nodes(path: str):
    with open(path, encoding="utf-8") as f:
        first = f.readline()
        if not first.startswith("block_height:"):
            raise InputError(path, "first line must be 'block_height:<N>'", 1)
        yield first
        for number, line in enumerate(f, 2):
            line = line.strip()
            if not line:
                continue
            digest, sep, value = line.partition(",")
            if not sep or len(digest) != 64 or not _VALUE.fullmatch(value):
                raise InputError(path, "expected 'hex_digest,value'", number)
            try:
                raw = bytes.fromhex(digest)
            except ValueError:
                raise InputError(path, "digest is not hex", number) from None
            yield number, raw, int(value)


def verify(path: str, source: SourceFile, account: int | None = None,
           account_nonce: str | None = None) -> LiabilitiesReport:
    parents = _nodes(path)
    children = _nodes(path)
    header = next(parents)
    next(children)
    try:
        height = int(header.split(":", 1)[1])
    except ValueError:
        raise InputError(path, "block_height is not a number", 1) from None
    findings: list[Finding] = []
    root = next(parents, None)
    if root is None:
        raise InputError(path, "no nodes")
    next(children)
    internal = 0
    sha = hashlib.sha256
    pack = _U64.pack
    parent = root
    # Walk parents in level order; the child cursor is always two nodes per parent ahead.
    while True:
        left = next(children, None)
        right = next(children, None)
        if left is None and right is None:
            break
        if right is None:
            findings.append(finding("tree-structure", Severity.ERROR,
                                    "odd number of nodes below the root: not a complete "
                                    "binary tree", f"{path}:{left[0]}"))
            break
        internal += 1
        for n in (left, right):
            if n[2] < 0 or n[2] > U64_MAX:
                findings.append(finding("value-out-of-range" if n[2] < 0 else "value-overflow",
                                        Severity.ERROR,
                                        f"value {n[2]} is outside the unsigned 64-bit range",
                                        f"{path}:{n[0]}", line=n[0]))
        ok_range = all(0 <= n[2] <= U64_MAX for n in (parent, left, right))
        if left[2] + right[2] != parent[2]:
            findings.append(finding("sum-mismatch", Severity.ERROR,
                                    f"value {parent[2]} is not the sum of its children "
                                    f"{left[2]} + {right[2]} (lines {left[0]}, {right[0]})",
                                    f"{path}:{parent[0]}", line=parent[0]))
        if ok_range:
            digest = sha(left[1] + pack(left[2]) + right[1] + pack(right[2])).digest()
            if digest != parent[1]:
                findings.append(finding("hash-mismatch", Severity.ERROR,
                                        f"digest does not match its children (lines {left[0]}, "
                                        f"{right[0]})", f"{path}:{parent[0]}", line=parent[0]))
        parent = next(parents)
    # The parent cursor now stands on the first leaf; the rest are leaves too.
    first_leaf = parent
    total_nodes = internal + 1 + sum(1 for _ in parents)
    leaf_count = total_nodes - internal
    if leaf_count & (leaf_count - 1):
        findings.append(finding("tree-structure", Severity.ERROR,
                                f"{leaf_count} leaves is not a power of two",
                                f"{path}:{first_leaf[0]}"))
    details = {"block_height": height, "leaves": leaf_count}
    if account is not None and account_nonce is not None:
        details.update(_user_check(path, height, account, account_nonce, internal))
    errors = any(f.severity >= Severity.ERROR for f in findings)
    if errors:
        findings.append(Finding("liabilities-unbound", Severity.ERROR,
                                "the tree does not rebuild to its root: its total is bound to "
                                "nothing", subject=path))
    return LiabilitiesReport("bitmex", Binding.ATTESTED if errors else Binding.RECOMPUTED,
                             root[1].hex(), HASH_RULE, [AssetLiability("BTC", 8, root[2])],
                             findings, source, details)


def _user_check(path: str, height: int, account: int, account_nonce: str,
                internal: int) -> dict:
    try:
        nonce = bytes.fromhex(account_nonce)
    except ValueError:
        raise InputError(path, "--account-nonce is not hex") from None
    sub = hashlib.sha256(nonce + _U64.pack(height) + _U64.pack(account)).digest()
    matched = []
    nodes = _nodes(path)
    next(nodes)
    for index, (line, digest, value) in enumerate(nodes):
        if index < internal:
            continue
        leaf_index = index - internal
        if hmac.new(sub, _U64.pack(value) + _U64.pack(leaf_index), hashlib.sha256).digest() \
                == digest:
            matched.append({"leaf": leaf_index, "line": line, "value": value})
    return {"account": account, "account_leaves": matched,
            "account_total": sum(m["value"] for m in matched)}
