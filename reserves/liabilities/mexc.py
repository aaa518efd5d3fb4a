"""MEXC Merkle path proof: one user's path, four assets, hashes cut to 128 bits.

Leaf: sha256_hex("<proofId>,<accountId>,<TOK>:<bal>,...")[:32], tokens in
sorted order, balances as written. Node: sha256_hex(left + "," + right + ","
+ "TOK:sum,...")[:32] over the parent's sums (sorted, trailing zeros
stripped). Path elements carry a ``level``; the sibling of the running node
at level i is the element with that level (none: an empty sibling, hash "").
An empty sibling adds nothing: the parent carries the running node's
balances alone. Otherwise the parent starts from BTC, ETH, USDC and USDT at
zero and adds both children. The running node is the left child when it is
``type`` 1; a parent's own type is the opposite of its sibling's.

Half a SHA-256 is 128 bits: collisions cost about 2^64 work, below what the
rest of the scheme assumes, so every MEXC file gets a ``truncated-hash``
warning.
"""

from __future__ import annotations

import hashlib

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import NumberError, fraction_places, plain_decimal, scaled

LEFT, RIGHT, ROOT = 1, 2, 3
DEFAULT_ASSETS = ("BTC", "ETH", "USDC", "USDT")
HASH_RULE = ("leaf = sha256_hex(proofId,accountId,TOK:bal,...)[:32]; node = "
             "sha256_hex(left,right,TOK:sum,...)[:32]")


def looks_like(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("pathList"), list) and \
        isinstance(data.get("self"), dict) and "proofId" in data["self"]


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _parse(path: str, where: str, balances: dict) -> dict[str, str]:
    if not isinstance(balances, dict):
        raise InputError(path, f"{where}: balances must be an object")
    for k, v in balances.items():
        try:
            scaled(str(v), 64)
        except NumberError as e:
            raise InputError(path, f"{where}.{k}: {e}") from None
    return {k: str(v) for k, v in balances.items()}


def _add(a: str, b: str) -> str:
    from decimal import Decimal

    return str(Decimal(a) + Decimal(b))


def verify(path: str, data: dict, source: SourceFile) -> LiabilitiesReport:
    findings: list[Finding] = []
    me = data["self"]
    own = _parse(path, "self", me.get("balances", {}))
    for k, v in own.items():
        if v.startswith("-"):
            findings.append(finding("negative-balance", Severity.ERROR,
                                    f"negative {k} balance {v} in the user's own leaf",
                                    f"{path}:self"))
    leaf = _h(f"{me.get('proofId')},{me.get('accountId')},"
              + ",".join(f"{k}:{own[k]}" for k in sorted(own)))
    if leaf != me.get("hash"):
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the user's leaf does not recompute (got {leaf})",
                                f"{path}:self"))
    nodes = data["pathList"]
    if not nodes or nodes[-1].get("type") != ROOT:
        raise InputError(path, "the last pathList element must be the root (type 3)")
    root = nodes[-1]
    by_level = {}
    for i, node in enumerate(nodes[:-1]):
        level = node.get("level")
        if not isinstance(level, int) or level in by_level:
            raise InputError(path, f"pathList[{i}]: missing or repeated level {level!r}")
        by_level[level] = (i, node)
    current = {"hash": me.get("hash", ""), "balances": own, "type": me.get("type", LEFT)}
    for level in range(int(root.get("level", 0))):
        i, sibling = by_level.get(level, (None, {"hash": "", "balances": {}}))
        sib_bal = _parse(path, f"pathList[{i}]", sibling.get("balances", {}))
        for k, v in sib_bal.items():
            if v.startswith("-"):
                findings.append(finding("negative-balance", Severity.ERROR,
                                        f"negative {k} balance {v} in a sibling at level "
                                        f"{level}", f"{path}:pathList[{i}]"))
        sib = {"hash": sibling.get("hash", ""), "balances": sib_bal}
        left, right = (current, sib) if current["type"] == LEFT else (sib, current)
        sums = dict(left["balances"])
        if right["hash"]:
            for k in DEFAULT_ASSETS:
                sums.setdefault(k, "0")
            for k, v in right["balances"].items():
                sums[k] = _add(sums.get(k, "0"), v)
        digest = _h(f"{left['hash']},{right['hash']},"
                    + ",".join(f"{k}:{plain_decimal(sums[k])}" for k in sorted(sums)))
        parent_sibling = by_level.get(level + 1, (None, None))[1]
        parent_type = LEFT if parent_sibling is None else \
            (RIGHT if parent_sibling.get("type") == LEFT else LEFT)
        current = {"hash": digest, "balances": sums, "type": parent_type}
    root_bal = _parse(path, "root", root.get("balances", {}))
    if current["hash"] != root.get("hash"):
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the path does not recompute to the root hash (got "
                                f"{current['hash']})", f"{path}:root"))
    from decimal import Decimal

    if {k: Decimal(v) for k, v in current["balances"].items()} != \
            {k: Decimal(v) for k, v in root_bal.items()}:
        findings.append(finding("sum-mismatch", Severity.ERROR,
                                "the root totals differ from the sums along the path",
                                f"{path}:root"))
    findings.append(Finding("truncated-hash", Severity.WARNING,
                            "hashes are cut to 16 bytes (128 bits): weaker than the full "
                            "SHA-256", subject=path))
    findings.append(Finding("path-only", Severity.WARNING,
                            "a single user's path binds the root totals to that path only",
                            subject=path))
    errors = any(f.severity >= Severity.ERROR for f in findings)
    assets = []
    for k in sorted(root_bal):
        places = max([fraction_places(root_bal[k])] +
                     [fraction_places(n.get("balances", {}).get(k, "0")) for n in nodes])
        assets.append(AssetLiability(k, places, scaled(root_bal[k], places)))
    return LiabilitiesReport("mexc-path", Binding.ATTESTED if errors else Binding.PATH_VERIFIED,
                             root.get("hash"), HASH_RULE, assets, findings, source,
                             {"proof_id": me.get("proofId"), "levels": root.get("level")})
