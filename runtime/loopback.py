"""Loopback redirect receiver for CLI and desktop apps (RFC 8252 §7.3).

A native app cannot keep a client secret and has no web server of its own, so it listens on
the loopback interface for the one redirect that carries the authorization code::

    session = OAuth2Session(client_id, scope=["openid"], pkce="S256")
    token = authorize_with_loopback(session, AUTHORIZE_URL, TOKEN_URL)

or, step by step::

    with LoopbackRedirectReceiver() as receiver:
        session.redirect_uri = receiver.redirect_uri
        url, state = session.authorization_url(AUTHORIZE_URL)
        receiver.expect_state(state)
        webbrowser.open(url)
        callback_url = receiver.wait(timeout=300)
    token = session.fetch_token(TOKEN_URL, authorization_response=callback_url)

The receiver binds ``127.0.0.1`` (never all interfaces) on a port the OS picks, so the redirect
URI is known before the authorization URL is built. It accepts exactly one callback on its path
whose ``state`` matches (compared in constant time); a wrong or missing state gets a 400 page
and the receiver keeps waiting, so a hostile page that guesses the port cannot end or hijack
the flow. Then it stops serving and closes its socket. Nothing is written to stderr and the
query string, which carries the code, is never logged.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import html
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, urlsplit

from ._redact import secret_safe_logger
from ._transport import is_loopback_host

if TYPE_CHECKING:
    from .oauth2_session import OAuth2Session

__all__ = [
    "LoopbackRedirectReceiver",
    "LoopbackTimeoutError",
    "authorize_with_loopback",
]

log = secret_safe_logger(__name__)

LOOPBACK_HOST = "127.0.0.1"
DEFAULT_PATH = "/callback"
DEFAULT_TIMEOUT = 300.0

# How often the server thread checks whether it should stop.
_POLL_INTERVAL = 0.05
# A connection that sends nothing (a browser's speculative preconnect) is dropped after this.
_CONNECTION_TIMEOUT = 10.0
# On close, how long requests in flight may take to finish before their sockets are shut.
_CLOSE_GRACE = 1.0
# Bodies of refused non-GET requests are read (so the 405 is not lost to a reset) up to this.
_MAX_DISCARDED_BODY = 64 * 1024

_STYLE = (
    "body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;"
    "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f6f7f9;"
    "color:#1f2328}"
    "main{max-width:32rem;padding:2rem;text-align:center}"
    "h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:0;line-height:1.5}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
_PAGE_HEADERS = (
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Connection", "close"),
)
_CLOSE_HINT = "You can close this window and return to the application."


class LoopbackTimeoutError(TimeoutError):
    """No authorization callback reached the loopback receiver in time."""


def _page(title: str, message: str) -> str:
    """A small self-contained HTML page: no scripts, images or external resources."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1><p>{message}</p></main></body></html>"
    )


_SUCCESS_PAGE = _page("Authorization complete", _CLOSE_HINT)
_ALREADY_DONE_PAGE = _page("Authorization already complete", _CLOSE_HINT)
_BAD_STATE_PAGE = _page(
    "Invalid authorization response",
    "This response does not belong to the sign-in in progress (missing or wrong state).",
)
_BAD_HOST_PAGE = _page("Bad request", "Unexpected Host header.")
_NOT_FOUND_PAGE = _page("Not found", "Nothing here.")
_METHOD_NOT_ALLOWED_PAGE = _page("Method not allowed", "Only GET is supported.")


def _error_page(error: str) -> str:
    return _page(
        "Authorization was not completed",
        f"The authorization server answered <code>{html.escape(error)}</code>. {_CLOSE_HINT}",
    )


