"""A small EVM world on anvil: tokens, holders, contract wallets, history after block N."""

from __future__ import annotations

from dataclasses import dataclass, field

from chains.signers import Secp256k1Key, secret

MESSAGE = "Demo Exchange proof of reserves, snapshot 2026-11-24"
MAGIC = bytes.fromhex("1626ba7e")  # EIP-1271 isValidSignature(bytes32,bytes)
LEGACY_MAGIC = bytes.fromhex("20c13b0b")  # the legacy isValidSignature(bytes,bytes)
BAD_MODES = {0: "reverts", 1: "swapped magic values", 2: "dirty ABI padding",
             3: "4 bytes, not a word", 4: "two words"}


@dataclass
class World:
    node: object
    block: int = 0
    usdt: object = None
    dai: object = None
    holders: list[str] = field(default_factory=list)
    expected: dict = field(default_factory=dict)  # (holder, asset) -> int at block
    keys: dict = field(default_factory=dict)
    safe2: object = None   # owners o1, o2; threshold 2
    safe3: object = None   # owners o1, o2; threshold 3
    safe_other: object = None  # owners o1, o4; threshold 2
    safe0: object = None   # owners o1, o2; threshold 0 (no real Safe allows it)
    wallet1271: object = None  # validates o3's signatures
    legacy1271: object = None  # legacy interface only; validates o5's signatures
    legacy_wrong_magic: object = None  # the same, but answers 0x1626ba7e for a good one
    bad1271: dict = field(default_factory=dict)  # mode -> BadWallet1271 (accepts anything)
    echo: object = None  # a fallback that returns its calldata
    later: int = 0  # a final block after the owner changes
    multicall: str = ""


def build(node) -> World:
    w = World(node)
    w.multicall = node.install_multicall()
    w.usdt = node.deploy("TestToken", "USDT", 6)
    w.dai = node.deploy("TestToken", "DAI", 18)
    for i in range(1, 6):
        w.keys[f"o{i}"] = Secp256k1Key(secret("evm-owner", i))
    holders = [Secp256k1Key(secret("evm-holder", i)).evm_address() for i in range(6)]
    w.holders = holders
    o = {k: v.evm_address() for k, v in w.keys.items()}
    w.safe2 = node.deploy("SafeLike", [o["o1"], o["o2"]], 2)
    w.safe3 = node.deploy("SafeLike", [o["o1"], o["o2"]], 3)
    w.safe_other = node.deploy("SafeLike", [o["o1"], o["o4"]], 2)
    w.wallet1271 = node.deploy("Wallet1271", o["o3"])
    w.legacy1271 = node.deploy("LegacyWallet1271", o["o5"], LEGACY_MAGIC)
    w.legacy_wrong_magic = node.deploy("LegacyWallet1271", o["o5"], MAGIC)
    w.bad1271 = {mode: node.deploy("BadWallet1271", mode) for mode in BAD_MODES}
    w.echo = node.deploy("EchoWallet")
    w.safe0 = node.deploy("SafeLike", [o["o1"], o["o2"]], 0)
    for i, h in enumerate(holders):
        node.send_eth(h, (i + 1) * 10**18 + i)
        node.transact(w.usdt.functions.mint(h, (i + 1) * 1_000_000 + 7))
        if i % 2 == 0:
            node.transact(w.dai.functions.mint(h, (i + 1) * 10**18 + 3))
    node.send_eth(w.safe2.address, 5 * 10**18)
    node.mine(3)
    w.block = node.w3.eth.block_number
    # The oracle: what this function paid and minted (holders never spend), not what
    # the node says.
    for i, h in enumerate(holders):
        w.expected[(h, "ETH")] = (i + 1) * 10**18 + i
        w.expected[(h, "USDT")] = (i + 1) * 1_000_000 + 7
        w.expected[(h, "DAI")] = (i + 1) * 10**18 + 3 if i % 2 == 0 else 0
    w.expected.update({(w.safe2.address, "ETH"): 5 * 10**18, (w.safe2.address, "USDT"): 0,
                       (w.safe2.address, "DAI"): 0})
    # History after the snapshot: none of it may change a figure read at `block`.
    node.send_eth(holders[0], 3 * 10**18)
    node.transact(w.usdt.functions.mint(holders[1], 999))
    node.transact(w.dai.functions.mint(holders[2], 5))
    node.transact(w.safe2.functions.setOwners([o["o3"]], 1))  # owners change after N
    node.transact(w.wallet1271.functions.setOwner(o["o4"]))
    node.transact(w.legacy1271.functions.setOwner(o["o4"]))
    w.later = node.w3.eth.block_number
    node.mine(80)  # finality: anvil's finalized block trails the tip by 64
    return w
