"""Replay an evidence bundle offline: same inputs, same node answers, same bytes.

The bundle is checked against its manifest first; then the audit pipeline
runs with every node answered from the bundle's recorded exchanges, and the
verdicts and result it recomputes must equal the ones the bundle holds.
"""

from __future__ import annotations

import json
from pathlib import Path

from reports import json_report
from reserves.audit import Run, run_audit, verdict_lines
from reserves.config import load_config
from reserves.errors import InputError
from reserves.evidence import bundle as bundle_mod
from reserves.outputs import bundle_inputs


def replay(bundle: Path, quiet: bool = True) -> tuple[Run, dict[str, Path]]:
    """Recompute the audit held in ``bundle``; raise InputError if it was tampered with."""
    files = bundle_mod.check(bundle)
    cfg = load_config(bundle / "config.toml")
    inputs = bundle_inputs(bundle)
    recorded = {}
    for rel in files:
        if rel.startswith("chains/") and rel.endswith(".json"):
            data = json.loads((bundle / rel).read_text())
            recorded[data["chain"]] = data["exchanges"]
    run = run_audit(cfg, quiet=quiet, replay=recorded, inputs=inputs)
    if verdict_lines(run) != (bundle / "verdicts.jsonl").read_bytes():
        raise InputError(str(bundle / "verdicts.jsonl"),
                         "differs from the verdicts the bundle's inputs recompute to")
    if json_report.render(run.result).encode() != (bundle / "coverage.json").read_bytes():
        raise InputError(str(bundle / "coverage.json"),
                         "differs from the result the bundle's inputs and chain answers "
                         "recompute to")
    return run, inputs
