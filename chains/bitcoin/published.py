"""Unsigned multisig rows checked against a file's published keys (BitMEX).

BitMEX publishes its static public keys and one m-of-n for the whole file,
then for every address the redeem (or witness) script and its form
(``addr_type``: sh, sh_wsh, wsh), with no signature. What can be checked
without a signature is that the address is exactly that script, and that
the script puts the address under those keys:

* the script parses as ``OP_m <keys> OP_n OP_CHECKMULTISIG``
  (``script.parse_multisig``) with the file's m and n;
* it hashes to the address in the declared form, and a P2SH redeem script
  fits the 520-byte push limit (a longer one can never be spent);
* at least m of its key slots hold published keys (valid points, compared
  as points), so the published keys alone can spend; and fewer than m
  hold anything else, so nobody outside them can.

A row that passes is still ``unsigned``: nothing here shows that the
exchange holds the published keys. A row that does not is ``failed``, with
the reason. A ``wpkh`` row names a key below a published xpub by a
descriptor (``wpkh(xpub.../0/5)``): the key is derived (BIP-32, public
derivation) and must hash to the P2WPKH address; a range or hardened path
cannot be checked from public data and is ``unsupported``. Rows the file
marks ``unspendable`` are ``unsigned`` and say so.
"""

from __future__ import annotations

from functools import lru_cache

import coincurve

from chains.bitcoin import bip32
from chains.bitcoin.address import Destination, p2wsh_nested
from chains.bitcoin.script import ScriptError, parse_multisig
from chains.encoding import decode_hex
from chains.hashes import hash160, sha256
from reserves.claims import Claim, PublishedKeys
from reserves.verdicts import Status, Verdict, failed, unsupported

SCHEME = "bitcoin-multisig"
MAX_P2SH_SCRIPT = 520
"""Largest element a script may push (MAX_SCRIPT_ELEMENT_SIZE): a P2SH redeem
script is pushed by the spending scriptSig, so a longer one is unspendable."""
FORMS = {"sh": "P2SH", "sh_wsh": "P2SH-P2WSH", "wsh": "P2WSH"}


def _point(key: bytes) -> bytes | None:
    """The key's compressed encoding when it is a valid secp256k1 point in a compressed
    or uncompressed encoding, else None (libsecp256k1 would also parse the hybrid
    0x06/0x07 form, which no signature can be checked against in a spend)."""
    if not ((len(key) == 33 and key[0] in (2, 3)) or (len(key) == 65 and key[0] == 4)):
        return None
    try:
        return coincurve.PublicKey(key).format(compressed=True)
    except ValueError:
        return None


@lru_cache(maxsize=16)
def _published_points(published: PublishedKeys) -> tuple[frozenset[bytes], str | None]:
    """(points of the published keys, why they cannot be used or None); once per file."""
    points = set()
    for i, text in enumerate(published.keys, 1):
        try:
            key = decode_hex(text)
        except ValueError:
            return frozenset(), f"published key {i} is not hex"
        point = _point(key)
        if point is None:
            return frozenset(), (f"published key {i} ({text[:20]}...) is not a valid "
                                 "secp256k1 public key")
        points.add(point)
    return frozenset(points), None


def _forms_matching(script: bytes, dest: Destination) -> list[str]:
    """The script forms in which ``script`` hashes to ``dest``."""
    found = []
    if dest.kind == "p2sh" and hash160(script) == dest.program:
        found.append("sh")
    if dest.kind == "p2sh" and p2wsh_nested(script) == dest.program:
        found.append("sh_wsh")
    if dest.kind == "p2wsh" and sha256(script) == dest.program:
        found.append("wsh")
    return found


