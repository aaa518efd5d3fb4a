"""A small Solana history on Surfpool: SOL and SPL transfers before and after slot S.

Every transfer is a real transaction (the payer pays all fees), so the expected
balances at S follow from the amounts sent here, not from reading the node.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed, Finalized
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, TransferParams, create_account, transfer
from solders.transaction import Transaction
from spl.token import instructions as spl
from spl.token.constants import TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID
from spl.token.models import InitializeMint2Params, MintToParams
from spl.token.models import TransferParams as TokenTransferParams

from chains.signers import secret

SOL = 1_000_000_000


@dataclass
class World:
    node: object
    slot: int = 0
    holders: list[str] = field(default_factory=list)
    mint: str = ""
    mint_2022: str = ""
    expected: dict = field(default_factory=dict)   # (holder, "SOL"|"TOK"|"T22") -> at S
    latest: dict = field(default_factory=dict)     # the same, after everything


class _Chain:
    def __init__(self, node, timeout: float = 10) -> None:
        self.node = node
        self.client = AsyncClient(node.url, timeout=timeout)
        self.loop = asyncio.new_event_loop()

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def send(self, instructions, signers) -> int:
        payer = self.node.payer
        blockhash = self.run(self.client.get_latest_blockhash()).value.blockhash
        tx = Transaction([payer, *signers], Message(instructions, payer.pubkey()), blockhash)
        sig = self.run(self.client.send_transaction(tx)).value
        self.run(self.client.confirm_transaction(sig, Confirmed))
        return self.run(self.client.get_signature_statuses([sig])).value[0].slot

    def cheat(self, method: str, params: list) -> None:
        """A Surfpool cheat code (state set without a transaction)."""
        import requests

        answer = requests.post(self.node.url, json={"jsonrpc": "2.0", "id": 1,
                                                    "method": method, "params": params},
                               timeout=30).json()
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")

    def close(self) -> None:
        self.run(self.client.close())
        self.loop.close()


def _mint(chain: _Chain, program: Pubkey, decimals: int) -> Keypair:
    mint = Keypair.from_seed(secret("sol-mint", int(program == TOKEN_2022_PROGRAM_ID)))
    rent = chain.run(chain.client.get_minimum_balance_for_rent_exemption(82)).value
    payer = chain.node.payer.pubkey()
    chain.send([create_account(CreateAccountParams(from_pubkey=payer, to_pubkey=mint.pubkey(),
                                                   lamports=rent, space=82, owner=program)),
                spl.initialize_mint2(InitializeMint2Params(decimals=decimals, program_id=program,
                                                           mint=mint.pubkey(),
                                                           mint_authority=payer))], [mint])
    return mint


def build(node) -> World:
    chain = _Chain(node)
    try:
        w = World(node)
        payer = node.payer.pubkey()
        holders = [Keypair.from_seed(secret("sol-holder", i)) for i in range(5)]
        w.holders = [str(h.pubkey()) for h in holders]
        mint = _mint(chain, TOKEN_PROGRAM_ID, 6)
        m22 = _mint(chain, TOKEN_2022_PROGRAM_ID, 9)
        w.mint, w.mint_2022 = str(mint.pubkey()), str(m22.pubkey())
        ata = {(h.pubkey(), p): spl.get_associated_token_address(h.pubkey(), m, p)
               for h in holders for m, p in ((mint.pubkey(), TOKEN_PROGRAM_ID),
                                             (m22.pubkey(), TOKEN_2022_PROGRAM_ID))}

        def pay(h, lamports, signers=()):
            return chain.send([transfer(TransferParams(from_pubkey=payer, to_pubkey=h,
                                                       lamports=lamports))], list(signers))

        def mint_to(h, amount, m=mint, program=TOKEN_PROGRAM_ID):
            return chain.send([spl.mint_to(MintToParams(program_id=program, mint=m.pubkey(),
                                                        dest=ata[(h, program)],
                                                        mint_authority=payer, amount=amount))], [])

        h = [k.pubkey() for k in holders]
        pay(h[0], 1 * SOL)
        pay(h[1], 2 * SOL)
        chain.send([transfer(TransferParams(from_pubkey=h[0], to_pubkey=h[2],
                                            lamports=SOL // 10))], [holders[0]])
        for k in (0, 1, 2):
            chain.send([spl.create_associated_token_account(payer, h[k], mint.pubkey())], [])
        chain.send([spl.create_associated_token_account(payer, h[2], m22.pubkey(),
                                                        TOKEN_2022_PROGRAM_ID)], [])
        mint_to(h[0], 1_000_000_000)
        mint_to(h[1], 2_000_000_000)
        mint_to(h[2], 5 * 10**9, m22, TOKEN_2022_PROGRAM_ID)
        # Holder 4 is an old, quiet account whose history the node does not keep: its
        # state is set directly (Surfpool cheat codes), with no transaction behind it.
        quiet = str(h[4])
        chain.cheat("surfnet_setAccount", [quiet, {"lamports": 123_456_789}])
        chain.cheat("surfnet_setTokenAccount", [quiet, w.mint, {"amount": 4242}])
        w.slot = chain.send([spl.transfer(TokenTransferParams(
            program_id=TOKEN_PROGRAM_ID, source=ata[(h[0], TOKEN_PROGRAM_ID)],
            dest=ata[(h[1], TOKEN_PROGRAM_ID)], owner=h[0], amount=100_000_000))], [holders[0]])
        w.expected = {
            (w.holders[0], "SOL"): SOL - SOL // 10, (w.holders[1], "SOL"): 2 * SOL,
            (w.holders[2], "SOL"): SOL // 10, (w.holders[3], "SOL"): 0,
            (w.holders[0], "TOK"): 900_000_000, (w.holders[1], "TOK"): 2_100_000_000,
            (w.holders[2], "TOK"): 0, (w.holders[3], "TOK"): 0,
            (w.holders[0], "T22"): 0, (w.holders[1], "T22"): 0,
            (w.holders[2], "T22"): 5 * 10**9, (w.holders[3], "T22"): 0,
            (quiet, "SOL"): 123_456_789, (quiet, "TOK"): 4242, (quiet, "T22"): 0}
        # After S: more history, enough signatures on holder 0 to need several pages.
        while chain.run(chain.client.get_slot(Confirmed)).value <= w.slot:
            time.sleep(0.05)
        for i in range(5):
            pay(h[0], 1_000 + i)
        mint_to(h[0], 7)
        chain.send([transfer(TransferParams(from_pubkey=h[1], to_pubkey=h[3], lamports=SOL // 2))],
                   [holders[1]])
        chain.send([spl.create_associated_token_account(payer, h[3], mint.pubkey())], [])
        mint_to(h[3], 11)
        w.latest = dict(w.expected)
        w.latest[(w.holders[0], "SOL")] += sum(1_000 + i for i in range(5))
        w.latest[(w.holders[0], "TOK")] += 7
        w.latest[(w.holders[1], "SOL")] -= SOL // 2
        w.latest[(w.holders[3], "SOL")] += SOL // 2
        w.latest[(w.holders[3], "TOK")] += 11
        # Wait until S is final.
        while chain.run(chain.client.get_slot(Finalized)).value < w.slot + 2:
            time.sleep(0.1)
        return w
    finally:
        chain.close()
