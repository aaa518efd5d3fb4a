"""The demo exchange on local nodes: the on-chain state behind examples/demo/claims.csv.

``build(bcoin, anvil, surfpool)`` makes, on three fresh local nodes (started by
tests/nodes), what the demo exchange's published claims describe: BTC on a hot
wallet, a 2-of-3 multisig and an unsigned legacy address (bcoin regtest); ETH on
a hot wallet and a real Safe 1.4.1 (the Safe contracts from npm, made through the
real proxy factory: tests/nodes/safe.py), USDT on the hot wallet and on an
address whose proof is signed by the wrong key (anvil); SOL on a signed and an
unsigned address and USDT as an SPL token (Surfpool). Tron has no local node, so
the Tron USDT rows stay unobserved. Every balance is made by real transactions
whose amounts are the constants below, so a test knows every figure at the
snapshot without asking a node. After the snapshot every chain moves money in
and out of the claimed addresses; ``move_after`` does it again on demand.

``write_config(folder, demo)`` writes an audit config for the live nodes next
to copies of claims.csv and liabilities.json. Used by tests/test_end_to_end.py
and examples/demo/record.py (this file runs from the checkout: it uses the test
helpers in tests/, which the installed package never needs).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from chains.bitcoin.address import Destination, encode
from chains.bitcoin.params import params_for
from chains.bitcoin.rest import BCOIN_REGTEST
from chains.bitcoin.settings import CONFIRMATIONS
from chains.bitcoin.tx import TxOut
from chains.hashes import hash160
from chains.signers import Ed25519Key, Secp256k1Key, multisig_script, secret
from examples.demo.make_claims import (MESSAGE, SAFE_SALT, SAFE_THRESHOLD, SEED, key,
                                       safe_address, safe_owners)
from tests.chains.bitcoin.wallet import Coin, p2pkh_script, spend

HERE = Path(__file__).resolve().parent
REGTEST = params_for("bitcoin", "regtest")
BTC = 100_000_000
ETH = 10**18
SOL = 10**9
USDT = 10**6
FEE = 10_000  # satoshis per Bitcoin transaction

# What each claimed address holds at the snapshot (base units), made by the
# transactions below. The claims (make_claims.py) say the same amounts.
BTC_HOT = 150_000_000            # key 1, P2WPKH, signed
BTC_COLD = 2_500_000_000         # keys 2, 3, 4, 2-of-3 P2WSH, signed by 2 and 4
BTC_LEGACY = 40_000_000          # key 5, P2PKH, unsigned
ETH_HOT = 120 * ETH              # key 10, signed
ETH_SAFE = 40 * ETH              # Safe 1.4.1 owned by keys 11 and 12 (threshold 2), both signed
USDT_ETH_HOT = 3_000_000 * USDT  # key 10, signed
USDT_ETH_WRONG = 500_000 * USDT  # key 14, signed by key 15
SOL_HOT = 9000 * SOL             # key 30, signed
SOL_UNSIGNED = 1000 * SOL        # key 31, unsigned
USDT_SOL_HOT = 1_500_000 * USDT  # key 30's USDT (SPL) token account, signed

BITCOIN_USER_ENV = "DEMO_BITCOIN_RPC_USER"
BITCOIN_PASSWORD_ENV = "DEMO_BITCOIN_RPC_PASSWORD"


def miner() -> Secp256k1Key:
    return Secp256k1Key(secret(SEED, 50))


def customer() -> Secp256k1Key:
    """Someone the exchange pays after the snapshot (never claimed)."""
    return Secp256k1Key(secret(SEED, 51))


def sol_key(i: int) -> Ed25519Key:
    return Ed25519Key(secret(SEED, i))


@dataclass
class Demo:
    bitcoin_height: int = 0
    bitcoin_hash: str = ""
    bitcoin_start: int = 0
    ethereum_block: int = 0
    ethereum_hash: str = ""
    solana_slot: int = 0
    usdt_contract: str = ""
    usdt_mint: str = ""
    urls: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    """Environment the config's *_env keys name (the bcoin API key)."""
    nodes: dict = field(default_factory=dict)
    moved: dict[str, int] = field(default_factory=dict)
    """How many rounds of after-snapshot transactions each chain has seen."""
    handles: dict = field(default_factory=dict)
    """Coins and contracts the after-snapshot rounds spend from and call."""


