"""JSON-RPC hardening on top of pygls: every request gets an answer, nothing kills the server.

pygls 2 drops some bad requests without a response (params that do not match the method's
type, a message that is not a JSON object, a request after `shutdown`); an editor then waits for
ever. Each case is answered here with the JSON-RPC error the specification names, with "id":
null where the request's id could not be read, and never with a Python traceback.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Optional

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcMethodNotFound,
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


_NO_ANSWER = object()  # the id of a message owed no answer (a notification, a response)


def _readable_id(message: dict) -> Any:
    """The id to answer with: null when it is missing or of a type JSON-RPC and LSP forbid."""
    msg_id = message.get("id")
    return msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None


class _Invalid:
    """A message that is not a valid JSON-RPC 2.0 request: answered with `error` in handle_message
    (id null where none could be read), or only logged when no answer is owed."""

    def __init__(self, msg_id: Any, error: JsonRpcException):
        self.id = msg_id
        self.error = error


def _invalid_envelope(message: Any) -> _Invalid:
    """Whatever reached handle_message without "jsonrpc": "2.0" (a list, a number, an object
    without it or with another version)."""
    error = JsonRpcInvalidRequest('not a JSON-RPC 2.0 request (an object with "jsonrpc": "2.0" is expected)')
    if not isinstance(message, dict):
        return _Invalid(None, error)
    if "id" not in message:  # a notification is owed no answer; `{}` is answered with id null
        return _Invalid(_NO_ANSWER if "method" in message else None, error)
    if "method" not in message:
        return _Invalid(_NO_ANSWER, error)  # a response
    return _Invalid(_readable_id(message), error)


class Protocol(LanguageServerProtocol):
    def structure_message(self, data: Any):
        # Called by json.loads for every object, nested ones first: only a message has "jsonrpc".
        # One of another version (or none) is left as it is, for handle_message to answer.
        if not isinstance(data, dict) or data.get("jsonrpc") != self.VERSION:
            return data
        if "method" in data:
            if not isinstance(data["method"], str):
                return _Invalid(_readable_id(data), JsonRpcInvalidRequest('"method" must be a string'))
            if "id" in data and _readable_id(data) is None:
                return _Invalid(None, JsonRpcInvalidRequest('"id" must be an integer or a string'))
        try:
            return super().structure_message(data)
        except JsonRpcException:
            if "id" not in data or "method" not in data:
                raise  # a notification or a response: logged, nothing to answer
            method = data["method"]
            if method not in self.fm.builtin_features and method not in self.fm.features:
                return _Invalid(data["id"], JsonRpcMethodNotFound.of(method))
            return _Invalid(data["id"], JsonRpcInvalidParams(f"invalid params for {method!r}"))

    def handle_message(self, message: Any) -> None:
        if not isinstance(message, _Invalid) and getattr(message, "jsonrpc", None) != self.VERSION:
            message = _invalid_envelope(message)
        if isinstance(message, _Invalid):
            if message.id is _NO_ANSWER:
                logger.warning("ignored a message that is not JSON-RPC 2.0")
            else:
                self._send_response(message.id, error=message.error.to_response_error())
            return
        method = getattr(message, "method", None)
        if self._shutdown and method not in (None, types.EXIT) and getattr(message, "id", None) is not None:
            self._send_response(message.id, error=JsonRpcInvalidRequest("the server is shutting down").to_response_error())
            return
        super().handle_message(message)

    def _send_response(self, msg_id: Any, result: Any = None, error: Optional[types.ResponseError] = None) -> None:
        """pygls leaves out a null id (JSON-RPC requires it: a strict client drops the answer) and
        puts a Python traceback in an internal error's `data` (it is logged instead)."""
        if error is None:
            super()._send_response(msg_id, result)
            return
        if isinstance(error.data, dict) and "traceback" in error.data:
            error = types.ResponseError(code=error.code, message=error.message)
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id, "error": self._converter.unstructure(error)})

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
        self._send_response(None, error=JsonRpcParseError(f"invalid JSON: {error}").to_response_error())


def is_parse_error(error: Exception) -> bool:
    return isinstance(error, (json.JSONDecodeError, UnicodeDecodeError))


