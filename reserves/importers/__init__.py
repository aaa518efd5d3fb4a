"""Importers of published reserve files, with format detection.

``load(path, fmt=None)`` reads any supported file into a ``ClaimsFile``:
the claims in the one model, the file's own totals (checked against its
rows), and findings. The format is detected from the headers unless given.
"""

from __future__ import annotations

from reserves.errors import InputError
from reserves.gc_pause import gc_paused
from reserves.importers import htx, native, okx, okx_audit
from reserves.importers.common import ClaimsFile, TotalLine
from reserves.importers.table import read_sections, read_text
from reserves.importers.totals import check_totals

FORMATS = {
    "okx": okx,
    "okx-audit": okx_audit,
    "htx": htx,
    "native": native,
}
FORMAT_HELP = {
    "okx": "OKX monthly file (7, 9, 11 or 12 column address table, totals section)",
    "okx-audit": "OKX audit-firm file (digitalAsset,network,address,signedMessage,...)",
    "htx": "HTX/Huobi snapshot (BOM, totals section, '-' for unsigned rows)",
    "native": "this project's native CSV (see README)",
}


def detect(path: str, text: str) -> str:
    sections = read_sections(path, text, rows_per_section=5)
    for name in ("okx-audit", "htx", "okx", "native"):
        if FORMATS[name].looks_like(sections):
            return name
    first = sections[0].header if sections else []
    raise InputError(path, f"unknown file format (first header: {','.join(first)[:80]!r}); "
                           f"use --format with one of {', '.join(FORMATS)}",
                     sections[0].header_line if sections else None)


def load(path: str, fmt: str | None = None, name: str | None = None) -> ClaimsFile:
    """Read ``path``; ``name`` (default: the path) is how rows and errors refer to it."""
    text, source = read_text(path)
    if name is not None:
        from dataclasses import replace

        source = replace(source, path=name)
        path = name
    if fmt is None:
        fmt = detect(path, text)
    elif fmt not in FORMATS:
        raise InputError(path, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    with gc_paused():
        result = FORMATS[fmt].load(path, text, source)
        if not result.claims:
            raise InputError(path, "no address rows")
        result.findings.extend(check_totals(path, result.totals, result.claims,
                                            result.base_units))
    return result


__all__ = ["ClaimsFile", "FORMATS", "FORMAT_HELP", "TotalLine", "detect", "load"]
