"""The ``reserves`` command line: thin handlers over the engine.

Conventions for every command: ``--json`` for machines, a readable table
for people; exit 0 clean, 1 findings, 2 unusable input or operational
failure. Errors are one line on stderr, never a traceback (set
RESERVES_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from reserves import __version__
from reserves.cli import audit as audit_cmd
from reserves.cli import balances as balances_cmd
from reserves.cli import claims as claims_cmd
from reserves.cli import labels as labels_cmd
from reserves.cli import liabilities as liabilities_cmd
from reserves.cli.parser import Parser
from reserves.errors import ReservesError

COMMANDS = (claims_cmd, labels_cmd, balances_cmd, liabilities_cmd, audit_cmd)

EPILOG = """\
exit status: 0 clean, 1 findings (a failed row, an error finding), 2 unusable
input or operational failure.

examples:
  reserves claims verify okx_por.csv --message 'I am an OKX address'
  reserves claims verify huobi_por.csv --json > verdicts.jsonl
"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="reserves",
        description="Audit an exchange's proof of reserves from the reserve side: verify "
                    "ownership proofs, read balances at a pinned height, check the "
                    "liabilities root, and reconcile.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"reserves {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        target = getattr(args, "help_parser", parser)
        target.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except ReservesError as e:
        print(f"reserves: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reserves: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: still one line unless asked for more
        if os.environ.get("RESERVES_DEBUG"):
            traceback.print_exc()
        print(f"reserves: internal error: {type(e).__name__}: {e} "
              "(set RESERVES_DEBUG=1 for a traceback)", file=sys.stderr)
        return 2
