"""The language server survives malformed input and answers every request.

These tests speak raw JSON-RPC over the server's stdin and stdout (a real LSP client would
refuse to send most of this), so they need no LSP library and run on every Python we support.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any, Optional

import pytest

from lsp_helpers import SERVER, SOURCE

TIMEOUT = 20


class RawServer:
    def __init__(self, cwd) -> None:
        self.process = subprocess.Popen(
            SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
        )
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr: list[bytes] = []
        threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True).start()
        self.next_id = 0
        self.stray: list[dict] = []  # responses to requests nobody waited for

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            self.messages.put(json.loads(stream.read(length)))

    def write(self, body: bytes) -> None:
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def send(self, message: Any) -> None:
        self.write(json.dumps(message).encode())

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any = None) -> dict:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.response(self.next_id)

    def _next(self, deadline: float) -> Optional[dict]:
        """The next message if it is a response; a request to the client is answered and a
        notification kept aside (None for both)."""
        message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
        if "method" not in message:
            return message
        if "id" in message:
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        else:
            self.notifications.append(message)
        return None

    def answer(self, deadline: Optional[float] = None) -> dict:
        """The next response, whatever its id."""
        deadline = deadline or time.monotonic() + TIMEOUT
        while True:
            message = self._next(deadline)
            if message is not None:
                return message

    def response(self, msg_id: Any) -> dict:
        """The response with this id; any other is kept in `stray`."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self.answer(deadline)
            if "id" in message and message["id"] == msg_id:
                return message
            self.stray.append(message)

    def notification(self, method: str, uri: Optional[str] = None) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, message in enumerate(self.notifications):
                if message["method"] == method and (uri is None or message["params"].get("uri") == uri):
                    return self.notifications.pop(index)
            message = self._next(deadline)
            if message is not None:
                self.stray.append(message)

    def initialize(self, root) -> None:
        result = self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        assert "result" in result, result
        self.notify("initialized", {})

    def open(self, uri: str, text: str) -> dict:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        return self.notification("textDocument/publishDiagnostics", uri)

    def finish(self) -> int:
        assert self.request("shutdown")["result"] is None
        self.notify("exit")
        return self.process.wait(timeout=5)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def server(tmp_path):
    raw = RawServer(tmp_path)
    raw.initialize(tmp_path)
    yield raw
    raw.kill()


HOVER = {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}

# Raw bodies a broken or hostile client might send, the id the answer must carry (None: null, as
# JSON-RPC requires when the request's id cannot be read) and the error code.
MALFORMED = [
    (b"{not json", None, -32700),  # parse error
    (b"[1, 2]", None, -32600),  # not an object
    (b"[]", None, -32600),
    (b"42", None, -32600),
    (b'"hello"', None, -32600),
    (b"null", None, -32600),
    (b"{}", None, -32600),
    (json.dumps({"id": 900, "method": "textDocument/hover", "params": HOVER}).encode(), 900, -32600),  # no "jsonrpc"
    (json.dumps({"jsonrpc": "1.0", "id": 901, "method": "textDocument/hover", "params": HOVER}).encode(), 901, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": 902, "method": 42}).encode(), 902, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": 911, "method": 42, "params": {"n": 1}}).encode(), 911, -32600),
    (json.dumps({"jsonrpc": "2.0", "method": 42, "params": {}}).encode(), None, -32600),  # as in the JSON-RPC spec
    (json.dumps({"jsonrpc": "2.0", "id": 903, "method": None, "params": HOVER}).encode(), 903, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": {"n": 1}, "method": "textDocument/hover", "params": HOVER}).encode(), None, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": [904], "method": "shutdown"}).encode(), None, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": True, "method": "shutdown"}).encode(), None, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": 1.5, "method": "shutdown"}).encode(), None, -32600),
    (json.dumps({"jsonrpc": "2.0", "id": 905, "method": "pitfalls/noSuchMethod", "params": {}}).encode(), 905, -32601),
    (json.dumps({"jsonrpc": "2.0", "id": "906", "method": "pitfalls/noSuchMethod"}).encode(), "906", -32601),
    # Params that do not fit the method: pygls alone would never answer (the editor hangs).
    (json.dumps({"jsonrpc": "2.0", "id": 907, "method": "textDocument/hover", "params": {"position": "x"}}).encode(), 907, -32602),
    (json.dumps({"jsonrpc": "2.0", "id": 908, "method": "textDocument/hover", "params": [1, 2]}).encode(), 908, -32602),
    (json.dumps({"jsonrpc": "2.0", "id": 909, "method": "textDocument/hover"}).encode(), 909, -32602),
]