# --- Bitcoin (bcoin regtest) ---------------------------------------------------------

def _btc_script(kind: str, keys, script=None) -> bytes:
    return Coin(b"", 0, 0, kind, keys, script).script_pubkey


def _cold():
    keys = [key(2), key(3), key(4)]
    return keys, multisig_script(keys, 2)


def _coinbase(node, height: int) -> Coin:
    block = node.call("getblock", node.call("getblockhash", height), True)
    return Coin(bytes.fromhex(block["tx"][0]), 0, 50 * BTC, "p2pkh", [miner()])


def _mine(node, n: int = 1) -> list[str]:
    address = encode(Destination("p2pkh", hash160(miner().pub())), BCOIN_REGTEST)
    return node.call("generatetoaddress", n, address)


def build_bitcoin(node, demo: Demo) -> None:
    _mine(node, 450)  # coinbase maturity, and segwit active on bcoin regtest (~432)
    hot = key(1)
    legacy = key(5)
    cold_keys, cold_script = _cold()
    f1 = spend([_coinbase(node, 1)],
               [TxOut(BTC_HOT, _btc_script("p2wpkh", [hot])),
                TxOut(BTC_LEGACY, _btc_script("p2pkh", [legacy])),
                TxOut(50 * BTC - BTC_HOT - BTC_LEGACY - FEE, p2pkh_script(miner()))])
    node.call("sendrawtransaction", f1.serialize().hex())
    _mine(node)
    demo.bitcoin_start = node.call("getblockcount")
    f2 = spend([_coinbase(node, 2)],
               [TxOut(BTC_COLD, _btc_script("p2wsh-multisig", cold_keys, cold_script)),
                TxOut(50 * BTC - BTC_COLD - FEE, p2pkh_script(miner()))])
    node.call("sendrawtransaction", f2.serialize().hex())
    (demo.bitcoin_hash,) = _mine(node)
    demo.bitcoin_height = node.call("getblockcount")
    demo.nodes["bitcoin"] = node
    demo.urls["bitcoin"] = f"http://127.0.0.1:{node.port}"
    demo.env = {BITCOIN_USER_ENV: "x", BITCOIN_PASSWORD_ENV: node_api_key()}
    demo.handles["btc-hot"] = Coin(f1.txid, 0, BTC_HOT, "p2wpkh", [hot])
    demo.handles["btc-legacy"] = Coin(f1.txid, 1, BTC_LEGACY, "p2pkh", [legacy])
    _bitcoin_after(demo)


def node_api_key() -> str:
    from tests.nodes.bcoin import API_KEY

    return API_KEY


def _bitcoin_after(demo: Demo) -> None:
    """After H: the hot wallet pays a customer, the legacy coin sweeps to the multisig,
    fresh coins arrive on the hot wallet; then enough blocks that H is final (the
    adapter's default depth)."""
    node = demo.nodes["bitcoin"]
    n = demo.moved.get("bitcoin", 0)
    cold_keys, cold_script = _cold()
    hot = key(1)
    outs = []
    if n == 0:
        coins = [demo.handles["btc-hot"], demo.handles["btc-legacy"]]
        pay = 70_000_000
        outs = [TxOut(pay, p2pkh_script(customer())),
                TxOut(BTC_LEGACY, _btc_script("p2wsh-multisig", cold_keys, cold_script)),
                TxOut(BTC_HOT - pay - FEE, _btc_script("p2wpkh", [hot]))]
        tx = spend(coins, outs)
        node.call("sendrawtransaction", tx.serialize().hex())
    deposit = spend([_coinbase(node, 3 + n)],
                    [TxOut(BTC, _btc_script("p2wpkh", [hot])),
                     TxOut(49 * BTC - FEE, p2pkh_script(miner()))])
    node.call("sendrawtransaction", deposit.serialize().hex())
    _mine(node, CONFIRMATIONS)
    demo.moved["bitcoin"] = n + 1


