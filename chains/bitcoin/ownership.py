"""Ownership proofs for Bitcoin-family addresses (BTC, LTC, DOGE, BCH).

Three schemes, each proving that keys the exchange holds control the
address:

* ``bitcoin-signmessage``: one compact signature whose recovered key
  hashes to a P2PKH address.
* ``bip137``: the same for P2WPKH and P2SH-P2WPKH addresses (BIP-137
  headers, or the Electrum/Trezor compressed header).
* ``bitcoin-multisig``: a redeem/witness script ``OP_m <keys> OP_n
  OP_CHECKMULTISIG`` that hashes to the P2SH, P2WSH or P2SH-P2WSH address,
  plus signatures by at least m DISTINCT keys of that script, every one of
  them valid. The script is judged as consensus would judge its spend
  (``script_judge``, shared with BIP-322): size limits per form, at most 20
  keys, 1 <= m <= n, and only keys libsecp256k1 parses can sign.

A row that declares its scheme (native ``scheme`` column) is judged under
that scheme alone; an id this family does not know is ``unsupported``. Any
deviation is a failed verdict with its reason; nothing is skipped.
"""

from __future__ import annotations

from dataclasses import replace

from chains.bitcoin.address import AddressError, Destination, decode, p2wpkh_nested, p2wsh_nested
from chains.bitcoin.params import Params, params_for
from chains.bitcoin.script import ScriptError, Unprovable, parse_multisig
from chains.bitcoin.script_judge import judge
from chains.bitcoin.signmessage import message_digest, recover_compact
from chains.encoding import decode_hex, decode_signature_text
from chains.hashes import hash160, sha256
from chains.secp256k1 import SignatureError, compress
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed, unsupported, verified

SINGLE_KEY_SCHEMES = ("bitcoin-signmessage", "bip137")
MULTISIG_SCHEME = "bitcoin-multisig"
BIP322_SCHEMES = ("bip322-simple", "bip322-full")
BIP322_PREFIXES = ("smp", "ful", "pof")
SCHEMES = (*SINGLE_KEY_SCHEMES, MULTISIG_SCHEME, *BIP322_SCHEMES)
"""Every scheme id a row may declare (native ``scheme`` column); only that one is tried."""


def _params(claim: Claim) -> Params | Verdict:
    try:
        return params_for(claim.chain or "", claim.network)
    except KeyError:
        return unsupported(f"no Bitcoin-family parameters for {claim.chain} {claim.network}")


def check_address(claim: Claim) -> str | None:
    """None when the address decodes on its chain, else why it does not."""
    params = _params(claim)
    if isinstance(params, Verdict):
        return params.reason
    try:
        decode(claim.address, params)
    except AddressError as e:
        return f"address does not decode: {e}"
    return None


def verify_ownership(claim: Claim) -> Verdict:
    only = claim.proof.scheme
    if only is not None and only not in SCHEMES:
        return unsupported(f"scheme {only!r} is not a Bitcoin-family message scheme "
                           f"(known here: {', '.join(SCHEMES)})", only)
    params = _params(claim)
    if isinstance(params, Verdict):
        return params
    try:
        dest = decode(claim.address, params)
    except AddressError as e:
        return failed(f"address does not decode: {e}", only or "")
    if only is not None:
        return _declared(claim, dest, params, only)
    message = (claim.proof.message or "").encode("utf-8")
    sigs_text = claim.proof.signatures
    if any(s.strip()[:3] in BIP322_PREFIXES for s in sigs_text) or (
            dest.kind in ("p2tr",) and not claim.proof.script):
        return _bip322(claim, dest, params)
    sigs = []
    for i, text in enumerate(sigs_text, 1):
        try:
            sigs.append(decode_signature_text(text))
        except ValueError as e:
            return failed(f"signature {i} is {e}")
    if len(sigs) == 1 and len(sigs[0]) != 65 and not claim.proof.script:
        if not (is_witness_stack(sigs[0]) or _is_transaction(sigs[0])):
            return failed(f"signature is {len(sigs[0])} bytes: neither a 65-byte compact "
                          "signature nor a BIP-322 proof")
        return _bip322(claim, dest, params)
    digest = message_digest(params.magic, message)
    if claim.proof.script:
        return _verify_multisig(claim.proof.script, dest, sigs, digest)
    if len(sigs) != 1:
        return failed(f"{len(sigs)} signatures for a single-key address; expected 1")
    return _verify_single(dest, sigs[0], digest)


def _declared(claim: Claim, dest: Destination, params: Params, only: str) -> Verdict:
    """The verdict under the one scheme the row declares: nothing else is tried."""
    if only in BIP322_SCHEMES:
        return _bip322(claim, dest, params, only)
    script = claim.proof.script
    if only == MULTISIG_SCHEME and not script:
        return failed("the row declares bitcoin-multisig but gives no redeem/witness script",
                      only)
    if only != MULTISIG_SCHEME and script:
        return failed(f"the row declares {only}, a single-key scheme, but gives a script",
                      only)
    sigs = []
    for i, text in enumerate(claim.proof.signatures, 1):
        try:
            sigs.append(decode_signature_text(text))
        except ValueError as e:
            return failed(f"signature {i} is {e}", only)
    digest = message_digest(params.magic, (claim.proof.message or "").encode("utf-8"))
    if script:
        return _verify_multisig(script, dest, sigs, digest)
    if len(sigs) != 1:
        return failed(f"{len(sigs)} signatures for a single-key address; expected 1", only)
    if only == "bitcoin-signmessage" and dest.kind != "p2pkh":
        return failed(f"the row declares bitcoin-signmessage, which proves P2PKH addresses "
                      f"only; this is a {dest.kind} address (its compact signatures are "
                      "bip137)", only)
    # Under the declared name: bip137 declared for a P2PKH address is proven by the
    # same check as signmessage (BIP-137's headers 27-34 are exactly signmessage's).
    return replace(_verify_single(dest, sigs[0], digest), scheme=only)


