"""``reserves balances evm``: native and ERC-20 balances at a final block."""

from __future__ import annotations

import argparse

from reserves.cli.balances import (COMMON_EPILOG, add_common, claimed_addresses, parse_asset,
                                    run)
from reserves.errors import UsageError

EXAMPLES = """\
examples:
  reserves balances evm --rpc http://127.0.0.1:8545 --block 19000000 0xAbc...
  reserves balances evm --rpc $RPC --block 19000000 \\
      --token USDT=0xdAC17F958D2ee523a2206206994597C13D831ec7:6 --claims okx_por.csv --json
  reserves balances evm --rpc $ARB_RPC --chain arbitrum --block 250000000 0xAbc...
  reserves balances evm --rpc http://127.0.0.1:8545 --chain-id 31337 --confirmations 1 \\
      --block 12 0xAbc...          # a local test node (anvil) labelled ethereum
"""


def _epilog() -> str:
    """The examples, the catalog's chain ids (as the catalog has them) and the common part."""
    import textwrap

    from reserves.catalog import default_catalog

    evm = sorted((c for c in default_catalog().chains.values()
                  if c.family == "evm" and c.chain_id is not None), key=lambda c: c.chain_id)
    ids = textwrap.fill(
        "chain ids: the node must report the chain id of --chain, from the catalog ("
        + ", ".join(f"{c.id} {c.chain_id}" for c in evm) + "); another id stops the run "
        "(exit 2). --chain-id N expects N instead, for a test or private chain.", 80)
    return EXAMPLES + "\n" + ids + "\n" + COMMON_EPILOG


def register(fsub) -> None:
    p = fsub.add_parser("evm", help="ETH and ERC-20 balances at a block",
                        description="Read native and ERC-20 balances at block N from an EVM "
                                    "JSON-RPC node. The node must report the chain id of "
                                    "--chain (or --chain-id), and the block must be final (at "
                                    "or below the node's finalized block, or --confirmations "
                                    "deep).",
                        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rpc", required=True, metavar="URL",
                   help="node JSON-RPC URL (credentials may be in the URL; never printed)")
    p.add_argument("--block", required=True, type=int, metavar="N")
    p.add_argument("--block-hash", metavar="HASH", help="the hash block N must have")
    p.add_argument("--chain-id", type=int, metavar="N",
                   help="the chain id the node must report (default: the catalog's id of "
                        "--chain, e.g. 1 for ethereum; a node on another chain is refused)")
    p.add_argument("--chain", default="ethereum",
                   help="catalog chain (ethereum, arbitrum, base, ...; default ethereum): "
                        "labels the figures and gives the expected chain id")
    p.add_argument("--native", metavar="SYMBOL", help="native asset symbol (default: catalog)")
    p.add_argument("--token", action="append", default=[], metavar="SYMBOL=ADDRESS:DECIMALS",
                   help="an ERC-20 to read (repeatable)")
    p.add_argument("--no-native", action="store_true", help="read tokens only")
    p.add_argument("--verify-proofs", action="store_true",
                   help="prove every value with eth_getProof against the block's state root")
    p.add_argument("--confirmations", type=int,
                   help="finality by depth instead of the node's finalized block")
    add_common(p)
    p.set_defaults(handler=run_evm)


def parse_token(text: str):
    from chains.evm.address import decode

    return parse_asset(text, "--token", "ADDRESS", decode)


def run_evm(args: argparse.Namespace) -> int:
    from chains.evm.adapter import Adapter
    from reserves.balances import AssetSpec
    from reserves.catalog import default_catalog

    chain = default_catalog().chain(args.chain)
    if chain is None or chain.family != "evm":
        raise UsageError(f"--chain {args.chain!r} is not an EVM chain of the catalog")
    assets = [] if args.no_native else [AssetSpec(args.native or chain.native, chain.decimals)]
    assets += [parse_token(t) for t in args.token]
    if not assets:
        raise UsageError("nothing to read: --no-native without --token")
    # Fail closed: never take the node's word for which chain it is on.
    chain_id = args.chain_id if args.chain_id is not None else chain.chain_id
    if chain_id is None:
        raise UsageError(f"--chain {chain.id}: the catalog has no chain id for it; give "
                         f"--chain-id N")
    if chain_id <= 0:
        raise UsageError(f"--chain-id {chain_id}: must be a positive integer")
    settings = {"rpc": args.rpc, "chain_id": chain_id, "verify_proofs": args.verify_proofs}
    if args.confirmations is not None:
        settings["confirmations"] = args.confirmations
    addresses = list(args.addresses)
    addresses += [c.address for c in claimed_addresses(
        args, lambda c: c.chain == chain.id and c.kind == "address")]
    addresses = list(dict.fromkeys(addresses))
    return run(args, Adapter(chain.id, settings), args.block, args.block_hash, assets, addresses)
