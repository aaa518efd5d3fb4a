"""A progress line on stderr for long work, shown only to a person at a terminal."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int | None, enabled: bool = True) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self.enabled = enabled and sys.stderr.isatty() and (total is None or total > 0)
        self._last = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or
                             (self.total is not None and self.done >= self.total)):
            self._last = now
            rate = self.done / max(now - self.start, 1e-9)
            if self.total is None:
                sys.stderr.write(f"\r{self.label} {self.done:,} {rate:,.0f}/s ")
                sys.stderr.flush()
                return
            pct = 100 * self.done // self.total
            bar = "#" * (pct // 5) + "." * (20 - pct // 5)
            sys.stderr.write(f"\r{self.label} [{bar}] {pct:3d}% {self.done}/{self.total} "
                             f"{rate:,.0f}/s ")
            sys.stderr.flush()

    def restart(self, label: str | None = None) -> None:
        """Count again from zero: the work starts over (an exact pass after a fast one
        gave up) and must not be added to what was counted before."""
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0
        if label is not None:
            self.label = label

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
