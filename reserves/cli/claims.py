"""``reserves claims verify``: judge every row of a published reserves file."""

from __future__ import annotations

import argparse
import re
import sys

from reserves.claims_check import judge_file
from reserves.cli.parser import Parser
from reserves.errors import UsageError
from reserves.cli.labels import add_labels_option, label_map
from reserves.importers import FORMAT_HELP, load
from reserves.importers.totals import DEFAULT_TOLERANCE, parse_tolerance
from reserves.message_policy import MessagePolicy
from reserves.progress import Progress

DESCRIPTION = """\
Verify the ownership proof of every address row in a published reserves file
(OKX, OKX audit-firm, HTX, Binance, BitMEX, Summa or the native format;
detected from its headers).

Each row gets a verdict with a reason:
  verified      the signature (or m distinct multisig signatures) proves the address
  owner-signed  a contract wallet's listed owners signed; their link to the
                contract is not yet checked on chain, so this is not 'verified'
  failed        bad signature, address that does not decode, unexpected message,
                duplicate signer, threshold not met, ...
  unsigned      the row carries no signature (a BitMEX multisig row whose script
                matches the published keys is unsigned too: no key signed)
  unsupported   the chain or scheme has no verifier here (never counted as verified)

The file's own totals section is checked against its rows: a difference the
rounding of the numbers as written explains, or below --totals-tolerance of the
total, is informational (totals-rounded); a larger one is an error.

Coin labels resolve through --labels (a label map), then the catalog; a row
whose label names no chain is judged by its address's form (chain null,
family set, a label-unmapped warning). 'reserves labels FILE' lists them all.

Without --json the summary ends with the claimed amounts per asset by verdict.
With --json the rows go to stdout and the summary, as one JSON object
{"summary": {...}} with the same per-asset figures, to stderr.
"""

EPILOG = """\
formats:
""" + "\n".join(f"  {k:<10} {v}" for k, v in FORMAT_HELP.items()) + """

exit status: 0 no row failed, 1 a row failed (or the totals do not add up),
2 the file or the label map is unusable.

examples:
  reserves claims verify okx_por.csv --message 'I am an OKX address'
  reserves claims verify huobi_por.csv --message-pattern 'huobi|htx|King will be back!'
  reserves claims verify claims.csv --json | jq 'select(.verdict != "verified")'
  reserves claims verify htx_por.csv --labels htx-labels.toml --totals-tolerance 1e-6
  reserves claims verify binance_por.csv --format binance --json | jq -c 'select(.custodian)'
  reserves claims verify bitmex_reserves.yaml
"""


def register(sub: argparse._SubParsersAction) -> None:
    claims = sub.add_parser("claims", help="verify published address ownership proofs",
                            description="Commands on published claims files.")
    claims.set_defaults(help_parser=claims)
    csub = claims.add_subparsers(dest="claims_command", metavar="COMMAND",
                                 parser_class=Parser)
    p = csub.add_parser("verify", help="judge every row of a reserves file",
                        description=DESCRIPTION, epilog=EPILOG,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE",
                   help="the published reserves file (CSV; YAML for BitMEX)")
    p.add_argument("--format", choices=sorted(FORMAT_HELP), help="override format detection")
    p.add_argument("--message", metavar="M",
                   help="the exact message every signature must be over")
    p.add_argument("--message-pattern", metavar="REGEX",
                   help="a regular expression the whole message must match")
    p.add_argument("--config", metavar="CONFIG.toml",
                   help="take the expected message, [labels] and totals_tolerance from an "
                        "audit config")
    add_labels_option(p)
    p.add_argument("--totals-tolerance", metavar="R",
                   help="share of a total its rows may differ by and still count as "
                        "rounding (default 1e-9)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per address row on stdout")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="processes for large files (default: every core)")
    p.add_argument("--quiet", action="store_true", help="no progress, no summary")
    p.add_argument("--verbose", action="store_true", help="show informational findings too")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config_labels = tolerance = None
    if args.config is not None:
        from reserves.config import load_config

        cfg = load_config(args.config)
        if args.message is None and args.message_pattern is None:
            args.message, args.message_pattern = cfg.message, cfg.message_pattern
        config_labels, tolerance = cfg.labels, cfg.totals_tolerance
    if args.totals_tolerance is not None:
        try:
            tolerance = parse_tolerance(args.totals_tolerance, "--totals-tolerance")
        except ValueError as e:
            raise UsageError(str(e)) from None
    if args.message is not None and args.message_pattern is not None:
        raise UsageError("give --message or --message-pattern, not both")
    if args.message_pattern is not None:
        try:
            re.compile(args.message_pattern)
        except re.error as e:
            raise UsageError(f"--message-pattern is not a valid regular expression: {e}") from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    policy = MessagePolicy(args.message, args.message_pattern)
    from reports import claims as render

    labels = label_map(args, config_labels)
    file = load(args.file, args.format, labels=labels,
                totals_tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance)
    with Progress("verifying", len(file.claims), enabled=not args.quiet) as bar:
        check = judge_file(file, policy, args.jobs, bar)
    if args.json:
        for chunk in render.json_chunks(check):
            sys.stdout.write(chunk)
        if not args.quiet:
            print(render.summary_json(check), file=sys.stderr)
    else:
        for line in render.table_lines(check):
            print(line)
        if not args.quiet:
            print()
            print(render.summary(check, args.verbose))
    return check.exit_code
