"""BitMEX's proof-of-reserves YAML (BitMEX/proof-of-reserves-liabilities).

One YAML mapping, with the field names BitMEX's ``validate_reserves.py``
reads:

    address:               one item per address (UTXO set under custody)
    - addr: 3BMEX...       the address
      addr_type: sh        sh | sh_wsh | wsh (multisig), wpkh (from an xpub), unspendable
      script: 5341...ae    the redeem/witness script (hex); a descriptor for wpkh
      balance: 12345       satoshis (optional)
    chain: main            bitcoind's chain name: main | test | signet | regtest
    claim: {m: 3, n: 4}    the multisig threshold of every script
    height: 693062         the snapshot height
    keys: [04..., ...]     the static public keys every script is built from
    total: 11009053026106  satoshis, the sum of the balances
    xpub: [...]            (optional) xpubs of the wpkh addresses
    blockhash: ...         (optional) the block at ``height``

No row is signed: each multisig row is checked as a script against the
published keys (``chains/bitcoin/published.py``) and is at best
``unsigned``. The file, 200 MB for BitMEX's mainnet, is read as a stream of
YAML events (libyaml when PyYAML has it), never as one document in memory.
Aliases, tags and a second document are refused: the format has none.
"""

from __future__ import annotations

import yaml

from reserves.claims import Claim, Proof, PublishedKeys
from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.common import ClaimsFile
from reserves.importers.stream import finish, open_source

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NETWORKS = {"main": "mainnet", "test": "testnet", "testnet4": "testnet", "signet": "signet",
            "regtest": "regtest"}
TOP = ("address", "chain", "claim", "height", "keys", "total", "xpub", "blockhash")
REQUIRED = ("address", "chain", "claim", "height", "keys", "total")
ROW = ("addr", "addr_type", "script", "balance")
TYPES = ("sh", "sh_wsh", "wsh", "wpkh", "unspendable")


def looks_like(head: str) -> bool:
    """True when the start of the file is a YAML mapping with BitMEX's keys."""
    tops = set()
    for line in head.splitlines():
        if line[:1].isalpha() and ":" in line:
            tops.add(line.split(":", 1)[0].strip())
        elif line.lstrip().startswith(("- addr:", "- addr_type:")):
            tops.add("- addr")
    return "- addr" in tops and "address" in tops and tops <= set(TOP) | {"- addr"}


class _Events:
    """YAML events with one token of look-ahead and BitMEX-shaped errors."""

    def __init__(self, path: str, stream) -> None:
        self.path = path
        self._it = yaml.parse(stream, Loader=_Loader)

    def next(self):
        try:
            event = next(self._it)
        except StopIteration:
            raise InputError(self.path, "the YAML ends early (truncated file?)") from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            raise InputError(self.path, f"not valid YAML: {e.problem or e.context}",
                             mark.line + 1 if mark else None) from None
        except yaml.YAMLError as e:
            raise InputError(self.path, f"not valid YAML: {e}") from None
        if isinstance(event, yaml.AliasEvent):
            raise InputError(self.path, "YAML aliases are not allowed here", _line(event))
        if getattr(event, "tag", None) and not getattr(event, "implicit", (True,))[0] \
                and isinstance(event, yaml.ScalarEvent):
            raise InputError(self.path, f"YAML tag {event.tag!r} is not allowed here",
                             _line(event))
        return event

    def expect(self, kind, what: str):
        event = self.next()
        if not isinstance(event, kind):
            raise InputError(self.path, f"expected {what}", _line(event))
        return event


def _line(event) -> int:
    return event.start_mark.line + 1


def _value(ev: _Events, event):
    """A small value (anything but the address list) as str / list / dict, with its line."""
    if isinstance(event, yaml.ScalarEvent):
        return event.value
    if isinstance(event, yaml.SequenceStartEvent):
        out = []
        while not isinstance(item := ev.next(), yaml.SequenceEndEvent):
            out.append(_value(ev, item))
        return out
    if isinstance(event, yaml.MappingStartEvent):
        out = {}
        while not isinstance(key := ev.next(), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent):
                raise InputError(ev.path, "a mapping key must be plain text", _line(key))
            out[key.value] = _value(ev, ev.next())
        return out
    raise InputError(ev.path, "unexpected YAML structure", _line(event))


def _count(path: str, line: int, key: str, value) -> int:
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise InputError(path, f"{value!r} is not a whole number", line, key)
    return int(value)


def _rows(ev: _Events, line: int) -> list[tuple[int, str, str, str | None, int | None]]:
    start = ev.next()
    if isinstance(start, yaml.ScalarEvent) and start.value == "":
        return []
    if not isinstance(start, yaml.SequenceStartEvent):
        raise InputError(ev.path, "'address' must be a list of addresses", line, "address")
    rows = []
    index = 0
    while not isinstance(item := ev.next(), yaml.SequenceEndEvent):
        index += 1
        where = f"address[{index}]"
        if not isinstance(item, yaml.MappingStartEvent):
            raise InputError(ev.path, "each address item must be a mapping (addr, addr_type, "
                                      "script, balance)", _line(item), where)
        row: dict[str, str] = {}
        while not isinstance(key := ev.next(), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent) or key.value not in ROW:
                raise InputError(ev.path, f"unknown key {getattr(key, 'value', key)!r} (known: "
                                          f"{', '.join(ROW)})", _line(key), where)
            value = ev.next()
            if not isinstance(value, yaml.ScalarEvent):
                raise InputError(ev.path, f"{key.value} must be a single value", _line(value),
                                 f"{where}.{key.value}")
            if key.value in row:
                raise InputError(ev.path, f"{key.value} given twice", _line(key), where)
            row[key.value] = value.value
        at = _line(item)
        for need in ("addr", "addr_type"):
            if not row.get(need, "").strip():
                raise InputError(ev.path, f"missing {need}", at, where)
        kind = row["addr_type"].strip()
        if kind not in TYPES:
            raise InputError(ev.path, f"addr_type {kind!r} is not one of {', '.join(TYPES)}",
                             at, f"{where}.addr_type")
        script = row.get("script", "").strip() or None
        if script is None and kind != "unspendable":
            raise InputError(ev.path, f"missing script for addr_type {kind}", at, where)
        balance = row.get("balance")
        amount = None if balance is None or balance.strip() == "" else \
            _count(ev.path, at, f"{where}.balance", balance.strip())
        rows.append((at, row["addr"].strip(), kind, script, amount))
    return rows


