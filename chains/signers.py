"""Sign ownership messages the way exchanges do, with keys of our own.

Used to build the demo exchange, test fixtures and benchmark files; the
verifiers never import it. Keys are derived deterministically from a seed
so generated files are byte-for-byte reproducible.
"""

from __future__ import annotations

import base64
import hashlib

import coincurve
from solders.keypair import Keypair

from chains.bitcoin.address import Destination, encode, p2wpkh_nested
from chains.bitcoin.params import params_for
from chains.bitcoin.signmessage import message_digest
from chains.evm.address import checksummed, from_public_key
from chains.evm.personal_sign import DECLARED_DIGESTS as EVM_DECLARED
from chains.evm.personal_sign import DIGESTS as EVM_DIGESTS
from chains.hashes import hash160, sha256
from chains.tron.address import encode as tron_encode
from chains.tron.address import from_public_key as tron_from_public_key
from chains.tron.signed_message import DIGESTS as TRON_DIGESTS


def secret(seed: str, index: int) -> bytes:
    """A valid secp256k1 / ed25519 secret derived from ``seed`` and ``index``."""
    return hashlib.sha256(f"{seed}/{index}".encode()).digest()


class Secp256k1Key:
    def __init__(self, secret_bytes: bytes) -> None:
        self.private = coincurve.PrivateKey(secret_bytes)
        self.public = self.private.public_key

    def pub(self, compressed: bool = True) -> bytes:
        return self.public.format(compressed=compressed)

    # --- Bitcoin family ---------------------------------------------------
    def btc_address(self, kind: str = "p2pkh", chain: str = "bitcoin",
                    network: str = "mainnet") -> str:
        params = params_for(chain, network)
        if kind == "p2pkh":
            return encode(Destination("p2pkh", hash160(self.pub())), params)
        if kind == "p2pkh-uncompressed":
            return encode(Destination("p2pkh", hash160(self.pub(False))), params)
        if kind == "p2wpkh":
            return encode(Destination("p2wpkh", hash160(self.pub())), params)
        if kind == "p2sh-p2wpkh":
            return encode(Destination("p2sh", p2wpkh_nested(self.pub())), params)
        raise ValueError(kind)

    def btc_sign(self, message: str, chain: str = "bitcoin", network: str = "mainnet",
                 header_base: int = 31) -> str:
        """Compact signature, base64; header_base 27 (uncompressed), 31, 35 or 39."""
        digest = message_digest(params_for(chain, network).magic, message.encode())
        sig = self.private.sign_recoverable(digest, hasher=None)
        return base64.b64encode(bytes([header_base + sig[64]]) + sig[:64]).decode()

    # --- EVM and Tron -----------------------------------------------------
    def evm_address(self) -> str:
        return checksummed(from_public_key(self.pub(False)))

    def evm_sign(self, message: str, scheme: str = "eip191-keccak", v_base: int = 27) -> str:
        digest = (EVM_DIGESTS.get(scheme) or EVM_DECLARED[scheme])(message.encode())
        sig = self.private.sign_recoverable(digest, hasher=None)
        return "0x" + (sig[:64] + bytes([v_base + sig[64]])).hex()

    def tron_address(self) -> str:
        return tron_encode(tron_from_public_key(self.pub(False)))

    def tron_sign(self, message: str, scheme: str = "tip191-v1", v_base: int = 27) -> str:
        digest = TRON_DIGESTS[scheme](message.encode())
        sig = self.private.sign_recoverable(digest, hasher=None)
        return "0x" + (sig[:64] + bytes([v_base + sig[64]])).hex()


def multisig_script(keys: list[Secp256k1Key], m: int) -> bytes:
    """OP_m <compressed keys> OP_n OP_CHECKMULTISIG."""
    body = b"".join(bytes([33]) + k.pub() for k in keys)
    return bytes([0x50 + m]) + body + bytes([0x50 + len(keys), 0xAE])


def multisig_address(script: bytes, form: str = "p2wsh", chain: str = "bitcoin",
                     network: str = "mainnet") -> str:
    params = params_for(chain, network)
    if form == "p2wsh":
        return encode(Destination("p2wsh", sha256(script)), params)
    if form == "p2sh":
        return encode(Destination("p2sh", hash160(script)), params)
    if form == "p2sh-p2wsh":
        return encode(Destination("p2sh", hash160(b"\x00\x20" + sha256(script))), params)
    raise ValueError(form)


class Ed25519Key:
    def __init__(self, secret_bytes: bytes) -> None:
        self.keypair = Keypair.from_seed(secret_bytes)

    @property
    def address(self) -> str:
        return str(self.keypair.pubkey())

    def sign(self, message: str, form: str = "ed25519-raw") -> str:
        """Base64 signature over ``message`` framed as scheme ``form`` frames it."""
        from chains.solana.ownership import FORMS

        data = FORMS[form](message.encode(), bytes(self.keypair.pubkey()))
        return base64.b64encode(bytes(self.keypair.sign_message(data))).decode()
