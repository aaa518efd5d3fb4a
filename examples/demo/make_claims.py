"""Write examples/demo/claims.csv: the demo exchange's published claims.

Every key is derived from the seed "reserves-demo", so running this again
writes the same bytes. The file mixes what an auditor meets in practice:
proven rows on every supported family, a 2-of-3 multisig, a contract wallet
whose owners signed, rows without a signature, one signed by the wrong key
and one over another message. USDT is held on three chains (Ethereum, Tron,
Solana).

The contract wallet is a real Safe 1.4.1 owned by keys 11 and 12 (threshold 2),
made through the canonical Safe proxy factory, which places it by CREATE2: its
address follows from the factory, the singleton and the setup call alone, so it
is known before any chain exists, and the demo world (examples/demo/world.py)
makes it at exactly this address.

Usage: .venv/bin/python examples/demo/make_claims.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eth_abi import encode  # noqa: E402

from chains.evm.address import checksummed  # noqa: E402
from chains.hashes import keccak256  # noqa: E402
from chains.signers import (Ed25519Key, Secp256k1Key, multisig_address,  # noqa: E402
                            multisig_script, secret)

SEED = "reserves-demo"
MESSAGE = "Demo Exchange proof of reserves, snapshot 2026-11-24"
HEADER = ("chain,network,asset,address,amount,decimals,height,message,scheme,signatures,"
          "script,owners")


def key(i: int) -> Secp256k1Key:
    return Secp256k1Key(secret(SEED, i))


# The demo Safe: Safe 1.4.1's canonical addresses (@safe-global/safe-deployments, as in
# reserves/data/safe_deployments.toml) and the hash of the init code the factory deploys a
# proxy with: the 1.4.1 SafeProxy creation code (@safe-global/safe-contracts) followed by
# the singleton's address. world.py checks the real factory puts the Safe here.
SAFE_FACTORY = "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67"
SAFE_SINGLETON = "0x41675C099F32341bf84BFc5382aF534df5C7461a"
SAFE_HANDLER = "0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99"
SAFE_PROXY_INIT_HASH = "76733d705f71b79841c0ee960a0ca880f779cde7ef446c989e6d23efc0a4adfb"
SAFE_THRESHOLD = 2
SAFE_SALT = 0
ZERO = "0x" + "00" * 20


def safe_owners() -> list[Secp256k1Key]:
    return [key(11), key(12)]


def safe_setup() -> bytes:
    """The Safe's setup call: its owners, threshold 2, the fallback handler, no module."""
    signature = "setup(address[],uint256,address,bytes,address,address,uint256,address)"
    return keccak256(signature.encode())[:4] + encode(
        ["address[]", "uint256", "address", "bytes", "address", "address", "uint256",
         "address"],
        [[o.evm_address() for o in safe_owners()], SAFE_THRESHOLD, ZERO, b"", SAFE_HANDLER,
         ZERO, 0, ZERO])


def safe_address() -> str:
    """Where createProxyWithNonce(singleton, setup, SAFE_SALT) puts the demo Safe."""
    salt = keccak256(keccak256(safe_setup()) + SAFE_SALT.to_bytes(32, "big"))
    raw = keccak256(b"\xff" + bytes.fromhex(SAFE_FACTORY[2:]) + salt
                    + bytes.fromhex(SAFE_PROXY_INIT_HASH))[12:]
    return checksummed(raw)


def rows() -> list[str]:
    out = []

    def add(chain, network, asset, address, amount, decimals, sigs=(), script="", owners=(),
            message=MESSAGE, scheme=""):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(
            [chain, network, asset, address, str(amount), str(decimals), "",
             message if sigs else "", scheme, ";".join(sigs), script, ";".join(owners)])
        out.append(buf.getvalue())

    # Bitcoin (regtest, so the same claims can be audited against a local node).
    hot = key(1)
    add("bitcoin", "regtest", "BTC", hot.btc_address("p2wpkh", network="regtest"), 150000000, 8,
        [hot.btc_sign(MESSAGE, network="regtest", header_base=39)])
    cold = [key(2), key(3), key(4)]
    script = multisig_script(cold, 2)
    add("bitcoin", "regtest", "BTC", multisig_address(script, "p2wsh", network="regtest"),
        2500000000, 8, [cold[0].btc_sign(MESSAGE, network="regtest"),
                        cold[2].btc_sign(MESSAGE, network="regtest")], script.hex())
    legacy = key(5)
    add("bitcoin", "regtest", "BTC", legacy.btc_address("p2pkh", network="regtest"), 40000000, 8)
    # Ethereum: ETH and USDT on two EOAs, a contract wallet signed by its owners.
    eth = key(10)
    add("ethereum", "mainnet", "ETH", eth.evm_address(), 120 * 10**18, 18,
        [eth.evm_sign(MESSAGE, "eip191-text")])
    add("ethereum", "mainnet", "USDT", eth.evm_address(), 3_000_000 * 10**6, 6,
        [eth.evm_sign(MESSAGE, "eip191-text")])
    owners = safe_owners()
    safe = safe_address()
    add("ethereum", "mainnet", "ETH", safe, 40 * 10**18, 18,
        [o.evm_sign(MESSAGE, "eip191-text") for o in owners], owners=[o.evm_address()
                                                                     for o in owners])
    wrong = key(14)
    add("ethereum", "mainnet", "USDT", wrong.evm_address(), 500_000 * 10**6, 6,
        [key(15).evm_sign(MESSAGE, "eip191-text")])
    # Tron USDT, one row signed over an older message.
    tron = key(20)
    add("tron", "mainnet", "USDT", tron.tron_address(), 2_000_000 * 10**6, 6,
        [tron.tron_sign(MESSAGE, "tip191-v2")])
    stale = key(21)
    old = "Demo Exchange proof of reserves, snapshot 2025-11-24"
    add("tron", "mainnet", "USDT", stale.tron_address(), 250_000 * 10**6, 6,
        [stale.tron_sign(old, "tip191-v2")], message=old)
    # Solana.
    sol = Ed25519Key(secret(SEED, 30))
    add("solana", "mainnet", "SOL", sol.address, 9000 * 10**9, 9, [sol.sign(MESSAGE)])
    add("solana", "mainnet", "SOL", Ed25519Key(secret(SEED, 31)).address, 1000 * 10**9, 9)
    add("solana", "mainnet", "USDT", sol.address, 1_500_000 * 10**6, 6, [sol.sign(MESSAGE)])
    return out


def main() -> None:
    path = Path(__file__).with_name("claims.csv")
    path.write_text("# Demo Exchange: published reserve claims (generated by make_claims.py)\n"
                    + HEADER + "\n" + "\n".join(rows()) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