def load_file(path: str, name: str) -> ClaimsFile:
    """Read the BitMEX reserves YAML at ``path``; rows and errors name it ``name``."""
    stream, hashing = open_source(path)
    try:
        top, rows = _read(name, stream)
        source = finish(stream, hashing, name)
    finally:
        stream.close()
    return _claims(name, source, top, rows)


def _read(path: str, stream):
    ev = _Events(path, stream)
    ev.expect(yaml.StreamStartEvent, "a YAML stream")
    event = ev.next()
    if isinstance(event, yaml.StreamEndEvent):
        raise InputError(path, "empty file")
    if not isinstance(event, yaml.DocumentStartEvent):
        raise InputError(path, "expected a YAML document", _line(event))
    ev.expect(yaml.MappingStartEvent, "a mapping of BitMEX's keys (address, chain, claim, "
                                      "height, keys, total)")
    top: dict[str, tuple[int, object]] = {}
    rows = None
    while not isinstance(key := ev.next(), yaml.MappingEndEvent):
        if not isinstance(key, yaml.ScalarEvent) or key.value not in TOP:
            raise InputError(path, f"unknown key {getattr(key, 'value', key)!r} (known: "
                                   f"{', '.join(TOP)})", _line(key))
        if key.value in top:
            raise InputError(path, f"key {key.value!r} given twice", _line(key))
        if key.value == "address":
            top["address"] = (_line(key), None)
            rows = _rows(ev, _line(key))
        else:
            top[key.value] = (_line(key), _value(ev, ev.next()))
    ev.expect(yaml.DocumentEndEvent, "the end of the document")
    if not isinstance(end := ev.next(), yaml.StreamEndEvent):
        raise InputError(path, "a second YAML document; the format has one", _line(end))
    for need in REQUIRED:
        if need not in top:
            raise InputError(path, f"missing key {need!r}")
    return top, rows or []


def _claims(path: str, source, top: dict, rows: list) -> ClaimsFile:
    line, chain = top["chain"]
    network = NETWORKS.get(chain) if isinstance(chain, str) else None
    if network is None:
        raise InputError(path, f"chain {chain!r} is not one of {', '.join(NETWORKS)}", line,
                         "chain")
    line, claim = top["claim"]
    if not isinstance(claim, dict) or set(claim) != {"m", "n"}:
        raise InputError(path, "claim must be a mapping of m and n", line, "claim")
    m, n = _count(path, line, "claim.m", claim["m"]), _count(path, line, "claim.n", claim["n"])
    if not 1 <= m <= n <= 16:
        raise InputError(path, f"claim m={m}, n={n}: need 1 <= m <= n <= 16", line, "claim")
    line, keys = top["keys"]
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise InputError(path, "keys must be a list of public keys (hex)", line, "keys")
    line, xpubs = top.get("xpub", (line, []))
    if not isinstance(xpubs, list) or not all(isinstance(x, str) for x in xpubs):
        raise InputError(path, "xpub must be a list of extended public keys", line, "xpub")
    published = PublishedKeys(m, n, tuple(k.strip() for k in keys),
                              tuple(x.strip() for x in xpubs))
    height = _count(path, top["height"][0], "height", top["height"][1])
    total_line, total = top["total"][0], _count(path, top["total"][0], "total", top["total"][1])
    if not rows:
        raise InputError(path, "no address rows")
    claims = []
    for i, (at, address, kind, script, amount) in enumerate(rows):
        claims.append(Claim(
            source=path, row=at, coin="BTC", asset="BTC", chain="bitcoin", family="bitcoin",
            address=address, amount=amount, decimals=8,
            amount_text="" if amount is None else str(amount),
            proof=Proof(None, (), script, published=published, script_type=kind),
            network=network, height=height))
        rows[i] = None  # the claim now holds the row's strings
    return ClaimsFile(source, "bitmex", claims, [], _total(path, total_line, total, claims),
                      base_units=True)


def _total(path: str, line: int, total: int, claims: list[Claim]) -> list[Finding]:
    """``total`` against the sum of the rows' balances, exactly, in satoshis."""
    if any(c.amount is None for c in claims):
        return [Finding("totals-unchecked", Severity.WARNING,
                        "BTC: some address rows give no balance, so the file's total "
                        f"{total} sat cannot be checked against them", subject=f"{path}:{line}")]
    got = sum(c.amount for c in claims)
    if got == total:
        return []
    dead = [c for c in claims if c.proof.script_type == "unspendable"]
    beside = ""
    if dead:
        beside = (f" ({got - sum(c.amount for c in dead)} sat without the {len(dead)} rows "
                  "marked unspendable)")
    return [Finding("totals-mismatch", Severity.ERROR,
                    f"BTC: the file's total is {total} sat, its {len(claims)} address rows add "
                    f"up to {got} sat{beside} (difference {got - total})",
                    subject=f"{path}:{line}")]
