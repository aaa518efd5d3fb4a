"""``reserves balances solana``: SOL and SPL token balances at a final slot."""

from __future__ import annotations

import argparse

from reserves.cli.balances import (COMMON_EPILOG, add_common, claimed_addresses, parse_asset,
                                    run)
from reserves.errors import UsageError

EPILOG = """\
modes:
  history  (default) rebuild each balance at slot S from the address's transaction
           history: the last transaction at or before S gives the balance after it.
           Needs a node that keeps history back to S (an archive/history RPC).
  context  read current state, asking the node for a slot at least S, and record the
           slot it answered at: a snapshot taken now, not a reconstruction of S.

examples:
  reserves balances solana --rpc https://solana-rpc.example --slot 300000000 \\
      HZeRmfRb2kYpxsfD6WnNBMsBU8fkmWQfJsVZ6oNu8x6p
  reserves balances solana --rpc $RPC --slot 300000000 --mode context \\
      --mint USDC=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v:6 --claims por.csv --json
""" + COMMON_EPILOG.replace("source (node URL, credentials removed), method, proven, error.",
                            "source (node URL, credentials removed), method, mode (history\n"
                            "or context), proven, error; height is the slot each figure "
                            "holds at.")


def register(fsub) -> None:
    p = fsub.add_parser("solana", help="SOL and SPL token balances at a slot",
                        description="Read SOL and SPL token balances (Token and Token-2022, "
                                    "every token account the address owns) at slot S from a "
                                    "Solana JSON-RPC node. The slot must be final.",
                        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rpc", required=True, metavar="URL",
                   help="node JSON-RPC URL (credentials may be in the URL; never printed)")
    p.add_argument("--slot", required=True, type=int, metavar="S")
    p.add_argument("--block-hash", metavar="HASH", help="the hash slot S's block must have")
    p.add_argument("--mode", default="history", choices=["history", "context"])
    p.add_argument("--mint", action="append", default=[], metavar="SYMBOL=MINT:DECIMALS",
                   help="an SPL token to read (repeatable)")
    p.add_argument("--no-native", action="store_true", help="read tokens only")
    p.add_argument("--commitment", default="finalized", choices=["finalized", "confirmed"])
    p.add_argument("--concurrency", type=int, default=16, metavar="N",
                   help="requests in flight (default 16)")
    p.add_argument("--timeout", type=float, default=30, metavar="SECONDS",
                   help="per request (default 30)")
    p.add_argument("--retries", type=int, default=4, metavar="N",
                   help="asks again on HTTP 429 and 5xx, with backoff (default 4)")
    add_common(p)
    p.set_defaults(handler=run_solana)


def parse_mint(text: str):
    from solders.pubkey import Pubkey

    def check(mint: str) -> None:
        try:
            Pubkey.from_string(mint)
        except ValueError:
            raise ValueError(f"{mint!r} is not a Solana address") from None

    return parse_asset(text, "--mint", "MINT", check)


def run_solana(args: argparse.Namespace) -> int:
    from chains.solana.adapter import Adapter
    from reserves.balances import AssetSpec
    from reserves.catalog import default_catalog

    chain = default_catalog().chain("solana")
    assets = [] if args.no_native else [AssetSpec(chain.native, chain.decimals)]
    assets += [parse_mint(t) for t in args.mint]
    if not assets:
        raise UsageError("nothing to read: --no-native without --mint")
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.timeout <= 0 or not 0 <= args.retries <= 10:
        raise UsageError("--timeout must be positive and --retries from 0 to 10")
    settings = {"rpc": args.rpc, "mode": args.mode, "commitment": args.commitment,
                "concurrency": args.concurrency, "timeout": args.timeout,
                "retries": args.retries}
    addresses = list(args.addresses)
    addresses += [c.address for c in claimed_addresses(
        args, lambda c: c.chain == chain.id and c.kind == "address")]
    addresses = list(dict.fromkeys(a.strip() for a in addresses))
    return run(args, Adapter(chain.id, settings), args.slot, args.block_hash, assets, addresses,
               mode=True)
