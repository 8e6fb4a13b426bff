"""The per-provider fixture format: ``tests/providers/<id>/cases.yaml`` read into typed values.

Each file holds a provider's documented example answers (with the page each comes from) and the
requests its generated client must send. The format is described in ``README.md`` beside this
module; a key the format does not know is an error naming the file and the key, so a misspelt
expectation can never pass silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
REPO_ROOT = HERE.parent.parent


class CaseFileError(Exception):
    """A cases.yaml that does not follow the format."""


@dataclass(frozen=True)
class Answer:
    """A documented answer of the provider: its status, headers and body."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    # A mapping or list is sent as JSON; a string as it is (with the headers' content type).
    body: Any = None


@dataclass(frozen=True)
class ExpectedRequest:
    """What the client must send. Strings may hold {state}, {access_token}, {refresh_token},
    {client_id}, {client_secret}, {code_verifier} (filled from the flow) ."""

    method: str | None = None
    url: str | None = None  # scheme, host and path; the query is checked through ``params``
    params: Mapping[str, str] = field(default_factory=dict)  # query, form or JSON body
    absent: tuple[str, ...] = ()  # parameters that must not be sent
    encoding: str | None = None  # query | form | json | none
    client_auth: str | None = None  # basic | post | post_jwt | none
    headers: Mapping[str, str] = field(default_factory=dict)
    present: tuple[str, ...] = ()  # parameters that must be sent, any value
    # Parameters holding a JWT: {param: {claim: value}}, the header's alg and kid as "alg"/"kid".
    jwt: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Exchange:
    """One request of a flow and the provider's documented answer to it."""

    source: str
    request: ExpectedRequest
    answer: Answer
    result: Mapping[str, Any] = field(default_factory=dict)  # a subset of what the method returns
    error: str | None = None  # the OAuth error code the method must raise with instead
    callback: Mapping[str, str] = field(default_factory=dict)  # extra callback parameters
    # The token the client holds before this step (e.g. one with a refresh token); default: the
    # result of the token (or OAuth 1 access_token) step.
    holding: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Authorization:
    source: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    present: tuple[str, ...] = ()  # parameters that must be there, any value
    absent: tuple[str, ...] = ()
    scopes: tuple[str, ...] | None = None  # passed to authorization_url; None: the default
    options: Mapping[str, Any] = field(default_factory=dict)
    pkce: str | None = None  # S256 | plain | None: no code_challenge


