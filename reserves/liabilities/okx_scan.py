"""Reading an OKX full-tree file fast: many lines at once with numpy, exactly.

``scan`` parses a run of lines of the strict form

    <64 lower-case hex>,<height>,{"A1":"<number>","A2":"<number>",...}\\n

(``\\r\\n`` allowed), with the file's own asset names in order, heights of 1 to
8 digits and numbers ``[0-9]{1,12}(\\.[0-9]{1,8})?``, into arrays: line
starts, heights, hashes, values as integers of 1e-8 units, and where each
number's text lies. Every byte of an accepted line is checked against that
form, so a line accepted here is one the line-by-line parser in ``okx_tree``
reads to the same values; any other line (negative or huge numbers, spaces,
escapes, upper-case hex, a lone CR, blank lines, anything malformed) is left
to that parser, which accepts it or names it in a one-line error exactly as
before. Nothing here decides a finding: it only lets the verifier skip the
line-by-line work for runs of lines that are provably in the simple form.

The digits are read eight at a time from little-endian 64-bit words (SWAR):
the dot is found with a zero-byte test, the whole and fractional digits are
shifted into words padded with '0', checked to be digits and converted by
three multiply-and-mask steps. Integers only; no floats anywhere.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from reserves.errors import InputError

CHUNK = 1 << 20          # bytes read at a time
PAD = 64                 # readable bytes kept after the last scanned line
_u = np.uint64
_ZEROS = _u(0x3030303030303030)
_K46 = _u(0x4646464646464646)
_H80 = _u(0x8080808080808080)
_L7F = _u(0x7F7F7F7F7F7F7F7F)
_DOTS = _u(0x2E2E2E2E2E2E2E2E)
_M1 = _u(0x00FF00FF00FF00FF)
_M2 = _u(0x0000FFFF0000FFFF)
_M3 = _u(0x00000000FFFFFFFF)
_LOWMASK = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_ZFILL = _LOWMASK & _ZEROS
_E8 = _u(10 ** 8)
_ONE, _SEVEN, _EIGHT, _B, _C30 = _u(1), _u(7), _u(8), _u(0xFF), _u(0x30)
# 2^64 - 1 units of 1e-8 = 184467440737.09551615: whole 1844|67440737, fraction 09551615
_BIG_HI, _BIG_LO, _BIG_FR = 1844, 67440737, 9551615
_SIMPLE_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _conv(w):
    """Eight ASCII digits per word (first digit in the low byte) -> their value."""
    v = w - _ZEROS
    v = (v * _u(10) + (v >> _EIGHT)) & _M1
    v = (v * _u(100) + (v >> _u(16))) & _M2
    return (v * _u(10000) + (v >> _u(32))) & _M3


def _not_digits(w):
    """Non-zero where some byte of the word is not an ASCII digit."""
    return ((w + _K46) | (w - _ZEROS)) & _H80


def _low_byte_flagged(y):
    """Index of the lowest byte of ``y`` whose top bit is set; 8 when none is."""
    return np.bitwise_count((y & (~y + _ONE)) - _ONE) >> _u(3)


def _dot_bytes(w):
    """0x80 in each byte of ``w`` that is '.', 0 elsewhere (exact, no carries)."""
    x = w ^ _DOTS
    return ~(((x & _L7F) + _L7F) | x | _L7F)


class Template:
    """The fixed text between one line's numbers, for a given list of assets."""

    def __init__(self, assets: list[str]) -> None:
        self.assets = assets
        self.usable = bool(assets) and all(_SIMPLE_NAME.fullmatch(a) for a in assets)
        n = len(assets)
        self.nq = 4 * n
        self.jlen = np.empty(n, dtype=np.int64)
        self.jmask = np.empty(n, dtype=np.uint64)
        self.jval = np.empty(n, dtype=np.uint64)
        self.extra: list[tuple[int, int, int]] = []
        for k, name in enumerate(assets):
            if not self.usable:
                break
            j = (b',{"' if k == 0 else b'","') + name.encode() + b'":"'
            tail = j[-8:]
            shift = 8 * (8 - len(tail))
            self.jmask[k] = ((1 << (8 * len(tail))) - 1) << shift
            self.jval[k] = int.from_bytes(tail, "little") << shift
            self.jlen[k] = len(j)
            # bytes of the junction before its last eight (the first is the
            # previous number's closing quote, found by the quote scan)
            for i in range(1 if k else 0, len(j) - 8):
                self.extra.append((k, len(j) - i, j[i]))


