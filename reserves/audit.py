"""The audit: claims and liabilities in, a finished ``AuditResult`` out.

    config -> claims + liabilities -> chains (verdicts, balances) -> reconcile -> result

``audit(config)`` is the Python API (the CLI is a thin layer over it). Every
node is reached through a recording proxy so the run leaves an evidence
bundle; ``replay`` runs the very same pipeline against the recorded answers,
offline. Per-address problems become data in the result; a node that cannot
be used at all stops the run with a one-line error before anything is written.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import types
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import chains
from reserves.balances import AssetSpec, Balance, BlockRef
from reserves.catalog import default_catalog
from reserves.claims import Claim
from reserves.claims_check import judge_file
from reserves.config import Config, load_config
from reserves.errors import ConfigError, ReservesError
from reserves.evidence.exchanges import Recorder, Replayer
from reserves.findings import Finding, Severity, sort_findings
from reserves.importers import ClaimsFile, load
from reserves.importers.totals import DEFAULT_TOLERANCE
from reserves.message_policy import MessagePolicy
from reserves.progress import Progress
from reserves.reconcile import DecimalsSources, LiabilityTotal, address_key, reconcile
from reserves.result import AuditResult
from reserves.urls import redact
from reserves.verdicts import Verdict

URL_KEYS = ("rpc",)


def _is_url_key(key: str) -> bool:
    return key in URL_KEYS or key.endswith("_url")


def _client_url(proxy_url: str, upstream: str, placeholder: bool) -> str:
    """The URL an adapter is given for its local proxy. Some clients insist on
    credentials in the URL (python-bitcoinrpc), so the proxy URL carries the
    upstream's user:password (the recorder forwards the client's Authorization
    header to the node; headers are never recorded), or on replay, when the
    config took them from the environment, a placeholder the replayer ignores."""
    parts = urlsplit(upstream)
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rpartition("@")[0]
    elif placeholder:
        userinfo = "replay:replay"
    else:
        return proxy_url
    p = urlsplit(proxy_url)
    return urlunsplit((p.scheme, f"{userinfo}@{p.netloc}", p.path, p.query, p.fragment))


@dataclasses.dataclass
class ChainRecord:
    """What one chain contributed, kept for the result and the bundle."""

    chain: str
    adapter: str
    source: str
    block: BlockRef
    exchanges: list[dict]


@dataclasses.dataclass
class Run:
    """Everything an audit produced, before rendering."""

    config: Config
    result: AuditResult
    claims_files: list[ClaimsFile]
    verdicts: list[Verdict]
    chain_records: list[ChainRecord]
    liabilities_summary: dict | None


def audit(config: Config | str | Path, quiet: bool = True) -> AuditResult:
    """Run the audit described by ``config`` against live nodes; return the result."""
    cfg = config if isinstance(config, Config) else load_config(config)
    return run_audit(cfg, quiet=quiet).result


def run_audit(cfg: Config, quiet: bool = True, replay: dict[str, list[dict]] | None = None,
              inputs: dict[str, Path] | None = None) -> Run:
    """The pipeline. ``replay`` maps chain id -> recorded answers (offline run);
    ``inputs`` maps a file's config name -> where to read it (the bundle copy)."""
    inputs = inputs or {}
    policy = MessagePolicy(cfg.message, cfg.message_pattern)
    files: list[ClaimsFile] = []
    for src in cfg.claims:
        files.append(load(str(inputs.get(src.name, src.path)), src.format, src.name,
                          labels=cfg.labels, totals_tolerance=cfg.totals_tolerance
                          if cfg.totals_tolerance is not None else DEFAULT_TOLERANCE))
    claims = [c for f in files for c in f.claims]
    verdicts: list[Verdict] = []
    findings: list[Finding] = []
    with Progress("verifying proofs", len(claims), enabled=not quiet) as bar:
        for f in files:
            # Duplicates are found by reconcile, across every claims file at once.
            check = judge_file(f, policy, progress=bar, duplicates=False)
            verdicts.extend(check.verdicts)
            findings.extend(check.findings)

    liabilities, liab_summary, liab_findings = _liabilities(cfg, inputs)
    findings += liab_findings

    balances: dict[tuple, Balance] = {}
    known: DecimalsSources = {}
    records: list[ChainRecord] = []
    by_chain: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        by_chain[c.chain or "?"].append(i)
    for chain_id in sorted(by_chain):
        if chain_id not in cfg.chains:
            if chain_id != "?":
                findings.append(Finding(
                    "chain-not-configured", Severity.WARNING,
                    f"{len(by_chain[chain_id])} claimed address(es) on {chain_id} but the "
                    f"config has no [chains.{chain_id}] table: their balances are not read",
                    subject=f"chain:{chain_id}"))
            continue
    for chain_id in sorted(cfg.chains):
        indexes = by_chain.get(chain_id, [])
        record = _run_chain(cfg, chain_id, [claims[i] for i in indexes],
                            [verdicts[i] for i in indexes], balances, known, quiet,
                            None if replay is None else replay.get(chain_id, []))
        for i, v in zip(indexes, record.pop("verdicts")):
            verdicts[i] = v
        records.append(record["record"])

    addresses, coverage, rec_findings = reconcile(claims, verdicts, balances, liabilities, known)
    inputs_list = [{"role": "claims", "path": f.source.path, "sha256": f.source.sha256,
                    "format": f.format} for f in files]
    if liab_summary:
        inputs_list.append({"role": "liabilities", "path": liab_summary["file"],
                            "sha256": liab_summary["sha256"], "format": liab_summary["format"]})
    result = AuditResult(
        exchange=cfg.exchange,
        snapshot=[{"chain": r.chain, "height": r.block.height, "block_hash": r.block.hash,
                   "source": r.source} for r in records],
        inputs=inputs_list, liabilities=liab_summary, addresses=addresses, coverage=coverage,
        finding_list=sort_findings(findings + rec_findings),
        message_policy=policy.describe())
    return Run(cfg, result, files, verdicts, records, liab_summary)


