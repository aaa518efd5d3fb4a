"""The one judge of multisig scripts: could the chain let these keys spend this address?

An exchange proves a P2SH, P2WSH or P2SH-P2WSH multisig address in one of two
ways: compact signatures by m keys of the script (``ownership``), or a BIP-322
proof, which is itself a spend (``bip322``). Both ask this module, so both
apply the same rules, and the rules are consensus's:

* size: a P2SH redeem script is pushed by the spending scriptSig, and no push
  may exceed 520 bytes; a witness script (P2WSH, and P2SH-P2WSH, whose P2SH
  redeem script is the 34-byte ``0 <sha256>``) may be up to 10,000 bytes, and
  over 3,600 its spend is non-standard: nodes do not relay it, only a miner can
  include it (a ``nonstandard-script`` warning, the verdict still stands);
* template: ``script.parse_multisig`` (at most 20 keys, 1 <= m <= n);
* keys: every key slot is parsed by libsecp256k1. A slot that does not parse
  (off the curve, x or y out of range, a hybrid 0x06/0x07 encoding) is no key:
  no signature can ever satisfy it, whatever bytes it shares with a real key.
  A script with fewer than m parsable keys can never be spent.

Any breach is ``Unprovable`` (a ScriptError): a failed verdict on every path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chains.bitcoin.script import Multisig, Unprovable, parse_multisig
from chains.secp256k1 import compress, parse_public_key

P2SH_MAX = 520
"""MAX_SCRIPT_ELEMENT_SIZE: the largest push, so the largest P2SH redeem script."""
WITNESS_MAX = 10_000
"""MAX_SCRIPT_SIZE: the largest witness script a P2WSH spend may execute."""
WITNESS_STANDARD = 3_600
"""MAX_STANDARD_P2WSH_SCRIPT_SIZE: larger witness scripts are not relayed."""
FORMS = ("P2SH", "P2WSH", "P2SH-P2WSH")
NONSTANDARD = "nonstandard-script"


def size_warnings(size: int, form: str) -> tuple[tuple[str, str], ...]:
    """Warnings for a ``size``-byte script spent as ``form``; Unprovable past a
    consensus limit."""
    if form not in FORMS:
        raise ValueError(f"unknown script form {form!r}")
    if form == "P2SH":
        if size > P2SH_MAX:
            raise Unprovable(f"the P2SH redeem script is {size} bytes; a spend must push it, "
                             f"and consensus refuses any push over {P2SH_MAX} bytes, so this "
                             "address can never be spent")
        return ()
    if size > WITNESS_MAX:
        raise Unprovable(f"the {form} witness script is {size} bytes; consensus refuses to run "
                         f"a script over {WITNESS_MAX:,} bytes, so this address can never be "
                         "spent")
    if size > WITNESS_STANDARD:
        return ((NONSTANDARD, f"the {form} witness script is {size:,} bytes, over the "
                              f"{WITNESS_STANDARD:,}-byte standardness limit: nodes do not "
                              "relay its spend, only a miner can include one"),)
    return ()


def _why_not(key: bytes) -> str:
    if key[0] in (6, 7):
        return "a hybrid encoding"
    return "not a point on the curve"


@dataclass
class Judgement:
    """A multisig script consensus could spend as ``form``, and its keys."""

    form: str
    multisig: Multisig
    warnings: tuple[tuple[str, str], ...] = ()
    """(finding kind, message) pairs: limits it passes only just (see module doc)."""
    _points: dict[int, bytes | None] = field(default_factory=dict, repr=False)
    """Slot -> its key as libsecp256k1 parses it, filled as slots are asked about."""

    @property
    def m(self) -> int:
        return self.multisig.m

    @property
    def n(self) -> int:
        return self.multisig.n

    def slot(self, point: bytes) -> int | None:
        """The first script key that is ``point``, or None.

        ``point`` is a key libsecp256k1 produced (a recovered signer, 33 or 65
        bytes), so a 33-byte slot holding its compressed form is that very point
        and needs no parse (the hot path of a multisig row). A 65-byte slot is
        parsed first (cheap for that encoding): one off the curve that shares
        the point's x and parity must not match.
        """
        short = point if len(point) == 33 else compress(point)
        for j, key in enumerate(self.multisig.keys):
            if len(key) == 33:
                if key == short:
                    return j
            elif self._point(j) is not None and compress(key) == short:
                return j
        return None

    def _point(self, j: int) -> bytes | None:
        if j not in self._points:
            self._points[j] = parse_public_key(self.multisig.keys[j])
        return self._points[j]

    def points(self) -> list[bytes | None]:
        """Each slot's key as libsecp256k1 parses it (65 bytes), None where it does not."""
        return [self._point(j) for j in range(self.n)]

    def unparsable(self) -> list[int]:
        return [j for j, p in enumerate(self.points()) if p is None]

    def shadowed(self, point: bytes) -> int | None:
        """An unparsable slot that has ``point``'s x: what a signature by ``point``
        may have been meant to satisfy, and never can."""
        return next((j for j in self.unparsable()
                     if self.multisig.keys[j][1:33] == point[1:33]), None)

    def describe(self, j: int) -> str:
        return f"script key #{j + 1} is not a valid public key ({_why_not(self.multisig.keys[j])})"

    def unreachable(self) -> str | None:
        """Why m keys of this script can never sign, or None when they can."""
        bad = self.unparsable()
        usable = self.n - len(bad)
        if usable >= self.m:
            return None
        which = "; ".join(self.describe(j) for j in bad)
        return (f"threshold can never be met: {which}; so at most {usable} of the {self.n} "
                f"keys can sign, and the {self.m}-of-{self.n} script requires {self.m}")


def judge(script: bytes, form: str) -> Judgement:
    """Judge ``script`` as the redeem/witness script of a ``form`` address.

    Raises Unprovable when consensus could never spend it (or anyone could),
    ScriptError when it is not bare multisig. Key parsing is deferred to
    ``points``/``unreachable``: a caller that finds m distinct signers through
    ``slot`` has proven those keys valid already.
    """
    warnings = size_warnings(len(script), form)
    return Judgement(form, parse_multisig(script), warnings)
