"""Filling ``{placeholder}`` templates in URLs, parameters and headers.

Placeholders name a variable (``{tenant}``), ``{client_id}``, ``{access_token}`` or a token
field (``{token.instance_url}``). Where a value lands decides how it is checked:

* in a URL host: it must be host name labels (letters, digits, ``-``, dots between labels), so
  a value can never add ``/``, ``@``, ``:``, ``?`` or ``#`` and move the request elsewhere;
* elsewhere in a URL: percent-encoded (``.`` and ``..`` are refused in a path);
* a ``{token.x}`` that starts a URL is a whole base URL (Salesforce ``instance_url``): it must
  be https (http only to loopback), with a host and no credentials, query or fragment;
* in a header: no line breaks; in a parameter: as is (the request encodes it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from .._transport import is_secure_url
from .errors import TemplateError

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_HOST = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
TOKEN_PREFIX = "token."


class Placeholders:
    """The values placeholders may name; which ones exist depends on the moment."""

    def __init__(
        self,
        variables: Mapping[str, object],
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        token: Mapping[str, Any] | None = None,
        access_token_field: str = "access_token",
    ) -> None:
        self.variables = variables
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = token
        self.access_token_field = access_token_field

    def value(self, name: str, where: str) -> str:
        if name in self.variables:
            return str(self.variables[name])
        if name == "client_id" and self.client_id is not None:
            return self.client_id
        if name == "client_secret":
            if not self.client_secret:
                raise TemplateError(f"{where} uses {{client_secret}}: give the client its secret")
            return self.client_secret
        if name == "access_token" or name.startswith(TOKEN_PREFIX):
            field = self.access_token_field if name == "access_token" else name[len(TOKEN_PREFIX) :]
            if self.token is None:
                raise TemplateError(f"{where} uses {{{name}}}, which needs a token; get one first")
            found = self.token.get(field)
            if found is None or found == "":
                raise TemplateError(f"{where} uses {{{name}}} but the token has no {field!r} field")
            return str(found)
        raise TemplateError(f"{where} uses {{{name}}}, which has no value here")


def render_text(template: str, values: Placeholders, *, where: str, header: bool = False) -> str:
    """A parameter or header value with its placeholders filled."""

    def fill(match: re.Match[str]) -> str:
        value = values.value(match.group(1), where)
        if header and ("\r" in value or "\n" in value):
            raise TemplateError(f"{where}: {{{match.group(1)}}} would put a line break in a header")
        return value

    return _PLACEHOLDER.sub(fill, template)


def render_url(template: str, values: Placeholders, *, where: str) -> str:
    """A URL with its placeholders filled, each checked for the part of the URL it is in."""
    base = ""
    rest = template
    first = _PLACEHOLDER.match(template)
    if first is not None:  # a url variable or a token field holding a whole base URL
        base = _base_url(values.value(first.group(1), where), first.group(1), where)
        rest = template[first.end() :]
        authority_end = 0
    else:
        scheme_end = template.find("://")
        start = scheme_end + 3 if scheme_end >= 0 else 0
        ends = [i for i in (template.find(c, start) for c in "/?#") if i >= 0]
        authority_end = min(ends) if ends else len(template)
    query_start = rest.find("?")
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(rest):
        pieces.append(rest[position : match.start()])
        name = match.group(1)
        value = values.value(name, where)
        if match.start() < authority_end:
            if not _HOST.fullmatch(value):
                raise TemplateError(
                    f"{where}: {{{name}}} is used in the host name, so it must be letters, "
                    f"digits, '-' and dots between labels, not {value!r}"
                )
            pieces.append(value)
        else:
            in_path = query_start < 0 or match.start() < query_start
            if in_path and value in (".", ".."):
                raise TemplateError(f"{where}: {{{name}}} cannot be {value!r} in a URL path")
            pieces.append(quote(value, safe="-._~" if in_path else ""))
        position = match.end()
    pieces.append(rest[position:])
    return base + "".join(pieces)


def _base_url(value: str, name: str, where: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("https", "http")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or any(ch.isspace() for ch in value)
        or not is_secure_url(value)
    ):
        what = (
            f"the token's {name[len(TOKEN_PREFIX) :]!r}"
            if name.startswith(TOKEN_PREFIX)
            else f"variable {name!r}"
        )
        raise TemplateError(f"{where}: {what} is not a usable https base URL")
    return value.rstrip("/")