def judge(claim: Claim, dest: Destination) -> Verdict:
    """The verdict on an unsigned row whose file publishes its keys (see module docstring)."""
    proof = claim.proof
    published = proof.published
    form = proof.script_type
    if form == "unspendable":
        return Verdict(Status.UNSIGNED, "the file marks this address unspendable (addr_type "
                                        "unspendable); no signature")
    if form == "wpkh":
        return _judge_wpkh(proof.script or "", published, dest)
    if form not in FORMS:
        return failed(f"unknown addr_type {form!r} (expected sh, sh_wsh, wsh, wpkh or "
                      "unspendable)", SCHEME)
    if not proof.script:
        return failed(f"no script given for this {FORMS[form]} address", SCHEME)
    try:
        script = decode_hex(proof.script)
    except ValueError:
        return failed("script is not valid hex", SCHEME)
    hashes_as = _forms_matching(script, dest)
    if form not in hashes_as:
        if hashes_as:
            return failed(f"addr_type is {form} but the script hashes to this address as "
                          f"{FORMS[hashes_as[0]]}", SCHEME)
        return failed(f"the script does not hash to this address as {FORMS[form]} "
                      f"(the address is {dest.kind})", SCHEME)
    if form == "sh" and len(script) > MAX_P2SH_SCRIPT:
        return failed(f"the redeem script is {len(script)} bytes; a P2SH redeem script of "
                      f"more than {MAX_P2SH_SCRIPT} can never be spent", SCHEME)
    try:
        ms = parse_multisig(script)
    except ScriptError as e:
        return failed(f"script is not m-of-n multisig: {e}", SCHEME)
    if (ms.m, ms.n) != (published.m, published.n):
        return failed(f"the script is {ms.m}-of-{ms.n}; the file claims {published.m}-of-"
                      f"{published.n}", SCHEME)
    points, problem = _published_points(published)
    if problem:
        return failed(problem, SCHEME)
    ours = [j for j, key in enumerate(ms.keys, 1) if _point(key) in points]
    others = ms.n - len(ours)
    where = f"{ms.m}-of-{ms.n} {FORMS[form]}"
    if len(ours) < ms.m:
        return failed(f"{where}: only {len(ours)} of its keys are published keys, fewer "
                      f"than the {ms.m} needed to spend", SCHEME)
    if others >= ms.m:
        return failed(f"{where}: {others} of its keys are not published keys, enough to "
                      "spend without any published key", SCHEME)
    slots = ", ".join(f"#{j}" for j in ours)
    return Verdict(Status.UNSIGNED,
                   f"{where} script matches the published keys (keys {slots}; {others} "
                   "other); no signature", SCHEME)


def _judge_wpkh(descriptor: str, published: PublishedKeys, dest: Destination) -> Verdict:
    scheme = "bip32-wpkh"
    if dest.kind != "p2wpkh":
        return failed(f"addr_type is wpkh but the address is {dest.kind}", scheme)
    try:
        xpub, path = bip32.parse_descriptor(descriptor)
        if xpub not in published.xpubs:
            return failed("the descriptor's xpub is not one the file publishes", scheme)
        key = bip32.derive(xpub, path)
    except bip32.NotOneKey as e:
        return unsupported(f"wpkh descriptor: {e}; no signature", scheme)
    except bip32.DerivationError as e:
        return failed(f"wpkh descriptor: {e}", scheme)
    where = "/".join(["xpub #" + str(published.xpubs.index(xpub) + 1), *map(str, path)])
    if hash160(key) != dest.program:
        return failed(f"the key at {where} ({key.hex()[:16]}...) does not hash to this "
                      "P2WPKH address", scheme)
    return Verdict(Status.UNSIGNED, f"P2WPKH key at {where} of the published xpub; no "
                                    "signature", scheme)


def judge_unsigned(claim: Claim) -> Verdict | None:
    """The verdict on a row without signatures, or None when its file publishes no keys."""
    if claim.proof.published is None:
        return None
    from chains.bitcoin.address import AddressError, decode
    from chains.bitcoin.params import params_for

    try:
        dest = decode(claim.address, params_for(claim.chain or "", claim.network))
    except (KeyError, AddressError) as e:  # check_address has already refused these
        return failed(f"address does not decode: {e}")
    return judge(claim, dest)