def _assets_for(cfg: Config, chain_id: str, claims: list[Claim], adapter, block: BlockRef
                ) -> tuple[list[AssetSpec], dict[str, str], dict[str, list[tuple[str, int]]]]:
    """The assets to read on a chain, why others cannot be read, and where each read
    asset's decimals come from.

    A balance is scaled only by decimals the tool knows: the catalog's for the
    native coin; for a token, its ``[[assets]]`` entry's, else the catalog's,
    else what the token's own ``decimals()`` answers at the pinned block (EVM).
    The claims' decimals never scale what the chain shows."""
    catalog = default_catalog()
    chain = catalog.chain(chain_id)
    tokens = {t.symbol: t for t in cfg.tokens if t.chain == chain_id}
    specs: dict[str, AssetSpec] = {}
    unreadable: dict[str, str] = {}
    known: dict[str, list[tuple[str, int]]] = {}
    for c in claims:
        if c.asset in specs or c.asset in unreadable:
            continue
        if chain is not None and c.asset == chain.native:
            specs[c.asset] = AssetSpec(c.asset, chain.decimals)
            known[c.asset] = [("the catalog", chain.decimals)]
        elif c.asset in tokens:
            t = tokens[c.asset]
            sources = []
            if t.decimals is not None:
                sources.append(("config [[assets]]", t.decimals))
            listed = catalog.decimals(t.symbol, chain)
            if listed is not None:
                sources.append(("the catalog", listed))
            if not sources:
                answer = adapter.token_decimals(t.contract, block)
                if isinstance(answer, str):
                    unreadable[c.asset] = (f"decimals of {c.asset} on {chain_id} unknown: no "
                                           f"decimals in its [[assets]] entry or the catalog, "
                                           f"and {answer}")
                    continue
                sources.append((f"the token's decimals() at block {block.height}", answer))
            specs[c.asset] = AssetSpec(t.symbol, sources[0][1], t.contract)
            known[c.asset] = sources
        else:
            unreadable[c.asset] = (f"no [[assets]] entry says which token {c.asset} is on "
                                   f"{chain_id}")
    return sorted(specs.values(), key=lambda s: s.symbol), unreadable, known


