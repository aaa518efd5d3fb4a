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
children here, not just its hash. Amounts are integers of 1e-8 units.

Every check (each parent's hash recomputed, each per-asset sum checked as
integers, negative balances, values past u64, duplicate leaves and nodes,
pads, structure, root totals) is made in one of two ways, with the same
outcome; memory stays bounded (plus 8 bytes per leaf for the duplicate check):

* the sweep (``_Sweep``) reads the file once, each line parsed once, many
  lines at a time (``okx_scan``). Lines are taken in pairs; each pair's
  parent is computed (sums, canonical texts, sha256) and fed to a SHA-256
  fingerprint of "the level above as computed", while each line is fed, as
  published, to the fingerprint of its own level. When a level ends the two
  fingerprints of the level above must be equal. The sweep can only say
  "this tree needs no finding" (other than duplicate leaves, checked after);
  at the first thing it does not expect it gives up. On two or more CPUs
  the leaves (half the work) are swept by a forked process, which then
  hashes the file for the report.
* the exact rebuild (``_Rebuild``) reads the file with two cursors, one over
  the parents of a level and one over the level below, both moving forward
  only. ``_Rebuild.step`` takes one parent at a time, parsed line by line
  (``_parse_line``): the reference, and what reports every finding by line;
  ``_Rebuild.block`` accepts runs of provably clean parents at once and
  hands the first other one to ``step``. It runs whenever the sweep gave up,
  so every finding and every one-line error comes from it, in file order.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import signal
from collections import Counter

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from reserves.errors import InputError
from reserves.file_hash import file_sha256
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import U64_MAX, plain
from reserves.liabilities.okx_scan import Cursor

PLACES = 8
HASH_RULE = ("node = sha256_hex(left_hash + right_hash + sums... + height); sums in "
             "canonical decimal text, 8 places; leaves as published")
MAX_PER_KIND = 50
MAX_BLOCK = 8192
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DIGEST = type(hashlib.sha256()).digest


class _Node:
    __slots__ = ("hash", "height", "line", "texts", "values")

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


def _scaled(text: str) -> int:
    """A plain decimal text (already checked) as an integer of 1e-8 units."""
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    value = int(whole + frac.ljust(PLACES, "0"))
    return -value if negative else value


def _parse_line(cur: Cursor, raw: str) -> _Node:
    """One line of the tree file, or a one-line error naming it."""
    path, line = cur.path, cur.line
    try:
        hash_, height_text, rest = raw.rstrip("\r\n").split(",", 2)
    except ValueError:
        raise InputError(path, "expected 'hash,height,{balances}'", line) from None
    if len(hash_) != 64 or not (height_text.isascii() and height_text.isdigit()):
        raise InputError(path, "expected a 64-hex hash and a height", line)
    try:
        bytes.fromhex(hash_)
    except ValueError:
        raise InputError(path, "the hash is not hex", line) from None
    try:
        balances = json.loads(rest)
    except json.JSONDecodeError:
        raise InputError(path, "balances are not valid JSON", line) from None
    if not isinstance(balances, dict) or not all(isinstance(v, str)
                                                 for v in balances.values()):
        raise InputError(path, "balances must be an object of decimal strings", line)
    if cur.assets is None:
        cur.set_assets(list(balances))
    if list(balances) != cur.assets:
        raise InputError(path, f"assets {list(balances)} differ from the first "
                               f"line's {cur.assets}", line)
    texts = list(balances.values())
    for t in texts:
        if not _NUMBER.fullmatch(t):
            raise InputError(path, f"{t!r} is not a plain decimal number", line)
        if len(t.partition(".")[2]) > PLACES:
            raise InputError(path, f"{t!r} has more than {PLACES} decimal places", line)
    if cur.first:
        cur.first = False  # the first line read may be upper-case hex: its hash is checked
    elif hash_ != hash_.lower():
        raise InputError(path, "the hash must be lower-case hex", line)
    return _Node(line, hash_, int(height_text), texts, [_scaled(t) for t in texts])


