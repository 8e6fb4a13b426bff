"""GitHub leaves ``email`` null when it is private; /user/emails has it."""

from __future__ import annotations

import json
from typing import Any

import requests

from ...compliance_fixes._rewrite import _replace_json_body
from ...core.paths import get_path
from .host import HookHost


def github_primary_email(host: HookHost, response: requests.Response) -> requests.Response:
    """Fill a missing ``email`` from ``<profile URL>/emails``: the primary verified address
    (inside ``userinfo.root`` when the spec has one).

    Without the ``user:email`` scope that request fails; the profile is then left as it was.
    """
    if not 200 <= response.status_code < 300:
        return response
    try:
        profile = json.loads(response.text)
    except ValueError:
        return response
    root = host.spec.userinfo.root if host.spec.userinfo else None
    person = get_path(profile, root) if root else profile
    if not isinstance(person, dict) or person.get("email"):
        return response
    url = (response.url or "").split("?", 1)[0].rstrip("/") + "/emails"
    answer = host.http.get(url, headers={"Accept": "application/json"})
    if not 200 <= answer.status_code < 300:
        return response
    try:
        emails: Any = answer.json()
    except ValueError:
        return response
    primary = _primary_verified(emails)
    if primary:
        person["email"] = primary
        _replace_json_body(response, profile)
    return response


def _primary_verified(emails: Any) -> str | None:
    if not isinstance(emails, list):
        return None
    for item in emails:
        if isinstance(item, dict) and item.get("primary") and item.get("verified"):
            email = item.get("email")
            return email if isinstance(email, str) else None
    return None
