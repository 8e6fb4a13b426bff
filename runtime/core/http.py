"""Requests and answers as plain values, independent of any HTTP library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Encoding = Literal["form", "json", "query"]
JSON_ACCEPT: Mapping[str, str] = {"Accept": "application/json"}


class Response(Protocol):
    """What the core reads of an HTTP answer; ``requests.Response`` and ``httpx.Response``
    both have it. Readers use ``runtime.core.reading`` so that test doubles with only some
    of these attributes (requests-oauthlib's suites set only ``text``) still read."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Any: ...

    @property
    def text(self) -> str: ...

    @property
    def url(self) -> Any: ...


@dataclass
class Call:
    """One request: where ``params`` go is decided by ``encoding`` (form body, JSON, query).

    ``with_token``: the request carries the access token (an API call, or a revocation
    the provider authenticates with the token); otherwise it is a token-type request, sent
    without it and never redirected unless ``follow_redirects``. ``timeout`` (seconds, or a
    transport's own form) overrides the client's default; ``options`` are passed to the
    transport as they are (requests' ``auth``, ``verify``, ``proxies``, ``cert``...).
    """

    method: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    encoding: Encoding = "form"
    with_token: bool = False
    follow_redirects: bool = False
    timeout: Any = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """A flow asks its driver to wait ``seconds``; the driver sends back True when the wait
    was cancelled, False when it ran its course."""

    seconds: float


def default_encoding(method: str, encoding: str | None) -> Encoding:
    """The given encoding, else form for POST and query for GET/DELETE."""
    if encoding == "form":
        return "form"
    if encoding == "json":
        return "json"
    if encoding == "query":
        return "query"
    return "form" if method.upper() == "POST" else "query"


def rename(params: Mapping[str, str], names: Mapping[str, str]) -> dict[str, str]:
    """``params`` with standard names replaced by the provider's (``client_id`` -> ``appid``)."""
    return {names.get(name, name): value for name, value in params.items()}
