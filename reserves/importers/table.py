"""Reading published CSV files: text checks, sections, line numbers, cells.

Exchange files are CSV with quirks: a UTF-8 BOM (HTX), a totals section
and an address table separated by a blank line (OKX, HTX), empties written
as '', 'null', '\\N' or '-', cells holding commas inside [...] (OKX's own
parser allows them). Every row keeps its physical line number so any
problem can be reported as file:line.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from reserves.errors import InputError


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file read as input, recorded by its sha256."""

    path: str
    sha256: str
    size: int


@dataclass
class Section:
    """A block of lines between blank lines: a header and its rows."""

    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_text(path: str) -> tuple[str, SourceFile]:
    """Read ``path`` as UTF-8 text (BOM allowed); refuse binary or empty files."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None
    source = SourceFile(path, hashlib.sha256(data).hexdigest(), len(data))
    if b"\x00" in data[:65536]:
        raise InputError(path, "binary data (NUL bytes), not a CSV text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 text (invalid byte 0x{data[e.start]:02x})",
                         line) from None
    if not text.strip():
        raise InputError(path, "empty file")
    return text, source


def _split_brackets(line: str) -> list[str]:
    """Split on commas outside [...] and quotes (OKX writes lists in brackets)."""
    cells, cur, depth, quoted = [], [], 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "[":
            depth += 1
        elif not quoted and ch == "]" and depth:
            depth -= 1
        elif ch == "," and not quoted and not depth:
            cells.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    cells.append("".join(cur))
    return [c[1:-1] if len(c) >= 2 and c[0] == c[-1] == '"' else c for c in cells]


def read_sections(path: str, text: str, rows_per_section: int | None = None) -> list[Section]:
    """Split ``text`` into sections at blank lines; parse each line as CSV.

    ``rows_per_section`` keeps only the first rows of each section: format
    detection needs the headers, not a 200,000-row parse.
    """
    lines = text.splitlines()
    sections: list[Section] = []
    current: Section | None = None
    for number, line in enumerate(lines, 1):
        if rows_per_section is not None and current is not None and line.strip() \
                and len(current.rows) >= rows_per_section:
            continue
        if '"' in line:
            try:
                cells = next(csv.reader((line,)), [])
            except csv.Error as e:
                raise InputError(path, f"unreadable CSV: {e}", number) from None
        else:  # without quotes a CSV line is its cells joined by commas
            cells = line.split(",")
        if not line.strip() or not ((cells and cells[0].strip()) or any(c.strip() for c in cells)):
            current = None
            continue
        if current is None:
            current = Section([c.strip() for c in cells], number)
            sections.append(current)
            continue
        if len(cells) > len(current.header) and "[" in line:
            cells = _split_brackets(line)
        current.rows.append((number, cells))
    if rows_per_section is None:
        check_last_row(path, text, sections)
    return sections


def check_last_row(path: str, text: str, sections: list[Section]) -> None:
    """Refuse a file whose last data row is short: a download cut mid-row.

    A row with fewer cells than its header is a truncated file when it is the last
    one and the text has no final line end, or when no other row of its table has
    that width (some OKX files leave trailing optional cells off every such row).
    """
    if not sections or not sections[-1].rows:
        return
    table = sections[-1]
    number, cells = table.rows[-1]
    width = len(table.header)
    if len(cells) >= width:
        return
    unterminated = not text.endswith(("\n", "\r"))
    if unterminated or not any(len(c) == len(cells) for _, c in table.rows[:-1]):
        ending = "with no final line end" if unterminated else "as its last row"
        raise InputError(path, f"truncated file: the file ends {ending} here, a row of "
                               f"{len(cells)} of the header's {width} columns (a broken "
                               "download?)", number)


def null(cell: str, markers: frozenset[str]) -> str | None:
    """The stripped cell, or None when it is one of the file's empty markers."""
    s = cell.strip()
    return None if s in markers else s


def check_width(path: str, number: int, cells: list[str], minimum: int, maximum: int) -> None:
    """Refuse rows with too few or too many cells, naming file and line."""
    if len(cells) > maximum:
        raise InputError(path, f"row has {len(cells)} columns, the header has {maximum}",
                         number)
    if len(cells) < minimum:
        raise InputError(path, f"truncated row: {len(cells)} columns, at least {minimum} "
                               "expected", number)
