"""BIP-322 generic signed messages: a proof is a valid spend of the address's output.

The message is committed in a virtual ``to_spend`` transaction paying the
address's scriptPubKey; the proof is the ``to_sign`` transaction spending it:
in the simple form only its witness stack, in the full form the whole
transaction. Verification checks the spend the way the chain would, for the
templates an exchange uses: P2PKH, P2WPKH, P2SH-P2WPKH, bare multisig in
P2SH, P2WSH and P2SH-P2WSH (m-of-n, CHECKMULTISIG order and NULLDUMMY, the
script judged by ``script_judge`` exactly as for compact signatures: size
limits, at most 20 keys, only keys libsecp256k1 parses can sign), and P2TR
key path (BIP-341 signature hash, BIP-340 Schnorr). Anything else
(time locks, tapscript paths, annexes, sighash types other than ALL/DEFAULT,
proof-of-funds) is ``unsupported``, never guessed.

Signatures may carry the 2026 ``smp``/``ful``/``pof`` prefixes; unprefixed
ones (the earlier text) are read as a witness stack when they parse as one,
else as a transaction.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import coincurve

from chains.bitcoin.address import Destination
from chains.bitcoin.params import Params
from chains.bitcoin.script import ScriptError, Unprovable
from chains.bitcoin.script_judge import judge
from chains.bitcoin.tx import SIGHASH_ALL, Tx, TxError, TxIn, TxOut, parse, tagged_hash
from chains.hashes import hash160, sha256
from chains.secp256k1 import parse_public_key
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed, unsupported, verified

TAG = "BIP0322-signed-message"
OP_RETURN = b"\x6a"


class Unsupported(Exception):
    pass


class Invalid(Exception):
    pass


@dataclass(frozen=True)
class Spend:
    """A verified spend: what it was, and any standardness warnings on its script."""

    what: str
    warnings: tuple[tuple[str, str], ...] = ()


def message_hash(message: bytes) -> bytes:
    return tagged_hash(TAG, message)


def to_spend(script_pubkey: bytes, message: bytes) -> Tx:
    script_sig = b"\x00\x20" + message_hash(message)
    return Tx(0, [TxIn(b"\x00" * 32, 0xFFFFFFFF, script_sig, 0)], [TxOut(0, script_pubkey)], 0)


def to_sign(spend_txid: bytes, witness: list[bytes]) -> Tx:
    return Tx(0, [TxIn(spend_txid, 0, b"", 0, witness)], [TxOut(0, OP_RETURN)], 0)


def parse_witness(raw: bytes) -> list[bytes]:
    pos, items = 0, []
    try:
        count = raw[pos]
        pos += 1
        for _ in range(count):
            size = raw[pos]
            pos += 1
            if size == 0xFD:
                size = int.from_bytes(raw[pos:pos + 2], "little")
                pos += 2
            elif size > 0xFD:
                raise Invalid("witness item too large")
            if pos + size > len(raw):
                raise Invalid("witness stack ends early")
            items.append(raw[pos:pos + size])
            pos += size
    except IndexError:
        raise Invalid("witness stack ends early") from None
    if pos != len(raw):
        raise Invalid("bytes left after the witness stack")
    return items


def decode(text: str, declared: str | None = None) -> tuple[str, bytes]:
    """(form, raw bytes): form is simple, full or proof-of-funds.

    An unprefixed signature is read in the ``declared`` form (simple or full)
    when the row declares one, else guessed from what it parses as.
    """
    s = text.strip()
    form = {"smp": "simple", "ful": "full", "pof": "proof-of-funds"}.get(s[:3])
    if form:
        s = s[3:]
    elif declared:
        form = declared
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("signature is not valid base64") from None
    if not raw:
        raise Invalid("empty signature")
    if form is None:
        try:
            parse_witness(raw)
            form = "simple"
        except Invalid:
            form = "full"
    return form, raw


def _push_items(script: bytes) -> list[bytes]:
    """The data pushes of a push-only script (scriptSig)."""
    items, i = [], 0
    while i < len(script):
        op = script[i]
        i += 1
        if op == 0:
            items.append(b"")
        elif op < 0x4C:
            items.append(script[i:i + op])
            i += op
        elif op == 0x4C:
            n = script[i]
            items.append(script[i + 1:i + 1 + n])
            i += 1 + n
        elif op == 0x4D:
            n = int.from_bytes(script[i:i + 2], "little")
            items.append(script[i + 2:i + 2 + n])
            i += 2 + n
        else:
            raise Invalid("scriptSig is not push-only")
    if i != len(script):
        raise Invalid("scriptSig push runs past its end")
    return items


def _ecdsa(pubkey: bytes, sig: bytes, digest_of) -> bool:
    """True when ``sig`` is valid for ``pubkey``; a key libsecp256k1 does not parse
    (or a hybrid one: ``parse_public_key``) never verifies anything."""
    if len(sig) < 9:
        return False
    if sig[-1] != SIGHASH_ALL:
        raise Unsupported(f"sighash type {sig[-1]} (only SIGHASH_ALL is supported)")
    point = parse_public_key(pubkey)
    if point is None:
        return False
    try:
        return coincurve.PublicKey(point).verify(sig[:-1], digest_of(), hasher=None)
    except Exception:
        return False


def _multisig(script: bytes, stack: list[bytes], digest_of, form: str) -> Spend:
    try:
        judged = judge(script, form)
    except Unprovable as e:
        raise Invalid(f"the {form} script can never be spent: {e}") from None
    except ScriptError as e:
        raise Unsupported(f"the script is not bare multisig ({e})") from None
    unreachable = judged.unreachable()
    if unreachable:
        raise Invalid(unreachable)
    ms = judged.multisig
    if not stack or stack[0] != b"":
        raise Invalid("CHECKMULTISIG dummy element must be empty")
    sigs = stack[1:]
    if len(sigs) != ms.m:
        raise Invalid(f"{len(sigs)} signatures for an {ms.m}-of-{ms.n} script")
    digest = digest_of()
    k = 0
    signed = []
    for sig in sigs:
        while k < ms.n and not _ecdsa(ms.keys[k], sig, lambda: digest):
            k += 1
        if k == ms.n:
            raise Invalid("a signature matches no remaining key of the script (wrong key, "
                          "wrong message or wrong order)")
        signed.append(k)
        k += 1
    return Spend(f"{form} {ms.m}-of-{ms.n} multisig, keys "
                 f"{', '.join(f'#{i + 1}' for i in signed)}", judged.warnings)


def verify_spend(tx: Tx, spent: TxOut) -> Spend:
    """The verified spend of input 0, or raise Invalid / Unsupported."""
    spk = spent.script_pubkey
    inp = tx.inputs[0]
    if spk[:3] == b"\x76\xa9\x14" and len(spk) == 25:
        items = _push_items(inp.script_sig)
        if inp.witness or len(items) != 2 or hash160(items[1]) != spk[3:23]:
            raise Invalid("P2PKH spend must push a signature and the address's key")
        if not _ecdsa(items[1], items[0], lambda: tx.sighash_legacy(0, spk)):
            raise Invalid("P2PKH signature does not verify")
        return Spend("P2PKH")
    if len(spk) == 22 and spk[:2] == b"\x00\x14":
        if inp.script_sig:
            raise Invalid("a native segwit spend has an empty scriptSig")
        return _p2wpkh(tx, spk[2:], inp.witness, "P2WPKH")
    if len(spk) == 34 and spk[:2] == b"\x00\x20":
        if inp.script_sig:
            raise Invalid("a native segwit spend has an empty scriptSig")
        return _p2wsh(tx, spk[2:], inp.witness, "P2WSH")
    if len(spk) == 23 and spk[:2] == b"\xa9\x14" and spk[22] == 0x87:
        items = _push_items(inp.script_sig)
        if not items or hash160(items[-1]) != spk[2:22]:
            raise Invalid("P2SH spend must end with the script that hashes to the address")
        redeem = items[-1]
        if len(redeem) == 22 and redeem[:2] == b"\x00\x14":
            if len(items) != 1:
                raise Invalid("P2SH-P2WPKH scriptSig must push only the redeem script")
            return _p2wpkh(tx, redeem[2:], inp.witness, "P2SH-P2WPKH")
        if len(redeem) == 34 and redeem[:2] == b"\x00\x20":
            if len(items) != 1:
                raise Invalid("P2SH-P2WSH scriptSig must push only the redeem script")
            return _p2wsh(tx, redeem[2:], inp.witness, "P2SH-P2WSH")
        if inp.witness:
            raise Invalid("a legacy P2SH spend carries no witness")
        return _multisig(redeem, items[:-1], lambda: tx.sighash_legacy(0, redeem), "P2SH")
    if len(spk) == 34 and spk[:2] == b"\x51\x20":
        if inp.script_sig:
            raise Invalid("a taproot spend has an empty scriptSig")
        stack = inp.witness
        if len(stack) >= 2 and stack[-1][:1] == b"\x50":
            raise Unsupported("taproot annex")
        if len(stack) != 1:
            raise Unsupported("taproot script-path spends")
        sig = stack[0]
        if len(sig) == 65:
            if sig[64] == 0:
                raise Invalid("a 65-byte taproot signature cannot use SIGHASH_DEFAULT")
            if sig[64] != SIGHASH_ALL:
                raise Unsupported(f"sighash type {sig[64]}")
            hashtype = SIGHASH_ALL
        elif len(sig) == 64:
            hashtype = 0
        else:
            raise Invalid(f"a taproot signature has 64 or 65 bytes, not {len(sig)}")
        digest = tx.sighash_taproot_keypath(0, [spent], hashtype)
        try:
            ok = coincurve.PublicKeyXOnly(spk[2:]).verify(sig[:64], digest)
        except Exception:
            ok = False
        if not ok:
            raise Invalid("taproot key-path signature does not verify")
        return Spend("P2TR key path")
    raise Unsupported("this output type has no BIP-322 verifier here")


def _p2wpkh(tx: Tx, program: bytes, stack: list[bytes], label: str) -> Spend:
    if len(stack) != 2 or len(stack[1]) != 33 or hash160(stack[1]) != program:
        raise Invalid(f"{label} witness must be a signature and the address's compressed key")
    code = Destination("p2pkh", program).script_pubkey()
    if not _ecdsa(stack[1], stack[0], lambda: tx.sighash_segwit_v0(0, code, 0)):
        raise Invalid(f"{label} signature does not verify")
    return Spend(label)


def _p2wsh(tx: Tx, program: bytes, stack: list[bytes], label: str) -> Spend:
    if not stack or sha256(stack[-1]) != program:
        raise Invalid(f"{label} witness must end with the script that hashes to the address")
    script = stack[-1]
    return _multisig(script, stack[:-1], lambda: tx.sighash_segwit_v0(0, script, 0), label)


def verify_proof(script_pubkey: bytes, message: bytes, signature: str,
                 declared: str | None = None) -> tuple[str, Spend]:
    """(scheme, spend) of a valid proof; raises Invalid or Unsupported otherwise.

    With ``declared`` (bip322-simple or bip322-full, from the row), a proof of
    the other form is Invalid.
    """
    form, raw = decode(signature, declared and declared.removeprefix("bip322-"))
    if declared and f"bip322-{form}" != declared:
        raise Invalid(f"the row declares {declared}, but the signature is a BIP-322 {form} "
                      "proof")
    if form == "proof-of-funds":
        raise Unsupported("BIP-322 proof-of-funds (a PSBT with extra inputs)")
    spend = to_spend(script_pubkey, message)
    if form == "simple":
        tx = to_sign(spend.txid, parse_witness(raw))
        if script_pubkey[0] == 0xA9:  # P2SH-P2WPKH in simple form: rebuild its scriptSig
            stack = tx.inputs[0].witness
            if len(stack) == 2 and len(stack[1]) == 33:
                redeem = b"\x00\x14" + hash160(stack[1])
                tx.inputs[0].script_sig = bytes([len(redeem)]) + redeem
            else:
                raise Unsupported("simple proofs for P2SH outputs other than P2SH-P2WPKH")
    else:
        try:
            tx = parse(raw)
        except TxError as e:
            raise Invalid(f"full proof is not a transaction: {e}") from None
        if len(tx.inputs) != 1:
            raise Unsupported("full proofs with extra inputs (proof of funds)")
        i = tx.inputs[0]
        if i.txid != spend.txid or i.vout != 0:
            raise Invalid("the proof does not spend this address's to_spend transaction "
                          "(wrong address or wrong message)")
        if len(tx.outputs) != 1 or tx.outputs[0].value != 0 or tx.outputs[0].script_pubkey \
                != OP_RETURN:
            raise Invalid("to_sign must have one zero-value OP_RETURN output")
    return f"bip322-{form}", verify_spend(tx, spend.outputs[0])


def verify(claim: Claim, dest: Destination, params: Params,
           declared: str | None = None) -> Verdict:
    """The ownership verdict for a claim whose proof is a BIP-322 signature."""
    label = declared or "bip322"
    if len(claim.proof.signatures) != 1:
        return failed(f"{len(claim.proof.signatures)} signatures; a BIP-322 proof is one",
                      label)
    message = (claim.proof.message or "").encode("utf-8")
    try:
        scheme, spend = verify_proof(dest.script_pubkey(), message,
                                     claim.proof.signatures[0], declared)
    except Unsupported as e:
        return unsupported(f"BIP-322: {e}", label)
    except Invalid as e:
        return failed(f"BIP-322: {e}", label)
    return verified(scheme, f"BIP-322 proof: a {spend.what} spend of this address verifies",
                    warnings=spend.warnings)


__all__ = ["Spend", "verify", "verify_proof"]
