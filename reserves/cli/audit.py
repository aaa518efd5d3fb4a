"""``reserves audit`` and ``reserves replay``: the whole job, and its offline re-run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reserves.errors import UsageError

AUDIT_DESCRIPTION = """\
Run the whole audit a config describes (see config.example.toml): import the
published claims, verify every ownership proof, read every balance at the pinned
snapshot from the nodes named in the config, verify the liabilities, reconcile
per asset, and write the reports and an evidence bundle.

Output folder (default: the config's [output] dir, else ./out):
  coverage.json   the whole result, versioned schema (README "coverage.json")
  coverage.csv    one row per asset;  addresses.csv  one row per claimed address
  report.md       for an audit memo;  report.html    self-contained, with charts
  bundle/         the evidence: inputs, every node answer, verdicts, manifest
"""

AUDIT_EPILOG = """\
exit status: 0 every asset covered and nothing failed, 1 findings (a deficit, a
failed proof, ...), 2 unusable input or an unreachable node (nothing is written).

examples:
  reserves audit config.toml
  reserves audit config.toml --out audit-2026-11 --quiet
  reserves audit config.toml --json | jq '.coverage[] | {asset, coverage}'
"""

REPLAY_DESCRIPTION = """\
Re-run an audit from its evidence bundle, offline: the bundle is checked against
its manifest (a changed, missing or added file is named, exit 2), then every
verdict, balance and coverage figure is recomputed from the bundled inputs and
node answers, and the reports are written again, byte for byte the same.
"""


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("audit", help="run the whole audit from a config",
                       description=AUDIT_DESCRIPTION, epilog=AUDIT_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("config", metavar="CONFIG.toml")
    a.add_argument("--out", metavar="DIR", help="output folder (replaced only on success)")
    a.add_argument("--json", action="store_true", help="print coverage.json on stdout")
    a.add_argument("--quiet", action="store_true", help="no progress bars, no summary")
    a.set_defaults(handler=run_audit_command)
    r = sub.add_parser("replay", help="recompute an audit offline from its evidence bundle",
                       description=REPLAY_DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="exit status: as for audit; 2 when the bundle was tampered with."
                              "\n\nexample:\n"
                              "  reserves replay examples/demo/audit/bundle --out out/demo")
    r.add_argument("bundle", metavar="BUNDLE", help="a bundle folder (out/bundle)")
    r.add_argument("--out", metavar="DIR", default="replay-out",
                   help="output folder (default: replay-out)")
    r.add_argument("--json", action="store_true", help="print coverage.json on stdout")
    r.add_argument("--quiet", action="store_true", help="no progress bars, no summary")
    r.set_defaults(handler=run_replay_command)


def run_audit_command(args: argparse.Namespace) -> int:
    from reserves.audit import run_audit
    from reserves.config import load_config
    from reserves.outputs import write_output

    cfg = load_config(args.config)
    out = Path(args.out) if args.out else (cfg.output or Path("out"))
    run = run_audit(cfg, quiet=args.quiet)
    write_output(run, out)
    return _finish(run.result, out, args)


def run_replay_command(args: argparse.Namespace) -> int:
    from reserves.outputs import write_output
    from reserves.replay import replay

    bundle = Path(args.bundle)
    out = Path(args.out)
    if out.resolve() == bundle.resolve().parent or out.resolve() == bundle.resolve():
        raise UsageError("--out must not be the folder that holds the bundle being replayed")
    run, inputs = replay(bundle, quiet=args.quiet)
    write_output(run, out, inputs)
    return _finish(run.result, out, args)


def _finish(result, out: Path, args: argparse.Namespace) -> int:
    from reports import json_report, summary

    if args.json:
        sys.stdout.write(json_report.render(result))
    if not args.quiet:
        print(summary.render(result, out), file=sys.stderr if args.json else sys.stdout)
    return result.exit_status
