"""Operational errors: the run cannot go on and says so in one line.

A bad signature is not an error: it is a verdict, carried as data. These
exceptions are for input the tool cannot use (a malformed file, a missing
config key) and for parts it cannot reach (a node that is down). The CLI
turns each into a single line on stderr and exit status 2; nothing else
should ever reach the user as a traceback.
"""

from __future__ import annotations


class ReservesError(Exception):
    """Root of every expected failure; ``code`` is a stable kebab-case id."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ReservesError):
    """A file the user gave cannot be used; the message names file and line."""

    code = "input-invalid"

    def __init__(self, path: str, problem: str, line: int | None = None,
                 column: str | None = None) -> None:
        where = path if line is None else f"{path}:{line}"
        if column:
            where += f" ({column})"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem


class ConfigError(ReservesError):
    """A config file or option is wrong; the message names the key."""

    code = "config-invalid"


class UsageError(ReservesError):
    """A command-line argument is wrong or missing."""

    code = "usage"


class ChainError(ReservesError):
    """A chain adapter cannot produce an answer it can stand behind."""

    code = "chain-error"


class NodeUnavailableError(ChainError):
    """The node did not answer: down, refused, timed out, or bad credentials."""

    code = "node-unavailable"


class NodeMismatchError(ChainError):
    """The node answered, but for another chain, network, or history (a reorg)."""

    code = "node-mismatch"


class SnapshotError(ChainError):
    """The snapshot height cannot be used: ahead of the node, or not final."""

    code = "snapshot-invalid"
