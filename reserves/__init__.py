"""reserves: audit an exchange's proof of reserves from the reserve side.

The engine lives here (claims, verdicts, importers, reconciliation, the CLI);
chain-specific code lives in the top-level ``chains`` package and renderers in
``reports``. For notebooks::

    import reserves
    result = reserves.audit("config.toml")
    result.coverage      # pandas DataFrame, one row per asset, exact integers
    result.addresses     # one row per claimed address
    result.findings      # one row per finding
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported on first use: `reserves` itself stays light for the CLI.
    if name == "audit":
        # The module, callable as the API function (see reserves/audit.py): importing
        # it makes it the package's ``audit`` attribute anyway.
        import importlib

        return importlib.import_module("reserves.audit")
    if name == "AuditResult":
        from reserves.result import AuditResult

        return AuditResult
    raise AttributeError(name)


__all__ = ["AuditResult", "__version__", "audit"]
