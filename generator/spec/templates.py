"""``{placeholder}`` templates in URLs, header values and parameter values, and URL rules.

A placeholder names a declared variable (``{tenant}``) or, where the value is used after a
token exists, a built-in: ``{client_id}``, ``{access_token}`` or ``{token.<extra field>}``.
Only the syntax and the URL shape are checked here; which names exist is the semantic pass's job.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .errors import show

TemplateScope = Literal["none", "static", "client", "token", "api_header"]
"""Which placeholders a value may use: none; declared variables; + ``client_id``; + token data;
+ ``client_secret`` (API headers only)."""

CLIENT_BUILTINS = frozenset({"client_id"})
TOKEN_BUILTINS = frozenset({"client_id", "access_token"})
API_HEADER_BUILTINS = TOKEN_BUILTINS | {"client_secret"}
TOKEN_FIELD_PREFIX = "token."

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PLACEHOLDER_NAME = re.compile(r"(?:token\.)?[a-z][a-z0-9_]*")
_LOOPBACK_NAMES = frozenset({"localhost", "::1"})
_LOOPBACK_IPV4 = re.compile(r"127(?:\.[0-9]{1,3}){3}")
_SAMPLE = "1"  # stands in for a placeholder: valid in a host, a port and a path


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str


def placeholders(text: str) -> tuple[str, ...]:
    """Names used in ``text``, in order of appearance (assumes the syntax already checked)."""
    return tuple(match.group(1) for match in _PLACEHOLDER.finditer(text))


def placeholder_problems(text: str) -> list[Problem]:
    problems: list[Problem] = []
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1)
        if not _PLACEHOLDER_NAME.fullmatch(name):
            problems.append(
                Problem(
                    f"invalid placeholder {show(match.group(0))}",
                    "a placeholder is {variable} or {token.field}: lowercase letters, digits, _",
                )
            )
    leftover = _PLACEHOLDER.sub("", text)
    if "{" in leftover or "}" in leftover:
        problems.append(
            Problem(
                "unbalanced '{' or '}'",
                "braces only delimit placeholders like {tenant}; literal braces are not allowed",
            )
        )
    return problems


def _is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 in dotted form, or ::1 (the forms the JSON Schema allows too)."""
    if host in _LOOPBACK_NAMES:
        return True
    if not _LOOPBACK_IPV4.fullmatch(host):
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_LEADING_PLACEHOLDER = re.compile(r"\{((?:token\.)?[a-z][a-z0-9_]*)\}")


def url_problems(text: str, *, templated: bool, token_base: bool = False) -> list[Problem]:
    """Shape rules for a URL: https (or http to a loopback host), a host, no credentials.

    A URL may start with a placeholder holding a whole base URL: a ``url`` variable (checked
    by the semantic pass) or, with ``token_base``, a ``{token.field}`` (Salesforce's
    instance_url); the runtime checks those values when it has them.
    """
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        return [Problem("URL contains whitespace or control characters", "percent-encode them")]
    if "\\" in text:
        return [Problem("URL contains a backslash", "use '/' as the path separator")]
    problems = placeholder_problems(text) if templated else []
    if not templated and ("{" in text or "}" in text):
        return [Problem("placeholders are not allowed in this URL", "write the URL out in full")]
    if problems:
        return problems
    base = _LEADING_PLACEHOLDER.match(text) if templated else None
    if base is not None and text[base.end() :].startswith(":"):
        return [Problem("the URL scheme cannot be a placeholder", "write https:// literally")]
    if base is not None:
        if base.group(1).startswith(TOKEN_FIELD_PREFIX) and not token_base:
            return [
                Problem(
                    "this URL cannot start with a token field",
                    "only userinfo, revoke and api URLs can ({token.instance_url}/...)",
                )
            ]
        rest = text[base.end() :]
        if rest and rest[0] not in "/?":
            return [Problem("a base URL placeholder must be followed by / or ?", "write {x}/path")]
        if "#" in rest:
            return [Problem("URL has a #fragment", "remove the fragment")]
        return []
    scheme, sep, _ = text.partition("://")
    if not sep:
        return [Problem("not an absolute URL", "start it with https://")]
    if _PLACEHOLDER.search(scheme):
        return [Problem("the URL scheme cannot be a placeholder", "write https:// literally")]
    concrete = _PLACEHOLDER.sub(_SAMPLE, text)
    try:
        parts = urlsplit(concrete)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        return [Problem(f"malformed URL ({exc})", "check the host and port")]
    raw_netloc = text.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    if "@" in parts.netloc:
        problems.append(Problem("URL contains credentials", "remove the user:password@ part"))
    if not parts.hostname:
        problems.append(Problem("URL has no host", "write https://host/path"))
    if parts.fragment or "#" in concrete:
        problems.append(Problem("URL has a #fragment", "remove the fragment"))
    if scheme == "http":
        if raw_netloc.startswith("["):
            host = raw_netloc[1:].split("]", 1)[0]
        else:
            host = raw_netloc.rsplit(":", 1)[0]
        if _PLACEHOLDER.search(raw_netloc) or not _is_loopback(host):
            problems.append(
                Problem(
                    "plain http is only allowed for loopback hosts",
                    "use https:// (http is accepted for localhost, 127.0.0.1 and [::1] only)",
                )
            )
    elif scheme != "https":
        problems.append(Problem(f"unsupported URL scheme '{scheme}'", "use https://"))
    return problems
