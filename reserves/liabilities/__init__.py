"""Liabilities: import a published liabilities file, verify it, and say how strongly
each per-asset total is bound (see ``model.Binding``).

``load(path, fmt=None, **options)`` detects the format unless given:

==============  ===============================================  ==============
format          file                                             binding
==============  ===============================================  ==============
okx-tree        OKX full Merkle sum tree (text)                  recomputed
okx-path        OKX v1 Merkle proof file (JSON)                  path-verified
okx-user-info   OKX v2 user info file (JSON) + ``tree=``         the tree's
mexc-path       MEXC Merkle proof (JSON)                         path-verified
bitmex          BitMEX liabilities proof (CSV)                   recomputed
zk              Binance / Gate.io config + proof table           zk-structure
attested        this project's native totals file (JSON/TOML)    attested
==============  ===============================================  ==============
"""

from __future__ import annotations

import json
import re
import tomllib

from reserves.errors import InputError
from reserves.file_hash import file_sha256
from reserves.importers.table import SourceFile
from reserves.liabilities import attested, bitmex, mexc, okx_proofs, okx_tree, zk
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport

FORMATS = ("okx-tree", "okx-path", "okx-user-info", "mexc-path", "bitmex", "zk", "attested")
FORMAT_HELP = {
    "okx-tree": "OKX full liabilities Merkle tree (hash,height,{balances} lines)",
    "okx-path": "OKX v1 Merkle proof file (self + path to the root)",
    "okx-user-info": "OKX v2 user info file, checked against --tree",
    "mexc-path": "MEXC Merkle proof (self + pathList, 16-byte hashes)",
    "bitmex": "BitMEX liabilities proof (block_height: then digest,value per node)",
    "zk": "Binance / Gate.io zk package: config JSON (CexAssetsInfo) + proof table",
    "attested": "native attested totals (JSON or TOML, schema reserves.liabilities/1)",
}


def _read(path: str) -> tuple[bytes, int]:
    """The first 4 KiB and the size, or a one-line error for a file that cannot be one."""
    from pathlib import Path

    try:
        p = Path(path)
        size = p.stat().st_size
        with open(p, "rb") as f:
            head = f.read(4096)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    if size == 0 or not head.strip():
        raise InputError(path, "empty file")
    if b"\x00" in head:
        raise InputError(path, "binary data (NUL bytes), not a liabilities file")
    return head, size


MAX_NESTING = 100  # no liabilities format nests more than a few levels
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _nesting(text: str) -> int:
    """Deepest nesting of [] and {} outside strings (JSON or TOML)."""
    depth = deepest = 0
    for ch in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        depth = depth + 1 if ch in "[{" else depth - 1
        deepest = max(deepest, depth)
    return deepest


def _structured(path: str):
    from pathlib import Path

    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text (invalid byte 0x{data[e.start]:02x})",
                         data[:e.start].count(b"\n") + 1) from None
    if text.lstrip()[:1] in ("{", "[") and _nesting(text) > MAX_NESTING:
        # Checked before parsing: web3 (py_ecc) raises Python's recursion limit to
        # 100,000, and the C JSON parser then overflows the stack instead of raising.
        raise InputError(path, f"nested more than {MAX_NESTING} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        json_error = e
    except RecursionError:
        raise InputError(path, f"nested more than {MAX_NESTING} levels deep") from None
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise InputError(path, f"nested more than {MAX_NESTING} levels deep") from None
    except tomllib.TOMLDecodeError as e:
        toml_error = e
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith(("{", "[{", "[\"", "[[", "[0", "[1", "[]")):
        raise InputError(path, f"not valid JSON ({json_error.msg})", json_error.lineno)
    if "account_tree_roots" in first or "batch_number" in first:
        raise InputError(path, "this is a zk proof table: give its config JSON "
                               "(CexAssetsInfo); the table is found beside it or with "
                               "--proof-table", 1)
    raise InputError(path, "unknown liabilities format: not an OKX tree, a BitMEX proof, "
                           f"JSON or TOML ({toml_error}); use --format with one of "
                           + ", ".join(FORMATS))


def detect(path: str, head: bytes) -> str:
    import codecs

    try:
        # ``head`` is the first 4 KiB: a character may be cut at its end.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    if bitmex.looks_like(text):
        return "bitmex"
    if okx_tree.looks_like(text):
        return "okx-tree"
    data = _structured(path)
    for name, check in (("mexc-path", mexc.looks_like), ("okx-path", okx_proofs.looks_like_path),
                        ("okx-user-info", okx_proofs.looks_like_user_info),
                        ("zk", zk.looks_like), ("attested", attested.looks_like)):
        if check(data):
            return name
    raise InputError(path, "unknown liabilities format; use --format with one of "
                           + ", ".join(FORMATS))


def load(path: str, fmt: str | None = None, *, tree: str | None = None,
         proof_table: str | None = None, two_digit: set[str] | None = None,
         account: int | None = None, account_nonce: str | None = None,
         progress=None) -> LiabilitiesReport:
    head, size = _read(path)
    if fmt is None:
        fmt = detect(path, head)
    elif fmt not in FORMATS:
        raise InputError(path, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    try:
        if fmt == "okx-tree":
            # the tree's own pass hashes the file (in its second process when it has one)
            return okx_tree.verify(path, size, progress)
        source = SourceFile(path, file_sha256(path), size)
        if fmt == "bitmex":
            return bitmex.verify(path, source, account, account_nonce)
        data = _structured(path)
        if fmt == "okx-user-info":
            tree_report = load(tree, "okx-tree", progress=progress) if tree else None
            return okx_proofs.verify_user_info(path, data, source, tree_report, tree)
        checks = {"okx-path": okx_proofs.looks_like_path, "mexc-path": mexc.looks_like,
                  "zk": zk.looks_like, "attested": attested.looks_like}
        if not checks[fmt](data):
            raise InputError(path, f"does not have the shape of a {fmt} file")
        if fmt == "okx-path":
            return okx_proofs.verify_path(path, data, source)
        if fmt == "mexc-path":
            return mexc.verify(path, data, source)
        if fmt == "zk":
            return zk.verify(path, data, source, proof_table, two_digit)
        return attested.load(path, data, source)
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise InputError(path, f"missing or malformed field ({type(e).__name__}: {e})") \
            from None


__all__ = ["AssetLiability", "Binding", "FORMATS", "FORMAT_HELP", "LiabilitiesReport", "load"]