class Segment:
    """Arrays for ``n`` consecutive lines of a buffer, all in the simple form."""

    __slots__ = ("a", "big", "hashes", "height", "n", "noncanonical", "starts", "text_end",
                 "text_start", "values")

    def take(self, i: int, j: int) -> Segment:
        part = Segment()
        part.n = j - i
        part.starts = self.starts[i:j + 1]
        part.height = self.height[i:j]
        part.values = self.values[:, i:j]
        part.big = None if self.big is None else self.big[i:j]
        part.noncanonical = self.noncanonical[i:j]
        part.hashes = self.hashes[i:j]
        part.text_start = self.text_start[:, i:j]
        part.text_end = self.text_end[:, i:j]
        part.a = self.a
        return part


def scan(a, u64view, rows32, rows64, b0: int, b1: int, tpl: Template, check_hex: bool):
    """Parse the lines in ``a[b0:b1]`` (whole lines, PAD readable bytes after).

    Returns ``(segment, first_bad)``: ``first_bad`` is None when every line is
    in the simple form, else the index of the first line that is not (the
    lines before it are good); ``(None, -1)`` when the run's quotes do not
    even line up, so no line can be trusted.
    """
    n_assets, nq = len(tpl.assets), tpl.nq
    q = np.flatnonzero(a[b0:b1] == 34)
    n = len(q) // nq
    if n == 0 or len(q) != n * nq:
        return None, -1
    q += b0
    quotes = q.reshape(n, nq)
    last = quotes[:, -1]
    ends = last + 2 + (a[last + 2] == 13)
    starts = np.empty(n + 1, dtype=np.int64)
    starts[0] = b0
    starts[1:] = ends + 1
    if starts[-1] != b1:
        return None, -1
    s = starts[:-1]
    bad = (a[last + 1] != 125) | (a[ends] != 10) | (a[s + 64] != 44)
    qt = quotes.T
    vs = qt[2::4] + 1
    ve = qt[3::4]
    values = np.empty((n_assets, n), dtype=np.uint64)
    big = None
    noncanonical = None
    notdig = None
    for k in range(n_assets):
        v0 = vs[k]
        length = ve[k] - v0
        words = rows32[v0 - 8].view(np.uint64)       # the junction's tail, then the text
        bad |= (words[:, 0] & tpl.jmask[k]) != tpl.jval[k]
        if k:
            bad |= (v0 - ve[k - 1]) != tpl.jlen[k]
        w0, w1 = words[:, 1], words[:, 2]
        y0 = _dot_bytes(w0)
        dot = np.where(y0 != 0, _low_byte_flagged(y0),
                       _low_byte_flagged(_dot_bytes(w1)) + _EIGHT).astype(np.int64)
        dot = np.minimum(dot, length)                # whole digits; = length: no dot
        frac = length - dot - 1
        bad |= (dot < 1) | (dot > 12) | (frac > 8) | (frac == 0)
        d = np.clip(dot, 1, 12).astype(np.uint64)
        fl = np.clip(frac, 0, 8)
        sh = (_EIGHT - np.minimum(d, _EIGHT)) * _EIGHT
        lo = (w0 << sh) | np.take(_ZFILL, sh >> _u(3))
        wide = d > _EIGHT
        hi = None
        if wide.any():
            dd = np.maximum(d, _u(9))
            r = (dd - _EIGHT) * _EIGHT
            lo = np.where(wide, (w0 >> r) | (w1 << (_u(64) - r)), lo)
            shh = (_u(16) - dd) * _EIGHT
            hi = np.where(wide, (w0 << shh) | np.take(_ZFILL, shh >> _u(3)), _ZEROS)
            nd = _not_digits(lo) | _not_digits(hi)
        else:
            nd = _not_digits(lo)
        o = d + _ONE                                 # first fraction byte, 2..13
        ob = np.minimum(o, _SEVEN) * _EIGHT
        fr = (w0 >> ob) | (w1 << (_u(64) - ob))
        late = o > _SEVEN
        if late.any():
            o2 = (np.clip(o, _EIGHT, _u(15)) - _EIGHT) * _EIGHT
            fr = np.where(late, (w1 >> o2) | ((words[:, 3] << (_u(56) - o2)) << _EIGHT), fr)
        keep = np.take(_LOWMASK, fl)
        last_digit = (fr >> ((np.maximum(fl, 1) - 1).astype(np.uint64) * _EIGHT)) & _B
        fr = (fr & keep) | (_ZEROS & ~keep)
        nd |= _not_digits(fr)
        notdig = nd if notdig is None else (notdig | nd)
        nc = ((d > _ONE) & ((w0 & _B) == _C30)) | ((fl > 0) & (last_digit == _C30))
        noncanonical = nc if noncanonical is None else (noncanonical | nc)
        lo = _conv(lo)
        fr = _conv(fr)
        if hi is not None:
            hi = _conv(hi)
            b = (hi > _BIG_HI) | ((hi == _BIG_HI) & (
                (lo > _BIG_LO) | ((lo == _BIG_LO) & (fr > _BIG_FR))))
            big = b if big is None else (big | b)
            values[k] = (hi * _E8 + lo) * _E8 + fr
        else:
            values[k] = lo * _E8 + fr
    for k, back, byte in tpl.extra:
        bad |= a[vs[k] - back] != byte
    hend = vs[0] - tpl.jlen[0]                       # the comma after the height
    hl = hend - s - 65
    bad |= (hl < 1) | (hl > 8)
    w = u64view[hend - 8]
    m = np.take(_LOWMASK, 8 - hl, mode="clip")
    w = (w & ~m) | (_ZEROS & m)
    notdig |= _not_digits(w)
    bad |= notdig != 0
    hashes = rows64[s]
    if check_hex and not (hashes.min() >= 48 and hashes.max() <= 102
                          and not ((hashes - 58) < 39).any()):
        bad |= ((hashes < 48) | (hashes > 102) | ((hashes - 58) < 39)).any(axis=1)
    seg = Segment()
    seg.n = n
    seg.starts = starts
    seg.height = _conv(w).astype(np.int64)
    seg.values = values
    seg.big = big
    seg.noncanonical = noncanonical
    seg.hashes = hashes
    seg.text_start = vs
    seg.text_end = ve
    seg.a = a
    if bad.any():
        return seg, int(np.argmax(bad))
    return seg, None


