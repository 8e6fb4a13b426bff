"""Masking of secrets for reprs, logs and error messages."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Mapping
from typing import Any, TypeVar

_QUERY_STRING = re.compile(r"\?[^\s'\")]*")

SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code",
        "code_verifier",
        "password",
        "assertion",
        "client_assertion",
        "device_code",
        "oauth_token_secret",
        "oauth_verifier",
        "token",
    }
)


def mask(value: object) -> str:
    """A stand-in that says a value exists without showing any of it."""
    if value is None or value == "":
        return repr(value)
    return "'***'"


def masked_mapping(data: Mapping[str, Any]) -> str:
    """``{'access_token': '***', 'token_type': 'Bearer'}``: secrets hidden, shape kept."""
    items = ", ".join(
        f"{key!r}: {mask(value) if key in SECRET_KEYS else repr(value)}"
        for key, value in data.items()
    )
    return "{" + items + "}"


def redact_query_strings(error: object) -> str:
    """``str(error)`` with every URL query string replaced: they may carry credentials."""
    return _QUERY_STRING.sub("?<redacted>", str(error))


_E = TypeVar("_E", bound=BaseException)


def redacted_exception(error: _E, message: str | None = None) -> _E:
    """An exception of ``error``'s class whose message (``message``, default ``str(error)``)
    has no secret parameter; ``request`` and ``response`` (requests' exceptions) are kept.

    Raise it outside the ``except`` block that caught ``error``, so that nothing is chained:
    the original and the urllib3 exceptions behind it repeat the URL in their messages.
    """
    text = redact_secrets(str(error) if message is None else message)
    names = ("request", "response")
    context = {name: getattr(error, name) for name in names if hasattr(error, name)}
    try:
        clean = type(error)(text, **context)
    except Exception:  # a class with its own constructor: same object, new arguments
        clean = error
        clean.args = (text,)
        clean.__cause__ = clean.__context__ = clean.__traceback__ = None
    else:
        for name, value in context.items():
            if getattr(clean, name, None) is not value:
                setattr(clean, name, value)
    return clean


# -- logs --------------------------------------------------------------------------------------

REDACTED = "<redacted>"

# Parameter names whose values are credentials wherever they appear: URL queries, form bodies,
# OAuth 1 headers and signature base strings, dict/tuple reprs and JSON.
SECRET_PARAMETERS = SECRET_KEYS | {
    "oauth_token",
    "oauth_signature",
    "subject_token",
    "actor_token",
    "fb_exchange_token",
    "appsecret_proof",
}
_extra_parameters: set[str] = set()
_patterns: tuple[frozenset[str], list[tuple[re.Pattern[str], str]]] | None = None


def register_secret_parameter(name: str) -> None:
    """Treat ``name`` (a provider's own name for a token or secret) as secret in logs."""
    global _patterns
    if name and name not in SECRET_PARAMETERS and name not in _extra_parameters:
        _extra_parameters.add(name)
        _patterns = None


def _secret_patterns() -> list[tuple[re.Pattern[str], str]]:
    global _patterns
    names = SECRET_PARAMETERS | _extra_parameters
    if _patterns is not None and _patterns[0] == names:
        return _patterns[1]
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    named = f"(?:{alternatives})"
    patterns = [
        # name=value and name="value" (queries, form bodies, OAuth 1 Authorization headers)
        (re.compile(rf"(?<![\w%.-])({named}=\"?)[^&\s#\"'<>]+", re.I), rf"\g<1>{REDACTED}"),
        # once or twice percent-encoded pairs: OAuth 1 signature base strings, nested URLs
        (
            re.compile(
                rf"((?:%26|%2526|%3F|%253F|&|\?|^){named}%(?:25)?3D)(?:(?!%26|%2526|&)[^\s\"'])+",
                re.I,
            ),
            rf"\g<1>{REDACTED}",
        ),
        # 'name': 'value', "name": "value", ('name', 'value'), b'value'
        (
            re.compile(rf"""((['"]){named}\2\s*[:,]\s*b?(['"]))(?:\\.|(?!\3).)*\3""", re.I),
            rf"\g<1>{REDACTED}\g<3>",
        ),
        (re.compile(r"(\bBearer\s+)[\w.~+/=-]+", re.I), rf"\g<1>{REDACTED}"),
        # oauthlib's OAuth 1 client logs "Signature: <value>"
        (re.compile(r"^(Signature: )\S+"), rf"\g<1>{REDACTED}"),
    ]
    _patterns = (names, patterns)
    return patterns


def redact_secrets(text: str) -> str:
    """``text`` with the value of every known secret parameter replaced by ``<redacted>``."""
    for pattern, replacement in _secret_patterns():
        text = pattern.sub(replacement, text)
    return text


def redacted_record(record: logging.LogRecord) -> logging.LogRecord:
    """Remove secrets from ``record`` in place (message, arguments, traceback); return it.

    String arguments are redacted one by one, so the message template survives; when a
    secret is still in the formatted message (inside an object's ``repr``, say) the record
    carries the redacted message itself and no arguments. A record is never dropped.
    """
    if not record.args:
        text = str(record.msg)
        clean = redact_secrets(text)
        if clean != text:
            record.msg = clean
    else:
        try:
            message = record.getMessage()
        except Exception:  # logging reports unformattable records: without the secrets
            record.args = _redacted_args(record.args)
        else:
            clean = redact_secrets(message)
            if clean != message:
                record.args = _redacted_args(record.args)
                if not isinstance(record.msg, str) or _formatted(record) != clean:
                    record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        clean = redact_secrets(text)
        if clean != text:
            record.exc_text = clean
    if record.stack_info:
        record.stack_info = redact_secrets(record.stack_info)
    return record


def _redacted_args(args: Any) -> Any:
    if isinstance(args, Mapping):
        return {key: _redacted_arg(value) for key, value in args.items()}
    if isinstance(args, tuple):
        return tuple(_redacted_arg(value) for value in args)
    return _redacted_arg(args)


def _redacted_arg(value: object) -> object:
    return redact_secrets(value) if isinstance(value, str) else value


def _formatted(record: logging.LogRecord) -> str | None:
    try:
        return record.getMessage()
    except Exception:
        return None


class SecretRedactingFilter(logging.Filter):
    """A logger filter that redacts known secret parameters; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # An argument whose __str__ raises, say: logging itself reports such a record.
        with contextlib.suppress(Exception):
            redacted_record(record)
        return True


# Loggers that write URLs, request parameters or signature base strings.
REDACTED_LOGGERS = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
    "oauthlib",
    "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature",
    "oauthlib.oauth2.rfc6749",
)
_install_lock = threading.Lock()


def secret_safe_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with the redacting filter installed (once)."""
    logger = logging.getLogger(name)
    with _install_lock:
        if not any(isinstance(f, SecretRedactingFilter) for f in logger.filters):
            logger.addFilter(SecretRedactingFilter())
    return logger


def install_log_redaction() -> None:
    """Install the redacting filter on the loggers of urllib3, requests and oauthlib.

    Idempotent. Logger filters see only records logged on that very logger, hence the list.
    """
    for name in REDACTED_LOGGERS:
        secret_safe_logger(name)


# -- text a server chose ------------------------------------------------------------------------

# How much of a text the server chose a message shows (escaped characters count as written).
SERVER_TEXT_LIMIT = 300
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def escaped_server_text(
    value: object, limit: int = SERVER_TEXT_LIMIT, *, quote: bool = False
) -> str:
    """``value`` with newlines and other control or invisible characters escaped (``\\n``,
    ``\\x1b``, ``\\u202e``) and ``"`` too when ``quote``, cut after ``limit`` characters with
    ``…``: what a server sent, safe to put in a message or a log line."""
    pieces: list[str] = []
    length = 0
    for char in str(value):
        if char.isprintable() and char not in _ESCAPES and not (quote and char == '"'):
            piece = char
        else:
            piece = '\\"' if char == '"' else _ESCAPES.get(char) or ascii(char)[1:-1]
        length += len(piece)
        if length > limit:
            pieces.append("…")
            break
        pieces.append(piece)
    return "".join(pieces)
