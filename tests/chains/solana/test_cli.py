"""reserves balances solana against Surfpool: JSON lines, table, errors, exit statuses."""

import json
import re

import pytest

from reserves.cli import main
from tests.nodes import free_port
from tests.nodes.tamper import FlakyProxy, TamperingProxy

pytestmark = pytest.mark.node


def _run(capsys, *args):
    code = main(["balances", "solana", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def _mints(w):
    return ["--mint", f"TOK={w.mint}:6", "--mint", f"T22={w.mint_2022}:9"]


@pytest.mark.parametrize("mode", ["history", "context"])
def test_json_lines(surfnet, sol_world, capsys, mode):
    w = sol_world
    code, out, err = _run(capsys, "--rpc", surfnet.url, "--slot", w.slot, "--mode", mode,
                          *_mints(w), *w.holders, "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(w.holders) * 3
    truth = w.expected if mode == "history" else w.latest
    for r in rows:
        assert {"address", "asset", "balance", "height", "block_hash", "mode"} <= set(r)
        assert r["mode"] == mode and r["balance"] == truth[(r["address"], r["asset"])], r
        assert r["block_hash"] and isinstance(r["balance"], int)
        assert r["height"] == w.slot if mode == "history" else r["height"] >= w.slot


def test_table_and_claims_file(surfnet, sol_world, capsys, tmp_path):
    w = sol_world
    claims = tmp_path / "claims.csv"
    claims.write_text("chain,asset,address,amount,decimals\n"
                      f"solana,SOL,{w.holders[1]},1,9\nbitcoin,BTC,1BoatSLRHtKNngkdXEeobR76b53LETtpyT,1,8\n")
    code, out, _ = _run(capsys, "--rpc", surfnet.url, "--slot", w.slot, "--claims", claims)
    assert code == 0
    assert f"solana block {w.slot} " in out and "1 of 1 balances read" in out
    # holder 1 had 2 SOL at S (it sent half of it away after S)
    assert re.search(rf"{w.holders[1]}\s+SOL\s+2\s", out), out


@pytest.mark.parametrize("args,needle", [
    (lambda n, w: ["--rpc", f"http://127.0.0.1:{free_port()}", "--slot", w.slot,
                   w.holders[0]], "unreachable"),
    (lambda n, w: ["--rpc", n.url, "--slot", 10**9, w.holders[0]], "in the future"),
    (lambda n, w: ["--rpc", n.url, "--slot", w.slot, "--block-hash", "1" * 32, w.holders[0]],
     "not the pinned"),
    (lambda n, w: ["--rpc", n.url, "--slot", w.slot, "--mint", "X=nope", w.holders[0]],
     "expected SYMBOL=MINT:DECIMALS"),
    (lambda n, w: ["--rpc", n.url, "--slot", w.slot], "no addresses"),
    (lambda n, w: ["--rpc", "ftp://x", "--slot", w.slot, w.holders[0]], "rpc"),
])
def test_unusable_input_is_one_line_and_exit_2(surfnet, sol_world, capsys, args, needle):
    code, out, err = _run(capsys, *args(surfnet, sol_world))
    assert code == 2 and needle in err and err.count("\n") == 1 and not out, err
    assert "Traceback" not in err


def test_a_slot_that_is_not_final_is_refused(surfnet, sol_world, capsys):
    from solana.rpc.commitment import Confirmed, Finalized

    from tests.chains.solana.world import _Chain

    chain = _Chain(surfnet)
    try:
        final = chain.run(chain.client.get_slot(Finalized)).value
        latest = chain.run(chain.client.get_slot(Confirmed)).value
    finally:
        chain.close()
    assert latest > final + 1  # Surfpool finalizes ~30 slots behind
    code, _, err = _run(capsys, "--rpc", surfnet.url, "--slot", latest, sol_world.holders[0])
    assert code == 2 and "is not finalized yet" in err


@pytest.mark.parametrize("error,reason", [
    ({"code": -32005, "message": "Node is behind by 42 slots", "data": {"numSlotsBehind": 42}},
     "node error: Node is behind by 42 slots"),
    ({"code": -32005, "message": "Node is behind"}, "node error: unreadable answer"),
])
def test_rpc_error_for_one_address_is_its_own_error(surfnet, sol_world, capsys, error, reason):
    """The node answers getSignaturesForAddress for holder 1 with a JSON-RPC error
    (well-formed, or missing the data solders expects): that balance is unread with
    the reason, the others are still read, exit 1."""
    w = sol_world
    victim = w.holders[1]

    def alter(method, params, answer):
        if method == "getSignaturesForAddress" and params[0] == victim:
            return {"jsonrpc": "2.0", "id": answer["id"], "error": error}
        return answer

    proxy = TamperingProxy(surfnet.url, alter)
    try:
        code, out, err = _run(capsys, "--rpc", proxy.url, "--slot", w.slot, *w.holders,
                              "--json")
    finally:
        proxy.close()
    assert code == 1, err
    rows = {r["address"]: r for r in map(json.loads, out.splitlines())}
    assert rows[victim]["balance"] is None and rows[victim]["error"].startswith(reason)
    for a in w.holders:
        if a != victim:
            assert rows[a]["balance"] == w.expected[(a, "SOL")] and rows[a]["error"] is None


def test_rpc_error_on_the_pin_is_fatal_and_one_line(surfnet, sol_world, capsys):
    def alter(method, params, answer):
        if method == "getBlock":
            return {"jsonrpc": "2.0", "id": answer["id"],
                    "error": {"code": -32007, "message": "Slot 5 was skipped"}}
        return answer

    proxy = TamperingProxy(surfnet.url, alter)
    try:
        code, out, err = _run(capsys, "--rpc", proxy.url, "--slot", sol_world.slot,
                              sol_world.holders[0])
    finally:
        proxy.close()
    assert code == 2 and err.count("\n") == 1 and not out
    assert "gives no block for slot" in err and "(Slot 5 was skipped)" in err


def test_pagination_reads_several_pages(surfnet, sol_world):
    """With two signatures a page, holder 0 (eight transactions after S) is read across
    several pages and still gives its balance at S."""
    from chains.solana.adapter import Adapter
    from reserves.balances import AssetSpec

    pages = []

    def alter(method, params, answer):
        if method == "getSignaturesForAddress" and params[0] == sol_world.holders[0]:
            pages.append(params[1].get("before"))
        return answer

    proxy = TamperingProxy(surfnet.url, alter)
    try:
        with Adapter("solana", {"rpc": proxy.url, "page_size": 2}) as a:
            block = a.pin(sol_world.slot)
            [b] = a.read_balances(sol_world.holders[:1], [AssetSpec("SOL", 9)], block)
    finally:
        proxy.close()
    assert b.amount == sol_world.expected[(sol_world.holders[0], "SOL")]
    assert len(pages) >= 3 and pages[0] is None and all(pages[1:])


def test_a_lying_node_cannot_move_a_figure_silently(surfnet, sol_world):
    """A node whose transaction answers lose their balances is named, not read as zero."""
    from chains.solana.adapter import Adapter
    from reserves.balances import AssetSpec

    def alter(method, params, answer):
        if method == "getTransaction":
            return {"jsonrpc": "2.0", "id": answer["id"], "result": None}
        return answer

    proxy = TamperingProxy(surfnet.url, alter)
    try:
        with Adapter("solana", {"rpc": proxy.url}) as a:
            block = a.pin(sol_world.slot)
            got = a.read_balances(sol_world.holders[:2], [AssetSpec("SOL", 9)], block)
    finally:
        proxy.close()
    for b in got:
        assert b.amount is None and "cannot return it" in b.error, b


def test_rate_limited_answers_are_asked_again(surfnet, sol_world, capsys):
    w = sol_world
    flaky = FlakyProxy(surfnet.url, 429, 2, b"getSignaturesForAddress")
    try:
        code, out, err = _run(capsys, "--rpc", flaky.url, "--slot", w.slot, *w.holders[:2],
                              "--json")
    finally:
        flaky.close()
    assert code == 0, err
    assert flaky.left == 0 and flaky.seen[:3] == [429, 429, 200]  # refused twice, asked again
    for r in map(json.loads, out.splitlines()):
        assert r["balance"] == w.expected[(r["address"], "SOL")]


def test_a_node_that_keeps_failing_is_one_line_and_exit_2(surfnet, sol_world, capsys):
    flaky = FlakyProxy(surfnet.url, 503, 10**6, b"getSignaturesForAddress")
    try:
        code, out, err = _run(capsys, "--rpc", flaky.url, "--slot", sol_world.slot,
                              "--retries", 1, sol_world.holders[0])
    finally:
        flaky.close()
    assert code == 2 and err.count("\n") == 1 and not out
    assert "answered HTTP 503 to read (2 tries)" in err


@pytest.mark.parametrize("lie,reason", [
    ("slot", "on the wrong side of slot"),
    ("other", "the transaction does not touch it"),
])
def test_a_node_lying_about_history_is_named(surfnet, sol_world, lie, reason):
    """A node that moves a transaction across S, or lists another address's transaction
    for this one, gives no figure for that address, with the reason."""
    import requests

    from chains.solana.adapter import Adapter
    from reserves.balances import AssetSpec

    w = sol_world
    victim, other = w.holders[1], w.holders[3]
    def rpc(method, params):
        return requests.post(surfnet.url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                "params": params}).json()["result"]

    def keys(sig):
        tx = rpc("getTransaction", [sig["signature"], {"maxSupportedTransactionVersion": 0}])
        return tx["transaction"]["message"]["accountKeys"]

    foreign = [s for s in rpc("getSignaturesForAddress", [other, {"commitment": "finalized"}])
               if s["slot"] > w.slot and victim not in keys(s)]  # other's, not victim's
    assert foreign

    def alter(method, params, answer):
        if lie == "slot" and method == "getTransaction" and answer.get("result"):
            answer["result"]["slot"] = w.slot + 1_000  # every transaction now after S
        if lie == "other" and method == "getSignaturesForAddress" and params[0] == victim:
            answer["result"] = foreign[:1]
        return answer

    proxy = TamperingProxy(surfnet.url, alter)
    try:
        with Adapter("solana", {"rpc": proxy.url}) as a:
            block = a.pin(w.slot)
            [b] = a.read_balances([victim], [AssetSpec("SOL", 9)], block)
    finally:
        proxy.close()
    assert b.amount is None and reason in b.error, b
