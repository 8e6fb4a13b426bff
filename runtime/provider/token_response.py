"""From a token endpoint's answer to a normalised token dict.

Order: decode (``format``) -> errors (``errors``: HTTP status, error fields in a 200 answer,
success flag) -> ``key_case`` -> standard fields via ``paths`` (then ``fallback_paths`` in
order, for a field missing at its first place) -> ``expires`` ->
``token_type`` -> ``scope`` -> typed ``extra``. Unknown top-level fields of the answer are kept
(as requests-oauthlib does); standard fields read from elsewhere replace top-level ones.
The result always has ``access_token`` and ``token_type``, ``scope`` as a list when the
provider reported scopes, and ``expires_in`` + absolute ``expires_at`` when it expires.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._lifecycle import LifetimeError, lifetime, seconds_value, whole_seconds
from ..core.answers import decode_answer, raise_for_error
from ..core.http import Response
from ..core.paths import MISSING, get_path
from ..errors import TokenResponseParseError
from .errors import FieldTypeError
from .fields import read_typed_fields, snake_keys
from .scopes import split_scopes
from .spec_view import (
    ExpiryView,
    RefreshExpiryView,
    ScopeEchoView,
    ScopesView,
    SpecView,
    TokenResponseView,
    TokenTypeRuleView,
)

_STANDARD = ("access_token", "refresh_token", "id_token")


def parse_token_response(
    response: Response,
    spec: SpecView,
    *,
    clock: Callable[[], float],
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The normalised token in ``response``, or the typed error it stands for."""
    rules = spec.token.response
    document = decode_answer(response, rules.format)
    raise_for_error(response, document, spec.errors)
    assert document is not None
    try:
        return normalise_token(document, rules, spec.scopes, clock=clock, previous=previous)
    except LifetimeError as exc:
        raise TokenResponseParseError(response, str(exc), field=exc.field) from None
    except FieldTypeError as exc:
        raise TokenResponseParseError(response, str(exc), field=exc.field) from None


