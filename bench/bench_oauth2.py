"""OAuth 2 bearer attach: runtime vs requests-oauthlib vs Authlib vs a bare header set.

Run: ``.venv/bin/python bench/bench_oauth2.py``. Prints a markdown table; no assertions.
Target: runtime's ``OAuth2`` costs at most 1.5x a bare ``Authorization`` header assignment.
"""

from __future__ import annotations

import sys
from pathlib import Path

import requests
import requests_oauthlib
from authlib.integrations.requests_client import OAuth2Auth

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import markdown_table, per_call_us

import runtime

TOKEN = {"access_token": "a" * 40, "token_type": "Bearer", "expires_at": 4102444800}
URL = "https://api.example/v1/items?page=2"
NUMBER = 50_000


def prepared() -> requests.PreparedRequest:
    return requests.Request("GET", URL, headers={"Accept": "application/json"}).prepare()


class BareHeaderSet(requests.auth.AuthBase):
    """The floor: a requests auth that only assigns a ready-made header, checking nothing."""

    def __init__(self, access_token: str) -> None:
        self.header = "Bearer " + access_token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self.header
        return r


def main() -> None:
    request = prepared()
    candidates = {
        "bare header set": BareHeaderSet(str(TOKEN["access_token"])),
        "runtime.OAuth2": runtime.OAuth2(client_id="cid", token=dict(TOKEN)),
        "requests_oauthlib.OAuth2": requests_oauthlib.OAuth2(client_id="cid", token=dict(TOKEN)),
        "authlib OAuth2Auth": OAuth2Auth(dict(TOKEN)),
    }
    timings = {
        name: per_call_us(lambda auth=auth: auth(request), NUMBER)  # type: ignore[misc]
        for name, auth in candidates.items()
    }
    floor = timings["bare header set"]
    ours = timings["runtime.OAuth2"]
    rows = [
        [name, f"{us:.2f}", f"{us / floor:.2f}x", f"{us / ours:.2f}x"]
        for name, us in timings.items()
    ]
    print("### OAuth 2 bearer attach (per request)\n")
    print(markdown_table(["implementation", "µs/call", "vs bare set", "vs runtime"], rows))
    verdict = "met" if ours / floor <= 1.5 else "MISSED"
    print(f"\nTarget runtime <= 1.5x bare header set: {ours / floor:.2f}x ({verdict})")

    session = requests.Session()
    prepared_timings = {
        name: per_call_us(
            lambda auth=auth: session.prepare_request(  # type: ignore[misc]
                requests.Request("GET", URL, auth=auth)
            ),
            NUMBER // 10,
        )
        for name, auth in candidates.items()
    }
    floor = prepared_timings["bare header set"]
    rows = [[name, f"{us:.2f}", f"{us / floor:.2f}x"] for name, us in prepared_timings.items()]
    print("\n### Whole request preparation with that auth (Session.prepare_request)\n")
    print(markdown_table(["implementation", "µs/call", "vs bare set"], rows))


if __name__ == "__main__":
    main()
