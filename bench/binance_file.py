"""Write a Binance-format address file of any size, from addresses of our own.

The layout is Binance's published one: ``coin,network,address,balance,Height,
Third party custodian name``, a few hot and cold wallet rows (some held by
a named custodian) and then deposit-address rows. Every address is a real
encoding (checksums, version bytes) of a program derived from a seed, so
each decodes on its chain; there are no keys behind them, which is all an
unsigned file needs. Output is byte-for-byte the same for the same
arguments.

Usage: .venv/bin/python bench/binance_file.py OUT.csv [--rows N] [--seed S]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chains.bitcoin.address import Destination, encode  # noqa: E402
from chains.bitcoin.params import params_for  # noqa: E402
from chains.encoding import b58encode  # noqa: E402
from chains.tron.address import encode as tron_encode  # noqa: E402

HEADER = "coin,network,address,balance,Height,Third party custodian name"
HEIGHTS = {"BTC": 850000, "ETH": 20000000, "BSC": 40000000, "TRX": 62000000, "SOL": 270000000}
# (coin, network, decimals written) in the mix of a deposit list: per 20 rows.
MIX = ([("BTC", "BTC", 8)] * 5 + [("ETH", "ETH", 8)] * 3 + [("USDT", "ETH", 6)] * 3
       + [("USDT", "TRX", 6)] * 4 + [("USDT", "BSC", 8)] * 2 + [("BNB", "BSC", 8)]
       + [("SOL", "SOL", 8)] + [("TRX", "TRX", 6)])
HOT = 1400
"""Hot and cold wallet rows at the top of the file (about Binance's count)."""
CUSTODIANS = ("Ceffu", "Custodian B")
_BTC = params_for("bitcoin", "mainnet")


def _program(seed: str, i: int, size: int) -> bytes:
    return hashlib.sha256(f"{seed}/{i}".encode()).digest()[:size]


def address(network: str, seed: str, i: int) -> str:
    """A well-formed address on ``network`` for index ``i``."""
    if network == "BTC":
        kind = ("p2wpkh", "p2pkh", "p2sh")[i % 3]
        return encode(Destination(kind, _program(seed, i, 20)), _BTC)
    if network in ("ETH", "BSC"):
        return "0x" + _program(seed, i, 20).hex()
    if network == "TRX":
        return tron_encode(b"\x41" + _program(seed, i, 20))
    if network == "SOL":
        return b58encode(_program(seed, i, 32))
    raise ValueError(network)


def rows(count: int, seed: str = "binance-bench") -> Iterator[str]:
    for i in range(count):
        coin, network, places = MIX[i % len(MIX)]
        hot = i < HOT
        n = int.from_bytes(_program(seed + "/amount", i, 8), "big")
        # Deposit addresses hold dust to a few units; hot and cold wallets thousands.
        units = n % (10**(places + (4 if hot else 1)))
        balance = f"{units // 10**places}.{units % 10**places:0{places}d}"
        custodian = CUSTODIANS[i % 2] if hot and i % 7 == 0 else ""
        yield (f"{coin},{network},{address(network, seed, i)},{balance},"
               f"{HEIGHTS[network]},{custodian}")


def generate(path: Path, count: int, seed: str = "binance-bench") -> int:
    """Write ``count`` rows to ``path``; returns the file's size in bytes."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "\n")
        batch = []
        for line in rows(count, seed):
            batch.append(line)
            if len(batch) >= 10_000:
                f.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            f.write("\n".join(batch) + "\n")
    tmp.replace(path)
    return path.stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--seed", default="binance-bench")
    args = ap.parse_args()
    size = generate(args.out, args.rows, args.seed)
    print(f"{args.out}: {args.rows} rows, {size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
