"""Start and stop the local nodes the tests talk to (see tests/nodes/*.py).

Every node listens on a free port picked at start, never a fixed one, so
several test runs (or checkouts) can run side by side.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` until it returns True; raise RuntimeError naming ``what``."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as e:  # not up yet
            last = e
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {timeout}s ({last})")


def stop_process(proc: subprocess.Popen, grace: float = 10) -> None:
    """Ask a node to stop; kill it if it has not after ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
