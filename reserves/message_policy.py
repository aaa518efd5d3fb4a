"""Which message a signature must be over, and whether that message is fresh.

A signature over "I am an OKX address" proves someone once held the key; it
says nothing about when. The auditor pins the expected message (exactly, or
by a pattern) so a row signed over anything else fails, and is told when
the message carries no date, height or nonce: then the same signature can
be replayed from an older snapshot and proves past control only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reserves.findings import Finding, Severity

_YEAR = r"20[0-9]{2}"
_MONTH_NAME = (r"(?i:\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
               r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?)")
# What ties a signature to one snapshot: a date to the month at least
# (2026-12-01, 2026/12, 01.12.2026, "1 December 2026", "Dec 1, 2026"), a run
# of six or more digits (a height, a unix time, 20261201), or a hex run of 16
# or more (a nonce or a block hash).
_FRESH = re.compile(
    rf"(?<!\d){_YEAR}[-/.](?:0?[1-9]|1[0-2])(?!\d)"
    rf"|(?<!\d)\d{{1,2}}[-/.]\d{{1,2}}[-/.]{_YEAR}(?!\d)"
    rf"|{_MONTH_NAME}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?{_YEAR}(?!\d)"
    r"|\d{6,}|[0-9a-fA-F]{16,}")
# A year alone ("OKC_DTT_AUP2025") narrows a replay to that year, no further.
_YEAR_ALONE = re.compile(rf"(?<!\d){_YEAR}(?!\d)")


@dataclass(frozen=True, slots=True)
class MessagePolicy:
    exact: str | None = None
    pattern: str | None = None
    """A regular expression the whole message must match."""

    def __post_init__(self) -> None:
        if self.pattern is not None:
            re.compile(self.pattern)

    @property
    def pinned(self) -> bool:
        return self.exact is not None or self.pattern is not None

    def check(self, message: str | None) -> str | None:
        """None when ``message`` is acceptable, else the reason it is not."""
        if message is None or message == "":
            return "a signature is published without its message"
        if self.exact is not None and message != self.exact:
            return f"unexpected message {message!r} (expected {self.exact!r})"
        if self.pattern is not None and not re.fullmatch(self.pattern, message):
            return f"unexpected message {message!r} (does not match {self.pattern!r})"
        return None

    def describe(self) -> str:
        if self.exact is not None:
            return f"exactly {self.exact!r}"
        if self.pattern is not None:
            return f"matching {self.pattern!r}"
        return "any (not pinned)"


def carries_freshness(message: str) -> bool:
    return bool(_FRESH.search(message))


def year_only(message: str) -> str | None:
    """The year a message names when a year is all that dates it, else None."""
    if carries_freshness(message):
        return None
    m = _YEAR_ALONE.search(message)
    return m.group(0) if m else None


def message_findings(messages: dict[str, int], policy: MessagePolicy) -> list[Finding]:
    """Findings about the messages signed rows used (``messages``: text -> row count)."""
    out = []
    if not policy.pinned and messages:
        out.append(Finding(
            "message-not-pinned", Severity.WARNING,
            "no expected message was given (--message or --message-pattern): rows signed "
            "over any text were accepted; signed messages seen: "
            + ", ".join(f"{m!r} ({n} rows)" for m, n in sorted(messages.items())),
            subject="message"))
    for text, count in sorted(messages.items()):
        year = year_only(text)
        if year is not None:
            out.append(Finding(
                "message-year-only", Severity.WARNING,
                f"message {text!r} ({count} rows) names the year {year} but no date, height "
                "or nonce: the same signature could be replayed at any snapshot of that "
                "year", subject=f"message:{text}"))
        elif not carries_freshness(text):
            out.append(Finding(
                "message-not-fresh", Severity.WARNING,
                f"message {text!r} ({count} rows) carries no date, height or nonce: the "
                "same signature could be replayed from an older snapshot, so it proves "
                "past control of the key only", subject=f"message:{text}"))
    return out
