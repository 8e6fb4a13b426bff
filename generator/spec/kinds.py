"""What each named string kind of the spec model (``runtime.spec.markers.Kind``) accepts.

Each kind is checked by the loader and exported to the JSON Schema from the same definition,
so the two cannot drift: ``pattern`` is a regex body (no anchors) that both Python ``re``
and ECMA-262 understand; the loader full-matches it, the schema anchors it.
"""

from __future__ import annotations

import builtins
import difflib
import functools
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from runtime.spec.markers import HookNames, Kind

from ..hooks import BUILTIN_HOOKS, HookPoint, find_hook, hook_names, registered_hooks
from .errors import show
from .templates import Problem, TemplateScope, url_problems

ExtraCheck = Callable[[str], "Problem | None"]


@dataclass(frozen=True)
class StringKind:
    label: str
    """What the value is, for messages: "… is not a valid <label>"."""
    pattern: str
    hint: str
    extra_check: ExtraCheck | None = None
    template: TemplateScope = "none"
    url: bool = False
    choices: tuple[str, ...] | None = None
    """A closed set of values (hook names); exported as a JSON Schema enum."""


# Names the generated client's constructor and flow methods already use for themselves.
RESERVED_ARGUMENT_NAMES = frozenset(
    {
        "access_token", "args", "auto_refresh", "callback_uri", "client_id", "client_secret",
        "cls", "code", "code_verifier", "environment", "kwargs", "leeway", "nonce",
        "private_key", "redirect_uri", "refresh_token", "resource_owner_key",
        "resource_owner_secret", "scope", "scopes", "self", "session", "state", "timeout",
        "token", "token_store", "token_updater", "verifier",
    }
)  # fmt: skip


def _not_keyword(value: str) -> Problem | None:
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return Problem(f"'{value}' is a Python keyword", "pick another name, e.g. add a suffix _")
    return None


def _argument_name(value: str) -> Problem | None:
    problem = _not_keyword(value)
    if problem:
        return problem
    if value in RESERVED_ARGUMENT_NAMES:
        return Problem(
            f"'{value}' is already a parameter of the generated client",
            "pick another name",
        )
    if hasattr(builtins, value):
        return Problem(f"'{value}' shadows the Python builtin of that name", "pick another name")
    return None


def _compiles(value: str) -> Problem | None:
    try:
        re.compile(value)
    except re.error as exc:
        return Problem(f"invalid regular expression ({exc})", "fix the pattern")
    return None


def _https_url(value: str) -> Problem | None:
    problems = url_problems(value, templated=False)
    return problems[0] if problems else None


_NO_CONTROL = r"[^\x00-\x1f\x7f]"
_URL = (
    r"(?:https://|http://(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])(?=[:/?]|$))"
    r"[^\s\x00-\x1f\x7f]*"
)
_SEGMENT = r"[A-Za-z0-9_$@:-]+(?:\[[0-9]+\])*"

