"""Importers of published reserve files, with format detection.

``load(path, fmt=None)`` reads any supported file into a ``ClaimsFile``:
the claims in the one model, the file's own totals (checked against its
rows), and findings. The format is detected from the headers unless given.
Coin labels resolve through the user's label map (``labels``), then the
catalog (``reserves.labels``).
Binance and BitMEX files (millions of rows, hundreds of megabytes) are read
as streams by their importers; the others are read whole as text.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from reserves import labels as label_resolution
from reserves.errors import InputError
from reserves.gc_pause import gc_paused
from reserves.importers import binance, bitmex, htx, native, okx, okx_audit, summa
from reserves.importers.common import ClaimsFile, TotalLine
from reserves.importers.table import read_sections, read_text
from reserves.importers.totals import DEFAULT_TOLERANCE, check_totals
from reserves.labels import LabelMap

FORMATS = {
    "okx": okx,
    "okx-audit": okx_audit,
    "htx": htx,
    "binance": binance,
    "bitmex": bitmex,
    "summa": summa,
    "native": native,
}
STREAMED = frozenset({"binance", "bitmex"})
"""Formats whose importer reads the file itself, as a stream (``load_file``)."""
HEAD = 1 << 16
FORMAT_HELP = {
    "okx": "OKX monthly file (7, 9, 11 or 12 column address table, totals section)",
    "okx-audit": "OKX audit-firm file (digitalAsset,network,address,signedMessage,...)",
    "htx": "HTX/Huobi snapshot (BOM, totals section, '-' for unsigned rows)",
    "binance": "Binance address file (coin,network,address,balance,Height,custodian)",
    "bitmex": "BitMEX reserves YAML (address list with multisig scripts, keys, claim m/n)",
    "summa": "Summa signatures CSV (chain;address;signature;message)",
    "native": "this project's native CSV (see README)",
}


def sniff(head: str) -> str | None:
    """The format of a file whose start is ``head``, for the formats that tell by it alone."""
    head = head.removeprefix("\ufeff")
    first = next((line for line in head.splitlines() if line.strip()), "")
    if binance.looks_like(first):
        return "binance"
    if summa.looks_like(first):
        return "summa"
    if bitmex.looks_like(head):
        return "bitmex"
    return None


def _head(path: str) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(HEAD)
    except OSError:
        return ""  # read_text or the streaming importer says what is wrong
    return data.decode("utf-8", errors="replace")


def detect(path: str, text: str) -> str:
    found = sniff(text[:HEAD])
    if found:
        return found
    sections = read_sections(path, text, rows_per_section=5)
    for name in ("okx-audit", "htx", "okx", "native"):
        if FORMATS[name].looks_like(sections):
            return name
    first = sections[0].header if sections else []
    raise InputError(path, f"unknown file format (first header: {','.join(first)[:80]!r}); "
                           f"use --format with one of {', '.join(FORMATS)}",
                     sections[0].header_line if sections else None)


def load(path: str, fmt: str | None = None, name: str | None = None,
         labels: LabelMap | None = None,
         totals_tolerance: Decimal = DEFAULT_TOLERANCE) -> ClaimsFile:
    """Read ``path``; ``name`` (default: the path) is how rows and errors refer to it.

    ``labels`` is the user's label map; ``totals_tolerance`` the share of a total
    by which its rows may differ and still count as rounding (``check_totals``).
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(name or path, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt is None and Path(path).is_file():
        fmt = sniff(_head(path))
    resolver = label_resolution.Resolver(labels)
    if fmt in STREAMED:
        with gc_paused(), label_resolution.using(resolver):
            result = FORMATS[fmt].load_file(path, name or path)
            if not result.claims:
                raise InputError(name or path, "no address rows")
            return result
    text, source = read_text(path)
    if name is not None:
        source = replace(source, path=name)
        path = name
    if fmt is None:
        fmt = detect(path, text)
    with gc_paused(), label_resolution.using(resolver):
        result = FORMATS[fmt].load(path, text, source)
        if not result.claims:
            raise InputError(path, "no address rows")
        _check_unterminated(path, text, result)
        result.findings.extend(check_totals(
            path, result.totals, result.claims, result.base_units, totals_tolerance,
            lambda label: resolver.resolve(label).asset))
    return result


def _check_unterminated(path: str, text: str, result: ClaimsFile) -> None:
    """A file whose last row has no line end and does not verify was cut short.

    A broken download stops anywhere, most often inside the longest cell, the
    signature: the row then reads as a bad signature, a finding about the
    exchange, when the fault is the copy of the file. Only that row is judged
    here, with no message policy (any text is accepted), so what is refused is
    a proof that does not decode or verify at all.
    """
    if text.endswith(("\n", "\r")):
        return
    last = len(text.splitlines())
    tail = [c for c in result.claims if c.row == last]
    if not tail:
        return
    from reserves.message_policy import MessagePolicy
    from reserves.verdicts import Status
    from reserves.verify import judge

    verdict = judge(tail[0], MessagePolicy())
    if verdict.status is Status.FAILED:
        raise InputError(path, "the file ends inside this row (no final line end) and the "
                               f"row does not verify ({verdict.reason}): the file looks cut "
                               "short, as by a broken download; fetch it again, or end it "
                               "with a newline if it is complete", last)


__all__ = ["ClaimsFile", "FORMATS", "FORMAT_HELP", "TotalLine", "detect", "load", "sniff"]
