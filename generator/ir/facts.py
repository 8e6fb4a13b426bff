"""Plain-text facts about a provider for docstrings: endpoints, flows and declared quirks.

Everything here returns unescaped text; ``render.docstrings.docstring`` escapes it. Only
values that differ from the spec defaults are mentioned, so a line means "this provider is
unusual here".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from runtime.spec import ProviderSpec

from ..spec.errors import one_line

PROTOCOL_NAMES = {"oauth1": "OAuth 1.0a", "oauth2": "OAuth 2.0", "oidc": "OpenID Connect"}


def q(value: object) -> str:
    """A spec value quoted for prose: strings in single quotes, one line."""
    if isinstance(value, str):
        return "'" + one_line(value) + "'"
    return repr(value)


def listed(values: Iterable[object]) -> str:
    return ", ".join(q(value) for value in values)


def endpoint_lines(spec: ProviderSpec) -> list[str]:
    lines = []
    for name in (
        "issuer",
        "discovery",
        "request_token",
        "authorize",
        "access_token",
        "token",
        "refresh",
        "device",
        "revoke",
        "introspect",
        "userinfo",
    ):
        url = getattr(spec.endpoints, name)
        if url is not None:
            lines.append(f"    {name}: {one_line(url)}")
    if spec.api.base_url is not None:
        lines.append(f"    api: {one_line(spec.api.base_url)}")
    return lines


def quirk_lines(spec: ProviderSpec) -> list[str]:
    """One bullet per declared, non-default behaviour."""
    notes: list[str] = []
    add = notes.append
    scopes = spec.scopes
    if not scopes.supported:
        add("no scopes")
    else:
        if scopes.separator != " ":
            add(f"scopes are joined with {q(scopes.separator)}")
        if scopes.param != "scope":
            add(f"scopes are sent as {q(scopes.param)}")
        if scopes.user_param:
            add(f"user scopes are sent as {q(scopes.user_param)}")
        if scopes.required:
            add(f"always requested scopes: {listed(scopes.required)}")
        if scopes.default:
            add(f"default scopes: {listed(scopes.default)}")
    authorize = spec.authorize
    if spec.protocol != "oauth1":
        if authorize.pkce != "supported":
            add(f"PKCE {authorize.pkce}")
        if authorize.state != "required":
            add(f"state {authorize.state}")
        if authorize.response_type != "code":
            add(f"response_type {q(authorize.response_type)}")
        if authorize.response_mode is not None:
            add(f"response_mode {q(authorize.response_mode)}")
    if authorize.params:
        add(f"fixed authorization parameters: {_pairs(authorize.params)}")
    if authorize.param_names:
        add(f"renamed authorization parameters: {_renames(authorize.param_names.items())}")
    if authorize.omit_empty:
        add("empty authorization parameters are left out")
    if authorize.unencoded_params:
        add(f"sent without percent-encoding: {listed(authorize.unencoded_params)}")
    if authorize.fragment:
        add(f"authorization URL fragment {q(authorize.fragment)}")
    callback = spec.callback
    if callback.mode != "query":
        add(f"the callback arrives as {callback.mode}")
    if callback.capture:
        add(f"values captured from the callback: {listed(callback.capture)}")
    if callback.error.cancel_param:
        add(f"a cancelled sign-in carries {q(callback.error.cancel_param)}")
    if spec.protocol != "oauth1":
        notes.extend(_token_notes(spec))
    else:
        oauth1 = spec.oauth1
        add(f"signature {oauth1.signature_method}, OAuth parameters in the {oauth1.signature_type}")
        if oauth1.realm is not None:
            add(f"realm {q(oauth1.realm)}")
        if oauth1.callback_param:
            add(f"callback also sent as {q(oauth1.callback_param)}")
    api = spec.api
    if api.token_placement != "header":
        add(f"API calls carry the token in the {api.token_placement}")
    if api.token_name is not None:
        add(f"API token name {q(api.token_name)}")
    if api.token_scheme != "Bearer":
        add(f"API token scheme {q(api.token_scheme) if api.token_scheme else 'none (bare token)'}")
    if api.headers:
        add(f"API headers: {listed(api.headers)}")
    if api.query:
        add(f"API query parameters: {listed(api.query)}")
    for point, names in _hooks(spec).items():
        add(f"runtime hooks at {point}: {', '.join(names)}")
    return notes


def _token_notes(spec: ProviderSpec) -> list[str]:
    notes: list[str] = []
    add = notes.append
    token = spec.token
    if token.client_auth != "client_secret_basic":
        add(f"client authentication {token.client_auth}")
    if token.include_client_id:
        add("client_id also sent in the token request body")
    if token.method != "POST" or token.encoding not in (None, "form"):
        add(f"token request: {token.method} {token.encoding or 'default encoding'}")
    if token.headers:
        add(f"token request headers: {listed(token.headers)}")
    if token.params:
        add(f"extra token request parameters: {listed(token.params)}")
    if token.param_names:
        add(f"renamed token request parameters: {_renames(token.param_names.items())}")
    if not token.send_redirect_uri:
        add("redirect_uri is not sent to the token endpoint")
    if token.grant_type != "authorization_code":
        add(f"grant_type {q(token.grant_type)}")
    response = token.response
    if response.format != "auto":
        add(f"token response format {response.format}")
    if response.key_case != "as_sent":
        add(f"token response keys: {response.key_case}")
    if response.paths:
        add(f"token fields read from: {_renames(response.paths.items())}")
    for name, fallbacks in response.fallback_paths.items():
        add(f"{name} also read from {', '.join(q(path) for path in fallbacks)} when missing")
    expires = response.expires
    if (expires.path, expires.kind, expires.unit) != ("expires_in", "relative", "seconds"):
        add(f"expiry read from {q(expires.path)} ({expires.kind}, {expires.unit})")
    if expires.zero_means_never:
        add("an expiry of 0 means the token does not expire")
    if expires.default_lifetime is not None:
        add(f"lifetime assumed when missing: {expires.default_lifetime} s")
    if "device_code" in spec.grants and spec.device.code_param != "device_code":
        add(f"the device poll sends the device code as {q(spec.device.code_param)}")
    for other_name, other in response.other_tokens.items():
        add(f"the answer also holds a {other_name} token at {q(other.path)}, refreshed on its own")
    if response.refresh_expires is not None:
        add(
            f"refresh tokens expire; their lifetime is read from {q(response.refresh_expires.path)}"
        )
    if response.token_type.override is not None:
        add(f"token_type forced to {q(response.token_type.override)}")
    if response.scope.format != "string" or response.scope.path != "scope":
        add(f"granted scopes read from {q(response.scope.path)} as a {response.scope.format}")
    if response.extra:
        add(f"token extras: {listed(response.extra)}")
    errors = spec.errors
    if errors.code_path != "error":
        add(f"error code read from {q(errors.code_path)}")
    if errors.success_flag is not None:
        add(f"success flag {q(errors.success_flag.path)} = {q(errors.success_flag.value)}")
    for step_name, step in spec.after_token.items():
        add(f"after sign-in, {step_name} ({q(step.url)}) fills token fields {listed(step.keep)}")
    kept = [capture for capture, rule in spec.callback.capture.items() if rule.on_token]
    if kept:
        add(f"callback values kept on the token: {listed(kept)}")
    refresh = spec.refresh
    if refresh is not None and refresh.supported:
        if refresh.rotation == "rotating":
            add("refresh tokens rotate (single use)")
        if refresh.requires_scopes:
            add(f"a refresh token needs the scopes {listed(refresh.requires_scopes)}")
        if refresh.requires_params:
            add(f"a refresh token needs {_pairs(refresh.requires_params)}")
        if refresh.client_auth != "inherit":
            add(f"refresh client authentication {refresh.client_auth}")
        if refresh.leeway_seconds != 60:
            add(f"tokens are refreshed {refresh.leeway_seconds} s before they expire")
    if spec.endpoints.revoke is not None:
        revocation = spec.revocation
        if revocation.method != "POST":
            add(f"revocation uses {revocation.method}")
        if revocation.encoding is not None:
            add(f"revocation parameters sent as {revocation.encoding}")
        if revocation.default_token == "access_token":
            add("revoke() revokes the access token unless told otherwise")
        if revocation.authenticate_with_token:
            add("revocation is authenticated with the access token")
        if revocation.success_body is not None:
            place = q(revocation.success_body.path) if revocation.success_body.path else "the body"
            add(f"revocation succeeds only when {place} is {q(revocation.success_body.value)}")
    return notes


def unconfirmed_sections(spec: ProviderSpec) -> list[str]:
    sections = {
        "endpoints": spec.endpoints.unconfirmed,
        "scopes": spec.scopes.unconfirmed,
        "authorize": spec.authorize.unconfirmed,
        "callback": spec.callback.unconfirmed,
        "errors": spec.errors.unconfirmed,
        "api": spec.api.unconfirmed,
    }
    if spec.protocol == "oauth1":
        sections["oauth1"] = spec.oauth1.unconfirmed
    else:
        sections["token"] = spec.token.unconfirmed
        sections["token.response"] = spec.token.response.unconfirmed
        sections["refresh"] = spec.refresh is not None and spec.refresh.unconfirmed
        sections["device"] = "device_code" in spec.grants and spec.device.unconfirmed
        for name, exchange in spec.exchanges.items():
            sections[f"exchanges.{name}"] = exchange.unconfirmed
        for name, step in spec.after_token.items():
            sections[f"after_token.{name}"] = step.unconfirmed
    if spec.protocol == "oidc":
        sections["oidc"] = spec.oidc.unconfirmed
    if spec.endpoints.revoke is not None:
        sections["revocation"] = spec.revocation.unconfirmed
    if spec.userinfo is not None:
        sections["userinfo"] = spec.userinfo.unconfirmed
    return sorted(name for name, flag in sections.items() if flag)


_TOPICS = {
    "endpoints": "the endpoint URLs",
    "scopes": "the scopes",
    "authorize": "the authorization request",
    "callback": "the callback",
    "errors": "the error answers",
    "api": "API calls",
    "oauth1": "the OAuth 1 steps",
    "token": "the token request",
    "token.response": "the token answer",
    "refresh": "refreshing",
    "device": "the device flow",
    "oidc": "OpenID Connect",
    "revocation": "revocation",
    "userinfo": "the profile",
}


def unconfirmed_topics(spec: ProviderSpec) -> list[str]:
    """``unconfirmed_sections`` in words, for docstrings (which name no spec keys)."""
    topics = []
    for section in unconfirmed_sections(spec):
        kind, _, name = section.partition(".")
        if kind == "exchanges":
            topics.append(f"the {name} exchange")
        elif kind == "after_token":
            topics.append(f"the {name} call after sign-in")
        else:
            topics.append(_TOPICS[section])
    return topics


def _hooks(spec: ProviderSpec) -> dict[str, tuple[str, ...]]:
    return {
        field.name: getattr(spec.hooks, field.name)
        for field in dataclasses.fields(spec.hooks)
        if getattr(spec.hooks, field.name)
    }


def _pairs(values: Mapping[str, object]) -> str:
    return ", ".join(f"{one_line(name)}={q(value)}" for name, value in values.items())


def _renames(values: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{one_line(name)} -> {q(value)}" for name, value in values)