PROVIDER_ID = StringKind(
    "provider id",
    r"[a-z][a-z0-9_]{0,39}",
    "lowercase letters, digits and _, starting with a letter, at most 40 characters",
    _not_keyword,
)
SNAKE_NAME = StringKind(
    "snake_case name",
    r"[a-z][a-z0-9_]{0,59}",
    "lowercase letters, digits and _, starting with a letter",
    _not_keyword,
)
ARGUMENT_NAME = StringKind(
    "argument name",
    r"[a-z][a-z0-9_]{0,59}",
    "lowercase letters, digits and _, starting with a letter; it becomes a keyword argument",
    _argument_name,
)
CLASS_NAME = StringKind(
    "class name",
    r"[A-Z][A-Za-z0-9]{0,59}",
    "PascalCase letters and digits, starting with an uppercase letter",
    _not_keyword,
)
DISPLAY_NAME = StringKind(
    "display name", _NO_CONTROL + r"{1,80}", "one line, at most 80 characters"
)
TEXT = StringKind(
    "description",
    r"[^\x00-\x08\x0b-\x1f\x7f]{0,4000}",
    "plain text (newlines allowed), at most 4000 characters",
)
SCOPE_NAME = StringKind(
    "scope name",
    r"[!#-\[\]-~]{1,200}",
    "printable ASCII without spaces, '\"' or '\\' (RFC 6749 section 3.3)",
)
HEADER_NAME = StringKind(
    "header name", r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}", "an HTTP header name such as X-Api-Key"
)
PARAM_NAME = StringKind(
    "parameter name",
    r"[A-Za-z0-9_.~\[\]-]{1,100}",
    "letters, digits and _ . ~ [ ] -",
)
TOKEN_NAME = StringKind(
    "header or parameter name",
    r"[A-Za-z0-9_.~-]{1,100}",
    "letters, digits and _ . ~ -, e.g. Authorization or access_token",
)
AUTH_SCHEME = StringKind(
    "authorization scheme", r"[A-Za-z][A-Za-z0-9_.~+/-]{0,40}", "a single word such as Bearer"
)
FIELD_PATH = StringKind(
    "field path",
    _SEGMENT + r"(?:\." + _SEGMENT + r")*",
    "dot-separated keys with optional [index], e.g. authed_user.access_token or data[0]",
)
PARAM_VALUE = StringKind(
    "fixed value",
    r"[^\x00-\x1f\x7f{}]{0,500}",
    "one line without braces; placeholders are not allowed here",
)
CLIENT_VALUE = StringKind(
    "header or parameter value",
    _NO_CONTROL + r"{0,2000}",
    "one line; may use {variable} and {client_id}",
    template="client",
)
TOKEN_VALUE = StringKind(
    "header or parameter value",
    _NO_CONTROL + r"{0,2000}",
    "one line; may use {variable}, {client_id}, {access_token} and {token.field}",
    template="token",
)
API_HEADER_VALUE = StringKind(
    "header value",
    _NO_CONTROL + r"{0,2000}",
    "one line; may use {variable}, {client_id}, {client_secret}, {access_token} and {token.field}",
    template="api_header",
)
PLAIN_URL = StringKind("URL", _URL, "an https:// URL", _https_url)
_LEADING_BASE = r"\{(?:token\.)?[a-z][a-z0-9_]*\}(?:[/?][^\s\x00-\x1f\x7f]*)?"
ENDPOINT_URL = StringKind(
    "URL",
    rf"(?:{_URL}|{_LEADING_BASE})",
    "an https:// URL; may use {variable}, or start with a url variable",
    template="static",
    url=True,
)
TOKEN_URL = StringKind(
    "URL",
    rf"(?:{_URL}|{_LEADING_BASE})",
    "an https:// URL; may use {variable}, {access_token} and {token.field}",
    template="token",
    url=True,
)
REGEX = StringKind("regular expression", r".{1,500}", "a Python regular expression", _compiles)
FRAGMENT = StringKind(
    "URL fragment", r"[A-Za-z0-9_.~!$&'()*+,;=:@/?-]{1,100}", "text after '#', without the '#'"
)


def hook_kind(point: HookPoint) -> StringKind:
    """Names of the hooks that run at ``point``: the built-in ones (the schema's enum) and those
    of installed ``oauthgen.hooks`` plugins (checked when a spec is loaded)."""
    builtin = tuple(hook.name for hook in BUILTIN_HOOKS if hook.point == point)

    def registered_here(value: str) -> Problem | None:
        names = hook_names(point)
        if value in names:
            return None
        hook = find_hook(value)
        if hook is not None:
            return Problem(
                f"hook '{value}' runs at {hook.point}, not at {point}",
                f"list it under hooks.{hook.point}",
            )
        every = [h.name for h in registered_hooks()]
        close = difflib.get_close_matches(value, every, n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"hooks for {point}: {', '.join(names) or 'none yet'}"
        )
        return Problem(f"unknown hook {show(value)}", hint)

    return StringKind(
        f"hook for {point}",
        "|".join(re.escape(name) for name in builtin) or "(?!)",
        f"hooks for {point}: {', '.join(builtin) or 'none yet'}",
        registered_here,
        choices=builtin,
    )


_NAMED: dict[str, StringKind] = {
    name.lower(): kind for name, kind in list(globals().items()) if isinstance(kind, StringKind)
}


@functools.cache
def _hook_kind(point: str) -> StringKind:
    return hook_kind(cast(HookPoint, point))


def resolved(marker: object) -> object:
    """``marker`` with a model's string-kind marker (``Kind``, ``HookNames``) replaced by the
    ``StringKind`` that checks it; other constraints (``IntRange``, ``Unique``...) as they are."""
    if isinstance(marker, Kind):
        return _NAMED[marker.name]
    if isinstance(marker, HookNames):
        return _hook_kind(marker.point)
    return marker
