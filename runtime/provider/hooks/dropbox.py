"""Dropbox's profile is an RPC: POST with a JSON ``null`` body."""

from __future__ import annotations

import requests

from .host import HookHost


def dropbox_rpc_userinfo(host: HookHost, url: str) -> requests.Response:
    """POST ``null`` as JSON to the profile URL with the API session (token attached)."""
    return host.http.request(
        "POST",
        url,
        data="null",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
