"""JSON-RPC hardening on top of pygls: every request gets an answer, nothing kills the server.

pygls 2 drops some bad requests without a response (params that do not match the method's
type, a message that is not a JSON object, a request after `shutdown`); an editor then waits for
ever. Each case is answered here with the JSON-RPC error the specification names.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument

logger = logging.getLogger("pitfalls_lsp")

# LSP counts lines as `ast` does (\r\n, \r, \n); str.splitlines also splits on \f, \v, \x1c...,
# which pygls uses, and an incremental edit below a form feed would land on the wrong line.
_LSP_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class Document(TextDocument):
    @property
    def lines(self):
        return tuple(_LSP_LINES.findall(self.source))


class _Unanswerable:
    """A request pygls could not decode: answered with `error` in handle_message."""

    def __init__(self, msg_id: Any, error: JsonRpcException):
        self.id = msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None
        self.error = error


def _error(exc_type: type[JsonRpcException], message: str) -> types.ResponseError:
    return exc_type(message).to_response_error()


class Protocol(LanguageServerProtocol):
    def structure_message(self, data: Any):
        if isinstance(data, dict) and "jsonrpc" in data and data["jsonrpc"] != self.VERSION:
            return dict(data, jsonrpc=None)  # answered as an invalid request in handle_message
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                params_error = isinstance(exc, JsonRpcInvalidParams) or "params" in data
                kind = JsonRpcInvalidParams if params_error else JsonRpcInvalidRequest
                return _Unanswerable(data["id"], kind(f"invalid params for {data.get('method')!r}"))
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Unanswerable):
            self._send_response(message.id, error=message.error.to_response_error())
            return
        if not hasattr(message, "jsonrpc") or getattr(message, "jsonrpc", None) != self.VERSION:
            # Not a JSON-RPC 2.0 message (a list, a number, an object without "jsonrpc").
            msg_id = _request_id(message)
            logger.warning("ignored a message that is not JSON-RPC 2.0: %.200r", message)
            if msg_id is not _NO_ID:
                self._send_response(msg_id, error=_error(JsonRpcInvalidRequest, "not a JSON-RPC 2.0 request"))
            return
        method = getattr(message, "method", None)
        if self._shutdown and method not in (None, types.EXIT) and getattr(message, "id", None) is not None:
            self._send_response(message.id, error=_error(JsonRpcInvalidRequest, "the server is shutting down"))
            return
        super().handle_message(message)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        result = yield from super().lsp_initialize(params)
        if not getattr(self._server, "pull", True):
            # Push only: a client that cannot be told to pull again would keep stale results
            # after a settings change, and one that gets both shows every finding twice.
            result.capabilities.diagnostic_provider = None
        return result

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if self._workspace is None or self.workspace.text_documents.get(params.text_document.uri) is None:
            logger.warning("ignored a change to %s, which is not open", params.text_document.uri)
            return None
        return (yield from super().lsp_text_document__did_change(params))

    def report_parse_error(self, error: Exception) -> None:
        """Malformed JSON: the request's id is unknowable, so the answer's id is null."""
        self._send_response(None, error=_error(JsonRpcParseError, f"invalid JSON: {error}"))


_NO_ID = object()


def _request_id(message: Any) -> Any:
    """The id to answer a malformed message with; _NO_ID for something that looks like a
    notification (no answer is due), None when no id can be read (JSON-RPC answers with null)."""
    if hasattr(message, "jsonrpc"):  # a typed message with the wrong version
        if not hasattr(message, "method"):
            return _NO_ID  # a response: nothing to answer
        message = {"id": message.id} if hasattr(message, "id") else {"method": message.method}
    if isinstance(message, dict):
        if "id" not in message:
            return _NO_ID if "method" in message else None
        msg_id = message["id"]
        return msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None
    return None


def is_parse_error(error: Exception) -> bool:
    return isinstance(error, (json.JSONDecodeError, UnicodeDecodeError))


