"""Real HTTP servers on 127.0.0.1 for redirect tests: one redirects, the other records.

The ``servers`` fixture (``tests/runtime/conftest.py``) starts them:
``start(location)`` answers every request with a redirect to ``location`` (``status``, 307 by
default); ``start(None)`` answers 200 with a JSON token. Each returns ``(base URL, seen)``,
``seen`` growing with ``(method, path, headers, body)`` of every request received.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

ANSWER = {"access_token": "from-the-other-host", "token_type": "Bearer", "expires_in": 3600}


class Seen(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Server = tuple[str, list[Seen]]
StartServer = Callable[..., Server]


class _Recorder(BaseHTTPRequestHandler):
    seen: list[Seen]
    location: str | None
    status: int

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
        if self.location is not None:
            self.send_response(self.status)
            self.send_header("Location", self.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        answer = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running_servers() -> Iterator[StartServer]:
    started: list[ThreadingHTTPServer] = []

    def start(location: str | None, status: int = 307) -> Server:
        seen: list[Seen] = []
        attributes = {"seen": seen, "location": location, "status": status}
        server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Recorder,), attributes))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    try:
        yield start
    finally:
        for server in started:
            server.shutdown()
            server.server_close()
