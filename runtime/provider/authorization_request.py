"""``AuthorizationRequest``: what an authorization URL sent, kept until its callback.

A web app answers the sign-in and the callback in two HTTP requests, often in two processes:
it keeps ``request.to_dict()`` (JSON-safe) in the user's session and hands
``AuthorizationRequest.from_dict(...)`` back to ``fetch_token(callback, request=...)``, which
checks the callback's state against it and sends its PKCE verifier and redirect URI (and checks
the id_token's nonce). Nothing of the client's own memory is used then, so any worker can
finish the sign-in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from .._redact import REDACTED, mask
from .._transport import without_query
from .errors import AuthorizationRequestError

FORMAT_VERSION = 1
"""The ``version`` of ``to_dict()``'s layout; ``from_dict`` refuses any other."""

_REQUIRED = ("url", "provider", "client_id")
_SECRETS = frozenset({"state", "code_verifier", "nonce"})


@dataclass(frozen=True, slots=True, repr=False)
class AuthorizationRequest:
    """One authorization request: its URL and what its callback and token request must match.

    Frozen and serialisable: ``to_dict()`` / ``from_dict()`` round-trip through JSON. The repr
    masks the state, the PKCE verifier, the nonce and the URL's query.

    For scripts written against the earlier ``(url, state)`` return value it also unpacks and
    indexes like that pair: ``url, state = client.authorization_url()``,
    ``client.authorization_url()[0]`` (state is ``""`` when the provider has none).
    """

    url: str
    """Where to send the user's browser."""
    provider: str
    """The spec id of the provider that built it (``github``)."""
    client_id: str
    """The OAuth client it was built for."""
    redirect_uri: str | None = None
    """The redirect URI it carried, sent again with the code (None: none was sent)."""
    state: str | None = None
    """The state the callback must echo (None: the provider has no state)."""
    code_verifier: str | None = None
    """The PKCE verifier sent with the code (None: no PKCE)."""
    nonce: str | None = None
    """The OpenID Connect nonce the id_token must carry (None: none was sent)."""

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in _REQUIRED:
                if not isinstance(value, str) or not value:
                    raise AuthorizationRequestError(
                        f"AuthorizationRequest {item.name!r} must be a non-empty string, "
                        f"not {_kind(value)}"
                    )
            elif value is not None and (not isinstance(value, str) or not value):
                raise AuthorizationRequestError(
                    f"AuthorizationRequest {item.name!r} must be a non-empty string or None, "
                    f"not {_kind(value)}"
                )

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in _SECRETS:
                text = mask(value)
            elif item.name == "url" and without_query(value) != value:
                text = repr(f"{without_query(value)}?{REDACTED}")
            else:
                text = repr(value)
            shown.append(f"{item.name}={text}")
        return f"AuthorizationRequest({', '.join(shown)})"

    def __iter__(self) -> Iterator[str]:
        """``url, state = request``: the pair earlier versions returned."""
        return iter(self._pair())

    def __getitem__(self, index: int) -> str:
        """``request[0]`` (the URL) and ``request[1]`` (the state), as on the earlier pair."""
        return self._pair()[index]

    def __len__(self) -> int:
        return 2

    def _pair(self) -> tuple[str, str]:
        return (self.url, self.state or "")

    def to_dict(self) -> dict[str, str | int | None]:
        """A JSON-safe dict for a web session; ``from_dict`` reads it back.

        It holds the state and the PKCE verifier: keep it where the user cannot change it
        (a signed or server-side session), and drop it once the callback has been handled."""
        data: dict[str, str | int | None] = {"version": FORMAT_VERSION}
        for item in fields(self):
            data[item.name] = getattr(self, item.name)
        return data

    @classmethod
    def from_dict(cls, data: object) -> AuthorizationRequest:
        """The request ``to_dict()`` returned, checked: a mapping of the current version with
        every required key, no unknown one, and strings (or None) as values; otherwise an
        ``AuthorizationRequestError`` naming the key."""
        if not isinstance(data, Mapping):
            raise AuthorizationRequestError(
                "an AuthorizationRequest is read from the mapping to_dict() returned, "
                f"not {_kind(data)}"
            )
        version = data.get("version")
        if isinstance(version, bool) or version != FORMAT_VERSION:
            raise AuthorizationRequestError(
                f"this AuthorizationRequest has format version {_shown(version)}; this "
                f"version of oauthgen reads version {FORMAT_VERSION}: start the sign-in again"
            )
        names = [item.name for item in fields(cls)]
        unknown = sorted(str(key) for key in data if key not in names and key != "version")
        if unknown:
            raise AuthorizationRequestError(
                f"an AuthorizationRequest has no {', '.join(map(repr, unknown))}; "
                f"its keys are: version, {', '.join(names)}"
            )
        missing = [name for name in _REQUIRED if name not in data]
        if missing:
            raise AuthorizationRequestError(
                f"the stored AuthorizationRequest lacks {', '.join(map(repr, missing))}"
            )
        values: dict[str, Any] = {name: data.get(name) for name in names}
        return cls(**values)  # __post_init__ checks every value's type


def check_request(request: object, *, provider: str, client_id: str) -> AuthorizationRequest:
    """``request`` as ``fetch_token(request=...)`` may use it: an ``AuthorizationRequest``
    built for ``provider``'s client ``client_id``."""
    if not isinstance(request, AuthorizationRequest):
        raise TypeError(
            "request= takes the AuthorizationRequest authorization_url() returned "
            f"(AuthorizationRequest.from_dict() reads a stored one), not {_kind(request)}"
        )
    if request.provider != provider:
        raise AuthorizationRequestError(
            f"this AuthorizationRequest was made for the provider {request.provider!r}, "
            f"not {provider!r}"
        )
    if request.client_id != client_id:
        raise AuthorizationRequestError(
            f"this AuthorizationRequest was made for the client {request.client_id!r}, "
            f"not {client_id!r}"
        )
    return request


def _kind(value: object) -> str:
    return "an empty string" if value == "" else type(value).__name__


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, int) and not isinstance(value, bool):
        return repr(value)
    return type(value).__name__
