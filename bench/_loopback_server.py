"""A keep-alive HTTP server on 127.0.0.1 for the session benchmarks, run in a thread.

``GET`` anything answers a small JSON document; ``POST /token`` answers a bearer token.
Used as a context manager: the server is shut down and its socket closed on exit.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

RESOURCE = json.dumps({"id": 1, "login": "octocat", "name": "The Octocat"}).encode()
TOKEN = json.dumps(
    {
        "access_token": "a" * 40,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "r" * 40,
        "scope": "read write",
    }
).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API server
    # Headers and body leave in one write with Nagle off: split writes would meet the
    # client's delayed ACK and add ~40 ms to a round trip.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(RESOURCE)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(TOKEN)

    def log_message(self, format: str, *args: object) -> None:
        pass


class LoopbackServer:
    """``with LoopbackServer() as base_url:`` serves on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
