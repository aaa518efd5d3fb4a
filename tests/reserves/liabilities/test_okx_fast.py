"""The fast ways through an OKX tree give the exact rebuild's answer, never a laxer one.

* ``okx_scan.scan`` reads numbers to the same integers as the line parser;
* the sweep (one pass, each line parsed once) rebuilds honest trees itself,
  including in two processes and across buffer boundaries, and gives up on
  anything that needs a finding, so the exact rebuild reports it;
* on randomly damaged trees the report is the exact rebuild's, every time.
"""

import hashlib
import random
from decimal import Decimal

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from reserves.errors import InputError
from reserves.liabilities import Binding, load, okx_scan, okx_tree
from reserves.liabilities.numbers import U64_MAX, plain, scaled
from reserves.liabilities.okx_tree_writer import random_leaves, write_tree
from tests.reserves.liabilities import okx_trees as t


def _report(r):
    return (r.binding, r.root, [(a.asset, a.total) for a in r.assets], r.details,
            [(f.kind, f.message, f.subject, f.details) for f in r.findings])


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail if the sweep hands the tree to the exact rebuild."""
    def refuse(*args, **kwargs):
        raise AssertionError("the sweep gave up on an honest tree")
    monkeypatch.setattr(okx_tree, "_rebuild", refuse)


@pytest.fixture
def two_processes(monkeypatch):
    """Sweep the leaves in a forked process whatever the file's size; count the forks."""
    forks = []
    real = okx_tree._Fork.__init__

    def counting(self, job):
        forks.append(job)
        real(self, job)

    monkeypatch.setattr(okx_tree, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(okx_tree, "_jobs", lambda: 2)
    monkeypatch.setattr(okx_tree._Fork, "__init__", counting)
    return forks


def _scan_lines(lines: list[str]):
    data = "".join(lines).encode() + bytes(okx_scan.PAD)
    a = np.frombuffer(data, dtype=np.uint8)
    u = np.ndarray((len(a) - 7,), dtype="<u8", buffer=data, offset=0, strides=(1,))
    end = len(data) - okx_scan.PAD
    return okx_scan.scan(a, u, sliding_window_view(a, 32), sliding_window_view(a, 64), 0, end,
                         okx_scan.Template(["BTC", "ETH", "USDT"]), True)


def test_scan_reads_numbers_exactly():
    rng = random.Random(3)
    texts = ["0", "1", "0.00000001", "0.1", "9", "184467440737.09551615",
             "184467440737.09551616", "999999999999.99999999", "100000000", "12345678.9"]
    for _ in range(3000):
        whole = str(rng.randrange(10 ** rng.randrange(1, 13)))
        frac = "".join(rng.choice("0123456789") for _ in range(rng.randrange(0, 9)))
        texts.append(whole + ("." + frac if frac else ""))
    rows = [texts[i:i + 3] for i in range(0, len(texts) - 2, 3)]
    lines = [f"{'ab' * 32},{i % 40 + 1},{{\"BTC\":\"{a}\",\"ETH\":\"{b}\",\"USDT\":\"{c}\"}}\n"
             for i, (a, b, c) in enumerate(rows)]
    seg, bad = _scan_lines(lines)
    assert bad is None and seg.n == len(rows)
    big = seg.big if seg.big is not None else np.zeros(seg.n, bool)
    for i, row in enumerate(rows):
        want = [scaled(x, 8) for x in row]
        assert bool(big[i]) == any(v > U64_MAX for v in want)
        if not big[i]:
            assert [int(v) for v in seg.values[:, i]] == want, row
        assert seg.height[i] == i % 40 + 1
        canonical = all(okx_tree._canonical(x) for x in row)
        assert bool(seg.noncanonical[i]) == (not canonical), row


@pytest.mark.parametrize("bad", ['"-1"', '"1e3"', '"1."', '".5"', '"0.123456789"', '" 1"',
                                 '"1234567890123"', '"1,5"'])
def test_scan_leaves_other_numbers_to_the_line_parser(bad):
    good = '"1.5"'
    lines = [f"{'cd' * 32},3,{{\"BTC\":{good},\"ETH\":\"2\",\"USDT\":\"0\"}}\n"] * 3
    lines[1] = lines[1].replace(good, bad)
    seg, first_bad = _scan_lines(lines)
    assert first_bad == 1 or (seg is None and first_bad == -1)


def test_parent_texts_are_canonical():
    """The sweep writes each sum as OKX does (no trailing zeros, '0' for zero)."""
    rng = random.Random(5)
    sums = [0, 1, 10, 100000000, 120000000, U64_MAX, 10**8 * 10**11, 5 * 10**12 + 7]
    sums += [rng.randrange(2 ** rng.randrange(1, 65)) for _ in range(2000)]
    for i in range(0, len(sums), 2):
        a = sums[i]
        b = sums[i + 1] - a if i + 1 < len(sums) and sums[i + 1] >= a else 0
        left = t.leaf(i, (Decimal(a).scaleb(-8), Decimal(0), Decimal(b).scaleb(-8)))
        right = t.leaf(i + 1, (Decimal(b).scaleb(-8), Decimal(1), Decimal(0)))
        parent = t.parent(left, right, 7)
        lines = [f"{h},6,{{\"BTC\":\"{t.text(v[0])}\",\"ETH\":\"{t.text(v[1])}\","
                 f"\"USDT\":\"{t.text(v[2])}\"}}\n" for h, v in
                 ((right["hash"], right["values"]), (left["hash"], left["values"]))]
        seg, bad = _scan_lines(lines)
        if bad is not None or (seg.big is not None and seg.big.any()):
            continue
        digests, totals = okx_tree._parent_digests(seg, 1, 7)
        assert digests.tobytes().hex() == parent["hash"]
        assert [plain(int(v), 8) for v in totals[:, 0]] == [t.text(v) for v in parent["values"]]


@pytest.mark.parametrize("n", [2, 3, 5, 8, 21, 100, 1001])
def test_the_sweep_rebuilds_honest_trees(tmp_path, no_fallback, n):
    path = tmp_path / "tree.txt"
    write_tree(str(path), random_leaves(n, seed=n), n)
    r = load(str(path))
    assert r.binding is Binding.RECOMPUTED and not r.findings
    assert r.details["leaves"] == n
    assert r.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_sweep_handles_large_values_and_pads(tmp_path, no_fallback):
    # whole parts of 11 digits (two SWAR words), totals just under the u64 bound
    leaves = [t.leaf(i, (Decimal(16 * 10**9 + i) + Decimal("0.5"), Decimal(i) / 3 if i % 3 else 0,
                         Decimal(10**10)))
              for i in range(1, 12)]
    for i, leaf in enumerate(leaves):  # texts of at most 8 places, as the format allows
        leaves[i] = t.leaf(i, tuple(v.quantize(Decimal("0.00000001")) for v in leaf["values"]))
    t.write(tmp_path / "tree.txt", t.build(leaves))
    r = load(str(tmp_path / "tree.txt"))
    assert r.binding is Binding.RECOMPUTED and not r.findings and r.details["leaves"] == 11
    assert r.assets[0].total == sum(scaled(t.text(v["values"][0]), 8) for v in leaves)


@pytest.mark.parametrize("chunk", [700, 1500, 4096])
def test_buffer_boundaries(tmp_path, monkeypatch, no_fallback, chunk):
    monkeypatch.setattr(okx_scan, "CHUNK", chunk)
    write_tree(str(tmp_path / "tree.txt"), random_leaves(777, seed=2), 777)
    r = load(str(tmp_path / "tree.txt"))
    assert r.binding is Binding.RECOMPUTED and r.details["leaves"] == 777


def test_two_processes_give_the_same_report(tmp_path, two_processes, no_fallback):
    path = tmp_path / "tree.txt"
    write_tree(str(path), random_leaves(3000, seed=9), 3000)
    r = load(str(path))
    assert len(two_processes) == 1
    assert r.binding is Binding.RECOMPUTED and r.details == {"leaves": 3000, "height": 13}
    assert r.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_processes_and_an_attack_among_the_leaves(tmp_path, monkeypatch):
    leaves = t.honest_leaves(300)
    leaves[123] = t.leaf(999, ("-0.5", "1", "1"))
    t.write(tmp_path / "tree.txt", t.build(leaves))
    one = load(str(tmp_path / "tree.txt"))
    forks = two_processes.__wrapped__(monkeypatch)
    two = load(str(tmp_path / "tree.txt"))
    assert len(forks) == 1
    assert _report(one) == _report(two) and one.binding is Binding.ATTESTED
    assert "negative-balance" in {f.kind for f in two.findings}
    assert two.source.sha256 == one.source.sha256


def test_lone_cr_line_ends_are_read_in_bounded_buffers(tmp_path, monkeypatch):
    """A file with no LF at all is still cut into lines (CR, as universal newlines do)."""
    monkeypatch.setattr(okx_scan, "CHUNK", 700)
    path = tmp_path / "tree.txt"
    write_tree(str(path), random_leaves(500, seed=4), 500)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    seen = []
    real = okx_scan.Cursor._read

    def read(self):
        real(self)
        seen.append(len(self.data))

    monkeypatch.setattr(okx_scan.Cursor, "_read", read)
    r = load(str(path))
    assert r.binding is Binding.RECOMPUTED and r.details["leaves"] == 500
    assert max(seen) < 8 * 700 + okx_scan.PAD + 400


def test_more_than_8_places_anywhere_is_a_one_line_error(tmp_path):
    lines = t.write(tmp_path / "tree.txt", t.build(t.honest_leaves(4)))
    h, height, _ = lines[3].split(",", 2)
    lines[3] = f'{h},{height},{{"BTC":"0.123456789","ETH":"1","USDT":"1"}}'
    (tmp_path / "tree.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        load(str(tmp_path / "tree.txt"))
    assert str(e.value).endswith("tree.txt:4: '0.123456789' has more than 8 decimal places")


def _damage(rng: random.Random, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(rng.choice([1, 1, 2, 3])):
        i = rng.randrange(len(lines))
        h, height, rest = lines[i].split(",", 2)
        kind = rng.randrange(9)
        if kind == 0:
            rest = rest.replace('"1', '"2', 1)
        elif kind == 1:
            rest = rest.replace('":"', '":"-', 1)
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            continue
        elif kind == 3:
            del lines[i]
            continue
        elif kind == 4:
            lines.insert(i, lines[i])
            continue
        elif kind == 5:
            rest = rest.replace('"}', '0"}')                       # a trailing zero
        elif kind == 6:
            h = h[:10] + ("0" if h[10] != "0" else "1") + h[11:]
        elif kind == 7:
            rest = rest.replace('":"', '":"184467440737', 1)       # past u64
        else:
            lines[i] = lines[i].replace("\n", "\r\n")
            continue
        lines[i] = f"{h},{height},{rest}"
    return lines


def test_damaged_trees_get_the_exact_rebuilds_report(tmp_path, monkeypatch):
    """Whatever the sweep decides, the report is what the exact rebuild says."""
    rng = random.Random(11)
    for case in range(60):
        n = rng.choice([3, 8, 13, 50, 200])
        path = tmp_path / f"t{case}.txt"
        write_tree(str(path), random_leaves(n, seed=case), n)
        lines = _damage(rng, path.read_text().splitlines(keepends=True))
        path.write_bytes("".join(lines).encode())
        monkeypatch.setattr(okx_tree, "SPLIT_MIN_BYTES", 0 if case % 2 else 1 << 40)
        monkeypatch.setattr(okx_tree, "_jobs", lambda: 2)
        size = path.stat().st_size
        try:
            got = _report(okx_tree.verify(str(path), size))
        except InputError as e:
            got = str(e)
        try:
            want = _report(okx_tree._rebuild(str(path), size))
        except InputError as e:
            want = str(e)
        assert got == want, (case, got, want)


def test_progress_counts_once_when_the_sweep_hands_over(tmp_path, monkeypatch):
    """The exact rebuild counts the nodes again from zero, not on top of the sweep."""
    from reserves.progress import Progress

    monkeypatch.setattr(okx_scan, "CHUNK", 700)  # leaves in many reads, counted as they go
    lines = t.lines(t.build(t.honest_leaves(300)))
    i = next(i for i, line in enumerate(lines) if line.split(",")[1] == "1")
    lines[i] = ("0" if lines[i][0] != "0" else "1") + lines[i][1:]  # a leaf's hash: the sweep
    (tmp_path / "tree.txt").write_text("\n".join(lines) + "\n")  # finds out after all leaves
    handed_over = []
    rebuild = okx_tree._rebuild
    monkeypatch.setattr(okx_tree, "_rebuild", lambda *a: handed_over.append(1) or rebuild(*a))
    bar = Progress("nodes", None, enabled=False)
    r = load(str(tmp_path / "tree.txt"), progress=bar)
    assert handed_over and r.binding is Binding.ATTESTED
    alone = Progress("nodes", None, enabled=False)
    okx_tree._rebuild(str(tmp_path / "tree.txt"), (tmp_path / "tree.txt").stat().st_size, alone)
    assert bar.done == alone.done > 0
