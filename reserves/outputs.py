"""Write an audit's output folder: the reports and the evidence bundle, all or nothing.

Everything is written into a temporary folder beside the target and moved
into place only when complete, so a failed run never leaves a half-written
folder that looks finished, and never destroys the previous one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import reports
from reports import json_report
from reserves.audit import Run, verdict_lines
from reserves.evidence.bundle import BundleWriter

BUNDLE = "bundle"


def _safe_name(index: int, name: str) -> str:
    return f"{index}-{Path(name).name}"


def write_bundle(run: Run, folder: Path, inputs: dict[str, Path] | None = None) -> None:
    """Seal ``run``'s evidence into ``folder``. ``inputs`` maps config names to the
    files actually read (the bundle copies, on replay)."""
    inputs = inputs or {}
    bundle = BundleWriter(folder)
    bundle.add_file("config.toml", run.config.path)
    mapping = {}
    for i, src in enumerate(run.config.claims):
        rel = f"inputs/claims/{_safe_name(i, src.name)}"
        bundle.add_file(rel, inputs.get(src.name, src.path))
        mapping[src.name] = rel
    if run.config.liabilities is not None:
        files = [(run.config.liabilities_name, run.config.liabilities)]
        files += list(run.config.liabilities_extra.values())
        for i, (name, path) in enumerate(files):
            rel = f"inputs/liabilities/{_safe_name(i, name)}"
            bundle.add_file(rel, inputs.get(name, path))
            mapping[name] = rel
    bundle.add_json("inputs.json", mapping)
    for r in run.chain_records:
        bundle.add_json(f"chains/{r.chain}.json", {
            "chain": r.chain, "adapter": r.adapter, "source": r.source,
            "height": r.block.height, "block_hash": r.block.hash,
            "exchanges": r.exchanges})
    bundle.add_bytes("verdicts.jsonl", verdict_lines(run))
    bundle.add_bytes("coverage.json", json_report.render(run.result).encode("utf-8"))
    bundle.seal()


def write_output(run: Run, out: Path, inputs: dict[str, Path] | None = None) -> list[Path]:
    out = out.resolve()
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        written = reports.write_all(run.result, tmp)
        write_bundle(run, tmp / BUNDLE, inputs)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / p.name for p in written] + [out / BUNDLE]


def bundle_inputs(bundle: Path) -> dict[str, Path]:
    mapping = json.loads((bundle / "inputs.json").read_text())
    return {name: bundle / rel for name, rel in mapping.items()}
