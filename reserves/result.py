"""The finished audit: everything the reports show, and nothing they must compute.

Renderers in ``reports/`` read only this. The DataFrames hold exact
integers (object dtype); ``records()`` turns them into plain Python values
with None for missing cells, which is what every renderer should iterate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reserves import __version__
from reserves.findings import Finding

SCHEMA = "reserves.coverage/1"


@dataclass
class AuditResult:
    exchange: str
    snapshot: list[dict[str, Any]]
    """One per chain: chain, height, block_hash, source."""
    inputs: list[dict[str, Any]]
    """Every input file: role, path, sha256, format."""
    liabilities: dict[str, Any] | None
    """Summary of the liabilities source: file, format, binding, root."""
    addresses: pd.DataFrame
    coverage: pd.DataFrame
    finding_list: list[Finding] = field(default_factory=list)
    message_policy: str = ""
    version: str = __version__

    @property
    def findings(self) -> pd.DataFrame:
        return pd.DataFrame([f.as_dict() for f in self.finding_list],
                            columns=["id", "kind", "severity", "subject", "message"])

    @property
    def exit_status(self) -> int:
        """0 when every asset is covered and nothing failed; 1 otherwise."""
        if any(f.severity.label == "error" for f in self.finding_list):
            return 1
        statuses = set(self.coverage["status"]) if len(self.coverage) else set()
        return 0 if statuses <= {"covered"} else 1


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as dicts of plain Python values, None for missing cells."""
    out = []
    for row in df.astype(object).itertuples(index=False):
        out.append({k: (None if _missing(v) else v) for k, v in zip(df.columns, row)})
    return out


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
