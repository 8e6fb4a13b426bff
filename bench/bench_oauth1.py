"""OAuth 1 request signing: runtime vs requests-oauthlib vs Authlib.

Run: ``.venv/bin/python bench/bench_oauth1.py``. Prints a markdown table; no assertions.
Targets: runtime's ``OAuth1.__call__`` is at least 6x faster than requests-oauthlib's with
HMAC-SHA1 and at least 100x faster with RSA-SHA1 (requests-oauthlib re-parses the PEM
key on every request; runtime loads it once per key).

Every call signs a fresh copy of the prepared request (copies are made outside the timed
loop), as requests does when it prepares a request. Signatures go in the header.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import requests
import requests_oauthlib
from authlib.integrations.requests_client import OAuth1Auth
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import markdown_table, scaled

import runtime

CONSUMER = ("consumer-key-0123456789", "consumer-secret-0123456789")
TOKEN = ("token-0123456789-abcdefghijklmnopqrstuvwxyz", "token-secret-0123456789abcdef")
TARGETS = {"HMAC-SHA1": 6.0, "RSA-SHA1": 100.0}

Auth = Callable[[requests.PreparedRequest], requests.PreparedRequest]


def requests_to_sign() -> dict[str, requests.PreparedRequest]:
    base = "https://api.example.com/1.1/statuses"
    get = requests.Request("GET", f"{base}/home_timeline.json?count=20&since_id=12345")
    post = requests.Request(
        "POST", f"{base}/update.json", data={"status": "hello world!", "lat": "37.76"}
    )
    return {
        "GET + query": get.prepare(),
        "POST + form body": post.prepare(),
        "GET + query, Session headers": requests.Session().prepare_request(get),
    }


def rsa_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def implementations(method: str, pem: str) -> dict[str, Auth]:
    if method == "RSA-SHA1":
        return {
            "runtime": runtime.OAuth1(
                CONSUMER[0], resource_owner_key=TOKEN[0], signature_method=method, rsa_key=pem
            ),
            "requests-oauthlib": requests_oauthlib.OAuth1(
                CONSUMER[0], resource_owner_key=TOKEN[0], signature_method=method, rsa_key=pem
            ),
            "authlib": OAuth1Auth(
                CONSUMER[0], token=TOKEN[0], signature_method=method, rsa_key=pem
            ),
        }
    return {
        "runtime": runtime.OAuth1(*CONSUMER, *TOKEN),
        "requests-oauthlib": requests_oauthlib.OAuth1(*CONSUMER, *TOKEN),
        "authlib": OAuth1Auth(*CONSUMER, token=TOKEN[0], token_secret=TOKEN[1]),
    }


def per_call_us(auth: Auth, request: requests.PreparedRequest, number: int, repeat: int) -> float:
    """Best per-call time over ``repeat`` runs, each signing ``number`` fresh copies."""
    number, repeat = scaled(number, repeat)
    auth(request.copy())  # warm caches (and runtime's RSA key cache) outside the timing
    timer = timeit.Timer(
        "for r in pool: auth(r)",
        setup="pool = [request.copy() for _ in range(number)]",
        globals={"auth": auth, "request": request, "number": number},
    )
    return min(timer.repeat(repeat=repeat, number=1)) / number * 1e6


def calls_and_repeats(method: str, name: str) -> tuple[int, int]:
    """Enough calls for stable numbers while the whole run stays well under a minute."""
    if method == "HMAC-SHA1":
        return 3000, 7
    return (300, 5) if name == "runtime" else (6, 3)  # the others take ~35 ms per RSA call


def main() -> None:
    pem = rsa_private_pem()
    rows = []
    for method in ("HMAC-SHA1", "RSA-SHA1"):
        requests_by_shape = requests_to_sign()
        if method == "RSA-SHA1":  # RSA dominates everything; one shape per placement is enough
            requests_by_shape.pop("GET + query, Session headers")
        for shape, request in requests_by_shape.items():
            timings = {
                name: per_call_us(auth, request, *calls_and_repeats(method, name))
                for name, auth in implementations(method, pem).items()
            }
            ours = timings["runtime"]
            speedup = timings["requests-oauthlib"] / ours
            rows.append(
                [
                    method,
                    shape,
                    f"{ours:,.1f}",
                    f"{timings['requests-oauthlib']:,.1f}",
                    f"{timings['authlib']:,.1f}",
                    f"**{speedup:,.1f}x** (target ≥{TARGETS[method]:g}x)",
                    f"{timings['authlib'] / ours:,.1f}x",
                ]
            )
    print("### OAuth 1 signing, header placement (µs per request, best of several runs)\n")
    print(
        markdown_table(
            [
                "method",
                "request",
                "runtime",
                "requests-oauthlib",
                "authlib",
                "requests-oauthlib / runtime",
                "authlib / runtime",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
