"""Real Safe wallets on anvil, from the Safe contracts' npm packages.

@safe-global/safe-contracts 1.4.1 and @gnosis.pm/safe-contracts 1.3.0 (installed into
.tools by scripts/setup) ship the compiled contracts. ``SafeKit`` places the runtime code
of each version's singletons (L1 and L2), proxy factory and CompatibilityFallbackHandler
at the canonical addresses @safe-global/safe-deployments lists (``anvil_setCode``, before
any block the tests audit), then makes wallets the way the Safe apps do: the real proxy
factory's ``createProxyWithNonce`` with a ``setup`` initializer. A Safe's own transactions
(``enableModule``, ``setGuard``, owner changes) go through ``execTransaction``, signed by
its owners' keys; nothing about a wallet is written with a cheat code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from eth_abi import encode

from chains.evm.address import checksummed
from chains.hashes import keccak256
from tests.support import TOOLS, tool

ZERO = "0x" + "00" * 20
DEPLOYMENTS = "@safe-global/safe-deployments/dist/assets"
PACKAGES = {"1.3.0": "@gnosis.pm/safe-contracts", "1.4.1": "@safe-global/safe-contracts"}
# role -> (deployments asset, artifact under build/artifacts/contracts), per version
PARTS = {
    "1.3.0": {"singleton": ("gnosis_safe", "GnosisSafe.sol/GnosisSafe.json"),
              "singleton_l2": ("gnosis_safe_l2", "GnosisSafeL2.sol/GnosisSafeL2.json"),
              "factory": ("proxy_factory",
                          "proxies/GnosisSafeProxyFactory.sol/GnosisSafeProxyFactory.json"),
              "handler": ("compatibility_fallback_handler", "handler/"
                          "CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json")},
    "1.4.1": {"singleton": ("safe", "Safe.sol/Safe.json"),
              "singleton_l2": ("safe_l2", "SafeL2.sol/SafeL2.json"),
              "factory": ("safe_proxy_factory",
                          "proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
              "handler": ("compatibility_fallback_handler", "handler/"
                          "CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json")},
}
PROXY = {"1.3.0": "proxies/GnosisSafeProxy.sol/GnosisSafeProxy.json",
         "1.4.1": "proxies/SafeProxy.sol/SafeProxy.json"}
GUARD = "examples/guards/DebugTransactionGuard.sol/DebugTransactionGuard.json"


def artifact(version: str, path: str) -> dict:
    return json.loads(tool(f"{PACKAGES[version]}/build/artifacts/contracts/{path}").read_text())


def canonical(version: str, role: str) -> str:
    """The canonical address @safe-global/safe-deployments gives a part of a version."""
    name = PARTS[version][role][0]
    asset = json.loads(tool(f"{DEPLOYMENTS}/v{version}/{name}.json").read_text())
    return checksummed(bytes.fromhex(asset["deployments"]["canonical"]["address"][2:]))


def setup_data(version: str, owners: list[str], threshold: int, handler: str) -> bytes:
    """The ``setup`` call a proxy is initialised with (no module, no payment)."""
    from web3 import Web3

    abi = artifact(version, PARTS[version]["singleton"][1])["abi"]
    contract = Web3().eth.contract(abi=abi)
    return bytes.fromhex(contract.encode_abi(
        "setup", [owners, threshold, ZERO, b"", handler, ZERO, 0, ZERO])[2:])


def _handler(version: str, handler: bool | str) -> str:
    if isinstance(handler, str):
        return handler
    return canonical(version, "handler") if handler else ZERO


def proxy_address(version: str, singleton: str, initializer: bytes, salt: int) -> str:
    """Where the version's canonical factory puts a proxy (CREATE2; no node needed)."""
    code = bytes.fromhex(artifact(version, PROXY[version])["bytecode"][2:])
    init = code + encode(["address"], [singleton])
    salt_word = keccak256(keccak256(initializer) + salt.to_bytes(32, "big"))
    factory = bytes.fromhex(canonical(version, "factory")[2:])
    return checksummed(keccak256(b"\xff" + factory + salt_word + keccak256(init))[12:])


def wallet_address(version: str, owners: list[str], threshold: int, salt: int,
                   l2: bool = False, handler: bool | str = True) -> str:
    """The address ``SafeKit.create`` gives a wallet with these owners and salt."""
    singleton = canonical(version, "singleton_l2" if l2 else "singleton")
    return proxy_address(version, singleton,
                         setup_data(version, owners, threshold, _handler(version, handler)),
                         salt)


def sign_hash(key, digest: bytes) -> bytes:
    """A plain ECDSA signature (r, s, v = 27/28) over a 32-byte hash, as Safe checks one."""
    sig = key.private.sign_recoverable(digest, hasher=None)
    return sig[:64] + bytes([27 + sig[64]])