@pytest.mark.parametrize(("body", "msg_id", "code"), MALFORMED, ids=[m[0][:40].decode() for m in MALFORMED])
def test_malformed_requests_get_an_exact_json_rpc_error(server, body, msg_id, code):
    server.write(body)
    answer = server.answer()
    assert answer.keys() == {"jsonrpc", "id", "error"}, answer  # "id" is there even when null
    assert (answer["jsonrpc"], answer["id"], answer["error"]["code"]) == ("2.0", msg_id, code)
    assert set(answer["error"]) <= {"code", "message"} and answer["error"]["message"]
    assert "Traceback" not in json.dumps(answer) and "File \"" not in json.dumps(answer)
    # Still serving.
    assert server.request("textDocument/hover", HOVER) == {"jsonrpc": "2.0", "id": server.next_id, "result": None}


def test_messages_owed_no_answer_are_survived(server, tmp_path):
    server.notify("pitfalls/noSuchNotification", {})
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never/opened.py", "version": 2},
                                             "contentChanges": [{"text": "x = 1\n"}]})
    server.notify("textDocument/didOpen", {"textDocument": "not an object"})
    server.send({"method": "textDocument/didOpen", "params": {}})  # a notification without "jsonrpc"
    server.send({"jsonrpc": "2.0", "id": 5})  # a response to nothing
    # A body without its Content-Length header is skipped up to its line break; the next is read.
    server.process.stdin.write(b'{"jsonrpc": "2.0", "id": 910, "method": "shutdown"}\r\n')
    uri = (tmp_path / "shop.py").as_uri()
    assert [d["code"] for d in server.open(uri, SOURCE)["params"]["diagnostics"]] == ["PIT101"]
    assert server.finish() == 0
    assert server.stray == []  # nothing was answered


def test_positions_out_of_range_and_unknown_documents(server, tmp_path):
    uri = (tmp_path / "shop.py").as_uri()
    server.open(uri, SOURCE)
    for position in ({"line": 10**6, "character": 0}, {"line": 0, "character": 10**6}, {"line": 2**31 - 1, "character": 2**31 - 1}):
        response = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
        assert response.get("result") is None and "error" not in response
    where = {"start": {"line": 10**6, "character": 0}, "end": {"line": 10**6 + 1, "character": 5}}
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": where, "context": {"diagnostics": []}})
    assert actions["result"] == []
    unknown = "file:///never/opened.py"
    assert server.request("textDocument/hover", {"textDocument": {"uri": unknown}, "position": {"line": 0, "character": 0}})["result"] is None
    report = server.request("textDocument/diagnostic", {"textDocument": {"uri": unknown}})
    assert report["result"]["items"] == []
    # An incremental change far beyond the end of the document.
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 500, "character": 3}, "end": {"line": 900, "character": 0}}, "text": "x"}]})
    assert server.notification("textDocument/publishDiagnostics", uri)["params"]["version"] == 2
    assert server.finish() == 0


def test_documents_that_cannot_be_checked(server, tmp_path):
    broken = (tmp_path / "broken.py").as_uri()
    assert server.open(broken, "def f(:\n")["params"]["diagnostics"] == []
    log = server.notification("window/logMessage")["params"]["message"]
    assert "broken.py: not checked: syntax error" in log
    surrogate = (tmp_path / "surrogate.py").as_uri()
    server.write(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": surrogate, "languageId": "python", "version": 1, "text": "s = '\ud800'\ndef f(a=[]): pass\n"}}}).encode())
    assert server.notification("textDocument/publishDiagnostics", surrogate)["params"]["diagnostics"] == []
    hover = server.request("textDocument/hover", {"textDocument": {"uri": surrogate}, "position": {"line": 1, "character": 9}})
    assert hover["result"] is None
    nul = (tmp_path / "nul.py").as_uri()
    assert server.open(nul, "x = 1\0\n")["params"]["diagnostics"] == []
    assert server.finish() == 0


def test_a_five_megabyte_document(server, tmp_path):
    uri = (tmp_path / "big.py").as_uri()
    block = "def f{n}(x, seen={default}):\n    '''A function with a long docstring, to make the file large.'''\n    seen.append(x)\n    return seen\n\n"
    text = "".join(block.format(n=n, default="[]" if n % 100 == 0 else "None") for n in range(50_000))
    assert len(text.encode()) > 5_000_000
    small = (tmp_path / "small.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    # Another document is served while the big one is checked.
    assert [d["code"] for d in server.open(small, SOURCE)["params"]["diagnostics"]] == ["PIT101"]
    diagnostics = server.notification("textDocument/publishDiagnostics", uri)["params"]["diagnostics"]
    assert len(diagnostics) == 500
    assert diagnostics[-1]["range"]["start"]["line"] == 49_900 * 5
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 17}})
    assert "PIT101" in hover["result"]["contents"]["value"]
    assert server.finish() == 0


