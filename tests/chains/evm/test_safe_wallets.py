"""Contract wallets are verified only as real Safes whose owners really control them.

Every wallet here is on anvil (tests/chains/evm/world.py): real Safe 1.4.1 and 1.3.0
proxies made by the real factory (tests/nodes/safe.py), and contracts that only look
like one. Each look-alike is shown to be spendable by someone other than the owners it
lists (an eth_call from that party succeeds, one from the owner reverts), and its row
must then not be `verified`: issue 13's defects 5 (EIP-1271 trusting a contract that
says yes to everything) and 6 (owner rows trusting any contract's own owner list).
Each test runs without and with proofs (`verify_proofs`), where every slot and code
hash is proven against the block's state root.
"""

import pytest
from eth_abi import decode, encode

from chains.evm import calls, verify_ownership
from chains.evm.adapter import Adapter
from chains.evm.personal_sign import DIGESTS
from tests.chains.evm import world as world_mod
from tests.claimkit import claim
from tests.nodes.anvil import CHAIN_ID
from tests.nodes.safe import safe_signatures

pytestmark = pytest.mark.node

MESSAGE = world_mod.MESSAGE
PROOFS = pytest.mark.parametrize("proofs", [False, True], ids=["plain", "proofs"])


def _settle(anvil, world, c, proofs, height=None):
    offline = verify_ownership(c)
    settings = {"rpc": anvil.url, "chain_id": CHAIN_ID, "verify_proofs": proofs}
    with Adapter("ethereum", settings) as a:
        return offline, a.settle_ownership(c, offline, a.pin(height or world.block))


def _owner_claim(world, address, signers):
    return claim("ethereum", address, MESSAGE,
                 [world.keys[s].evm_sign(MESSAGE, "eip191-text") for s in signers],
                 owners=[world.keys[s].evm_address() for s in signers])


def _can_send(anvil, wallet, sender, data, height):
    """Whether a transaction from ``sender`` with ``data`` would succeed at ``height``."""
    r = anvil.w3.provider.make_request("eth_call", [
        {"from": sender, "to": wallet, "data": data}, hex(height)])
    return "error" not in r


def _sweep(anvil, to):
    return "0x" + (calls.selector("sweep(address)") + encode(["address"], [to])).hex()


# --- defect 6: owner rows ------------------------------------------------------------------

@PROOFS
def test_a_real_safe_whose_owners_signed_is_verified(anvil, world, proofs):
    for name, version in (("2of2", "1.4.1"), ("1.4.1-l2", "1.4.1"), ("1.3.0", "1.3.0"),
                          ("1.3.0-l2", "1.3.0")):
        offline, s = _settle(anvil, world, _owner_claim(world, world.safes[name].address,
                                                        ["o1", "o2"]), proofs)
        assert offline.status.value == "owner-signed"
        assert s.status.value == "verified", (name, s.reason)
        assert s.scheme == "eip191-text+owners"
        assert f"Safe {version}" in s.reason and "threshold 2" in s.reason, s.reason
        assert "no module enabled" in s.reason
        assert ("proven against the state root" in s.reason) == proofs, s.reason
    # Two of three owners meet a threshold of 2.
    _, s = _settle(anvil, world, _owner_claim(world, world.safes["2of3"].address, ["o1", "o2"]),
                   proofs)
    assert s.status.value == "verified" and "among its 3 owners" in s.reason, s.reason


@PROOFS
def test_a_safe_with_a_module_is_not_verified(anvil, world, proofs):
    """o5 is a module of the Safe: it moves the Safe's funds without any owner."""
    safe = world.safes["module"]
    o5 = world.keys["o5"].evm_address()
    owners = safe.contract.functions.getOwners().call(block_identifier=world.block)
    assert o5 not in owners  # the module is no owner; the owners list looks clean
    pay = safe.contract.encode_abi("execTransactionFromModule",
                                   [o5, 10**18, b"", 0])
    assert _can_send(anvil, safe.address, o5, pay, world.block)
    _, s = _settle(anvil, world, _owner_claim(world, safe.address, ["o1", "o2"]), proofs)
    assert s.status.value == "failed", s.reason
    assert f"module {o5} is enabled" in s.reason, s.reason


