"""``reserves balances bitcoin``: confirmed balances at height H, read-only."""

from __future__ import annotations

import argparse
import os

from reserves.cli.balances import COMMON_EPILOG, add_common, claimed_addresses, run
from reserves.errors import UsageError

EPILOG = """\
credentials: put them in the URL (http://user:pass@host:8332) or name environment
variables with --rpc-user-env/--rpc-password-env; they are never printed.

examples:
  reserves balances bitcoin --rpc http://user:pass@127.0.0.1:8332 --network mainnet \\
      --height 870000 bc1q... 3J98t1...
  RPC_PASS=... reserves balances bitcoin --rpc http://127.0.0.1:8332 --rpc-user-env RPC_USER \\
      --rpc-password-env RPC_PASS --network mainnet --height 870000 --claims okx_por.csv --json
""" + COMMON_EPILOG


def register(fsub) -> None:
    p = fsub.add_parser("bitcoin", help="BTC (and LTC, DOGE, BCH) balances at a height",
                        description="Read each address's confirmed balance at height H from "
                                    "a Bitcoin Core-compatible node (JSON-RPC) or an address "
                                    "index (bcoin REST, or bitcoinlib's providers: bcoin, "
                                    "Esplora), without changing anything on the node. "
                                    "Counted outputs are proven by Merkle proofs against "
                                    "headers that chain with valid proof of work. H must be "
                                    "final: at least --confirmations blocks below the tip.",
                        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rpc", required=True, metavar="URL", help="node URL")
    p.add_argument("--network", required=True,
                   choices=["mainnet", "testnet", "signet", "regtest"])
    p.add_argument("--height", required=True, type=int, metavar="H")
    p.add_argument("--block-hash", metavar="HASH", help="the hash block H must have")
    p.add_argument("--confirmations", type=int, metavar="K",
                   help="H must be at least K blocks below the node's tip (default 6)")
    p.add_argument("--chain", default="bitcoin",
                   choices=["bitcoin", "litecoin", "dogecoin", "bitcoin-cash"])
    p.add_argument("--backend", default="core-rpc",
                   choices=["core-rpc", "bcoin-rest", "bitcoinlib"])
    p.add_argument("--provider", choices=["bcoin", "blockstream", "mempool"],
                   help="bitcoinlib: which of bitcoinlib's provider clients reads --rpc")
    p.add_argument("--api-key-env", metavar="VAR",
                   help="bitcoinlib: environment variable holding the provider's API key")
    p.add_argument("--history-limit", type=int, metavar="N",
                   help="bitcoinlib: most transactions read per address (default 1000); "
                        "an address with more gets no figure")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="seconds to wait for each answer from the node (default 60)")
    p.add_argument("--scan", default="auto", choices=["auto", "forward", "walk-back"],
                   help="how core-rpc rebuilds the outputs at H (see README)")
    p.add_argument("--start-height", type=int, default=0,
                   help="forward scan: first block that can hold a watched output")
    p.add_argument("--no-proofs", action="store_true",
                   help="skip the Merkle proofs and header checks")
    p.add_argument("--address-format", default="core", choices=["core", "bcoin"],
                   help="bcoin-rest, bitcoinlib with bcoin: how the node spells addresses")
    p.add_argument("--rpc-user-env", metavar="VAR")
    p.add_argument("--rpc-password-env", metavar="VAR")
    add_common(p)
    p.set_defaults(handler=run_bitcoin)


def run_bitcoin(args: argparse.Namespace) -> int:
    from chains.bitcoin.adapter import Adapter
    from reserves.balances import AssetSpec
    from reserves.catalog import default_catalog

    chain = default_catalog().chain(args.chain)
    settings = {"rpc": args.rpc, "network": args.network, "backend": args.backend,
                "scan": args.scan, "start_height": args.start_height,
                "address_format": args.address_format}
    if args.no_proofs or args.backend == "bcoin-rest" or \
            (args.backend == "bitcoinlib" and args.provider != "bcoin"):
        settings["verify_proofs"] = False
    if args.confirmations is not None:
        if args.confirmations < 0:
            raise UsageError("--confirmations must be a non-negative number of blocks")
        settings["confirmations"] = args.confirmations
    if args.timeout is not None:
        if not (0 < args.timeout < float("inf")):
            raise UsageError("--timeout must be a positive number of seconds")
        settings["timeout"] = args.timeout
    bitcoinlib = {"provider": args.provider, "api_key_env": args.api_key_env,
                  "history_limit": args.history_limit}
    if args.backend == "bitcoinlib":
        if args.provider is None:
            raise UsageError("--backend bitcoinlib needs --provider")
        settings.update({k: v for k, v in bitcoinlib.items() if v is not None})
    else:
        given = [k for k, v in bitcoinlib.items() if v is not None]
        if given:
            raise UsageError(f"--{given[0].replace('_', '-')} is for --backend bitcoinlib")
    for key, var in (("rpc_user_env", args.rpc_user_env),
                     ("rpc_password_env", args.rpc_password_env)):
        if var:
            if var not in os.environ:
                raise UsageError(f"environment variable {var} is not set")
            settings[key] = var
    addresses = list(args.addresses)
    addresses += [c.address for c in claimed_addresses(
        args, lambda c: c.chain == chain.id and c.network == args.network)]
    addresses = list(dict.fromkeys(addresses))
    return run(args, Adapter(chain.id, settings), args.height, args.block_hash,
               [AssetSpec(chain.native, chain.decimals)], addresses)
