"""Reading a published file as a stream: every byte hashed, never the whole file held.

Binance's deposit-address file has millions of rows and BitMEX's reserves
YAML is hundreds of megabytes; holding such a file as bytes and again as
text would double what its claims take. ``open_source`` gives a binary
stream that hashes what is read through it; ``finish`` reads whatever the
parser left and returns the file's ``SourceFile`` (sha256 of every byte,
as ``read_text`` records it for the smaller formats).
"""

from __future__ import annotations

import hashlib
import io

from reserves.errors import InputError
from reserves.importers.table import SourceFile

CHUNK = 1 << 20


class HashingReader(io.RawIOBase):
    """A raw binary stream that feeds every byte read through it to sha256."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self._raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self.hash.update(memoryview(buffer)[:n])
            self.size += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_source(path: str) -> tuple[io.BufferedReader, HashingReader]:
    """``path`` opened for streaming: (buffered stream to read, the hashing layer under it)."""
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the caller
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None
    hashing = HashingReader(raw)
    return io.BufferedReader(hashing, CHUNK), hashing


def finish(stream: io.BufferedReader, hashing: HashingReader, name: str) -> SourceFile:
    """Read what is left (so the hash covers the whole file), close, and describe the file."""
    while stream.read(CHUNK):
        pass
    stream.close()
    return SourceFile(name, hashing.hash.hexdigest(), hashing.size)


def decode_line(path: str, number: int, raw: bytes) -> str:
    """One physical line as text, without its line ending; refuses NUL bytes and bad UTF-8."""
    if b"\x00" in raw:
        raise InputError(path, "binary data (NUL bytes), not a CSV text file", number)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text (invalid byte 0x{raw[e.start]:02x})",
                         number) from None
    if number == 1 and text.startswith("\ufeff"):
        text = text[1:]
    return text.rstrip("\r\n")
