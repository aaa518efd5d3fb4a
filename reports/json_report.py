"""coverage.json: the whole result, versioned, for machines (schema in README)."""

from __future__ import annotations

import json

from reserves.result import SCHEMA, AuditResult, records

FILE = "coverage.json"


def document(result: AuditResult) -> dict:
    coverage = records(result.coverage)
    return {
        "schema": SCHEMA,
        "generator": f"reserves {result.version}",
        "exchange": result.exchange,
        "message_policy": result.message_policy,
        "snapshot": result.snapshot,
        "inputs": result.inputs,
        "liabilities": result.liabilities,
        "coverage": coverage,
        "addresses": records(result.addresses),
        "findings": [f.as_dict() for f in result.finding_list],
        "summary": {
            "assets": len(coverage),
            "covered": sum(1 for c in coverage if c["status"] == "covered"),
            "errors": sum(1 for f in result.finding_list if f.severity.label == "error"),
            "warnings": sum(1 for f in result.finding_list if f.severity.label == "warning"),
            "exit_status": result.exit_status,
        },
    }


def render(result: AuditResult) -> str:
    return json.dumps(document(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