def _cursor(path: str, offset: int = 0, assets: list[str] | None = None) -> Cursor:
    cur = Cursor(path, _parse_line, offset)
    if assets is not None:
        cur.set_assets(assets)
    return cur


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


def _text(value: int) -> str:
    """Canonical text of a sum: plain digits, no trailing zeros, '0' for zero."""
    return plain(value, PLACES)


def _canonical(text: str) -> bool:
    """True when ``text`` is already in the canonical form the hash rule uses."""
    body = text.removeprefix("-")
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
        elif v > U64_MAX:
            out.add("value-overflow", Severity.ERROR,
                    f"balance {node.texts[i]} exceeds the u64 range of 1e-8 units", node,
                    asset_index=i)


def _leaf_prefixes(hashes: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each (lower-case hex) hash row, as integers."""
    return _hex_raw(np.ascontiguousarray(hashes[:, :16])).view(">u8").ravel().astype(np.uint64)


class _Rebuild:
    """The state of one pass over parent levels and the levels below them."""

    def __init__(self, path: str, out: _Findings, parents: Cursor, children: Cursor,
                 root: _Node, progress=None) -> None:
        self.path = path
        self.out = out
        self.parents = parents
        self.children = children
        self.root = root
        self.progress = progress
        self.last_height = root.height
        self.child_level: int | None = None
        self.leaves = 0
        self.prefix_ints: list[int] = []
        self.prefix_arrays: list[np.ndarray] = []
        self.broken = False            # a tree-structure finding stopped the rebuild
        self.slow = 0                  # parents to take one by one before another block
        self.misses = 0

    # -- the reference: one parent ---------------------------------------------------
    def step(self) -> bool:
        parents, children, out = self.parents, self.children, self.out
        parent = parents.next()
        if parent is None or parent.height == 1:
            return False
        if parent.height > self.last_height:
            raise InputError(self.path, "heights must not increase down the file", parent.line)
        first_of_level = parent.height != self.last_height or parent is self.root
        self.last_height = parent.height
        if first_of_level and not any(parent.values):
            twin = parents.peek()
            if twin is not None and twin.height == parent.height and \
                    twin.hash == parent.hash:
                return True  # a pad: a copy of its left neighbour, with no children
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
            self.broken = True
            return False
        level_first = right.height != self.child_level
        self.child_level = want
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
                self.leaves += 1
                self.prefix_ints.append(int(child.hash[:16], 16))
        if self.progress is not None and want == 1:
            self.progress(2)
        sums = [a + b for a, b in zip(left.values, right.values)]
        if sums != parent.values:
            diffs = ", ".join(f"{a} {_text(s)} (published {t})"
                              for a, s, t, p in zip(parents.assets, sums, parent.texts,
                                                    parent.values) if s != p)
            out.add("sum-mismatch", Severity.ERROR,
                    f"parent sums differ from its children (lines {left.line} and "
                    f"{right.line}), which add up to {diffs}", parent)
        # The parent's hash commits to its own published sums (OKX's rule): checked
        # apart from the sums themselves, so a Maxwell "max" parent shows as a sum
        # mismatch with a consistent hash, a moved child as a hash mismatch.
        texts = [t if _canonical(t) else _text(v) for t, v in zip(parent.texts, parent.values)]
        digest = hashlib.sha256((left.hash + right.hash + "".join(texts) + str(parent.height))
                                .encode()).hexdigest()
        if digest != parent.hash:
            out.add("hash-mismatch", Severity.ERROR,
                    f"parent hash does not match its children (lines {left.line} and "
                    f"{right.line}): recomputed {digest[:16]}...", parent)
        return True

    # -- many parents at once ------------------------------------------------------
    def block(self) -> bool:
        """Accept the leading clean parents of the next run; True if any was."""
        h = self.last_height
        want = h - 1
        if want < 1 or self.child_level != want:
            return False
        parents, children = self.parents, self.children
        kp = parents.available(h, MAX_BLOCK)
        if not kp:
            return False
        k = min(kp, children.available(want, 2 * kp) // 2)
        if not k:
            return False
        ps, cs = parents.block(k), children.block(2 * k)
        good = self._clean(ps, cs, k, want)
        if good:
            parents.advance(good)
            children.advance(2 * good)
            if want == 1:
                self.leaves += 2 * good
                self.prefix_arrays.append(_leaf_prefixes(cs.hashes[:2 * good]))
                if self.progress is not None:
                    self.progress(2 * good)
        if good < k:
            self.misses = self.misses + 1 if not good else 0
            self.slow = 1 << min(self.misses, 12)
        else:
            self.misses = 0
        return good > 0

    def _clean(self, ps, cs, k: int, want: int) -> int:
        """How many leading parents of the run need no finding at all."""
        ok = (cs.height.reshape(k, 2) == want).all(axis=1)
        if cs.big is not None:
            ok &= ~cs.big.reshape(k, 2).any(axis=1)
        if ps.big is not None:
            ok &= ~ps.big
        ok &= ~ps.noncanonical
        hw = cs.hashes.view(np.uint64)
        ok &= ~(hw[0::2] == hw[1::2]).all(axis=1)
        right, left = cs.values[:, 0::2], cs.values[:, 1::2]
        sums = left + right
        ok &= ~(sums < left).any(axis=0)
        ok &= (sums == ps.values).all(axis=0)
        good = k if ok.all() else int(np.argmax(~ok))
        if good:
            same = (self._digests(ps, cs, good, want + 1) == ps.hashes[:good]).all(axis=1)
            if not same.all():
                good = int(np.argmax(~same))
        return good

    def _digests(self, ps, cs, n: int, height: int) -> np.ndarray:
        """sha256 hex of left + right + texts + height for the first ``n`` parents."""
        hs = np.frombuffer(str(height).encode(), dtype=np.uint8)
        n_assets = ps.values.shape[0]
        width = 128 + 21 * n_assets + len(hs) + 24
        rows = np.zeros((n, width), dtype=np.uint8)
        rows[:, :64] = cs.hashes[1:2 * n:2]
        rows[:, 64:128] = cs.hashes[0:2 * n:2]
        flat = rows.reshape(-1)
        win = as_strided(flat, shape=(flat.size - 23, 24), strides=(1, 1), writeable=True)
        texts = sliding_window_view(ps.a, 24)
        at = np.arange(n, dtype=np.int64) * width + 128
        for k in range(n_assets):
            start = ps.text_start[k, :n]
            if k == 0:
                rows[:, 128:152] = texts[start]
            else:
                win[at] = texts[start]
            at = at + (ps.text_end[k, :n] - start)
        tail = as_strided(flat, shape=(flat.size - len(hs) + 1, len(hs)), strides=(1, 1),
                          writeable=True)
        tail[at] = hs
        win[at + len(hs)] = 0
        pre = rows.view(f"S{width}").ravel().tolist()   # trailing NULs dropped
        hexed = b"".join(map(_DIGEST, map(hashlib.sha256, pre))).hex().encode()
        return np.frombuffer(hexed, dtype=np.uint8).reshape(n, 64)

    def run(self) -> None:
        while True:
            if self.slow:
                self.slow -= 1
            elif self.parents.peeked is None and self.children.peeked is None and \
                    self.block():
                continue
            if not self.step():
                return

    def prefixes(self) -> np.ndarray:
        parts = list(self.prefix_arrays)
        if self.prefix_ints:
            parts.append(np.array(self.prefix_ints, dtype=np.uint64))
        if len(parts) == 1:
            return parts[0].copy()
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def verify(path: str, size: int, progress=None) -> LiabilitiesReport:
    """Rebuild the whole tree in ``path`` (``size`` bytes); findings name each bad node
    by line. The report's source carries the file's sha256, computed here."""
    fork = None
    try:
        swept, fork = _sweep(path, size, progress)
        if swept is None:
            restart = getattr(progress, "restart", None)
            if restart is not None:  # the rebuild counts the same nodes again
                restart()
            report = _rebuild(path, size, progress)
        else:
            root, assets, leaves, repeated = swept
            out = _Findings(path)
            if repeated:
                _duplicate_leaves(path, assets, repeated, out)
            report = _report(path, size, out, root, assets, leaves)
        digest = fork.result().get("sha256") if fork is not None else None
        report.source = SourceFile(path, digest or file_sha256(path), size)
        return report
    finally:
        if fork is not None:
            fork.stop()


def _report(path: str, size: int, out: _Findings, root: _Node, assets: list[str],
            leaves: int) -> LiabilitiesReport:
    findings = out.close()
    errors = any(f.severity >= Severity.ERROR for f in findings)
    totals = [AssetLiability(a, PLACES, v) for a, v in zip(assets, root.values)]
    if errors:
        findings.append(Finding(
            "liabilities-unbound", Severity.ERROR,
            "the tree does not rebuild to its root: its totals are bound to nothing",
            subject=path))
    return LiabilitiesReport("okx-tree", Binding.ATTESTED if errors else Binding.RECOMPUTED,
                             root.hash, HASH_RULE, totals, findings,
                             SourceFile(path, "", size), {"leaves": leaves, "height": root.height})


def _rebuild(path: str, size: int, progress=None) -> LiabilitiesReport:
    """The exact rebuild with two cursors: every finding, in file order."""
    out = _Findings(path)
    parents = _cursor(path)
    children = _cursor(path)
    try:
        root = parents.peek()
        if root is None:
            raise InputError(path, "empty file")
        assets = parents.assets
        children.set_assets(assets)
        children.next()  # the root is nobody's child
        _check_values(root, out)
        rebuild = _Rebuild(path, out, parents, children, root, progress)
        if root.height == 1:
            rebuild.leaves = 1
            rebuild.prefix_ints.append(int(root.hash[:16], 16))
        rebuild.run()
        if not rebuild.broken:
            if root.height > 1 and rebuild.child_level != 1:
                out.add("tree-structure", Severity.ERROR,
                        f"the tree ends at height {rebuild.child_level} without leaves", root)
            extra = children.next()
            if extra is not None:
                out.add("tree-structure", Severity.ERROR,
                        "nodes left over after every parent has its two children", extra)
    finally:
        parents.close()
        children.close()
    if not out.counts["tree-structure"]:
        repeated = _repeated(rebuild.prefixes())
        if repeated:
            _duplicate_leaves(path, assets, repeated, out)
    return _report(path, size, out, root, assets, rebuild.leaves)


def _jobs() -> int:
    env = os.environ.get("RESERVES_LIABILITIES_JOBS", "").strip()
    if env.isdigit():
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _height_at(f, offset: int, size: int) -> tuple[int, int] | None:
    """(start, height) of the first line starting at or after ``offset``; None if unsure."""
    f.seek(max(offset - 1, 0))
    buf = f.read(4096)
    start = 0
    if offset > 0:
        nl = buf.find(b"\n")
        if nl < 0:
            return None
        start, buf = offset + nl, buf[nl + 1:]
        if start >= size:
            return size, 0     # past the last line
    m = re.match(rb"[0-9a-f]{64},([0-9]{1,8}),", buf)
    return (start, int(m.group(1))) if m else None


def _first_at_most(f, size: int, height: int) -> int | None:
    """Start of the first line of height <= ``height``, if heights never increase."""
    lo, hi = 0, size          # the line at 0 (the root) is higher: find the least offset
    while hi - lo > 1:        # whose next line is not
        mid = (lo + hi) // 2
        probe = _height_at(f, mid, size)
        if probe is None:
            return None
        if probe[1] <= height:
            hi = mid
        else:
            lo = mid
    probe = _height_at(f, hi, size)
    return probe[0] if probe is not None and 0 < probe[1] <= height else None


class _Cancelled(Exception):
    pass


class _Fork:
    """One job run in a forked child; its picklable result read back through a pipe."""

    def __init__(self, job) -> None:
        import mmap

        self.shared = mmap.mmap(-1, 16)   # with the child: [0:8] leaves done, [8] cancelled
        self.shown = 0
        self.answer = None
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:                      # the child: never returns
            try:
                os.close(rfd)
                try:
                    res = job(self.count)
                except Exception:
                    res = None
                view = memoryview(pickle.dumps(res))
                while view:
                    view = view[os.write(wfd, view):]
            finally:
                os._exit(0)
        os.close(wfd)
        self.pid, self.fd = pid, rfd

    def count(self, n: int) -> None:
        """In the child: n more leaves done; stops the job if the parent gave up."""
        if self.shared[8]:
            raise _Cancelled
        done = int.from_bytes(self.shared[:8], "little") + n
        self.shared[:8] = done.to_bytes(8, "little")

    def cancel(self) -> None:
        self.shared[8] = 1

    def forward(self, progress) -> None:
        done = int.from_bytes(self.shared[:8], "little")
        if progress is not None and done > self.shown:
            progress(done - self.shown)
        self.shown = done

    def result(self) -> dict:
        """The child's answer (a dict; empty if it died), waiting for it once."""
        if self.answer is None:
            chunks = []
            while self.fd >= 0 and (chunk := os.read(self.fd, 1 << 16)):
                chunks.append(chunk)
            self.stop()
            try:
                self.answer = pickle.loads(b"".join(chunks))
            except Exception:
                self.answer = None
            if not isinstance(self.answer, dict):
                self.answer = {}
        return self.answer

    def stop(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


_E8 = np.uint64(10 ** 8)
_ZEROS = np.uint64(0x3030303030303030)
_NONZERO = np.uint64(0x7F7F7F7F7F7F7F7F)
_TOPS = np.uint64(0x8080808080808080)


def _digits8(x):
    """x < 1e8: a word of its 8 decimal digits (0-9), the most significant in the low byte."""
    u = np.uint64
    hi4 = x // u(10000)
    v = hi4 | ((x - hi4 * u(10000)) << u(32))                  # two 4-digit lanes
    h2 = ((v * u(5243)) >> u(19)) & u(0x0000007F0000007F)      # exact x // 100 below 10^4
    z = h2 | ((v - h2 * u(100)) << u(16))                      # four 2-digit lanes
    t = ((z * u(103)) >> u(10)) & u(0x000F000F000F000F)        # exact x // 10 below 100
    return t | ((z - t * u(10)) << u(8))


def _lowest_flag(y):
    """Index of the lowest byte with its top bit set; 8 when none is."""
    return np.bitwise_count((y - np.uint64(1)) & ~y) >> np.uint64(3)


def _hex_raw(hashes: np.ndarray) -> np.ndarray:
    """Lower-case hex rows (n, 2k) -> their bytes (n, k)."""
    w = hashes.view("<u2")                       # two characters, the first in the low byte
    nib = (w & 0x0F0F) + 9 * ((w >> 6) & 0x0101)
    return (((nib & 0xFF) << 4) | (nib >> 8)).astype(np.uint8)


def _parent_digests(cs, n: int, height: int):
    """Each pair's parent as OKX computes it: (raw sha256 digests (n, 32), sums (A, n)).

    The sums' texts are written here in canonical form (the parent's published
    texts are compared to them through their values and canonical flag).
    None when a sum does not fit in 64 bits.
    """
    u = np.uint64
    right, left = cs.values[:, 0:2 * n:2], cs.values[:, 1:2 * n:2]
    sums = left + right
    if (sums < left).any():
        return None
    n_assets = sums.shape[0]
    flat_sums = sums.reshape(-1)
    whole = flat_sums // _E8
    frac = _digits8(flat_sums - whole * _E8)
    m = (frac + _NONZERO) & _TOPS
    m |= m >> u(8)
    m |= m >> u(16)
    m |= m >> u(32)
    frac_len = np.bitwise_count(m).astype(np.int64)  # fraction digits, zeros dropped
    top_text = top_len = None
    if whole.max() >= _E8:                       # 9 to 12 whole digits: two words
        top = whole // _E8
        whole = whole - top * _E8
        big = top > 0
        td = _digits8(top)
        skip = np.minimum(_lowest_flag((td + _NONZERO) & _TOPS), u(7))
        top_text = ((td + _ZEROS) >> (skip * u(8))).reshape(n_assets, n)
        top_len = np.where(big, 8 - skip.astype(np.int64), 0).reshape(n_assets, n)
    wd = _digits8(whole)
    skip = np.minimum(_lowest_flag((wd + _NONZERO) & _TOPS), u(7))   # "0" for zero
    if top_text is not None:
        skip = np.where(big, u(0), skip)
    whole_text = ((wd + _ZEROS) >> (skip * u(8))).reshape(n_assets, n)
    whole_len = (8 - skip.astype(np.int64)).reshape(n_assets, n)
    frac_text = (frac + _ZEROS).reshape(n_assets, n)
    frac_len = frac_len.reshape(n_assets, n)
    width = 128 + 22 * n_assets + 16
    rows = np.zeros((n, width), dtype=np.uint8)
    rows[:, :64] = cs.hashes[1:2 * n:2]
    rows[:, 64:128] = cs.hashes[0:2 * n:2]
    flat = rows.reshape(-1)
    words = np.ndarray((flat.size - 7,), dtype="<u8", buffer=rows, strides=(1,))
    col = np.arange(n, dtype=np.int64) * width + 128
    # Each write is a word at the row's next free byte, in order, so the bytes a
    # word carries past its text are overwritten by the next one.
    for k in range(n_assets):
        if top_text is not None:
            words[col] = top_text[k]
            col = col + top_len[k]
        words[col] = whole_text[k]
        col = col + whole_len[k]
        flat[col] = 46
        col = col + (frac_len[k] > 0)
        words[col] = frac_text[k]
        col = col + frac_len[k]
    words[col] = np.uint64(int.from_bytes(str(height).encode(), "little"))
    pre = rows.view(f"S{width}").ravel().tolist()       # trailing NULs dropped
    digests = b"".join(map(_DIGEST, map(hashlib.sha256, pre)))
    return np.frombuffer(digests, dtype=np.uint8).reshape(n, 32), sums


def _records(raw: np.ndarray, values: np.ndarray, flags) -> np.ndarray:
    """Fixed-size records (hash, values, canonical flag) to fingerprint a level with."""
    n = raw.shape[0]
    rec = np.zeros((n, 33 + 8 * values.shape[0]), dtype=np.uint8)
    rec[:, :32] = raw
    rec[:, 32:-1] = np.ascontiguousarray(values.T, dtype="<u8").view(np.uint8).reshape(n, -1)
    if flags is not None:
        rec[:, -1] = flags
    return rec


class _Sweep:
    """One pass that reads each line once and proves the tree needs no finding, or gives up.

    Lines are taken a level at a time, in pairs (right, left); each pair's
    parent is computed (sums, canonical texts, sha256) and appended to a
    SHA-256 fingerprint of the parents above as computed; each line is also
    appended, as published (hash, values, whether its texts are canonical),
    to the fingerprint of its own level. When a level ends, the two
    fingerprints of the level above must be equal: then every published
    parent has exactly the values its children add up to, canonical texts,
    and the hash recomputed from them, in the same order and number (a
    difference would need a SHA-256 collision, the same assumption as the
    tree itself). Pads, duplicate pairs, values past u64, odd levels, wrong
    heights and any line not in the simple form make it give up (False), and
    the exact rebuild then says what is wrong, node by node.
    """

    def __init__(self, cur: Cursor, level: int, progress=None, leaves_only: bool = False) -> None:
        self.cur = cur
        self.level = level            # height of the lines being read
        self.leaves_only = leaves_only    # the parents' fingerprint is another process's
        self.first_pair = True
        self.published: dict[int, object] = {}
        self.computed: dict[int, object] = {}
        self.leaves = 0
        self.prefix_arrays: list[np.ndarray] = []
        self.progress = progress

    def root(self, root: _Node) -> bool:
        if root.height < 2 or root.hash != root.hash.lower() or \
                not all(_canonical(t) for t in root.texts) or \
                not all(0 <= v <= U64_MAX for v in root.values):
            return False
        self.published[root.height] = hashlib.sha256(
            bytes.fromhex(root.hash) + b"".join(v.to_bytes(8, "little") for v in root.values)
            + b"\0")
        return True

    def end_level(self, compare: bool = True) -> bool:
        above = self.level + 1
        if above not in self.computed:
            return False
        if compare and (above not in self.published or
                        self.published[above].digest() != self.computed[above].digest()):
            return False
        self.level -= 1
        self.first_pair = True
        return True

    def run(self, stop: int | None = None, tick=None) -> str:
        """'end' (the file's end, clean), 'stop' (clean up to ``stop``) or 'dirty'."""
        cur = self.cur
        while True:
            if tick is not None:
                tick()
            if stop is not None and cur.peeked is None and not cur.pending and \
                    cur.offset() == stop:
                return "stop" if self.level == 2 and self.end_level() else "dirty"
            if self.level < 1:
                return "dirty"
            k = cur.available(self.level, 2 * MAX_BLOCK)
            if not k:
                if not cur.fast():
                    if cur.at_end() and self.level == 1:
                        return "end" if self.end_level(not self.leaves_only) else "dirty"
                    return "dirty"             # a line not in the simple form
                if int(cur.seg.height[cur.si]) != self.level - 1 or not self.end_level():
                    return "dirty"
                continue
            if k % 2:
                if cur.si + k < cur.seg.n or k == 1:
                    return "dirty"             # a level with an odd number of nodes
                k -= 1                         # the pair's other half is in the next read
            if not self.pairs(cur.block(k), k // 2):
                return "dirty"
            cur.advance(k)

    def pairs(self, cs, n: int) -> bool:
        if cs.big is not None and cs.big.any():
            return False
        hw = cs.hashes.view(np.uint64)
        same = (hw[0::2] == hw[1::2]).all(axis=1)
        pad = 0
        if self.first_pair:
            self.first_pair = False
            if same[0]:
                if cs.values[:, 0].any():
                    return False               # a pad with a balance
                pad = 1
                same[0] = False
        if same.any():
            return False
        done = _parent_digests(cs, n, self.level + 1)
        if done is None:
            return False
        digests, sums = done
        self.computed.setdefault(self.level + 1, hashlib.sha256()).update(
            _records(digests, sums, None))
        if self.level >= 2:
            self.published.setdefault(self.level, hashlib.sha256()).update(
                _records(_hex_raw(cs.hashes[pad:]), cs.values[:, pad:],
                         cs.noncanonical[pad:]))
        else:
            self.leaves += 2 * n - pad
            self.prefix_arrays.append(_leaf_prefixes(cs.hashes[pad:]))
            if self.progress is not None:
                self.progress(2 * n)
        return True

    def repeated(self) -> set[int]:
        if not self.prefix_arrays:
            return set()
        return _repeated(np.concatenate(self.prefix_arrays))


def _sweep(path: str, size: int, progress=None):
    """((root, assets, leaves, repeated leaf prefixes) if the tree provably needs no
    finding besides duplicate leaves, else None; the forked process, if one was
    started: it hashes the whole file once its part is done)."""
    cur = _cursor(path)
    fork = None
    try:
        root = cur.next()
        if root is None:
            raise InputError(path, "empty file")
        assets = cur.assets
        if cur.tpl is None:
            return None, None
        sweep = _Sweep(cur, root.height - 1, progress)
        if not sweep.root(root):
            return None, None
        off1 = _leaf_start(path, size, root.height)
        if off1 is not None:
            fork = _Fork(lambda count: _sweep_leaves(path, assets, off1, count))
            if sweep.run(stop=off1, tick=lambda: fork.forward(progress)) != "stop":
                fork.cancel()
                return None, fork
            fork.forward(progress)
            leaves = fork.result()
            fork.forward(progress)
            if leaves.get("fingerprint") != sweep.published[2].digest():
                return None, fork
            return (root, assets, leaves["leaves"], leaves["repeated"]), fork
        if sweep.run() != "end":
            return None, None
        return (root, assets, sweep.leaves, sweep.repeated()), None
    except BaseException:
        if fork is not None:
            fork.stop()
        raise
    finally:
        cur.close()


def _sweep_leaves(path: str, assets: list[str], off1: int, count) -> dict:
    """In the forked process: sweep the leaves, from ``off1`` to the end; then hash
    the whole file for the report."""
    res = {}
    try:
        cur = _cursor(path, off1, assets)
        sweep = _Sweep(cur, 1, count, leaves_only=True)
        if sweep.run() == "end" and 2 in sweep.computed:
            res = {"leaves": sweep.leaves, "repeated": sweep.repeated(),
                   "fingerprint": sweep.computed[2].digest()}
        cur.close()
    except _Cancelled:
        pass
    res["sha256"] = file_sha256(path)
    return res


SPLIT_MIN_BYTES = 32 << 20   # below this one process is as quick


def _leaf_start(path: str, size: int, height: int) -> int | None:
    """Where the leaves start, to sweep them in a second process; None to use one.

    Only a single-threaded process forks: another thread could hold a lock
    (OpenSSL's, an import's) that the child would then wait on for ever.
    """
    import threading

    if size < SPLIT_MIN_BYTES or height < 3 or _jobs() < 2 or not hasattr(os, "fork") or \
            threading.active_count() > 1:
        return None
    with open(path, "rb") as f:
        off1 = _first_at_most(f, size, 1)
    return off1 if off1 is not None and 0 < off1 < size else None


def _repeated(prefixes: np.ndarray) -> set[int]:
    """Leaf-hash prefixes (8 bytes) that occur more than once."""
    if len(prefixes) < 2:
        return set()
    prefixes.sort()
    return set(prefixes[1:][prefixes[1:] == prefixes[:-1]].tolist())


def _duplicate_leaves(path: str, assets: list[str], repeated: set[int],
                      out: _Findings) -> None:
    """Leaves whose hash repeats (the one valid pad of the leaf level excluded).

    Candidates share 8 hash bytes; confirmed on the full hashes in a second pass
    that parses only the leaves with those prefixes (and the first leaf).
    """
    wanted = np.array(sorted(repeated), dtype=np.uint64)
    seen: dict[str, int] = {}
    reader = _cursor(path)
    first_leaf = True

    def next_node():
        # Lines the loop below would pass over untouched are skipped in bulk.
        while reader.peeked is None and reader.fast():
            seg, si = reader.seg, reader.si
            interesting = seg.height[si:] == 1
            if not first_leaf:
                interesting &= np.isin(_leaf_prefixes(seg.hashes[si:]), wanted)
            hit = np.flatnonzero(interesting)
            if len(hit):
                reader.advance(int(hit[0]))
                break
            reader.advance(seg.n - si)
        return reader.next()

    try:
        node = next_node()
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
            node = next_node()
    finally:
        reader.close()
