"""Write trees in OKX's full-tree format: for fixtures, attack tests and benchmarks.

Streaming and in constant memory: leaves are generated right to left (the
file's order within a height), each level is built from the one below into
its own temporary file, and the files are joined top level first. Never used
to verify anything.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
from collections.abc import Iterable, Iterator

from reserves.liabilities.numbers import plain

ASSETS = ("BTC", "ETH", "USDT")
PLACES = 8


def _line(hash_: str, height: int, values: tuple[int, ...]) -> str:
    body = ",".join(f'"{a}":"{plain(v, PLACES)}"' for a, v in zip(ASSETS, values))
    return f"{hash_},{height},{{{body}}}\n"


def random_leaves(count: int, seed: int = 1) -> Iterator[tuple[str, tuple[int, ...]]]:
    """``count`` leaves (hash, values), right to left, deterministic for ``seed``."""
    rng = random.Random(seed)
    for i in range(count):
        values = (rng.randrange(0, 10**8), rng.randrange(0, 10**9), rng.randrange(0, 10**12))
        user = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()
        yield hashlib.sha256((user + "".join(plain(v, PLACES) for v in values))
                             .encode()).hexdigest(), values


def _parent(left: tuple[str, tuple[int, ...]], right: tuple[str, tuple[int, ...]],
            height: int) -> tuple[str, tuple[int, ...]]:
    sums = tuple(a + b for a, b in zip(left[1], right[1]))
    digest = hashlib.sha256((left[0] + right[0] + "".join(plain(v, PLACES) for v in sums)
                             + str(height)).encode()).hexdigest()
    return digest, sums


def _level(nodes: Iterable[tuple[str, tuple[int, ...]]], count: int, height: int, out) -> None:
    """Write one level (right to left); a pad first when ``count`` is odd."""
    first = True
    for node in nodes:
        if first and count % 2 == 1 and count > 1:
            out.write(_line(node[0], height, (0,) * len(ASSETS)))
        first = False
        out.write(_line(node[0], height, node[1]))


def _read_level(path: str) -> Iterator[tuple[str, tuple[int, ...]]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            h, _, rest = line.split(",", 2)
            parts = rest.split('"')
            from reserves.liabilities.numbers import scaled

            yield h, tuple(scaled(t, PLACES) for t in parts[3::4])


def write_tree(path: str, leaves: Iterable[tuple[str, tuple[int, ...]]], count: int) -> None:
    """Write the full tree over ``count`` leaves (given right to left) to ``path``."""
    folder = tempfile.mkdtemp(prefix="okxtree-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        files = []
        height, level_count = 1, count
        current = os.path.join(folder, "1")
        with open(current, "w", encoding="utf-8") as out:
            _level(leaves, level_count, height, out)
        files.append(current)
        while level_count > 1:
            children = _read_level(current)
            height += 1
            parents_count = (level_count + 1) // 2

            def parents(children=children, height=height):
                while True:
                    right = next(children, None)
                    if right is None:
                        return
                    left = next(children)
                    yield _parent(left, right, height)

            current = os.path.join(folder, str(height))
            with open(current, "w", encoding="utf-8") as out:
                _level(parents(), parents_count, height, out)
            files.append(current)
            level_count = parents_count
        with open(path, "w", encoding="utf-8") as out:
            for f in reversed(files):
                with open(f, encoding="utf-8") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
