"""The liabilities model: what is owed per asset, and how strongly that is bound.

Binding levels, strongest first:

* ``recomputed``: the whole published tree was rebuilt: every parent's hash
  and per-asset sums recomputed from its children, so the root totals are the
  sum of every leaf;
* ``path-verified``: one user's path recomputes to the root; the root totals
  are only as good as the exchange's honesty about the rest of the tree;
* ``zk-structure``: a zk package's structure and cross-file consistency were
  checked; the proofs themselves were not verified here;
* ``attested``: totals bound to nothing (including any source whose
  verification failed: its totals are what the exchange says, no more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile


class Binding(StrEnum):
    RECOMPUTED = "recomputed"
    PATH_VERIFIED = "path-verified"
    ZK_STRUCTURE = "zk-structure"
    ATTESTED = "attested"


@dataclass(frozen=True, slots=True)
class AssetLiability:
    asset: str
    decimals: int
    total: int
    """Net amount owed (equity minus debt where both exist), base units."""
    equity: int | None = None
    debt: int | None = None


@dataclass
class LiabilitiesReport:
    format: str
    binding: Binding
    root: str | None
    hash_rule: str
    assets: list[AssetLiability]
    findings: list[Finding]
    source: SourceFile
    details: dict = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(f.severity >= Severity.ERROR for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 1 if self.has_errors else 0


def finding(kind: str, severity: Severity, message: str, subject: str, **details) -> Finding:
    return Finding(kind, severity, message, subject=subject, details=details)
