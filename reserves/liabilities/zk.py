"""Binance and Gate.io zk proof-of-solvency packages, checked for structure only.

A package is an asset config (``CexAssetsInfo``: per asset TotalEquity,
TotalDebt, BasePrice, Symbol, Index) and a proof table (``proof.csv``: one
Groth16 proof per batch with the account-tree roots and asset-list
commitments before and after it). The proofs themselves need the
exchange's verifier and keys; here we check everything around them:

* assets: indexes 0..n-1, unique symbols, equity and debt non-negative, within
  u64, equity >= debt;
* batches numbered 0, 1, 2, ... with well-formed 32-byte values;
* Gate: each batch's tree root and commitment chain from the previous
  batch's, the first root being the empty tree's;
* Binance: every batch shares one tree root, account ranges are contiguous
  from 0.

Amounts are integers scaled by 10^8, or 10^2 for the exchange's "two-digit"
assets (reserves/data/zk_two_digit_assets.toml; ``two_digit`` overrides it).
"""

from __future__ import annotations

import base64
import binascii
import csv
import json
import tomllib
from importlib import resources
from pathlib import Path

from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.liabilities.model import AssetLiability, Binding, LiabilitiesReport, finding
from reserves.liabilities.numbers import U64_MAX

GATE_EMPTY_ROOT = "037bf6d8fe5b7cbaecf7b35604b57f82173f5c8155c1c750cef00afebcd65436"
HASH_RULE = "Poseidon (BN254) account tree and asset commitments; proofs not verified here"


def looks_like(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("CexAssetsInfo"), list)


def two_digit_assets(variant: str) -> set[str]:
    text = resources.files("reserves").joinpath("data/zk_two_digit_assets.toml").read_text()
    return set(tomllib.loads(text)[variant])


def _b64_32(path: str, value: str, where: str) -> str:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(path, f"{where}: not base64") from None
    if len(raw) != 32:
        raise InputError(path, f"{where}: {len(raw)} bytes, expected 32")
    return raw.hex()


