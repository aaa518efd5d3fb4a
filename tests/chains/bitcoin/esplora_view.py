"""An Esplora-format view of the real bcoin regtest node, for bitcoinlib's Esplora clients.

No Esplora server (electrs) can be installed here. This test server answers
the Esplora REST paths bitcoinlib's blockstream and mempool clients call, in
Esplora's documented JSON format, with data read live from the bcoin node:
transactions from bcoin's address index (our own parse of their raw bytes),
heights and blocks from bcoin, spends from bcoin's UTXO set. It is a
translator of the provider's format, not a model of our logic; ``alter(path,
body)`` may change an answer to play a provider that cuts or bends histories.

Paths: blocks/tip/height, block-height/H, block/HASH, block/HASH/txs[/START],
address/A, address/A/txs, address/A/txs/chain[/LAST_TXID], tx/TXID,
tx/TXID/outspend/N. Histories list mempool transactions first, then confirmed
ones newest first, 25 to a page, as Esplora does.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from chains.bitcoin.address import decode
from chains.bitcoin.params import params_for
from chains.bitcoin.rest import node_address
from chains.bitcoin.tx import parse

PAGE = 25
REGTEST = params_for("bitcoin", "regtest")


class EsploraView:
    def __init__(self, bcoin_url: str, alter: Callable[[str, object], object] | None = None):
        parts = urlsplit(bcoin_url)
        self.base = f"http://{parts.hostname}:{parts.port}"
        self.auth = "Basic " + base64.b64encode(
            f"{parts.username}:{parts.password}".encode()).decode()
        self.alter = alter or (lambda path, body: body)
        view = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                try:
                    body = view.alter(self.path, view.answer(self.path.split("?")[0]))
                    status = 200 if body is not None else 404
                except LookupError:
                    status, body = 404, None
                if isinstance(body, (dict, list)):
                    data, kind = json.dumps(body).encode(), "application/json"
                else:
                    data, kind = str(body if body is not None else "not found").encode(), \
                        "text/plain; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- bcoin ----------------------------------------------------------------------

    def _bcoin(self, path: str):
        req = urllib.request.Request(self.base + path, headers={"Authorization": self.auth})
        try:
            with urllib.request.urlopen(req) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            if e.code == 404:
                raise LookupError(path) from None
            raise

    def _history(self, address: str) -> list[dict]:
        spelled = node_address(decode(address, REGTEST), REGTEST, "bcoin")
        txs = self._bcoin(f"/tx/address/{spelled}")
        unconfirmed = [t for t in txs if t["height"] < 0]
        confirmed = sorted((t for t in txs if t["height"] >= 0),
                           key=lambda t: (t["height"], t["index"]), reverse=True)
        return unconfirmed + confirmed

    def _tx(self, t: dict) -> dict:
        raw = bytes.fromhex(t["hex"])
        tx = parse(raw)
        base = len(tx.serialize(witness=False))
        coinbase = not tx.inputs[0].txid.strip(b"\0") and tx.inputs[0].vout == 0xFFFFFFFF
        vin = []
        for i, (inp, meta) in enumerate(zip(tx.inputs, t["inputs"])):
            coin = meta.get("coin")
            vin.append({"txid": inp.txid.hex(), "vout": inp.vout, "is_coinbase": coinbase,
                        "prevout": None if coinbase else
                        {"scriptpubkey": coin["script"], "value": coin["value"]},
                        "scriptsig": inp.script_sig.hex(), "sequence": inp.sequence,
                        "witness": [w.hex() for w in inp.witness]})
        status = {"confirmed": t["height"] >= 0}
        if t["height"] >= 0:
            status.update(block_height=t["height"], block_hash=t["block"],
                          block_time=t["time"])
        return {"txid": t["hash"], "version": tx.version, "locktime": tx.locktime,
                "vin": vin,
                "vout": [{"scriptpubkey": o.script_pubkey.hex(), "value": o.value}
                         for o in tx.outputs],
                "size": len(raw), "weight": base * 3 + len(raw), "fee": t.get("fee", 0),
                "status": status}

    # --- Esplora paths ----------------------------------------------------------------

    def answer(self, path: str):
        p = path.strip("/").split("/")
        if p == ["blocks", "tip", "height"]:
            return self._bcoin("/")["chain"]["height"]
        if p[0] == "block-height" and len(p) == 2:
            return self._bcoin(f"/block/{int(p[1])}")["hash"]
        if p[0] == "block" and len(p) == 2:
            b = self._bcoin(f"/block/{p[1]}")
            out = {"id": b["hash"], "height": b["height"], "version": b["version"],
                   "timestamp": b["time"], "tx_count": len(b["txs"]), "bits": b["bits"],
                   "nonce": b["nonce"], "merkle_root": b["merkleRoot"]}
            if b["height"] > 0:  # Esplora leaves it out of the genesis block
                out["previousblockhash"] = b["prevBlock"]
            return out
        if p[0] == "block" and len(p) in (3, 4) and p[2] == "txs":
            b = self._bcoin(f"/block/{p[1]}")
            start = int(p[3]) if len(p) == 4 else 0
            return [{"txid": t["hash"]} for t in b["txs"][start:start + PAGE]]
        if p[0] == "address" and len(p) == 2:
            return self._stats(p[1])
        if p[0] == "address" and p[2:3] == ["txs"]:
            history = self._history(p[1])
            unconfirmed = [t for t in history if t["height"] < 0]
            confirmed = [t for t in history if t["height"] >= 0]
            if len(p) == 3:
                page = unconfirmed[:50] + confirmed[:PAGE]
            elif p[3] == "chain" and len(p) in (4, 5):
                start = 0
                if len(p) == 5:
                    start = [t["hash"] for t in confirmed].index(p[4]) + 1
                page = confirmed[start:start + PAGE]
            else:
                return None
            return [self._tx(t) for t in page]
        if p[0] == "tx" and len(p) == 2:
            return self._tx(self._bcoin(f"/tx/{p[1]}"))
        if p[0] == "tx" and len(p) == 4 and p[2] == "outspend":
            try:
                self._bcoin(f"/coin/{p[1]}/{int(p[3])}")
                return {"spent": False}
            except LookupError:
                return {"spent": True}
        return None

    def _stats(self, address: str) -> dict:
        script = decode(address, REGTEST).script_pubkey().hex()

        def stats(txs):
            funded = [o for t in txs for o in parse(bytes.fromhex(t["hex"])).outputs
                      if o.script_pubkey.hex() == script]
            spent = [i["coin"] for t in txs for i in t["inputs"]
                     if i.get("coin") and i["coin"]["script"] == script]
            return {"funded_txo_count": len(funded),
                    "funded_txo_sum": sum(o.value for o in funded),
                    "spent_txo_count": len(spent),
                    "spent_txo_sum": sum(c["value"] for c in spent), "tx_count": len(txs)}

        history = self._history(address)
        return {"address": address,
                "chain_stats": stats([t for t in history if t["height"] >= 0]),
                "mempool_stats": stats([t for t in history if t["height"] < 0])}
