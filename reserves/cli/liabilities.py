"""``reserves liabilities verify``: rebuild or check a published liabilities file."""

from __future__ import annotations

import argparse
import sys

from reserves.cli.parser import Parser
from reserves.errors import UsageError
from reserves.liabilities import FORMAT_HELP

DESCRIPTION = """\
Import a published liabilities file, verify everything it lets a third party
verify, and say how strongly each per-asset total is bound:

  recomputed      the whole published tree was rebuilt, every parent's hash and
                  sums from its children (OKX full tree, BitMEX proof)
  path-verified   one user's path recomputes to the root (OKX v1 proof, MEXC)
  zk-structure    a zk package's structure and cross-file consistency checked; the
                  proofs themselves were not verified (Binance, Gate.io)
  attested        totals bound to nothing (the native attested file, or any file
                  whose verification failed)
"""

EPILOG = "formats:\n" + "\n".join(f"  {k:<14} {v}" for k, v in FORMAT_HELP.items()) + """

exit status: 0 no finding is an error (warnings such as a truncated hash are
allowed), 1 an error finding (a negative leaf, a parent that is not the sum of its
children, a duplicate leaf, ...), 2 the file is unusable.

examples:
  reserves liabilities verify full-liabilities-merkle-tree.txt
  reserves liabilities verify user_info.json --tree full-liabilities-merkle-tree.txt
  reserves liabilities verify liabilities-100-proof.csv --account 2 --account-nonce b888...
  reserves liabilities verify cex_config.json --proof-table proof.csv --json
"""


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("liabilities", help="verify a published liabilities file",
                           description="Commands on liabilities files.")
    group.set_defaults(help_parser=group)
    gsub = group.add_subparsers(dest="liabilities_command", metavar="COMMAND",
                                parser_class=Parser)
    p = gsub.add_parser("verify", help="rebuild or check a liabilities file",
                        description=DESCRIPTION, epilog=EPILOG,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=sorted(FORMAT_HELP), help="override format detection")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--tree", metavar="FILE", help="the OKX full tree (for a user info file)")
    p.add_argument("--proof-table", metavar="FILE", help="the zk proof table (proof.csv)")
    p.add_argument("--two-digit", metavar="SYMBOLS",
                   help="comma-separated zk assets scaled by 10^2 (overrides the built-in list)")
    p.add_argument("--account", type=int, help="BitMEX: your account number")
    p.add_argument("--account-nonce", metavar="HEX", help="BitMEX: your account nonce")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reports import liabilities as render
    from reserves.liabilities import load
    from reserves.progress import Progress

    if (args.account is None) != (args.account_nonce is None):
        raise UsageError("--account and --account-nonce go together")
    two = {s.strip().lower() for s in args.two_digit.split(",")} if args.two_digit else None
    with Progress("leaves rebuilt", None, enabled=not args.quiet) as bar:
        report = load(args.file, args.format, tree=args.tree, proof_table=args.proof_table,
                      two_digit=two, account=args.account, account_nonce=args.account_nonce,
                      progress=bar)
    sys.stdout.write(render.render_json(report) if args.json else render.render_text(report) + "\n")
    return report.exit_code