@dataclass(frozen=True)
class ApiCall:
    """An API call through ``client.session``: where the token travels."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    signed: bool = False  # OAuth 1: the request verifies with the token secret


@dataclass(frozen=True)
class Cases:
    provider: str
    path: Path
    client: Mapping[str, Any]
    authorization: Authorization | None = None
    token: Exchange | None = None
    token_error: Exchange | None = None
    refresh: Exchange | None = None
    userinfo: Exchange | None = None
    revocation: Exchange | None = None
    api: ApiCall | None = None
    request_token: Exchange | None = None  # OAuth 1
    access_token: Exchange | None = None  # OAuth 1
    client_credentials: Exchange | None = None
    device_authorization: Exchange | None = None
    device_token: Exchange | None = None  # the poll after device_authorization
    exchanges: Mapping[str, Exchange] = field(default_factory=dict)  # by the spec's exchange name
    # The spec's after_token steps by name: the documented call made after sign-in and its
    # answer (Atlassian's accessible resources), answered and checked on every sign-in.
    after_token: Mapping[str, Exchange] = field(default_factory=dict)


_EXCHANGES = (
    "token",
    "token_error",
    "refresh",
    "userinfo",
    "revocation",
    "client_credentials",
    "device_authorization",
    "device_token",
)
_OAUTH1_EXCHANGES = ("request_token", "access_token")
_TOP = {
    "provider",
    "client",
    "authorization",
    "api",
    "after_token",
    "exchanges",
    *_EXCHANGES,
    *_OAUTH1_EXCHANGES,
}


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise CaseFileError(f"{where}: expected a mapping with string keys")
    return value


def _known(value: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise CaseFileError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _strings(value: Any, where: str) -> dict[str, str]:
    items = _mapping(value, where)
    bad = [key for key, item in items.items() if not isinstance(item, str)]
    if bad:
        raise CaseFileError(f"{where}: values must be strings (quote them): {', '.join(bad)}")
    return items


def _names(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CaseFileError(f"{where}: expected a list of strings")
    return tuple(value)


def _source(value: Mapping[str, Any], where: str) -> str:
    source = value.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise CaseFileError(f"{where}.source: the https URL of the page documenting this example")
    return source


def _request(value: Any, where: str) -> ExpectedRequest:
    items = _mapping(value, where)
    _known(items, ExpectedRequest.__dataclass_fields__.keys(), where)
    return ExpectedRequest(
        method=items.get("method"),
        url=items.get("url"),
        params=_strings(items.get("params"), f"{where}.params"),
        absent=_names(items.get("absent"), f"{where}.absent"),
        encoding=items.get("encoding"),
        client_auth=items.get("client_auth"),
        headers=_strings(items.get("headers"), f"{where}.headers"),
        present=_names(items.get("present"), f"{where}.present"),
        jwt={
            name: _mapping(claims, f"{where}.jwt.{name}")
            for name, claims in _mapping(items.get("jwt"), f"{where}.jwt").items()
        },
    )


def _answer(value: Any, where: str) -> Answer:
    items = _mapping(value, where)
    _known(items, Answer.__dataclass_fields__.keys(), where)
    return Answer(
        status=int(items.get("status", 200)),
        headers=_strings(items.get("headers"), f"{where}.headers"),
        body=items.get("body"),
    )


def _exchange(value: Any, where: str) -> Exchange:
    items = _mapping(value, where)
    _known(items, Exchange.__dataclass_fields__.keys(), where)
    if "answer" not in items:
        raise CaseFileError(f"{where}: needs an answer (the provider's documented example)")
    return Exchange(
        source=_source(items, where),
        request=_request(items.get("request"), f"{where}.request"),
        answer=_answer(items["answer"], f"{where}.answer"),
        result=_mapping(items.get("result"), f"{where}.result"),
        error=items.get("error"),
        callback=_strings(items.get("callback"), f"{where}.callback"),
        holding=_mapping(items["holding"], f"{where}.holding") if "holding" in items else None,
    )


def _authorization(value: Any, where: str) -> Authorization:
    items = _mapping(value, where)
    _known(items, Authorization.__dataclass_fields__.keys(), where)
    if not isinstance(items.get("url"), str):
        raise CaseFileError(f"{where}.url: the authorization endpoint, without a query")
    scopes = items.get("scopes")
    return Authorization(
        source=_source(items, where),
        url=items["url"],
        params=_strings(items.get("params"), f"{where}.params"),
        present=_names(items.get("present"), f"{where}.present"),
        absent=_names(items.get("absent"), f"{where}.absent"),
        scopes=None if scopes is None else _names(scopes, f"{where}.scopes"),
        options=_mapping(items.get("options"), f"{where}.options"),
        pkce=items.get("pkce"),
    )


def _api(value: Any, where: str) -> ApiCall:
    items = _mapping(value, where)
    _known(items, ApiCall.__dataclass_fields__.keys(), where)
    if not isinstance(items.get("url"), str):
        raise CaseFileError(f"{where}.url: an API URL to call through client.session")
    return ApiCall(
        url=items["url"],
        headers=_strings(items.get("headers"), f"{where}.headers"),
        params=_strings(items.get("params"), f"{where}.params"),
        signed=bool(items.get("signed", False)),
    )


def load_cases(path: Path) -> Cases:
    """Read one cases.yaml; every mistake is a ``CaseFileError`` naming the file and the key."""
    where = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CaseFileError(f"{where}: not YAML: {error}") from None
    top = _mapping(raw, where)
    _known(top, _TOP, where)
    if top.get("provider") != path.parent.name:
        raise CaseFileError(f"{where}: provider must be {path.parent.name!r} (the folder name)")
    exchanges = {
        name: _exchange(top[name], f"{where}:{name}")
        for name in (*_EXCHANGES, *_OAUTH1_EXCHANGES)
        if name in top
    }
    if ("device_authorization" in exchanges) != ("device_token" in exchanges):
        raise CaseFileError(f"{where}: device_authorization and device_token go together")
    return Cases(
        provider=top["provider"],
        path=path,
        client=_mapping(top.get("client"), f"{where}:client"),
        authorization=(
            _authorization(top["authorization"], f"{where}:authorization")
            if "authorization" in top
            else None
        ),
        api=_api(top["api"], f"{where}:api") if "api" in top else None,
        after_token={
            name: _exchange(step, f"{where}:after_token.{name}")
            for name, step in _mapping(top.get("after_token"), f"{where}:after_token").items()
        },
        exchanges={
            name: _exchange(value, f"{where}:exchanges.{name}")
            for name, value in _mapping(top.get("exchanges"), f"{where}:exchanges").items()
        },
        **exchanges,
    )


def case_files() -> list[Path]:
    return sorted(HERE.glob("*/cases.yaml"))
