"""Judge every claim's ownership proof, in parallel when the file is large.

The order of checks decides which reason a row gets, and is the same for
every family:

1. the chain: without a verifier -> unsupported (or unsigned); a label that
   names no chain is judged by its address's form (``reserves.labels``), or
   is unsupported when the form names no family either;
2. no signature -> unsigned, unless the address does not decode -> failed
   (or, when the file publishes the script's keys, the family's check of
   them: unsigned when they match, failed when not);
3. the message policy -> failed on a missing or unexpected message;
4. the family's verifier -> verified / owner-signed / failed / unsupported.

A verifier that raises is a bug; the row still gets a failed verdict naming
the exception, and the run goes on: no row is ever dropped.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import chains
from reserves.claims import Claim
from reserves.gc_pause import gc_paused
from reserves.message_policy import MessagePolicy
from reserves.verdicts import Status, Verdict, failed, unsigned, unsupported

PARALLEL_THRESHOLD = 4000
CHUNK = 2000


def judge(claim: Claim, policy: MessagePolicy) -> Verdict:
    signed = bool(claim.proof.signatures)
    if claim.chain is None:
        what = f"cannot tell which chain {claim.coin!r} is on"
        if claim.chain_label:
            what = f"unknown network {claim.chain_label!r}"
        if claim.family in chains.FAMILIES:
            return _judge_by_form(claim, policy, what)
        return unsigned(f"no signature published ({what})") if not signed else \
            unsupported(f"{what}, and the address's form names no chain family; map the "
                        "label (--labels FILE)")
    if claim.family not in chains.FAMILIES:
        return unsigned(f"no signature published (chain {claim.chain} not supported)") \
            if not signed else \
            unsupported(f"chain {claim.chain} is not supported: no verifier for its "
                        "signature scheme")
    module = chains.family_module(claim.family)
    try:
        if not signed:
            problem = module.check_address(claim)
            if problem:
                return failed(problem)
            # A file may publish what the address is built from without signing
            # (BitMEX: scripts and keys): the family judges that, never as verified.
            judge_unsigned = getattr(module, "judge_unsigned", None)
            found = judge_unsigned(claim) if judge_unsigned else None
            return found or unsigned()
        problem = policy.check(claim.proof.message)
        if problem:
            return failed(problem)
        return module.verify_ownership(claim)
    except Exception as e:  # a verifier bug must not drop the row
        return failed(f"internal error while verifying: {type(e).__name__}: {e}")


def _judge_by_form(claim: Claim, policy: MessagePolicy, what: str) -> Verdict:
    """Judge a claim whose label names no chain by what its address's form names.

    The family's verifier runs under each chain the form allows (a Bitcoin-family
    address may decode for two chains with different message prefixes); under the
    wrong parameters a signature recovers an unrelated key, so trying several never
    accepts a wrong one. The verdict keeps chain None: the balance is never read.
    """
    from dataclasses import replace

    from reserves.labels import address_form

    form = address_form(claim.address)
    if form is None or form.family != claim.family:  # build_claims set the family from it
        return failed(f"{what}, and the address {claim.address!r} is not of the "
                      f"{claim.family} form")
    note = (f"{what}: judged as {form.what}; chain not named, so the balance is not read "
            "(map the label to read it)")
    verdicts = [judge(replace(claim, chain=chain), policy) for chain in form.chains]
    best = next((v for v in verdicts if v.status is Status.VERIFIED), None) or \
        next((v for v in verdicts if v.status is Status.OWNER_SIGNED), None) or verdicts[0]
    return replace(best, reason=f"{best.reason} ({note})")


def _judge_chunk(args: tuple[list[Claim], MessagePolicy]) -> list[Verdict]:
    claims, policy = args
    return [judge(c, policy) for c in claims]


# Set before forking workers: a forked worker reads the claims from its copy of
# the parent's memory instead of receiving them pickled (half the parent's CPU
# time on a 200,000-row file went to pickling).
_FORKED: tuple[Sequence[Claim], MessagePolicy] | None = None


def _judge_range(bounds: tuple[int, int]) -> list[Verdict]:
    claims, policy = _FORKED
    return [judge(c, policy) for c in claims[bounds[0]:bounds[1]]]


def verify_claims(claims: Sequence[Claim], policy: MessagePolicy, jobs: int | None = None,
                  progress: Callable[[int], None] | None = None) -> list[Verdict]:
    """Verdicts for ``claims``, in the same order.

    ``jobs`` processes are used for large inputs (default: every core).
    """
    with gc_paused():  # forked workers inherit the pause
        return _verify_claims(claims, policy, jobs, progress)


def _verify_claims(claims: Sequence[Claim], policy: MessagePolicy, jobs: int | None,
                   progress: Callable[[int], None] | None) -> list[Verdict]:
    global _FORKED
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(claims) < PARALLEL_THRESHOLD:
        out = []
        for i, c in enumerate(claims, 1):
            out.append(judge(c, policy))
            if progress and i % 500 == 0:
                progress(500)
        if progress:
            progress(len(claims) % 500)
        return out
    out = []
    if "fork" in multiprocessing.get_all_start_methods():
        _FORKED = (claims, policy)
        try:
            with ProcessPoolExecutor(max_workers=jobs,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                bounds = [(i, min(i + CHUNK, len(claims))) for i in range(0, len(claims), CHUNK)]
                for verdicts in pool.map(_judge_range, bounds):
                    out.extend(verdicts)
                    if progress:
                        progress(len(verdicts))
        finally:
            _FORKED = None
        return out
    chunks = [list(claims[i:i + CHUNK]) for i in range(0, len(claims), CHUNK)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for verdicts in pool.map(_judge_chunk, [(c, policy) for c in chunks]):
            out.extend(verdicts)
            if progress:
                progress(len(verdicts))
    return out