# --- Ethereum (anvil) -----------------------------------------------------------------

def _signed(anvil, k: Secp256k1Key, tx: dict) -> dict:
    """Send ``tx`` signed by our own key ``k``; return its receipt."""
    w3 = anvil.w3
    tx = dict(tx, nonce=w3.eth.get_transaction_count(k.evm_address()), chainId=w3.eth.chain_id,
              gasPrice=2 * w3.eth.gas_price)
    tx.setdefault("gas", 3_000_000)
    raw = w3.eth.account.sign_transaction(tx, k.private.secret).raw_transaction
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(raw))
    if receipt.status != 1:
        raise RuntimeError(f"demo transaction reverted: {tx}")
    return receipt


def build_ethereum(anvil, demo: Demo) -> None:
    from tests.nodes.safe import SafeKit

    w3 = anvil.w3
    anvil.install_multicall()
    usdt = anvil.deploy("TestToken", "USDT", 6)
    demo.usdt_contract = usdt.address
    kit = SafeKit(anvil)  # Safe 1.4.1 (and 1.3.0) at their canonical addresses
    safe = kit.create([o.evm_address() for o in safe_owners()], SAFE_THRESHOLD,
                      salt=SAFE_SALT)
    if safe.address != safe_address():
        raise RuntimeError(f"the demo Safe landed at {safe.address}, not {safe_address()}")
    hot, wrong = key(10).evm_address(), key(14).evm_address()
    anvil.send_eth(hot, ETH_HOT)
    anvil.send_eth(safe.address, ETH_SAFE)
    anvil.transact(usdt.functions.mint(hot, USDT_ETH_HOT))
    anvil.transact(usdt.functions.mint(wrong, USDT_ETH_WRONG))
    demo.ethereum_block = w3.eth.block_number
    demo.ethereum_hash = w3.eth.get_block(demo.ethereum_block)["hash"].to_0x_hex()
    demo.nodes["ethereum"] = anvil
    demo.urls["ethereum"] = anvil.url
    demo.handles["usdt"], demo.handles["safe"], demo.handles["kit"] = usdt, safe, kit
    _ethereum_after(demo)


def _ethereum_after(demo: Demo) -> None:
    """After N: the hot wallet pays out ETH and USDT (signed by its own key); the first
    time, the Safe's owners hand it to the customer (its own transactions, signed by
    keys 11 and 12), later the customer pays itself from it; deposits arrive; then 80
    blocks so that N is final."""
    anvil = demo.nodes["ethereum"]
    usdt, safe, kit = demo.handles["usdt"], demo.handles["safe"], demo.handles["kit"]
    n = demo.moved.get("ethereum", 0)
    hot = key(10)
    out = customer().evm_address()
    _signed(anvil, hot, {"to": out, "value": 30 * ETH, "gas": 21_000})
    pay_usdt = usdt.functions.transfer(out, 1_000_000 * USDT)._encode_transaction_data()
    _signed(anvil, hot, {"to": usdt.address, "value": 0, "data": pay_usdt})
    if n == 0:
        first, second = (o.evm_address() for o in safe_owners())
        kit.call_self(safe, safe_owners(), "addOwnerWithThreshold", out, 1)
        kit.call_self(safe, [customer()], "removeOwner", out, first, 1)
        kit.call_self(safe, [customer()], "removeOwner", out, second, 1)
    else:
        kit.execute(safe, [customer()], out, b"", value=ETH)
    anvil.send_eth(safe.address, 5 * ETH)
    anvil.transact(usdt.functions.mint(key(14).evm_address(), 200_000 * USDT + n))
    anvil.mine(80)  # anvil's finalized block trails its tip by 64
    demo.moved["ethereum"] = n + 1


# --- Solana (Surfpool) ----------------------------------------------------------------

