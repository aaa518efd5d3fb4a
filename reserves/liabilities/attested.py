"""The native attested-totals file: what an exchange says it owes, bound to nothing.

JSON or TOML, amounts as exact decimal strings in whole units (README
"Attested liabilities")::

    schema = "reserves.liabilities/1"
    exchange = "Demo Exchange"
    as_of = "2026-11-24"
    [[assets]]
    asset = "BTC"
    decimals = 8
    total = "25.5"            # or equity and debt, total = equity - debt

Floats are refused: a total written as 25.5 (a number, not a string) could
already have been rounded by whoever wrote it.
"""

from __future__ import annotations

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport
from reserves.units import AmountError, to_base_units

SCHEMA = "reserves.liabilities/1"
KEYS = {"schema", "exchange", "as_of", "root", "assets", "note"}
ASSET_KEYS = {"asset", "decimals", "total", "equity", "debt"}


def _amount(path: str, where: str, row: dict, key: str, decimals: int) -> int | None:
    v = row.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise InputError(path, f"{where}.{key}: write amounts as strings (exact decimals), "
                               "not numbers")
    try:
        return to_base_units(v, decimals)
    except AmountError as e:
        raise InputError(path, f"{where}.{key}: {e}") from None


def looks_like(data) -> bool:
    return isinstance(data, dict) and data.get("schema") == SCHEMA


def load(path: str, data: dict, source: SourceFile) -> LiabilitiesReport:
    for k in data:
        if k not in KEYS:
            raise InputError(path, f"unknown key {k!r} (allowed: {', '.join(sorted(KEYS))})")
    rows = data.get("assets")
    if not isinstance(rows, list) or not rows:
        raise InputError(path, "'assets' must be a non-empty list")
    assets, seen = [], set()
    for i, a in enumerate(rows):
        where = f"assets[{i}]"
        if not isinstance(a, dict):
            raise InputError(path, f"{where} must be a table")
        for k in a:
            if k not in ASSET_KEYS:
                raise InputError(path, f"{where}.{k}: unknown key")
        symbol, decimals = a.get("asset"), a.get("decimals")
        if not isinstance(symbol, str) or not symbol:
            raise InputError(path, f"{where}.asset: missing")
        if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
            raise InputError(path, f"{where}.decimals: must be a non-negative integer")
        if symbol in seen:
            raise InputError(path, f"{where}.asset: {symbol} listed twice")
        seen.add(symbol)

        total, equity, debt = (_amount(path, where, a, k, decimals)
                               for k in ("total", "equity", "debt"))
        if total is None:
            if equity is None:
                raise InputError(path, f"{where}: give total, or equity (and debt)")
            total = equity - (debt or 0)
        elif equity is not None and total != equity - (debt or 0):
            raise InputError(path, f"{where}: total is not equity minus debt")
        assets.append(AssetLiability(symbol, decimals, total, equity, debt))
    findings = [Finding("liabilities-attested-only", Severity.WARNING,
                        "attested totals: bound to no tree or proof", subject=path)]
    for a in assets:
        if a.total < 0:
            findings.append(Finding("negative-balance", Severity.ERROR,
                                    f"{a.asset}: net liability is negative", subject=path))
    return LiabilitiesReport("attested", Binding.ATTESTED, data.get("root"), "none", assets,
                             findings, source,
                             {"exchange": data.get("exchange"), "as_of": data.get("as_of")})