def test_requests_after_shutdown_get_an_error_and_exit_is_prompt(tmp_path):
    server = RawServer(tmp_path)
    try:
        server.initialize(tmp_path)
        assert server.request("shutdown")["result"] is None
        late = server.request("textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}})
        assert late["error"]["code"] == -32600
        started = time.monotonic()
        server.notify("exit")
        assert server.process.wait(timeout=5) == 0
        assert time.monotonic() - started < 2
    finally:
        server.kill()


def test_exit_without_shutdown_is_code_one(tmp_path):
    server = RawServer(tmp_path)
    try:
        server.initialize(tmp_path)
        server.notify("exit")
        assert server.process.wait(timeout=5) == 1
    finally:
        server.kill()


def test_a_request_before_initialize_is_answered(tmp_path):
    server = RawServer(tmp_path)
    try:
        response = server.request("textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}})
        assert "error" in response or response.get("result") is None
        server.initialize(tmp_path)
        assert server.finish() == 0
    finally:
        server.kill()


def test_no_traceback_reaches_stderr(server, tmp_path):
    server.write(b"{not json")
    server.response(None)
    server.send({"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover", "params": {"position": "x"}})
    server.response(77)
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never.py", "version": 1}, "contentChanges": []})
    assert server.finish() == 0
    time.sleep(0.2)
    assert b"Traceback" not in b"".join(server.stderr)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_tcp_serves_on_loopback(tmp_path):
    import socket

    port = _free_port()
    process = subprocess.Popen([*SERVER, "--tcp", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.05)
        stream = connection.makefile("rwb")

        def call(message: dict) -> Optional[dict]:
            body = json.dumps(message).encode()
            stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            stream.flush()
            if "id" not in message:
                return None
            while True:
                length = 0
                while True:
                    line = stream.readline()
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                    if line in (b"\r\n", b""):
                        break
                reply = json.loads(stream.read(length))
                if reply.get("id") == message["id"] and "method" not in reply:
                    return reply

        initialized = call({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
        assert initialized["result"]["serverInfo"]["name"] == "pitfalls"
        assert call({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})["result"] is None
        call({"jsonrpc": "2.0", "method": "exit"})
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_many_documents_edited_at_once_and_a_very_long_line(server, tmp_path):
    uris = [(tmp_path / f"m{n}.py").as_uri() for n in range(40)]
    for uri in uris:  # opened and edited without waiting for anything
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": SOURCE}})
    for version in range(2, 6):
        for uri in uris:
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}, "text": "#"}]})
    latest = {}
    while len(latest) < len(uris) or any(v != 5 for v in latest.values()):
        params = server.notification("textDocument/publishDiagnostics")["params"]
        assert params["version"] >= latest.get(params["uri"], 0)  # never an older result after a newer one
        latest[params["uri"]] = params["version"]
    long_uri = (tmp_path / "long.py").as_uri()
    long_line = "x = [" + ", ".join(str(n) for n in range(200_000)) + "]\n"
    diagnostics = server.open(long_uri, long_line + "def f(a=[]):\n    a.append(1)\n")["params"]["diagnostics"]
    assert [d["range"]["start"]["line"] for d in diagnostics] == [1]
    hover = server.request("textDocument/hover", {"textDocument": {"uri": long_uri},
                                                  "position": {"line": 0, "character": 1_000_000}})
    assert hover["result"] is None
    assert server.finish() == 0
