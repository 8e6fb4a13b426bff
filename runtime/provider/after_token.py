"""``after_token``: documented calls made right after sign-in whose answers fill token fields
(Atlassian's cloud id, Xero's tenant id, Mailchimp's data centre).

The fields describe the account, not the token, so a refreshed token keeps them
(:func:`carry_added_fields`); the calls run again only when a field is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._requests_calls import send_call
from ..core.http import Call
from .errors import FieldTypeError
from .fields import read_typed_fields
from .flow_errors import ProviderResponseError
from .spec_view import SpecView
from .templates import Placeholders, render_text, render_url

if TYPE_CHECKING:
    import requests

    from .api_session import ApiAuth


def added_field_names(spec: SpecView) -> tuple[str, ...]:
    """Token fields that do not come from the token answer: callback captures kept on the
    token, and after_token steps' fields."""
    captured = [name for name, rule in spec.callback.capture.items() if rule.on_token]
    kept = [name for step in spec.after_token.values() for name in step.keep]
    return (*captured, *kept)


def carry_added_fields(
    spec: SpecView, token: dict[str, Any], previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``token`` with the added fields of ``previous`` it lacks (a refresh answer has none)."""
    if not previous:
        return token
    carried = {
        name: previous[name]
        for name in added_field_names(spec)
        if name in previous and name not in token
    }
    return {**carried, **token}


def needs_steps(spec: SpecView, token: Mapping[str, Any]) -> bool:
    """Whether a step must run: a required field is missing, or none of its fields is there
    (an optional field the provider left out does not make every refresh call again)."""
    for step in spec.after_token.values():
        keep = step.keep
        if not any(name in token for name in keep):
            return True
        if any(rule.required and name not in token for name, rule in keep.items()):
            return True
    return False


def run_after_token(
    spec: SpecView,
    token: dict[str, Any],
    *,
    placeholders: Callable[[Mapping[str, Any]], Placeholders],
    api_auth: ApiAuth,
    session: requests.Session,
) -> dict[str, Any]:
    """``token`` with every after_token step's fields, steps run in order; any failure raises
    :class:`ProviderResponseError` and nothing is kept."""
    for name, step in spec.after_token.items():
        values = placeholders(token)
        where = f"after_token.{name}"
        url = render_url(step.url, values, where=f"{where}.url")
        headers = {
            header: render_text(value, values, where=f"{where}.headers.{header}", header=True)
            for header, value in step.headers.items()
        }
        headers.setdefault("Accept", "application/json")
        if step.send_token:
            url, headers, _ = api_auth.apply(
                url, None, headers, token, str(token["access_token"]), skip_missing_fields=True
            )
        method = step.method
        call = Call(method, url, headers=headers, encoding="query" if method == "GET" else "form")
        response = send_call(session, call)
        what = f"the {name} call after sign-in"
        if not 200 <= response.status_code < 300:
            raise ProviderResponseError(what, response, f"HTTP {response.status_code}")
        try:
            document: Any = json.loads(response.text)
        except ValueError:
            raise ProviderResponseError(what, response, "the answer is not JSON") from None
        if isinstance(document, list):
            document = {"items": document}
        try:
            fields = read_typed_fields(document, step.keep, what=f"the {name} answer")
        except FieldTypeError as exc:
            raise ProviderResponseError(what, response, str(exc)) from None
        token = {**token, **fields}
    return token
