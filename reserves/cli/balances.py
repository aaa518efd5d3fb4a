"""``reserves balances <family>``: read balances at a pinned height from a node you choose.

Each family's subcommand lives in its own module (``balances_<family>``);
this module holds the group and the run they share.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from reserves.cli.parser import Parser
from reserves.errors import UsageError

FAMILIES = ("bitcoin", "evm", "solana")

COMMON_EPILOG = """
JSON lines (--json): one object per address and asset with address, asset,
balance (integer, base units; null when it could not be read), decimals, height,
block_hash, chain, source (node URL, credentials removed), method, proven, error.

exit status: 0 every balance read, 1 some could not be read (see error), 2 the node
or the arguments cannot be used.
"""


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("balances", help="read balances at a pinned height from a node",
                           description="Read balances at one pinned block height from a "
                                       "node you choose.")
    group.set_defaults(help_parser=group)
    fsub = group.add_subparsers(dest="family", metavar="FAMILY", parser_class=Parser)
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"reserves.cli.balances_{family}")
        except ModuleNotFoundError as e:
            if e.name != f"reserves.cli.balances_{family}":
                raise
            continue
        module.register(fsub)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("addresses", nargs="*", metavar="ADDRESS", help="addresses to read")
    p.add_argument("--claims", metavar="FILE",
                   help="also read every address a published claims file lists on this chain")
    p.add_argument("--format", help="claims file format (default: detect)")
    p.add_argument("--labels", metavar="MAP.toml",
                   help="label map for the --claims file's coin labels "
                        "(see 'reserves labels --help')")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def parse_asset(text: str, flag: str, what: str, check):
    """``SYMBOL=<what>:DECIMALS`` from ``flag``; ``check(contract)`` raises ValueError
    with the reason when the contract (token address, mint) is not one."""
    from reserves.balances import AssetSpec

    symbol, eq, rest = text.partition("=")
    contract, colon, decimals = rest.rpartition(":")
    if not eq or not colon or not symbol or not decimals.isascii() or not decimals.isdigit():
        raise UsageError(f"{flag} {text!r}: expected SYMBOL={what}:DECIMALS")
    try:
        check(contract)
    except ValueError as e:
        raise UsageError(f"{flag} {text!r}: {e}") from None
    return AssetSpec(symbol, int(decimals), contract)


def claimed_addresses(args: argparse.Namespace, keep) -> list:
    """Claims of the --claims file that ``keep(claim)`` selects."""
    if not args.claims:
        return []
    from reserves.cli.labels import label_map
    from reserves.importers import load

    return [c for c in load(args.claims, args.format, labels=label_map(args)).claims
            if keep(c)]


def run(args: argparse.Namespace, adapter, height: int, block_hash: str | None, assets,
        addresses: list[str], mode: bool = False) -> int:
    """Pin, read and print; ``mode`` adds each figure's ``mode`` to the JSON lines."""
    from reports import balances as render
    from reserves.progress import Progress

    if not addresses:
        raise UsageError("no addresses: give ADDRESS arguments or --claims FILE")
    with adapter:
        block = adapter.pin(height, block_hash)
        with Progress("balances", len(addresses) * len(assets), enabled=not args.quiet) as bar:
            balances = adapter.read_balances(addresses, assets, block, bar)
    if args.json:
        sys.stdout.write(render.json_lines(balances, mode=mode))
    else:
        print(render.table(block, balances))
    return 1 if any(b.amount is None for b in balances) else 0