def _url_from_env(chain_id: str, settings: dict[str, Any], live: bool) -> dict[str, str]:
    """Resolve ``rpc_env`` (the node URL, API key and all, held in an environment
    variable) into ``settings["rpc"]``; return how to show it: the variable's name,
    the same live and on replay, so the URL is never printed or recorded."""
    if "rpc_env" not in settings:
        return {}
    where = f"chains.{chain_id}.rpc_env"
    var = settings.pop("rpc_env")
    if "rpc" in settings:
        raise ConfigError(f"{where}: give rpc or rpc_env, not both")
    if not isinstance(var, str) or not var:
        raise ConfigError(f"{where}: must name an environment variable")
    if live:
        url = os.environ.get(var, "").strip()
        if not url:
            raise ConfigError(f"{where}: environment variable {var} is not set")
        settings["rpc"] = url
    else:
        settings["rpc"] = "http://replay.invalid/"  # never reached: the bundle answers
    return {"rpc": f"${var}"}


def _run_chain(cfg: Config, chain_id: str, claims: list[Claim], verdicts: list[Verdict],
               balances: dict[tuple, Balance], known: DecimalsSources, quiet: bool,
               recorded: list[dict] | None) -> dict[str, Any]:
    settings = dict(cfg.chains[chain_id])
    catalog_chain = default_catalog().chain(chain_id)
    family = settings.pop("adapter", None) or (catalog_chain.family if catalog_chain else "")
    try:
        adapter_cls = chains.adapter_class(family)
    except chains.UnknownFamilyError:
        raise ConfigError(f"chains.{chain_id}.adapter: no balance adapter named {family!r} "
                          f"(known: bitcoin, evm, solana)") from None
    shown = _url_from_env(chain_id, settings, live=recorded is None)
    upstream = {k: v for k, v in settings.items() if _is_url_key(k) and isinstance(v, str)}
    if not upstream:
        raise ConfigError(f"chains.{chain_id}.rpc: missing (the node to read balances from; "
                          "or rpc_env, the environment variable that holds its URL)")
    proxies: dict[str, Any] = {}
    env_credentials = bool(shown) or any(k.endswith("_env") for k in settings)
    try:
        for key, url in upstream.items():
            if recorded is None:
                proxies[key] = Recorder(url)
            else:
                proxies[key] = Replayer([e for e in recorded if e.get("setting", "rpc") == key])
            settings[key] = _client_url(proxies[key].url, url,
                                        recorded is not None and env_credentials)
        if recorded is not None:
            settings = {k: v for k, v in settings.items() if not k.endswith("_env")}
        display = {k: shown.get(k) or redact(u) for k, u in upstream.items()}
        source = f"{family} " + " ".join(display.values())

        def stable(text: str) -> str:
            for key, proxy in proxies.items():
                text = text.replace(proxy.url, display[key])
            return text

        pin = cfg.snapshot[chain_id]
        try:
            with adapter_cls(chain_id, settings) as adapter:
                block = adapter.pin(pin.height, pin.block_hash)
                assets, unreadable, sources = _assets_for(cfg, chain_id, claims, adapter,
                                                          block)
                readable = [c for c in claims if c.kind == "address" and c.asset not in
                            unreadable and not _bad_address(c)]
                # One spelling per script or account is read; every spelling finds it.
                spelling: dict[str, str] = {}
                for c in readable:
                    spelling.setdefault(address_key(c), c.address.strip())
                addresses = sorted(set(spelling.values()))
                key_of = {a: k for k, a in spelling.items()}
                read: list[Balance] = []
                if addresses and assets:
                    with Progress(f"balances {chain_id}", len(addresses) * len(assets),
                                  enabled=not quiet) as bar:
                        read = adapter.read_balances(addresses, assets, block, bar)
                settled = [adapter.settle_ownership(c, v, block) for c, v in zip(claims, verdicts)]
        except ReservesError as e:
            e.message = stable(e.message)  # name the node, not our local proxy
            e.args = (e.message,)
            raise
        for asset, where in sources.items():
            known[(chain_id, asset)] = where
        decimals = {s.symbol: s.decimals for s in assets}
        for b in read:
            b = dataclasses.replace(b, source=source, error=stable(b.error))
            if b.address in key_of:  # else: no claim finds it, "returned no balance" below
                balances[(chain_id, key_of[b.address], b.asset)] = b
        for c in claims:
            key = (chain_id, address_key(c), c.asset)
            if key in balances:
                continue
            reason = (unreadable.get(c.asset) or
                      ("staking validators' balances are not read" if c.kind != "address"
                       else "address does not decode" if _bad_address(c) else
                       "the adapter returned no balance for it"))
            balances[key] = Balance(chain_id, c.address, c.asset, None,
                                    decimals.get(c.asset, c.decimals or 0), block.height,
                                    block.hash, source, error=reason)
        exchanges = []
        for key, proxy in proxies.items():
            if recorded is None:
                exchanges += [dict(e, setting=key) for e in proxy.entries()]
            elif proxy.missing:
                raise ReservesError(f"the evidence bundle lacks {len(proxy.missing)} answer(s) "
                                    f"the {chain_id} adapter asked for (first: "
                                    f"{proxy.missing[0][:120]})")
        if recorded is not None:
            exchanges = recorded
        return {"record": ChainRecord(chain_id, family, source, block, exchanges),
                "verdicts": settled}
    finally:
        for proxy in proxies.values():
            proxy.close()