def is_witness_stack(raw: bytes) -> bool:
    """True when ``raw`` parses exactly as a serialized witness stack (BIP-322 simple)."""
    try:
        count, i = raw[0], 1
        for _ in range(count):
            size = raw[i]
            i += 1
            if size == 0xFD:
                size, i = int.from_bytes(raw[i:i + 2], "little"), i + 2
            elif size > 0xFD:
                return False
            i += size
        return count > 0 and i == len(raw)
    except IndexError:
        return False


def _is_transaction(raw: bytes) -> bool:
    from chains.bitcoin.tx import TxError, parse

    try:
        parse(raw)
        return True
    except (TxError, ValueError, KeyError, IndexError):
        return False


def _verify_single(dest: Destination, sig: bytes, digest: bytes) -> Verdict:
    try:
        rec = recover_compact(sig, digest)
    except SignatureError as e:
        return failed(f"bad signature: {e}")
    kind = "p2sh-p2wpkh" if dest.kind == "p2sh" else dest.kind
    if kind == "p2pkh":
        matches = hash160(rec.key) == dest.program
    elif kind == "p2wpkh":
        matches = rec.compressed and hash160(rec.key) == dest.program
    elif kind == "p2sh-p2wpkh":
        matches = rec.compressed and p2wpkh_nested(rec.key) == dest.program
    else:
        return failed(f"a compact signature cannot prove a {dest.kind} address "
                      "(it needs a script or a BIP-322 proof)")
    scheme = "bitcoin-signmessage" if kind == "p2pkh" else "bip137"
    if not matches:
        return failed(f"signature is by key {rec.key.hex()}, which does not hash to "
                      f"this {kind} address (wrong key or wrong message)", scheme)
    if kind not in rec.allowed_kinds:
        return failed(f"header byte {rec.header} does not allow a {kind} address", scheme)
    return verified(scheme, f"key {rec.key.hex()[:16]}... signed; it hashes to this "
                            f"{kind} address", (rec.key.hex(),))


def _verify_multisig(script_hex: str, dest: Destination, sigs: list[bytes],
                     digest: bytes) -> Verdict:
    scheme = MULTISIG_SCHEME
    try:
        script = decode_hex(script_hex)
    except ValueError:
        return failed("redeem script is not valid hex", scheme)
    if dest.kind == "p2sh" and hash160(script) == dest.program:
        form = "P2SH"
    elif dest.kind == "p2sh" and p2wsh_nested(script) == dest.program:
        form = "P2SH-P2WSH"
    elif dest.kind == "p2wsh" and sha256(script) == dest.program:
        form = "P2WSH"
    elif dest.kind in ("p2sh", "p2wsh"):
        try:
            parse_multisig(script)
        except ScriptError as e:
            return failed(f"redeem script is not m-of-n multisig: {e}", scheme)
        return failed(f"redeem script does not hash to this {dest.kind} address", scheme)
    else:
        return failed(f"a redeem script was given but the address is {dest.kind}", scheme)
    try:
        judged = judge(script, form)
    except Unprovable as e:
        return failed(f"{form} script can never prove this address: {e}", scheme)
    except ScriptError as e:
        return failed(f"redeem script is not m-of-n multisig: {e}", scheme)
    ms = judged.multisig

    def refuse(reason: str, signers: tuple[str, ...] = ()) -> Verdict:
        # A script whose keys cannot meet m fails for that reason above all others.
        return failed(judged.unreachable() or reason, scheme, signers)

    signed_by: dict[int, int] = {}
    signers = []
    for i, sig in enumerate(sigs, 1):
        try:
            rec = recover_compact(sig, digest)
        except SignatureError as e:
            return refuse(f"signature {i}: {e}", tuple(signers))
        key = rec.key if len(rec.key) == 33 else compress(rec.key)
        signers.append(key.hex())
        j = judged.slot(rec.key)
        if j is None:
            shadow = judged.shadowed(rec.key)
            why = f" ({judged.describe(shadow)}, though it has this key's x: it can never " \
                  "sign)" if shadow is not None else " (wrong key or wrong message)"
            return refuse(f"signature {i} is by key {key.hex()}, which is not in the "
                          f"script{why}", tuple(signers))
        if j in signed_by:
            return refuse(f"signatures {signed_by[j]} and {i} are by the same key "
                          "(duplicate signer)", tuple(signers))
        signed_by[j] = i
    if len(signed_by) < ms.m:
        return refuse(f"threshold not met: {len(signed_by)} distinct key(s) signed, "
                      f"the {ms.m}-of-{ms.n} script requires {ms.m}", tuple(signers))
    which = ", ".join(f"#{j + 1}" for j in sorted(signed_by))
    return verified(scheme, f"{ms.m}-of-{ms.n} {form}: script keys {which} signed",
                    tuple(signers), judged.warnings)


def _bip322(claim: Claim, dest: Destination, params: Params, only: str | None = None) -> Verdict:
    from chains.bitcoin import bip322

    return bip322.verify(claim, dest, params, only)
