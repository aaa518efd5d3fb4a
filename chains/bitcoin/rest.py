"""An address-indexed backend: bcoin's REST API (``/tx/address/<address>``).

The index is keyed by address strings in the node's own format, so each
watched scriptPubKey is encoded for the node (bcoin's regtest uses its own
prefixes, ``R``/``G``/``rb1``). Transactions are taken from their raw hex,
parsed and hashed here: the JSON fields other than height are not trusted.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit, urlunsplit

from chains.bitcoin.address import Destination, encode
from chains.bitcoin.params import Params
from chains.bitcoin.tx import TxError, parse
from chains.bitcoin.utxos import HistoryTx
from chains.encoding import bech32_encode, convert_bits
from reserves.errors import ChainError, NodeUnavailableError
from reserves.urls import redact

BCOIN_REGTEST = Params("bitcoin", "regtest", 0x3C, (0x26,), "rb", b"Bitcoin Signed Message:\n")


def node_address(dest: Destination, params: Params, flavor: str) -> str:
    """``dest`` as the node indexes it: bcoin 1.0 writes every witness version in bech32."""
    if flavor == "bcoin" and params.network == "regtest":
        params = BCOIN_REGTEST
    if flavor == "bcoin" and dest.kind not in ("p2pkh", "p2sh", "p2wpkh", "p2wsh"):
        version = 1 if dest.kind == "p2tr" else int(dest.kind.removeprefix("witness-v"))
        return bech32_encode(params.hrp, [version] + convert_bits(dest.program, 8, 5, True), 1)
    return encode(dest, params)


class BcoinRest:
    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        self.shown = redact(url)
        self._auth = None
        if parts.username is not None or parts.password is not None:
            raw = f"{parts.username or ''}:{parts.password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(raw).decode()
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        self.base = urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))
        self.timeout = timeout

    def get(self, path: str):
        req = urllib.request.Request(self.base + path)
        if self._auth:
            req.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            if e.code in (401, 403):
                raise NodeUnavailableError(f"node {self.shown} refused the credentials") from None
            raise ChainError(f"node {self.shown} answered HTTP {e.code} for {path}") from None
        except (socket.timeout, TimeoutError):
            raise NodeUnavailableError(f"node {self.shown} timed out") from None
        except (urllib.error.URLError, OSError) as e:
            raise NodeUnavailableError(f"node {self.shown} is unreachable "
                                       f"({type(e).__name__})") from None
        except json.JSONDecodeError:
            raise NodeUnavailableError(f"node {self.shown} did not answer JSON") from None

    def info(self) -> dict:
        return self.get("/")

    def history(self, address: str) -> list[HistoryTx]:
        out = []
        for t in self.get(f"/tx/address/{quote(address)}"):
            try:
                tx = parse(bytes.fromhex(t["hex"]))
            except (TxError, ValueError, KeyError):
                raise ChainError(f"node {self.shown} sent an unparsable transaction for "
                                 f"{address}") from None
            txid = tx.txid.hex()
            if txid != t.get("hash"):
                raise ChainError(f"node {self.shown}: transaction {t.get('hash')} hashes to "
                                 f"{txid}")
            height = t.get("height")
            out.append(HistoryTx(
                txid, height if isinstance(height, int) and height >= 0 else None,
                [(n, o.script_pubkey, o.value) for n, o in enumerate(tx.outputs)],
                [(i.txid.hex(), i.vout) for i in tx.inputs]))
        return out
