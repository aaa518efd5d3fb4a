"""A lying node: a proxy in front of a real one that alters chosen answers.

Used to show that a tampered proof, header or balance is caught: the data
comes from the real node, changed in one place, exactly as a dishonest or
broken node would serve it.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class TamperingProxy:
    def __init__(self, upstream: str, alter: Callable[[str, list, dict], dict]) -> None:
        """``alter(method, params, response) -> response`` for each JSON-RPC answer."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {"Content-Type": "application/json"}
                if self.headers.get("Authorization"):
                    headers["Authorization"] = self.headers["Authorization"]
                req = urllib.request.Request(upstream, data=body, headers=headers)
                with urllib.request.urlopen(req) as r:
                    answer = json.loads(r.read())
                request = json.loads(body)
                if isinstance(request, list):
                    by_id = {q["id"]: q for q in request}
                    answer = [alter(by_id[a["id"]]["method"], by_id[a["id"]]["params"], a)
                              for a in answer]
                else:
                    answer = alter(request["method"], request["params"], answer)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        del proxy

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FlakyProxy:
    """A rate-limited or briefly failing node: answers HTTP ``status`` to the first
    ``failures`` requests whose body contains ``match`` (every request when empty),
    then passes them through to the real node. ``seen`` lists the statuses given."""

    def __init__(self, upstream: str, status: int, failures: int, match: bytes = b"") -> None:
        from reserves.evidence.exchanges import Recorder

        self.seen: list[int] = []
        self.left = failures
        lock = threading.Lock()
        outer = self

        class Proxy(Recorder):
            def _forward(self, method, path, body, headers):
                if match in body:
                    with lock:
                        fail = outer.left > 0
                        outer.left -= fail
                        outer.seen.append(status if fail else 200)
                    if fail:
                        return status, "text/plain", b""
                return super()._forward(method, path, body, headers)

        self._proxy = Proxy(upstream)
        self.url = self._proxy.url

    def close(self) -> None:
        self._proxy.close()
