"""A lying REST provider: a proxy in front of the real bcoin node that alters chosen answers.

Every request (REST GET or JSON-RPC POST) goes to the real node with the
client's Authorization header; ``alter(path, status, body)`` may change the
status and the decoded JSON of the answer before the client sees it.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class RestProxy:
    def __init__(self, upstream: str,
                 alter: Callable[[str, int, object], tuple[int, object]]) -> None:
        parts = urlsplit(upstream)
        base = f"{parts.scheme}://{parts.hostname}:{parts.port}"

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _forward(self, data: bytes | None):
                headers = {"Content-Type": "application/json"}
                if self.headers.get("Authorization"):
                    headers["Authorization"] = self.headers["Authorization"]
                req = urllib.request.Request(base + self.path, data=data, headers=headers)
                try:
                    with urllib.request.urlopen(req) as r:
                        status, raw = r.status, r.read()
                except urllib.error.HTTPError as e:
                    status, raw = e.code, e.read()
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                status, body = alter(self.path, status, body)
                out = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self):
                self._forward(None)

            def do_POST(self):
                self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        auth = f"{parts.username}:{parts.password}@" if parts.password else ""
        self.url = f"http://{auth}127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