def _proof_table(config_path: Path, config: dict, explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    named = config.get("ProofCsv") or config.get("ProofTable")
    candidates = []
    if named:
        candidates.append(config_path.parent / Path(named).name)
    for old, new in (("cex_config.json", "proof.csv"), ("config.json", "proof.csv")):
        if config_path.name.endswith(old):
            candidates.append(config_path.with_name(config_path.name[:-len(old)] + new))
    for c in candidates:
        if c.is_file():
            return c
    raise InputError(str(config_path), "its proof table was not found (looked for "
                                       + ", ".join(str(c.name) for c in candidates)
                                       + "); give it with --proof-table")


def verify(path: str, data: dict, source: SourceFile, proof_table: str | None = None,
           two_digit: set[str] | None = None) -> LiabilitiesReport:
    variant = "gate" if "ProofCsv" in data else "binance"
    scale2 = two_digit if two_digit is not None else two_digit_assets(variant)
    findings: list[Finding] = []
    assets: list[AssetLiability] = []
    seen_index, seen_symbol = set(), set()
    zero = 0
    for i, a in enumerate(data["CexAssetsInfo"]):
        where = f"{path}:CexAssetsInfo[{i}]"
        if not isinstance(a, dict):
            raise InputError(path, f"CexAssetsInfo[{i}] is not an object")
        symbol, index = a.get("Symbol"), a.get("Index")
        equity, debt = a.get("TotalEquity"), a.get("TotalDebt")
        if not isinstance(symbol, str) or not symbol or not isinstance(index, int):
            raise InputError(path, f"CexAssetsInfo[{i}]: needs Symbol and Index")
        for name, v in (("TotalEquity", equity), ("TotalDebt", debt)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise InputError(path, f"CexAssetsInfo[{i}].{name}: must be an integer")
            if v < 0:
                findings.append(finding("negative-balance", Severity.ERROR,
                                        f"{symbol}: {name} {v} is negative", where))
            if v > U64_MAX:
                findings.append(finding("value-overflow", Severity.ERROR,
                                        f"{symbol}: {name} {v} exceeds u64", where))
        if index in seen_index:
            findings.append(finding("duplicate-asset", Severity.ERROR,
                                    f"asset index {index} appears twice", where))
        if symbol.lower() in seen_symbol:
            findings.append(finding("duplicate-asset", Severity.ERROR,
                                    f"asset {symbol} appears twice", where))
        seen_index.add(index)
        seen_symbol.add(symbol.lower())
        if equity < debt:
            findings.append(finding("debt-exceeds-equity", Severity.ERROR,
                                    f"{symbol}: TotalDebt {debt} exceeds TotalEquity {equity}",
                                    where))
        if equity == 0 and debt == 0:
            zero += 1
            continue
        decimals = 2 if symbol.lower() in scale2 else 8
        assets.append(AssetLiability(symbol.upper(), decimals, equity - debt, equity, debt))
    if seen_index != set(range(len(seen_index))):
        findings.append(Finding("asset-index-gap", Severity.ERROR,
                                "asset indexes are not 0..n-1", subject=path))
    table = _proof_table(Path(path), data, proof_table)
    rows = _rows(str(table))
    root = _check_batches(str(table), rows, variant, findings)
    findings.append(Finding(
        "zk-proofs-not-verified", Severity.WARNING,
        f"{len(rows)} Groth16 batch proof(s) were not verified here (run the exchange's "
        "verifier with its keys); only structure and cross-file consistency were checked",
        subject=str(table)))
    errors = any(f.severity >= Severity.ERROR for f in findings)
    return LiabilitiesReport(f"zk-{variant}", Binding.ATTESTED if errors else Binding.ZK_STRUCTURE,
                             root, HASH_RULE, sorted(assets, key=lambda a: a.asset), findings,
                             source, {"batches": len(rows), "assets_listed": len(seen_index),
                                      "assets_zero": zero, "proof_table": str(table)})


def _rows(path: str) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(path, f"unreadable proof table: {e}") from None
    if not rows:
        raise InputError(path, "the proof table has no batches")
    need = {"batch_number", "cex_asset_list_commitments", "account_tree_roots"}
    if not need <= set(rows[0]):
        raise InputError(path, f"the proof table lacks columns {sorted(need - set(rows[0]))}", 1)
    return rows


def _check_batches(path: str, rows: list[dict], variant: str,
                   findings: list[Finding]) -> str:
    batches = []
    for line, row in enumerate(rows, 2):
        try:
            number = int(row["batch_number"])
            commitments = json.loads(row["cex_asset_list_commitments"])
            roots = json.loads(row["account_tree_roots"])
        except (ValueError, json.JSONDecodeError):
            raise InputError(path, "batch_number, commitments or roots are malformed",
                             line) from None
        if not isinstance(commitments, list) or len(commitments) != 2:
            raise InputError(path, "cex_asset_list_commitments must be [before, after]", line)
        want_roots = 2 if variant == "gate" else 1
        if not isinstance(roots, list) or len(roots) != want_roots:
            raise InputError(path, f"account_tree_roots must hold {want_roots} root(s) for "
                                   f"{variant}", line)
        batches.append((number, line,
                        [_b64_32(path, c, f"line {line} commitment") for c in commitments],
                        [_b64_32(path, r, f"line {line} root") for r in roots], row))
    batches.sort(key=lambda b: b[0])
    if [b[0] for b in batches] != list(range(len(batches))):
        findings.append(Finding("batch-numbering", Severity.ERROR,
                                "batch numbers are not 0, 1, 2, ...", subject=path))
    for prev, cur in zip(batches, batches[1:]):
        if cur[2][0] != prev[2][1]:
            findings.append(finding("commitment-chain", Severity.ERROR,
                                    f"batch {cur[0]}'s asset commitment does not continue batch "
                                    f"{prev[0]}'s", f"{path}:{cur[1]}"))
    if variant == "gate":
        if batches[0][3][0] != GATE_EMPTY_ROOT:
            findings.append(finding("root-chain", Severity.ERROR,
                                    "the first batch does not start from the empty tree's root",
                                    f"{path}:{batches[0][1]}"))
        for prev, cur in zip(batches, batches[1:]):
            if cur[3][0] != prev[3][1]:
                findings.append(finding("root-chain", Severity.ERROR,
                                        f"batch {cur[0]}'s tree root does not continue batch "
                                        f"{prev[0]}'s", f"{path}:{cur[1]}"))
        return batches[-1][3][1]
    if len({b[3][0] for b in batches}) != 1:
        findings.append(Finding("root-chain", Severity.ERROR,
                                "batches do not share one account-tree root", subject=path))
    expected = 0
    for b in batches:
        row = b[4]
        if "min_account_index" in row and "max_account_index" in row:
            lo, hi = int(row["min_account_index"]), int(row["max_account_index"])
            if lo != expected:
                findings.append(finding("account-range", Severity.ERROR,
                                        f"batch {b[0]} starts at account {lo}, expected "
                                        f"{expected}", f"{path}:{b[1]}"))
            expected = hi + 1
    return batches[-1][3][0]
