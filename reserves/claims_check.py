"""Check a published reserves file: import it, judge every row, collect findings.

This is the engine behind ``reserves claims verify`` and the first phase
of an audit. It returns a finished ``ClaimsCheck``; renderers in
``reports`` turn that into a table or JSON lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from reserves.claims import Claim
from reserves.findings import Finding, Severity, sort_findings
from reserves.identity import duplicate_findings
from reserves.importers import ClaimsFile, load
from reserves.message_policy import MessagePolicy, message_findings
from reserves.verdicts import Status, Verdict
from reserves.verify import verify_claims


@dataclass
class ClaimsCheck:
    file: ClaimsFile
    verdicts: list[Verdict]
    policy: MessagePolicy
    findings: list[Finding] = field(default_factory=list)

    @property
    def claims(self) -> list[Claim]:
        return self.file.claims

    def rows(self):
        return zip(self.file.claims, self.verdicts)

    def counts(self) -> Counter:
        c = Counter({s: 0 for s in Status})
        c.update(v.status for v in self.verdicts)
        return c

    def scheme_counts(self) -> Counter:
        return Counter(v.scheme for v in self.verdicts
                       if v.status in (Status.VERIFIED, Status.OWNER_SIGNED))

    @property
    def exit_code(self) -> int:
        """0 clean; 1 when a row failed or a finding is an error."""
        if any(v.status is Status.FAILED for v in self.verdicts):
            return 1
        if any(f.severity >= Severity.ERROR for f in self.findings):
            return 1
        return 0


def check_claims(path: str, fmt: str | None = None, policy: MessagePolicy | None = None,
                 jobs: int | None = None,
                 progress: Callable[[int], None] | None = None) -> ClaimsCheck:
    """Import ``path`` and judge it (see ``judge_file``)."""
    return judge_file(load(path, fmt), policy, jobs, progress)


def judge_file(file: ClaimsFile, policy: MessagePolicy | None = None, jobs: int | None = None,
               progress: Callable[[int], None] | None = None,
               duplicates: bool = True) -> ClaimsCheck:
    """Judge every row of ``file``. ``duplicates=False`` leaves the duplicate-address
    findings out: an audit reports them once over all its claims files."""
    policy = policy or MessagePolicy()
    verdicts = verify_claims(file.claims, policy, jobs, progress)
    messages = Counter(c.proof.message for c in file.claims
                       if c.proof.signatures and c.proof.message)
    findings = list(file.findings) + message_findings(dict(messages), policy)
    if duplicates:
        findings += duplicate_findings(file.claims)
    findings += verdict_findings(file.claims, verdicts)
    return ClaimsCheck(file, verdicts, policy, sort_findings(findings))


def verdict_findings(claims: list[Claim], verdicts: list[Verdict]) -> list[Finding]:
    """The warnings a verifier noted beside a row's verdict (``Verdict.warnings``,
    e.g. ``nonstandard-script``), one warning finding each, naming the row."""
    return [Finding(kind, Severity.WARNING, f"{c.address} ({c.coin}): {message}",
                    subject=f"{c.source}:{c.row}")
            for c, v in zip(claims, verdicts) for kind, message in v.warnings]