class _Solana:
    def __init__(self, node) -> None:
        from solana.rpc.async_api import AsyncClient

        self.node = node
        self.loop = asyncio.new_event_loop()
        self.client = AsyncClient(node.url)

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def slot(self, commitment) -> int:
        return self.run(self.client.get_slot(commitment)).value

    def send(self, instructions, signers=()) -> int:
        """Send one transaction paid by the node's payer; return its slot once confirmed."""
        from solana.rpc.commitment import Confirmed
        from solders.message import Message
        from solders.transaction import Transaction

        payer = self.node.payer
        blockhash = self.run(self.client.get_latest_blockhash()).value.blockhash
        tx = Transaction([payer, *signers], Message(instructions, payer.pubkey()), blockhash)
        sig = self.run(self.client.send_transaction(tx)).value
        self.run(self.client.confirm_transaction(sig, Confirmed))
        status = self.run(self.client.get_signature_statuses([sig])).value[0]
        if status is None or status.err is not None:
            raise RuntimeError(f"demo Solana transaction failed: {status}")
        return status.slot

    def airdrop(self, to, lamports: int) -> None:
        from solana.rpc.commitment import Confirmed

        sig = self.run(self.client.request_airdrop(to, lamports)).value
        self.run(self.client.confirm_transaction(sig, Confirmed))

    def close(self) -> None:
        self.run(self.client.close())
        self.loop.close()


def _sol_parts():
    from solders.keypair import Keypair

    return (Keypair.from_seed(secret(SEED, 30)), Keypair.from_seed(secret(SEED, 31)),
            Keypair.from_seed(secret(SEED, 32)))


def build_solana(node, demo: Demo) -> None:
    from solana.rpc.commitment import Confirmed, Finalized
    from solders.system_program import (CreateAccountParams, TransferParams, create_account,
                                        transfer)
    from spl.token import instructions as spl
    from spl.token.constants import TOKEN_PROGRAM_ID
    from spl.token.models import InitializeMint2Params, MintToParams

    chain = _Solana(node)
    try:
        hot, unsigned, mint = _sol_parts()
        assert str(hot.pubkey()) == sol_key(30).address
        payer = node.payer.pubkey()
        chain.airdrop(payer, SOL_HOT + SOL_UNSIGNED + 1000 * SOL)
        rent = chain.run(chain.client.get_minimum_balance_for_rent_exemption(82)).value
        chain.send([create_account(CreateAccountParams(from_pubkey=payer,
                                                       to_pubkey=mint.pubkey(), lamports=rent,
                                                       space=82, owner=TOKEN_PROGRAM_ID)),
                    spl.initialize_mint2(InitializeMint2Params(
                        decimals=6, program_id=TOKEN_PROGRAM_ID, mint=mint.pubkey(),
                        mint_authority=payer))], [mint])
        demo.usdt_mint = str(mint.pubkey())
        ata = spl.get_associated_token_address(hot.pubkey(), mint.pubkey())
        chain.send([transfer(TransferParams(from_pubkey=payer, to_pubkey=hot.pubkey(),
                                            lamports=SOL_HOT)),
                    transfer(TransferParams(from_pubkey=payer, to_pubkey=unsigned.pubkey(),
                                            lamports=SOL_UNSIGNED))])
        demo.solana_slot = chain.send([
            spl.create_associated_token_account(payer, hot.pubkey(), mint.pubkey()),
            spl.mint_to(MintToParams(program_id=TOKEN_PROGRAM_ID, mint=mint.pubkey(),
                                     dest=ata, mint_authority=payer, amount=USDT_SOL_HOT))])
        demo.nodes["solana"] = node
        demo.urls["solana"] = node.url
        while chain.slot(Confirmed) <= demo.solana_slot:
            time.sleep(0.05)
        _solana_after(demo, chain)
        while chain.slot(Finalized) < demo.solana_slot + 2:
            time.sleep(0.1)
    finally:
        chain.close()


