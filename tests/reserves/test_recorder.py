"""The recording proxy reaches the node at its own path and query (API keys live there)."""

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reserves.evidence.exchanges import Recorder, Replayer


@pytest.fixture
def echo():
    """A node that answers each request with the path it was asked for."""
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            data = json.dumps({"jsonrpc": "2.0", "id": 1, "result": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _post(url, path="/"):
    req = urllib.request.Request(url + path, data=b'{"jsonrpc":"2.0","id":7,"method":"m"}',
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


@pytest.mark.parametrize("upstream,client_path,seen", [
    ("", "/", "/"),
    ("/v3/KEY", "/", "/v3/KEY"),
    ("/?api-key=KEY", "/", "/?api-key=KEY"),
    ("/rest", "/tx/address/abc?limit=5", "/rest/tx/address/abc?limit=5"),
    ("/?api-key=KEY", "/x?y=1", "/x?api-key=KEY&y=1"),
])
def test_node_sees_its_own_path_and_query(echo, upstream, client_path, seen):
    recorder = Recorder(echo + upstream)
    try:
        answer = _post(recorder.url, client_path)
        again = _post(recorder.url, client_path)  # over the kept-alive connection
    finally:
        recorder.close()
    assert answer["result"] == seen and again["result"] == seen
    # What was recorded answers the same request offline, and nothing else.
    replayer = Replayer(recorder.entries())
    try:
        assert _post(replayer.url, client_path)["result"] == seen
        assert _post(replayer.url, client_path)["result"] == seen
        with pytest.raises(urllib.error.HTTPError):
            _post(replayer.url, client_path)
    finally:
        replayer.close()
