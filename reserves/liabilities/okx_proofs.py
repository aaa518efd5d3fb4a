"""OKX per-user files: the v1 Merkle path proof and the v2 user info file.

v1 path proof (``{"self": {...}, "path": [...]}``): the user's own leaf
``sha256_hex(nonce + '{"BTC":"…","ETH":"…","USDT":"…"}')``, then one sibling
per height (type 1 = left of the running node, 2 or 4 = right; 4 is a
zero-balance pad), up to the root (type 3). Each parent is rebuilt with the
v2 node rule (children hashes, canonical sums, height), sums included, so the
root's totals are checked against the path, not taken on trust. This binds the
totals to one path only: ``path-verified``.

v2 user info (``{"nonce", "hash", "nodes", "totalBalances"}``): the user hash
is ``sha256_hex(nonce + json(totalBalances))`` and each of the user's leaves is
``sha256_hex(user_hash + BTC + ETH + USDT)``; with the full tree the leaves
must also be found among the tree's leaves.
"""

from __future__ import annotations

import hashlib
import json

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import U64_MAX, NumberError, plain, scaled

PLACES = 8
PATH_RULE = ("leaf = sha256_hex(nonce + balances json); node = sha256_hex(left + right + "
             "canonical sums + height)")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _balances_json(balances: dict) -> str:
    return json.dumps(balances, separators=(",", ":"))


def _values(path: str, where: str, balances: dict, assets: list[str]) -> list[int]:
    if list(balances) != assets:
        raise InputError(path, f"{where}: assets {list(balances)} differ from {assets}")
    try:
        return [scaled(balances[a], PLACES) for a in assets]
    except (NumberError, TypeError) as e:
        raise InputError(path, f"{where}: {e}") from None


def looks_like_path(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("path"), list) and \
        isinstance(data.get("self"), dict) and "nonce" in data["self"]


def looks_like_user_info(data) -> bool:
    return isinstance(data, dict) and {"nonce", "hash", "nodes", "totalBalances"} <= set(data)


def verify_path(path: str, data: dict, source: SourceFile) -> LiabilitiesReport:
    findings: list[Finding] = []
    me = data["self"]
    assets = list(me.get("balances", {}))
    values = _values(path, "self", me["balances"], assets)
    for a, v in zip(assets, values):
        if v < 0:
            findings.append(finding("negative-balance", Severity.ERROR,
                                    f"negative {a} balance in the user's own leaf",
                                    f"{path}:self"))
    leaf = _sha(me["nonce"] + _balances_json(me["balances"]))
    if leaf != me.get("hash"):
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the user's leaf does not hash to {me.get('hash')!r} "
                                f"(recomputed {leaf[:16]}...)", f"{path}:self"))
    current_hash, current_values, height = me.get("hash", ""), values, int(me.get("height", 1))
    root = None
    for i, node in enumerate(data["path"]):
        where = f"{path}:path[{i}]"
        node_values = _values(path, f"path[{i}]", node.get("balances", {}), assets)
        for a, v in zip(assets, node_values):
            if v < 0:
                findings.append(finding("negative-balance", Severity.ERROR,
                                        f"negative {a} balance in a sibling at height "
                                        f"{node.get('height')}", where))
        if node.get("type") == 3:
            root = node
            break
        if int(node.get("height", -1)) != height:
            findings.append(finding("path-structure", Severity.ERROR,
                                    f"sibling at height {node.get('height')} where height "
                                    f"{height} was expected", where))
            break
        if node.get("type") == 1:
            left, right = (node["hash"], node_values), (current_hash, current_values)
        elif node.get("type") in (2, 4):
            left, right = (current_hash, current_values), (node["hash"], node_values)
        else:
            raise InputError(path, f"path[{i}]: unknown type {node.get('type')!r}")
        if node.get("type") == 4 and any(node_values):
            findings.append(finding("bad-padding", Severity.ERROR,
                                    "a pad (type 4) must carry zero balances", where))
        height += 1
        current_values = [a + b for a, b in zip(left[1], right[1])]
        current_hash = _sha(left[0] + right[0] + "".join(plain(v, PLACES)
                                                         for v in current_values) + str(height))
    if root is None:
        raise InputError(path, "the path has no root element (type 3)")
    root_values = _values(path, "root", root["balances"], assets)
    if current_hash != root.get("hash") or int(root.get("height", -1)) != height:
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the path does not recompute to the root hash (got "
                                f"{current_hash[:16]}... at height {height})", f"{path}:root"))
    if current_values != root_values:
        findings.append(finding("sum-mismatch", Severity.ERROR,
                                "the root totals differ from the sums along the path",
                                f"{path}:root"))
    for a, v in zip(assets, root_values):
        if v > U64_MAX:
            findings.append(finding("value-overflow", Severity.ERROR,
                                    f"root {a} total exceeds the u64 range", f"{path}:root"))
    findings.append(Finding(
        "path-only", Severity.WARNING,
        "a single user's path binds the root totals to that path only: the rest of the tree "
        "is not seen (a parent could hide a child's value: Maxwell's flaw)", subject=path))
    errors = any(f.severity >= Severity.ERROR for f in findings)
    binding = Binding.ATTESTED if errors else Binding.PATH_VERIFIED
    return LiabilitiesReport("okx-path", binding, root.get("hash"), PATH_RULE,
                             [AssetLiability(a, PLACES, v) for a, v in zip(assets, root_values)],
                             findings, source, {"height": height})