class _Server(HTTPServer):
    """An HTTP server on 127.0.0.1 that handles each connection in a tracked thread.

    ``server_close`` closes the listening socket, wakes connections that are still open and
    joins every request thread, so nothing outlives the receiver.
    """

    # POSIX: lets a fixed port be rebound while an old connection is in TIME_WAIT. On Windows
    # SO_REUSEADDR would let another process steal the port, so it gets SO_EXCLUSIVEADDRUSE.
    allow_reuse_address = sys.platform != "win32"
    request_queue_size = 16
    timeout = _POLL_INTERVAL

    def __init__(self, receiver: LoopbackRedirectReceiver, port: int) -> None:
        self.receiver = receiver
        self._lock = threading.Lock()
        self._closed = False
        self._connections: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        super().__init__((LOOPBACK_HOST, port), _Handler)

    def server_bind(self) -> None:
        exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
        if exclusive is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, exclusive, 1)
        # HTTPServer.server_bind would also resolve a host name (a DNS lookup); not needed.
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name = LOOPBACK_HOST
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        connection = cast(socket.socket, request)
        thread = threading.Thread(
            target=self._process_request_thread,
            args=(connection, client_address),
            name="oauthgen-loopback-request",
            daemon=True,
        )
        with self._lock:
            if self._closed:
                self.shutdown_request(connection)
                return
            self._connections.add(connection)
            self._threads.add(thread)
        thread.start()

    def _process_request_thread(self, connection: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(connection, client_address)
        except Exception:
            self.handle_error(connection, client_address)
        finally:
            with self._lock:
                self._connections.discard(connection)
            self.shutdown_request(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr, which could show the request line.
        error = sys.exc_info()[1]
        log.debug("loopback receiver: connection failed (%s)", type(error).__name__)

    def server_close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        super().server_close()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        # Wake connections blocked reading (an idle preconnect) but let responses finish.
        for connection in connections:
            _shutdown(connection, socket.SHUT_RD)
        deadline = time.monotonic() + _CLOSE_GRACE
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            stragglers = list(self._connections)
        for connection in stragglers:
            _shutdown(connection, socket.SHUT_RDWR)
        for thread in threads:
            thread.join(_CONNECTION_TIMEOUT)
            if thread.is_alive():  # pragma: no cover - a socket that ignores shutdown
                log.debug("loopback receiver: a request thread did not stop")


def _shutdown(connection: socket.socket, how: int) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(how)


class _Handler(BaseHTTPRequestHandler):
    """Serves the callback path; everything else is refused. Never logs."""

    server_version = "oauthgen-loopback"
    sys_version = ""
    protocol_version = "HTTP/1.0"
    timeout = _CONNECTION_TIMEOUT

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the request line carries the authorization code."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests get the same kind of page as everything else."""
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        self._send_page(code, _page(phrase, "The request could not be handled."))

    def _send_page(self, status: int, page: str, *extra: tuple[str, str]) -> None:
        body = page.encode("utf-8")
        self.send_response(status)
        for name, value in (*_PAGE_HEADERS, *extra):
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self) -> None:
        receiver = cast(_Server, self.server).receiver
        target = urlsplit(self.path)
        if target.path != receiver.path:
            self._send_page(HTTPStatus.NOT_FOUND, _NOT_FOUND_PAGE)
            return
        host = self.headers.get("Host")
        if host is not None and not is_loopback_host(urlsplit(f"//{host}").hostname or ""):
            # A DNS-rebinding page reaching 127.0.0.1 under its own name.
            self._send_page(HTTPStatus.BAD_REQUEST, _BAD_HOST_PAGE)
            return
        params = parse_qs(target.query, keep_blank_values=True)
        outcome = receiver._claim(params.get("state", []))
        if outcome == "bad-state":
            self._send_page(HTTPStatus.BAD_REQUEST, _BAD_STATE_PAGE)
            return
        if outcome == "already-done":
            self._send_page(HTTPStatus.CONFLICT, _ALREADY_DONE_PAGE)
            return
        try:
            errors = params.get("error")
            page = _error_page(errors[0]) if errors else _SUCCESS_PAGE
            self._send_page(HTTPStatus.OK, page)
        finally:
            # The callback counts even if the browser went away before reading the page.
            receiver._complete(f"{receiver.redirect_uri}?{target.query}")

    def _refuse_method(self) -> None:
        self._discard_body()
        self._send_page(HTTPStatus.METHOD_NOT_ALLOWED, _METHOD_NOT_ALLOWED_PAGE, ("Allow", "GET"))

    def _discard_body(self) -> None:
        """Read a small request body so closing the socket does not reset the connection."""
        try:
            remaining = min(int(self.headers.get("Content-Length", "0")), _MAX_DISCARDED_BODY)
        except ValueError:
            return
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 8192))
            if not chunk:
                return
            remaining -= len(chunk)

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse_method
    do_HEAD = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method