def _bad_address(claim: Claim) -> bool:
    try:
        module = chains.family_module(claim.family)
    except chains.UnknownFamilyError:
        return False
    return module.check_address(claim) is not None


def _liabilities(cfg: Config, inputs: dict[str, Path]):
    """Per-asset liabilities totals, a summary for the report, and findings."""
    if cfg.liabilities is None:
        return [], None, [Finding("liabilities-missing", Severity.WARNING,
                                  "the config names no liabilities file: coverage cannot be "
                                  "computed", subject="liabilities")]
    from dataclasses import replace

    from reserves.liabilities import load as load_liabilities

    extra = {key: str(inputs.get(name, path)) for key, (name, path)
             in cfg.liabilities_extra.items()}
    report = load_liabilities(
        str(inputs.get(cfg.liabilities_name, cfg.liabilities)), cfg.liabilities_format,
        tree=extra.get("tree"), proof_table=extra.get("proof_table"),
        two_digit={s.lower() for s in cfg.liabilities_two_digit}
        if cfg.liabilities_two_digit is not None else None)
    # Name files as the config does, so a replay from the bundle says the same thing.
    names = {str(inputs.get(cfg.liabilities_name, cfg.liabilities)): cfg.liabilities_name}
    names.update({extra[k]: n for k, (n, _) in cfg.liabilities_extra.items()})
    findings = []
    for f in report.findings:
        subject = f.subject
        for real, name in names.items():
            subject = subject.replace(real, name)
        findings.append(replace(f, subject=subject))
    totals = [LiabilityTotal(a.asset, a.decimals, a.total, report.binding.value)
              for a in report.assets]
    summary = {"file": cfg.liabilities_name, "format": report.format,
               "binding": report.binding.value, "root": report.root,
               "sha256": report.source.sha256, "hash_rule": report.hash_rule}
    return totals, summary, findings


def verdict_lines(run: Run) -> bytes:
    """verdicts.jsonl: one line per claim, in claims order."""
    out = []
    claims = [c for f in run.claims_files for c in f.claims]
    for c, v in zip(claims, run.verdicts):
        out.append(json.dumps({"source": c.source, "row": c.row, "chain": c.chain,
                               "asset": c.asset, "address": c.address,
                               "verdict": v.status.value, "scheme": v.scheme,
                               "reason": v.reason, "signers": list(v.signers)},
                              sort_keys=True, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode("utf-8")


class _CallableModule(types.ModuleType):
    """``reserves.audit`` names both this module and the API function, and once the
    module is imported the package attribute is the module: calling it runs
    ``audit``, so ``reserves.audit("config.toml")`` works however it was reached."""

    def __call__(self, config: Config | str | Path, quiet: bool = True) -> AuditResult:
        return audit(config, quiet=quiet)


sys.modules[__name__].__class__ = _CallableModule