def _solana_after(demo: Demo, chain: _Solana | None = None) -> None:
    """After S: the hot wallet moves SOL to the unsigned address (signed by its own key,
    fees paid by the node's payer), USDT is minted to it, SOL arrives from outside."""
    from solders.system_program import TransferParams, transfer
    from spl.token import instructions as spl
    from spl.token.constants import TOKEN_PROGRAM_ID
    from spl.token.models import MintToParams

    own = chain is None
    chain = chain or _Solana(demo.nodes["solana"])
    try:
        hot, unsigned, mint = _sol_parts()
        payer = chain.node.payer.pubkey()
        n = demo.moved.get("solana", 0)
        ata = spl.get_associated_token_address(hot.pubkey(), mint.pubkey())
        chain.send([transfer(TransferParams(from_pubkey=hot.pubkey(),
                                            to_pubkey=unsigned.pubkey(), lamports=2500 * SOL))],
                   [hot])
        chain.send([spl.mint_to(MintToParams(program_id=TOKEN_PROGRAM_ID, mint=mint.pubkey(),
                                             dest=ata, mint_authority=payer,
                                             amount=250_000 * USDT + n)),
                    transfer(TransferParams(from_pubkey=payer, to_pubkey=unsigned.pubkey(),
                                            lamports=100 * SOL))])
        demo.moved["solana"] = n + 1
    finally:
        if own:
            chain.close()


# --- the whole demo --------------------------------------------------------------------

def build(bcoin, anvil, surfpool) -> Demo:
    """The demo exchange's state on three fresh nodes, snapshot heights in the result."""
    demo = Demo()
    build_bitcoin(bcoin, demo)
    build_ethereum(anvil, demo)
    build_solana(surfpool, demo)
    return demo


def move_after(demo: Demo) -> None:
    """One more round of after-snapshot transactions on every chain."""
    _bitcoin_after(demo)
    _ethereum_after(demo)
    _solana_after(demo)


CONFIG = """\
# The demo exchange audited against local nodes (written by examples/demo/world.py).
[exchange]
name = "Demo Exchange"

[claims]
files = ["claims.csv"]
message = "{message}"

[liabilities]
file = "liabilities.json"

[snapshot.bitcoin]
height = {bitcoin_height}
block_hash = "{bitcoin_hash}"

[chains.bitcoin]
adapter = "bitcoin"
rpc = "{bitcoin_url}"
rpc_user_env = "{user_env}"
rpc_password_env = "{password_env}"
network = "regtest"
scan = "forward"
start_height = {bitcoin_start}

[snapshot.ethereum]
height = {ethereum_block}
block_hash = "{ethereum_hash}"

[chains.ethereum]
adapter = "evm"
rpc = "{ethereum_url}"
chain_id = 31337
verify_proofs = true

[snapshot.solana]
height = {solana_slot}

[chains.solana]
adapter = "solana"
rpc = "{solana_url}"

[[assets]]
symbol = "USDT"
chain = "ethereum"
contract = "{usdt_contract}"
decimals = 6

[[assets]]
symbol = "USDT"
chain = "solana"
contract = "{usdt_mint}"
decimals = 6
"""


def write_config(folder: Path, demo: Demo) -> Path:
    """config.toml for the live nodes, beside copies of claims.csv and liabilities.json."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("claims.csv", "liabilities.json"):
        shutil.copyfile(HERE / name, folder / name)
    text = CONFIG.format(
        message=MESSAGE, bitcoin_height=demo.bitcoin_height, bitcoin_hash=demo.bitcoin_hash,
        bitcoin_url=demo.urls["bitcoin"], user_env=BITCOIN_USER_ENV,
        password_env=BITCOIN_PASSWORD_ENV, bitcoin_start=demo.bitcoin_start,
        ethereum_block=demo.ethereum_block, ethereum_hash=demo.ethereum_hash,
        ethereum_url=demo.urls["ethereum"], solana_slot=demo.solana_slot,
        solana_url=demo.urls["solana"], usdt_contract=demo.usdt_contract,
        usdt_mint=demo.usdt_mint)
    path = folder / "config.toml"
    path.write_text(text)
    return path