@PROOFS
def test_a_safe_with_a_guard_is_reported(anvil, world, proofs):
    _, s = _settle(anvil, world, _owner_claim(world, world.safes["guard"].address,
                                              ["o1", "o2"]), proofs)
    assert s.status.value == "verified", s.reason
    assert f"transaction guard {world.guard}" in s.reason, s.reason


@PROOFS
def test_threshold_and_ownership_are_the_safes_at_block_n(anvil, world, proofs):
    _, s = _settle(anvil, world, _owner_claim(world, world.safes["3of3"].address, ["o1", "o2"]),
                   proofs)
    assert s.status.value == "failed" and "threshold not met" in s.reason, s.reason
    assert "requires 3" in s.reason
    o3 = world.keys["o3"].evm_address()
    # o3 became the 2of2 Safe's only owner (threshold 1) after N: at N it is no owner...
    c = _owner_claim(world, world.safes["2of2"].address, ["o3"])
    _, s = _settle(anvil, world, c, proofs)
    assert s.status.value == "failed" and f"{o3} is not an owner of the Safe" in s.reason
    # ...and at a block after the change it is, and o1 and o2 are not.
    _, s = _settle(anvil, world, c, proofs, world.later)
    assert s.status.value == "verified" and "threshold 1" in s.reason, s.reason
    _, s = _settle(anvil, world, _owner_claim(world, world.safes["2of2"].address, ["o1", "o2"]),
                   proofs, world.later)
    assert s.status.value == "failed" and "is not an owner" in s.reason


@PROOFS
def test_contracts_that_only_list_owners_stay_owner_signed(anvil, world, proofs):
    """The old check (getOwners()/getThreshold() list the signers) passes for each of
    these; none is a Safe, and in each a third party can take the funds."""
    keeper = world.keeper
    o1 = world.keys["o1"].evm_address()
    cases = [
        (world.safe2.address, ["o1", "o2"]),           # SafeLike: anyone can set its owners
        (world.vault.address, ["o1"]),                 # KeeperVault: the keeper withdraws
        (world.safes["fake-singleton"].address, ["o1", "o2"]),  # real proxy, fake singleton
        (world.backdoor.address, ["o1", "o2"]),        # real singleton, backdoored proxy
    ]
    withdraw = "0x" + (calls.selector("withdraw(address,uint256)")
                       + encode(["address", "uint256"], [keeper, 1])).hex()
    assert _can_send(anvil, world.vault.address, keeper, withdraw, world.block)
    assert not _can_send(anvil, world.vault.address, o1, withdraw, world.block)
    for wallet in (world.safes["fake-singleton"].address, world.backdoor.address):
        assert _can_send(anvil, wallet, keeper, _sweep(anvil, keeper), world.block)
        assert not _can_send(anvil, wallet, o1, _sweep(anvil, o1), world.block)
    set_owners = world.safe2.encode_abi("setOwners", [[keeper], 1])
    assert _can_send(anvil, world.safe2.address, keeper, set_owners, world.block)
    for address, signers in cases:
        c = _owner_claim(world, address, signers)
        (lists,) = decode(["address[]"], bytes(anvil.w3.eth.call(
            {"to": address, "data": "0x" + calls.selector("getOwners()").hex()}, world.block)))
        assert o1.lower() in [x.lower() for x in lists]  # it reports the signer as an owner
        _, s = _settle(anvil, world, c, proofs)
        assert s.status.value == "owner-signed", (address, s.reason)
        assert "contract code not recognised" in s.reason, s.reason


@PROOFS
def test_owner_rows_on_an_account_without_code_fail(anvil, world, proofs):
    _, s = _settle(anvil, world, _owner_claim(world, world.holders[0], ["o1", "o2"]), proofs)
    assert s.status.value == "failed" and "no contract at this address" in s.reason


