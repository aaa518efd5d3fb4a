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
from reserves.audit import Run, _is_url_key, verdict_lines
from reserves.config import Config
from reserves.errors import ConfigError
from reserves.evidence.bundle import BundleWriter
from reserves.urls import redact

BUNDLE = "bundle"


def _safe_name(index: int, name: str) -> str:
    return f"{index}-{Path(name).name}"


def bundle_config_text(cfg: Config) -> bytes:
    """The config file as given, with every node URL redacted (user:password, API keys in
    the path or query): a bundle is meant to be shared. Replay never uses these URLs."""
    data = cfg.path.read_bytes()
    for chain_id, settings in sorted(cfg.chains.items()):
        for key, url in sorted(settings.items()):
            if not (_is_url_key(key) and isinstance(url, str)) or redact(url) == url:
                continue
            found = False
            for quote in ('"', "'"):
                literal = f"{quote}{url}{quote}".encode("utf-8")
                if literal in data:
                    data = data.replace(literal, f"{quote}{redact(url)}{quote}".encode("utf-8"))
                    found = True
            if not found:  # escaped in the TOML: it cannot be removed safely, so refuse
                raise ConfigError(f"chains.{chain_id}.{key}: write the URL as a plain TOML "
                                  "string (no escapes) so its credentials can be kept out of "
                                  "the evidence bundle")
    return data


def write_bundle(run: Run, folder: Path, inputs: dict[str, Path] | None = None) -> None:
    """Seal ``run``'s evidence into ``folder``. ``inputs`` maps config names to the
    files actually read (the bundle copies, on replay)."""
    inputs = inputs or {}
    bundle = BundleWriter(folder)
    bundle.add_bytes("config.toml", bundle_config_text(run.config))
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
