"""Sections of a CSV file: the unquoted fast path reads lines as the csv module does."""

import csv
import random

from reserves.importers.table import read_sections

PIECES = ["a", "0x12ab", " spaced ", "", "null", "\\N", "-", "[x,y]", "1.5", "\t", "é", "\x0c"]


def _reference(line: str) -> list[str]:
    return next(csv.reader((line,)), [])


def test_unquoted_lines_split_exactly_as_csv_reads_them():
    rng = random.Random(7)
    lines = ["h1,h2,h3,h4"]
    for _ in range(3000):
        lines.append(",".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))))
    text = "\n".join(lines)
    sections = read_sections("t.csv", text)
    got = {n: cells for s in sections for n, cells in [(s.header_line, s.header), *s.rows]}
    headers = {s.header_line for s in sections}
    for number, line in enumerate(text.splitlines(), 1):  # a form feed ends a line too
        cells = _reference(line)
        blank = not line.strip() or not any(c.strip() for c in cells)
        if blank:
            assert number not in got
        elif number in got and "[" not in line:
            expected = [c.strip() for c in cells] if number in headers else cells
            assert got[number] == expected, line
    assert len(got) > 2000


def test_quoted_cells_still_go_through_the_csv_module():
    text = 'coin,address,note\nBTC,1abc,"a, b"\nETH,"0x1","x""y"\n'
    rows = read_sections("t.csv", text)[0].rows
    assert rows == [(2, ["BTC", "1abc", "a, b"]), (3, ["ETH", "0x1", 'x"y'])]
