"""Reliability figures, measured: shared rotating refresh tokens, token-endpoint faults, and a
corrupt token store.

``test_single_flight_refresh_figures`` runs 4 processes x 8 threads against the real
oidc-provider, which rotates refresh tokens and revokes the whole grant when a used one is
replayed, so a double refresh cannot hide: it turns into ``invalid_grant`` and dead tokens.
The processes share the token through ``FileTokenStore`` and then through ``RedisTokenStore``
(a real redis-server). Each prints one line the README quotes::

    FIGURE store=file processes=4 threads=8 expiries=3 api_calls=384 refreshes_per_expiry=1,1,1
    invalid_grant=0 api_errors=0 access_tokens_per_expiry=1,1,1

The fault matrix sends the refresh to a socket on 127.0.0.1 that misbehaves in one way each
(an HTML 500, broken JSON, a 200 carrying an error, a reset connection, no answer); that
socket injects faults, it does not play an OAuth server.
"""

from __future__ import annotations

import multiprocessing
import queue
import runpy
import socket
import struct
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from oauthlib.oauth2.rfc6749.errors import (
    MissingTokenError,
    OAuth2Error,
    TemporarilyUnavailableError,
)

from runtime import OAuth2Session, TokenEndpointError, TokenResponseParseError
from runtime.stores import FileTokenStore, RedisTokenStore, TokenStore, TokenStoreCorruptError

from . import figures_worker
from .harness import WEB_CLIENT_ID, WEB_CLIENT_SECRET, HeadlessUser, RunningServer
from .test_oauth2_flows import introspect, web_app_login

PROCESSES = 4
THREADS = 8
CALLS_PER_THREAD = 4
EXPIRIES = 3
# Each cycle moves every worker's clock this far ahead: past the 3600 s access token life.
CLOCK_STEP = 4000.0
BARRIER_TIMEOUT = 60.0


# -- measuring single-flight refresh across processes ----------------------------------------


@dataclass
class Figures:
    store: str
    expiries: int
    refreshes_per_expiry: list[int] = field(default_factory=list)
    access_tokens_per_expiry: list[int] = field(default_factory=list)
    refreshed_by: list[str] = field(default_factory=list)
    spent_refresh_tokens: list[str] = field(default_factory=list)
    refresh_answers: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    login_refresh_token_spent_by: int = 0  # processes that sent the login's refresh token

    @property
    def api_calls(self) -> int:
        return sum(self.outcomes.values())

    @property
    def invalid_grant(self) -> int:
        """``invalid_grant`` answers of the token endpoint (each fails at least one call)."""
        return sum(answer.endswith(":invalid_grant") for answer in self.refresh_answers)

    @property
    def api_errors(self) -> int:
        return self.api_calls - self.outcomes.get("ok", 0)

    def line(self) -> str:
        def joined(values: list[int]) -> str:
            return ",".join(map(str, values))

        return (
            f"FIGURE store={self.store} processes={PROCESSES} threads={THREADS} "
            f"expiries={self.expiries} api_calls={self.api_calls} "
            f"refreshes_per_expiry={joined(self.refreshes_per_expiry)} "
            f"invalid_grant={self.invalid_grant} api_errors={self.api_errors} "
            f"access_tokens_per_expiry={joined(self.access_tokens_per_expiry)}"
        )


