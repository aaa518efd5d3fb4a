"""Record every answer a node gives during an audit, and serve them back on replay.

Adapters talk to nodes over HTTP (Bitcoin Core RPC, Esplora, EVM and Solana
JSON-RPC), each through its own client library. Rather than teach every
library to record, the audit points each adapter at a small local reverse
proxy: the ``Recorder`` forwards each request to the real node and keeps the
request and response bodies; the ``Replayer`` answers the same requests from
the recorded log with no network at all. The adapter code that runs on replay
is the code that ran live, so every number is recomputed, not copied.

Requests are matched by content: method, path and body, with JSON-RPC ``id``
fields removed (clients number requests differently each run). Identical
requests are answered in the order they were recorded. Headers are never
recorded, so credentials never reach the bundle.
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
from collections import defaultdict, deque
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


def request_key(method: str, path: str, body: bytes) -> str:
    """Canonical form of a request: JSON-RPC ids removed, keys sorted."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text) if body else None
    except json.JSONDecodeError:
        data = None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "id"}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    elif isinstance(data, list):
        data = [{k: v for k, v in d.items() if k != "id"} if isinstance(d, dict) else d
                for d in data]
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return f"{method} {path} {text}"


def _ids(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if isinstance(data, dict):
        return data.get("id")
    if isinstance(data, list):
        return [d.get("id") if isinstance(d, dict) else None for d in data]
    return None


def _encode(body: bytes) -> dict:
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode()}


def _decode(entry: dict) -> bytes:
    return entry["text"].encode("utf-8") if "text" in entry else base64.b64decode(entry["base64"])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "_Server":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Recorder:
    """A recording reverse proxy in front of one node."""

    def __init__(self, upstream: str, timeout: float = 120.0) -> None:
        parts = urlsplit(upstream)
        self._scheme = parts.scheme
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base_path = parts.path.rstrip("/")
        self._query = parts.query  # providers put API keys there (?api-key=...)
        self._auth = None
        if parts.username is not None:
            raw = f"{parts.username}:{parts.password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(raw).decode()
        self._timeout = timeout
        self._lock = threading.Lock()
        self._local = threading.local()
        self.log: list[dict] = []
        self._server = _Server(self._handler()).start()

    @property
    def url(self) -> str:
        return self._server.url

    def _forward(self, method: str, path: str, body: bytes, headers: dict) -> tuple[int, str,
                                                                                     bytes]:
        out = {"Content-Type": headers.get("Content-Type", "application/json")}
        auth = headers.get("Authorization") or self._auth
        if auth:
            out["Authorization"] = auth
        for attempt in (0, 1):
            conn = self._connection()
            try:
                conn.request(method, self._target(path), body=body or None, headers=out)
                resp = conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self._drop()
                return resp.status, resp.getheader("Content-Type", ""), data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop()  # a kept-alive connection the node closed: once more, afresh
                if attempt:
                    raise
            except BaseException:
                self._drop()
                raise
        raise AssertionError("unreachable")

    def _target(self, path: str) -> str:
        """The node's path for a client's request to the proxy: the upstream's own path
        and query, then the client's."""
        client_path, _, client_query = path.partition("?")
        if client_path == "/" and self._base_path:
            client_path = ""  # http://node/key + "/" is http://node/key, not .../key/
        query = "&".join(q for q in (self._query, client_query) if q)
        return (self._base_path + client_path or "/") + (f"?{query}" if query else "")

    def _connection(self) -> http.client.HTTPConnection:
        """This thread's kept-alive connection to the node (one per client connection)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else \
                http.client.HTTPConnection
            conn = self._local.conn = cls(self._host, self._port, timeout=self._timeout)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _handler(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep connections alive: clients send many requests
            wbufsize = -1                   # headers and body leave in one segment ...
            disable_nagle_algorithm = True  # ... at once, not after a delayed ACK

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    status, ctype, data = recorder._forward(self.command, self.path, body,
                                                            dict(self.headers))
                except OSError as e:
                    self.send_error(502, f"upstream node unreachable: {e.__class__.__name__}")
                    return
                with recorder._lock:
                    recorder.log.append({
                        "key": request_key(self.command, self.path, body),
                        "request_ids": _ids(body), "status": status, "content_type": ctype,
                        "response": _encode(data)})
                self.send_response(status)
                self.send_header("Content-Type", ctype or "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        return Handler

    def close(self) -> None:
        self._server.stop()

    def entries(self) -> list[dict]:
        """The log in a stable order: by request, then by arrival for equal requests."""
        order: dict[str, int] = defaultdict(int)
        out = []
        for e in self.log:
            out.append(dict(e, seq=order[e["key"]]))
            order[e["key"]] += 1
        return sorted(out, key=lambda e: (e["key"], e["seq"]))


class MissingAnswerError(Exception):
    pass


class Replayer:
    """Answers requests from a recorded log; anything not recorded is an error."""

    def __init__(self, entries: list[dict]) -> None:
        self._queues: dict[str, deque] = defaultdict(deque)
        for e in sorted(entries, key=lambda e: (e["key"], e.get("seq", 0))):
            self._queues[e["key"]].append(e)
        self._lock = threading.Lock()
        self.missing: list[str] = []
        self._server = _Server(self._handler()).start()

    @property
    def url(self) -> str:
        return self._server.url

    def _handler(self):
        replayer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep connections alive: clients send many requests
            wbufsize = -1                   # headers and body leave in one segment ...
            disable_nagle_algorithm = True  # ... at once, not after a delayed ACK

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                key = request_key(self.command, self.path, body)
                with replayer._lock:
                    queue = replayer._queues.get(key)
                    entry = queue.popleft() if queue else None
                    if entry is None:
                        replayer.missing.append(key[:200])
                if entry is None:
                    self.send_error(599, "answer not in the evidence bundle")
                    return
                data = _rewrite_ids(_decode(entry["response"]), entry.get("request_ids"),
                                    _ids(body))
                self.send_response(entry["status"])
                self.send_header("Content-Type", entry.get("content_type") or "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        return Handler

    def close(self) -> None:
        self._server.stop()


def _rewrite_ids(data: bytes, old: Any, new: Any) -> bytes:
    """Give a recorded JSON-RPC answer the ids of the request being answered now."""
    if old == new or old is None:
        return data
    try:
        resp = json.loads(data, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return data
    if isinstance(resp, dict) and not isinstance(old, list):
        resp["id"] = new
    elif isinstance(resp, list) and isinstance(old, list) and isinstance(new, list):
        mapping = {json.dumps(o): n for o, n in zip(old, new)}
        for r in resp:
            if isinstance(r, dict) and json.dumps(r.get("id")) in mapping:
                r["id"] = mapping[json.dumps(r.get("id"))]
    else:
        return data
    return _dumps(resp).encode()


def _dumps(value: Any) -> str:
    """JSON text that keeps every number's exact value (floats were read as Decimal)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)
