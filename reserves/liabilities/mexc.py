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

Amounts are integers: each asset is counted in units of its smallest
decimal place anywhere in the file, so every sum is exact whatever its
length (MEXC's Java BigDecimal is exact too), and, as for OKX trees, each
balance, sum and root total must be non-negative and fit in 64 bits of
those units (``value-overflow`` otherwise).
"""

from __future__ import annotations

import hashlib

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import U64_MAX, NumberError, fraction_places, plain, scaled

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


def verify(path: str, data: dict, source: SourceFile) -> LiabilitiesReport:
    findings: list[Finding] = []
    me = data["self"]
    own = _parse(path, "self", me.get("balances", {}))
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
    texts = {i: _parse(path, f"pathList[{i}]", node.get("balances", {}))
             for i, node in enumerate(nodes[:-1])}
    root_bal = _parse(path, "root", root.get("balances", {}))
    # Each asset in units of its finest decimal place in the file: exact integers.
    places: dict[str, int] = {k: 0 for k in DEFAULT_ASSETS}
    for bal in (own, root_bal, *texts.values()):
        for k, v in bal.items():
            places[k] = max(places.get(k, 0), fraction_places(v))

    def units(bal: dict[str, str]) -> dict[str, int]:
        return {k: scaled(v, places[k]) for k, v in bal.items()}

    def check(values: dict[str, int], raw: dict[str, str] | None, what: str,
              where: str) -> None:
        for k, v in values.items():
            shown = raw[k] if raw is not None else plain(v, places[k])
            if v < 0:
                findings.append(finding("negative-balance", Severity.ERROR,
                                        f"negative {k} balance {shown} {what}", where))
            elif v > U64_MAX:
                findings.append(finding("value-overflow", Severity.ERROR,
                                        f"{k} {shown} {what} exceeds the u64 range of "
                                        f"1e-{places[k]} units", where))

    own_units = units(own)
    check(own_units, own, "in the user's own leaf", f"{path}:self")
    leaf = _h(f"{me.get('proofId')},{me.get('accountId')},"
              + ",".join(f"{k}:{own[k]}" for k in sorted(own)))
    if leaf != me.get("hash"):
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the user's leaf does not recompute (got {leaf})",
                                f"{path}:self"))
    current = {"hash": me.get("hash", ""), "balances": own_units, "type": me.get("type", LEFT)}
    for level in range(int(root.get("level", 0))):
        i, sibling = by_level.get(level, (None, {"hash": ""}))
        sib_units = units(texts[i]) if i is not None else {}
        where = f"{path}:pathList[{i}]"
        check(sib_units, texts.get(i), f"in a sibling at level {level}", where)
        sib = {"hash": sibling.get("hash", ""), "balances": sib_units}
        left, right = (current, sib) if current["type"] == LEFT else (sib, current)
        sums = dict(left["balances"])
        if right["hash"]:
            for k in DEFAULT_ASSETS:
                sums.setdefault(k, 0)
            for k, v in right["balances"].items():
                sums[k] = sums.get(k, 0) + v
        check({k: v for k, v in sums.items() if v > U64_MAX}, None,
              f"summed at level {level + 1}",
              where if i is not None else f"{path}:level {level + 1}")
        digest = _h(f"{left['hash']},{right['hash']},"
                    + ",".join(f"{k}:{plain(sums[k], places[k])}" for k in sorted(sums)))
        parent_sibling = by_level.get(level + 1, (None, None))[1]
        parent_type = LEFT if parent_sibling is None else \
            (RIGHT if parent_sibling.get("type") == LEFT else LEFT)
        current = {"hash": digest, "balances": sums, "type": parent_type}
    root_units = units(root_bal)
    check(root_units, root_bal, "in the root", f"{path}:root")
    if current["hash"] != root.get("hash"):
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the path does not recompute to the root hash (got "
                                f"{current['hash']})", f"{path}:root"))
    if current["balances"] != root_units:
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
    assets = [AssetLiability(k, places[k], root_units[k]) for k in sorted(root_bal)]
    return LiabilitiesReport("mexc-path", Binding.ATTESTED if errors else Binding.PATH_VERIFIED,
                             root.get("hash"), HASH_RULE, assets, findings, source,
                             {"proof_id": me.get("proofId"), "levels": root.get("level")})
