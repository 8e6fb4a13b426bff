"""A minimal Language Server Protocol client for pyright's language server, over stdio.

Just enough of LSP for the completion tests: Content-Length framed JSON-RPC, ``initialize``
(answering the server's ``workspace/configuration`` requests with fixed settings), opening an
in-memory document and asking for completions. Every wait is bounded, so a hung or crashed
server fails the test instead of hanging it; the server process is stopped by its Popen handle.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

IDE_DIR = Path(__file__).resolve().parent.parent / "ide"
LANGSERVER = IDE_DIR / "node_modules" / "pyright" / "langserver.index.js"
INSTALL_COMMAND = "npm ci --prefix tests/ide"
RESPONSE_TIMEOUT = 60.0  # the first completion parses typeshed's builtins: a few seconds
STOP_TIMEOUT = 10.0


class PyrightUnavailable(RuntimeError):
    """node or pyright's node_modules are missing; the message says how to install them."""


class LanguageServerError(RuntimeError):
    """The server answered with an error, exited, or did not answer in time."""


def check_pyright_installed() -> None:
    """Raise ``PyrightUnavailable`` (with the install command) when pyright can't run."""
    if shutil.which("node") is None:
        raise PyrightUnavailable(
            "the pyright completion tests need Node.js on PATH to run pyright's language "
            f"server; then install it with: {INSTALL_COMMAND}"
        )
    if not LANGSERVER.is_file():
        raise PyrightUnavailable(
            f"pyright is not installed ({LANGSERVER} is missing); install it with: "
            f"{INSTALL_COMMAND}"
        )


def _read_messages(stream: IO[bytes], messages: queue.Queue[dict[str, Any] | None]) -> None:
    """Put each JSON-RPC message read from ``stream`` on ``messages``; ``None`` at the end."""
    try:
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                header = header.strip()
                if not header:
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                return
            messages.put(json.loads(stream.read(length).decode("utf-8")))
    finally:
        messages.put(None)


def _drain(stream: IO[bytes], tail: collections.deque[str]) -> None:
    for line in stream:
        tail.append(line.decode("utf-8", "replace").rstrip())


class LanguageServer:
    """``node langserver.index.js --stdio``, started in ``root`` with the given settings.

    ``settings`` maps a configuration section (``"python"``, ``"python.analysis"``, ...) to
    its value; the server asks for them with ``workspace/configuration``.
    """

    def __init__(self, root: Path, settings: Mapping[str, Mapping[str, Any]]) -> None:
        check_pyright_installed()
        self.root = root
        self._settings = settings
        self._next_id = 0
        self._trigger_characters: frozenset[str] = frozenset()
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._log: collections.deque[str] = collections.deque(maxlen=40)
        self._process = subprocess.Popen(
            ["node", str(LANGSERVER), "--stdio"],
            cwd=root,
            env=dict(os.environ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            threading.Thread(
                target=_read_messages, args=(self._process.stdout, self._messages), daemon=True
            ),
            threading.Thread(target=_drain, args=(self._process.stderr, self._log), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    # -- JSON-RPC ------------------------------------------------------------------------------

    def _send(self, message: Mapping[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = RESPONSE_TIMEOUT) -> Any:
        """Send a request and return its result, answering the server's requests meanwhile."""
        self._next_id += 1
        request_id = self._next_id
        self._send({"id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise queue.Empty
                message = self._messages.get(timeout=remaining)
            except queue.Empty:
                raise LanguageServerError(
                    f"pyright did not answer {method} within {timeout:.0f} s{self._log_tail()}"
                ) from None
            if message is None:
                raise LanguageServerError(
                    f"pyright exited (status {self._process.poll()}) while answering "
                    f"{method}{self._log_tail()}"
                )
            if "method" in message:
                self._on_server_message(message)
            elif message.get("id") == request_id:
                if "error" in message:
                    raise LanguageServerError(f"{method} failed: {message['error']}")
                return message.get("result")

    def _on_server_message(self, message: Mapping[str, Any]) -> None:
        method = message["method"]
        if method == "window/logMessage":
            self._log.append(str(message.get("params", {}).get("message", "")))
        if "id" not in message:
            return  # a notification (diagnostics, progress, logs)
        result: Any = None
        if method == "workspace/configuration":
            result = [
                self._settings.get(item.get("section", ""), {})
                for item in message["params"]["items"]
            ]
        self._send({"id": message["id"], "result": result})

    def _log_tail(self) -> str:
        return "; its last log lines:\n" + "\n".join(self._log) if self._log else ""

    # -- lifecycle -----------------------------------------------------------------------------

    def initialize(self) -> None:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.root.as_uri(),
                "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "workspaceFolders": True},
                    "textDocument": {
                        "synchronization": {"dynamicRegistration": False},
                        "completion": {
                            "completionItem": {"snippetSupport": False},
                            "contextSupport": True,
                        },
                    },
                },
            },
        )
        completion = result["capabilities"].get("completionProvider") or {}
        self._trigger_characters = frozenset(completion.get("triggerCharacters", ()))
        self.notify("initialized", {})

    def close(self) -> None:
        """``shutdown`` and ``exit``; then terminate (or kill) the process if it still runs."""
        try:
            if self._process.poll() is None:
                self.request("shutdown", None, timeout=STOP_TIMEOUT)
                self.notify("exit", None)
                self._process.wait(timeout=STOP_TIMEOUT)
        except (LanguageServerError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            for reader in self._readers:  # they stop at the end of the pipes
                reader.join(timeout=STOP_TIMEOUT)
            for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
                if stream is not None:
                    stream.close()

    # -- documents -----------------------------------------------------------------------------

    def complete(self, uri: str, source: str, offset: int) -> list[dict[str, Any]]:
        """The completion items at ``offset`` in ``source``, opened (in memory only) as ``uri``.

        Asked as an editor asks right after the user typed the character before ``offset``: as
        triggered by it when it is one of the server's trigger characters (``.``, ``"``, ...).
        """
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": source}},
        )
        try:
            before = source[:offset].split("\n")
            typed = source[offset - 1 : offset]
            context: dict[str, Any] = {"triggerKind": 1}  # Invoked
            if typed in self._trigger_characters:
                context = {"triggerKind": 2, "triggerCharacter": typed}  # TriggerCharacter
            result = self.request(
                "textDocument/completion",
                {
                    "textDocument": {"uri": uri},
                    # LSP counts a line's characters in UTF-16 code units.
                    "position": {
                        "line": len(before) - 1,
                        "character": len(before[-1].encode("utf-16-le")) // 2,
                    },
                    "context": context,
                },
            )
        finally:
            self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        if result is None:
            return []
        items = result["items"] if isinstance(result, dict) else result
        return list(items)
