"""A small EVM world on anvil: tokens, holders, contract wallets, history after block N.

The contract wallets are real Safes (1.4.1 and 1.3.0, made through the real proxy
factory: tests/nodes/safe.py) in the shapes an audit meets, and contracts that only
look like one: a Safe-like owner list (SafeLike), a vault only a third party can empty
(KeeperVault), the real proxy in front of a fake singleton, a backdoored proxy in front
of the real singleton, and EIP-1271 wallets that answer wrongly or say yes to anything.
"""

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
    kit: object = None  # tests/nodes/safe.SafeKit
    safes: dict = field(default_factory=dict)  # name -> tests/nodes/safe.Wallet, below
    guard: str = ""  # the guard set on safes["guard"]
    keeper: str = ""  # the third party of KeeperVault, FakeSingleton, BackdoorProxy
    vault: object = None  # KeeperVault listing o1 as its owner
    accept_all: object = None  # AcceptAll1271: yes to every isValidSignature
    fake_singleton: object = None  # FakeSingleton, behind safes["fake-singleton"]
    backdoor: object = None  # BackdoorProxy in front of the real 1.4.1 singleton


# Real Safes at block N: name -> (owners, threshold, keyword arguments of SafeKit.create).
SAFES = {
    "2of2": (["o1", "o2"], 2, {}),            # owners become [o3], threshold 1, after N
    "3of3": (["o1", "o2", "o3"], 3, {}),
    "2of3": (["o1", "o2", "o4"], 2, {}),
    "module": (["o1", "o2"], 2, {}),          # o5 enabled as a module before N
    "guard": (["o1", "o2"], 2, {}),           # a transaction guard set before N
    "1.3.0": (["o1", "o2"], 2, {"version": "1.3.0"}),
    "1.3.0-l2": (["o1", "o2"], 2, {"version": "1.3.0", "l2": True}),
    "1.4.1-l2": (["o1", "o2"], 2, {"l2": True}),
    "no-handler": (["o1", "o2"], 2, {"handler": False}),
}


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
    _build_safes(node, w, o)
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
    two = w.safes["2of2"]
    w.kit.call_self(two, [w.keys["o1"], w.keys["o2"]], "addOwnerWithThreshold", o["o3"], 1)
    w.kit.call_self(two, [w.keys["o3"]], "removeOwner", o["o3"], o["o1"], 1)
    w.kit.call_self(two, [w.keys["o3"]], "removeOwner", o["o3"], o["o2"], 1)
    w.later = node.w3.eth.block_number
    node.mine(80)  # finality: anvil's finalized block trails the tip by 64
    return w


def _build_safes(node, w: World, o: dict) -> None:
    from tests.nodes.safe import SafeKit, canonical

    w.kit = kit = SafeKit(node)
    w.keeper = node.accounts[1]
    for salt, (name, (owners, threshold, extra)) in enumerate(SAFES.items()):
        w.safes[name] = kit.create([o[x] for x in owners], threshold, salt=salt, **extra)
    signers = [w.keys["o1"], w.keys["o2"]]
    kit.call_self(w.safes["module"], signers, "enableModule", o["o5"])
    w.guard = kit.deploy_guard()
    kit.call_self(w.safes["guard"], signers, "setGuard", w.guard)
    # Safes whose isValidSignature is answered by a fallback handler nobody knows: a
    # wallet that accepts o3's signatures (o3 is no owner), and one that accepts anything.
    w.accept_all = node.deploy("AcceptAll1271")
    w.safes["o3-handler"] = kit.create([o["o1"], o["o2"]], 2, salt=100,
                                       handler=w.wallet1271.address)
    w.safes["yes-handler"] = kit.create([o["o1"], o["o2"]], 2, salt=101,
                                        handler=w.accept_all.address)
    # Look-alikes: owners listed, funds in a third party's hands.
    w.vault = node.deploy("KeeperVault", [o["o1"]], w.keeper)
    w.fake_singleton = node.deploy("FakeSingleton", w.keeper)
    init = bytes.fromhex(w.fake_singleton.encode_abi("setup", [[o["o1"], o["o2"]], 2])[2:])
    w.safes["fake-singleton"] = kit.create([], 0, salt=102,
                                           singleton=w.fake_singleton.address,
                                           initializer=init)
    w.backdoor = node.deploy("BackdoorProxy", canonical("1.4.1", "singleton"), w.keeper)
    as_safe = node.w3.eth.contract(address=w.backdoor.address,
                                   abi=w.safes["2of2"].contract.abi)
    node.transact(as_safe.functions.setup([o["o1"], o["o2"]], 2, "0x" + "00" * 20, b"",
                                          canonical("1.4.1", "handler"), "0x" + "00" * 20, 0,
                                          "0x" + "00" * 20))
    for name in ("2of2", "module", "guard", "fake-singleton"):
        node.send_eth(w.safes[name].address, 7 * 10**18)
    node.send_eth(w.vault.address, 7 * 10**18)
    node.send_eth(w.backdoor.address, 7 * 10**18)