def normalise_token(
    document: Mapping[str, Any],
    rules: TokenResponseView,
    scopes: ScopesView,
    *,
    clock: Callable[[], float],
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply the spec's ``token.response`` rules to a decoded, error-free answer.

    ``previous`` (the token being refreshed or exchanged) supplies declared extras the new
    answer leaves out: they describe the account (instance_url, team), not the token.
    """
    if rules.key_case == "camel_to_snake":
        document = snake_keys(document)
    token: dict[str, Any] = dict(document)
    paths = rules.paths
    fallbacks = rules.fallback_paths

    def where(name: str, default: str) -> list[str]:
        return [paths.get(name) or default, *fallbacks.get(name, ())]

    for name in _STANDARD:
        _standard_field(token, document, name, where(name, name))
    if not token.get("access_token"):
        places = " or ".join(repr(path) for path in where("access_token", "access_token"))
        raise FieldTypeError(f"the answer has no access token at {places}", field="access_token")
    _token_type(token, document, rules.token_type, where("token_type", "token_type"))
    _expiry(token, document, rules.expires, where("expires_in", rules.expires.path), clock)
    _refresh_expiry(token, document, rules.refresh_expires, clock, previous)
    _scope(token, document, rules.scope, where("scope", rules.scope.path), scopes.separator)
    extra = rules.extra
    carried = {
        name: previous[name]
        for name, rule in extra.items()
        if previous
        and name in previous
        and get_path(document, rule.path or name) in (MISSING, None)
    }
    fresh = {name: rule for name, rule in extra.items() if name not in carried}
    token.update(read_typed_fields(document, fresh, what="token response"))
    token.update(carried)
    for name, other in rules.other_tokens.items():
        found = get_path(document, other.path)
        if isinstance(found, Mapping) and found.get("access_token"):
            token[name] = other_token(found, rules, scopes, clock=clock)
        elif previous and isinstance(previous.get(name), Mapping):
            token[name] = dict(previous[name])  # a refresh of the main token leaves it alone
    return token


OTHER_TOKEN_FIELDS = (
    "access_token",
    "token_type",
    "refresh_token",
    "expires_in",
    "expires_at",
    "refresh_token_expires_in",
    "refresh_token_expires_at",
    "scope",
)


def other_token(
    document: Mapping[str, Any],
    rules: TokenResponseView,
    scopes: ScopesView,
    *,
    clock: Callable[[], float],
) -> dict[str, Any]:
    """One of ``other_tokens`` (or the answer refreshing one) read with the main token's rules
    for lifetimes, type and scopes, and only its standard fields kept."""
    plain = TokenResponseView(
        {**rules.data, "paths": {}, "fallback_paths": {}, "extra": {}, "other_tokens": {}}
    )
    token = normalise_token(document, plain, scopes, clock=clock)
    return {name: token[name] for name in OTHER_TOKEN_FIELDS if name in token}


def _first(
    document: Mapping[str, Any], paths: list[str], absent: tuple[object, ...] = (MISSING, None, "")
) -> tuple[Any, str]:
    """The first value at one of ``paths`` that is not ``absent``, and its path; else
    ``(MISSING, paths[0])``."""
    for path in paths:
        value = get_path(document, path)
        if value not in absent:
            return value, path
    return MISSING, paths[0]


def _standard_field(
    token: dict[str, Any], document: Mapping[str, Any], name: str, paths: list[str]
) -> None:
    value, path = _first(document, paths)
    if value is MISSING or (value is False and name != "access_token"):
        # "id_token": false (Tumblr) or "refresh_token": false say there is none.
        token.pop(name, None)
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        token[name] = str(value)
    else:
        raise FieldTypeError(
            f"{name} at {path!r} should be a string, got {type(value).__name__}", field=name
        )


def _token_type(
    token: dict[str, Any], document: Mapping[str, Any], rule: TokenTypeRuleView, paths: list[str]
) -> None:
    found, _ = _first(document, paths)
    if rule.override:
        token["token_type"] = rule.override
    elif isinstance(found, str) and found:
        token["token_type"] = found
    else:
        token["token_type"] = rule.default


def _expiry(
    token: dict[str, Any],
    document: Mapping[str, Any],
    rule: ExpiryView,
    paths: list[str],
    clock: Callable[[], float],
) -> None:
    """``expires_in`` and ``expires_at`` by the runtime's one lifetime rule
    (``runtime._lifecycle.lifetime``): 0 counts as missing, so ``default_lifetime`` applies
    unless ``zero_means_never``; garbage raises ``LifetimeError`` naming the field."""
    raw, path = _first(document, paths)
    token.pop("expires_in", None)
    token.pop("expires_at", None)
    now = round(clock())
    per_second = 1000 if rule.unit == "milliseconds" else 1
    value = None if raw is MISSING else raw
    number = seconds_value(value, path)
    if number == 0 and rule.zero_means_never:
        return
    if rule.kind == "absolute":  # a Unix time: 0 is as unknown as a 0 lifetime
        seconds = whole_seconds(number / per_second - now) if number else None
    else:
        seconds = lifetime(value, path, per_second=per_second)
    if seconds is None:
        seconds = rule.default_lifetime
    if seconds is not None:
        token["expires_in"] = int(seconds)
        token["expires_at"] = now + int(seconds)


def _refresh_expiry(
    token: dict[str, Any],
    document: Mapping[str, Any],
    rule: RefreshExpiryView | None,
    clock: Callable[[], float],
    previous: Mapping[str, Any] | None,
) -> None:
    """``refresh_token_expires_in`` / ``_at`` per the spec's ``refresh_expires``.

    An answer without a new refresh token keeps the old one (rotation ``may_omit``), so it
    also keeps the old one's expiry.
    """
    token.pop("refresh_token_expires_in", None)
    token.pop("refresh_token_expires_at", None)
    if rule is None:
        return
    raw = get_path(document, rule.path)
    if raw in (MISSING, None, ""):
        if previous and "refresh_token" not in document and "refresh_token_expires_at" in previous:
            token["refresh_token_expires_at"] = previous["refresh_token_expires_at"]
        return
    try:
        number = seconds_value(raw, rule.path)  # the one lifetime rule of _lifecycle
    except LifetimeError:
        number = None
    if number is None or number < 0:
        raise FieldTypeError(
            f"the refresh token lifetime at {rule.path!r} is not a number",
            field="refresh_token_expires_in",
        )
    per_second = 1000 if rule.unit == "milliseconds" else 1
    now = round(clock())
    offset = number / per_second - (now if rule.kind == "absolute" else 0)
    expires_at = now + whole_seconds(offset) if offset else now
    token["refresh_token_expires_in"] = expires_at - now
    token["refresh_token_expires_at"] = expires_at


def _scope(
    token: dict[str, Any],
    document: Mapping[str, Any],
    rule: ScopeEchoView,
    paths: list[str],
    default_separator: str,
) -> None:
    raw, path = _first(document, paths, absent=(MISSING, None))  # "" grants no scope
    if path != "scope" or raw in (MISSING, None):
        token.pop("scope", None)
    if raw in (MISSING, None):
        return
    if isinstance(raw, list):
        token["scope"] = [str(item) for item in raw]
        return
    if not isinstance(raw, str):
        raise FieldTypeError(
            f"the granted scopes at {path!r} should be a string or a list", field="scope"
        )
    separator = rule.separator or default_separator
    token["scope"] = split_scopes(raw, separator)
