"""Write and check evidence bundles: a folder with a manifest of sha256 sums.

Layout (all paths relative to the bundle folder)::

    manifest.json          schema, and the sha256 of every other file
    config.toml            the audit config as given
    inputs/claims/...      every claims file, byte for byte
    inputs/liabilities/... the liabilities file(s)
    chains/<chain>.json    every node answer the audit used for that chain
    verdicts.jsonl         every ownership verdict
    coverage.json          the result

A bundle is checked before anything in it is used: a file missing, added
or changed since the manifest was written is named in a one-line error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from reserves.errors import InputError
from reserves.file_hash import file_sha256

SCHEMA = "reserves.bundle/1"
MANIFEST = "manifest.json"


class BundleWriter:
    """Collects files into a bundle folder and seals it with a manifest."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, str] = {}

    def add_bytes(self, relative: str, data: bytes) -> str:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        self._files[relative] = digest
        return digest

    def add_file(self, relative: str, source: Path) -> str:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
        digest = file_sha256(path)
        self._files[relative] = digest
        return digest

    def add_json(self, relative: str, value) -> str:
        text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        return self.add_bytes(relative, text.encode("utf-8"))

    def seal(self) -> None:
        manifest = {"schema": SCHEMA, "files": dict(sorted(self._files.items()))}
        (self.folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")


def check(folder: Path) -> dict[str, str]:
    """Verify a bundle against its manifest; return {relative path: sha256}.

    Raises InputError naming the first file that is missing, unlisted or
    changed.
    """
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(str(folder), "not a bundle folder")
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise InputError(str(manifest_path), "missing: not an evidence bundle") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(str(manifest_path), "not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise InputError(str(manifest_path), f"schema is not {SCHEMA!r}")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise InputError(str(manifest_path), "has no files table")
    present = set()
    for root, _, names in os.walk(folder):
        for name in names:
            rel = (Path(root) / name).relative_to(folder).as_posix()
            if rel != MANIFEST:
                present.add(rel)
    for rel in sorted(present - set(files)):
        raise InputError(str(folder / rel), "is not listed in the bundle manifest (added?)")
    for rel, digest in sorted(files.items()):
        path = folder / rel
        if not path.is_file():
            raise InputError(str(path), "is listed in the manifest but missing")
        if file_sha256(path) != digest:
            raise InputError(str(path), "does not match its sha256 in the manifest "
                                        "(the bundle was changed)")
    return files
