"""Bitcoin-family balances at height H, from a node the auditor chooses, read-only.

Backends (``backend`` in config):

* ``core-rpc``: a Bitcoin Core-compatible node over JSON-RPC. The watched
  outputs unspent at H are rebuilt either by a forward scan of blocks
  ``start_height``..H (any node) or by walking back from the UTXO set at the
  tip to H (Core's ``scantxoutset`` and ``getblock`` verbosity 3); ``scan =
  "auto"`` picks the walk back where the node has both. The node is never
  changed: no ``invalidateblock``, no wallet.
* ``bcoin-rest``: an address index (bcoin's REST API): every watched address's
  history, outputs confirmed at or below H minus spends confirmed at or below H.
* ``bitcoinlib``: the same from bitcoinlib's service providers (``provider``:
  bcoin, or the Esplora APIs blockstream and mempool; chains/bitcoin/services.py).
  An address whose history the provider cannot give completely gets no figure.

With ``verify_proofs`` (on by default with ``core-rpc``, and with ``bitcoinlib``
on provider bcoin, whose JSON-RPC on the same URL serves the proofs), every counted output
is proven: its raw transaction hashes to its txid and is not 64 bytes, its
Merkle proof (``gettxoutproof``) rebuilds its block's Merkle root, and the
headers from its block up to H link with valid proof of work. An output whose
proof fails is not counted: its address gets no figure (amount None), and the
error says which output failed and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from chains.base import ChainAdapter, Progress
from chains.bitcoin.address import AddressError, decode
from chains.bitcoin.merkle import (Header, ProofError, check_chain, check_raw_tx,
                                   verify_merkleblock)
from chains.bitcoin.params import params_for
from chains.bitcoin.rest import BcoinRest, node_address
from chains.bitcoin.rpc import BitcoinRpc, BitcoinRpcError
from chains.bitcoin.settings import NODE_CHAIN, parse
from chains.bitcoin.tx import TxError
from chains.bitcoin.utxos import Utxo, forward, history, walk_back
from reserves.balances import AssetSpec, Balance, BlockRef
from reserves.errors import ChainError, ConfigError, NodeMismatchError, SnapshotError
from reserves.urls import redact

SCAN_CHUNK = 1000


class Adapter(ChainAdapter):
    family = "bitcoin"

    def __init__(self, chain: str, settings: dict) -> None:
        super().__init__(chain, settings)
        self.cfg = parse(chain, settings)
        try:
            self.params = params_for(chain, self.cfg.network)
        except KeyError:
            raise ConfigError(f"chains.{chain}: {chain} on {self.cfg.network} is not a "
                              "Bitcoin-family chain this adapter knows") from None
        self.source = f"bitcoin {self.cfg.backend} {redact(self.cfg.rpc)}"
        self.provider = None
        if self.cfg.backend == "bitcoinlib":
            self._init_provider()
        elif self.cfg.backend == "core-rpc":
            self.rpc = BitcoinRpc(self.cfg.rpc, self.cfg.timeout, self.cfg.batch_size)
            self.rest = None
            self.verify_proofs = self.cfg.verify_proofs is not False
        else:
            if self.cfg.verify_proofs:
                raise ConfigError(f"chains.{chain}.verify_proofs: the bcoin-rest backend "
                                  "cannot serve Merkle proofs; use core-rpc")
            self.rest = BcoinRest(self.cfg.rpc, self.cfg.timeout)
            self.rpc = None
            self.verify_proofs = False
        self._hashes: dict[int, str] = {}
        self._block_params = None  # how this node spells getblock verbosity 2

    def _init_provider(self) -> None:
        from chains.bitcoin.services import NETWORKS, ProviderHistory

        cfg, where = self.cfg, f"chains.{self.chain}"
        if self.chain != "bitcoin" or cfg.network not in NETWORKS:
            raise ConfigError(f"{where}.backend: the bitcoinlib backend reads Bitcoin only, "
                              f"not {self.chain} on {cfg.network}")
        self.source = f"bitcoin bitcoinlib-{cfg.provider} {redact(cfg.rpc)}"
        self.provider = ProviderHistory(cfg.provider, cfg.rpc, cfg.network, cfg.timeout,
                                        cfg.history_limit, cfg.api_key)
        self.rest = None
        if cfg.provider == "bcoin" and cfg.verify_proofs is not False:
            # bcoin serves its JSON-RPC on the REST URL: proofs and headers come from there.
            self.rpc = BitcoinRpc(cfg.rpc, cfg.timeout, cfg.batch_size)
            self.verify_proofs = True
        elif cfg.verify_proofs:
            raise ConfigError(f"{where}.verify_proofs: with the bitcoinlib backend only "
                              f"provider bcoin serves Merkle proofs; {cfg.provider} does not "
                              "here (set verify_proofs = false, or use core-rpc)")
        else:
            self.rpc = None
            self.verify_proofs = False

    # --- the pinned block -------------------------------------------------------

    def pin(self, height: int, expected_hash: str | None = None) -> BlockRef:
        if self.provider is not None:
            return self._pin_provider(height, expected_hash)
        if self.rest is not None:
            info = self.rest.info()
            chain = (info.get("network") or "").lower()
            tip = int(info.get("chain", {}).get("height", -1))
        else:
            info = self.rpc.call("getblockchaininfo")
            chain = str(info.get("chain", "")).lower()
            tip = int(info.get("blocks", -1))
        if chain not in NODE_CHAIN[self.cfg.network]:
            raise NodeMismatchError(f"node {redact(self.cfg.rpc)} serves {chain!r}, the config "
                                    f"says {self.cfg.network}")
        if height > tip:
            raise SnapshotError(f"node {redact(self.cfg.rpc)} is at block {tip}, behind the "
                                f"snapshot height {height}")
        self._final(height, tip, f"node {redact(self.cfg.rpc)}")
        if self.rest is not None:
            block = self.rest.get(f"/block/{height}")
            block_hash, timestamp = block["hash"], block.get("time")
        else:
            block_hash = self.rpc.call("getblockhash", height)
            timestamp = self.rpc.call("getblockheader", block_hash).get("time")
        return self._pinned(height, block_hash, timestamp, expected_hash)

    def _final(self, height: int, tip: int, node: str) -> None:
        """Refuse a height fewer than ``confirmations`` blocks below the tip: a reorg
        could still replace it, and every balance read at it."""
        need = self.cfg.confirmations
        if tip - height < need:
            raise SnapshotError(f"block {height} is not final: {tip - height} block(s) above it "
                                f"on {node} (tip {tip}), {need} required (chains.{self.chain}"
                                ".confirmations)")

    def _pinned(self, height, block_hash, timestamp, expected_hash) -> BlockRef:
        if expected_hash is not None and block_hash != expected_hash.lower():
            raise NodeMismatchError(f"block {height} is {block_hash} on {redact(self.cfg.rpc)}, "
                                    f"not the pinned {expected_hash}: the chain under the "
                                    "snapshot changed (a reorg)")
        self._hashes[height] = block_hash
        return BlockRef(self.chain, height, block_hash, timestamp)

    def _pin_provider(self, height: int, expected_hash: str | None) -> BlockRef:
        tip = self.provider.tip()
        if not self.provider.network_ok():
            raise NodeMismatchError(f"provider {redact(self.cfg.rpc)} serves a chain whose "
                                    f"block 0 is not {self.cfg.network}'s, the config says "
                                    f"{self.cfg.network}")
        if height > tip:
            raise SnapshotError(f"provider {redact(self.cfg.rpc)} is at block {tip}, behind "
                                f"the snapshot height {height}")
        self._final(height, tip, f"provider {redact(self.cfg.rpc)}")
        block_hash, timestamp = self.provider.block(height)
        return self._pinned(height, block_hash, timestamp, expected_hash)

    # --- balances ---------------------------------------------------------------

    def read_balances(self, addresses: Sequence[str], assets: Sequence[AssetSpec],
                      block: BlockRef, progress: Progress | None = None) -> list[Balance]:
        scripts: dict[str, bytes] = {}
        dests = {}
        errors: dict[str, str] = {}
        for a in addresses:
            try:
                dests[a] = decode(a, self.params)
                scripts[a] = dests[a].script_pubkey()
            except AddressError as e:
                errors[a] = f"address does not decode: {e}"
        native = [s for s in assets if s.contract is None]
        watched = set(scripts.values())
        if self.provider is not None:
            from chains.bitcoin.services import unspent_at

            flavor = "bcoin" if self.cfg.address_format == "bcoin" else "core"
            utxos, failed = unspent_at(self.provider, {
                a: (node_address(d, self.params, flavor), scripts[a]) for a, d in dests.items()},
                block.height)
            errors.update(failed)
            method = f"bitcoinlib-{self.cfg.provider}-history"
        elif self.rest is not None:
            utxos = self._history(dests, scripts, block)
            method = "bcoin-rest-history"
        else:
            utxos, method = self._scan(watched, block)
        proven: dict[tuple[str, int], str | None] = {}
        if self.verify_proofs and utxos:
            proven = self._prove(utxos, block)
        by_script: dict[bytes, list[Utxo]] = defaultdict(list)
        for u in utxos.values():
            by_script[u.script].append(u)
        out = []
        for a in addresses:
            for spec in assets:
                if spec not in native:
                    out.append(self._balance(a, spec, block, None, method,
                                             error=f"{self.chain} holds only its native coin"))
                    continue
                if a in errors:
                    out.append(self._balance(a, spec, block, None, method, error=errors[a]))
                    continue
                mine = by_script.get(scripts[a], [])
                if not self.verify_proofs:
                    out.append(self._balance(a, spec, block, sum(u.value for u in mine), method))
                    continue
                bad = [(u, proven.get((u.txid, u.vout))) for u in mine
                       if proven.get((u.txid, u.vout))]
                good = sum(u.value for u in mine if not proven.get((u.txid, u.vout)))
                if bad:
                    # No figure: a balance that leaves out an output the node claims is
                    # not this address's balance at H (Balance.error means amount None).
                    u, why = bad[0]
                    out.append(self._balance(
                        a, spec, block, None, method, False,
                        f"{len(bad)} output(s) not counted: {u.txid}:{u.vout}: {why} "
                        f"(the {len(mine) - len(bad)} proven output(s) hold {good} sat)"))
                else:
                    out.append(self._balance(a, spec, block, good, method, True))
            if progress:
                progress(len(assets))
        return out

    def _balance(self, address, spec, block, amount, method, proven=None, error=""):
        return Balance(self.chain, address, spec.symbol, amount, spec.decimals, block.height,
                       block.hash, self.source, method, proven, error)

    def _getblocks(self, hashes: list[str]) -> list[dict]:
        """getblock with transaction details: verbosity 2 on Core, (true, true) on bcoin."""
        if self._block_params is None and hashes:
            try:
                self.rpc.call("getblock", hashes[0], 2)
                self._block_params = [2]
            except BitcoinRpcError:
                self._block_params = [True, True]
        return self.rpc.batch("getblock", [[h, *self._block_params] for h in hashes])

    def _block_hashes(self, heights: list[int]) -> list[str]:
        missing = [h for h in heights if h not in self._hashes]
        for h, bh in zip(missing, self.rpc.batch("getblockhash", [[h] for h in missing])):
            self._hashes[h] = bh
        return [self._hashes[h] for h in heights]

    def _capabilities(self, block: BlockRef) -> tuple[bool, bool]:
        try:
            self.rpc.call("scantxoutset", "status")
            scan = True
        except BitcoinRpcError:
            scan = False
        try:
            b = self.rpc.call("getblock", block.hash, 3)
            prevouts = isinstance(b, dict) and all(
                "prevout" in vin for tx in b.get("tx", [])[1:] for vin in tx.get("vin", []))
            prevouts = prevouts and isinstance(b.get("tx", [None])[0], dict)
        except BitcoinRpcError:
            prevouts = False
        return scan, prevouts

    def _scan(self, watched: set[bytes], block: BlockRef):
        mode = self.cfg.scan
        if mode == "auto":
            scan, prevouts = self._capabilities(block)
            mode = "walk-back" if scan and prevouts else "forward"
        if mode == "walk-back":
            return self._walk_back(watched, block), "utxo-walk-back"
        return self._forward(watched, block), "utxo-forward-scan"

    def _forward(self, watched: set[bytes], block: BlockRef) -> dict:
        start = self.cfg.start_height
        if start > block.height:
            raise ConfigError(f"chains.{self.chain}.start_height {start} is above the snapshot "
                              f"height {block.height}")
        utxos: dict = {}
        previous = None
        for lo in range(start, block.height + 1, self.cfg.batch_size):
            heights = list(range(lo, min(lo + self.cfg.batch_size, block.height + 1)))
            hashes = self._block_hashes(heights)
            blocks = self._getblocks(hashes)
            for h, bh, b in zip(heights, hashes, blocks):
                if b.get("hash") != bh or b.get("height") != h:
                    raise NodeMismatchError(f"the node changed block {h} during the scan")
                if previous is not None and b.get("previousblockhash") != previous:
                    raise NodeMismatchError(f"block {h} does not follow block {h - 1}: the "
                                            "chain changed during the scan")
                previous = bh
            utxos = forward(blocks, watched, utxos)
        if previous != block.hash:
            raise NodeMismatchError(f"the scan ended at {previous}, not at the pinned block")
        return utxos

    def _walk_back(self, watched: set[bytes], block: BlockRef) -> dict:
        tip_utxos: dict = {}
        best = None
        scripts = sorted(watched)
        for attempt in range(3):
            tip_utxos, bests = {}, set()
            for i in range(0, len(scripts), SCAN_CHUNK):
                descriptors = [f"raw({s.hex()})" for s in scripts[i:i + SCAN_CHUNK]]
                result = self.rpc.call("scantxoutset", "start", descriptors)
                if not result or not result.get("success", True):
                    raise ChainError("scantxoutset did not complete")
                bests.add((result["bestblock"], int(result["height"])))
                for u in result.get("unspents", []):
                    from chains.bitcoin.rpc import sats

                    script = bytes.fromhex(u["scriptPubKey"])
                    tip_utxos[(u["txid"], u["vout"])] = Utxo(u["txid"], u["vout"], script,
                                                              sats(u["amount"]),
                                                              int(u["height"]))
            if len(bests) == 1:
                best = bests.pop()
                break
        if best is None:
            raise NodeMismatchError("the tip moved during every scantxoutset attempt")
        tip_hash, tip_height = best
        if tip_height < block.height:
            raise SnapshotError(f"scantxoutset ran at height {tip_height}, below the snapshot")
        heights = list(range(block.height + 1, tip_height + 1))
        hashes = self._block_hashes(heights) if heights else []
        if hashes and hashes[-1] != tip_hash:
            raise NodeMismatchError("the tip moved between scantxoutset and the walk back")
        blocks = []
        for i in range(0, len(hashes), self.cfg.batch_size):
            blocks += self.rpc.batch("getblock", [[h, 3] for h in hashes[i:i + self.cfg.batch_size]])
        chain = [block.hash] + hashes
        for b, h, prev in zip(blocks, hashes, chain):
            if b.get("hash") != h or b.get("previousblockhash") != prev:
                raise NodeMismatchError(f"block {b.get('height')} does not follow the pinned "
                                        "block: the chain changed during the walk back")
        return walk_back(tip_utxos, reversed(blocks), watched)

    def _history(self, dests: dict, scripts: dict[str, bytes], block: BlockRef) -> dict:
        flavor = "bcoin" if self.cfg.address_format == "bcoin" else "core"
        targets = {scripts[a]: node_address(d, self.params, flavor) for a, d in dests.items()}
        utxos: dict = {}

        def one(item):
            script, address = item
            return history(self.rest.history(address), script, block.height)

        with ThreadPoolExecutor(max_workers=8) as pool:
            for found in pool.map(one, sorted(targets.items())):
                utxos.update(found)
        return utxos

    # --- proofs -----------------------------------------------------------------

    def _prove(self, utxos: dict, block: BlockRef) -> dict[tuple[str, int], str | None]:
        """Per counted output, None when proven, else why not."""
        result: dict[tuple[str, int], str | None] = {}
        heights = sorted({u.height for u in utxos.values()})
        hashes = dict(zip(heights, self._block_hashes(heights)))
        txids = sorted({(u.txid, u.height) for u in utxos.values()})
        raws = self.rpc.batch("getrawtransaction", [[t, False] for t, _ in txids])
        proofs = self.rpc.batch("gettxoutproof", [[[t], hashes[h]] for t, h in txids])
        tx_problem: dict[str, str | None] = {}
        parsed = {}
        for (txid, height), raw, proof in zip(txids, raws, proofs):
            try:
                tx = check_raw_tx(bytes.fromhex(raw), txid)
                header, matched = verify_merkleblock(bytes.fromhex(proof))
                if txid not in matched:
                    raise ProofError("the Merkle proof does not include the transaction")
                if header.hash != hashes[height]:
                    raise ProofError(f"the Merkle proof is for block {header.hash}, not the "
                                     f"block at height {height}")
                tx_problem[txid] = None
                parsed[txid] = tx
            except (ProofError, TxError, ValueError) as e:
                tx_problem[txid] = str(e)
        for key, u in utxos.items():
            problem = tx_problem.get(u.txid)
            if problem is None:
                out = parsed[u.txid].outputs
                if u.vout >= len(out) or out[u.vout].value != u.value or \
                        out[u.vout].script_pubkey != u.script:
                    problem = "the output differs from what the node reported"
            result[key] = problem
        self._check_headers(min(heights), block)
        return result

    def _check_headers(self, low: int, block: BlockRef) -> None:
        heights = list(range(max(low - 1, 0), block.height + 1))
        hashes = self._block_hashes(heights)
        raws = []
        for i in range(0, len(hashes), self.cfg.batch_size):
            raws += self.rpc.batch("getblockheader", [[h, False] for h in
                                                      hashes[i:i + self.cfg.batch_size]])
        headers = [Header(bytes.fromhex(r)) for r in raws]
        try:
            check_chain(headers)
        except ProofError as e:
            raise NodeMismatchError(f"headers up to the snapshot do not chain: {e}") from None
        if headers[-1].hash != block.hash or [h.hash for h in headers] != hashes:
            raise NodeMismatchError("the node's headers do not hash to the block hashes it "
                                    "reported")
