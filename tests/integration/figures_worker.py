"""One worker process of ``test_concurrency_figures``: one session, many threads, barrier cycles.

The test starts this file with ``runpy.run_path`` in a ``multiprocessing`` *spawn* child (the
test directory is not an importable package in a fresh interpreter), handing over its
arguments as the global ``WORKER_ARGS``. It imports only the runtime, requests and the
standard library.

For every cycle the worker waits at the ``start`` barrier, lets ``threads`` threads call the
protected resource ``calls`` times each (all released at once), reports what happened on the
``results`` queue and waits at the ``finish`` barrier. The session's clock is
``time.time() + clock_offset``: the test moves the offset forward by more than a token lifetime
between cycles, so every process sees the shared token expire at the same moment.

What is reported, per cycle: a digest of every refresh token this process sent to the token
endpoint (counted by the ``refresh_token_request`` compliance hook, so a refresh that failed
still counts), the token endpoint's answers, and the outcome of every API call with a digest
of the access token it carried. Digests, not tokens: nothing secret crosses the queue.
"""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

RUN_NAME = "__oauthgen_figures_worker__"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _store(spec: tuple[str, str, str]) -> Any:
    kind, where, prefix = spec
    if kind == "none":  # the control run: every process keeps its own copy of the token
        return None
    if kind == "file":
        from runtime.stores import FileTokenStore

        return FileTokenStore(where)
    from runtime.stores import RedisTokenStore

    return RedisTokenStore.from_url(where, prefix=prefix)


def main(
    *,
    index: int,
    config: dict[str, Any],
    start: Any,
    finish: Any,
    clock_offset: Any,
    results: Any,
) -> None:
    try:
        _run(index, config, start, finish, clock_offset, results)
    except BaseException:
        results.put({"process": index, "fatal": traceback.format_exc()})
        start.abort()
        finish.abort()
        raise


def _run(
    index: int, config: dict[str, Any], start: Any, finish: Any, clock_offset: Any, results: Any
) -> None:
    from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

    from runtime import OAuth2Session

    def clock() -> float:
        return time.time() + float(clock_offset.value)

    session = OAuth2Session(
        config["client_id"],
        client_secret=config["client_secret"],
        auto_refresh_url=config["token_endpoint"],
        token=config.get("token"),
        token_store=_store(config["store"]),
        token_updater=lambda token: None,
        clock=clock,
    )
    cycle = -1
    refreshes: list[str] = []
    refresh_answers: list[str] = []

    def count_refresh(url: str, headers: Any, body: str) -> tuple[str, Any, str]:
        refreshes.append(digest(dict(parse_qsl(body))["refresh_token"]))
        return url, headers, body

    def record_answer(response: Any) -> Any:
        try:
            error = response.json().get("error")
        except ValueError:
            error = None
        refresh_answers.append(f"{response.status_code}:{error or 'ok'}")
        return response

    session.register_compliance_hook("refresh_token_request", count_refresh)
    session.register_compliance_hook("refresh_token_response", record_answer)

    for cycle in range(config["cycles"]):
        del refreshes[:], refresh_answers[:]
        tally = _Tally()
        release = threading.Barrier(config["threads"])
        start.wait(timeout=60)
        workers = [
            threading.Thread(
                target=_call_api,
                args=(session, config, release, tally, InvalidGrantError),
                name=f"api-{index}-{n}",
            )
            for n in range(config["threads"])
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        results.put(
            {
                "process": index,
                "cycle": cycle,
                "refreshes": list(refreshes),
                "refresh_answers": list(refresh_answers),
                "outcomes": dict(tally.outcomes),
                "access_tokens": sorted(tally.access_tokens),
                "failures": tally.failures[:5],
            }
        )
        finish.wait(timeout=60)


class _Tally:
    """What the threads of one cycle saw, under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.access_tokens: set[str] = set()
        self.failures: list[str] = []

    def add(self, outcome: str, detail: str, access_token: str | None) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if access_token is not None:
                self.access_tokens.add(digest(access_token))
            if outcome != "ok":
                self.failures.append(detail)


def _call_api(
    session: Any,
    config: dict[str, Any],
    release: threading.Barrier,
    tally: _Tally,
    invalid_grant: type[Exception],
) -> None:
    """One thread: wait for the others, then call the API ``calls`` times."""
    release.wait(timeout=30)
    for _ in range(config["calls"]):
        sent: str | None = None
        try:
            response = session.get(config["api"], timeout=30)
        except invalid_grant as error:
            outcome, detail = "invalid_grant", repr(error)
        except Exception as error:
            outcome, detail = type(error).__name__, repr(error)
        else:
            sent = response.request.headers.get("Authorization", "")
            status = response.status_code
            outcome = "ok" if status == 200 else f"http_{status}"
            detail = response.text[:200]
        tally.add(outcome, detail, sent)


if __name__ == RUN_NAME:
    main(**globals()["WORKER_ARGS"])
