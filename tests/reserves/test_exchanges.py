"""The recording proxy and the replayer, against a real JSON-RPC server of our own."""

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reserves.evidence.exchanges import Recorder, Replayer, request_key


class _Node(BaseHTTPRequestHandler):
    """A tiny JSON-RPC node: answers getblockcount and echoes params, checks auth."""

    calls = 0

    def log_message(self, *a):
        pass

    def do_POST(self):
        if self.headers.get("Authorization") != "Basic dTpw":  # u:p
            self.send_response(401)
            self.end_headers()
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls += 1

        def answer(req):
            result = {"count": 7, "amount": 0.00000001} if req["method"] == "getblockcount" \
                else req["params"]
            return {"id": req["id"], "result": result, "error": None}

        out = [answer(r) for r in body] if isinstance(body, list) else answer(body)
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def node():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Node)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://u:p@127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _post(url, payload):
    req = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def test_record_then_replay_with_other_ids(node):
    rec = Recorder(node)
    try:
        a = _post(rec.url + "/", {"id": 1, "method": "getblockcount", "params": []})
        b = _post(rec.url + "/", [{"id": 2, "method": "echo", "params": [1]},
                                  {"id": 3, "method": "echo", "params": [2]}])
    finally:
        rec.close()
    assert a["result"]["count"] == 7 and [x["result"] for x in b] == [[1], [2]]
    entries = rec.entries()
    assert len(entries) == 2
    assert "u:p" not in json.dumps(entries)  # credentials never recorded
    calls_before = _Node.calls
    rep = Replayer(json.loads(json.dumps(entries)))
    try:
        a2 = _post(rep.url + "/", {"id": 41, "method": "getblockcount", "params": []})
        b2 = _post(rep.url + "/", [{"id": "x", "method": "echo", "params": [1]},
                                   {"id": "y", "method": "echo", "params": [2]}])
        with pytest.raises(urllib.error.HTTPError) as e:
            _post(rep.url + "/", {"id": 5, "method": "getblockcount", "params": []})
        assert e.value.code == 599
    finally:
        rep.close()
    assert _Node.calls == calls_before  # replay never touched the node
    assert a2["id"] == 41 and a2["result"]["count"] == 7
    assert str(a2["result"]["amount"]) in ("1e-08", "1E-8")
    assert [x["id"] for x in b2] == ["x", "y"] and [x["result"] for x in b2] == [[1], [2]]
    assert rep.missing and "getblockcount" in rep.missing[0]


def test_request_key_ignores_ids_only():
    k1 = request_key("POST", "/", b'{"id":1,"method":"m","params":[1]}')
    k2 = request_key("POST", "/", b'{"params":[1],"method":"m","id":99}')
    k3 = request_key("POST", "/", b'{"params":[2],"method":"m","id":99}')
    assert k1 == k2 != k3
