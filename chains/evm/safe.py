"""What makes a contract a Safe wallet, read from its code hash and storage alone.

Only a Safe is counted as a contract wallet: a proxy whose runtime code is a known Safe
proxy's (1.3.0, 1.4.1), whose singleton (storage slot 0) is a known Safe singleton (L1
or L2) with that singleton's code. The known contracts are data
(``reserves/data/safe_deployments.toml``, made by scripts/safe_deployments.py from the
npm packages @safe-global/safe-deployments and the Safe contracts').

Everything else a verdict needs is in the proxy's storage, in the layout the 1.3.0 and
1.4.1 singletons share, so it can be proven slot by slot against a block's state root
(eth_getProof) instead of being asked of the contract (eth_call, which nothing proves):

* slot 0 the singleton; slot 1 ``modules`` and slot 2 ``owners``, both linked lists
  kept in a mapping from an address to the next one, starting at SENTINEL (0x1);
  slot 3 ``ownerCount``; slot 4 ``threshold``;
* the guard and the fallback handler in slots named by keccak256 of a text.

An owner is an address whose ``owners`` entry is non-zero (what Safe's ``isOwner`` and
``checkSignatures`` test); no module is enabled when ``modules[SENTINEL]`` is
SENTINEL. A Safe's EIP-1271 answer comes from its fallback handler: for the known
CompatibilityFallbackHandler it is ``checkSignatures`` over the Safe's EIP-712
SafeMessage hash, which ``safe_message_hash`` and ``recover_owners`` recompute here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from eth_abi import encode

from chains.evm.address import from_public_key
from chains.evm.proofs import mapping_slot
from chains.hashes import keccak256
from chains.secp256k1 import SignatureError, recover

SENTINEL = (1).to_bytes(20, "big")
SINGLETON_SLOT = (0).to_bytes(32, "big")
MODULES_BASE = 1
OWNERS_BASE = 2
OWNER_COUNT_SLOT = (3).to_bytes(32, "big")
THRESHOLD_SLOT = (4).to_bytes(32, "big")
GUARD_SLOT = keccak256(b"guard_manager.guard.address")
FALLBACK_HANDLER_SLOT = keccak256(b"fallback_manager.handler.address")
DOMAIN_TYPEHASH = keccak256(b"EIP712Domain(uint256 chainId,address verifyingContract)")
SAFE_MSG_TYPEHASH = keccak256(b"SafeMessage(bytes message)")
SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


@dataclass(frozen=True)
class Known:
    version: str
    contract: str
    code_hash: bytes
    addresses: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Catalog:
    source: str
    singletons: tuple[Known, ...]
    proxies: tuple[Known, ...]
    fallback_handlers: tuple[Known, ...]

    def proxy(self, code_hash: bytes) -> Known | None:
        return next((p for p in self.proxies if p.code_hash == code_hash), None)

    def singleton(self, address: bytes) -> Known | None:
        return next((s for s in self.singletons if address in s.addresses), None)

    def fallback_handler(self, address: bytes) -> Known | None:
        return next((h for h in self.fallback_handlers if address in h.addresses), None)


def _known(entry: dict) -> Known:
    return Known(entry["version"], entry["contract"], bytes.fromhex(entry["code_hash"][2:]),
                 tuple(bytes.fromhex(a[2:]) for a in entry.get("addresses", ())))


@cache
def known() -> Catalog:
    text = resources.files("reserves").joinpath("data/safe_deployments.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return Catalog(data["source"], tuple(_known(e) for e in data["singletons"]),
                   tuple(_known(e) for e in data["proxies"]),
                   tuple(_known(e) for e in data["fallback_handlers"]))


def owner_slot(owner: bytes) -> bytes:
    return mapping_slot(owner, OWNERS_BASE)


def module_slot(module: bytes) -> bytes:
    return mapping_slot(module, MODULES_BASE)


def address_in(word: int) -> bytes | None:
    """The address a storage word holds, or None when it holds more than 20 bytes."""
    return None if word >> 160 else word.to_bytes(20, "big")


def safe_message_hash(chain_id: int, safe: bytes, message: bytes) -> bytes:
    """The hash a Safe's owners sign for ``message`` (CompatibilityFallbackHandler's
    ``getMessageHash``: EIP-712 over the domain {chainId, verifyingContract})."""
    domain = keccak256(encode(["bytes32", "uint256", "address"],
                              [DOMAIN_TYPEHASH, chain_id, "0x" + safe.hex()]))
    struct = keccak256(encode(["bytes32", "bytes32"], [SAFE_MSG_TYPEHASH, keccak256(message)]))
    return keccak256(b"\x19\x01" + domain + struct)


class SignatureCheckError(ValueError):
    """Why ``checkSignatures`` would refuse a signature (or why it is not checked here)."""

    def __init__(self, reason: str, unsupported: bool = False) -> None:
        super().__init__(reason)
        self.unsupported = unsupported


def recover_owners(digest: bytes, signatures: bytes, threshold: int) -> list[bytes]:
    """The owners whose signatures ``checkSignatures(digest, ..., signatures)`` would take.

    As Safe does: the first ``threshold`` 65-byte (r, s, v) parts, each recovered over
    ``digest`` (v 27/28) or over its eth_sign form (v 31/32, recovered with v - 4), in
    strictly ascending owner order. Contract signatures (v 0) and approved hashes (v 1)
    rest on other contracts' answers or on msg.sender, so they are not checked here. A
    signature with a high s is refused (ecrecover takes it; it is a malleated copy).
    """
    if threshold < 1:
        raise SignatureCheckError("the Safe's threshold is 0")
    if len(signatures) < 65 * threshold:
        raise SignatureCheckError(f"{len(signatures)} signature bytes, the threshold of "
                                  f"{threshold} needs {65 * threshold}")
    owners: list[bytes] = []
    for i in range(threshold):
        part = signatures[65 * i:65 * i + 65]
        r, s, v = part[:32], part[32:64], part[64]
        if v in (0, 1):
            kind = "a contract signature" if v == 0 else "an approved hash"
            raise SignatureCheckError(f"signature {i + 1} is {kind} (v = {v}), which is not "
                                      "checked here", unsupported=True)
        if v > 30:
            signed = keccak256(b"\x19Ethereum Signed Message:\n32" + digest)
            v -= 4
        else:
            signed = digest
        if v not in (27, 28):
            raise SignatureCheckError(f"signature {i + 1} has v = {part[64]}")
        if int.from_bytes(s, "big") > SECP256K1_HALF_N:
            raise SignatureCheckError(f"signature {i + 1} has a high s (a malleated copy)")
        try:
            owner = from_public_key(recover(r + s, v - 27, signed))
        except SignatureError as e:
            raise SignatureCheckError(f"signature {i + 1} does not recover: {e}") from None
        if owners and int.from_bytes(owner, "big") <= int.from_bytes(owners[-1], "big"):
            raise SignatureCheckError(f"signature {i + 1} is not in ascending owner order "
                                      "(or repeats an owner)")
        owners.append(owner)
    return owners


class NotASafe(Exception):
    """The contract is not a known Safe; the message says what differs."""

    def __init__(self, reason: str, no_code: bool = False) -> None:
        super().__init__(reason)
        self.no_code = no_code


@dataclass(frozen=True)
class SafeState:
    """A known Safe as its storage stands at the pinned block."""

    proxy: Known
    singleton: Known
    singleton_address: bytes
    owner_count: int
    threshold: int
    first_module: bytes | None
    """``modules[SENTINEL]`` when it is not SENTINEL (a module, or an unset list)."""
    guard: bytes | None
    fallback_handler: bytes | None
    handler: Known | None
    """The fallback handler when it is a known CompatibilityFallbackHandler."""
    proven: bool

    @property
    def version(self) -> str:
        return self.singleton.version


def _address(storage: dict[bytes, int], slot: bytes, what: str) -> bytes:
    found = address_in(storage[slot])
    if found is None:
        raise NotASafe(f"its {what} slot holds more than an address")
    return found


def read_safe(reader, address: bytes) -> SafeState:
    """The Safe at ``address`` (a chains.evm.state.StateReader reads it), or NotASafe.

    The proxy's code hash, then its singleton's address and that singleton's code hash,
    must be known ones; the fallback handler is recognised by address and code hash.
    """
    from chains.evm.address import checksummed

    slots = [SINGLETON_SLOT, OWNER_COUNT_SLOT, THRESHOLD_SLOT, module_slot(SENTINEL),
             GUARD_SLOT, FALLBACK_HANDLER_SLOT]
    account = reader.read(address, slots)
    if not account.has_code:
        raise NotASafe("no contract at this address", no_code=True)
    catalog = known()
    proxy = catalog.proxy(account.code_hash)
    if proxy is None:
        raise NotASafe(f"code hash 0x{account.code_hash.hex()} is no known Safe proxy's")
    storage = account.storage
    singleton_address = _address(storage, SINGLETON_SLOT, "singleton")
    singleton = catalog.singleton(singleton_address)
    if singleton is None:
        raise NotASafe(f"a Safe proxy in front of {checksummed(singleton_address)}, which is "
                       "no known Safe singleton")
    if reader.read(singleton_address).code_hash != singleton.code_hash:
        raise NotASafe(f"a Safe proxy in front of {checksummed(singleton_address)}, whose "
                       f"code is not {singleton.contract} {singleton.version}'s")
    handler_address = _address(storage, FALLBACK_HANDLER_SLOT, "fallback handler")
    handler = catalog.fallback_handler(handler_address)
    if handler is not None and reader.read(handler_address).code_hash != handler.code_hash:
        handler = None
    first_module = _address(storage, module_slot(SENTINEL), "modules list")
    guard = _address(storage, GUARD_SLOT, "guard")
    zero = bytes(20)
    return SafeState(proxy, singleton, singleton_address, storage[OWNER_COUNT_SLOT],
                     storage[THRESHOLD_SLOT], None if first_module == SENTINEL else first_module,
                     None if guard == zero else guard,
                     None if handler_address == zero else handler_address, handler,
                     account.proven)


def owners_among(reader, address: bytes, candidates: list[bytes]) -> dict[bytes, bool]:
    """Whether each candidate is an owner of the Safe at ``address`` (its owners entry is
    set, as Safe's own ``isOwner`` and ``checkSignatures`` test)."""
    slots = [owner_slot(c) for c in candidates]
    storage = reader.read(address, slots).storage
    return {c: c != SENTINEL and storage[s] != 0 for c, s in zip(candidates, slots)}
