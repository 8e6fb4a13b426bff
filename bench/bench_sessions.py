"""Sessions on loopback: GET, ``fetch_token`` and the memory a held session takes, runtime vs
requests-oauthlib vs Authlib vs plain requests.

Run: ``.venv/bin/python bench/bench_sessions.py``. Prints markdown tables; no assertions.
A stdlib HTTP server on 127.0.0.1 (started and stopped by this script) answers every
request, so the figures are the client side's cost plus the same loopback round trip.
Targets: an ``OAuth2Session`` GET <= 0.90x a plain ``requests.Session().get`` (goal 0.80x),
an ``OAuth1Session`` GET <= 1.10x, ``fetch_token`` <= 1.05x a plain POST + ``.json()``, and
<= 7 KiB per held ``OAuth2Session``.
"""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# requests-oauthlib and Authlib refuse plain http:// unless told; the runtime allows
# loopback hosts by itself.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

import requests
import requests_oauthlib
from authlib.integrations.requests_client import OAuth1Session as AuthlibOAuth1Session
from authlib.integrations.requests_client import OAuth2Session as AuthlibOAuth2Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _loopback_server import LoopbackServer
from _timing import QUICK, interleaved_us, markdown_table

import runtime

TOKEN = {"access_token": "a" * 40, "token_type": "Bearer", "expires_at": 4102444800}
CONSUMER = ("consumer-key-0123456789", "consumer-secret-0123456789")
OAUTH1_TOKEN = ("token-0123456789-abcdefghijklmnopqrstuvwxyz", "token-secret-0123456789abcdef")
GET_CALLS = 300
TOKEN_CALLS = 200
HELD_SESSIONS = 20 if QUICK else 2000


def get_candidates(url: str) -> dict[str, Callable[[], object]]:
    plain = requests.Session()
    runtime_oauth2 = runtime.OAuth2Session("cid", token=dict(TOKEN))
    upstream_oauth2 = requests_oauthlib.OAuth2Session("cid", token=dict(TOKEN))
    authlib_oauth2 = AuthlibOAuth2Session("cid", token=dict(TOKEN))
    runtime_oauth1 = runtime.OAuth1Session(CONSUMER[0], CONSUMER[1], *OAUTH1_TOKEN)
    upstream_oauth1 = requests_oauthlib.OAuth1Session(CONSUMER[0], CONSUMER[1], *OAUTH1_TOKEN)
    authlib_oauth1 = AuthlibOAuth1Session(
        CONSUMER[0], CONSUMER[1], token=OAUTH1_TOKEN[0], token_secret=OAUTH1_TOKEN[1]
    )
    return {
        "plain requests.Session": lambda: plain.get(url),
        "runtime OAuth2Session": lambda: runtime_oauth2.get(url),
        "requests-oauthlib OAuth2Session": lambda: upstream_oauth2.get(url),
        "Authlib OAuth2Session": lambda: authlib_oauth2.get(url),
        "runtime OAuth1Session": lambda: runtime_oauth1.get(url),
        "requests-oauthlib OAuth1Session": lambda: upstream_oauth1.get(url),
        "Authlib OAuth1Session": lambda: authlib_oauth1.get(url),
    }


def token_candidates(token_url: str) -> dict[str, Callable[[], object]]:
    plain = requests.Session()
    form = {"grant_type": "authorization_code", "code": "the-code", "client_id": "cid"}
    runtime_session = runtime.OAuth2Session("cid")
    upstream_session = requests_oauthlib.OAuth2Session("cid")
    authlib_session = AuthlibOAuth2Session("cid", token_endpoint_auth_method="none")
    return {
        "plain POST + .json()": lambda: plain.post(
            token_url, data=form, headers={"Accept": "application/json"}
        ).json(),
        "runtime fetch_token": lambda: runtime_session.fetch_token(token_url, code="the-code"),
        "requests-oauthlib fetch_token": lambda: upstream_session.fetch_token(
            token_url, code="the-code", include_client_id=True
        ),
        "Authlib fetch_token": lambda: authlib_session.fetch_token(token_url, code="the-code"),
    }


def ratio_table(timings: dict[str, float], floor_name: str) -> str:
    floor = timings[floor_name]
    rows = [[name, f"{us:.1f}", f"{us / floor:.2f}x"] for name, us in timings.items()]
    return markdown_table(["implementation", "µs/call", f"vs {floor_name}"], rows)


def held_kib(factory: Callable[[], Any]) -> float:
    """KiB of Python allocations each of ``HELD_SESSIONS`` live sessions holds."""
    factory()  # lazy imports and caches are not a session's cost
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [factory() for _ in range(HELD_SESSIONS)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del held
    return (after - before) / HELD_SESSIONS / 1024


def main() -> None:
    with LoopbackServer() as base_url:
        gets = interleaved_us(get_candidates(base_url + "/user"), GET_CALLS)
        tokens = interleaved_us(token_candidates(base_url + "/token"), TOKEN_CALLS)
    plain = gets["plain requests.Session"]
    print("### GET on loopback (keep-alive, per request)\n")
    print(ratio_table(gets, "plain requests.Session"))
    for name, target in (("runtime OAuth2Session", 0.90), ("runtime OAuth1Session", 1.10)):
        ratio = gets[name] / plain
        verdict = "met" if ratio <= target else "MISSED"
        print(f"\nTarget {name} <= {target:.2f}x plain: {ratio:.2f}x ({verdict})")

    print("\n### fetch_token on loopback (authorization code, per call)\n")
    print(ratio_table(tokens, "plain POST + .json()"))
    ratio = tokens["runtime fetch_token"] / tokens["plain POST + .json()"]
    verdict = "met" if ratio <= 1.05 else "MISSED"
    print(f"\nTarget runtime fetch_token <= 1.05x plain POST + .json(): {ratio:.2f}x ({verdict})")

    factories: dict[str, Callable[[], Any]] = {
        "plain requests.Session": requests.Session,
        "runtime OAuth2Session": lambda: runtime.OAuth2Session("cid", token=dict(TOKEN)),
        "requests-oauthlib OAuth2Session": lambda: requests_oauthlib.OAuth2Session(
            "cid", token=dict(TOKEN)
        ),
        "Authlib OAuth2Session": lambda: AuthlibOAuth2Session("cid", token=dict(TOKEN)),
        "runtime OAuth1Session": lambda: runtime.OAuth1Session(
            CONSUMER[0], CONSUMER[1], *OAUTH1_TOKEN
        ),
    }
    memory = {name: held_kib(factory) for name, factory in factories.items()}
    print(f"\n### Memory per held session (tracemalloc, {HELD_SESSIONS} sessions with a token)\n")
    print(markdown_table(["session", "KiB each"], [[n, f"{k:.2f}"] for n, k in memory.items()]))
    ours = memory["runtime OAuth2Session"]
    verdict = "met" if ours <= 7.0 else "MISSED"
    print(f"\nTarget runtime OAuth2Session <= 7 KiB: {ours:.2f} KiB ({verdict})")


if __name__ == "__main__":
    main()
