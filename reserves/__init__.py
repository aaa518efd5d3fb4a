"""reserves: audit an exchange's proof of reserves from the reserve side.

The engine lives here (claims, verdicts, importers, the CLI); chain-specific
code lives in the top-level ``chains`` package and renderers in ``reports``.
"""

__version__ = "0.1.0"