# --- defect 5: EIP-1271 ----------------------------------------------------------------

def _wallet_claim(address, signature_hex, scheme=None):
    return claim("ethereum", address, MESSAGE, [signature_hex], scheme=scheme)


@PROOFS
def test_a_contract_that_accepts_any_signature_fails(anvil, world, proofs):
    """AcceptAll1271 answers the magic value for everything: a random key's signature
    over the message is "valid" to it, and so is a random digest."""
    stranger = world.keys["o4"].evm_sign(MESSAGE, "eip191-text")
    _, s = _settle(anvil, world, _wallet_claim(world.accept_all.address, stranger), proofs)
    assert s.status.value == "failed", s.reason
    assert "accepts any signature" in s.reason, s.reason
    # The same through a Safe whose fallback handler is that contract.
    _, s = _settle(anvil, world, _wallet_claim(world.safes["yes-handler"].address, stranger),
                   proofs)
    assert s.status.value == "failed" and "accepts any signature" in s.reason, s.reason


@PROOFS
def test_eip1271_of_an_unknown_contract_is_not_counted(anvil, world, proofs):
    """Wallet1271 checks its owner's key properly and refuses the negative control, but
    its code is not a known implementation: not verified."""
    good = world.keys["o3"].evm_sign(MESSAGE, "eip191-text")
    _, s = _settle(anvil, world, _wallet_claim(world.wallet1271.address, good), proofs)
    assert s.status.value == "unsupported", s.reason
    assert "contract code not recognised" in s.reason and "accepts the signature" in s.reason
    # A real Safe whose fallback handler is that wallet answers yes for o3, no owner.
    _, s = _settle(anvil, world, _wallet_claim(world.safes["o3-handler"].address, good), proofs)
    assert s.status.value == "unsupported", s.reason
    assert "fallback handler" in s.reason and "not a known" in s.reason, s.reason


def _safe_1271(world, name, signers, scheme="eip191-text", legacy=False):
    safe = world.safes[name]
    data = MESSAGE.encode() if legacy else DIGESTS[scheme](MESSAGE.encode())
    digest = world.kit.message_hash(safe, data)
    sigs = safe_signatures([world.keys[k] for k in signers], digest)
    return _wallet_claim(safe.address, "0x" + sigs.hex())


@PROOFS
def test_eip1271_of_a_real_safe_is_verified_from_its_owners(anvil, world, proofs):
    for name in ("2of2", "1.3.0-l2"):
        offline, s = _settle(anvil, world, _safe_1271(world, name, ["o1", "o2"]), proofs)
        assert offline.status.value == "failed" and offline.onchain
        assert s.status.value == "verified", (name, s.reason)
        assert s.scheme == "eip1271" and "eip191-text digest" in s.reason
        assert "2 of its 2 owners" in s.reason and "threshold 2" in s.reason, s.reason
        assert ("proven against the state root" in s.reason) == proofs
    _, s = _settle(anvil, world, _safe_1271(world, "2of2", ["o1", "o2"], legacy=True), proofs)
    assert s.status.value == "verified" and s.scheme == "eip1271-legacy", s.reason


@PROOFS
def test_eip1271_of_a_safe_needs_threshold_owners_and_no_module(anvil, world, proofs):
    cases = [("2of2", ["o3", "o4"], "failed"),    # not its owners
             ("2of2", ["o1"], "failed"),          # one signature, threshold 2
             ("module", ["o1", "o2"], "failed"),  # a module is enabled
             ("no-handler", ["o1", "o2"], "failed")]  # no handler: the call reverts
    for name, signers, status in cases:
        _, s = _settle(anvil, world, _safe_1271(world, name, signers), proofs)
        assert s.status.value == status, (name, signers, s.reason)
    _, s = _settle(anvil, world, _safe_1271(world, "module", ["o1", "o2"]), proofs)
    assert "module" in s.reason and "is enabled" in s.reason, s.reason
