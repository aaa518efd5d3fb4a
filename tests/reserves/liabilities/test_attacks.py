"""Known attacks on liabilities trees: each is caught, with a finding naming the node."""

import json
from decimal import Decimal

import pytest

from reserves.liabilities import Binding, load
from tests.reserves.liabilities import okx_trees as t
from tests.support import LIABILITIES, ROOT, shared


def _kinds(report):
    return {f.kind for f in report.findings}


def _find(report, kind):
    return [f for f in report.findings if f.kind == kind]


def test_honest_generated_trees_rebuild(tmp_path):
    for n in (1, 2, 3, 7, 8, 21, 100):
        t.write(tmp_path / "tree.txt", t.build(t.honest_leaves(n)))
        r = load(str(tmp_path / "tree.txt"))
        assert r.binding is Binding.RECOMPUTED and not r.findings, (n, r.findings)
        assert r.details["leaves"] == n


def test_negative_leaf(tmp_path):
    leaves = t.honest_leaves(8)
    leaves[5] = t.leaf(99, ("0.5", "-3", "1"))  # the parents sum it in honestly
    lines = t.write(tmp_path / "tree.txt", t.build(leaves))
    r = load(str(tmp_path / "tree.txt"))
    found = _find(r, "negative-balance")
    (f,) = [f for f in found if f.details["height"] == 1]  # and the parents above it
    assert lines[f.details["line"] - 1].startswith(leaves[5]["hash"])
    assert f.subject.endswith(f":{f.details['line']}") and "-3" in f.message
    assert r.binding is Binding.ATTESTED and r.exit_code == 1


def test_sum_past_the_u64_bound(tmp_path):
    leaves = t.honest_leaves(4)
    leaves[0] = t.leaf(98, ("184467440737.09551616", "0", "0"))  # 2^64 units of 1e-8
    t.write(tmp_path / "tree.txt", t.build(leaves))
    r = load(str(tmp_path / "tree.txt"))
    overflow = _find(r, "value-overflow")
    assert overflow and all(f.details["line"] for f in overflow)


def test_parent_carrying_the_max_instead_of_the_sum(tmp_path):
    """Maxwell's flaw: the parent commits to max(a, b), hashes consistently above it."""
    def cheat(height, index, left, right):
        if height == 2 and index == 1:
            return tuple(max(a, b) for a, b in zip(left["values"], right["values"]))
        return None

    levels = t.build(t.honest_leaves(8), cheat)
    lines = t.write(tmp_path / "tree.txt", levels)
    r = load(str(tmp_path / "tree.txt"))
    (f,) = _find(r, "sum-mismatch")
    assert not _find(r, "hash-mismatch")  # every hash is consistent: only the sums tell
    assert lines[f.details["line"] - 1].startswith(levels[1][1]["hash"])
    assert f.details["height"] == 2


def test_duplicate_leaf(tmp_path):
    leaves = t.honest_leaves(8)
    leaves[6] = dict(leaves[2])
    lines = t.write(tmp_path / "tree.txt", t.build(leaves))
    r = load(str(tmp_path / "tree.txt"))
    (f,) = _find(r, "duplicate-leaf")
    assert lines[f.details["line"] - 1].startswith(leaves[2]["hash"])
    assert not _find(r, "hash-mismatch") and not _find(r, "sum-mismatch")


def test_moved_leaf(tmp_path):
    lines = t.write(tmp_path / "tree.txt", t.build(t.honest_leaves(8)))
    leaf_lines = [i for i, l in enumerate(lines) if l.split(",")[1] == "1"]
    a, b = leaf_lines[1], leaf_lines[5]
    lines[a], lines[b] = lines[b], lines[a]
    (tmp_path / "tree.txt").write_text("\n".join(lines) + "\n")
    r = load(str(tmp_path / "tree.txt"))
    mismatched = {f.details["line"] for f in _find(r, "hash-mismatch")}
    assert len(mismatched) == 2 and all(f.details["height"] == 2
                                        for f in _find(r, "hash-mismatch"))


def test_root_total_that_differs_from_the_tree(tmp_path):
    lines = t.write(tmp_path / "tree.txt", t.build(t.honest_leaves(8)))
    root = json.loads(lines[0].split(",", 2)[2])
    root["USDT"] = str(Decimal(root["USDT"]) + 1000)
    lines[0] = ",".join(lines[0].split(",")[:2]) + "," + json.dumps(root, separators=(",", ":"))
    (tmp_path / "tree.txt").write_text("\n".join(lines) + "\n")
    r = load(str(tmp_path / "tree.txt"))
    (f,) = _find(r, "sum-mismatch")
    assert f.details["line"] == 1 and "USDT" in f.message
    assert r.binding is Binding.ATTESTED


