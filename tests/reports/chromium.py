"""Render a page in headless Chromium (Debian's package): a screenshot and the DOM text."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from tests.support import missing

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def binary() -> str:
    path = shutil.which("chromium")
    if path is None:
        missing("chromium", "scripts/setup installs Debian's chromium package")
    return path


def screenshot(page: Path, png: Path, profile: Path, size: str = "1100,1600") -> None:
    subprocess.run([binary(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                    f"--screenshot={png}", page.as_uri()], check=True, capture_output=True,
                   timeout=120)


def dom(page: Path, profile: Path) -> str:
    proc = subprocess.run([binary(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                           page.as_uri()], check=True, capture_output=True, text=True,
                          timeout=120)
    return proc.stdout


class _Cells(HTMLParser):
    """Collect the text of every table's cells, by table id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id", "")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Cells()
    parser.feed(html)
    return parser.tables