class LoopbackRedirectReceiver:
    """Receives one OAuth redirect on ``http://127.0.0.1:<port><path>`` (RFC 8252 §7.3).

    The socket is bound when the receiver is created, so ``redirect_uri`` is usable at once;
    requests are served from a background thread once the receiver is entered (or ``start``
    / ``wait`` is called). Leaving the ``with`` block (or ``close``) always stops serving,
    closes the socket and joins every thread.

    :param port: 0 (the default) lets the OS pick a free port, as RFC 8252 recommends; a fixed
        port is for providers that cannot register a port-less loopback redirect URI.
    :param path: the callback path, ``/callback`` by default.
    :param state: the expected ``state``, if already known (see ``expect_state``).
    """

    def __init__(
        self, port: int = 0, path: str = DEFAULT_PATH, *, state: str | None = None
    ) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {port}")
        if not path.startswith("/") or any(char in path for char in "?#") or path != path.strip():
            raise ValueError(f"path must be an absolute path without query or fragment: {path!r}")
        self.path = path
        self._lock = threading.Lock()
        self._expected_state: str | None = None
        self._claimed = False
        self._result: str | None = None
        self._done = threading.Event()
        self._stop = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        if state is not None:
            self.expect_state(state)
        self._server = _Server(self, port)
        self.port: int = self._server.server_port
        self.redirect_uri = f"http://{LOOPBACK_HOST}:{self.port}{path}"
        log.debug("loopback receiver listening on %s", self.redirect_uri)

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> LoopbackRedirectReceiver:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> LoopbackRedirectReceiver:
        """Start serving in a background thread (idempotent)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the loopback receiver is closed")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="oauthgen-loopback-server", daemon=True
                )
                self._thread.start()
        return self

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                self._server.handle_request()
        except Exception as error:  # pragma: no cover - the listening socket failed
            log.debug("loopback receiver stopped: %s", type(error).__name__)
        finally:
            self._server.server_close()
            self._done.set()

    def close(self) -> None:
        """Stop serving, close the socket and join the threads. Safe to call more than once."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._stop.set()
        if thread is None:
            self._server.server_close()
        elif thread is not threading.current_thread():
            thread.join()
        self._done.set()

    @property
    def address(self) -> tuple[str, int]:
        """The ``(host, port)`` the socket is bound to."""
        return (LOOPBACK_HOST, self.port)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def completed(self) -> bool:
        """True once the one callback with the expected state has been accepted."""
        return self._result is not None

    # -- the callback -----------------------------------------------------------------------

    def expect_state(self, state: str) -> None:
        """Set the ``state`` the callback must carry (the one ``authorization_url`` returned)."""
        if not isinstance(state, str) or not state:
            raise ValueError("the expected state must be a non-empty string")
        with self._lock:
            self._expected_state = state

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Block until the callback arrives; return its full URL, then shut down.

        The URL (``http://127.0.0.1:<port><path>?code=...&state=...``) goes to
        ``OAuth2Session.fetch_token(..., authorization_response=...)``, which verifies the state
        again and raises the provider's error for an error callback.

        :raises LoopbackTimeoutError: nothing arrived within ``timeout`` seconds; the receiver
            is closed.
        """
        if self._expected_state is None:
            raise RuntimeError("call expect_state(state) before wait(): no callback can match")
        arrived = True
        if self._result is None:
            self.start()
            arrived = self._done.wait(max(0.0, timeout))
        # Stop serving and close the socket before the code is used; a callback that won the
        # race against the timeout still counts.
        self.close()
        result = self._result
        if result is None:
            if not arrived:
                raise LoopbackTimeoutError(
                    f"no authorization callback reached {self.redirect_uri} within {timeout:g} s"
                )
            raise RuntimeError("the loopback receiver was closed before a callback arrived")
        return result

    def _claim(self, states: list[str]) -> str:
        """Decide about a callback carrying ``states``: 'accept', 'bad-state' or 'already-done'."""
        with self._lock:
            expected = self._expected_state
            if len(states) != 1 or expected is None:
                return "bad-state"
            if not hmac.compare_digest(states[0].encode(), expected.encode()):
                return "bad-state"
            if self._claimed:
                return "already-done"
            self._claimed = True
            return "accept"

    def _complete(self, callback_url: str) -> None:
        with self._lock:
            self._result = callback_url
        self._stop.set()
        self._done.set()
        log.debug("loopback receiver: authorization callback received on %s", self.path)


def _send_user_to(url: str, open_browser: bool | Callable[[str], object]) -> None:
    if callable(open_browser):
        open_browser(url)
        return
    if open_browser:
        try:
            if webbrowser.open(url):
                return
        except webbrowser.Error:
            pass
    print(f"Open this URL in your browser: {url}", file=sys.stderr, flush=True)


def authorize_with_loopback(
    session: OAuth2Session,
    authorization_endpoint: str,
    token_url: str,
    *,
    open_browser: bool | Callable[[str], object] = True,
    timeout: float = DEFAULT_TIMEOUT,
    path: str = DEFAULT_PATH,
    port: int = 0,
    authorization_kwargs: Mapping[str, Any] | None = None,
    **fetch_kwargs: Any,
) -> dict[str, Any]:
    """Run the authorization code flow of a CLI or desktop app through the browser.

    Listens on ``127.0.0.1`` (free port unless ``port`` is given), sets
    ``session.redirect_uri``, builds the authorization URL (with state, and PKCE when the
    session has ``pkce``; ``authorization_kwargs`` adds parameters such as ``prompt``), then
    opens it with ``webbrowser`` (``open_browser=True``), passes it to ``open_browser`` when
    that is a callable, or prints it to stderr (``open_browser=False``, or no browser). Waits
    up to ``timeout`` seconds for the callback, closes the listener, and exchanges the code
    with ``session.fetch_token(token_url, authorization_response=..., **fetch_kwargs)``.

    :raises LoopbackTimeoutError: no callback in time (the token endpoint is not called).
    :raises oauthlib.oauth2.rfc6749.errors.OAuth2Error: the provider answered with an error
        (``AccessDeniedError`` when the user declined), or the token request failed.
    """
    with LoopbackRedirectReceiver(port=port, path=path) as receiver:
        session.redirect_uri = receiver.redirect_uri
        url, state = session.authorization_url(
            authorization_endpoint, **dict(authorization_kwargs or {})
        )
        receiver.expect_state(state)
        _send_user_to(url, open_browser)
        callback_url = receiver.wait(timeout)
    return session.fetch_token(token_url, authorization_response=callback_url, **fetch_kwargs)
