"""coverage.csv (one row per asset) and addresses.csv (one row per claimed address).

Amounts are exact decimal strings in whole units (what a spreadsheet user
reads); coverage.json keeps them as integers in base units.
"""

from __future__ import annotations

import csv
import io

from reports.common import AMOUNT_COLUMNS, amount
from reserves.result import AuditResult, records

COVERAGE_FILE = "coverage.csv"
ADDRESSES_FILE = "addresses.csv"

COVERAGE_COLUMNS = ["asset", "chains", "addresses", "verified", "owner_signed", "unverified",
                    "not_observed", "observed", "claimed", "liabilities", "surplus", "coverage",
                    "binding", "status", "decimals"]
ADDRESS_COLUMNS = ["source", "row", "chain", "network", "asset", "coin", "address", "claimed",
                   "observed", "verdict", "scheme", "bucket", "counted", "reason", "height",
                   "block_hash", "balance_method", "balance_proven", "balance_error",
                   "balance_source", "decimals"]


def _write(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def render_coverage(result: AuditResult) -> str:
    rows = [COVERAGE_COLUMNS]
    for r in records(result.coverage):
        rows.append([amount(r[c], r["decimals"]) if c in AMOUNT_COLUMNS else
                     ("" if r[c] is None else r[c]) for c in COVERAGE_COLUMNS])
    return _write(rows)


def render_addresses(result: AuditResult) -> str:
    columns = ADDRESS_COLUMNS
    if "custodian" in result.addresses:  # the claims name third-party custodians
        i = columns.index("address") + 1
        columns = [*columns[:i], "custodian", *columns[i:]]
    rows = [columns]
    for r in records(result.addresses):
        rows.append([amount(r[c], r["decimals"]) if c in ("claimed", "observed") else
                     ("" if r[c] is None else r[c]) for c in columns])
    return _write(rows)