class Cursor:
    """Lines of the tree file in order, from a byte offset: as nodes or as segments.

    ``next``/``peek`` give one parsed node at a time (through ``parse_line``,
    the reference parser); ``available``/``block``/``advance`` let the verifier
    take runs of lines that ``scan`` accepted without parsing them one by one.
    ``line`` is the number of the last line consumed (blank lines count, as
    do lines ended by a lone CR, as in Python's universal newlines).
    """

    def __init__(self, path: str, parse_line, offset: int = 0, line: int = 0,
                 check_hex: bool = True) -> None:
        self.path = path
        self.parse_line = parse_line       # (cursor, text) -> node
        self.file = open(path, "rb")
        self.file.seek(offset)
        self.base = offset                 # file offset of data[0]
        self.data = b""
        self.size = 0                      # data[:size] is the file's; then padding
        self.end = 0                       # data[:end] holds whole lines
        self.pos = 0                       # next unread byte of data
        self.eof = False
        self.line = line
        self.check_hex = check_hex
        self.assets: list[str] | None = None
        self.first = offset == 0            # the file's first line (no lower-case rule)
        self.tpl: Template | None = None
        self.seg: Segment | None = None
        self.si = 0
        self.pending: list[str] = []
        self.peeked = None
        self.try_bytes = CHUNK
        self.slow = 0                      # lines to read one by one before scanning again
        self.misses = 0                    # scans in a row that found a slow first line
        self._views = None

    def close(self) -> None:
        self.file.close()

    def set_assets(self, assets: list[str]) -> None:
        self.assets = list(assets)
        self.tpl = Template(self.assets)
        if not self.tpl.usable:
            self.tpl = None

    def at_end(self) -> bool:
        """Nothing left to read (call after ``fast`` returned False)."""
        return not self.pending and self.peeked is None and self.eof and self.pos >= self.end

    def offset(self) -> int:
        """File offset of the next line not yet consumed (no peeked node pending)."""
        return self.base + self.pos

    # -- reading -------------------------------------------------------------------
    def _read(self) -> None:
        data = self.data[self.pos:self.size]
        self.base += self.pos
        while True:
            chunk = b"" if self.eof else self.file.read(CHUNK)
            if not chunk:
                self.eof = True
            data += chunk
            if self.eof:
                if data and not data.endswith(b"\n"):
                    data += b"\n"          # the last line, unterminated
                end = len(data)
                break
            end = data.rfind(b"\n") + 1
            if end:
                break
            if len(data) >= 4 * CHUNK:
                # no LF at all: lines end with a lone CR (each with a byte after it here)
                end = data.rfind(b"\r", 0, len(data) - 1) + 1
                if end:
                    break
        self.size = len(data)
        if self.size - end < PAD:
            data += bytes(PAD)
        self.data, self.end, self.pos = data, end, 0
        self.seg, self.si, self._views = None, 0, None

    def _arrays(self):
        if self._views is None:
            a = np.frombuffer(self.data, dtype=np.uint8)
            u = np.ndarray((len(a) - 7,), dtype="<u8", buffer=self.data, offset=0, strides=(1,))
            self._views = (a, u, sliding_window_view(a, 32), sliding_window_view(a, 64))
        return self._views

    def _scan(self) -> bool:
        """Make ``seg`` cover lines from ``pos`` if they scan; False when the next is slow."""
        if self.pos >= self.end:
            self._read()
            if self.pos >= self.end:
                return False
        if self.tpl is None or self.slow:
            return False
        b0 = self.pos
        first = self.data.find(b"\n", b0, self.end) + 1
        if not first:
            return False                       # only CR-ended lines here: read them one by one
        b1 = min(self.end, b0 + self.try_bytes)
        if b1 < self.end:
            b1 = self.data.rfind(b"\n", b0, b1) + 1
            if b1 <= b0:
                b1 = first
        a, u, r32, r64 = self._arrays()
        while True:
            seg, bad = scan(a, u, r32, r64, b0, b1, self.tpl, self.check_hex)
            if seg is None and b1 > first:
                half = b0 + (b1 - b0) // 2     # quotes out of step: narrow down
                nb = self.data.rfind(b"\n", b0, half) + 1
                b1 = nb if nb > b0 else first
                self.try_bytes = max(b1 - b0, 256)
                continue
            break
        if seg is None or bad == 0:
            self.misses += 1
            self.slow = 1 << min(self.misses, 12)
            self.try_bytes = 4096
            return False
        self.misses = 0
        if bad is not None:
            seg = seg.take(0, bad)
            self.slow = 1                      # the line after it is not in the form
        else:
            self.try_bytes = min(self.try_bytes * 2, CHUNK)
        self.seg, self.si = seg, 0
        return True

    def fast(self) -> bool:
        """True when the next line is in a scanned segment."""
        if self.pending or self.peeked is not None:
            return False
        if self.seg is not None and self.si < self.seg.n:
            return True
        self.seg = None
        return self._scan()

    def _raw(self) -> str | None:
        """The next line's text (one line number), or None at the end."""
        if self.pending:
            return self.pending.pop()
        if self.fast():
            seg, i = self.seg, self.si
            self.si += 1
            self.pos = int(seg.starts[i + 1])
            return self.data[seg.starts[i]:self.pos].decode("ascii")
        if self.pos >= self.end:
            return None
        nl = self.data.find(b"\n", self.pos, self.end) + 1 or self.end
        raw = self.data[self.pos:nl]
        self.pos = nl
        if self.slow:
            self.slow -= 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(self.path, "not UTF-8 text", self.line + 1) from None
        parts = _LINES.findall(text)          # a lone CR ends a line, as when reading text
        if len(parts) > 1:
            self.pending = parts[:0:-1]
        return parts[0]

    # -- nodes -----------------------------------------------------------------------
    def next(self):
        if self.peeked is not None:
            node, self.peeked = self.peeked, None
            return node
        while True:
            text = self._raw()
            if text is None:
                return None
            self.line += 1
            if text.strip():
                return self.parse_line(self, text)

    def peek(self):
        if self.peeked is None:
            self.peeked = self.next()
        return self.peeked

    # -- runs ------------------------------------------------------------------------
    def available(self, height: int, want: int) -> int:
        """How many lines of ``height`` follow in one segment (rescanning a short rest)."""
        if not self.fast():
            return 0
        left = self.seg.n - self.si
        if left < min(want, 4096) and not self.slow:
            # the segment stops at the end of what was read or scanned: go on from here
            if self.seg.starts[-1] >= self.end:
                if self.eof:
                    left = -1
                else:
                    self._read()
            else:
                self.seg = None
            if left != -1 and not self.fast():
                return 0
        h = self.seg.height[self.si:self.si + want]
        other = np.flatnonzero(h != height)
        return int(other[0]) if len(other) else len(h)

    def block(self, count: int) -> Segment:
        return self.seg.take(self.si, self.si + count)

    def advance(self, count: int) -> None:
        self.si += count
        self.pos = int(self.seg.starts[self.si])
        self.line += count
