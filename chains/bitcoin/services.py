"""An address-indexed backend through bitcoinlib's service providers.

Each watched address's history comes from ``bitcoinlib.services.services.Service``
driving one of bitcoinlib's provider clients (bcoin's REST API, or an Esplora
API: blockstream, mempool) at the URL the auditor configured. The provider is
defined in a providers file of our own, read once when the services are made
and deleted at once; the user's bitcoinlib config and data dir
(``BCL_DATA_DIR``) are not touched, and bitcoinlib's cache is off (no stale or
foreign chain in the answers).

Nothing bitcoinlib parsed is taken on trust where it counts: every
transaction is re-serialised here from the fields bitcoinlib gives (inputs,
outputs with their scriptPubKeys and satoshis) and must hash to its txid, and
outputs are matched by scriptPubKey, never by bitcoinlib's address strings.
An answer that may be incomplete (the history limit reached, the same
transaction twice, a confirmed transaction without a height, an Esplora
address whose confirmed transaction count differs from the history, any
provider error) gives that address no figure, with the reason.
"""

from __future__ import annotations

import json
import queue
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from chains.bitcoin.merkle import Header, ProofError, check_pow
from chains.bitcoin.tx import Tx, TxIn, TxOut
from chains.bitcoin.utxos import HistoryTx
from reserves.errors import ChainError, NodeUnavailableError
from reserves.urls import redact

# provider -> (bitcoinlib client module, client class, denominator, requests in flight)
CLIENTS = {"bcoin": ("bcoin", "BcoinClient", 100_000_000, 8),
           "blockstream": ("blockstream", "BlockstreamClient", 100_000_000, 2),
           "mempool": ("mempool", "MempoolClient", 1, 2)}
ESPLORA = ("blockstream", "mempool")
# Our network names as bitcoinlib spells them (Bitcoin only: bitcoinlib's other
# networks are not wired here).
NETWORKS = {"mainnet": "bitcoin", "testnet": "testnet", "signet": "signet",
            "regtest": "regtest"}
# Block 0 of each network, so a provider on another network is refused.
GENESIS = {
    "mainnet": {"000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
    "testnet": {"000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",  # 3
                "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"},  # 4
    "signet": {"00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"},
    "regtest": {"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"},
}
MAX_SATS = 21_000_000 * 100_000_000
_DATA_DIR_LOCK = threading.Lock()


def unspent_at(source: ProviderHistory, targets: dict[str, tuple[str, bytes]],
               height: int) -> tuple[dict, dict[str, str]]:
    """For ``targets`` (address -> (as the provider spells it, scriptPubKey)): the outputs
    unspent at ``height`` and, per address whose history failed, why it has no figure."""
    from concurrent.futures import ThreadPoolExecutor

    from chains.bitcoin.utxos import history

    def one(address):
        spelled, script = targets[address]
        try:
            return address, history(source.history(spelled), script, height)
        except HistoryError as e:
            return address, str(e)

    utxos: dict = {}
    failed: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=source.workers) as pool:
        for address, found in pool.map(one, sorted(targets)):
            if isinstance(found, str):
                failed[address] = found
            else:
                utxos.update(found)
    return utxos, failed


class HistoryError(ChainError):
    """This address's history cannot be read completely: no figure for it."""


class _Failed(Exception):
    def __init__(self, errors: dict) -> None:
        super().__init__("provider failed")
        self.errors = errors


def _service_class():
    from bitcoinlib.services.services import Service, ServiceError

    class Strict(Service):
        """bitcoinlib's Service, keeping the provider's own error when it fails."""

        def _provider_execute(self, method, *arguments):
            try:
                result = super()._provider_execute(method, *arguments)
            except ServiceError:
                raise _Failed(dict(self.errors)) from None
            if result is False:
                raise _Failed(dict(self.errors) or {"": "no answer"})
            return result

    return Strict


@contextmanager
def _providers_file(definitions: dict):
    """bitcoinlib reads ``providers.json`` from its data dir: give it ours for a moment."""
    import bitcoinlib.services.services as module

    with tempfile.TemporaryDirectory(prefix="reserves-bcl-") as d, _DATA_DIR_LOCK:
        path = Path(d, "providers.json")
        path.touch(mode=0o600)
        path.write_text(json.dumps(definitions))
        saved = module.BCL_DATA_DIR
        module.BCL_DATA_DIR = d
        try:
            yield
        finally:
            module.BCL_DATA_DIR = saved