def _run_workers(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Start the spawn-context workers, drive the expiry cycles, return their reports."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES + 1)
    finish = context.Barrier(PROCESSES + 1)
    clock_offset = context.Value("d", 0.0)
    results = context.Queue()
    processes = [
        context.Process(
            target=runpy.run_path,
            args=(figures_worker.__file__,),
            kwargs={
                "run_name": figures_worker.RUN_NAME,
                "init_globals": {
                    "WORKER_ARGS": {
                        "index": index,
                        "config": config,
                        "start": start,
                        "finish": finish,
                        "clock_offset": clock_offset,
                        "results": results,
                    }
                },
            },
            name=f"figures-worker-{index}",
            daemon=True,
        )
        for index in range(PROCESSES)
    ]
    reports: list[dict[str, Any]] = []
    try:
        for process in processes:
            process.start()
        for cycle in range(config["cycles"]):
            clock_offset.value = cycle * CLOCK_STEP  # the token expires for everybody at once
            start.wait(timeout=BARRIER_TIMEOUT)
            finish.wait(timeout=BARRIER_TIMEOUT)
        # Read every report before joining: a child exits only once its queue is flushed.
        for _ in range(PROCESSES * config["cycles"]):
            reports.append(results.get(timeout=BARRIER_TIMEOUT))
        for process in processes:
            process.join(timeout=BARRIER_TIMEOUT)
            assert process.exitcode == 0, f"{process.name} exited with {process.exitcode}"
    except threading.BrokenBarrierError:
        pytest.fail(f"a worker process failed:\n{_fatal_reports(results)}")
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()  # by its own PID
                process.join(timeout=10)
        results.close()
    return reports


def _fatal_reports(results: Any) -> str:
    messages: list[str] = []
    while True:
        try:
            report = results.get(timeout=1)
        except queue.Empty:
            return "\n".join(messages) or "(no report)"
        if "fatal" in report:
            messages.append(f"process {report['process']}:\n{report['fatal']}")


def _measure(
    server: RunningServer,
    user: HeadlessUser,
    store: TokenStore | None,
    spec: tuple[str, str, str],
    expiries: int = EXPIRIES,
) -> Figures:
    """Log in, leave the token expired in ``store`` (or hand each worker a copy of it, with
    no store), let the workers share it through ``expiries`` expiries, and count."""
    _, token = web_app_login(server, user)
    stale = {**token, "expires_in": 3600, "expires_at": time.time() - 30}
    config: dict[str, Any] = {
        "client_id": WEB_CLIENT_ID,
        "client_secret": WEB_CLIENT_SECRET,
        "token_endpoint": server.token_endpoint,
        "api": server.userinfo_endpoint,
        "store": spec,
        "cycles": expiries,
        "threads": THREADS,
        "calls": CALLS_PER_THREAD,
    }
    if store is None:
        config["token"] = stale
    else:
        store.save(WEB_CLIENT_ID, stale)
    reports = _run_workers(config)

    figures = Figures(store=spec[0], expiries=expiries)
    for cycle in range(expiries):
        in_cycle = sorted(
            (report for report in reports if report["cycle"] == cycle),
            key=lambda report: int(report["process"]),
        )
        assert len(in_cycle) == PROCESSES
        spent = [digest for report in in_cycle for digest in report["refreshes"]]
        figures.refreshes_per_expiry.append(len(spent))
        figures.spent_refresh_tokens.extend(spent)
        figures.refreshed_by.append(
            ",".join(f"p{report['process']}" for report in in_cycle if report["refreshes"])
        )
        figures.access_tokens_per_expiry.append(
            len({digest for report in in_cycle for digest in report["access_tokens"]})
        )
        for report in in_cycle:
            figures.refresh_answers.extend(report["refresh_answers"])
            figures.failures.extend(report["failures"])
            for outcome, count in report["outcomes"].items():
                figures.outcomes[outcome] = figures.outcomes.get(outcome, 0) + count
    login = figures_worker.digest(token["refresh_token"])
    figures.login_refresh_token_spent_by = sum(
        login in report["refreshes"] for report in reports if report["cycle"] == 0
    )
    return figures


def _report(figures: Figures, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\n{figures.line()}", flush=True)


def _assert_single_flight(server: RunningServer, figures: Figures, store: TokenStore) -> None:
    detail = f"{figures.line()}; refreshed by {figures.refreshed_by}; failures {figures.failures}"
    assert figures.refreshes_per_expiry == [1] * EXPIRIES, detail
    assert figures.invalid_grant == 0, detail
    assert figures.api_errors == 0, detail
    assert figures.api_calls == PROCESSES * THREADS * CALLS_PER_THREAD * EXPIRIES, detail
    # After each expiry every call of every process carried the one renewed token.
    assert figures.access_tokens_per_expiry == [1] * EXPIRIES, detail
    assert figures.refresh_answers == ["200:ok"] * EXPIRIES, detail
    assert len(set(figures.spent_refresh_tokens)) == EXPIRIES, detail
    assert figures.login_refresh_token_spent_by == 1, detail
    # A replayed refresh token would have made oidc-provider revoke the grant: it is alive,
    # and the store holds its newest tokens.
    final = store.load(WEB_CLIENT_ID)
    assert final is not None
    assert introspect(server, final["refresh_token"])["active"] is True
    assert introspect(server, final["access_token"])["active"] is True


def test_single_flight_refresh_figures_file_store(
    oidc_server: RunningServer,
    user: HeadlessUser,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    directory = tmp_path / "tokens"
    store = FileTokenStore(directory)
    figures = _measure(oidc_server, user, store, ("file", str(directory), ""))
    _report(figures, capsys)
    _assert_single_flight(oidc_server, figures, store)


def test_single_flight_refresh_figures_redis_store(
    oidc_server: RunningServer,
    user: HeadlessUser,
    redis_port: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"redis://127.0.0.1:{redis_port}/0"
    prefix = f"figures-{uuid.uuid4().hex}:"
    store = RedisTokenStore.from_url(url, prefix=prefix)
    figures = _measure(oidc_server, user, store, ("redis", url, prefix))
    _report(figures, capsys)
    _assert_single_flight(oidc_server, figures, store)


def test_control_without_a_shared_store_the_counters_see_the_double_spend(
    oidc_server: RunningServer, user: HeadlessUser, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same run with no store (each process holds its own copy of the token, threads
    still share one session per process): proof that the measurement detects double spends."""
    figures = _measure(oidc_server, user, None, ("none", "", ""), expiries=1)
    _report(figures, capsys)

    detail = f"{figures.line()}; answers {figures.refresh_answers}"
    # Every process spent the login's refresh token; the server honoured the first use,
    # refused the replays with invalid_grant and revoked the grant, so API calls failed too.
    assert figures.login_refresh_token_spent_by == PROCESSES, detail
    assert figures.refreshes_per_expiry[0] >= PROCESSES, detail
    assert figures.invalid_grant >= PROCESSES - 1, detail
    assert figures.api_errors > 0, detail


# -- faults at the token endpoint ------------------------------------------------------------


_CANNED = {
    "html_500": (
        "500 Internal Server Error",
        "text/html; charset=utf-8",
        "<html><head><title>500 Internal Server Error</title></head>"
        "<body><h1>Internal Server Error</h1></body></html>",
    ),
    "invalid_json": (
        "200 OK",
        "application/json",
        '{"access_token": "cut-short", "token_type": "Bearer", "expires_in": 36',
    ),
    "empty_200": ("200 OK", "application/json", ""),
    "error_200": (
        "200 OK",
        "application/json",
        '{"error": "temporarily_unavailable", "error_description": "try again later"}',
    ),
    "no_access_token": ("200 OK", "application/json", '{"token_type": "Bearer"}'),
}


class FaultServer:
    """Accepts HTTP connections on 127.0.0.1 and answers every request with one fault:
    a canned response from ``_CANNED``, ``reset`` (RST instead of an answer) or ``hang``
    (no answer until the server is closed)."""

    def __init__(self, fault: str) -> None:
        self.fault = fault
        self.requests: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = int(self._listener.getsockname()[1])
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="fault-server", daemon=True)
        self._acceptor.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next(
                (int(line.split(":", 1)[1]) for line in lines
                 if line.lower().startswith("content-length:")),
                0,
            )  # fmt: skip
            while len(body) < length:
                body += connection.recv(65536)
            self.requests.append(lines[0])
            if self.fault == "reset":
                # SO_LINGER with a zero timeout: close() sends RST, not FIN.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            if self.fault == "hang":
                self._closing.wait(30)
                return
            status, content_type, text = _CANNED[self.fault]
            payload = text.encode()
            connection.sendall(
                f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )

    def close(self) -> None:
        self._closing.set()
        self._listener.close()
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)


@dataclass(frozen=True)
class Fault:
    expected: type[BaseException]
    says: Callable[[BaseException, str], bool]  # (error, token endpoint URL) -> names it?


def _message_has(*parts: str) -> Callable[[BaseException, str], bool]:
    def check(error: BaseException, token_url: str) -> bool:
        message = str(error).replace("{token_url}", token_url)
        return all(part.replace("{token_url}", token_url) in message for part in parts)

    return check


FAULTS = {
    "html_500": Fault(TokenEndpointError, _message_has("{token_url}", "HTTP 500", "text/html")),
    "invalid_json": Fault(
        TokenResponseParseError,
        _message_has("{token_url}", "HTTP 200", "unusable body", "application/json"),
    ),
    "empty_200": Fault(TokenResponseParseError, _message_has("{token_url}", "unusable body")),
    "error_200": Fault(
        TemporarilyUnavailableError, _message_has("temporarily_unavailable", "try again later")
    ),
    "no_access_token": Fault(MissingTokenError, _message_has("Missing access token")),
    "reset": Fault(requests.ConnectionError, _message_has("Connection reset by peer")),
    "hang": Fault(requests.ReadTimeout, _message_has("Read timed out", "read timeout=0.5")),
}


@pytest.fixture(params=["file", "redis"])
def fault_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    if request.param == "file":
        yield FileTokenStore(tmp_path / "tokens")
        return
    port = request.getfixturevalue("redis_port")
    yield RedisTokenStore.from_url(
        f"redis://127.0.0.1:{port}/0", prefix=f"faults-{uuid.uuid4().hex}:"
    )


@pytest.mark.parametrize("fault", list(FAULTS))
def test_token_endpoint_fault_raises_a_typed_error_and_keeps_the_stored_token(
    fault: str, fault_store: TokenStore
) -> None:
    expected = FAULTS[fault]
    server = FaultServer(fault)
    try:
        token_url = server.url("/token")
        fault_store.save(
            WEB_CLIENT_ID,
            {
                "access_token": "stale-access-token",
                "refresh_token": "current-refresh-token",
                "token_type": "Bearer",
                "expires_in": 3600,
                "expires_at": time.time() - 30,
            },
        )
        before = fault_store.load(WEB_CLIENT_ID)
        saved: list[dict[str, Any]] = []
        session = OAuth2Session(
            WEB_CLIENT_ID,
            client_secret=WEB_CLIENT_SECRET,
            auto_refresh_url=token_url,
            token_store=fault_store,
            token_updater=saved.append,
        )

        with pytest.raises(expected.expected) as caught:
            session.get(server.url("/api"), timeout=0.5)

        error = caught.value
        assert expected.says(error, token_url), f"unclear error for {fault}: {error!r}"
        if isinstance(error, OAuth2Error):
            assert error.status_code == 200 or fault == "html_500"
        if isinstance(error, requests.RequestException):
            # requests' own message names host and port at most; the request names the URL.
            assert error.request is not None and error.request.url == token_url
        # Only the refresh was attempted, once; the API was never called with a stale token.
        assert server.requests == ["POST /token HTTP/1.1"]
        assert fault_store.load(WEB_CLIENT_ID) == before
        assert session.token == before
        assert saved == []
        with fault_store.lock(WEB_CLIENT_ID, timeout=0):
            pass  # the refresh lock was released
    finally:
        server.close()


# -- a corrupt token store -------------------------------------------------------------------


def test_corrupt_store_file_names_the_file_without_traceback_noise(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    path = store.path_for(WEB_CLIENT_ID)
    path.write_text('{"access_token": "secret-access-token", "refresh_tok')

    with pytest.raises(TokenStoreCorruptError) as caught:
        OAuth2Session(WEB_CLIENT_ID, token_store=store)

    error = caught.value
    message = str(error)
    assert str(path) in message
    assert "invalid JSON" in message
    assert "secret-access-token" not in message
    # Raised "from None": no chained JSONDecodeError ("During handling of ...") in the report.
    assert error.__cause__ is None
    assert error.__suppress_context__
    report = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert "During handling" not in report
    assert "JSONDecodeError" not in report
    assert report.count("Traceback (most recent call last)") == 1
