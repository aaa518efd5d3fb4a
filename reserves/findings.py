"""Findings: problems an audit reports beside the per-row verdicts.

A finding has a stable ``id`` derived from its kind and subject, so the
same problem found twice (or in a re-run) has the same id and sorts the
same way; reports and exit codes are built from these.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, with the thing it is about."""

    kind: str
    """Stable kebab-case kind: "totals-mismatch", "message-not-fresh", ..."""
    severity: Severity
    message: str
    subject: str = ""
    """What it is about: a file:line, a coin label, an address, a node."""
    details: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        digest = hashlib.sha256(f"{self.kind}\x00{self.subject}\x00{self.message}".encode())
        return f"{self.kind}-{digest.hexdigest()[:10]}"

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "severity": self.severity.label,
                "subject": self.subject, "message": self.message, **self.details}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by kind and subject: a stable order for reports."""
    unique = {f.id: f for f in findings}
    return sorted(unique.values(), key=lambda f: (-f.severity, f.kind, f.subject, f.id))