def test_bad_padding(tmp_path):
    leaves = t.honest_leaves(5)  # odd: the leaf level gets a pad
    levels = t.build(leaves)
    pad = levels[0][-1]
    assert pad.get("pad")
    pad["values"] = (Decimal("0"), Decimal("0"), Decimal("7"))  # a pad carrying value
    t.write(tmp_path / "tree.txt", levels)
    r = load(str(tmp_path / "tree.txt"))
    assert "bad-padding" in _kinds(r)


def test_missing_node_breaks_the_structure(tmp_path):
    lines = t.write(tmp_path / "tree.txt", t.build(t.honest_leaves(8)))
    del lines[-3]
    (tmp_path / "tree.txt").write_text("\n".join(lines) + "\n")
    r = load(str(tmp_path / "tree.txt"))
    assert "tree-structure" in _kinds(r) and r.exit_code == 1


def test_generated_tree_by_the_writer_matches_the_independent_builder(tmp_path):
    from reserves.liabilities.okx_tree_writer import random_leaves, write_tree

    write_tree(str(tmp_path / "w.txt"), random_leaves(10_000, seed=7), 10_000)
    r = load(str(tmp_path / "w.txt"))
    assert r.binding is Binding.RECOMPUTED and r.details["leaves"] == 10_000


def test_truncated_hash_is_flagged_weak():
    r = load(str(shared(f"{LIABILITIES}/mexcmerkle_mexc-proof-of-reserves_merkle_proof.json")))
    (f,) = _find(r, "truncated-hash")
    assert f.severity.label == "warning" and r.exit_code == 0


def test_okx_path_with_a_negative_sibling(tmp_path):
    data = json.loads(shared(f"{LIABILITIES}/okx_proof-of-reserves_merkle_proof_file.json")
                      .read_text())
    data["path"][3]["balances"]["USDT"] = "-5"
    (tmp_path / "p.json").write_text(json.dumps(data))
    r = load(str(tmp_path / "p.json"))
    assert "negative-balance" in _kinds(r) and "hash-mismatch" in _kinds(r)
    assert any(f.subject.endswith("path[3]") for f in r.findings)


def test_mexc_root_total_changed(tmp_path):
    data = json.loads(shared(f"{LIABILITIES}/mexcmerkle_mexc-proof-of-reserves_merkle_proof.json")
                      .read_text())
    data["pathList"][-1]["balances"]["BTC"] = "1"
    (tmp_path / "m.json").write_text(json.dumps(data))
    r = load(str(tmp_path / "m.json"))
    assert "sum-mismatch" in _kinds(r) and r.binding is Binding.ATTESTED


def test_bitmex_value_changed(tmp_path):
    lines = (ROOT / "tests/fixtures/liabilities/bitmex-liabilities-100-proof.csv").read_text() \
        .splitlines()
    digest, value = lines[9].split(",")
    lines[9] = f"{digest},{int(value) + 1}"
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n")
    r = load(str(tmp_path / "b.csv"))
    assert {f.details.get("line") for f in _find(r, "sum-mismatch")} == {5}
    lines[9] = f"{digest},{2**64}"
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n")
    assert "value-overflow" in _kinds(load(str(tmp_path / "b.csv")))


@pytest.mark.parametrize("change,kind", [
    (lambda d, rows: d["CexAssetsInfo"][110].update(TotalDebt=99999), "debt-exceeds-equity"),
    (lambda d, rows: d["CexAssetsInfo"][3].update(Index=110), "duplicate-asset"),
    (lambda d, rows: rows.__setitem__(1, rows[1].replace('"0"\n', '"1"\n')), "batch-numbering"),
])
def test_zk_package_inconsistencies(tmp_path, change, kind):
    data = json.loads(shared(f"{LIABILITIES}/gateio_proof-of-reserves_cex_config.json").read_text())
    rows = shared(f"{LIABILITIES}/gateio_proof-of-reserves_proof.csv").read_text() \
        .splitlines(keepends=True)
    if not rows[-1].endswith("\n"):
        rows[-1] += "\n"
    change(data, rows)
    (tmp_path / "x_cex_config.json").write_text(json.dumps(data))
    (tmp_path / "x_proof.csv").write_text("".join(rows))
    r = load(str(tmp_path / "x_cex_config.json"))
    assert kind in _kinds(r) and r.exit_code == 1
