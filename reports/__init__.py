"""Renderers: they read a finished result and write one format. Nothing else.

``RENDERERS`` maps each output file name to the function that renders it;
``write_all`` writes them all into a folder.
"""

from __future__ import annotations

from pathlib import Path

from reports import csv_report, html, json_report, markdown

RENDERERS = {
    json_report.FILE: json_report.render,
    csv_report.COVERAGE_FILE: csv_report.render_coverage,
    csv_report.ADDRESSES_FILE: csv_report.render_addresses,
    markdown.FILE: markdown.render,
    html.FILE: html.render,
}


def render_all(result) -> dict[str, bytes]:
    return {name: render(result).encode("utf-8") for name, render in RENDERERS.items()}


def write_all(result, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in render_all(result).items():
        path = folder / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written