def leaves_in_tree(tree_path: str, hashes: set[str]) -> set[str]:
    """Which of ``hashes`` appear as leaves (height 1) of the tree file: one scan."""
    found = set()
    with open(tree_path, encoding="utf-8") as f:
        for line in f:
            h, _, rest = line.partition(",")
            if h in hashes and rest.startswith("1,"):
                found.add(h)
    return found


def verify_user_info(path: str, data: dict, source: SourceFile,
                     tree: LiabilitiesReport | None, tree_path: str | None
                     ) -> LiabilitiesReport:
    """Check a v2 user info file; with a rebuilt tree, also that its leaves are in it."""
    if tree is None:
        raise InputError(path, "an OKX user info file is checked against the full tree: "
                               "give it with --tree FULL_TREE_FILE")
    findings = list(tree.findings)
    totals = data["totalBalances"]
    user_hash = _sha(data["nonce"] + _balances_json(totals))
    if user_hash != data["hash"]:
        findings.append(finding("hash-mismatch", Severity.ERROR,
                                f"the user hash does not recompute (got {user_hash[:16]}...)",
                                f"{path}:hash"))
    assets = list(totals)
    sums = [0] * len(assets)
    present = leaves_in_tree(tree_path, {n.get("hash", "") for n in data["nodes"]})
    for i, node in enumerate(data["nodes"]):
        values = _values(path, f"nodes[{i}]", node["balances"], assets)
        sums = [a + b for a, b in zip(sums, values)]
        leaf = _sha(user_hash + "".join(node["balances"][a] for a in assets))
        if leaf != node["hash"]:
            findings.append(finding("hash-mismatch", Severity.ERROR,
                                    f"leaf {i} does not recompute (got {leaf[:16]}...)",
                                    f"{path}:nodes[{i}]"))
        elif leaf not in present:
            findings.append(finding("leaf-missing", Severity.ERROR,
                                    f"the user's leaf {leaf[:16]}... is not in the tree",
                                    f"{path}:nodes[{i}]"))
    if sums != _values(path, "totalBalances", totals, assets):
        findings.append(finding("sum-mismatch", Severity.ERROR,
                                "the user's leaves do not add up to totalBalances",
                                f"{path}:totalBalances"))
    report = LiabilitiesReport("okx-tree", tree.binding, tree.root, tree.hash_rule,
                               tree.assets, findings, tree.source,
                               dict(tree.details, user_file=source.path,
                                    user_sha256=source.sha256, user_leaves=len(data["nodes"])))
    if any(f.severity >= Severity.ERROR for f in findings):
        report.binding = Binding.ATTESTED
    return report