def _secrets(url: str, api_key: str) -> list[str]:
    parts = urlsplit(url)
    out = [api_key, parts.password or ""]
    out += [v for _, v in parse_qsl(parts.query)]
    shown = urlsplit(redact(url)).path.split("/")
    out += [seg for seg, s in zip(parts.path.split("/"), shown) if seg != s]
    return sorted({s for s in out if len(s) >= 3}, key=len, reverse=True)


class ProviderHistory:
    """Read-only history, tip and blocks of one provider, through bitcoinlib."""

    def __init__(self, provider: str, url: str, network: str, timeout: float,
                 limit: int, api_key: str = "") -> None:
        module, cls, denominator, self.workers = CLIENTS[provider]
        self.provider = provider
        self.network = network
        self.limit = limit
        self.shown = redact(url)
        self._secrets = _secrets(url, api_key)
        self._timeout = timeout
        parts = urlsplit(url)
        base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))
        self._definition = {"provider": module, "network": NETWORKS[network],
                            "client_class": cls, "provider_coin_id": "", "url": base,
                            "api_key": api_key, "priority": 10, "denominator": denominator,
                            "network_overrides": None, "timeout": timeout}
        self._pool: queue.Queue | None = None

    # --- services and their errors ------------------------------------------------

    def _services(self) -> queue.Queue:
        if self._pool is None:
            cls = _service_class()
            pool: queue.Queue = queue.Queue()
            with _providers_file({"reserves": self._definition}):
                for _ in range(self.workers):
                    try:  # strict=False: in strict mode bitcoinlib rebuilds a P2SH-P2WPKH
                        # scriptSig from the prevout's script hash (Esplora clients), and the
                        # transaction no longer hashes to its txid; we check every txid anyway.
                        pool.put(cls(network=NETWORKS[self.network], provider_name="reserves",
                                     cache_uri="", timeout=self._timeout, max_errors=1,
                                     strict=False))
                    except _Failed as e:
                        raise self._node_error(e.errors, "the tip height") from None
            self._pool = pool
        return self._pool

    @contextmanager
    def _service(self):
        pool = self._services()
        srv = pool.get()
        try:
            yield srv
        finally:
            pool.put(srv)

    def scrub(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "***")
        return " ".join(text.split())[:300]

    def _describe(self, errors: dict) -> str:
        return self.scrub("; ".join(f"{type(e).__name__}: {e}" if isinstance(e, Exception)
                                    else str(e) for e in errors.values()))

    def _unavailable(self, errors: dict) -> NodeUnavailableError | None:
        import requests

        for e in errors.values():
            if isinstance(e, requests.exceptions.Timeout):
                return NodeUnavailableError(f"provider {self.shown} timed out after "
                                            f"{self._timeout:g}s")
            if isinstance(e, requests.exceptions.ConnectionError):
                return NodeUnavailableError(f"provider {self.shown} is unreachable "
                                            f"({type(e).__name__})")
            if isinstance(e, str) and ("response [401]" in e or "response [403]" in e):
                return NodeUnavailableError(f"provider {self.shown} refused the credentials")
        return None

    def _node_error(self, errors: dict, what: str) -> ChainError:
        return self._unavailable(errors) or ChainError(
            f"provider {self.shown} ({self.provider}) could not give {what}: "
            f"{self._describe(errors)}")

    def _history_error(self, errors: dict, what: str) -> ChainError:
        """A provider that is down is NodeUnavailableError; one that answered wrongly
        leaves this address without a figure."""
        return self._unavailable(errors) or HistoryError(
            f"provider {self.provider} {what}: {self._describe(errors)}")

    # --- the chain ------------------------------------------------------------------

    def tip(self) -> int:
        with self._service() as srv:
            try:
                return int(srv.blockcount())
            except _Failed as e:
                raise self._node_error(e.errors, "the tip height") from None

    def block(self, height: int) -> tuple[str, int | None]:
        """(hash, time) of the block at ``height``; its header must hash to it."""
        with self._service() as srv:
            try:
                b = srv.getblock(height, parse_transactions=False, limit=1)
            except _Failed as e:
                raise self._node_error(e.errors, f"block {height}") from None
        if not b or b.height != height:
            raise ChainError(f"provider {self.shown} did not give block {height}")
        raw = (b.version[::-1] + b.prev_block[::-1] + b.merkle_root[::-1]
               + int(b.time).to_bytes(4, "little") + b.bits[::-1] + b.nonce[::-1])
        header = Header(raw)
        try:
            check_pow(header)
        except ProofError as e:
            raise ChainError(f"provider {self.shown}: block {height}: {e}") from None
        if header.hash != b.block_hash.hex():
            raise ChainError(f"provider {self.shown}: the header of block {height} hashes to "
                             f"{header.hash}, not to the hash it gave ({b.block_hash.hex()})")
        return header.hash, int(b.time)

    def network_ok(self) -> bool:
        if self.provider in ESPLORA:  # Esplora's genesis block has no previousblockhash,
            # which bitcoinlib's block reader needs: ask for the hash at height 0 alone.
            try:
                return str(self._call("block-height", "0")).strip() in GENESIS[self.network]
            except _Failed as e:
                raise self._node_error(e.errors, "block 0") from None
        return self.block(0)[0] in GENESIS[self.network]

    def _call(self, *path: str):
        """One GET on the provider through bitcoinlib's own client for it."""
        import importlib

        module, cls, denominator, _ = CLIENTS[self.provider]
        client = getattr(importlib.import_module(f"bitcoinlib.services.{module}"), cls)(
            NETWORKS[self.network], self._definition["url"], denominator,
            self._definition["api_key"], "", None, self._timeout)
        try:
            return client.compose_request(*path)
        except Exception as e:  # noqa: BLE001 (bitcoinlib's ClientError, requests' errors)
            err = getattr(e, "msg", e)
            raise _Failed({"": err}) from None

    # --- histories ------------------------------------------------------------------

    def history(self, address: str) -> list[HistoryTx]:
        """Every transaction of ``address`` (as the provider spells it), or HistoryError."""
        with self._service() as srv:
            try:
                txs = srv.gettransactions(address, limit=self.limit)
            except _Failed as e:
                raise self._history_error(e.errors, "failed") from None
            except Exception as e:  # noqa: BLE001 (bitcoinlib choking on an answer it took)
                raise HistoryError(f"bitcoinlib could not read the provider's answer: "
                                   f"{self._describe({'': e})}") from None
            complete = srv.complete
        if len(txs) >= self.limit or not complete:
            raise HistoryError(f"the history may be incomplete: the provider gave {len(txs)} "
                               f"transaction(s), history_limit is {self.limit}")
        out = [self._checked(t) for t in txs]
        seen = [h.txid for h in out]
        if len(set(seen)) != len(seen):
            raise HistoryError("the provider listed a transaction twice (its paging is not "
                               "to be trusted)")
        if self.provider in ESPLORA:
            self._esplora_count(address, sum(1 for h in out if h.height is not None))
        return out

    def _checked(self, t) -> HistoryTx:
        """bitcoinlib's transaction as ours: re-serialised, and it must hash to its txid."""
        try:
            tx = Tx(int.from_bytes(t.version, "big"),
                    [TxIn(bytes(i.prev_txid), int(i.output_n_int), bytes(i.unlocking_script or b""),
                          int(i.sequence)) for i in t.inputs],
                    [TxOut(o.value, bytes(o.lock_script)) for o in t.outputs], int(t.locktime))
        except (TypeError, ValueError, AttributeError) as e:
            raise HistoryError(f"transaction {t.txid} from the provider cannot be read: "
                               f"{e}") from None
        if any(not isinstance(o.value, int) or not 0 <= o.value <= MAX_SATS for o in tx.outputs):
            raise HistoryError(f"transaction {t.txid} has an output that is not a whole "
                               "number of satoshis")
        if tx.txid.hex() != t.txid:
            raise HistoryError(f"transaction {t.txid} from the provider hashes to "
                               f"{tx.txid.hex()}")
        height = t.block_height
        if height is None or height <= 0:
            if t.status == "confirmed" or (t.confirmations or 0) > 0:
                raise HistoryError(f"transaction {t.txid} is confirmed but has no block height")
            height = None  # unconfirmed: neither counted nor spending
        return HistoryTx(t.txid, height, [(n, o.script_pubkey, o.value)
                                          for n, o in enumerate(tx.outputs)],
                         [] if t.coinbase else [(i.txid.hex(), i.vout) for i in tx.inputs])

    def _esplora_count(self, address: str, confirmed: int) -> None:
        """bitcoinlib's Esplora clients cut histories short (paging, big transactions)
        without saying so: the address's own confirmed transaction count must match."""
        try:
            stats = self._call("address", address)
            expected = int(stats["chain_stats"]["tx_count"])
        except _Failed as e:
            raise self._history_error(e.errors, "gave no transaction count") from None
        except (KeyError, TypeError, ValueError):
            raise HistoryError(f"provider {self.provider} gave no transaction count") from None
        if expected != confirmed:
            raise HistoryError(f"the provider gave {confirmed} confirmed transaction(s), but "
                               f"counts {expected} for the address: the history is incomplete")
