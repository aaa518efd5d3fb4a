"""Where tests find real data and real tools, and what happens when they are missing.

Locally a missing shared file or node binary skips the test with a note on
how to get it. In CI (``CI=true``) it fails: a green run that ran nothing
real is a red run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("RESERVES_SHARED", ROOT.parent / "shared"))
TOOLS = ROOT / ".tools" / "node_modules"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, hint: str) -> None:
    message = f"{what} is missing ({hint})"
    if IN_CI:
        pytest.fail(f"{message}; in CI this is a failure, not a skip", pytrace=False)
    pytest.skip(message)


def shared(relative: str) -> Path:
    """Path of a file under ../shared/, which tests read in place (never copied)."""
    path = SHARED / relative
    if not path.exists():
        missing(f"shared file {path}", "set RESERVES_SHARED to the shared/ folder")
    return path


def tool(relative: str) -> Path:
    """Path of an npm-installed node binary under .tools/node_modules."""
    path = TOOLS / relative
    if not path.exists():
        missing(f"node tool {path}", "run scripts/setup")
    return path


EXCHANGES = "data/exchanges"
LIABILITIES = "data/liabilities"
VECTORS = "data/vectors"
