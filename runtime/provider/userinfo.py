"""The user's profile: request, unwrap (``root``), map and type (``fields``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import requests

from .._requests_calls import send_call
from ..core.http import Call, default_encoding
from ..core.paths import MISSING, get_path
from .defaults import Timeout
from .errors import FieldTypeError
from .fields import read_typed_fields
from .flow_errors import ProviderResponseError
from .spec_view import UserinfoView
from .templates import Placeholders, render_text

ResponseHook = Callable[[requests.Response], requests.Response]
RequestHook = Callable[[str], requests.Response]


def request_profile(
    http: requests.Session,
    url: str,
    rules: UserinfoView,
    placeholders: Placeholders,
    *,
    replace_request: RequestHook | None,
    response_hooks: Sequence[ResponseHook],
    timeout: Timeout = None,
) -> Any:
    """Fetch the profile document: the spec's request, or the userinfo_request hook's."""
    if replace_request is not None:
        response = replace_request(url)
    else:
        method = rules.method
        call = Call(
            method,
            url,
            params={
                name: render_text(value, placeholders, where=f"userinfo.params.{name}")
                for name, value in rules.params.items()
            },
            headers={
                name: render_text(
                    value, placeholders, where=f"userinfo.headers.{name}", header=True
                )
                for name, value in rules.headers.items()
            },
            encoding=default_encoding(method, None),
            with_token=True,
            follow_redirects=True,
            timeout=timeout,
        )
        call.headers.setdefault("Accept", "application/json")
        response = send_call(http, call)
    for hook in response_hooks:
        response = hook(response)
    if not 200 <= response.status_code < 300:
        raise ProviderResponseError("profile request", response, f"HTTP {response.status_code}")
    try:
        return json.loads(response.text)
    except ValueError:
        content_type = response.headers.get("Content-Type", "no content type")
        raise ProviderResponseError(
            "profile request", response, f"the answer is not JSON ({content_type})"
        ) from None


def map_profile(
    document: Any, rules: UserinfoView, *, response: requests.Response | None = None
) -> dict[str, Any]:
    """``{field: value}`` of the spec's ``userinfo.fields``, read below ``root``."""
    root = rules.root
    if root:
        document = get_path(document, root)
        if document is MISSING:
            raise ProviderResponseError("profile", response, f"the answer has nothing at {root!r}")
    try:
        profile = read_typed_fields(document, rules.fields, what="profile")
    except FieldTypeError as exc:
        raise ProviderResponseError("profile", response, str(exc)) from None
    if profile.get(rules.id_field) in (None, ""):
        raise ProviderResponseError("profile", response, f"it has no id ({rules.id_field!r})")
    return profile