def safe_signatures(keys, digest: bytes) -> bytes:
    """Owners' signatures in the order Safe requires: ascending owner address."""
    ordered = sorted(keys, key=lambda k: int(k.evm_address(), 16))
    return b"".join(sign_hash(k, digest) for k in ordered)


@dataclass
class Wallet:
    version: str
    address: str
    contract: object  # web3 contract: the singleton's ABI at the proxy's address


class SafeKit:
    def __init__(self, node) -> None:
        self.node = node
        self.w3 = node.w3
        for version, parts in PARTS.items():
            for role, (_, path) in parts.items():
                code = artifact(version, path)["deployedBytecode"]
                node.rpc("anvil_setCode", [canonical(version, role), code])

    def create(self, owners: list[str], threshold: int, version: str = "1.4.1",
               salt: int = 0, l2: bool = False, handler: bool | str = True,
               sender=None, singleton: str | None = None,
               initializer: bytes | None = None) -> Wallet:
        """A wallet made through the version's real proxy factory.

        ``handler`` is True for the version's CompatibilityFallbackHandler, False for
        none, or an address; ``singleton`` and ``initializer`` replace the canonical
        singleton and its ``setup`` call; ``sender`` (one of our keys) pays, if given.
        """
        w3 = self.w3
        factory = w3.eth.contract(address=canonical(version, "factory"),
                                  abi=artifact(version, PARTS[version]["factory"][1])["abi"])
        singleton = singleton or canonical(version, "singleton_l2" if l2 else "singleton")
        if initializer is None:
            initializer = setup_data(version, owners, threshold, _handler(version, handler))
        call = factory.functions.createProxyWithNonce(singleton, initializer, salt)
        if sender is None:
            self.node.transact(call)
        else:
            send_signed(self.node, sender, {"to": factory.address, "value": 0,
                                            "data": call._encode_transaction_data()})
        address = proxy_address(version, singleton, initializer, salt)
        if not w3.eth.get_code(address):
            raise RuntimeError(f"the factory made no Safe at {address}")
        abi = artifact(version, PARTS[version]["singleton_l2" if l2 else "singleton"][1])["abi"]
        return Wallet(version, address, w3.eth.contract(address=address, abi=abi))

    def execute(self, wallet: Wallet, keys, to: str, data: bytes, value: int = 0,
                operation: int = 0) -> None:
        """``execTransaction`` signed by ``keys`` (at least the threshold of owners)."""
        safe = wallet.contract
        nonce = safe.functions.nonce().call()
        digest = safe.functions.getTransactionHash(to, value, data, operation, 0, 0, 0, ZERO,
                                                   ZERO, nonce).call()
        sigs = safe_signatures(keys, bytes(digest))
        self.node.transact(safe.functions.execTransaction(to, value, data, operation, 0, 0, 0,
                                                          ZERO, ZERO, sigs))
        if safe.functions.nonce().call() != nonce + 1:
            raise RuntimeError("the Safe did not execute the transaction")

    def call_self(self, wallet: Wallet, keys, fn: str, *args) -> None:
        """One of the Safe's own authorised functions (enableModule, setGuard, ...)."""
        data = bytes.fromhex(wallet.contract.encode_abi(fn, list(args))[2:])
        self.execute(wallet, keys, wallet.address, data)

    def deploy_guard(self) -> str:
        art = artifact("1.4.1", GUARD)
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        tx = factory.constructor().transact({"from": self.node.accounts[0]})
        return self.w3.eth.wait_for_transaction_receipt(tx).contractAddress

    def message_hash(self, wallet: Wallet, data: bytes) -> bytes:
        """The SafeMessage hash the CompatibilityFallbackHandler checks for ``data`` (asked
        of the version's handler itself, so a Safe without a handler has one too)."""
        handler = self.w3.eth.contract(
            address=canonical(wallet.version, "handler"),
            abi=artifact(wallet.version, PARTS[wallet.version]["handler"][1])["abi"])
        return bytes(handler.functions.getMessageHashForSafe(wallet.address, data).call())


def send_signed(node, key, tx: dict) -> dict:
    """Send ``tx`` signed by our own key ``key``; return the receipt (reverts raise)."""
    w3 = node.w3
    tx = dict(tx, nonce=w3.eth.get_transaction_count(key.evm_address()),
              chainId=w3.eth.chain_id, gasPrice=2 * w3.eth.gas_price)
    tx.setdefault("gas", 3_000_000)
    raw = w3.eth.account.sign_transaction(tx, key.private.secret).raw_transaction
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(raw))
    if receipt.status != 1:
        raise RuntimeError(f"transaction reverted: {tx}")
    return receipt


__all__ = ["SafeKit", "TOOLS", "Wallet", "canonical", "proxy_address", "safe_signatures",
           "sign_hash", "wallet_address"]
